using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Kura.ApiServer.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kura.ApiServer.Tests.Streaming;

/// <summary>
/// The API server and a fake node streaming server (canned answers, records what it is asked),
/// published as Node "fake-node"; the real kubectl.
/// </summary>
public sealed class FakeNodeFixture : ServerFixture, IAsyncLifetime
{
    private WebApplication _node = null!;

    public ConcurrentQueue<string> Requests { get; } = new();

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _node = builder.Build();
        _node.Run(async context =>
        {
            if (context.Request.Headers.Authorization != "Bearer " + Host.Token)
            {
                context.Response.StatusCode = 401;
                return;
            }

            Requests.Enqueue(context.Request.Path + context.Request.QueryString);
            (int Code, string Body) answer = context.Request.Path.Value switch
            {
                "/containerLogs/default/ok/app" => (200, "line1\nline2\n"),
                "/containerLogs/default/gone/app" => (404, "container \"app\" not found in pod \"gone\""),
                "/containerLogs/default/crash/app" => (500, "boom"),
                "/exec/default/ok/app" => (500, "container not found (\"app\")"),
                _ => (404, "404 page not found"),
            };
            context.Response.StatusCode = answer.Code;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(answer.Body);
        });
        await _node.StartAsync();
        var port = new Uri(_node.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        await CreateNodeAsync("fake-node", port);
    }

    public async Task CreateNodeAsync(string name, int port)
    {
        (await ApplyAsync($"apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n")).Ok();
        var status = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = "127.0.0.1" }),
                ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = port } },
            },
        };
        (await KubectlAsync("patch", "node", name, "--subresource=status", "--type=merge", "-p", status.ToJsonString())).Ok();
    }

    public async Task CreatePodAsync(string name, string? node = "fake-node", string containers = "  - name: app\n    image: busybox\n", string? init = null)
    {
        var placement = node is null ? "  schedulerName: no-such-scheduler" : $"  nodeName: {node}";
        var initContainers = init is null ? "" : $"  initContainers:\n  - name: {init}\n    image: busybox\n";
        (await ApplyAsync($"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n{placement}\n{initContainers}  containers:\n{containers}")).Ok();
    }

    public override async Task DisposeAsync()
    {
        if (_node is not null)
        {
            await _node.StopAsync();
            await _node.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}

public sealed class PodStreamProxyTests(FakeNodeFixture fixture) : IClassFixture<FakeNodeFixture>
{
    [Fact]
    public async Task Logs_AreProxiedWithTheirOptions_AndTheToken()
    {
        await fixture.CreatePodAsync("ok");
        Assert.Equal("line1\nline2\n", (await fixture.KubectlAsync("logs", "ok", "--tail=2", "--timestamps", "--since=1h", "--limit-bytes=100")).Ok().Stdout);
        Assert.Contains("/containerLogs/default/ok/app?timestamps=true&tailLines=2&sinceSeconds=3600&limitBytes=100", fixture.Requests);
    }

    [Fact]
    public async Task Logs_NodeRefusals_BecomeStatuses()
    {
        await fixture.CreatePodAsync("gone");
        await fixture.CreatePodAsync("crash");
        Assert.Contains("Error from server (NotFound): the server could not find the requested resource ( pods/log gone)", (await fixture.KubectlAsync("logs", "gone")).Stderr);
        Assert.Contains("Error from server (InternalError): Internal error occurred: boom", (await fixture.KubectlAsync("logs", "crash")).Stderr);
    }

    [Fact]
    public async Task Logs_ContainerValidation_AndOptions_HaveUpstreamsTexts()
    {
        await fixture.CreatePodAsync("multi", containers: "  - name: a\n    image: busybox\n  - name: b\n    image: busybox\n", init: "setup");
        var unnamed = await fixture.KubectlAsync("get", "--raw", "/api/v1/namespaces/default/pods/multi/log");
        Assert.Contains("Error from server (BadRequest): a container name must be specified for pod multi, choose one of: [setup a b]", unnamed.Stderr);
        var unknown = await fixture.KubectlAsync("get", "--raw", "/api/v1/namespaces/default/pods/multi/log?container=nope");
        Assert.Contains("container nope is not valid for pod multi", unknown.Stderr);
        var negative = await fixture.KubectlAsync("get", "--raw", "/api/v1/namespaces/default/pods/multi/log?container=a&tailLines=-1");
        Assert.Contains("tailLines: Invalid value: -1: must be greater than or equal to 0", negative.Stderr);
        var missing = await fixture.KubectlAsync("logs", "no-such-pod");
        Assert.Contains("pods \"no-such-pod\" not found", missing.Stderr);
    }

    [Fact]
    public async Task Logs_UnscheduledPod_IsEmpty_NodeProblems_AreErrors()
    {
        await fixture.CreatePodAsync("floating", node: null);
        Assert.Equal("", (await fixture.KubectlAsync("logs", "floating")).Ok().Stdout);

        // (A pod on a node that does not exist gets `nodes "x" not found`, but pod GC removes such pods.)
        // A node whose streaming server does not answer.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await fixture.CreateNodeAsync("dead-node", port);
        await fixture.CreatePodAsync("stranded", node: "dead-node");
        var dead = await fixture.KubectlAsync("logs", "stranded");
        Assert.NotEqual(0, dead.ExitCode);
        Assert.Contains($"Get \"http://127.0.0.1:{port}/containerLogs/default/stranded/app\"", dead.Stderr);
    }

    [Fact]
    public async Task Exec_Refusals()
    {
        await fixture.CreatePodAsync("floating-x", node: null);
        Assert.Contains("Error from server (BadRequest): pod floating-x does not have a host assigned", (await fixture.KubectlAsync("exec", "floating-x", "--", "true")).Stderr);

        // The node refuses the upgrade: its text reaches kubectl as the upstream proxy passes it.
        await fixture.CreatePodAsync("ok");
        var refused = await fixture.KubectlAsync("exec", "ok", "--", "true");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("unable to upgrade connection: container not found (\"app\")", refused.Stderr);
        Assert.Contains("/exec/default/ok/app?command=true&stdout=true&stderr=true", fixture.Requests);
    }
}
