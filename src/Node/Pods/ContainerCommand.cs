using System.Text;

namespace Kura.Node.Pods;

/// <summary>
/// The process a container runs: Kubernetes' command/args over the image's Entrypoint/Cmd, and
/// `$(VAR)` expansion (pkg/kubelet/container/helpers.go ExpandContainerCommandAndArgs,
/// third_party/forked/golang/expansion).
/// </summary>
public static class ContainerCommand
{
    public static IReadOnlyList<string> Resolve(IReadOnlyList<string>? command, IReadOnlyList<string>? args, IReadOnlyList<string> entrypoint, IReadOnlyList<string> cmd)
    {
        // command replaces Entrypoint and drops Cmd; args alone replace Cmd.
        if (command is { Count: > 0 })
        {
            return [.. command, .. args ?? []];
        }

        return [.. entrypoint, .. args is { Count: > 0 } ? args : cmd];
    }

    /// <summary>
    /// Expands `$(NAME)` from <paramref name="vars"/>; `$$` escapes a `$`; unknown or malformed
    /// references stay as written (Kubernetes' rules).
    /// </summary>
    public static string Expand(string input, IReadOnlyDictionary<string, string> vars)
    {
        if (!input.Contains('$', StringComparison.Ordinal))
        {
            return input;
        }

        var output = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] != '$' || i + 1 >= input.Length)
            {
                output.Append(input[i]);
                continue;
            }

            var next = input[i + 1];
            if (next == '$')
            {
                output.Append('$');
                i++;
            }
            else if (next == '(')
            {
                var close = input.IndexOf(')', i + 2);
                if (close < 0)
                {
                    output.Append(input, i, input.Length - i);
                    break;
                }

                var name = input[(i + 2)..close];
                output.Append(vars.TryGetValue(name, out var value) ? value : $"$({name})");
                i = close;
            }
            else
            {
                output.Append('$').Append(next);
                i++;
            }
        }

        return output.ToString();
    }
}
