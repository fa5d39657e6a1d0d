using System.Threading.Channels;
using Kura.Store;

namespace Kura.ApiServer.Controllers;

/// <summary>
/// The sample-controller loop for the server's built-in controllers: list+watch a key prefix,
/// queue keys (not events), reconcile each key from the current state, retry failures with
/// back-off. Reconcilers read the store afresh and never mutate what it returned.
/// </summary>
public abstract class StoreController(IObjectStore store, TimeProvider time)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _queued = [];
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    protected IObjectStore Store => store;

    protected TimeProvider Time => time;

    /// <summary>The key prefixes whose changes should trigger reconciles.</summary>
    protected abstract IReadOnlyList<string> WatchedPrefixes { get; }

    /// <summary>Maps a changed key to the keys to reconcile (by default the key itself).</summary>
    protected virtual IEnumerable<string> KeysFor(WatchEvent change) => [change.Key];

    /// <summary>Brings one key to its desired state; throw to retry with back-off.</summary>
    protected abstract Task ReconcileAsync(string key, CancellationToken ct);

    public Task RunAsync(CancellationToken ct) =>
        Task.WhenAll([.. WatchedPrefixes.Select(p => Task.Run(() => WatchLoopAsync(p, ct), ct)), Task.Run(() => WorkLoopAsync(ct), ct)]);

    /// <summary>Queues a key for reconciling (deduplicated while queued).</summary>
    public void Enqueue(string key)
    {
        lock (_queued)
        {
            if (!_queued.Add(key))
            {
                return;
            }
        }

        _queue.Writer.TryWrite(key);
    }

    private async Task WatchLoopAsync(string prefix, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var listed = store.List(prefix);
            foreach (var item in listed.Items)
            {
                foreach (var key in KeysFor(new WatchEvent(WatchEventType.Added, item.Key, item.Object, item.Revision)))
                {
                    Enqueue(key);
                }
            }

            using var watch = store.Watch(prefix, listed.Revision);
            if (watch is null)
            {
                continue;
            }

            try
            {
                await foreach (var change in watch.Events.ReadAllAsync(ct))
                {
                    foreach (var key in KeysFor(change))
                    {
                        Enqueue(key);
                    }
                }
            }
            catch (ChannelClosedException)
            {
                // The store dropped a slow watcher: relist.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task WorkLoopAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var key in _queue.Reader.ReadAllAsync(ct))
            {
                lock (_queued)
                {
                    _queued.Remove(key);
                }

                try
                {
                    await ReconcileAsync(key, ct);
                    _failures.Remove(key);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception)
                {
                    var n = _failures[key] = _failures.GetValueOrDefault(key) + 1;
                    var delay = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 50 * Math.Pow(2, Math.Min(n, 12))));
                    _ = RequeueLaterAsync(key, delay, ct);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RequeueLaterAsync(string key, TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, time, ct);
            Enqueue(key);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
