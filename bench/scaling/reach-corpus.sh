#!/bin/sh
# reach-corpus.sh [DOCKERFW...]: `reach` (the whole FORWARD query, text output) over every
# iptables-save and ip6tables-save dump of ../shared/corpus/real-world, one Markdown row each
# (measure.sh: label, exit, wall s, CPU s, peak RSS MB). Default: the bin/Release build.
# A dump is cut at 60 s (exit 124). Files that are not dumps (ip addr, routes, nft text) are skipped.
here=$(dirname "$0")
corpus=${CORPUS:-$here/../../../shared/corpus/real-world}
[ $# -eq 0 ] && set -- dotnet "$here/../../src/DockerFw.Cli/bin/Release/net10.0/dockerfw.dll"
echo "| dump | exit | wall [s] | CPU [s] | peak RSS [MB] |"
echo "|---|---|---|---|---|"
find "$corpus" -type f ! -path '*/expected/*' | sort | while read -r f; do
  grep -q '^\*filter' "$f" || continue
  name=${f#"$corpus"/}
  # IPv6 by name, or by an IPv6 address or ICMPv6 in the rules.
  case "$name" in *ip6tables*) opt=--ip6tables ;; *) opt=--iptables ;; esac
  grep -qE '^-A .*(icmp6|icmpv6|[0-9a-f]*::[0-9a-f]*/[0-9]+)' "$f" && opt=--ip6tables
  "$here/measure.sh" "$name" timeout 60 "$@" reach "$opt" "$f"
done
