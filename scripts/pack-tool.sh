#!/usr/bin/env bash
# Packs dockerfw as a .NET tool (docs/install.md): `dotnet tool install dockerfw` then picks the
# self-contained linux-x64 package on x64 Linux (no .NET runtime needed) and the framework-dependent
# one (any) elsewhere. Usage: scripts/pack-tool.sh OUT-DIR   (writes the .nupkg files there)
set -euo pipefail

out=${1:?usage: scripts/pack-tool.sh OUT-DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
# Its own artifacts folder, as scripts/publish.sh: a RID-specific build must not mix with the tree's.
artifacts=$(mktemp -d)
trap 'rm -rf "$artifacts"' EXIT
dotnet pack "$repo/src/DockerFw.Cli" -c Release -p:DockerFwPackTool=true --artifacts-path "$artifacts" -o "$out" >/dev/null
ls "$out"/*.nupkg
