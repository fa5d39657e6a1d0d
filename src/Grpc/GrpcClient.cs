using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Google.Protobuf;

namespace Kura.Grpc;

/// <summary>
/// A unary gRPC client on HttpClient with HTTP/2 prior knowledge (h2c), over a Unix socket or TCP.
/// It sends what grpc-go sends (te: trailers, grpc-timeout, :authority localhost) and reads the
/// status from trailers or from a trailers-only response.
/// </summary>
public sealed class GrpcClient : IDisposable
{
    private readonly HttpClient _http;

    public GrpcClient(string endpoint)
    {
        var (unixPath, tcp) = Endpoint.Parse(endpoint);
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) };
        if (unixPath is not null)
        {
            handler.ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(unixPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        // Kestrel checks :authority like a Host header; "localhost" is what the Go clients send too.
        var baseAddress = unixPath is not null ? new Uri("http://localhost") : new Uri($"http://{tcp}");
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(string service, string method, TRequest request, MessageParser<TResponse> parser, TimeSpan? timeout = null, CancellationToken ct = default)
        where TRequest : IMessage
        where TResponse : IMessage<TResponse>
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri($"/{service}/{method}", UriKind.Relative))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(Wire.Frame(request.ToByteArray())),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(Wire.ContentType);
        message.Headers.TE.ParseAdd("trailers");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeout is { } t)
        {
            message.Headers.Add("grpc-timeout", Wire.FormatTimeout(t));
            cts.CancelAfter(t);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new RpcException(StatusCode.DeadlineExceeded, "context deadline exceeded");
        }
        catch (HttpRequestException e)
        {
            throw new RpcException(StatusCode.Unavailable, e.Message);
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cts.Token);
            var status = Header(response, "grpc-status");
            if (status is null)
            {
                throw new RpcException(response.StatusCode == HttpStatusCode.NotFound ? StatusCode.Unimplemented : StatusCode.Internal, $"unexpected HTTP status {(int)response.StatusCode}");
            }

            var code = (StatusCode)int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
            if (code != StatusCode.OK)
            {
                throw new RpcException(code, Wire.DecodeMessage(Header(response, "grpc-message")));
            }

            return parser.ParseFrom(Wire.ReadSingleMessage(body).Span);
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var t) ? t.FirstOrDefault()
        : response.Headers.TryGetValues(name, out var h) ? h.FirstOrDefault() : null;

    public void Dispose() => _http.Dispose();
}
