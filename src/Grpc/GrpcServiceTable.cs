using Google.Protobuf;

namespace Kura.Grpc;

/// <summary>A unary handler working on raw message bytes.</summary>
public delegate Task<IMessage> UnaryHandler(ReadOnlyMemory<byte> request, CancellationToken ct);

/// <summary>
/// The dispatch table of a gRPC server: "/package.Service/Method" to a typed unary handler.
/// Unknown methods are answered UNIMPLEMENTED by the server.
/// </summary>
public sealed class GrpcServiceTable
{
    private readonly Dictionary<string, UnaryHandler> _handlers = new(StringComparer.Ordinal);

    public GrpcServiceTable Add<TRequest, TResponse>(string service, string method, MessageParser<TRequest> parser, Func<TRequest, CancellationToken, Task<TResponse>> handler)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage
    {
        _handlers[$"/{service}/{method}"] = async (bytes, ct) =>
        {
            TRequest request;
            try
            {
                request = parser.ParseFrom(bytes.Span);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new RpcException(StatusCode.Internal, $"grpc: error unmarshalling request: {e.Message}");
            }

            return await handler(request, ct);
        };
        return this;
    }

    public bool TryGet(string path, out UnaryHandler handler) => _handlers.TryGetValue(path, out handler!);

    public IEnumerable<string> Methods => _handlers.Keys;
}
