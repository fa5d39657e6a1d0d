using System.Text.Json.Nodes;
using Kura.Model.Selectors;

namespace Kura.Model.Tests.Selectors;

public sealed class LabelSelectorJsonTests
{
    [Theory]
    [InlineData("""{"matchLabels":{"b":"2","a":"1"}}""", "a=1,b=2")]
    [InlineData("""{"matchExpressions":[{"key":"tier","operator":"In","values":["web","cache"]}]}""", "tier in (cache,web)")]
    [InlineData("""{"matchExpressions":[{"key":"tier","operator":"NotIn","values":["db"]}]}""", "tier notin (db)")]
    [InlineData("""{"matchExpressions":[{"key":"x","operator":"Exists"},{"key":"a","operator":"DoesNotExist"}]}""", "!a,x")]
    [InlineData("""{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"env","operator":"In","values":["prod"]}]}""", "app=web,env in (prod)")]
    [InlineData("{}", "")]
    public void TryFromJson_ValidSelector_PrintsRequirementsInKeyOrder(string json, string expected)
    {
        Assert.True(LabelSelector.TryFromJson(JsonNode.Parse(json)!.AsObject(), out var s, out var error), error);
        Assert.Equal(expected, s.ToString());
    }

    [Theory]
    [InlineData("""{"matchExpressions":[{"key":"x","operator":"Foo"}]}""", "\"Foo\" is not a valid label selector operator")]
    [InlineData("""{"matchExpressions":[{"key":"x","operator":"In","values":[]}]}""", "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty")]
    [InlineData("""{"matchExpressions":[{"key":"x","operator":"Exists","values":["a"]}]}""", "values: Invalid value: []string{\"a\"}: values set must be empty for exists and does not exist")]
    [InlineData("""{"matchLabels":{"bad key":"v"}}""", "key: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")]
    public void TryFromJson_InvalidSelector_FailsWithKubernetesMessage(string json, string message)
    {
        Assert.False(LabelSelector.TryFromJson(JsonNode.Parse(json)!.AsObject(), out _, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void FromJson_Null_MatchesNothing()
    {
        var s = LabelSelector.FromJson(null);
        Assert.False(s.IsEmpty);
        Assert.False(s.Matches(new Dictionary<string, string>()));
    }

    [Fact]
    public void FromJson_Empty_MatchesEverything()
    {
        var s = LabelSelector.FromJson([]);
        Assert.True(s.IsEmpty);
        Assert.True(s.Matches(new Dictionary<string, string> { ["a"] = "b" }));
    }

    [Theory]
    [InlineData("""{"app":"web","tier":"db"}""", true)]
    [InlineData("""{"app":"web","tier":"web"}""", false)]
    [InlineData("""{"tier":"db"}""", false)]
    public void Matches_JsonLabels_AppliesAllRequirements(string labels, bool expected)
    {
        var s = LabelSelector.FromJson(JsonNode.Parse("""{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"NotIn","values":["web"]}]}""")!.AsObject());
        Assert.Equal(expected, s.Matches(JsonNode.Parse(labels)!.AsObject()));
    }

    [Theory]
    [InlineData(null, "<error>")]
    [InlineData("{}", "<none>")]
    [InlineData("""{"matchLabels":{"app":"web"}}""", "app=web")]
    [InlineData("""{"matchExpressions":[{"key":"x","operator":"Bogus"}]}""", "<error>")]
    public void Format_Selector_PrintsLikeKubectl(string? json, string expected)
    {
        // A nil selector converts to Nothing, whose string is empty: kubectl shows <none> for it.
        var expectedText = json is null ? "<none>" : expected;
        Assert.Equal(expectedText, LabelSelector.Format(json is null ? null : JsonNode.Parse(json)!.AsObject()));
    }
}
