using System.Collections.Immutable;

namespace DockerFw.Cli.Plugin;

/// <summary>
/// The docker CLI's global options as it hands them to a plugin (<c>docker-fw [GLOBAL OPTIONS] fw
/// ARGS</c>, in the order the user typed them): those that choose the Engine are kept, the others
/// (debug, log level, TLS files) are read past, and everything after the plugin's name is dockerfw's.
/// </summary>
internal sealed record DockerGlobalOptions(string? Host, string? Context, string? ConfigDirectory, ImmutableArray<string> Rest)
{
    public const string PluginName = "fw";

    // Global options of docker that take a value (docker/cli cli/flags/options.go); any other is a switch.
    private static readonly string[] WithValue = ["-H", "--host", "-c", "--context", "--config", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey"];

    /// <summary>
    /// Whether the arguments are the docker CLI's way of running the plugin: docker's global options
    /// (each a dash word, with its value where it takes one), then the plugin's name. Stricter than
    /// <see cref="Parse"/>, which skips any word: <c>dockerfw audit --iptables fw</c> names a file.
    /// </summary>
    public static bool NamesPlugin(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == PluginName) return true;
            if (!arg.StartsWith('-')) return false;
            if (WithValue.Contains(arg)) i++;
        }

        return false;
    }

    /// <summary>Null with a message when the arguments do not name the plugin.</summary>
    public static (DockerGlobalOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        string? host = null, context = null, config = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == PluginName) return (new DockerGlobalOptions(host, context, config, [.. args.Skip(i + 1)]), null);
            var (name, inline) = arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=') is var eq and > 0
                ? (arg[..eq], arg[(eq + 1)..])
                : (arg, null);
            if (!WithValue.Contains(name)) continue;
            var value = inline ?? (i + 1 < args.Count ? args[++i] : null);
            if (value is null) return (null, $"docker's option {name} needs a value");
            switch (name)
            {
                case "-H" or "--host": host = value; break;
                case "-c" or "--context": context = value; break;
                case "--config": config = value; break;
            }
        }

        return (null, $"expected the plugin name '{PluginName}' among the arguments (docker-fw [GLOBAL OPTIONS] {PluginName} ARGS), but got none");
    }
}
