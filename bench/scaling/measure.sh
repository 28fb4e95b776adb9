#!/bin/sh
# measure.sh LABEL COMMAND...: runs the command once under /usr/bin/time -v, output to /dev/null,
# and prints one Markdown table row: label, exit code, wall seconds, CPU seconds, peak RSS in MB.
label=$1; shift
log=$(mktemp)
/usr/bin/time -v "$@" > /dev/null 2> "$log"
rc=$?
awk -v label="$label" -v rc="$rc" '
  /Elapsed \(wall clock\)/ { n = split($NF, t, ":"); wall = (n == 3) ? t[1] * 3600 + t[2] * 60 + t[3] : t[1] * 60 + t[2] }
  /User time/ { user = $NF } /System time/ { sys = $NF } /Maximum resident/ { rss = $NF }
  END { printf "| %s | %d | %.2f | %.2f | %d |\n", label, rc, wall, user + sys, rss / 1024 }' "$log"
rm -f "$log"
