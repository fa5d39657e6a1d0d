namespace Kura.Csi;

/// <summary>The gRPC service names of CSI v1.</summary>
public static class CsiServices
{
    public const string Identity = "csi.v1.Identity";
    public const string Controller = "csi.v1.Controller";
    public const string Node = "csi.v1.Node";
}
