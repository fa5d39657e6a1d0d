namespace Kura.ApiServer.Routing;

/// <summary>
/// What a resource URL names, parsed the way kube-apiserver's RequestInfoFactory does:
/// <c>/api/v1[/namespaces/{ns}]/{resource}[/{name}[/{subresource}]]</c> and the same under
/// <c>/apis/{group}/{version}</c>. A request for a namespace object itself
/// (<c>/api/v1/namespaces/{name}</c>) is a cluster-scoped request on "namespaces".
/// </summary>
public sealed record RequestInfo(
    string Group,
    string Version,
    string? Namespace,
    string Resource,
    string? Name,
    string? Subresource)
{
    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Parses a resource path; null when the path is not a resource request.</summary>
    public static RequestInfo? Parse(string path)
    {
        var parts = path.Trim('/').Split('/');
        int i;
        string group;
        string version;
        if (parts.Length >= 3 && parts[0] == "api")
        {
            group = "";
            version = parts[1];
            i = 2;
        }
        else if (parts.Length >= 4 && parts[0] == "apis")
        {
            group = parts[1];
            version = parts[2];
            i = 3;
        }
        else
        {
            return null;
        }

        string? ns = null;
        // "namespaces/{ns}/{resource}..." is a namespaced request; "namespaces" or "namespaces/{name}[/status|finalize]" is the namespace kind itself.
        if (parts.Length - i >= 3 && parts[i] == "namespaces")
        {
            ns = parts[i + 1];
            i += 2;
            if (parts[i] is "status" or "finalize" && parts.Length - i == 1)
            {
                return new RequestInfo(group, version, null, "namespaces", ns, parts[i]);
            }
        }

        var resource = parts[i++];
        var name = i < parts.Length ? parts[i++] : null;
        var sub = i < parts.Length ? string.Join('/', parts[i..]) : null;
        if (resource.Length == 0 || (name is not null && name.Length == 0))
        {
            return null;
        }

        return new RequestInfo(group, version, ns, resource, name, sub);
    }
}
