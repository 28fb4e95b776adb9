#!/usr/bin/env bash
# Regenerates src/DockerFw.Core/Syntax/IptablesSave/XtablesOptions.Data.cs: the option tables
# (struct xt_option_entry) of the installed xtables extension libraries, for the matches and targets
# dockerfw has a table of. Catches each library's xtables_register_match/target call in a small C
# program (xtables-options.c) and prints the table the library registers. Needs gcc and the headers of
# libxtables-dev matching the installed libxtables (apt-get download libxtables-dev; dpkg-deb -x).
# Usage: scripts/xtables-options.sh INCLUDE-DIR   (the directory holding xtables.h)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
inc=${1:?the directory holding xtables.h}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -I"$inc" -rdynamic -o "$work/dump" "$repo/scripts/xtables-options.c" -ldl /usr/lib/x86_64-linux-gnu/libxtables.so.12
"$work/dump" /usr/lib/x86_64-linux-gnu/xtables/lib{xt,ipt,ip6t}_*.so > "$work/all.txt"
src="$repo/src/DockerFw.Core/Syntax/IptablesSave"
known=$( { grep -oE '(Module|Kept)\("[a-z0-9]+"' "$src/MatchModules.cs"; grep -oE '^\s+\["[A-Z]+"\]' "$src/TargetCatalog.cs"; } | cut -d'"' -f2 | paste -sd,)
python3 "$repo/scripts/xtables-options.py" "$work/all.txt" "$known" > "$work/table.txt"
out="$src/XtablesOptions.Data.cs"
{ sed -n '1,/private const string Dump = """/p' "$out"; sed 's/^/        /' "$work/table.txt"; printf '        """;\n}\n'; } > "$work/data.cs"
mv "$work/data.cs" "$out"
