#!/usr/bin/env bash
# Captures samples/lab-host from a REAL Docker Engine: starts dockerd inside a network namespace of
# its own (so the host's firewall is never touched), builds a small Docker host (two user-defined
# bridges, one with icc=false, a published port, a container on two networks), and saves what
# `dockerfw` reads: iptables-save, ip6tables-save and the JSON of docker network inspect / docker inspect.
# Everything it starts is stopped by pidfile and the namespace is deleted, even on failure.
# Usage (as root): bash scripts/capture-sample.sh [OUTPUT_DIR]   (default: samples/lab-host)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(realpath -m "${1:-$repo/samples/lab-host}")"
ns=dfwcap
work="$(mktemp -d /tmp/dfwcap.XXXXXX)"
sock="$work/docker.sock"
pidfile="$work/dockerd.pid"
export DOCKER_HOST="unix://$sock"

[[ "$(id -u)" == 0 ]] || { echo "capture-sample: run as root" >&2; exit 2; }
if ip netns list | grep -qw "^$ns"; then
    echo "capture-sample: namespace $ns already exists; is another capture running?" >&2
    exit 2
fi

stop_pidfile() {
    local file="$1" pid
    [[ -s "$file" ]] || return 0
    pid="$(cat "$file")"
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
    set +e
    if [[ -S "$sock" ]]; then
        ids="$(docker ps -aq)"
        [[ -n "$ids" ]] && docker rm -f $ids >/dev/null
    fi
    stop_pidfile "$pidfile"
    # dockerd stops the containerd it started; make sure, by that containerd's own pidfile.
    stop_pidfile "$work/exec/containerd/containerd.pid"
    # Anything still mounted under the work dir (netns files, layers) goes before the dir does.
    findmnt -rn -o TARGET | grep "^$work" | sort -r | xargs -r -n1 umount -l
    ip netns delete "$ns" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ns"
ip netns exec "$ns" ip link set lo up

echo "capture-sample: starting dockerd in namespace $ns (log: $work/dockerd.log)"
# nsenter --net only: the daemon keeps the host's mount namespace and cgroups (ip netns exec would
# remount /sys). vfs storage works on any file system, and the image is 2 MB.
nsenter --net="/var/run/netns/$ns" dockerd \
    --data-root "$work/data" --exec-root "$work/exec" --pidfile "$pidfile" \
    -H "unix://$sock" --iptables=true --experimental --ip6tables=true --storage-driver vfs \
    >"$work/dockerd.log" 2>&1 &
for _ in $(seq 1 150); do docker version >/dev/null 2>&1 && break; sleep 0.2; done
docker version >/dev/null 2>&1 || { echo "capture-sample: dockerd did not come up:" >&2; tail -30 "$work/dockerd.log" >&2; exit 2; }

echo "capture-sample: importing a busybox image"
rootfs="$work/rootfs"
mkdir -p "$rootfs/bin"
cp /bin/busybox "$rootfs/bin/busybox"
for tool in sh nc cat sleep ping wget ip; do ln -s busybox "$rootfs/bin/$tool"; done
tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/sh"]' - dfw/busybox:capture >/dev/null

echo "capture-sample: building the lab host"
docker network create --ipv6 --subnet 172.30.1.0/24 --subnet fd00:d0c:1::/64 frontend >/dev/null
docker network create --subnet 172.30.2.0/24 -o com.docker.network.bridge.enable_icc=false backend >/dev/null
# web: published port 8080 -> 80 on the frontend network.
docker run -d --name web --network frontend -p 8080:80 dfw/busybox:capture nc -ll -p 80 -e cat >/dev/null
# db: exposes 5432 on the icc=false backend.
docker run -d --name db --network backend --expose 5432 dfw/busybox:capture nc -ll -p 5432 -e cat >/dev/null
# api: on frontend and backend (it joins them).
docker run -d --name api --network frontend dfw/busybox:capture nc -ll -p 8000 -e cat >/dev/null
docker network connect backend api
# legacy: on the default bridge.
docker run -d --name legacy dfw/busybox:capture sleep 86400 >/dev/null

mkdir -p "$out"
ip netns exec "$ns" iptables-save >"$out/iptables-save"
ip netns exec "$ns" ip6tables-save >"$out/ip6tables-save"
docker network inspect $(docker network ls -q) >"$out/docker-networks.json"
docker inspect $(docker ps -aq) >"$out/docker-containers.json"
docker version --format 'Docker Engine {{.Server.Version}}' >"$out/engine-version.txt"
echo "capture-sample: wrote $(ls "$out" | tr '\n' ' ')to $out"
