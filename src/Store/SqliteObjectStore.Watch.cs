using System.Threading.Channels;

namespace Kura.Store;

public sealed partial class SqliteObjectStore
{
    public IWatchSubscription? Watch(string prefix, long afterRevision)
    {
        var watcher = new Watcher(this, prefix, Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(_options.WatcherBuffer)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        }));
        _lock.EnterReadLock();
        try
        {
            lock (_watchers)
            {
                // History must reach back to the first event after afterRevision.
                if (afterRevision + 1 < _oldestRetained && afterRevision < _revision)
                {
                    return null;
                }

                foreach (var ev in _history)
                {
                    if (ev.Revision > afterRevision && ev.Key.StartsWith(prefix, StringComparison.Ordinal) && !watcher.Channel.Writer.TryWrite(ev))
                    {
                        return null;
                    }
                }

                _watchers.Add(watcher);
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }

        return watcher;
    }

    /// <summary>Hands an event to each interested watcher; one that cannot keep up is closed, never waited for.</summary>
    private void Deliver(WatchEvent ev)
    {
        for (var i = _watchers.Count - 1; i >= 0; i--)
        {
            var w = _watchers[i];
            if (!ev.Key.StartsWith(w.Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (!w.Channel.Writer.TryWrite(ev))
            {
                w.Channel.Writer.TryComplete(new ChannelClosedException("watcher fell too far behind"));
                _watchers.RemoveAt(i);
            }
        }
    }

    private void Remove(Watcher watcher)
    {
        lock (_watchers)
        {
            _watchers.Remove(watcher);
        }

        watcher.Channel.Writer.TryComplete();
    }

    private sealed class Watcher(SqliteObjectStore store, string prefix, Channel<WatchEvent> channel) : IWatchSubscription
    {
        public string Prefix { get; } = prefix;

        public Channel<WatchEvent> Channel { get; } = channel;

        public ChannelReader<WatchEvent> Events => Channel.Reader;

        public void Dispose() => store.Remove(this);
    }
}
