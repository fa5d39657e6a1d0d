namespace Kura.Grpc;

/// <summary>gRPC status codes (grpc/grpc doc/statuscodes.md).</summary>
public enum StatusCode
{
    OK = 0,
    Cancelled = 1,
    Unknown = 2,
    InvalidArgument = 3,
    DeadlineExceeded = 4,
    NotFound = 5,
    AlreadyExists = 6,
    PermissionDenied = 7,
    ResourceExhausted = 8,
    FailedPrecondition = 9,
    Aborted = 10,
    OutOfRange = 11,
    Unimplemented = 12,
    Internal = 13,
    Unavailable = 14,
    DataLoss = 15,
    Unauthenticated = 16,
}

/// <summary>A call's failure with its gRPC status; handlers throw it, clients receive it.</summary>
public sealed class RpcException(StatusCode code, string message) : Exception(message)
{
    public StatusCode Code { get; } = code;

    public override string ToString() => $"rpc error: code = {Code} desc = {Message}";
}
