using System.Text.Json.Nodes;

namespace Kura.Store.Tests;

public sealed class SqliteObjectStoreTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kura-store-").FullName;
    private SqliteObjectStore _store = null!;

    private string DbPath => Path.Combine(_dir, "kura.db");

    public async Task InitializeAsync() => _store = await SqliteObjectStore.OpenAsync(DbPath, new StoreOptions());

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static JsonObject Obj(string name, string value = "v") => new() { ["metadata"] = new JsonObject { ["name"] = name }, ["data"] = value };

    [Fact]
    public async Task Create_Twice_SecondIsAlreadyExists()
    {
        var first = await _store.CreateAsync("/core/configmaps/default/a", Obj("a"));
        var second = await _store.CreateAsync("/core/configmaps/default/a", Obj("a"));
        Assert.Equal(WriteStatus.Ok, first.Status);
        Assert.Equal("1", first.Object!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal(WriteStatus.AlreadyExists, second.Status);
    }

    [Fact]
    public async Task Update_WithStaleRevision_IsConflict()
    {
        var created = await _store.CreateAsync("/k/a", Obj("a"));
        var updated = await _store.UpdateAsync("/k/a", Obj("a", "2"), created.Revision);
        var stale = await _store.UpdateAsync("/k/a", Obj("a", "3"), created.Revision);
        Assert.Equal(WriteStatus.Ok, updated.Status);
        Assert.Equal(WriteStatus.Conflict, stale.Status);
        Assert.Equal(WriteStatus.NotFound, (await _store.UpdateAsync("/k/missing", Obj("x"), 0)).Status);
        Assert.Equal("2", _store.Get("/k/a")!.Object["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task List_PrefixIsExactAndOrdered()
    {
        await _store.CreateAsync("/core/pods/ns10/a", Obj("a"));
        await _store.CreateAsync("/core/pods/ns1/b", Obj("b"));
        await _store.CreateAsync("/core/pods/ns1/a", Obj("a"));
        var list = _store.List("/core/pods/ns1/");
        Assert.Equal(["/core/pods/ns1/a", "/core/pods/ns1/b"], list.Items.Select(i => i.Key));
        Assert.Equal(3, list.Revision);
    }

    [Fact]
    public async Task Reopen_KeepsObjectsAndRevisionMonotonic()
    {
        await _store.CreateAsync("/k/a", Obj("a"));
        var b = await _store.CreateAsync("/k/b", Obj("b"));
        await _store.DeleteAsync("/k/b", b.Revision);
        await _store.DisposeAsync();
        _store = await SqliteObjectStore.OpenAsync(DbPath, new StoreOptions());
        Assert.Equal(3, _store.Revision);
        Assert.NotNull(_store.Get("/k/a"));
        Assert.Null(_store.Get("/k/b"));
        Assert.Equal(4, (await _store.CreateAsync("/k/c", Obj("c"))).Revision);
    }

    [Fact]
    public async Task Watch_ReplaysFromRevisionThenLive()
    {
        var a = await _store.CreateAsync("/k/a", Obj("a"));
        await _store.UpdateAsync("/k/a", Obj("a", "2"), a.Revision);
        using var watch = _store.Watch("/k/", a.Revision)!;
        await _store.DeleteAsync("/k/a", 0);
        var modified = await watch.Events.ReadAsync();
        var deleted = await watch.Events.ReadAsync();
        Assert.Equal((WatchEventType.Modified, 2L), (modified.Type, modified.Revision));
        Assert.Equal((WatchEventType.Deleted, 3L), (deleted.Type, deleted.Revision));
        Assert.Equal("3", deleted.Object["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Watch_PastTrimmedHistory_ReturnsNull()
    {
        await using var small = await SqliteObjectStore.OpenAsync(Path.Combine(_dir, "small.db"), new StoreOptions(HistorySize: 2));
        for (var i = 0; i < 5; i++)
        {
            await small.CreateAsync($"/k/{i}", Obj($"{i}"));
        }

        Assert.Null(small.Watch("/k/", 1));
        Assert.NotNull(small.Watch("/k/", 3));
        Assert.NotNull(small.Watch("/k/", 5));
    }

    [Fact]
    public async Task ConcurrentWriters_AllCommittedWithDistinctRevisions()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var revs = new List<long>();
            for (var i = 0; i < 200; i++)
            {
                revs.Add((await _store.CreateAsync($"/k/{w}/{i}", Obj($"{w}-{i}"))).Revision);
            }

            return revs;
        })));
        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(1600, all.Distinct().Count());
        Assert.Equal(1600, _store.List("/k/").Items.Count);
    }
}
