using Kura.Model.Meta;

namespace Kura.Model.Tests.Meta;

// Cases from apimachinery's util/validation/validation_test.go, messages from validation.go.
public sealed class NameValidationTests
{
    private const string SubdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string LabelMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string NamePartMsg = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    private const string LabelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    [Theory]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("abc")]
    [InlineData("a1")]
    [InlineData("a-1")]
    [InlineData("a--1--2--b")]
    [InlineData("0")]
    [InlineData("01")]
    [InlineData("a.a")]
    [InlineData("a.b.c.d.e")]
    [InlineData("aa.bb.cc")]
    [InlineData("11.22.33")]
    [InlineData("example.com")]
    [InlineData("pvc-0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e")]
    public void IsDns1123Subdomain_ValidName_Succeeds(string name) =>
        Assert.True(NameValidation.IsDns1123Subdomain(name, out var error), error);

    [Theory]
    [InlineData("")]
    [InlineData("A")]
    [InlineData("ABC")]
    [InlineData("aBc")]
    [InlineData("a@b")]
    [InlineData("a,b")]
    [InlineData("a_b")]
    [InlineData("-a")]
    [InlineData("a-")]
    [InlineData(".a")]
    [InlineData("a.")]
    [InlineData("a..b")]
    [InlineData("a.-b")]
    [InlineData("a\n")]
    public void IsDns1123Subdomain_InvalidName_FailsWithMessage(string name)
    {
        Assert.False(NameValidation.IsDns1123Subdomain(name, out var error));
        Assert.Equal(SubdomainMsg, error);
    }

    [Fact]
    public void IsDns1123Subdomain_TooLong_ReportsLength()
    {
        Assert.False(NameValidation.IsDns1123Subdomain(new string('a', 254), out var error));
        Assert.Equal("must be no more than 253 characters", error);
        Assert.True(NameValidation.IsDns1123Subdomain(new string('a', 253), out _));
    }

    [Theory]
    [InlineData("a", true, "")]
    [InlineData("a-1", true, "")]
    [InlineData("1-a", true, "")]
    [InlineData("a.b", false, "must not contain dots")]
    [InlineData("A", false, LabelMsg)]
    [InlineData("a_b", false, LabelMsg)]
    [InlineData("-a", false, LabelMsg)]
    [InlineData("", false, LabelMsg)]
    public void IsDns1123Label_Name_ValidatesWithMessage(string name, bool valid, string message)
    {
        Assert.Equal(valid, NameValidation.IsDns1123Label(name, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void IsDns1123Label_TooLongAndInvalid_ReportsBoth()
    {
        var errors = NameValidation.Dns1123LabelErrors(new string('A', 64));
        Assert.Equal(["must be no more than 63 characters", LabelMsg], errors);
    }

    [Theory]
    [InlineData("simple")]
    [InlineData("now-with-dashes")]
    [InlineData("1-starts-with-num")]
    [InlineData("1234")]
    [InlineData("simple/simple")]
    [InlineData("now-with-dashes/simple")]
    [InlineData("now-with-dashes/now-with-dashes")]
    [InlineData("now.with.dots/now-with-dashes")]
    [InlineData("now-with.dashes-and.dots/now-with-dashes")]
    [InlineData("now.with.dots/now.with.dots")]
    [InlineData("now-with.dashes-and.dots/now.with.dots")]
    [InlineData("UPPERCASE")]
    [InlineData("app.kubernetes.io/name")]
    [InlineData("kubernetes.io/pv-protection")]
    public void IsQualifiedName_ValidKey_Succeeds(string key) =>
        Assert.True(NameValidation.IsQualifiedName(key, out var error), error);

    [Theory]
    [InlineData("nospecialchars%^=@", NamePartMsg)]
    [InlineData("cantendwithadash-", NamePartMsg)]
    [InlineData("only/one/slash", "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")]
    [InlineData("/simple", "prefix part must be non-empty")]
    [InlineData("Uppercase/simple", "prefix part " + SubdomainMsg)]
    [InlineData("simple/", "name part must be non-empty; " + NamePartMsg)]
    [InlineData("", "name part must be non-empty; " + NamePartMsg)]
    public void IsQualifiedName_InvalidKey_FailsWithMessages(string key, string message)
    {
        Assert.False(NameValidation.IsQualifiedName(key, out var error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void IsQualifiedName_NamePartTooLong_ReportsLength()
    {
        Assert.False(NameValidation.IsQualifiedName(new string('a', 64), out var error));
        Assert.Equal("name part must be no more than 63 characters", error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("simple")]
    [InlineData("now-with-dashes")]
    [InlineData("now_with_underscores")]
    [InlineData("1.2.3")]
    [InlineData("UPPER")]
    public void IsValidLabelValue_ValidValue_Succeeds(string value) =>
        Assert.True(NameValidation.IsValidLabelValue(value, out var error), error);

    [Theory]
    [InlineData("nospecialchars%^=@")]
    [InlineData("Tama-nui-te-rā.is.Māori.sun")]
    [InlineData("\\backslashes\\are\\bad")]
    [InlineData("-starts-with-dash")]
    [InlineData("ends-with-dash-")]
    [InlineData(".starts.with.dot")]
    [InlineData("ends.with.dot.")]
    public void IsValidLabelValue_InvalidValue_FailsWithMessage(string value)
    {
        Assert.False(NameValidation.IsValidLabelValue(value, out var error));
        Assert.Equal(LabelValueMsg, error);
    }

    [Fact]
    public void IsValidLabelValue_TooLong_ReportsLength()
    {
        Assert.False(NameValidation.IsValidLabelValue(new string('a', 64), out var error));
        Assert.Equal("must be no more than 63 characters", error);
    }
}
