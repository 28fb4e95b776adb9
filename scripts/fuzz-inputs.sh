#!/usr/bin/env bash
# A longer run of the seeded input fuzz (tests/DockerFw.Core.Tests/Fuzz): nft JSON, Docker JSON,
# policy and approved snapshot file mutants through their readers and into the audit or the drift
# check, never an exception and never slow.
# CI runs a few hundred cases of each; this runs CASES (default 20000) of each.
#   scripts/fuzz-inputs.sh [CASES]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOCKERFW_FUZZ_CASES="${1:-20000}"
dotnet test tests/DockerFw.Core.Tests --filter "FullyQualifiedName~DockerFw.Core.Tests.Fuzz" --logger "console;verbosity=normal"
