using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Kura.Store;

/// <summary>Settings of the durable store.</summary>
/// <param name="HistorySize">Watch events kept in memory; older resourceVersions get 410 Gone.</param>
/// <param name="WatcherBuffer">Events one watcher may lag behind before it is dropped (it relists).</param>
public sealed record StoreOptions(int HistorySize = 100_000, int WatcherBuffer = 10_000);

/// <summary>
/// <see cref="IObjectStore"/> on SQLite in WAL mode with synchronous=FULL. One writer loop takes
/// every queued operation as a batch, checks preconditions, commits the batch in one
/// transaction (one fsync shared by all writers: group commit), then publishes the batch to the
/// in-memory state, the watch history and the watchers, and only then acknowledges the callers.
/// </summary>
public sealed partial class SqliteObjectStore : IObjectStore
{
    private readonly SqliteConnection _db;
    private readonly StoreOptions _options;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SortedDictionary<string, StoredObject> _objects = new(StringComparer.Ordinal);
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly LinkedList<WatchEvent> _history = new();
    private readonly List<Watcher> _watchers = [];
    private readonly Task _writer;
    private long _revision;
    private long _oldestRetained = 1;

    private SqliteObjectStore(SqliteConnection db, StoreOptions options)
    {
        _db = db;
        _options = options;
        _writer = Task.Run(WriteLoopAsync);
    }

    public long Revision => Interlocked.Read(ref _revision);

    /// <summary>Opens (creating if needed) the store at <paramref name="path"/> and loads it into memory.</summary>
    public static async Task<SqliteObjectStore> OpenAsync(string path, StoreOptions options, CancellationToken ct = default)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        await db.OpenAsync(ct);
        foreach (var pragma in new[] { "PRAGMA journal_mode=WAL;", "PRAGMA synchronous=FULL;", "PRAGMA foreign_keys=OFF;" })
        {
            await using var cmd = db.CreateCommand();
            cmd.CommandText = pragma;
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await using (var create = db.CreateCommand())
        {
            create.CommandText = """
                CREATE TABLE IF NOT EXISTS objects (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
                INSERT OR IGNORE INTO meta(name, value) VALUES ('revision', 0);
                """;
            await create.ExecuteNonQueryAsync(ct);
        }

        var store = new SqliteObjectStore(db, options);
        await using (var load = db.CreateCommand())
        {
            load.CommandText = "SELECT key, revision, value FROM objects;";
            await using var reader = await load.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var key = reader.GetString(0);
                var obj = JsonNode.Parse(reader.GetString(2)) as JsonObject
                    ?? throw new InvalidDataException($"stored object {key} is not a JSON object");
                store._objects[key] = new StoredObject(key, obj, reader.GetInt64(1));
            }
        }

        await using (var rev = db.CreateCommand())
        {
            rev.CommandText = "SELECT value FROM meta WHERE name='revision';";
            store._revision = (long)(await rev.ExecuteScalarAsync(ct))!;
        }

        store._oldestRetained = store._revision + 1;
        return store;
    }

    public StoredObject? Get(string key)
    {
        _lock.EnterReadLock();
        try
        {
            return _objects.TryGetValue(key, out var o) ? o with { Object = (JsonObject)o.Object.DeepClone() } : null;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public StoreList List(string prefix)
    {
        _lock.EnterReadLock();
        try
        {
            var items = new List<StoredObject>();
            foreach (var (key, value) in _objects)
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    items.Add(value);
                }
            }

            return new StoreList(items, _revision);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    public Task<WriteResult> CreateAsync(string key, JsonObject obj, CancellationToken cancellationToken = default) =>
        EnqueueAsync(new PendingWrite(WriteKind.Create, key, Canonical(obj), 0));

    public Task<WriteResult> UpdateAsync(string key, JsonObject obj, long expectedRevision, CancellationToken cancellationToken = default) =>
        EnqueueAsync(new PendingWrite(WriteKind.Update, key, Canonical(obj), expectedRevision));

    /// <summary>
    /// The stored form: re-parsed from JSON, so every reader sees the same node kinds whatever CLR
    /// types the writer used (int vs long). Done on the caller's thread, off the single writer.
    /// </summary>
    private static JsonObject Canonical(JsonObject obj) => (JsonObject)JsonNode.Parse(obj.ToJsonString())!;

    public Task<WriteResult> DeleteAsync(string key, long expectedRevision, CancellationToken cancellationToken = default) =>
        EnqueueAsync(new PendingWrite(WriteKind.Delete, key, null, expectedRevision));

    private Task<WriteResult> EnqueueAsync(PendingWrite write)
    {
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(write), this);

        return write.Completion.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        lock (_watchers)
        {
            foreach (var w in _watchers)
            {
                w.Channel.Writer.TryComplete();
            }

            _watchers.Clear();
        }

        await _db.DisposeAsync();
        _lock.Dispose();
    }

    private enum WriteKind
    {
        Create,
        Update,
        Delete,
    }

    private sealed class PendingWrite(WriteKind kind, string key, JsonObject? obj, long expected)
    {
        public WriteKind Kind { get; } = kind;

        public string Key { get; } = key;

        public JsonObject? Object { get; } = obj;

        public long Expected { get; } = expected;

        public TaskCompletionSource<WriteResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public WriteResult? Result { get; set; }

        public WatchEvent? Event { get; set; }

        /// <summary>The serialized object as written to SQLite.</summary>
        public string? Json { get; set; }
    }

    private static string RevisionText(long revision) => revision.ToString(CultureInfo.InvariantCulture);
}
