using DockerFw.Cli.Input;

namespace DockerFw.Cli.Capture;

/// <summary>
/// How much of a bundle dockerfw reads: a file as much as live mode reads of a program's output, all
/// files together twice that, the manifest far less. An archive that unpacks to more (a gzip bomb)
/// ends in a clear error, counted as it unpacks.
/// </summary>
internal static class BundleLimits
{
    public const long File = InputLimits.NftJson;

    public const long Total = 2 * InputLimits.NftJson;

    public const long Manifest = 16 * InputLimits.MiB;
}
