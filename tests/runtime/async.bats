#!/usr/bin/env bats
# tests/runtime/async.bats - the asynchronous actions through the real
# pipeline (./bpftrace): cat, system, join, strftime, strerror and friends,
# the division-by-zero warning, cpid, `begin, end` and exit() when the ring
# buffer is full.

load driver_helpers

@test "cat prints a file the test wrote, formatted path" {
	f=$BATS_TEST_TMPDIR/cat-me
	printf 'line one\nline two\n' >"$f"
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e "begin { cat(\"%s/%s\", \"$BATS_TEST_TMPDIR\", \"cat-me\"); exit(); }"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'line one\nline two')" ]
}

@test "cat stops at max_cat_bytes" {
	f=$BATS_TEST_TMPDIR/cat-me
	printf '123456789\n' >"$f"
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e "config = { max_cat_bytes = 3 } begin { cat(\"$f\"); exit(); }"
	[ "$status" -eq 0 ]
	[ "$output" = "123" ]
}

@test "cat of a missing file is an error on stderr, the run goes on" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'begin { cat("/does/not/exist/file"); printf("after\n"); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "after" ]
	[[ "$stderr" == *"ERROR: failed to open file '/does/not/exist/file' (No such file or directory)"* ]]
}

@test "system needs --unsafe and then prints the command's output" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'begin { system("echo no"); exit(); }'
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"unsafe"* ]]
	run --separate-stderr timeout "$LIMIT" "$BT" -q --unsafe \
		-e 'begin { system("echo %d-%s-%x", 42, "str", 255); exit(); }'
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | head -1)" = "42-str-ff" ]
}

@test "join reads execve's argv, with the default and a given separator" {
	( while :; do /bin/true bt_join_a bt_join_b; sleep 0.05; done ) &
	bg_pid=$!
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e '
		t:syscalls:sys_enter_execve /str(args.filename) == "/bin/true"/ {
			join(args.argv); join(args.argv, ","); exit(); }'
	kill "$bg_pid"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '/bin/true bt_join_a bt_join_b\n/bin/true,bt_join_a,bt_join_b')" ]
}

@test "strftime: wall-clock date, %f microseconds, as a map key" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e '
		begin { printf("%s\n", strftime("%Y-%m-%d", nsecs));
			printf("%s\n", strftime("%s.%f|%l|%k", 1234567));
			@[strftime("%H", nsecs)] = 1; exit(); }'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(date +%Y-%m-%d)" ]
	[[ "${lines[1]}" =~ ^[0-9]+\.[0-9]{6}\|[0-9]{3}\|[0-9]{9}$ ]]
	[[ "${lines[2]}" =~ ^@\[[0-9]{2}\]:\ 1$ ]]
}

@test "strerror, signal_name and syscall_name" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e '
		begin { print(strerror(22)); print(strerror(-1)); print(strerror(4000));
			print(signal_name(2)); print(signal_name(0)); print(signal_name(1024));
			print(syscall_name(0)); print(syscall_name(59)); print(syscall_name(-1));
			exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' 'Invalid argument' 'Operation not permitted' \
		'Unknown error' Interrupt 'Unknown signal 0' N/A read execve \
		'Unknown syscall')" ]
}

@test "division by zero is 1, with upstream's located warning" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'begin { @z = 0; print((uint64)10 / (uint64)@z); exit(); }'
	[ "$status" -eq 0 ]
	[[ "$output" == 1* ]]
	[[ "$stderr" == *"stdin:1:"*"WARNING: Divide or modulo by 0 detected. This can lead to unexpected results. 1 is being used as the result."* ]]
}

@test "cpid is the pid of the -c command" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q -c 'sleep 0.2' \
		-e 'begin { printf("%d\n", cpid); }
		    t:syscalls:sys_enter_clock_nanosleep /pid == cpid/ { printf("slept\n"); exit(); }'
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^[1-9][0-9]*$ ]]
	[ "${lines[1]}" = "slept" ]
}

@test "begin, end: one probe run at both times" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'begin, end { printf("%s\n", probe); exit(); }'
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | grep -c .)" -eq 2 ]
}

@test "exit() works when the ring buffer is full" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'begin { for $i : 0..300000 { printf("%d\n", $i); } exit(3); }'
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"Lost "*" events"* ]]
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'i:ms:10 { for $i : 0..300000 { printf("%d\n", $i); } exit(4); }'
	[ "$status" -eq 4 ]
}
