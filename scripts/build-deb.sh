#!/usr/bin/env bash
# Builds the Debian package: dockerfw in /usr/bin, the docker CLI plugin in
# /usr/libexec/docker/cli-plugins (so `docker fw` works), the man page, completion for bash, zsh
# and fish, the enforce unit, the docs. The program is scripts/publish.sh's build, native by default,
# so the package needs no .NET runtime (InvariantGlobalization: no ICU either; OpenSSL, which the
# hashes of SARIF and capture load by name, is recommended).
# Usage: scripts/build-deb.sh OUT-DIR [PUBLISHED-DIR]     (writes OUT-DIR/dockerfw_VERSION_amd64.deb)
#   PUBLISHED-DIR  a finished scripts/publish.sh OUT-DIR (native or --jit) to package instead of
#                  publishing again (the tests publish once for the package, the image and themselves)
set -euo pipefail

out=${1:?usage: scripts/build-deb.sh OUT-DIR [PUBLISHED-DIR]}
published=${2:-}
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(sed -n 's|.*<Version>\(.*\)</Version>.*|\1|p' "$repo/Directory.Build.props")
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

if [[ -z "$published" ]]; then
    "$repo/scripts/publish.sh" "$root/usr/lib/dockerfw" >/dev/null
else
    [[ -x "$published/lib/dockerfw" && -x "$published/dockerfw" ]] || { echo "build-deb: $published is not a published build" >&2; exit 2; }
    mkdir -p "$root/usr/lib/dockerfw"
    cp -a "$published/." "$root/usr/lib/dockerfw/"
fi
# Relative links: the package can be unpacked under another root (dpkg --root) and still run.
mkdir -p "$root/usr/bin" "$root/usr/libexec/docker/cli-plugins"
ln -s ../lib/dockerfw/dockerfw "$root/usr/bin/dockerfw"
ln -s ../../../lib/dockerfw/docker-fw "$root/usr/libexec/docker/cli-plugins/docker-fw"

# Completion scripts as the installed program prints them.
dfw="$root/usr/lib/dockerfw/dockerfw"
install -d "$root/usr/share/bash-completion/completions" "$root/usr/share/zsh/vendor-completions" "$root/usr/share/fish/vendor_completions.d"
"$dfw" completion bash >"$root/usr/share/bash-completion/completions/dockerfw"
"$dfw" completion zsh >"$root/usr/share/zsh/vendor-completions/_dockerfw"
"$dfw" completion fish >"$root/usr/share/fish/vendor_completions.d/dockerfw.fish"

install -d "$root/usr/share/man/man1" "$root/usr/share/doc/dockerfw" "$root/lib/systemd/system"
sed "s/@VERSION@/$version/" "$repo/docs/man/dockerfw.1" | gzip -9n >"$root/usr/share/man/man1/dockerfw.1.gz"
cp "$repo/README.md" "$root/usr/share/doc/dockerfw/README.md"
cp -r "$repo/docs" "$root/usr/share/doc/dockerfw/docs"
rm -rf "$root/usr/share/doc/dockerfw/docs/images"
cp "$repo/packaging/debian/copyright" "$root/usr/share/doc/dockerfw/copyright"
cp "$repo/packaging/systemd/dockerfw-enforce.service" "$root/lib/systemd/system/"

# What the program links: the native build the C library only (symbols of glibc 2.34); a --jit
# build's .NET runtime libraries libstdc++, libgcc and zlib too. OpenSSL, loaded by name for hashes
# (SARIF fingerprints, capture manifests), is recommended in the control file.
depends="libc6 (>= 2.34)"
if [[ -e "$root/usr/lib/dockerfw/lib/libcoreclr.so" ]]; then depends+=", libgcc-s1, libstdc++6, zlib1g"; fi

install -d "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" -e "s/@DEPENDS@/$depends/" "$repo/packaging/debian/control" >"$root/DEBIAN/control"
find "$root" -path "$root/DEBIAN" -prune -o -type f -print0 | sort -z | xargs -0 md5sum | sed "s|  $root/|  |" >"$root/DEBIAN/md5sums"
chmod -R u+rwX,go+rX,go-w "$root"

deb="$out/dockerfw_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zgzip --build "$root" "$deb" >/dev/null
echo "built $deb ($(du -h "$deb" | cut -f1))"
