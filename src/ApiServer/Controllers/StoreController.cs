using System.Threading.Channels;
using Kura.Client;
using Kura.Store;

namespace Kura.ApiServer.Controllers;

/// <summary>
/// The sample-controller loop for the server's built-in controllers: list+watch a key prefix,
/// queue keys (not events), reconcile each key from the current state, retry failures with
/// back-off. Reconcilers read the store afresh and never mutate what it returned.
/// </summary>
public abstract class StoreController(IObjectStore store, TimeProvider time)
{
    private readonly WorkQueue _queue = new(time, (key, e) =>
        Console.Error.WriteLine($"kura: {key.Split('/')[2]} retrying {key}: {e.GetType().Name}: {e.Message}"));

    protected IObjectStore Store => store;

    protected TimeProvider Time => time;

    /// <summary>The key prefixes whose changes should trigger reconciles.</summary>
    protected abstract IReadOnlyList<string> WatchedPrefixes { get; }

    /// <summary>Maps a changed key to the keys to reconcile (by default the key itself).</summary>
    protected virtual IEnumerable<string> KeysFor(WatchEvent change) => [change.Key];

    /// <summary>Brings one key to its desired state; throw to retry with back-off.</summary>
    protected abstract Task ReconcileAsync(string key, CancellationToken ct);

    public Task RunAsync(CancellationToken ct) =>
        Task.WhenAll([.. WatchedPrefixes.Select(p => Task.Run(() => WatchLoopAsync(p, ct), ct)), Task.Run(() => _queue.RunAsync(ReconcileAsync, ct), ct)]);

    /// <summary>Queues a key for reconciling (deduplicated while queued).</summary>
    public void Enqueue(string key) => _queue.Add(key);

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
}
