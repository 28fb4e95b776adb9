#!/usr/bin/env bash
# The build to put on hosts: self-contained (no .NET runtime needed on the host) and precompiled as
# one composite ReadyToRun image together with the framework, so almost nothing is jitted at start
# and the framework's generic code over dockerfw's types is precompiled too (docs/performance.md).
# Usage: scripts/publish.sh OUT-DIR        (then run OUT-DIR/dockerfw, or docker fw with OUT-DIR/docker-fw installed as a plugin)
# OUT-DIR/dockerfw is a two-line launcher of OUT-DIR/lib/dockerfw that turns the .NET runtime's
# diagnostic port off: a root tool must not open a socket in /tmp that attaches a debugger to it, and
# a killed run would leave the socket behind. The runtime takes that switch from the environment only
# (DOTNET_EnableDiagnostics; runtimeconfig.json has no such property).
# --native: a native (AOT) build instead, one executable without the .NET runtime's start-up (80 ms of
# CPU down to 10 ms, and a fifth to a third less CPU on fmt of 100,000 rules; docs/performance.md).
# It needs a C linker (gcc or clang) where it is built. Not the default yet: docs/performance.md says
# what is left before it can be.
set -euo pipefail

native=false
if [[ "${1:-}" == "--native" ]]; then native=true; shift; fi
out=${1:?usage: scripts/publish.sh [--native] OUT-DIR}
repo=$(cd "$(dirname "$0")/.." && pwd)
# Its own artifacts folder: a composite build's intermediate files must never be picked up by the
# ordinary framework-dependent build of the same tree (the result aborts at start).
artifacts=$(mktemp -d)
trap 'rm -rf "$artifacts"' EXIT

if $native; then
    # The debugging symbols (dockerfw.dbg, 40 MB) stay in the artifacts folder.
    dotnet publish "$repo/src/DockerFw.Cli" -c Release -r linux-x64 -p:PublishAot=true -p:StripSymbols=true \
        --artifacts-path "$artifacts" -o "$out/lib" >/dev/null
    rm -f "$out/lib/"*.dbg "$out/lib/"*.pdb
else
    dotnet publish "$repo/src/DockerFw.Cli" -c Release -r linux-x64 --self-contained true \
        -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true \
        --artifacts-path "$artifacts" -o "$out/lib" >/dev/null
fi
cat >"$out/dockerfw" <<'LAUNCHER'
#!/bin/sh
# dockerfw without the .NET diagnostic port (scripts/publish.sh says why).
DOTNET_EnableDiagnostics=0 exec "$(dirname "$(readlink -f "$0")")/lib/dockerfw" "$@"
LAUNCHER
chmod 755 "$out/dockerfw"
# The same program as a docker CLI plugin: link OUT-DIR/docker-fw into ~/.docker/cli-plugins/ or
# /usr/libexec/docker/cli-plugins/ and `docker fw ...` runs it (docs/cli.md, docker fw).
ln -sf dockerfw "$out/docker-fw"
echo "published $out/dockerfw and $out/docker-fw ($(du -sh "$out" | cut -f1))"
