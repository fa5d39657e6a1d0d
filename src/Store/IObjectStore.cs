using System.Text.Json.Nodes;

namespace Kura.Store;

/// <summary>
/// The durable object store (the etcd role). Keys are opaque strings chosen by the API server,
/// laid out so that a prefix selects a resource or a namespace of it:
/// <c>/{group}/{plural}/{namespace}/{name}</c> (namespace "" for cluster-scoped kinds; group ""
/// for core). Every successful write gets the next value of one global revision, stamped into
/// the stored object's <c>metadata.resourceVersion</c> before it is written. A write is durable
/// (fsynced) before its task completes; concurrent writers share fsyncs (group commit).
/// Reads and watches are served from memory and see only committed writes.
/// </summary>
public interface IObjectStore : IAsyncDisposable
{
    /// <summary>The revision of the newest committed write (0 for an empty store).</summary>
    long Revision { get; }

    /// <summary>The committed object at <paramref name="key"/>, or null. The caller gets its own copy.</summary>
    StoredObject? Get(string key);

    /// <summary>All committed objects whose key starts with <paramref name="prefix"/>, ordered by key, and the revision they were read at.</summary>
    StoreList List(string prefix);

    /// <summary>Creates <paramref name="key"/> from a copy of <paramref name="obj"/>; fails with <see cref="WriteStatus.AlreadyExists"/> if present.</summary>
    Task<WriteResult> CreateAsync(string key, JsonObject obj, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces <paramref name="key"/> if its current revision equals <paramref name="expectedRevision"/>
    /// (compare-and-swap); 0 means unconditional. Fails with NotFound or Conflict.
    /// </summary>
    Task<WriteResult> UpdateAsync(string key, JsonObject obj, long expectedRevision, CancellationToken cancellationToken = default);

    /// <summary>Deletes <paramref name="key"/> if its revision equals <paramref name="expectedRevision"/> (0 = unconditional). The result carries the last stored object.</summary>
    Task<WriteResult> DeleteAsync(string key, long expectedRevision, CancellationToken cancellationToken = default);

    /// <summary>
    /// Events for keys under <paramref name="prefix"/> with revision greater than
    /// <paramref name="afterRevision"/>, in revision order, then live. Returns null when
    /// <paramref name="afterRevision"/> is older than the retained history (the caller answers 410 Gone).
    /// Dispose the subscription to stop.
    /// </summary>
    IWatchSubscription? Watch(string prefix, long afterRevision);
}

/// <summary>A committed object and the revision that wrote it.</summary>
public sealed record StoredObject(string Key, JsonObject Object, long Revision);

/// <summary>A consistent listing at one revision.</summary>
public sealed record StoreList(IReadOnlyList<StoredObject> Items, long Revision);

public enum WriteStatus
{
    Ok,
    NotFound,
    AlreadyExists,
    Conflict,
}

/// <summary>
/// Outcome of a write. Expected failures are values, not exceptions. The object is the store's
/// own (shared with watchers): read it, never mutate it.
/// </summary>
/// <param name="Object">The stored object (with resourceVersion) on success; the current object on Conflict/AlreadyExists; the deleted object for a delete.</param>
public sealed record WriteResult(WriteStatus Status, JsonObject? Object, long Revision)
{
    public bool Ok => Status == WriteStatus.Ok;
}

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,
}

/// <summary>
/// One change. For Deleted, <see cref="Object"/> is the last state with the deletion's revision as
/// resourceVersion. <see cref="Previous"/> is the state before the change (null for Added), so a
/// filtered watch can tell an object leaving its selection from one that never was in it.
/// </summary>
public sealed record WatchEvent(WatchEventType Type, string Key, JsonObject Object, long Revision, JsonObject? Previous = null);

/// <summary>A live watch. Reading ends when the subscription is disposed or the store closes.</summary>
public interface IWatchSubscription : IDisposable
{
    System.Threading.Channels.ChannelReader<WatchEvent> Events { get; }
}
