#!/usr/bin/env bats
# tests/runtime/tracepoint.bats - ./bpftrace one-liners on real tracepoints,
# triggered by processes the tests start themselves.

load driver_helpers

@test "sys_enter_openat sees the unique path a process opens" {
	path=$BATS_TEST_TMPDIR/bt-open-$$-$RANDOM
	start_bt -e 'tracepoint:syscalls:sys_enter_openat /comm == "cat"/ { printf("open %s\n", str(args.filename)); }'
	cat "$path" 2>/dev/null || true
	cat "$path" 2>/dev/null || true
	kill -TERM "$bg_pid"
	wait_bt
	[ "$status" -eq 0 ]
	grep -qx "open $path" "$BATS_TEST_TMPDIR/out"
}

@test "@[comm] = count() counts the calls of one process" {
	loop=$(getppid_loop)
	start_bt -e 'tracepoint:syscalls:sys_enter_getppid { @[comm] = count(); }'
	"$loop" 4321 >/dev/null
	kill -TERM "$bg_pid"
	wait_bt
	[ "$status" -eq 0 ]
	n=$(sed -n 's/^@\[getppid_loop\]: //p' "$BATS_TEST_TMPDIR/out")
	[ -n "$n" ] && [ "$n" -ge 4321 ]
}

@test "args and pid in a predicate: only the traced pid is counted" {
	loop=$(getppid_loop)
	# the loop is started stopped, so that its pid is known in advance
	bash -c 'kill -STOP $$; exec "$0" 777 >/dev/null' "$loop" &
	lp=$!
	start_bt -e 'tracepoint:syscalls:sys_enter_getppid /pid == $1/ { @n = count(); } tracepoint:sched:sched_process_exit /pid == $1/ { exit(); }' "$lp"
	kill -CONT "$lp"
	wait "$lp"
	wait_bt
	[ "$status" -eq 0 ]
	grep -qx '@n: 777' "$BATS_TEST_TMPDIR/out"
}

@test "hist of a tracepoint argument has buckets and bars" {
	start_bt -e 'tracepoint:syscalls:sys_enter_read /comm == "dd"/ { @bytes = hist(args.count); }'
	dd if=/dev/zero of=/dev/null bs=1000 count=20 2>/dev/null
	dd if=/dev/zero of=/dev/null bs=70000 count=5 2>/dev/null
	kill -TERM "$bg_pid"
	wait_bt
	[ "$status" -eq 0 ]
	cat "$BATS_TEST_TMPDIR/out"
	grep -qx '@bytes:' "$BATS_TEST_TMPDIR/out"
	grep -Eq '^\[512, 1K\) +[0-9]+ \|@+ *\|$' "$BATS_TEST_TMPDIR/out"
	grep -Eq '^\[64K, 128K\) +[0-9]+ \|@+ *\|$' "$BATS_TEST_TMPDIR/out"
}

@test "aggregations read in a probe combine every CPU's value" {
	[ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
	loop=$(getppid_loop)
	last=$(($(nproc) - 1))
	# the tracepoint fires only on the last CPU; the interval probe runs
	# on CPU 0, where this CPU's slot of each per-CPU value stays empty
	taskset -c "$last" "$loop" 100000000 >/dev/null &
	lp=$!
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e '
tracepoint:syscalls:sys_enter_getppid /comm == "getppid_loop"/ {
	@n = count(); @s = sum(5); @lo = min(-7); @hi = max(3); @a = avg(10);
	@lo = min(2); @hi = max(-4);
}
interval:ms:300 {
	printf("cpu %d: %d %d %d %d %d\n", cpu, @n > 1, @s > 5 && @s % 5 == 0,
	       @lo, @hi, @a);
	exit();
}'
	kill "$lp"
	[ "$status" -eq 0 ]
	grep -qx 'cpu 0: 1 1 -7 3 10' <<<"$output"
}

@test "interval and a tracepoint in one program" {
	loop=$(getppid_loop)
	"$loop" 100000000 >/dev/null &
	lp=$!
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'tracepoint:syscalls:sys_enter_getppid { @n = count(); } interval:ms:300 { printf("seen %d\n", @n > 0); exit(); }'
	kill "$lp"
	[ "$status" -eq 0 ]
	grep -qx 'seen 1' <<<"$output"
}

@test "a 10,000-key map is dumped in batches, whole and sorted, while detaching" {
	loop=$(close_loop)
	prog='config = { max_map_keys = 20000 } tracepoint:syscalls:sys_enter_close /pid == cpid && args->fd >= 1000/ { @m[args->fd] = 11000 - args->fd; }'
	run --separate-stderr timeout "$LIMIT" "$BT" -e "$prog" \
		-c "$loop 10000 1000 $BATS_TEST_TMPDIR/stamp"
	[ "$status" -eq 0 ]
	grep '^@m\[' <<<"$output" > "$BATS_TEST_TMPDIR/rows"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/rows")" -eq 10000 ]
	# by value, ascending: the largest fd first
	[ "$(head -1 "$BATS_TEST_TMPDIR/rows")" = "@m[10999]: 1" ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/rows")" = "@m[1000]: 10000" ]
	sed 's/.*: //' "$BATS_TEST_TMPDIR/rows" | sort -nc
	# the stream carried the map in more than one `map` event
	bundle=$BATS_TEST_TMPDIR/b
	"$BIN/bt-parse" -e "$prog" | "$BIN/bt-check" | "$BIN/bt-gen" > "$bundle"
	"$BIN/bt-load" --json -c "$loop 10000 1000 $BATS_TEST_TMPDIR/stamp" \
		"$bundle" > "$BATS_TEST_TMPDIR/ev" 2>/dev/null
	[ "$(grep -c '"e":"map".*"more":true' "$BATS_TEST_TMPDIR/ev")" -ge 2 ]
}

