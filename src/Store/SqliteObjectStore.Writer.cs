using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Kura.Store;

public sealed partial class SqliteObjectStore
{
    private const int MaxBatch = 4096;

    /// <summary>The single writer: batch, check, commit (one fsync), publish, acknowledge.</summary>
    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(256);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var w))
            {
                batch.Add(w);
            }

            try
            {
                CommitBatch(batch);
            }
            catch (Exception e)
            {
                foreach (var w in batch)
                {
                    w.Completion.TrySetException(new IOException($"store write failed: {e.Message}", e));
                }

                continue;
            }

            foreach (var w in batch)
            {
                w.Completion.TrySetResult(w.Result!);
            }
        }
    }

    private void CommitBatch(List<PendingWrite> batch)
    {
        // Preconditions are checked against committed state plus earlier writes of this batch.
        var overlay = new Dictionary<string, StoredObject?>(StringComparer.Ordinal);
        var revision = _revision;
        var applied = new List<PendingWrite>(batch.Count);
        foreach (var w in batch)
        {
            var current = overlay.TryGetValue(w.Key, out var o) ? o : Committed(w.Key);
            switch (w.Kind)
            {
                case WriteKind.Create when current is not null:
                    w.Result = new WriteResult(WriteStatus.AlreadyExists, current.Object, current.Revision);
                    continue;
                case WriteKind.Update or WriteKind.Delete when current is null:
                    w.Result = new WriteResult(WriteStatus.NotFound, null, 0);
                    continue;
                case WriteKind.Update or WriteKind.Delete when w.Expected != 0 && w.Expected != current!.Revision:
                    w.Result = new WriteResult(WriteStatus.Conflict, current.Object, current.Revision);
                    continue;
            }

            revision++;
            if (w.Kind == WriteKind.Delete)
            {
                var last = (JsonObject)current!.Object.DeepClone();
                Stamp(last, revision);
                overlay[w.Key] = null;
                w.Event = new WatchEvent(WatchEventType.Deleted, w.Key, last, revision, current.Object);
                w.Result = new WriteResult(WriteStatus.Ok, last, revision);
            }
            else
            {
                // The object is already canonical (see Canonical); only the revision is added here.
                var stored = w.Object!;
                Stamp(stored, revision);
                w.Json = stored.ToJsonString();
                overlay[w.Key] = new StoredObject(w.Key, stored, revision);
                w.Event = new WatchEvent(w.Kind == WriteKind.Create ? WatchEventType.Added : WatchEventType.Modified, w.Key, stored, revision, current?.Object);
                w.Result = new WriteResult(WriteStatus.Ok, stored, revision);
            }

            applied.Add(w);
        }

        if (applied.Count == 0)
        {
            return;
        }

        using (var tx = _db.BeginTransaction())
        {
            using var upsert = _db.CreateCommand();
            upsert.Transaction = tx;
            upsert.CommandText = "INSERT INTO objects(key, revision, value) VALUES ($k, $r, $v) ON CONFLICT(key) DO UPDATE SET revision=excluded.revision, value=excluded.value;";
            var pk = upsert.Parameters.Add("$k", SqliteType.Text);
            var pr = upsert.Parameters.Add("$r", SqliteType.Integer);
            var pv = upsert.Parameters.Add("$v", SqliteType.Text);
            using var delete = _db.CreateCommand();
            delete.Transaction = tx;
            delete.CommandText = "DELETE FROM objects WHERE key=$k;";
            var dk = delete.Parameters.Add("$k", SqliteType.Text);
            foreach (var w in applied)
            {
                if (w.Kind == WriteKind.Delete)
                {
                    dk.Value = w.Key;
                    delete.ExecuteNonQuery();
                }
                else
                {
                    pk.Value = w.Key;
                    pr.Value = w.Event!.Revision;
                    pv.Value = w.Json;
                    upsert.ExecuteNonQuery();
                }
            }

            using var meta = _db.CreateCommand();
            meta.Transaction = tx;
            meta.CommandText = "UPDATE meta SET value=$r WHERE name='revision';";
            meta.Parameters.AddWithValue("$r", revision);
            meta.ExecuteNonQuery();
            tx.Commit();
        }

        Publish(applied, revision);
    }

    private StoredObject? Committed(string key)
    {
        // Only the writer changes _objects, so reading it here without the lock is safe.
        return _objects.TryGetValue(key, out var o) ? o : null;
    }

    private static void Stamp(JsonObject obj, long revision)
    {
        if (obj["metadata"] is not JsonObject meta)
        {
            meta = [];
            obj["metadata"] = meta;
        }

        meta["resourceVersion"] = RevisionText(revision);
    }

    /// <summary>Makes a committed batch visible: state, history and watchers move together.</summary>
    private void Publish(List<PendingWrite> applied, long revision)
    {
        _lock.EnterWriteLock();
        try
        {
            foreach (var w in applied)
            {
                if (w.Kind == WriteKind.Delete)
                {
                    _objects.Remove(w.Key);
                }
                else
                {
                    _objects[w.Key] = new StoredObject(w.Key, w.Event!.Object, w.Event.Revision);
                }
            }

            Interlocked.Exchange(ref _revision, revision);
            lock (_watchers)
            {
                foreach (var w in applied)
                {
                    _history.AddLast(w.Event!);
                    Deliver(w.Event!);
                }

                while (_history.Count > _options.HistorySize)
                {
                    _oldestRetained = _history.First!.Value.Revision + 1;
                    _history.RemoveFirst();
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }
}
