using DockerFw.Lab.Tests.Lab;

namespace DockerFw.Lab.Tests;

/// <summary>One daemon with Docker's defaults, shared by the scenario classes in this collection (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class DefaultLabCollection : ICollectionFixture<DefaultLab>
{
    public const string Name = "default dockerd";
}
