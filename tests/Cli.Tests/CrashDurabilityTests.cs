using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Kura.Cli.Tests;

/// <summary>
/// kill -9 of the server during a burst of concurrent writes: after a restart every write that
/// was acknowledged is there, and nothing is half-written.
/// </summary>
public sealed class CrashDurabilityTests
{
    [Fact]
    public async Task KillDuringConcurrentCreates_AcknowledgedWritesSurvive()
    {
        var home = Directory.CreateTempSubdirectory("kura-crash-").FullName;
        var acknowledged = new ConcurrentBag<string>();
        await using (var server = new ServerProcess(home))
        {
            await server.StartAsync();
            using var client = server.Client(server.Token);
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var name = $"crash-{w}-{i}";
                    var body = new JsonObject
                    {
                        ["apiVersion"] = "v1",
                        ["kind"] = "ConfigMap",
                        ["metadata"] = new JsonObject { ["name"] = name },
                        ["data"] = new JsonObject { ["payload"] = new string('x', 512) },
                    };
                    try
                    {
                        using var response = await client.PostAsync(new Uri("/api/v1/namespaces/default/configmaps", UriKind.Relative), new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            acknowledged.Add(name);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // the server died under us
                    }
                }
            })).ToArray();

            await Task.Delay(1500);
            server.KillHard();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        Assert.NotEmpty(acknowledged);
        await using var restarted = new ServerProcess(home);
        await restarted.StartAsync();
        using var reader = restarted.Client(restarted.Token);
        var list = JsonNode.Parse(await reader.GetStringAsync(new Uri("/api/v1/namespaces/default/configmaps", UriKind.Relative)))!;
        var stored = list["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()).ToHashSet();
        var missing = acknowledged.Where(n => !stored.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged writes lost, e.g. {string.Join(", ", missing.Take(5))}");
        foreach (var item in list["items"]!.AsArray())
        {
            Assert.Equal(512, item!["data"]!["payload"]!.GetValue<string>().Length);
        }

        await restarted.DisposeAsync();
        Directory.Delete(home, recursive: true);
    }
}
