using System.Security.Cryptography;
using System.Text;

namespace Kura.ApiServer.Security;

/// <summary>
/// Bearer-token authentication: one token, generated at first start and written owner-only
/// into the data directory and the kubeconfig. Comparison is constant-time.
/// </summary>
public sealed class TokenAuthenticator
{
    private readonly byte[] _token;

    public TokenAuthenticator(string token)
    {
        _token = Encoding.UTF8.GetBytes(token);
    }

    /// <summary>Reads the token file, creating a fresh random token when there is none.</summary>
    public static string LoadOrCreateToken(string path)
    {
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length >= 32)
            {
                return existing;
            }
        }

        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, token);
        File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(tmp, path, overwrite: true);
        return token;
    }

    /// <summary>True when the Authorization header carries the token.</summary>
    public bool IsAuthorized(string? authorization)
    {
        const string prefix = "Bearer ";
        if (authorization is null || !authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = Encoding.UTF8.GetBytes(authorization[prefix.Length..].Trim());
        return CryptographicOperations.FixedTimeEquals(presented, _token);
    }
}
