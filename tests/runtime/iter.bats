#!/usr/bin/env bats
# iter:NAME probes on the real kernel: BPF iterators run once after
# attaching; the run ends after them when nothing else is attached.

load driver_helpers

@test "iter:task visits every task, exit() ends the run after the iteration" {
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'iter:task { printf("comm: %s %d\n", ctx.task.comm, ctx.task.pid); exit(); }'
	[ "$status" -eq 0 ]
	# the driver itself is one of the tasks; the iterator's last call
	# (no task) is not the script's
	grep -qx "comm: bpftrace [0-9]*" <<<"$output"
	[[ "$output" != *"comm:  0"* ]]
	[ "$(grep -c '^comm: ' <<<"$output")" -gt 10 ]
}

@test "iter:task_file and maps: counted per task, printed at exit" {
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'iter:task_file { @files[ctx.task.comm] = count(); }'
	[ "$status" -eq 0 ]
	grep -Eq '^@files\[bpftrace\]: [0-9]+$' <<<"$output"
}

@test "iter with another probe: the iterator runs once, the run goes on" {
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'iter:task /ctx.task.pid == pid/ { printf("self seen\n"); } interval:ms:300 { printf("tick\n"); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'self seen\ntick')" ]
}
