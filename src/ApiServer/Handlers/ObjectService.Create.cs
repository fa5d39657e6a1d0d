using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Kura.ApiServer.Admission;
using Kura.ApiServer.Catalog;
using Kura.Model.Errors;
using Kura.Model.Registry;
using Kura.Store;

namespace Kura.ApiServer.Handlers;

public sealed partial class ObjectService
{
    // apimachinery/pkg/util/rand: consonants and digits that cannot spell words.
    private const string NameAlphabet = "bcdfghjklmnpqrstvwxz2456789";
    private const int MaxGeneratedNamePrefix = 58;

    /// <summary>Creates an object (POST), returning what was stored.</summary>
    public async Task<JsonObject> CreateAsync(ResourceType type, string? ns, JsonObject obj, WriteOptions options, CancellationToken ct = default)
    {
        CheckTypeMeta(type, obj);
        ApplyFieldValidation(type, obj, options);
        var meta = Meta(obj);
        ApplyNamespace(type, ns, meta);
        ns = type.Namespaced ? Str(meta, "namespace") : null;

        if (!string.IsNullOrEmpty(Str(meta, "resourceVersion")))
        {
            throw ApiException.BadRequest("resourceVersion should not be set on objects to be created");
        }

        var generated = false;
        if (string.IsNullOrEmpty(Str(meta, "name")) && Str(meta, "generateName") is { Length: > 0 } prefix)
        {
            meta["name"] = GenerateName(prefix);
            generated = true;
        }

        var name = Str(meta, "name") ?? "";
        type.Strategy.PrepareForCreate(obj);
        meta = Meta(obj);
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = Now();
        meta.Remove("deletionTimestamp");
        meta.Remove("deletionGracePeriodSeconds");
        if (TracksGeneration(type))
        {
            meta["generation"] = 1L;
        }
        else
        {
            meta.Remove("generation");
        }
        type.Strategy.Default(obj);

        RunAdmission(new AdmissionRequest(AdmissionOperation.Create, type, ns, name, obj, null, null, this));
        var errors = type.Strategy.ValidateCreate(obj).ToList();
        if (name.Length == 0 && errors.Count == 0)
        {
            // Every strategy checks names; this guards kinds whose strategy does not.
            errors.Add(Model.Validation.FieldError.Required("metadata.name", "name or generateName is required"));
        }

        if (errors.Count > 0)
        {
            throw ApiException.Invalid(type, name, errors);
        }

        RecordManager(type, null, obj, options);
        if (options.DryRun)
        {
            return obj;
        }

        // A generated name that collides is retried, as kube-apiserver does for generateName.
        for (var attempt = 0; ; attempt++)
        {
            var result = await _store.CreateAsync(ObjectKeys.Item(type, ns, name), obj, ct);
            if (result.Ok)
            {
                return result.Object!;
            }

            if (!generated || attempt >= 5)
            {
                throw ApiException.AlreadyExists(type, name);
            }

            name = GenerateName(Str(meta, "generateName")!);
            meta["name"] = name;
        }
    }

    /// <summary>
    /// Kinds whose strategies maintain metadata.generation: workloads, CRDs and custom resources.
    /// Core kinds such as PVCs and ConfigMaps do not carry one.
    /// </summary>
    internal static bool TracksGeneration(ResourceType type) =>
        type.IsCustom || type.Group is "apps" or "batch" or "apiextensions.k8s.io" or "policy" or "networking.k8s.io";

    private static string GenerateName(string prefix)
    {
        if (prefix.Length > MaxGeneratedNamePrefix)
        {
            prefix = prefix[..MaxGeneratedNamePrefix];
        }

        Span<char> suffix = stackalloc char[5];
        for (var i = 0; i < suffix.Length; i++)
        {
            suffix[i] = NameAlphabet[RandomNumberGenerator.GetInt32(NameAlphabet.Length)];
        }

        return prefix + new string(suffix);
    }

    /// <summary>apiVersion/kind may be omitted (filled in) but must not name another kind.</summary>
    private static void CheckTypeMeta(ResourceType type, JsonObject obj)
    {
        var apiVersion = Str(obj, "apiVersion");
        var kind = Str(obj, "kind");
        if (!string.IsNullOrEmpty(kind) && kind != type.Kind)
        {
            throw ApiException.BadRequest($"the object provided is unrecognized (must be of type {type.Kind}): kind \"{kind}\" does not match");
        }

        if (!string.IsNullOrEmpty(apiVersion) && apiVersion != type.ApiVersion)
        {
            throw ApiException.BadRequest($"the API version in the data ({apiVersion}) does not match the expected API version ({type.ApiVersion})");
        }

        // Keep apiVersion and kind first, as Kubernetes serializes them.
        obj.Remove("apiVersion");
        obj.Remove("kind");
        obj.Insert(0, "apiVersion", type.ApiVersion);
        obj.Insert(1, "kind", type.Kind);
    }

    private static void ApplyNamespace(ResourceType type, string? ns, JsonObject meta)
    {
        var bodyNs = Str(meta, "namespace");
        if (!type.Namespaced)
        {
            meta.Remove("namespace");
            return;
        }

        if (string.IsNullOrEmpty(bodyNs))
        {
            meta["namespace"] = ns ?? "default";
        }
        else if (!string.IsNullOrEmpty(ns) && bodyNs != ns)
        {
            throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
        }
    }
}
