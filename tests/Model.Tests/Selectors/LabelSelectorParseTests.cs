using Kura.Model.Selectors;

namespace Kura.Model.Tests.Selectors;

// Cases modelled on apimachinery's labels/selector_test.go (TestSelectorParse, TestLexer, TestParserLookahead).
public sealed class LabelSelectorParseTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("x=a", "x=a")]
    [InlineData("x=a,y=b,z=c", "x=a,y=b,z=c")]
    [InlineData(" x = a ", "x=a")]
    [InlineData("x=a,y!=b", "x=a,y!=b")]
    [InlineData("x=a,y==b", "x=a,y==b")]
    [InlineData("x!=a,y=b", "x!=a,y=b")]
    [InlineData("x=,z= ", "x=,z=")]
    [InlineData("x= ,z= ", "x=,z=")]
    [InlineData("!x", "!x")]
    [InlineData("x>1", "x>1")]
    [InlineData("x>1,z<5", "x>1,z<5")]
    [InlineData("x in (b,a)", "x in (a,b)")]
    [InlineData("x in (a,a,b)", "x in (a,b)")]
    [InlineData("x notin ( a )", "x notin (a)")]
    [InlineData("x in ()", "x in ()")]
    [InlineData("x in (,)", "x in ()")]
    [InlineData("x in (a,)", "x in (,a)")]
    [InlineData("x in (in)", "x in (in)")]
    [InlineData("z,a=b,!y", "a=b,!y,z")]
    [InlineData("a=b,c!=d,e in (x,y),f notin (z),g,!h", "a=b,c!=d,e in (x,y),f notin (z),g,!h")]
    [InlineData("app.kubernetes.io/name=web", "app.kubernetes.io/name=web")]
    public void TryParse_ValidSelector_PrintsCanonicalString(string text, string expected)
    {
        Assert.True(LabelSelector.TryParse(text, out var selector, out var error), error);
        Assert.Equal(expected, selector.ToString());
    }

    [Theory]
    [InlineData("x=a,", "found '', expected: identifier after ','")]
    [InlineData(",x=a", "found ',', expected: !, identifier, or 'end of string'")]
    [InlineData("x in (a", "unable to parse requirement: found '', expected: ',' or ')'")]
    [InlineData("x in a", "unable to parse requirement: found 'a' expected: '('")]
    [InlineData("x=a b", "found 'b', expected: ',' or 'end of string'")]
    [InlineData("x notin", "unable to parse requirement: found '' expected: '('")]
    [InlineData("x (", "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt")]
    [InlineData("!x=a", "found '=', expected: ',' or 'end of string'")]
    [InlineData("x>a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer")]
    [InlineData("a@b=c", "unable to parse requirement: <nil>: Invalid value: \"a@b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")]
    [InlineData("x=a@", "unable to parse requirement: values[0][x]: Invalid value: \"a@\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")]
    [InlineData("x=a=b", "found '=', expected: ',' or 'end of string'")]
    [InlineData("=a", "found '=', expected: !, identifier, or 'end of string'")]
    public void TryParse_InvalidSelector_FailsWithKubernetesMessage(string text, string message)
    {
        Assert.False(LabelSelector.TryParse(text, out _, out var error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData("", "x=y", true)]
    [InlineData("x=y", "x=y", true)]
    [InlineData("x=y,z=w", "x=y,z=w", true)]
    [InlineData("x!=y,z!=w", "x=z,z=a", true)]
    [InlineData("notin=in", "notin=in", true)]
    [InlineData("x", "x=z", true)]
    [InlineData("!x", "x=z", false)]
    [InlineData("!x", "y=z", true)]
    [InlineData("x>1", "x=2", true)]
    [InlineData("x<1", "x=0", true)]
    [InlineData("x>1", "x=a", false)]
    [InlineData("x>1", "", false)]
    [InlineData("x=z", "", false)]
    [InlineData("x=y", "x=z", false)]
    [InlineData("x=y,z=w", "x=w,z=w", false)]
    [InlineData("x!=y,z!=w", "x=z,z=w", false)]
    [InlineData("x in (a,b)", "x=a", true)]
    [InlineData("x in (a,b)", "x=c", false)]
    [InlineData("x in (a,b)", "", false)]
    [InlineData("x notin (a,b)", "", true)]
    [InlineData("x notin (a,b)", "x=a", false)]
    [InlineData("x in ()", "x=", true)]
    [InlineData("x=", "x=", true)]
    [InlineData("x!=y", "", true)]
    public void Matches_LabelSet_FollowsRequirementSemantics(string selector, string labels, bool expected)
    {
        Assert.True(LabelSelector.TryParse(selector, out var s, out var error), error);
        var set = labels.Length == 0
            ? new Dictionary<string, string>()
            : labels.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(expected, s.Matches(set));
    }

    [Fact]
    public void TryParse_EmptyText_IsEmptyAndMatchesAll()
    {
        Assert.True(LabelSelector.TryParse("  ", out var s, out _));
        Assert.True(s.IsEmpty);
        Assert.True(s.Matches((System.Text.Json.Nodes.JsonObject?)null));
    }
}
