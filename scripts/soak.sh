#!/usr/bin/env bash
# Runs the Docker-lab oracle (tests/DockerFw.Lab.Tests/Oracle) over many random scenarios:
#   scripts/soak.sh --seeds N [--from S]     seeds S .. S+N-1 (S defaults to 1000)
#   scripts/soak.sh --seed 1234              one seed (rerun a reported disagreement)
# Each disagreement's tamper list is shrunk; new ones get a fixture under
# tests/DockerFw.Lab.Tests/Oracle/Fixtures (DOCKERFW_ORACLE_FIXTURES overrides). Prints every
# scenario, the claims checked and the disagreements by class; exits 1 when a disagreement is not
# a known wrong answer (Oracle/KnownWrongAnswers.cs). Needs root, dockerd, busybox-static.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
from=1000 count=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seeds) count="$2"; shift 2 ;;
        --from) from="$2"; shift 2 ;;
        --seed) from="$2"; count=1; shift 2 ;;
        *) echo "soak: usage: scripts/soak.sh --seeds N [--from S] | --seed S" >&2; exit 3 ;;
    esac
done
[[ -n "$count" ]] || { echo "soak: usage: scripts/soak.sh --seeds N [--from S] | --seed S" >&2; exit 3; }
[[ "$(id -u)" == 0 ]] || { echo "soak: error: run as root (namespaces, dockerd)" >&2; exit 2; }

log="$(mktemp /tmp/dockerfw-soak.XXXXXX.log)"
export DOCKERFW_ORACLE_SEEDS="$from-$((from + count - 1))"
export DOCKERFW_ORACLE_SHRINK=1
export DOCKERFW_ORACLE_LOG="$log"
export DOCKERFW_ORACLE_FIXTURES="${DOCKERFW_ORACLE_FIXTURES:-$repo/tests/DockerFw.Lab.Tests/Oracle/Fixtures}"
echo "soak: seeds $DOCKERFW_ORACLE_SEEDS, report in $log"

# A soak stopped with ^C or kill leaves no lab behind: the test run is stopped (its own process
# group), then scripts/lab-cleanup.sh removes every lab whose test process is gone (daemons, shims,
# container processes, namespaces), and the figures so far are printed.
tests=""
stop() {
    trap - INT TERM
    if [[ -n "$tests" ]]; then
        kill -TERM -- "-$tests" 2>/dev/null
        for _ in $(seq 1 20); do kill -0 -- "-$tests" 2>/dev/null || break; sleep 0.5; done
        kill -KILL -- "-$tests" 2>/dev/null
    fi
    "$repo/scripts/lab-cleanup.sh"
    interrupted=1
}
interrupted=0
trap stop INT TERM
trap '"$repo/scripts/lab-cleanup.sh" >/dev/null' EXIT
"$repo/scripts/lab-cleanup.sh"

dotnet build tests/DockerFw.Lab.Tests -m:1 -v q -clp:ErrorsOnly >/dev/null
set +e
setsid dotnet test tests/DockerFw.Lab.Tests --no-build -m:1 --filter "FullyQualifiedName~Oracle.OracleSeedTests" >"$log.test" 2>&1 &
tests=$!
wait "$tests"
status=$?
# wait returns early when a trapped signal arrives: let the trap's cleanup finish first
while ((interrupted == 0)) && kill -0 "$tests" 2>/dev/null; do wait "$tests"; status=$?; done
set -e
((interrupted)) && echo "soak: interrupted; the figures of the scenarios that ended:"
cat "$log"
if grep -q "Error Message" "$log.test"; then
    echo "--- test failures (the scenario could not run, or disagreed):"
    grep -A4 "Error Message" "$log.test" | grep -v "^--$" | grep -v "the audit claims" | head -40
fi

# The figures: scenarios, claims checked, disagreements by class, seconds per scenario.
grep '^ORACLE ' "$log" | awk '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      n++; checked += v["checked"]; probes += v["probes"]; known += v["known"]; fresh += v["new"]; secs += v["seconds"]
      split(v["snat"], sn, "/"); snat += sn[1]; out += sn[2]
      if (v["classes"] != "-") { m = split(v["classes"], cs, ","); for (j = 1; j <= m; j++) byclass[cs[j]]++ } }
    END {
      printf "soak: %d scenarios, %d claims checked, %d probes, %d disagreements known, %d new, %.1f s per scenario (first run, without shrinking)\n",
             n, checked, probes, known, fresh, n ? secs / n : 0
      printf "soak: %d connections out seen by the outside, %d of them SNATed to another address than the uplink'"'"'s\n", out, snat
      for (c in byclass) printf "soak:   %-60s in %d scenarios\n", c, byclass[c] }'
ran=$(grep -c '^ORACLE ' "$log" || true)
((interrupted)) && exit 130
[[ "$ran" == "$count" ]] || { echo "soak: $((count - ran)) scenarios did not run to the end (see $log.test)"; exit 1; }
exit $status
