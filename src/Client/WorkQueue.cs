using System.Threading.Channels;

namespace Kura.Client;

/// <summary>
/// client-go's rate-limited work queue, reduced to what controllers need: keys (not events),
/// de-duplicated while waiting, retried with exponential back-off after a failure, forgotten
/// after a success.
/// </summary>
public sealed class WorkQueue(TimeProvider time, Action<string, Exception>? onError = null)
{
    private static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    /// <summary>Adds a key unless it is already waiting.</summary>
    public void Add(string key)
    {
        lock (_queued)
        {
            if (!_queued.Add(key))
            {
                return;
            }
        }

        _ready.Writer.TryWrite(key);
    }

    /// <summary>Runs <paramref name="process"/> for each key, one at a time, until cancelled.</summary>
    public async Task RunAsync(Func<string, CancellationToken, Task> process, CancellationToken ct)
    {
        try
        {
            await foreach (var key in _ready.Reader.ReadAllAsync(ct))
            {
                if (ct.IsCancellationRequested)
                {
                    return;
                }

                lock (_queued)
                {
                    _queued.Remove(key);
                }

                try
                {
                    await process(key, ct);
                    lock (_failures)
                    {
                        _failures.Remove(key);
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // Failures are retried later; the reconciler reads fresh state each time.
                    var delay = NextDelay(key);
                    onError?.Invoke(key, e);
                    _ = AddAfterAsync(key, delay, ct);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private TimeSpan NextDelay(string key)
    {
        int n;
        lock (_failures)
        {
            n = _failures[key] = _failures.GetValueOrDefault(key) + 1;
        }

        var ms = BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(n - 1, 16));
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxDelay.TotalMilliseconds));
    }

    private async Task AddAfterAsync(string key, TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, time, ct);
            Add(key);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
