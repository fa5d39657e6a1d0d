using System.Net;
using Kura.ApiServer.Admission;
using Kura.ApiServer.Catalog;
using Kura.ApiServer.Controllers;
using Kura.ApiServer.Handlers;
using Kura.ApiServer.Routing;
using Kura.ApiServer.Security;
using Kura.Model.Errors;
using Kura.Model.Registry;
using Kura.Model.Schemas;
using Kura.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kura.ApiServer.Hosting;

/// <summary>
/// The embedded Kubernetes-compatible API server: durable store, served kinds, admission,
/// the server-side controllers (namespaces, garbage collection, CRDs, storage protection) and
/// HTTPS with bearer-token authentication.
/// </summary>
public sealed class ApiServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IObjectStore _store;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _controllers = [];
    private readonly List<IDisposable> _disposables = [];
    private volatile bool _ready;

    private ApiServerHost(WebApplication app, IObjectStore store, ObjectService objects, Pki pki, string token)
    {
        _app = app;
        _store = store;
        Objects = objects;
        Pki = pki;
        Token = token;
    }

    public ObjectService Objects { get; }

    public Pki Pki { get; }

    /// <summary>The bearer token clients must present.</summary>
    public string Token { get; }

    /// <summary>The https URL the server answers on.</summary>
    public string Url { get; private set; } = "";

    public static async Task<ApiServerHost> StartAsync(ApiServerOptions options, CancellationToken ct = default)
    {
        Directory.CreateDirectory(options.DataDirectory);
        var store = await SqliteObjectStore.OpenAsync(Path.Combine(options.DataDirectory, "kura.db"), new StoreOptions(), ct);
        var catalog = new ResourceCatalog(BuiltInKinds.Create(), BuiltInSchemas.Load());
        var objects = new ObjectService(store, catalog, options.Time, [new NamespaceLifecycle(), new StorageAdmission(), new DefaultTolerationSeconds(options.DefaultTolerationSeconds)]);

        var hosts = new List<string> { "127.0.0.1", "localhost", "::1" };
        if (options.BindAddress is not ("0.0.0.0" or "::") && !hosts.Contains(options.BindAddress))
        {
            hosts.Add(options.BindAddress);
        }

        hosts.AddRange(options.ExtraSans.Where(h => !hosts.Contains(h)));
        var pki = Pki.LoadOrCreate(Path.Combine(options.DataDirectory, "pki"), hosts, options.Time);
        var token = TokenAuthenticator.LoadOrCreateToken(Path.Combine(options.DataDirectory, "token"));
        var auth = new TokenAuthenticator(token);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = HttpIo.MaxBodyBytes + 1024;
            foreach (var address in (string[])[options.BindAddress, .. options.AdditionalListenAddresses])
            {
                k.Listen(IPAddress.Parse(address), options.Port, l =>
                {
                    l.Protocols = HttpProtocols.Http1AndHttp2;
                    l.UseHttps(pki.ServingCertificate);
                });
            }
        });
        var app = builder.Build();
        var host = new ApiServerHost(app, store, objects, pki, token);
        var router = new ApiRouter(objects, new ResourceHandler(objects) { Streams = new Streaming.PodStreamProxy(objects, token) }, () => host._ready);
        app.UseWebSockets();
        app.Run(async context =>
        {
            if (!ApiRouter.IsPublic(context.Request.Path) && !auth.IsAuthorized(context.Request.Headers.Authorization))
            {
                await HttpIo.WriteErrorAsync(context, ApiException.Unauthorized());
                return;
            }

            await router.HandleAsync(context);
        });

        var crds = new CrdController(objects);
        crds.LoadAll();
        await Bootstrap.EnsureAsync(objects, ct);
        crds.LoadAll();
        await Bootstrap.EnsureDriversAsync(objects, options.CsiDrivers, options.InstallDefaultStorageClass, options.DefaultClassBindingMode, ct);
        host.StartController(crds);
        host.StartController(new NamespaceController(objects));
        host.StartController(new GarbageCollector(objects));
        host.StartController(new ProtectionController(objects));
        host.StartController(new PersistentVolumeBinder(objects));
        foreach (var controller in Controllers.Workloads.WorkloadControllers.Create(objects).Concat(Controllers.Scheduling.SchedulingControllers.Create(objects, options)))
        {
            host.StartController(controller);
        }

        foreach (var driver in options.CsiDrivers)
        {
            var client = new Grpc.GrpcClient(driver.Endpoint);
            host._disposables.Add(client);

            // A driver running on several nodes: each node's instance serves its own volumes.
            var several = options.CsiDrivers.Count(d => d.Name == driver.Name) > 1;
            var primary = options.CsiDrivers.First(d => d.Name == driver.Name) == driver;
            var instance = several ? new DriverInstance(driver.NodeId, driver.TopologyKey, primary) : DriverInstance.Single;
            host.StartController(new CsiProvisioner(objects, driver.Name, client, instance));
            host.StartController(new CsiResizer(objects, driver.Name, client, instance));
            if (primary)
            {
                // Snapshots and attachments go through the first instance only for now (see docs/status.md).
                host.StartController(new CsiSnapshotter(objects, driver.Name, client));
                host.StartController(new CsiAttacher(objects, driver.Name, client));
            }

            host._controllers.Add(new CsiCapacityPublisher(objects, driver.Name, driver.NodeId, driver.TopologyKey, client).RunWithRefreshAsync(host._stopping.Token));
        }

        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port;
        var urlHost = options.BindAddress is "0.0.0.0" or "::" ? "127.0.0.1" : options.BindAddress;
        host.Url = $"https://{(urlHost.Contains(':', StringComparison.Ordinal) ? $"[{urlHost}]" : urlHost)}:{port}";
        host._ready = true;
        return host;
    }

    private void StartController(StoreController controller) => _controllers.Add(controller.RunAsync(_stopping.Token));

    public async ValueTask DisposeAsync()
    {
        _ready = false;
        await _stopping.CancelAsync();
        await _app.StopAsync();
        try
        {
            await Task.WhenAll(_controllers).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
        }

        await _app.DisposeAsync();
        await _store.DisposeAsync();
        foreach (var d in _disposables)
        {
            d.Dispose();
        }

        _stopping.Dispose();
    }
}
