using DockerFw.Cli;
using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests.Apply;

/// <summary>`dockerfw apply` of a policy on the lab, left unconfirmed: <c>meanwhile</c> happens during the confirmation wait, then input ends and the apply rolls back.</summary>
internal static class UnconfirmedApply
{
    public static (int Exit, string Output) Run(DefaultLab lab, string policyText, Action meanwhile)
    {
        var folder = Directory.CreateTempSubdirectory("dfw-lab-unconfirmed-").FullName;
        var policy = Path.Combine(folder, "shop.policy");
        File.WriteAllText(policy, policyText);
        var output = new StringWriter { NewLine = "\n" };
        try
        {
            var exit = DockerFwApp.Run(
                ["apply", "--policy", policy, "--netns", lab.Netns, "--docker-host", lab.DockerHost, "--yes", "--confirm-timeout", "120", "--backup-dir", folder],
                new StandardStreams(new ActingReader(meanwhile), output, output));
            return (exit, output.ToString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class ActingReader(Action meanwhile) : TextReader
    {
        public override string? ReadLine()
        {
            meanwhile();
            return null;
        }
    }
}
