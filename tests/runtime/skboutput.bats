#!/usr/bin/env bats
# tests/runtime/skboutput.bats - skboutput() on the real kernel: rawtracepoint
# probes on the transmit path (compiled as tp_btf programs) copy the UDP
# packets a test sends over loopback in a network namespace of its own into
# pcap files, which pcap_check.py and tcpdump read back; and socket_cookie(),
# the other tracing-only call, in a tp_btf rawtracepoint probe.

load driver_helpers

CHECK=$BATS_TEST_DIRNAME/pcap_check.py

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	[ -x "$BIN/bt-load" ] || skip "build/bin/bt-load is not built (run make)"
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR"
	bg_pid=
	netns=
}

teardown() {
	if [ -n "${bg_pid:-}" ] && kill -0 "$bg_pid" 2>/dev/null; then
		kill -KILL "$bg_pid" 2>/dev/null
	fi
	[ -z "${netns:-}" ] || ip netns del "$netns" 2>/dev/null
	true
}

# a network namespace with only lo, up: its traffic is the test's
make_netns() {
	netns=bt-skb-$$-$RANDOM
	ip netns add "$netns"
	ip -netns "$netns" link set lo up
}

# send_udp PAYLOAD N: N datagrams to 127.0.0.1:9 from inside the netns
send_udp() {
	ip netns exec "$netns" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[2])):
    s.sendto(sys.argv[1].encode(), ("127.0.0.1", 9))
' "$1" "$2"
}

@test "skboutput writes the packets sent over loopback to raw-IP pcap files" {
	make_netns
	ip_pcap=$BATS_TEST_TMPDIR/ip.pcap
	eth_pcap=$BATS_TEST_TMPDIR/eth.pcap
	payload=bt-skb-$$-$RANDOM
	# net_dev_queue sees the Ethernet header: offset 14 drops it, 0 keeps it
	start_bt -e 'rawtracepoint:net_dev_queue {
		$skb = (struct sk_buff *)arg0;
		$a = skboutput("'"$ip_pcap"'", $skb, $skb->len, 14);
		$b = skboutput("'"$eth_pcap"'", $skb, $skb->len, 0);
		if ($a != 0 || $b != 0) { @failed = count(); }
	}'
	t0=$(date +%s)
	send_udp "$payload" 3
	t1=$(date +%s)
	kill -TERM "$bg_pid"
	wait_bt
	cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err"
	[ "$status" -eq 0 ]
	! grep -q '@failed' "$BATS_TEST_TMPDIR/out"
	python3 "$CHECK" udp "$ip_pcap" "$payload" 0 3 $((t0 - 1)) $((t1 + 1))
	python3 "$CHECK" udp "$eth_pcap" "$payload" 14 3 $((t0 - 1)) $((t1 + 1))
	# an independent reader: tcpdump takes the file as upstream's
	run tcpdump -n -r "$ip_pcap"
	echo "$output"
	[[ "$output" == *"link-type RAW (Raw IP), snapshot length 65535"* ]]
	[ "$(grep -c "127.0.0.1\.[0-9]* > 127.0.0.1\.9: UDP, length ${#payload}\$" <<<"$output")" -eq 3 ]
}

@test "a wildcard-like list of rawtracepoints: one tp_btf program per attach point" {
	make_netns
	pcap=$BATS_TEST_TMPDIR/both.pcap
	payload=bt-skb-$$-$RANDOM
	start_bt -e 'rawtracepoint:net_dev_queue, rawtracepoint:net_dev_start_xmit {
		$skb = (struct sk_buff *)arg0;
		@[probe] = count();
		skboutput("'"$pcap"'", $skb, $skb->len, 14);
	}'
	grep -q 'Attached 2 probes' "$BATS_TEST_TMPDIR/err"
	t0=$(date +%s)
	send_udp "$payload" 2
	t1=$(date +%s)
	kill -TERM "$bg_pid"
	wait_bt
	cat "$BATS_TEST_TMPDIR/out"
	[ "$status" -eq 0 ]
	grep -q '^@\[rawtracepoint:vmlinux:net_dev_queue\]: ' "$BATS_TEST_TMPDIR/out"
	grep -q '^@\[rawtracepoint:vmlinux:net_dev_start_xmit\]: ' "$BATS_TEST_TMPDIR/out"
	# each datagram passes both tracepoints
	python3 "$CHECK" udp "$pcap" "$payload" 0 4 $((t0 - 1)) $((t1 + 1))
}

