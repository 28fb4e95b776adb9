#!/usr/bin/env bash
# The reader's bar on every shape of ruleset: whole-process time and peak memory of `dockerfw fmt`
# (the published build, scripts/publish.sh) next to `iptables-legacy-restore --test` (ip6tables- for
# IPv6) on the same file, one hyperfine run per shape, one table at the end.
# Shapes (bench/DockerFw.Bench/Shapes/DumpShapes.cs): kube-proxy, docker-bridges, fail2ban, stateful
# (conntrack + multiport + negated interfaces, all values distinct), ipset (with its sets created in
# the namespace, as restore asks the kernel for them), comments, ipv6; and real-world (every dump of
# ../shared/corpus/real-world that restore accepts, concatenated).
# Needs root (a network namespace for restore), hyperfine (apt-get install hyperfine), ipset, and the
# crossgen and runtime packs (NuGet).
# Usage: scripts/bench-fmt.sh [RULES] [RUNS] [SHAPE...]     (defaults: 100000 10, every shape)
#        scripts/bench-fmt.sh --quick                        (20000 rules, 3 runs: before you stop)
#        BENCH_NATIVE=1 scripts/bench-fmt.sh ...             (the native build, scripts/publish.sh --native)
#        BENCH_PUBLISH=--jit scripts/bench-fmt.sh ...        (any option of scripts/publish.sh: both builds, one run each)
#        BENCH_BUILD=DIR scripts/bench-fmt.sh ...            (time DIR/dockerfw, a build scripts/publish.sh DIR made
#                                                             earlier, instead of publishing: 3-15 min saved on a busy machine)
#        BENCH_RT=1 scripts/bench-fmt.sh 100000 40 real-world (the timed runs under SCHED_FIFO, chrt -f 50: on a shared
#                                                             machine at load 20-40 the run queue, not the programs, decides
#                                                             a 10 ms wall time; the other core's traffic still counts. The
#                                                             small shapes only: it holds both cores while the runs last)
set -euo pipefail

if [[ "${1:-}" == "--quick" ]]; then set -- 20000 3; fi
rules=${1:-100000}
runs=${2:-10}
shift $(( $# < 2 ? $# : 2 ))
shapes=("$@")
(( ${#shapes[@]} )) || shapes=(kube-proxy docker-bridges fail2ban stateful ipset comments ipv6 real-world)
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
netns=dfwbench-$$
cleanup() {
    ip netns exec "$netns" ipset destroy 2>/dev/null || true
    ip netns delete "$netns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
command -v hyperfine >/dev/null || { echo "bench-fmt: hyperfine is missing (apt-get install hyperfine)" >&2; exit 2; }

dotnet build "$repo/bench/DockerFw.Bench" -c Release -m:1 -v q -clp:ErrorsOnly >/dev/null
bench() { dotnet "$repo/bench/DockerFw.Bench/bin/Release/net10.0/DockerFw.Bench.dll" "$@"; }
if [[ -n "${BENCH_BUILD:-}" ]]; then
    [[ -x "$BENCH_BUILD/dockerfw" ]] || { echo "bench-fmt: no $BENCH_BUILD/dockerfw (scripts/publish.sh DIR makes one)" >&2; exit 2; }
    ln -s "$(cd "$BENCH_BUILD" && pwd)" "$work/dockerfw"
else
    "$repo/scripts/publish.sh" ${BENCH_NATIVE:+--native} ${BENCH_PUBLISH:-} "$work/dockerfw" >/dev/null
fi
ip netns add "$netns"

# Peak resident memory of one run, in MB.
peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.0f", $1 / 1024 }'; }

printf '| shape | rules | bytes | restore --test | dockerfw fmt | fmt / restore | restore peak MB | fmt peak MB | medians: restore, fmt, fmt / restore |\n|---|---|---|---|---|---|---|---|---|\n' > "$work/table.md"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores${BENCH_RT:+, timed runs under SCHED_FIFO}"
for shape in "${shapes[@]}"; do
    dump=$work/$shape.txt
    restore=iptables-legacy-restore
    if [[ "$shape" == real-world ]]; then
        : > "$dump"
        while IFS= read -r -d '' file; do
            grep -q '^\*filter' "$file" || continue
            ip netns exec "$netns" iptables-legacy-restore --test "$file" 2>/dev/null && cat "$file" >> "$dump"
        done < <(find "$repo/../shared/corpus/real-world" -type f -print0 | sort -z)
    else
        bench shape "$shape" "$dump" "$rules"
    fi
    [[ "$shape" == ipv6 ]] && restore=ip6tables-legacy-restore
    if [[ "$shape" == ipset ]]; then
        for set in $(bench ipsets "$rules"); do ip netns exec "$netns" ipset create "$set" hash:ip,port; done
    fi
    # Both must accept the dump, or the timing means nothing.
    family=$([[ $restore == ip6* ]] && echo 6 || echo 4)
    "$work/dockerfw/dockerfw" fmt --family "$family" "$dump" >/dev/null
    ip netns exec "$netns" "$restore" --test "$dump"
    ${BENCH_RT:+chrt -f 50} hyperfine -N --warmup 1 --runs "$runs" ${BENCH_SHOW:+--show-output} --export-json "$work/$shape.json" \
        --command-name restore "ip netns exec $netns $restore --test $dump" \
        --command-name fmt "$work/dockerfw/dockerfw fmt --family $family $dump" >/dev/null
    restore_peak=$(peak ip netns exec "$netns" "$restore" --test "$dump")
    fmt_peak=$(peak "$work/dockerfw/dockerfw" fmt --family "$family" "$dump")
    python3 - "$work/$shape.json" "$shape" "$(grep -c '^-A' "$dump")" "$(stat -c %s "$dump")" "$restore_peak" "$fmt_peak" >> "$work/table.md" <<'PY'
import json, statistics, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
r, f = results["restore"], results["fmt"]
ms = lambda x: f'{x["mean"] * 1000:.0f} ms ± {x["stddev"] * 1000:.0f}'
median = lambda x: statistics.median(x["times"])
medians = f'{median(r) * 1000:.1f} ms, {median(f) * 1000:.1f} ms, {median(f) / median(r):.2f}'
print(f'| {sys.argv[2]} | {sys.argv[3]} | {sys.argv[4]} | {ms(r)} | {ms(f)} | {f["mean"] / r["mean"]:.2f} | {sys.argv[5]} | {sys.argv[6]} | {medians} |')
PY
    ip netns exec "$netns" ipset destroy 2>/dev/null || true
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$work/table.md"
