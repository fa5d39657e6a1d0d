using System.Text.Json.Nodes;
using Kura.Model.Printing;

namespace Kura.Model.Tests.Printing;

/// <summary>Shared clock and helpers for the printer tests.</summary>
internal static class PrintingKit
{
    /// <summary>The "now" of every row; objects below are created relative to it.</summary>
    public static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    public static object?[] Row(string group, string kind, string json) => [.. BuiltInPrinters.For(group, kind).Row(Parse(json), Now)];

    /// <summary>Columns as "Name|type|format|priority" strings for compact comparison.</summary>
    public static string[] Columns(string group, string kind) =>
        [.. BuiltInPrinters.For(group, kind).Columns.Select(c => $"{c.Name}|{c.Type}|{c.Format}|{c.Priority}")];
}
