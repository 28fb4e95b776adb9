namespace DockerFw.Tests;

// Removed once the project has real tests; an empty test assembly makes `dotnet test` fail.
public sealed class Placeholder
{
    [Fact]
    public void The_shared_corpus_is_beside_the_repository() =>
        Assert.True(Directory.Exists(Corpus.PathOf("syntax")), Corpus.PathOf("syntax"));
}
