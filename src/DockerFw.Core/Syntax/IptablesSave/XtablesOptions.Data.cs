namespace DockerFw.Core.Syntax.IptablesSave;

/// <summary>
/// The option tables of iptables 1.8.9's guided extensions (struct xt_option_entry), for every match and
/// target dockerfw has a table of, as the libraries themselves hold them: dumped from
/// /usr/lib/x86_64-linux-gnu/xtables by <c>scripts/xtables-options.sh</c> (regenerate, do not edit).
/// A line is <c>KIND NAME FAMILIES OPTION...</c>, an option <c>name:TYPE:FLAGS:MIN:MAX:EXCL:ALSO</c>
/// (flags I invertible, M mandatory, U may repeat; EXCL and ALSO are names joined by '+', '-' for none);
/// the revision is the highest the family loads.
/// </summary>
internal static partial class XtablesOptions
{
    private const string Dump = """
        match addrtype 46 src-type:STRING:I:0:0:-:- dst-type:STRING:I:0:0:-:- limit-iface-in:NONE:-:0:0:limit-iface-out:- limit-iface-out:NONE:-:0:0:limit-iface-in:-
        match ah 4 ahspi:UINT32RC:I:0:0:-:-
        match ah 6 ahspi:UINT32RC:I:0:0:-:- ahlen:UINT32:I:0:0:-:- ahres:NONE:-:0:0:-:-
        match bpf 46 bytecode:STRING:-:0:0:-:- object-pinned:STRING:-:0:0:-:-
        match cgroup 46 path:STRING:I:0:0:-:- cgroup:UINT32:I:0:0:-:-
        match comment 46 comment:STRING:M:0:0:-:-
        match connbytes 46 connbytes:UINT64RC:IM:0:0:-:- connbytes-dir:STRING:M:0:0:-:- connbytes-mode:STRING:M:0:0:-:-
        match connlimit 46 connlimit-upto:UINT32:I:0:0:connlimit-above:- connlimit-above:UINT32:I:0:0:connlimit-upto:- connlimit-mask:PLENMASK:-:0:0:-:- connlimit-saddr:NONE:-:0:0:connlimit-daddr:- connlimit-daddr:NONE:-:0:0:connlimit-saddr:-
        match connmark 46 mark:MARKMASK32:IM:0:0:-:-
        match conntrack 46 ctstate:STRING:I:0:0:-:- ctproto:PROTOCOL:I:0:0:-:- ctorigsrc:HOSTMASK:I:0:0:-:- ctorigdst:HOSTMASK:I:0:0:-:- ctreplsrc:HOSTMASK:I:0:0:-:- ctrepldst:HOSTMASK:I:0:0:-:- ctstatus:STRING:I:0:0:-:- ctexpire:UINT32RC:I:0:0:-:- ctorigsrcport:PORTRC:I:0:0:-:- ctorigdstport:PORTRC:I:0:0:-:- ctreplsrcport:PORTRC:I:0:0:-:- ctrepldstport:PORTRC:I:0:0:-:- ctdir:STRING:-:0:0:-:-
        match cpu 46 cpu:UINT32:IM:0:0:-:-
        match dccp 46 source-port:PORTRC:I:0:0:-:- sport:PORTRC:I:0:0:-:- destination-port:PORTRC:I:0:0:-:- dport:PORTRC:I:0:0:-:- dccp-types:STRING:I:0:0:-:- dccp-option:UINT8:I:1:255:-:-
        match devgroup 46 src-group:STRING:I:0:0:-:- dst-group:STRING:I:0:0:-:-
        match dscp 46 dscp:UINT8:I:0:63:dscp-class:- dscp-class:STRING:I:0:0:dscp:-
        match dst 6 dst-len:UINT32:I:0:0:-:- dst-opts:STRING:-:0:0:-:-
        match ecn 46 ecn-tcp-cwr:NONE:I:0:0:-:- ecn-tcp-ece:NONE:I:0:0:-:- ecn-ip-ect:UINT8:I:0:3:-:-
        match esp 46 espspi:UINT32RC:I:0:0:-:-
        match frag 6 fragid:UINT32RC:I:0:0:-:- fraglen:UINT32:I:0:0:-:- fragres:NONE:-:0:0:-:- fragfirst:NONE:-:0:0:-:- fragmore:NONE:-:0:0:fraglast:- fraglast:NONE:-:0:0:fragmore:-
        match hashlimit 46 hashlimit-upto:STRING:I:0:0:hashlimit-above:- hashlimit-above:STRING:I:0:0:hashlimit-upto+hashlimit:- hashlimit:STRING:I:0:0:hashlimit-above:- hashlimit-srcmask:PLEN:-:0:0:-:- hashlimit-dstmask:PLEN:-:0:0:-:- hashlimit-burst:STRING:-:0:0:-:- hashlimit-htable-size:UINT32:-:0:0:-:- hashlimit-htable-max:UINT32:-:0:0:-:- hashlimit-htable-gcinterval:UINT32:-:0:0:-:- hashlimit-htable-expire:UINT32:-:0:0:-:- hashlimit-mode:STRING:-:0:0:-:- hashlimit-name:STRING:M:1:0:-:- hashlimit-rate-match:NONE:-:0:0:-:- hashlimit-rate-interval:STRING:-:0:0:-:-
        match hbh 6 hbh-len:UINT32:I:0:0:-:- hbh-opts:STRING:-:0:0:-:-
        match helper 46 helper:STRING:IM:0:0:-:-
        match hl 6 hl-lt:UINT8:-:0:0:hl-lt+hl-gt+hl-eq+hl:- hl-gt:UINT8:-:0:0:hl-lt+hl-gt+hl-eq+hl:- hl-eq:UINT8:I:0:0:hl-lt+hl-gt+hl-eq+hl:- hl:UINT8:-:0:0:hl-lt+hl-gt+hl-eq+hl:-
        match icmp 4 icmp-type:STRING:IM:0:0:-:-
        match icmp6 6 icmpv6-type:STRING:IM:0:0:-:-
        match iprange 46 src-range:STRING:I:0:0:-:- dst-range:STRING:I:0:0:-:-
        match ipv6header 6 header:STRING:IM:0:0:-:- soft:NONE:-:0:0:-:-
        match length 46 length:UINT16RC:IM:0:0:-:-
        match limit 46 limit:STRING:-:0:0:-:- limit-burst:UINT32:-:0:10000:-:-
        match mac 46 mac-source:ETHERMAC:IM:0:0:-:-
        match mark 46 mark:MARKMASK32:IM:0:0:-:-
        match mh 6 mh-type:STRING:I:0:0:-:-
        match multiport 46 source-ports:STRING:I:0:0:source-ports+sports+destination-ports+dports+ports:- sports:STRING:I:0:0:source-ports+sports+destination-ports+dports+ports:- destination-ports:STRING:I:0:0:source-ports+sports+destination-ports+dports+ports:- dports:STRING:I:0:0:source-ports+sports+destination-ports+dports+ports:- ports:STRING:I:0:0:source-ports+sports+destination-ports+dports+ports:-
        match nfacct 46 nfacct-name:STRING:M:1:0:-:-
        match owner 46 uid-owner:STRING:I:0:0:-:- gid-owner:STRING:I:0:0:-:- socket-exists:NONE:I:0:0:-:- suppl-groups:NONE:-:0:0:-:-
        match physdev 46 physdev-in:STRING:I:0:0:-:- physdev-out:STRING:I:0:0:-:- physdev-is-in:NONE:I:0:0:-:- physdev-is-out:NONE:I:0:0:-:- physdev-is-bridged:NONE:I:0:0:-:-
        match pkttype 46 pkt-type:STRING:IM:0:0:-:-
        match policy 46 dir:STRING:-:0:0:-:- pol:STRING:-:0:0:-:- strict:NONE:-:0:0:-:- reqid:UINT32:IU:0:0:-:- spi:UINT32:IU:0:0:-:- tunnel-src:HOSTMASK:IU:0:0:-:- tunnel-dst:HOSTMASK:IU:0:0:-:- proto:PROTOCOL:IU:0:0:-:- mode:STRING:IU:0:0:-:- next:NONE:U:0:0:-:strict
        match quota 46 quota:UINT64:IM:0:0:-:-
        match realm 4 realm:STRING:IM:0:0:-:-
        match recent 46 set:NONE:I:0:0:set+rcheck+update+remove:- rcheck:NONE:I:0:0:set+rcheck+update+remove:- update:NONE:I:0:0:set+rcheck+update+remove:- remove:NONE:I:0:0:set+rcheck+update+remove:- seconds:UINT32:-:1:0:-:- reap:NONE:-:0:0:-:seconds hitcount:UINT32:-:0:0:-:- rttl:NONE:-:0:0:set+remove:- name:STRING:-:0:0:-:- rsource:NONE:-:0:0:-:- rdest:NONE:-:0:0:-:- mask:HOST:-:0:0:-:-
        match rpfilter 46 loose:NONE:-:0:0:-:- validmark:NONE:-:0:0:-:- accept-local:NONE:-:0:0:-:- invert:NONE:-:0:0:-:-
        match rt 6 rt-type:UINT32:I:0:0:-:- rt-segsleft:UINT32RC:I:0:0:-:- rt-len:UINT32:I:0:0:-:- rt-0-res:NONE:-:0:0:-:- rt-0-addrs:STRING:-:0:0:-:- rt-0-not-strict:NONE:-:0:0:-:-
        match socket 46 transparent:NONE:-:0:0:-:- nowildcard:NONE:-:0:0:-:- restore-skmark:NONE:-:0:0:-:-
        match state 46 state:STRING:IM:0:0:-:-
        match statistic 46 mode:STRING:M:0:0:-:- probability:DOUBLE:I:0:1:every+packet:- every:UINT32:I:1:0:probability:packet packet:UINT32:-:0:0:probability:every
        match string 46 from:UINT16:-:0:0:-:- to:UINT16:-:0:0:-:- algo:STRING:M:0:0:-:- string:STRING:I:0:0:hex-string:- hex-string:STRING:I:0:0:string:- icase:NONE:-:0:0:-:-
        match tcpmss 46 mss:UINT16RC:IM:0:0:-:-
        match time 46 datestart:STRING:-:0:0:-:- datestop:STRING:-:0:0:-:- timestart:STRING:-:0:0:-:- timestop:STRING:-:0:0:-:- contiguous:NONE:-:0:0:-:- weekdays:STRING:I:0:0:-:- monthdays:STRING:I:0:0:-:- localtz:NONE:-:0:0:utc:- utc:NONE:-:0:0:localtz+kerneltz:- kerneltz:NONE:-:0:0:utc:-
        match tos 46 tos:TOSMASK:IM:0:63:-:-
        match ttl 4 ttl-lt:UINT8:-:0:0:ttl-lt+ttl-gt+ttl-eq+ttl:- ttl-gt:UINT8:-:0:0:ttl-lt+ttl-gt+ttl-eq+ttl:- ttl-eq:UINT8:I:0:0:ttl-lt+ttl-gt+ttl-eq+ttl:- ttl:UINT8:-:0:0:ttl-lt+ttl-gt+ttl-eq+ttl:-
        match u32 46 u32:STRING:IM:0:0:-:-
        match udp 46 source-port:PORTRC:I:0:0:-:- sport:PORTRC:I:0:0:-:- destination-port:PORTRC:I:0:0:-:- dport:PORTRC:I:0:0:-:-
        target AUDIT 46 type:STRING:M:0:0:-:-
        target CHECKSUM 46 checksum-fill:NONE:M:0:0:-:-
        target CLASSIFY 46 set-class:STRING:M:0:0:-:-
        target CONNMARK 46 set-xmark:MARKMASK32:-:0:0:set-xmark+set-mark+and-mark+or-mark+xor-mark+save-mark+restore-mark:- set-mark:MARKMASK32:-:0:0:set-xmark+set-mark+and-mark+or-mark+xor-mark+save-mark+restore-mark:- and-mark:UINT32:-:0:0:set-xmark+set-mark+and-mark+or-mark+xor-mark+save-mark+restore-mark:- or-mark:UINT32:-:0:0:set-xmark+set-mark+and-mark+or-mark+xor-mark+save-mark+restore-mark:- xor-mark:UINT32:-:0:0:set-xmark+set-mark+and-mark+or-mark+xor-mark+save-mark+restore-mark:- save-mark:NONE:-:0:0:set-xmark+set-mark+and-mark+or-mark+xor-mark+save-mark+restore-mark:- restore-mark:NONE:-:0:0:set-xmark+set-mark+and-mark+or-mark+xor-mark+save-mark+restore-mark:- left-shift-mark:UINT8:-:0:32:-:- right-shift-mark:UINT8:-:0:32:-:- ctmask:UINT32:-:0:0:mask:- nfmask:UINT32:-:0:0:mask:- mask:UINT32:-:0:0:ctmask+nfmask:-
        target CONNSECMARK 46 save:NONE:-:0:0:restore:- restore:NONE:-:0:0:save:-
        target CT 46 notrack:NONE:-:0:0:-:- helper:STRING:-:0:0:-:- timeout:STRING:-:0:0:-:- ctevents:STRING:-:0:0:-:- expevents:STRING:-:0:0:-:- zone-orig:STRING:-:0:0:-:- zone-reply:STRING:-:0:0:-:- zone:STRING:-:0:0:-:-
        target DNAT 46 to-destination:STRING:M:0:0:-:- random:NONE:-:0:0:-:- persistent:NONE:-:0:0:-:-
        target DSCP 46 set-dscp:UINT8:-:0:63:set-dscp-class:- set-dscp-class:STRING:-:0:0:set-dscp:-
        target HL 6 hl-set:UINT8:-:0:0:hl-set+hl-dec+hl-inc:- hl-dec:UINT8:-:1:0:hl-set+hl-dec+hl-inc:- hl-inc:UINT8:-:1:0:hl-set+hl-dec+hl-inc:-
        target IDLETIMER 46 timeout:UINT32:M:0:0:-:- label:STRING:M:0:0:-:- alarm:NONE:-:0:0:-:-
        target LOG 46 log-level:SYSLOGLEVEL:-:0:0:-:- log-prefix:STRING:-:1:0:-:- log-tcp-sequence:NONE:-:0:0:-:- log-tcp-options:NONE:-:0:0:-:- log-ip-options:NONE:-:0:0:-:- log-uid:NONE:-:0:0:-:- log-macdecode:NONE:-:0:0:-:-
        target MARK 46 set-xmark:MARKMASK32:-:0:0:set-xmark+set-mark+and-mark+or-mark+xor-mark:- set-mark:MARKMASK32:-:0:0:set-xmark+set-mark+and-mark+or-mark+xor-mark:- and-mark:UINT32:-:0:0:set-xmark+set-mark+and-mark+or-mark+xor-mark:- or-mark:UINT32:-:0:0:set-xmark+set-mark+and-mark+or-mark+xor-mark:- xor-mark:UINT32:-:0:0:set-xmark+set-mark+and-mark+or-mark+xor-mark:-
        target MASQUERADE 46 to-ports:STRING:-:0:0:-:- random:NONE:-:0:0:-:- random-fully:NONE:-:0:0:-:-
        target NETMAP 46 to:HOSTMASK:M:0:0:-:-
        target NFLOG 46 nflog-group:UINT16:-:0:0:-:- nflog-prefix:STRING:-:1:0:-:- nflog-range:UINT32:-:0:0:nflog-size:- nflog-size:UINT32:-:0:0:nflog-range:- nflog-threshold:UINT16:-:0:0:-:-
        target NFQUEUE 46 queue-num:UINT16:-:0:0:queue-balance:- queue-balance:UINT16RC:-:0:65534:queue-num:- queue-bypass:NONE:-:0:0:-:- queue-cpu-fanout:NONE:-:0:0:-:queue-balance
        target REDIRECT 46 to-ports:STRING:-:0:0:-:- random:NONE:-:0:0:-:-
        target REJECT 46 reject-with:STRING:-:0:0:-:-
        target SECMARK 46 selctx:STRING:M:0:0:-:-
        target SNAT 46 to-source:STRING:M:0:0:-:- random:NONE:-:0:0:-:- random-fully:NONE:-:0:0:-:- persistent:NONE:-:0:0:-:-
        target SYNPROXY 46 sack-perm:NONE:-:0:0:-:- timestamp:NONE:-:0:0:-:- wscale:UINT32:-:0:0:-:- mss:UINT32:-:0:0:-:- ecn:NONE:-:0:0:-:-
        target TCPMSS 4 set-mss:UINT16:-:0:65515:-:- clamp-mss-to-pmtu:NONE:-:0:0:-:-
        target TCPMSS 6 set-mss:UINT16:-:0:65495:-:- clamp-mss-to-pmtu:NONE:-:0:0:-:-
        target TEE 46 gateway:HOST:M:0:0:-:- oif:STRING:-:0:0:-:-
        target TOS 46 set-tos:TOSMASK:-:0:63:set-tos+and-tos+or-tos+xor-tos:- and-tos:UINT8:-:0:0:set-tos+and-tos+or-tos+xor-tos:- or-tos:UINT8:-:0:0:set-tos+and-tos+or-tos+xor-tos:- xor-tos:UINT8:-:0:0:set-tos+and-tos+or-tos+xor-tos:-
        target TPROXY 46 on-port:PORT:M:0:0:-:- on-ip:HOST:-:0:0:-:- tproxy-mark:MARKMASK32:-:0:0:-:-
        target TTL 4 ttl-set:UINT8:-:0:0:ttl-set+ttl-dec+ttl-inc:- ttl-dec:UINT8:-:1:0:ttl-set+ttl-dec+ttl-inc:- ttl-inc:UINT8:-:1:0:ttl-set+ttl-dec+ttl-inc:-
        target ULOG 4 ulog-nlgroup:UINT8:-:1:32:-:- ulog-prefix:STRING:-:1:0:-:- ulog-cprange:UINT64:-:0:0:-:- ulog-qthreshold:UINT64:-:1:50:-:-
        """;
}
