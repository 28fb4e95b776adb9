#!/usr/bin/env bash
# Removes what Docker-lab test runs (tests/DockerFw.Lab.Tests, LabDaemon) left behind when they were
# killed before their teardown ran: a lab is the namespaces dfwlab-PID-N and dfwlabo-PID-N and the
# work directory /tmp/dfwlab-PID-N, where PID is the test process that made it. Only labs whose test
# process is gone are touched, so the labs of runs still going (other sessions) stay. For each one:
# every process of the lab (dockerd and containerd by pidfile and by command line, a firewalld
# scenario's firewalld and private dbus-daemon by pidfile and by command line, the shims and
# anything else in its namespaces, the container processes by the container ids in its data-root,
# found in /proc/*/cgroup) is killed, its mounts unmounted, both namespaces and the directory removed.
# The kernel and Cli suites' namespaces of dead runs go too (with what runs inside them).
#   scripts/lab-cleanup.sh [--dry-run]      scripts/soak.sh runs it on exit, INT and TERM
set -uo pipefail

dry=0
[[ "${1:-}" == "--dry-run" ]] && dry=1
[[ "$(id -u)" == 0 ]] || { echo "lab-cleanup: error: run as root" >&2; exit 2; }
tmp="${TMPDIR:-/tmp}"
tmp="${tmp%/}"

alive() { # the test process PID still runs (a dotnet process: a reused PID of something else does not count)
    [[ -r "/proc/$1/cmdline" ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q dotnet
}

labs="$( { ip netns list 2>/dev/null | awk '{print $1}' | sed -nE 's/^dfwlabo?-([0-9]+-[0-9]+)$/\1/p'
           ls -d "$tmp"/dfwlab-* 2>/dev/null | sed -nE 's|.*/dfwlab-([0-9]+-[0-9]+)$|\1|p'; } | sort -u)"
removed=0
for id in $labs; do
    owner="${id%%-*}"
    alive "$owner" && continue
    dir="$tmp/dfwlab-$id"
    pids=""
    for f in "$dir/dockerd.pid" "$dir/exec/containerd/containerd.pid" "$dir/firewalld/firewalld.pid" "$dir/firewalld/dbus.pid"; do
        [[ -r "$f" ]] && pids+=" $(cat "$f")"
    done
    for ns in "dfwlab-$id" "dfwlabo-$id"; do pids+=" $(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')"; done
    # the shims, the daemon, firewalld (--log-file) and its dbus-daemon (--config-file) name the work
    # directory on their command line
    for p in /proc/[0-9]*; do
        tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF "$dir/" && pids+=" ${p#/proc/}"
    done
    # the container processes: their cgroups carry the container ids of the lab's data-root
    if [[ -d "$dir/data/containers" ]]; then
        ids="$(ls "$dir/data/containers" 2>/dev/null)"
        if [[ -n "$ids" ]]; then
            pids+=" $(grep -lF -f <(echo "$ids") /proc/[0-9]*/cgroup 2>/dev/null | sed -E 's|/proc/([0-9]+)/cgroup|\1|' | tr '\n' ' ')"
        fi
    fi
    pids="$(echo $pids | tr ' ' '\n' | grep -E '^[0-9]+$' | grep -vx "$$" | sort -un | tr '\n' ' ')"
    echo "lab-cleanup: lab $id (test process $owner is gone): killing ${pids:-nothing}"
    removed=$((removed + 1))
    ((dry)) && continue
    [[ -n "$pids" ]] && kill -9 $pids 2>/dev/null
    sleep 0.5
    findmnt -rn -o TARGET 2>/dev/null | grep -F "$dir/" | sort -r | while read -r m; do umount -l "$m"; done
    ip netns delete "dfwlab-$id" 2>/dev/null
    ip netns delete "dfwlabo-$id" 2>/dev/null
    rm -rf "$dir"
done
# The kernel and Cli suites' own namespaces (dfwk-PID-N, dfwn-PID-N, dfwnp-PID-HEX-LABEL, dfwrn-..., dfwa-...,
# dfw6-PID-LABEL, dfwcli-test-PID-N): a run killed before its teardown (a CI cut at its time limit) leaves
# them, with nc or a daemon inside. Only those whose test process is gone are removed.
spaces=0
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^dfw(k|n|np|rn|a|6|cli-test)-[0-9]+-'); do
    owner="$(sed -E 's/^dfw(k|n|np|rn|a|6|cli-test)-([0-9]+)-.*/\2/' <<<"$ns")"
    alive "$owner" && continue
    pids="$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')"
    echo "lab-cleanup: namespace $ns (test process $owner is gone): killing ${pids:-nothing}"
    spaces=$((spaces + 1))
    ((dry)) && continue
    [[ -n "${pids// /}" ]] && kill -9 $pids 2>/dev/null
    ip netns delete "$ns" 2>/dev/null
done
echo "lab-cleanup: $removed lab(s) and $spaces test namespace(s) left behind$( ((dry)) && echo ' (dry run: nothing done)')"
