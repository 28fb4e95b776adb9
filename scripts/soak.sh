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

dotnet build tests/DockerFw.Lab.Tests -v q -clp:ErrorsOnly >/dev/null
set +e
dotnet test tests/DockerFw.Lab.Tests --no-build --filter "FullyQualifiedName~Oracle.OracleSeedTests" >"$log.test" 2>&1
status=$?
set -e
cat "$log"
if grep -q "Error Message" "$log.test"; then
    echo "--- test failures (the scenario could not run, or disagreed):"
    grep -A4 "Error Message" "$log.test" | grep -v "^--$" | grep -v "the audit claims" | head -40
fi

# The figures: scenarios, claims checked, disagreements by class, seconds per scenario.
grep '^ORACLE ' "$log" | awk '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      n++; checked += v["checked"]; probes += v["probes"]; known += v["known"]; fresh += v["new"]; secs += v["seconds"]
      if (v["classes"] != "-") { m = split(v["classes"], cs, ","); for (j = 1; j <= m; j++) byclass[cs[j]]++ } }
    END {
      printf "soak: %d scenarios, %d claims checked, %d probes, %d disagreements known, %d new, %.1f s per scenario (first run, without shrinking)\n",
             n, checked, probes, known, fresh, n ? secs / n : 0
      for (c in byclass) printf "soak:   %-60s in %d scenarios\n", c, byclass[c] }'
left="$(ip netns list | grep -E '^dfwlab' || true)"
[[ -z "$left" ]] || echo "soak: warning: namespaces left behind: $left"
ran=$(grep -c '^ORACLE ' "$log" || true)
[[ "$ran" == "$count" ]] || { echo "soak: $((count - ran)) scenarios did not run to the end (see $log.test)"; exit 1; }
exit $status
