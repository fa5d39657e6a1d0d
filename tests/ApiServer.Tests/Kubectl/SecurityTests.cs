using System.Net;
using Kura.ApiServer.Tests.Fixtures;

namespace Kura.ApiServer.Tests.Kubectl;

/// <summary>Authentication and hostile input at the HTTP surface.</summary>
public sealed class SecurityTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    private HttpClient Client(string? token)
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        var client = new HttpClient(handler) { BaseAddress = new Uri(server.Host.Url) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    public async Task Request_WithoutValidToken_Is401(string? token)
    {
        using var client = Client(token);
        var response = await client.GetAsync(new Uri("/api/v1/namespaces", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("\"reason\":\"Unauthorized\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_IsPublic()
    {
        using var client = Client(null);
        Assert.Equal("ok", await client.GetStringAsync(new Uri("/readyz", UriKind.Relative)));
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"x\"}}")]
    public async Task MalformedBody_Is400AndStoresNothing(string body)
    {
        using var client = Client(server.Host.Token);
        var response = await client.PostAsync(new Uri("/api/v1/namespaces/default/configmaps", UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var list = await client.GetStringAsync(new Uri("/api/v1/namespaces/default/configmaps?labelSelector=never", UriKind.Relative));
        Assert.Contains("\"items\":[]", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedBody_Is413()
    {
        using var client = Client(server.Host.Token);
        var big = "{\"metadata\":{\"name\":\"big\"},\"data\":{\"a\":\"" + new string('x', 4 * 1024 * 1024) + "\"}}";
        try
        {
            var response = await client.PostAsync(new Uri("/api/v1/namespaces/default/configmaps", UriKind.Relative), new StringContent(big, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        }
        catch (HttpRequestException)
        {
            // The server may answer 413 and close before the client finished sending: also a refusal.
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/v1/namespaces/default/configmaps/big", UriKind.Relative))).StatusCode);
    }
}
