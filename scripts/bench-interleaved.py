#!/usr/bin/env python3
# Wall time of a few commands on a shared machine: each round spawns every command once, in random order (posix_spawn,
# so each carries the same spawning cost), and the figure is the median of each command's per-round ratio to the first
# command, with quartiles; run it under `chrt -f 50` where the load is high (docs/performance.md, "Reader on every shape").
# Usage: scripts/bench-interleaved.py ROUNDS NAME=CMD... (CMD split on blanks; NAME=VAR=VALUE[;VAR=VALUE...]|CMD sets variables;
#        stdout and stderr of the commands go to /dev/null; two warm-up rounds are not counted)
# e.g.   chrt -f 50 scripts/bench-interleaved.py 150 "restore=/usr/sbin/ip netns exec NS /usr/sbin/iptables-legacy-restore --test DUMP" \
#            "fmt=DIR/dockerfw fmt DUMP" "fmt-only=DIR/lib/dockerfw-fmt fmt DUMP"
import os, random, statistics, sys, time
rounds = int(sys.argv[1])
cmds = []
envs = {}
for a in sys.argv[2:]:
    name, rest = a.split('=', 1)
    env = dict(os.environ)
    if '|' in rest:
        kvs, rest = rest.split('|', 1)
        for kv in kvs.split(';'):
            k, v = kv.split('=', 1)
            env[k] = v
    envs[name] = env
    cmds.append((name, rest.split()))
devnull = os.open('/dev/null', os.O_WRONLY)
times = {n: [] for n, _ in cmds}
acts = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
for r in range(rounds + 2):
    order = cmds[:]
    random.shuffle(order)
    for name, argv in order:
        t = time.perf_counter_ns()
        pid = os.posix_spawn(argv[0], argv, envs[name], file_actions=acts)
        _, st = os.waitpid(pid, 0)
        dt = (time.perf_counter_ns() - t) / 1e6
        if st != 0: sys.exit(f'{name} exited {st}')
        if r >= 2: times[name].append(dt)
q = lambda xs: statistics.quantiles(xs, n=4)
base = cmds[0][0]
print(f'load {open("/proc/loadavg").read().split()[:3]}, {rounds} rounds')
for name, _ in cmds:
    t = times[name]; a, m, b = q(t)
    line = f'{name:12s} median {m:6.2f} ms ({a:.2f}-{b:.2f})'
    if name != base:
        ratio = [x / y for x, y in zip(t, times[base])]
        ra, rm, rb = q(ratio)
        line += f'  / {base} {rm:.3f} ({ra:.3f}-{rb:.3f})'
    print(line)