@test "a length beyond the packet returns -EFAULT and writes nothing; the file is new" {
	make_netns
	pcap=$BATS_TEST_TMPDIR/none.pcap
	echo "stale content from an earlier run" > "$pcap"
	start_bt -e 'rawtracepoint:net_dev_queue {
		$skb = (struct sk_buff *)arg0;
		$r = skboutput("'"$pcap"'", $skb, $skb->len + 1, 0);
		@r[(int32)$r] = count();
	}'
	# created (truncated) before anything was traced
	python3 "$CHECK" header "$pcap"
	send_udp "nothing-to-see" 2
	kill -TERM "$bg_pid"
	wait_bt
	cat "$BATS_TEST_TMPDIR/out"
	[ "$status" -eq 0 ]
	grep -Eq '^@r\[-14\]: [0-9]+$' "$BATS_TEST_TMPDIR/out"
	! grep -Eq '^@r\[0\]' "$BATS_TEST_TMPDIR/out"
	python3 "$CHECK" header "$pcap"
}

@test "a pcap file that cannot be created stops the run with a located error" {
	run timeout "$LIMIT" "$BT" -e 'rawtracepoint:net_dev_queue { skboutput("/nonexistent-bt-dir/x.pcap", (struct sk_buff *)arg0, 64, 0); }'
	echo "$output"
	[ "$status" -ne 0 ] && [ "$status" -lt 128 ]
	[[ "$output" == *"stdin:1:31-"*"ERROR: Failed to create pcap file(s): cannot create '/nonexistent-bt-dir/x.pcap': No such file or directory"* ]]
	[[ "$output" == *"HINT: "* ]]
	[[ "$output" != *"Attaching"* ]]
}

@test "the verifier refusing an skb of unknown type is explained" {
	run timeout "$LIMIT" "$BT" -e 'rawtracepoint:net_dev_queue { $s = (struct sk_buff *)arg0; skboutput("'"$BATS_TEST_TMPDIR"'/x.pcap", $s->next, 64, 0); }'
	echo "$output"
	[ "$status" -ne 0 ] && [ "$status" -lt 128 ]
	[[ "$output" == *"skboutput()'s skb"* ]]
}

@test "tp_btf serves socket_cookie too: one non-zero cookie per socket" {
	make_netns
	start_bt -e 'rawtracepoint:inet_sock_set_state {
		$sk = (struct sock *)arg0;
		if ($sk->__sk_common.skc_dport == 2304) {
			printf("cookie %llu\n", socket_cookie($sk));
		}
	}'
	# three refused connections to port 9 (2304 in network byte order):
	# each socket goes CLOSE -> SYN_SENT -> CLOSE
	ip netns exec "$netns" python3 -c '
import socket
for _ in range(3):
    s = socket.socket()
    try:
        s.connect(("127.0.0.1", 9))
    except OSError:
        pass
    s.close()
'
	kill -TERM "$bg_pid"
	wait_bt
	cat "$BATS_TEST_TMPDIR/out"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^cookie [1-9][0-9]*$' "$BATS_TEST_TMPDIR/out")" -eq 6 ]
	[ "$(grep '^cookie ' "$BATS_TEST_TMPDIR/out" | sort -u | wc -l)" -eq 3 ]
	[ "$(grep '^cookie ' "$BATS_TEST_TMPDIR/out" | uniq | wc -l)" -eq 3 ]
}
