namespace Kura.Model.Patching;

/// <summary>A patch that cannot be applied (bad operation, missing path, failed test); the API answers 422.</summary>
public sealed class PatchException(string message) : Exception(message);
