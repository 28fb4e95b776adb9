#!/bin/sh
# diamond.sh DEPTH [DUMP]: DOCKER-USER jumps to C1; each Ci jumps twice to C(i+1); the last drops
# tcp/22 and counts 10.0.0.0/8. A packet meets the last chain 2^(DEPTH-1) times. Without DUMP a
# minimal filter table; with DUMP (an iptables-save of a Docker host) the chains go into its filter
# table, the jump first in DOCKER-USER.
d=$1
if [ -n "$2" ]; then
  awk -v d="$d" '
    /^\*filter/ { f = 1 }
    f && /^:DOCKER-USER / { print; for (i = 1; i <= d; i++) print ":C" i " - [0:0]"; next }
    f && /^-A DOCKER-USER / && !j { print "-A DOCKER-USER -j C1"; j = 1 }
    f && /^COMMIT/ {
      for (i = 1; i < d; i++) { print "-A C" i " -j C" i + 1; print "-A C" i " -j C" i + 1 }
      print "-A C" d " -p tcp --dport 22 -j DROP"; print "-A C" d " -s 10.0.0.0/8"; f = 0
    }
    { print }' "$2"
  exit
fi
echo "*filter"
echo ":INPUT ACCEPT [0:0]"
echo ":FORWARD DROP [0:0]"
echo ":OUTPUT ACCEPT [0:0]"
echo ":DOCKER-USER - [0:0]"
i=1; while [ $i -le "$d" ]; do echo ":C$i - [0:0]"; i=$((i+1)); done
echo "-A FORWARD -j DOCKER-USER"
echo "-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
echo "-A FORWARD -i docker0 ! -o docker0 -j ACCEPT"
echo "-A DOCKER-USER -j C1"
echo "-A DOCKER-USER -j RETURN"
i=1; while [ $i -lt "$d" ]; do n=$((i+1)); echo "-A C$i -j C$n"; echo "-A C$i -j C$n"; i=$n; done
echo "-A C$d -p tcp --dport 22 -j DROP"
echo "-A C$d -s 10.0.0.0/8"
echo "COMMIT"
