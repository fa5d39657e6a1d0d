using System.Globalization;
using System.Text;
using Kura.Node.Runtime;
using Microsoft.AspNetCore.Http;

namespace Kura.Node.Streaming;

/// <summary>`GET /containerLogs/{ns}/{pod}/{container}`: a container's log, followed if asked.</summary>
internal static class LogEndpoint
{
    private static readonly TimeSpan FollowPoll = TimeSpan.FromMilliseconds(100);

    public static async Task ServeAsync(HttpContext context, IContainerDirectory containers, string ns, string pod, string container)
    {
        var query = context.Request.Query;
        var previous = Bool(query["previous"]);
        var options = new LogOptions(
            Bool(query["follow"]) && !previous,
            Bool(query["timestamps"]),
            Long(query["tailLines"]),
            Long(query["sinceSeconds"]) is long since ? DateTimeOffset.UtcNow.AddSeconds(-since) : DateTimeOffset.TryParse(query["sinceTime"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null,
            Long(query["limitBytes"]));
        var handle = containers.Find(ns, pod, container);
        if (handle is null)
        {
            await FailAsync(context, 404, $"container \"{container}\" in pod \"{pod}\" is not available");
            return;
        }

        var number = previous ? handle.RestartCount - 1 : handle.RestartCount;
        var file = Path.Combine(handle.LogDirectory, $"{number}.log");
        if (!File.Exists(file))
        {
            await FailAsync(context, 400, previous
                ? $"previous terminated container \"{container}\" in pod \"{pod}\" not found"
                : $"container \"{container}\" in pod \"{pod}\" is waiting to start: ContainerCreating");
            return;
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
        while (options.Follow && budget > 0 && !ct.IsCancellationRequested)
        {
            var more = await reader.ReadToEndAsync(ct);
            if (more.Length == 0)
            {
                var current = containers.Find(ns, pod, container);
                if (current is null || !current.Running || current.RestartCount != handle.RestartCount)
                {
                    break;
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
            budget = await WriteAsync(context, lines.Select(l => CriLogReader.Format(l, options with { Since = null })), budget, ct);
        }
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
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(message);
    }

    private static bool Bool(string? value) => value is "true" or "1" or "True";

    private static long? Long(string? value) => long.TryParse(value, CultureInfo.InvariantCulture, out var n) ? n : null;
}
