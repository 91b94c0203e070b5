#!/usr/bin/env bats
# tests/runtime/usdt.bats - USDT probes through the real pipeline
# (./bpftrace): attached as uprobes at the note's address, semaphores
# raised by the kernel's uprobe reference counter, argN read as the note's
# argument spec says (constants, registers, memory at reg+offset and
# base+index*scale, sized and signed).  Needs `make testprogs`.

load driver_helpers

TP=$ROOT/build/testprogs

usdt_setup() {
	[ -x "$TP/usdt_test" ] || skip "build/testprogs is not built (make testprogs)"
}

# start PROG: a test program in the background, $tp_pid
start_tp() {
	"$TP/$1" >/dev/null 2>&1 &
	tp_pid=$!
	sleep 0.2
}

stop_tp() {
	[ -n "${tp_pid:-}" ] && kill "$tp_pid" 2>/dev/null
	tp_pid=
	true
}

# the semaphore's address (the note's, as readelf prints it) in BINARY
semaphore_of() {
	readelf -n "$1" | sed -n 's/.*Semaphore: \(0x[0-9a-f]*\).*/\1/p' | head -1
}

# u16 at ADDR in process PID
read_u16() {
	dd if=/proc/"$1"/mem bs=2 count=1 iflag=skip_bytes skip=$(($2)) \
		2>/dev/null | od -An -tu2 | tr -d ' '
}

@test "usdt: attach by file, arguments (register and memory), string arg" {
	usdt_setup
	start_tp usdt_test
	run --separate-stderr timeout "$LIMIT" "$BT" -e '
		usdt:'"$TP"'/usdt_test:tracetest:testprobe {
			printf("%d %s\n", arg0 > 1000000000, str(arg1)); exit(); }'
	stop_tp
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Attached 1 probe"* ]]
	[ "$output" = "1 Hello World1" ]
}

@test "usdt: PROVIDER omitted, wildcards, counts of probes" {
	usdt_setup
	start_tp usdt_test
	run --separate-stderr timeout "$LIMIT" "$BT" -e '
		usdt:'"$TP"'/usdt_test:testprobe2 { @[str(arg1)] = count();
			if (@[str(arg1)] >= 3) { exit(); } }'
	stop_tp
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Attached 2 probes"* ]]
	[[ "$output" == *"@[Hello World2]: "* ]]
	[[ "$output" == *"@[Hello World3]: "* ]]
	run --separate-stderr timeout "$LIMIT" "$BT" -e '
		usdt:'"$TP"'/usdt_test*:tracetest*:* { exit(); }' -c "$TP/usdt_test"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Attached 6 probes"* ]]
}

@test "usdt: a probe with several sites is one probe, attached at each" {
	usdt_setup
	run --separate-stderr timeout "$LIMIT" "$BT" -e '
		usdt:'"$TP"'/usdt_multiple_locations:tracetest:testprobe3 {
			@[str(arg1)] = count(); if (len(@) == 3) { exit(); } }' \
		-c "$TP/usdt_multiple_locations"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Attached 1 probe"* ]]
	[[ "$output" == *"@[Hello world4]: "* ]]
	[[ "$output" == *"@[Hello world5]: "* ]]
	[[ "$output" == *"@[Hello world6]: "* ]]
}

@test "usdt: constant, register, memory and indexed arguments, signed and sized" {
	usdt_setup
	want="-579005069656919568 -579005069656919568 4092785136 -202182160 61936 -3600 240 -16 "
	for bin in usdt_args usdt_args-pie; do
		for kind in const reg addr index; do
			run --separate-stderr timeout "$LIMIT" "$BT" -q -e '
				usdt:'"$TP/$bin"':usdt_args:'"$kind"'_* {
					printf("%lld ", arg0); }' -c "$TP/$bin"
			[ "$status" -eq 0 ]
			[ "$output" = "$want" ] || {
				echo "$bin $kind: '$output'"
				return 1
			}
		done
	done
}

