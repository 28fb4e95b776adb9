using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using DockerFw.Core.Model;
using DockerFw.Tests;

namespace DockerFw.Cli.Tests;

/// <summary>Core is a library: it reports through values, never through a console or a command line.</summary>
public sealed class ConventionTests
{
    private static readonly string CoreAssembly = typeof(Ruleset).Assembly.Location;

    [Fact]
    public void Core_does_not_reference_System_CommandLine_or_System_Console()
    {
        var references = ReadMetadata(reader => reader.AssemblyReferences
            .Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList());

        Assert.Contains("System.Runtime", references);
        Assert.DoesNotContain("System.CommandLine", references);
        Assert.DoesNotContain("System.Console", references);
    }

    [Fact]
    public void Core_uses_no_Console_type_through_any_assembly()
    {
        var consoleTypes = ReadMetadata(reader => reader.TypeReferences
            .Select(h => reader.GetTypeReference(h))
            .Where(t => reader.GetString(t.Namespace) == "System" && reader.GetString(t.Name) == "Console")
            .Count());

        Assert.Equal(0, consoleTypes);
    }

    [Fact]
    public void Core_sources_do_not_mention_the_console()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(Corpus.RepoRoot, "src", "DockerFw.Core"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Where(f => File.ReadAllText(f).Contains("Console."))
            .ToList();

        Assert.Empty(offenders);
    }

    private static T ReadMetadata<T>(Func<MetadataReader, T> read)
    {
        using var stream = File.OpenRead(CoreAssembly);
        using var pe = new PEReader(stream);
        return read(pe.GetMetadataReader());
    }
}
