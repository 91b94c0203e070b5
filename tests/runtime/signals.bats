#!/usr/bin/env bats
# tests/runtime/signals.bats - stopping ./bpftrace: SIGINT (Ctrl-C, to the
# driver alone or its whole process group) and SIGTERM run end probes and
# dump the maps; SIGUSR1 runs self:signal probes; a killed pipeline leaves
# no BPF program or link of its own in the kernel.

load driver_helpers

@test "SIGINT to the driver: end probes run, maps are printed, status 0" {
	loop=$(getppid_loop)
	start_bt -e 'tracepoint:syscalls:sys_enter_getppid /comm == "getppid_loop"/ { @calls = count(); } end { printf("end ran\n"); }'
	"$loop" 1000 >/dev/null
	kill -INT "$bg_pid"
	wait_bt
	[ "$status" -eq 0 ]
	cat "$BATS_TEST_TMPDIR/out"
	grep -qx 'end ran' "$BATS_TEST_TMPDIR/out"
	n=$(sed -n 's/^@calls: //p' "$BATS_TEST_TMPDIR/out")
	[ -n "$n" ] && [ "$n" -ge 1000 ]
	# end's output comes before the map dump
	[ "$(grep -n 'end ran' "$BATS_TEST_TMPDIR/out" | cut -d: -f1)" -lt \
		"$(grep -n '^@calls' "$BATS_TEST_TMPDIR/out" | cut -d: -f1)" ]
	assert_no_temp_files
}

@test "SIGTERM to the driver: the same dump, status 0" {
	loop=$(getppid_loop)
	start_bt -e 'tracepoint:syscalls:sys_enter_getppid /comm == "getppid_loop"/ { @calls = count(); } end { printf("end ran\n"); }'
	"$loop" 500 >/dev/null
	"$loop" 500 >/dev/null
	kill -TERM "$bg_pid"
	wait_bt
	[ "$status" -eq 0 ]
	grep -qx 'end ran' "$BATS_TEST_TMPDIR/out"
	n=$(sed -n 's/^@calls: //p' "$BATS_TEST_TMPDIR/out")
	[ -n "$n" ] && [ "$n" -ge 1000 ]
	assert_no_temp_files
}

@test "Ctrl-C: SIGINT to the whole process group, the same dump, status 0" {
	loop=$(getppid_loop)
	# its own process group, as a terminal's foreground job: bt-fmt and
	# the driver (become bt-load) both get the signal
	__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 setsid env --default-signal=INT "$BT" \
		-e 'tracepoint:syscalls:sys_enter_getppid /comm == "getppid_loop"/ { @calls = count(); } end { printf("end ran\n"); }' \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	bg_pid=$!
	for _ in $(seq 1 200); do
		grep -qs __BPFTRACE_NOTIFY "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err" && break
		sleep 0.05
	done
	"$loop" 1000 >/dev/null
	kill -INT -- "-$bg_pid"
	wait_bt
	cat "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err"
	[ "$status" -eq 0 ]
	grep -qx 'end ran' "$BATS_TEST_TMPDIR/out"
	n=$(sed -n 's/^@calls: //p' "$BATS_TEST_TMPDIR/out")
	[ -n "$n" ] && [ "$n" -ge 1000 ]
	assert_no_temp_files
}

@test "SIGUSR1 to the driver runs self:signal:SIGUSR1 probes, each time" {
	start_bt -e 'self:signal:SIGUSR1 { @n = count(); printf("usr1\n"); } end { printf("end ran\n"); }'
	kill -USR1 "$bg_pid"
	sleep 0.3
	kill -USR1 "$bg_pid"
	sleep 0.3
	kill -TERM "$bg_pid"
	wait_bt
	cat "$BATS_TEST_TMPDIR/out"
	[ "$status" -eq 0 ]
	[ "$(grep -cx usr1 "$BATS_TEST_TMPDIR/out")" -eq 2 ]
	grep -qx '@n: 2' "$BATS_TEST_TMPDIR/out"
	grep -qx 'end ran' "$BATS_TEST_TMPDIR/out"
	assert_no_temp_files
}

@test "SIGTERM with -f json: the dump is still valid JSON" {
	loop=$(getppid_loop)
	start_bt -f json -e 'tracepoint:syscalls:sys_enter_getppid /comm == "getppid_loop"/ { @calls[comm] = count(); }'
	"$loop" 100 >/dev/null
	kill -TERM "$bg_pid"
	wait_bt
	[ "$status" -eq 0 ]
	# keep the documents, drop the notification line
	grep -v __BPFTRACE_NOTIFY "$BATS_TEST_TMPDIR/out" >"$BATS_TEST_TMPDIR/json"
	n=$(jq -r 'select(.type == "map") | .data["@calls"].getppid_loop' "$BATS_TEST_TMPDIR/json")
	[ "$n" -ge 100 ]
}

@test "after SIGTERM, nothing of ours stays in the kernel" {
	start_bt -e 'tracepoint:syscalls:sys_enter_getppid { @ = count(); }'
	load_pid=$(find_load "$bg_pid")
	[ -n "$load_pid" ]
	bpf_ids "$load_pid" >"$BATS_TEST_TMPDIR/ids"
	cat "$BATS_TEST_TMPDIR/ids"
	grep -q '^prog ' "$BATS_TEST_TMPDIR/ids"
	kill -TERM "$bg_pid"
	wait_bt
	load_pid=
	sleep 0.5
	while read -r kind id; do
		! bpftool "$kind" show id "$id" >/dev/null 2>&1 || {
			echo "$kind $id is still loaded"
			return 1
		}
	done <"$BATS_TEST_TMPDIR/ids"
}

@test "a pipeline killed with SIGKILL leaves no program or link behind" {
	# its own session, so that the whole pipeline can be killed at once
	__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 setsid "$BT" \
		-e 'tracepoint:syscalls:sys_enter_getppid { @ = count(); } interval:ms:100 { @i = count(); }' \
		>"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	bg_pid=$!
	for _ in $(seq 1 200); do
		grep -qs __BPFTRACE_NOTIFY "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err" && break
		sleep 0.05
	done
	load_pid=$(find_load "$bg_pid")
	[ -n "$load_pid" ]
	bpf_ids "$load_pid" >"$BATS_TEST_TMPDIR/ids"
	cat "$BATS_TEST_TMPDIR/ids"
	[ "$(grep -c '^prog ' "$BATS_TEST_TMPDIR/ids")" -ge 2 ]
	kill -KILL -- "-$bg_pid"
	wait "$bg_pid" || true
	bg_pid=
	for _ in $(seq 1 50); do
		kill -0 "$load_pid" 2>/dev/null || break
		sleep 0.1
	done
	load_pid=
	sleep 0.5
	while read -r kind id; do
		! bpftool "$kind" show id "$id" >/dev/null 2>&1 || {
			echo "$kind $id is still loaded"
			return 1
		}
	done <"$BATS_TEST_TMPDIR/ids"
}
