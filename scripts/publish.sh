#!/usr/bin/env bash
# The build to put on hosts: a native (NativeAOT) executable, compiled ahead of time with the parts
# of the .NET runtime it uses, so no .NET is needed on the host and nothing is jitted at start
# (the audit of a 100-bridge host: 0.12 s of CPU against 0.5 s for the JIT build; docs/performance.md,
# "The published build"). Building it needs a C toolchain where it is built: gcc (or clang), libc6-dev
# and binutils (objcopy); zlib and brotli come with the .NET package, no -dev package for them.
# Usage: scripts/publish.sh [--jit] OUT-DIR   (then run OUT-DIR/dockerfw, or docker fw with OUT-DIR/docker-fw installed as a plugin)
# --jit: the build before the native one, self-contained and precompiled as one composite ReadyToRun
#   image together with the framework (the .NET runtime and its JIT start with every run). For a
#   machine without a C toolchain, or to tell a native-only problem from one of the code.
# OUT-DIR/dockerfw runs OUT-DIR/lib/dockerfw. A root tool must not open the .NET runtime's diagnostic
# port (a socket in /tmp that attaches a debugger to it, left behind by a killed run). The native build
# has none (EventSourceSupport is off; PublishTests checks that no socket is open and a killed run leaves
# nothing in TMPDIR), so OUT-DIR/dockerfw is a link to it: a shell launcher cost 5-10 ms of every start.
# The JIT build opens the port unless DOTNET_EnableDiagnostics=0, which the runtime takes from the
# environment only (runtimeconfig.json has no such property): there OUT-DIR/dockerfw is a two-line
# launcher that sets it.
# Trim and AOT warnings are printed (and fail the build: TreatWarningsAsErrors); nothing else is.
set -euo pipefail

build=native
case "${1:-}" in
    --jit) build=jit; shift ;;
    --native) shift ;;   # the default; kept so older command lines still work
esac
out=${1:?usage: scripts/publish.sh [--jit] OUT-DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
# Its own artifacts folder: a composite build's intermediate files must never be picked up by the
# ordinary framework-dependent build of the same tree (the result aborts at start).
artifacts=$(mktemp -d)
trap 'rm -rf "$artifacts"' EXIT
quiet=(-v q -nologo -clp:NoSummary)

if [[ $build == native ]]; then
    # The debugging symbols (dockerfw.dbg, 40 MB) stay in the artifacts folder.
    dotnet publish "$repo/src/DockerFw.Cli" -c Release -r linux-x64 -p:PublishAot=true -p:StripSymbols=true \
        --artifacts-path "$artifacts" -o "$out/lib" "${quiet[@]}"
    # The same program with fmt as its only command, to which lib/dockerfw hands `dockerfw fmt` before its
    # runtime starts: a third of the start-up of fmt of a small dump (src/DockerFw.Cli/FmtProgram.cs).
    # Its own artifacts folder, as it is the same project built with another entry.
    dotnet publish "$repo/src/DockerFw.Cli" -c Release -r linux-x64 -p:PublishAot=true -p:StripSymbols=true \
        -p:DockerFwEntry=fmt --artifacts-path "$artifacts/fmt" -o "$artifacts/fmt-out" "${quiet[@]}"
    mv "$artifacts/fmt-out/dockerfw" "$out/lib/dockerfw-fmt"
    rm -f "$out/lib/"*.dbg "$out/lib/"*.pdb
else
    dotnet publish "$repo/src/DockerFw.Cli" -c Release -r linux-x64 --self-contained true \
        -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true \
        --artifacts-path "$artifacts" -o "$out/lib" "${quiet[@]}"
fi
if [[ $build == native ]]; then
    ln -sfn lib/dockerfw "$out/dockerfw"
else
    rm -f "$out/dockerfw"
    cat >"$out/dockerfw" <<'LAUNCHER'
#!/bin/sh
# dockerfw without the .NET diagnostic port (scripts/publish.sh says why).
DOTNET_EnableDiagnostics=0 exec "$(dirname "$(readlink -f "$0")")/lib/dockerfw" "$@"
LAUNCHER
    chmod 755 "$out/dockerfw"
fi
# The same program as a docker CLI plugin: link OUT-DIR/docker-fw into ~/.docker/cli-plugins/ or
# /usr/libexec/docker/cli-plugins/ and `docker fw ...` runs it (docs/cli.md, docker fw).
ln -sf dockerfw "$out/docker-fw"
echo "published the $build build: $out/dockerfw and $out/docker-fw ($(du -sh "$out" | cut -f1))"
