#!/usr/bin/env bash
# Issue 2's reader bar: whole-process time of `dockerfw fmt` on a generated 100,000-rule
# kube-proxy-like dump next to `iptables-legacy-restore --test` on the same file, in one hyperfine run.
# Needs root (a network namespace for restore), hyperfine, and the crossgen and runtime packs (NuGet).
# Usage: scripts/bench-fmt.sh [RULES] [RUNS]     (defaults: 100000 10)
set -euo pipefail

rules=${1:-100000}
runs=${2:-10}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
netns=dfwbench-$$
cleanup() {
    ip netns delete "$netns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

dump=$work/kube.txt
dotnet run --project "$repo/bench/DockerFw.Bench" -c Release -- generate "$dump" "$rules"
echo "dump: $rules rules, $(stat -c %s "$dump") bytes, sha256 $(sha256sum "$dump" | cut -c1-16)"

# The build to put on hosts (scripts/publish.sh): self-contained, composite ReadyToRun, started by its apphost.
"$repo/scripts/publish.sh" "$work/dockerfw"

# fmt must read the dump without errors and restore must accept it, or the timing means nothing.
"$work/dockerfw/dockerfw" fmt "$dump" >/dev/null
ip netns add "$netns"
ip netns exec "$netns" iptables-legacy-restore --test "$dump"

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
hyperfine -N --warmup 2 --runs "$runs" --export-markdown "$work/table.md" \
    --command-name "iptables-legacy-restore --test" "ip netns exec $netns iptables-legacy-restore --test $dump" \
    --command-name "dockerfw fmt (scripts/publish.sh)" "$work/dockerfw/dockerfw fmt $dump"
cat "$work/table.md"