@test "usdt: argN is int64 as upstream; sized reads; a missing argument is 0" {
	usdt_setup
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e '
		usdt:'"$TP"'/usdt_sized_args:test:probe* {
			@[probe] = arg0; @n[probe] = arg3;
			if (len(@) == 3) { exit(); } }' \
		-c "$TP/usdt_sized_args"
	[ "$status" -eq 0 ]
	[[ "$output" == *"@[usdt:$TP/usdt_sized_args:test:probe1]: 3735928559"* ]]
	[[ "$output" == *"@[usdt:$TP/usdt_sized_args:test:probe2]: 1"* ]]
	[[ "$output" == *"@[usdt:$TP/usdt_sized_args:test:probe3]: -1"* ]]
	[[ "$output" == *"@n[usdt:$TP/usdt_sized_args:test:probe3]: 0"* ]]
}

@test "usdt: twelve arguments of mixed sizes" {
	usdt_setup
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e '
		usdt:'"$TP"'/usdt_multi_args:usdt_multi_args:probe1 {
			printf("%llx %llx %llx %llx %llx %llx %llx %llx %llx %llx %lld %llx\n",
			       arg0, arg1, arg2, arg3, arg4, arg5, arg6, arg7,
			       arg8, arg9, arg10, arg11); exit(); }' \
		-c "$TP/usdt_multi_args"
	[ "$status" -eq 0 ]
	[ "$output" = "deadbeef 1 ffffffffffffffff cafebabe 8badf00d feedface 123456789abcdef 0 7fffffffffffffff 5555555555555555 42 aaaaaaaaaaaaaaaa" ]
}

@test "usdt: semaphore raised while attached (pie and not), lowered after" {
	usdt_setup
	for bin in usdt_semaphore_test usdt_semaphore_test-pie; do
		start_tp "$bin"
		sem=$(semaphore_of "$TP/$bin")
		base=0
		if [ "$bin" = usdt_semaphore_test-pie ]; then
			base=0x$(awk -v f="$(readlink -f "$TP/$bin")" \
				'$6 == f { split($1, r, "-"); print r[1]; exit }' \
				/proc/"$tp_pid"/maps)
		fi
		[ "$(read_u16 "$tp_pid" $((base + sem)))" = 0 ]
		run --separate-stderr timeout "$LIMIT" "$BT" -q -e '
			usdt:'"$TP/$bin"':tracetest:testprobe {
				printf("%s", str(arg1)); exit(); }'
		sleep 0.3   # the links go when bt-load's descriptors close
		after=$(read_u16 "$tp_pid" $((base + sem)))
		stop_tp
		[ "$status" -eq 0 ]
		[ "$output" = "USDT semaphore: 1" ] || {
			echo "$bin: '$output' $stderr"
			return 1
		}
		[ "$after" = 0 ]
	done
}

@test "usdt: -p limits the probe to that process" {
	usdt_setup
	"$TP/usdt_test" >/dev/null 2>&1 &
	a=$!
	"$TP/usdt_test" >/dev/null 2>&1 &
	b=$!
	sleep 0.2
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e '
		usdt:'"$TP"'/usdt_test:tracetest:testprobe { @[pid] = count(); }
		interval:ms:500 { exit(); }' -p "$a"
	kill "$a" "$b"
	[ "$status" -eq 0 ]
	[[ "$output" == *"@[$a]: "* ]]
	[[ "$output" != *"@[$b]: "* ]]
}

@test "usdt: semaphore of a process started after attaching, --usdt-file-activation accepted" {
	usdt_setup
	start_bt -q --usdt-file-activation -e '
		usdt:'"$TP"'/usdt_semaphore_test:tracetest:testprobe {
			printf("%s", str(arg1)); exit(); }'
	start_tp usdt_semaphore_test
	wait_bt
	stop_tp
	[ "$status" -eq 0 ]
	grep -q "USDT semaphore: 1" "$BATS_TEST_TMPDIR/out"
}
