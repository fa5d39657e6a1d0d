using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Kura.Node.Tests.Streaming;

public sealed class StreamingTestBedFixture : IAsyncLifetime
{
    public StreamingTestBed Bed { get; private set; } = null!;

    public async Task InitializeAsync() => Bed = await StreamingTestBed.StartAsync();

    public async Task DisposeAsync() => await Bed.DisposeAsync();
}

/// <summary>The node's streaming server against a real runc container and hand-written CRI logs.</summary>
public sealed class NodeStreamingServerTests(StreamingTestBedFixture fixture) : IClassFixture<StreamingTestBedFixture>
{
    private readonly StreamingTestBed _bed = fixture.Bed;

    private HttpClient Client(string? token = StreamingTestBed.Token)
    {
        var client = new HttpClient { BaseAddress = new Uri(_bed.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static string Record(int second, string stream, string tag, string text) => $"2026-03-01T10:00:{second:00}.{second}Z {stream} {tag} {text}\n";

    /// <summary>Pod logs-{n}: 0.log the previous instance, 1.log the current one.</summary>
    private string SetUpLogs(string pod, bool running = true)
    {
        var handle = _bed.Handle(pod, restartCount: 1, running: running);
        _bed.Containers.Set("default", pod, handle);
        File.WriteAllText(Path.Combine(handle.LogDirectory, "0.log"), Record(1, "stdout", "F", "old run"));
        File.WriteAllText(Path.Combine(handle.LogDirectory, "1.log"),
            Record(2, "stdout", "F", "first line") + Record(3, "stderr", "P", "par") + Record(4, "stderr", "F", "tial") + Record(5, "stdout", "F", "last line"));
        return handle.LogDirectory;
    }

    private async Task<(HttpStatusCode Code, string Body)> GetAsync(string path, string? token = StreamingTestBed.Token)
    {
        using var client = Client(token);
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task WithoutTheToken_Unauthorized()
    {
        SetUpLogs("auth");
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/containerLogs/default/auth/auth", token: null)).Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/containerLogs/default/auth/auth", token: "wrong")).Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/exec/default/auth/auth?command=id&stdout=true", token: null)).Code);
        var refused = await Assert.ThrowsAnyAsync<System.Net.WebSockets.WebSocketException>(() =>
            ExecClient.RunAsync(new Uri($"ws://127.0.0.1:{_bed.Server.Port}/exec/default/auth/auth?{ExecClient.Query(false, false, "id")}"), "wrong"));
        Assert.NotNull(refused);
    }

    [Fact]
    public async Task Logs_WholeTailTimestampsLimitAndPrevious()
    {
        SetUpLogs("logs");
        Assert.Equal((HttpStatusCode.OK, "first line\npartial\nlast line\n"), await GetAsync("/containerLogs/default/logs/logs"));
        Assert.Equal("last line\n", (await GetAsync("/containerLogs/default/logs/logs?tailLines=1")).Body);
        Assert.Equal("partial\nlast line\n", (await GetAsync("/containerLogs/default/logs/logs?tailLines=2")).Body);
        Assert.Equal("2026-03-01T10:00:03.300000000Z partial\n2026-03-01T10:00:05.500000000Z last line\n", (await GetAsync("/containerLogs/default/logs/logs?tailLines=2&timestamps=true")).Body);
        Assert.Equal("fir", (await GetAsync("/containerLogs/default/logs/logs?limitBytes=3")).Body);
        Assert.Equal("last line\n", (await GetAsync("/containerLogs/default/logs/logs?sinceTime=2026-03-01T10:00:05Z")).Body);
        Assert.Equal("old run\n", (await GetAsync("/containerLogs/default/logs/logs?previous=true")).Body);
    }

    [Fact]
    public async Task Logs_Follow_SeesAppendedLines_AndEndsWhenTheContainerStops()
    {
        var dir = SetUpLogs("follow");
        using var client = Client();
        using var response = await client.GetAsync("/containerLogs/default/follow/follow?follow=true&tailLines=1", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("last line", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        await File.AppendAllTextAsync(Path.Combine(dir, "1.log"), Record(6, "stdout", "P", "appended ") + Record(7, "stdout", "F", "later"));
        Assert.Equal("appended later", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        await File.AppendAllTextAsync(Path.Combine(dir, "1.log"), Record(8, "stdout", "F", "final words"));
        _bed.Containers.Set("default", "follow", _bed.Handle("follow", restartCount: 1, running: false));
        Assert.Equal("final words\n", await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Logs_Refusals_HaveTheKubeletsTexts()
    {
        Assert.Equal((HttpStatusCode.NotFound, "container \"nope\" not found in pod \"ghost\""), await GetAsync("/containerLogs/default/ghost/nope"));
        _bed.Containers.Set("default", "waiting", _bed.Handle("waiting", running: false, id: null) with { ContainerId = null });
        Assert.Equal((HttpStatusCode.BadRequest, "container \"waiting\" in pod \"waiting\" is waiting to start: ContainerCreating"), await GetAsync("/containerLogs/default/waiting/waiting"));
        Assert.Equal((HttpStatusCode.BadRequest, "previous terminated container \"waiting\" in pod \"waiting\" not found"), await GetAsync("/containerLogs/default/waiting/waiting?previous=true"));
    }

    [Fact]
    public async Task Exec_SeparatesStdoutAndStderr_ReportsSuccess()
    {
        _bed.Containers.Set("default", "ex", _bed.Handle("ex"));
        var result = await ExecClient.RunAsync(ExecUri("ex", false, false, "sh", "-c", "echo out; echo err >&2"), StreamingTestBed.Token);
        Assert.Equal("v5.channel.k8s.io", result.Protocol);
        Assert.Equal("out\n", result.Stdout);
        Assert.Equal("err\n", result.Stderr);
        Assert.Equal("Success", result.Status?["status"]?.GetValue<string>());
    }

    [Fact]
    public async Task Exec_NonZeroExit_IsReportedAsTheKubeletDoes()
    {
        _bed.Containers.Set("default", "ex3", _bed.Handle("ex3"));
        var result = await ExecClient.RunAsync(ExecUri("ex3", false, false, "sh", "-c", "exit 3"), StreamingTestBed.Token);
        var status = result.Status!;
        Assert.Equal("Failure", status["status"]?.GetValue<string>());
        Assert.Equal("NonZeroExitCode", status["reason"]?.GetValue<string>());
        Assert.Equal("command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3", status["message"]?.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = "3" }), status["details"]?["causes"]));
    }

    [Fact]
    public async Task Exec_Stdin_ReachesTheCommand_AndItsCloseEndsIt()
    {
        _bed.Containers.Set("default", "cat", _bed.Handle("cat"));
        var result = await ExecClient.RunAsync(ExecUri("cat", true, false, "cat"), StreamingTestBed.Token, stdin: "hi\nthere\n");
        Assert.Equal("hi\nthere\n", result.Stdout);
        Assert.Equal("Success", result.Status?["status"]?.GetValue<string>());
    }

    [Fact]
    public async Task Exec_V4_IsNegotiatedToo()
    {
        _bed.Containers.Set("default", "v4", _bed.Handle("v4"));
        var result = await ExecClient.RunAsync(ExecUri("v4", false, false, "echo", "v4 works"), StreamingTestBed.Token, protocols: ["v4.channel.k8s.io"]);
        Assert.Equal("v4.channel.k8s.io", result.Protocol);
        Assert.Equal("v4 works\n", result.Stdout);
    }

    [Fact]
    public async Task Exec_Tty_RelaysTheTerminal_AndAppliesResizes()
    {
        _bed.Containers.Set("default", "tty", _bed.Handle("tty"));
        var result = await ExecClient.RunAsync(ExecUri("tty", true, true, "sh", "-c", "read x; stty size; test -t 0 && echo is-a-tty; exit 4"), StreamingTestBed.Token, stdin: "go\n", resize: (100, 30));
        Assert.True(result.Stdout.Contains("30 100", StringComparison.Ordinal), result.ToString());
        Assert.Contains("is-a-tty", result.Stdout);
        Assert.Equal("", result.Stderr);
        Assert.Equal("4", result.Status?["details"]?["causes"]?[0]?["message"]?.GetValue<string>());
    }

    [Fact]
    public async Task Exec_MissingExecutable_IsAnInternalError()
    {
        _bed.Containers.Set("default", "nope", _bed.Handle("nope"));
        var result = await ExecClient.RunAsync(ExecUri("nope", false, false, "/no/such/program"), StreamingTestBed.Token);
        Assert.Equal("InternalError", result.Status?["reason"]?.GetValue<string>());
        Assert.Contains("/no/such/program", result.Status?["message"]?.GetValue<string>());
        Assert.StartsWith("Internal error occurred: error executing command in container: ", result.Status?["message"]?.GetValue<string>());
    }

    [Fact]
    public async Task Exec_Refusals_ComeBeforeTheUpgrade()
    {
        _bed.Containers.Set("default", "stopped", _bed.Handle("stopped", running: false));
        _bed.Containers.Set("default", "fine", _bed.Handle("fine"));
        Assert.Equal((HttpStatusCode.NotFound, "container not found (\"nope\")"), await GetAsync("/exec/default/ghost/nope?command=id&stdout=true"));
        Assert.Equal((HttpStatusCode.InternalServerError, "container not found (\"stopped\")"), await GetAsync("/exec/default/stopped/stopped?command=id&stdout=true"));
        Assert.Equal((HttpStatusCode.BadRequest, "you must specify at least 1 command"), await GetAsync("/exec/default/fine/fine?stdout=true"));
        Assert.Equal((HttpStatusCode.BadRequest, "you must specify at least 1 of stdin, stdout, stderr"), await GetAsync("/exec/default/fine/fine?command=id"));
        Assert.Equal(HttpStatusCode.UpgradeRequired, (await GetAsync("/exec/default/fine/fine?command=id&stdout=true")).Code);
    }

    [Fact]
    public async Task Exec_ClientLeaving_EndsTheCommand()
    {
        _bed.Containers.Set("default", "leave", _bed.Handle("leave"));
        using (var ws = new System.Net.WebSockets.ClientWebSocket())
        {
            ws.Options.AddSubProtocol("v5.channel.k8s.io");
            ws.Options.SetRequestHeader("Authorization", "Bearer " + StreamingTestBed.Token);
            await ws.ConnectAsync(ExecUri("leave", false, false, "sleep", "4321"), CancellationToken.None);
            await Task.Delay(500);
            Assert.Contains("sleep 4321", await PsAsync());
            ws.Abort();
        }

        for (var i = 0; i < 50 && (await PsAsync()).Contains("sleep 4321", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        Assert.DoesNotContain("sleep 4321", await PsAsync());
    }

    private async Task<string> PsAsync() => (await StreamingTestBed.RunAsync("runc", "--root", _bed.RuncRoot, "exec", _bed.ContainerId, "ps", "-o", "args")).Stdout;

    private Uri ExecUri(string pod, bool stdin, bool tty, params string[] command) =>
        new($"ws://127.0.0.1:{_bed.Server.Port}/exec/default/{pod}/{pod}?{ExecClient.Query(stdin, tty, command)}");
}
