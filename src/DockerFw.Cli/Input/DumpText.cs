using DockerFw.Core.Model.Values;

namespace DockerFw.Cli.Input;

/// <summary>
/// The text of one iptables-save / ip6tables-save dump as read, before parsing.
/// <paramref name="Name"/> is what diagnostics call it; <paramref name="Family"/> null lets the reader decide.
/// </summary>
internal sealed record DumpText(string Text, string Name, IpFamily? Family);
