using System.Globalization;
using System.Text;
using Kura.Node.Runtime;
using Microsoft.AspNetCore.Http;

namespace Kura.Node.Streaming;

/// <summary>
/// `GET /containerLogs/{ns}/{pod}/{container}`: a container's log, followed if asked (the kubelet
/// server's getContainerLogs). Errors are plain text with the kubelet's texts: 404 for a container
/// this node does not run, 400 for one without the requested log (validateContainerLogStatus).
/// </summary>
internal static class LogEndpoint
{
    private static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(100);

    public static async Task ServeAsync(HttpContext context, IContainerDirectory containers, string ns, string pod, string container)
    {
        var query = context.Request.Query;
        var previous = Bool(query["previous"]);
        DateTimeOffset? since = null;
        if (Long(query["sinceSeconds"]) is long seconds)
        {
            since = DateTimeOffset.UtcNow.AddSeconds(-seconds);
        }
        else if (DateTimeOffset.TryParse(query["sinceTime"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var sinceTime))
        {
            since = sinceTime;
        }

        var tail = Long(query["tailLines"]);
        var options = new LogOptions(Bool(query["follow"]), Bool(query["timestamps"]), tail is < 0 ? null : tail, since, Long(query["limitBytes"]) is long limit and > 0 ? limit : null);
        var handle = containers.Find(ns, pod, container);
        if (handle is null)
        {
            await FailAsync(context, 404, $"container \"{container}\" not found in pod \"{pod}\"");
            return;
        }

        string? file;
        if (previous)
        {
            file = handle.RestartCount > 0 ? LogFile(handle, handle.RestartCount - 1) : null;
            if (file is null)
            {
                await FailAsync(context, 400, $"previous terminated container \"{container}\" in pod \"{pod}\" not found");
                return;
            }
        }
        else
        {
            // The current instance; while a restarted container waits (back-off) the last one's.
            file = LogFile(handle, handle.RestartCount) ?? (handle.RestartCount > 0 ? LogFile(handle, handle.RestartCount - 1) : null);
            if (file is null)
            {
                await FailAsync(context, 400, $"container \"{container}\" in pod \"{pod}\" is waiting to start: ContainerCreating");
                return;
            }
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/plain";
        var ct = context.RequestAborted;
        var budget = options.LimitBytes ?? long.MaxValue;
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var pending = await reader.ReadToEndAsync(ct);
        var lines = CriLogReader.Parse(pending, out var consumed);
        pending = pending[consumed..];
        budget = await WriteAsync(context, CriLogReader.Select(lines, options), budget, ct);

        // Following: only the running instance, until it stops (or restarts) or the client goes.
        var follow = options.Follow && !previous && handle.Running && file == LogFile(handle, handle.RestartCount);
        var last = false;
        while (follow && budget > 0 && !ct.IsCancellationRequested)
        {
            var more = await reader.ReadToEndAsync(ct);
            if (more.Length == 0)
            {
                if (last)
                {
                    break;
                }

                var current = containers.Find(ns, pod, container);
                if (current is null || !current.Running || current.RestartCount != handle.RestartCount)
                {
                    // One more read for what was written just before it stopped.
                    last = true;
                    continue;
                }

                try
                {
                    await Task.Delay(FollowPoll, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                continue;
            }

            pending += more;
            lines = CriLogReader.Parse(pending, out consumed);
            pending = pending[consumed..];
            budget = await WriteAsync(context, lines.Where(l => options.Since is not { } s || l.Time >= s).Select(l => CriLogReader.Format(l, options)), budget, ct);
        }
    }

    private static string? LogFile(ContainerHandle handle, int number)
    {
        var path = Path.Combine(handle.LogDirectory, number.ToString(CultureInfo.InvariantCulture) + ".log");
        return File.Exists(path) ? path : null;
    }

    private static async Task<long> WriteAsync(HttpContext context, IEnumerable<string> lines, long budget, CancellationToken ct)
    {
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            var n = (int)Math.Min(bytes.Length, budget);
            await context.Response.Body.WriteAsync(bytes.AsMemory(0, n), ct);
            budget -= n;
            if (budget <= 0)
            {
                break;
            }
        }

        await context.Response.Body.FlushAsync(ct);
        return budget;
    }

    private static async Task FailAsync(HttpContext context, int code, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message);
    }

    private static bool Bool(string? value) => value is "true" or "1" or "True" or "TRUE" or "t" or "T";

    private static long? Long(string? value) => long.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : null;
}
