using System.Text.Json.Nodes;
using Kura.Controllers.Scheduling;
using Kura.Model.Meta;

namespace Kura.ApiServer.Admission;

/// <summary>
/// plugin/pkg/admission/defaulttolerationseconds: a new pod that does not already tolerate the
/// not-ready or unreachable NoExecute taint gets an Exists toleration for it with
/// tolerationSeconds (300 s in Kubernetes), so the taint eviction controller moves it off a dead
/// node after that long. As upstream, any toleration with the taint's key (or no key) and the
/// NoExecute effect (or no effect) counts, whatever its operator.
/// </summary>
public sealed class DefaultTolerationSeconds(long seconds) : IAdmissionPlugin
{
    public void Mutate(AdmissionRequest request)
    {
        if (request.Operation != AdmissionOperation.Create || request.Type.Group.Length != 0 || request.Type.Kind != "Pod" || request.Subresource is not null
            || request.Object["spec"] is not JsonObject spec)
        {
            return;
        }

        var tolerations = spec["tolerations"] as JsonArray ?? [];
        var added = false;
        foreach (var key in (string[])[SchedulingNames.TaintNotReady, SchedulingNames.TaintUnreachable])
        {
            var tolerated = tolerations.OfType<JsonObject>().Any(t =>
                (Obj.GetString(t, "key") ?? "") is var k && (k.Length == 0 || k == key)
                && (Obj.GetString(t, "effect") ?? "") is var e && (e.Length == 0 || e == SchedulingNames.NoExecute));
            if (!tolerated)
            {
                tolerations.Add(new JsonObject { ["key"] = key, ["operator"] = "Exists", ["effect"] = SchedulingNames.NoExecute, ["tolerationSeconds"] = seconds });
                added = true;
            }
        }

        if (added)
        {
            spec["tolerations"] = tolerations;
        }
    }
}
