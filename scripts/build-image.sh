#!/usr/bin/env bash
# Builds the container image of packaging/image/Dockerfile with no registry: FROM scratch, the image
# holds scripts/publish.sh's build (native by default; a --jit one works too), the tools live mode runs
# and every C library they load, all copied from this host (a Debian 12 or later with iptables, nftables, iproute2 and procps).
# Usage: scripts/build-image.sh [TAG] [PUBLISHED-DIR]
#   TAG            defaults to dockerfw:VERSION (Directory.Build.props)
#   PUBLISHED-DIR  a finished scripts/publish.sh OUT-DIR to take instead of publishing again
# The docker CLI builds it, so DOCKER_HOST (or -H through DOCKER_HOST) names the Engine.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' "$repo/Directory.Build.props")
tag=${1:-dockerfw:$version}
published=${2:-}
context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
root="$context/rootfs"
mkdir -p "$root"

if [[ -z "$published" ]]; then
    published="$context/published"
    "$repo/scripts/publish.sh" "$published" >/dev/null
fi
[[ -x "$published/lib/dockerfw" ]] || { echo "build-image: $published/lib/dockerfw is not a published build" >&2; exit 2; }

# The host's merged /usr (bin -> usr/bin, lib -> usr/lib ...), so that every path a program or the
# loader's cache names resolves in the image as it does here.
for top in bin sbin lib lib64; do
    if [[ -L "/$top" ]]; then ln -s "$(readlink "/$top")" "$root/$top"; fi
done

# Copies PATH into the image at the same place; a link is kept as a link (absolute, resolved in the
# image) to the file it finally names, which is copied too.
copy() {
    local path=$1 dir name target
    dir=$(realpath "$(dirname "$path")")
    name=$(basename "$path")
    [[ -e "$root$dir/$name" || -L "$root$dir/$name" ]] && return 0
    mkdir -p "$root$dir"
    if [[ -L "$path" ]]; then
        target=$(readlink -f "$path")
        copy "$target"
        ln -s "$target" "$root$dir/$name"
    else
        cp -p "$path" "$root$dir/$name"
    fi
}

# The shared libraries FILE loads (ldd also names the loader itself).
libraries() {
    ldd "$1" 2>/dev/null | sed -nE 's|.*=> (/[^ ]+) .*|\1|p; s|^\s*(/[^ ]+) \(0x.*|\1|p'
}

# What live mode runs (src/DockerFw.Cli/Live, Input/LiveFirewallReader.cs): both iptables back ends,
# for hosts whose Docker writes through the legacy one.
tools=(iptables-save ip6tables-save iptables-legacy-save ip6tables-legacy-save iptables-nft-save ip6tables-nft-save nft ip ss ps grep)
elves=()
for tool in "${tools[@]}"; do
    path=$(PATH="$PATH:/usr/sbin:/sbin" command -v "$tool") || { echo "build-image: $tool is not installed here" >&2; exit 2; }
    copy "$path"
    elves+=("$(readlink -f "$path")")
done

# iptables prints matches and targets through its extensions, loaded by name at run time.
xtables=$(dirname "$(ldconfig -p | sed -nE 's|.*libxtables\.so\.[0-9]+ \(libc6,x86-64\) => (.*)|\1|p' | head -1)")/xtables
[[ -d "$xtables" ]] || { echo "build-image: no iptables extensions at $xtables" >&2; exit 2; }
for extension in "$xtables"/*.so; do copy "$extension"; elves+=("$extension"); done

# .NET loads OpenSSL (the hashes of SARIF and capture) by name at run time, the native build as the
# JIT one; what else they need they link (the native build: the C library only; the JIT build's
# runtime libraries beside it: libstdc++ and zlib too).
mkdir -p "$root/usr/lib/dockerfw"
cp -a "$published/lib/." "$root/usr/lib/dockerfw/"
elves+=("$root/usr/lib/dockerfw/dockerfw")
# The native build's fmt-only executable (scripts/publish.sh) links what dockerfw links; listed all the same.
if [[ -e "$root/usr/lib/dockerfw/dockerfw-fmt" ]]; then elves+=("$root/usr/lib/dockerfw/dockerfw-fmt"); fi
for library in "$root"/usr/lib/dockerfw/*.so; do if [[ -e "$library" ]]; then elves+=("$library"); fi; done
for name in libssl.so.3 libcrypto.so.3; do
    path=$(ldconfig -p | sed -nE "s|.*\\b$name \\(libc6,x86-64\\) => (.*)|\\1|p" | head -1)
    [[ -n "$path" ]] || { echo "build-image: $name is not installed here" >&2; exit 2; }
    copy "$path"
    elves+=("$path")
done
for elf in "${elves[@]}"; do
    for library in $(libraries "$elf"); do copy "$library"; done
done
ln -s ../lib/dockerfw/dockerfw "$root/usr/bin/dockerfw"

# The loader's cache (the libraries are where it says), protocol and service names for iptables and
# ss, iproute2's table names, and a root user for the tools that look theirs up.
mkdir -p "$root/etc" "$root/tmp" "$root/var/run" "$root/root"
chmod 1777 "$root/tmp"
cp /etc/ld.so.cache /etc/protocols /etc/services "$root/etc/"
[[ -d /etc/iproute2 ]] && cp -r /etc/iproute2 "$root/etc/"
printf 'root:x:0:0:root:/root:/usr/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files\nprotocols: files\nservices: files\n' >"$root/etc/nsswitch.conf"

cp "$repo/packaging/image/Dockerfile" "$context/Dockerfile"
docker build -q --build-arg "VERSION=$version" -t "$tag" "$context" >/dev/null
echo "built $tag ($(du -sh "$root" | cut -f1) unpacked)"
