using System.Text.Json.Nodes;
using Kura.Model.Registry;
using Kura.Model.Validation;

namespace Kura.Model.Errors;

/// <summary>
/// A failure that reaches the client as a meta/v1 Status. Messages follow Kubernetes word for
/// word (apimachinery/pkg/api/errors/errors.go) because kubectl prints them as they are.
/// </summary>
public sealed class ApiException : Exception
{
    public ApiException(int code, string reason, string message, JsonObject? details = null)
        : base(message)
    {
        Code = code;
        Reason = reason;
        Details = details;
    }

    public int Code { get; }

    /// <summary>StatusReason, e.g. "NotFound", "AlreadyExists", "Invalid".</summary>
    public string Reason { get; }

    public JsonObject? Details { get; }

    public JsonObject ToStatus() => StatusObject(Code, Reason, Message, Details);

    public static JsonObject StatusObject(int code, string reason, string message, JsonObject? details)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            status["details"] = details.DeepClone();
        }

        status["code"] = code;
        return status;
    }

    private static JsonObject NameDetails(string name, string group, string kind)
    {
        var d = new JsonObject { ["name"] = name };
        if (group.Length > 0)
        {
            d["group"] = group;
        }

        d["kind"] = kind;
        return d;
    }

    public static ApiException NotFound(string group, string plural, string name) =>
        new(404, "NotFound", $"{Qualify(plural, group)} \"{name}\" not found", NameDetails(name, group, plural));

    public static ApiException NotFound(ResourceType type, string name) => NotFound(type.Group, type.Plural, name);

    public static ApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.QualifiedResource} \"{name}\" already exists", NameDetails(name, type.Group, type.Plural));

    public static ApiException Conflict(ResourceType type, string name, string why = "the object has been modified; please apply your changes to the latest version and try again") =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.QualifiedResource} \"{name}\": {why}", NameDetails(name, type.Group, type.Plural));

    public static ApiException Invalid(ResourceType type, string name, IReadOnlyList<FieldError> errors) => Invalid(type.Group, type.Kind, name, errors);

    /// <summary>422 with one cause per field error; the message is "Kind "name" is invalid: [a, b]".</summary>
    public static ApiException Invalid(string group, string kind, string name, IReadOnlyList<FieldError> errors)
    {
        var causes = new JsonArray();
        foreach (var e in errors)
        {
            causes.Add(new JsonObject { ["reason"] = e.CauseReason, ["message"] = e.Message, ["field"] = e.Field });
        }

        var details = NameDetails(name, group, kind);
        details["causes"] = causes;
        var list = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";
        var qualifiedKind = group.Length == 0 ? kind : $"{kind}.{group}";
        return new ApiException(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {list}", details);
    }

    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);

    public static ApiException Forbidden(string message) => new(403, "Forbidden", message);

    /// <summary>403 in Kubernetes' form: <c>resource "name" is forbidden: why</c>.</summary>
    public static ApiException Forbidden(string group, string plural, string name, string why)
    {
        var resource = Qualify(plural, group);
        var message = name.Length == 0 ? $"{resource} is forbidden: {why}" : $"{resource} \"{name}\" is forbidden: {why}";
        return new(403, "Forbidden", message, NameDetails(name, group, plural));
    }

    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    public static ApiException MethodNotAllowed(string message) => new(405, "MethodNotAllowed", message);

    public static ApiException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf; got {contentType}");

    public static ApiException Gone(string message) => new(410, "Expired", message);

    public static ApiException RequestEntityTooLarge(string message) => new(413, "RequestEntityTooLarge", message);

    public static ApiException Internal(string message) => new(500, "InternalError", $"Internal error occurred: {message}");

    private static string Qualify(string plural, string group) => group.Length == 0 ? plural : $"{plural}.{group}";
}
