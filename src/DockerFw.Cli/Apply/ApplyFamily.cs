using DockerFw.Core.Model;
using DockerFw.Core.Model.Values;

namespace DockerFw.Cli.Apply;

/// <summary>The tools and file names of one family.</summary>
internal sealed record ApplyFamily(string Save, string Restore, IpFamily Ip, string BackupStem, string PlanStem, string UndoStem, string Rules)
{
    // --wait takes an optional value: written apart, it would swallow the file name and read stdin.
    public const string Wait = "--wait=10";

    public static readonly ApplyFamily V4 = new("iptables-save", "iptables-restore", IpFamily.V4, "iptables", "plan", "undo", "rules");

    public static readonly ApplyFamily V6 = new("ip6tables-save", "ip6tables-restore", IpFamily.V6, "ip6tables", "plan6", "undo6", "IPv6 rules");
}
