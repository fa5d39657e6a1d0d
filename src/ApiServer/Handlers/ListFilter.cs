using System.Text.Json.Nodes;
using Kura.Model.Errors;
using Kura.Model.Registry;
using Kura.Model.Selectors;
using Microsoft.AspNetCore.Http;

namespace Kura.ApiServer.Handlers;

/// <summary>labelSelector and fieldSelector of a list or watch request, checked up front.</summary>
public sealed class ListFilter
{
    private readonly ResourceType _type;
    private readonly LabelSelector? _labels;
    private readonly FieldSelector? _fields;

    private ListFilter(ResourceType type, LabelSelector? labels, FieldSelector? fields)
    {
        _type = type;
        _labels = labels;
        _fields = fields;
    }

    public bool IsEmpty => _labels is null && _fields is null;

    public static ListFilter FromQuery(IQueryCollection query, ResourceType type)
    {
        LabelSelector? labels = null;
        FieldSelector? fields = null;
        if (query["labelSelector"].FirstOrDefault() is { Length: > 0 } ls)
        {
            if (!LabelSelector.TryParse(ls, out var parsed, out var error))
            {
                throw ApiException.BadRequest(error);
            }

            labels = parsed;
        }

        if (query["fieldSelector"].FirstOrDefault() is { Length: > 0 } fs)
        {
            if (!FieldSelector.TryParse(fs, out var parsed, out var error))
            {
                throw ApiException.BadRequest(error);
            }

            foreach (var field in parsed.Requirements.Select(r => r.Field))
            {
                if (!FieldSelectorFields.IsSupported(type.Group, type.Kind, field))
                {
                    throw ApiException.BadRequest(FieldSelectorFields.UnsupportedMessage(field));
                }
            }

            fields = parsed;
        }

        return new ListFilter(type, labels, fields);
    }

    public bool Matches(JsonObject obj)
    {
        if (_labels is not null && !_labels.Matches(obj["metadata"]?["labels"] as JsonObject))
        {
            return false;
        }

        return _fields is null || _fields.Matches(field =>
            FieldSelectorFields.TryGet(_type.Group, _type.Kind, obj, field, out var value) ? value : null);
    }
}
