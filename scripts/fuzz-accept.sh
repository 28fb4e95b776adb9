#!/usr/bin/env bash
# Issue 14's acceptance fuzz, longer than CI's: seeded mutants of the corpus dumps, each read by
# dockerfw and loaded for real by ip(6)tables-legacy-restore (and iptables-nft-restore with --nft)
# in a fresh network namespace; prints the agreement and every difference (docs/acceptance.md).
# DOCKERFW_FUZZ_KEEP=DIR keeps each differing mutant whole (seed-S-case-N.txt).
# Needs root. Usage: scripts/fuzz-accept.sh [CASES] [SEED] [--nft]     (defaults: 2000 20261204)
set -euo pipefail

cases=${1:-2000}
seed=${2:-20261204}
nft=0
[[ "${3:-}" == "--nft" ]] && nft=1
repo=$(cd "$(dirname "$0")/.." && pwd)
report=$(mktemp)
trap 'rm -f "$report"' EXIT

dotnet build "$repo/tests/DockerFw.Kernel.Tests" -m:1 -v q -clp:ErrorsOnly
status=0
DOCKERFW_FUZZ_CASES=$cases DOCKERFW_FUZZ_SEED=$seed DOCKERFW_FUZZ_NFT=$nft DOCKERFW_FUZZ_REPORT=$report \
    dotnet test "$repo/tests/DockerFw.Kernel.Tests" --no-build -m:1 \
    --filter "FullyQualifiedName~AcceptanceFuzzTests" >/dev/null || status=$?
cat "$report"
exit $status
