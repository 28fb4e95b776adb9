using DockerFw.Core.Model;

namespace DockerFw.Core.Semantics.Symbolic;

/// <summary>An nft base chain as the symbolic walk places it on its hook.</summary>
internal sealed record NativeBaseChain(string Table, string Chain, BaseChain Base);