@test "inside a pid namespace: pid is the namespace's, ustack is symbolized" {
	prog=$ROOT/build/testprogs/uprobe_loop
	[ -x "$prog" ] || skip "build/testprogs/uprobe_loop is not built"
	run --separate-stderr timeout "$LIMIT" unshare --fork --pid --mount-proc \
		sh -c "'$prog' & sleep 0.2; '$BT' -e 'config = { show_debug_info=0 } uprobe:$prog:uprobeFunction1 { printf(\"%d %d\n\", pid, pid(init)); print(ustack); exit(); }'"
	[ "$status" -eq 0 ]
	# the loop is the namespace's second process; pid(init) is global
	read -r nspid initpid <<<"$(grep -E '^[0-9]+ [0-9]+$' <<<"$output")"
	[ "$nspid" = 2 ]
	[ "$initpid" -gt 2 ]
	grep -Eq '^ +uprobeFunction1\+[0-9]+$' <<<"$output"
	grep -Eq '^ +main\+[0-9]+$' <<<"$output"
}

@test "a __data_loc string field is read from the record (sched_process_exec)" {
	start_bt -e 'tracepoint:sched:sched_process_exec /comm == "true"/ { printf("P: %s %s\n", str(args.filename), args.filename); }'
	/bin/true
	/bin/true
	kill -TERM "$bg_pid"
	wait_bt
	[ "$status" -eq 0 ]
	grep -qx 'P: /bin/true /bin/true' "$BATS_TEST_TMPDIR/out"
}

@test "uptr() and kptr() pick the memory a pointer is read from" {
	start_bt -e 'tracepoint:syscalls:sys_enter_openat /comm == "cat"/ { $p = (int8 *)args.filename; printf("[%s] [%s]\n", str(uptr($p)), str(kptr($p))); }'
	cat /etc/hostname >/dev/null
	kill -TERM "$bg_pid"
	wait_bt
	[ "$status" -eq 0 ]
	# a user-space path: read as user memory it is there, as kernel
	# memory the read fails and the string is empty
	grep -q '^\[/.*\] \[\]$' "$BATS_TEST_TMPDIR/out"
}

@test "360 tracepoints: the run returns, and a bt-detach child releases every link after it" {
	[ -d /sys/kernel/tracing/events/syscalls ] || [ -d /sys/kernel/debug/tracing/events/syscalls ] ||
		skip "needs the syscalls tracepoints"
	run --separate-stderr timeout "$LIMIT" "$BT" -e 'tracepoint:syscalls:sys_enter_* { @[probe] = count(); } interval:ms:1 { exit(); }'
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Attached "*" probes"* ]]
	n=$(sed -n 's/.*Attached \([0-9]*\) probes.*/\1/p' <<<"$stderr")
	[ "$n" -gt 300 ]
	# the programs stay loaded only until the child's exit has released
	# them: no bt-detach left and no syscalls program of ours, within 60 s
	for i in $(seq 60); do
		if ! pgrep -x bt-detach >/dev/null &&
		   ! bpftool prog show 2>/dev/null | grep -q 'tracepoint_syscalls_sys_enter'; then
			break
		fi
		sleep 1
	done
	! pgrep -x bt-detach
	! bpftool prog show 2>/dev/null | grep -q 'tracepoint_syscalls_sys_enter'
}
