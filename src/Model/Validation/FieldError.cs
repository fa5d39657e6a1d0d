using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kura.Model.Validation;

/// <summary>The kinds of field error Kubernetes reports (apimachinery/pkg/util/validation/field/errors.go).</summary>
public enum FieldErrorType
{
    NotFound,
    Required,
    Duplicate,
    Invalid,
    NotSupported,
    Forbidden,
    TooLong,
    TooMany,
    Internal,
    TypeInvalid,
}

/// <summary>
/// One validation failure with its field path. <see cref="CauseReason"/> and <see cref="Message"/>
/// reproduce the Status cause Kubernetes sends, which kubectl prints as <c>* field: message</c>.
/// </summary>
public sealed record FieldError(FieldErrorType Type, string Field, string Detail = "", JsonNode? BadValue = null, bool HasBadValue = false)
{
    public static FieldError Required(string field, string detail = "") => new(FieldErrorType.Required, field, detail);

    public static FieldError Invalid(string field, JsonNode? value, string detail) => new(FieldErrorType.Invalid, field, detail, value?.DeepClone(), true);

    public static FieldError Invalid(string field, string value, string detail) => Invalid(field, JsonValue.Create(value), detail);

    public static FieldError Forbidden(string field, string detail) => new(FieldErrorType.Forbidden, field, detail);

    public static FieldError NotSupported(string field, JsonNode? value, IEnumerable<string> supported) =>
        new(FieldErrorType.NotSupported, field, "supported values: " + string.Join(", ", supported.Select(s => "\"" + s + "\"")), value?.DeepClone(), true);

    public static FieldError Duplicate(string field, JsonNode? value) => new(FieldErrorType.Duplicate, field, "", value?.DeepClone(), true);

    public static FieldError TooLong(string field, JsonNode? value, int max) => new(FieldErrorType.TooLong, field, $"may not be more than {max} bytes", value?.DeepClone(), true);

    public static FieldError NotFound(string field, JsonNode? value) => new(FieldErrorType.NotFound, field, "", value?.DeepClone(), true);

    /// <summary>Status cause reason, e.g. "FieldValueRequired".</summary>
    public string CauseReason => Type switch
    {
        FieldErrorType.NotFound => "FieldValueNotFound",
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.Duplicate => "FieldValueDuplicate",
        FieldErrorType.Invalid => "FieldValueInvalid",
        FieldErrorType.NotSupported => "FieldValueNotSupported",
        FieldErrorType.Forbidden => "FieldValueForbidden",
        FieldErrorType.TooLong => "FieldValueTooLong",
        FieldErrorType.TooMany => "FieldValueTooMany",
        FieldErrorType.Internal => "InternalError",
        FieldErrorType.TypeInvalid => "FieldValueTypeInvalid",
        _ => "FieldValueInvalid",
    };

    private string TypeText => Type switch
    {
        FieldErrorType.NotFound => "Not found",
        FieldErrorType.Required => "Required value",
        FieldErrorType.Duplicate => "Duplicate value",
        FieldErrorType.Invalid => "Invalid value",
        FieldErrorType.NotSupported => "Unsupported value",
        FieldErrorType.Forbidden => "Forbidden",
        FieldErrorType.TooLong => "Too long",
        FieldErrorType.TooMany => "Too many",
        FieldErrorType.Internal => "Internal error",
        FieldErrorType.TypeInvalid => "Invalid value",
        _ => "Invalid value",
    };

    /// <summary>The cause message without the field, as field.Error.ErrorBody() renders it.</summary>
    public string Message
    {
        get
        {
            var s = TypeText;
            if (HasBadValue && Type is not (FieldErrorType.Required or FieldErrorType.Forbidden or FieldErrorType.Internal))
            {
                s += ": " + RenderValue(BadValue);
            }

            if (Detail.Length > 0)
            {
                s += ": " + Detail;
            }

            return s;
        }
    }

    /// <summary>The full "field: message" form used inside the Status message.</summary>
    public override string ToString() => $"{Field}: {Message}";

    private static string RenderValue(JsonNode? value) => value switch
    {
        null => "null",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => "\"" + v.GetValue<string>() + "\"",
        JsonValue v => v.ToJsonString(),
        JsonObject => "{...}",
        JsonArray => "[...]",
        _ => value.ToJsonString(),
    };
}
