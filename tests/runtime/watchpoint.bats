#!/usr/bin/env bats
# watchpoint:ADDR:LEN:MODE on the real kernel (breakpoint perf events):
# build/testprogs/watchpoint_threaded maps 0x10000000 in a thread it
# creates after an optional delay and writes there every 250 ms.

load driver_helpers

WP=$ROOT/build/testprogs/watchpoint_threaded

@test "watchpoint with -c: a thread the command creates later hits it" {
	[ -x "$WP" ] || skip "build/testprogs is not built (make testprogs)"
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'watchpoint:0x10000000:1:w { printf("hit %s\n", probe); exit(); }' \
		-c "$WP 1"
	[ "$status" -eq 0 ]
	# the command's own stdout reaches the driver's stdout intact
	grep -qx 'Working...' <<<"$output"
	grep -qx 'hit watchpoint:0x10000000:1:w' <<<"$output"
}

@test "watchpoint with -p: every thread, and threads created after attaching" {
	[ -x "$WP" ] || skip "build/testprogs is not built (make testprogs)"
	"$WP" 1 >/dev/null &
	wp=$!
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'watchpoint:0x10000000:1:w { printf("hit %d\n", pid); exit(); }' -p "$wp"
	kill "$wp" 2>/dev/null || true
	[ "$status" -eq 0 ]
	grep -qx "hit $wp" <<<"$output"
}

@test "a read watchpoint is refused on x86_64 with the modes it can do" {
	run --separate-stderr "$BT" -e 'watchpoint:0x10000000:1:r { }' -c true
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"ERROR: watchpoint mode 'r' is not supported on x86_64"* ]]
	[[ "$stderr" == *"HINT: the debug registers watch w, rw or x"* ]]
}

@test "unwatch(addr) removes the watchpoint: it fires once, not every 250 ms" {
	[ -x "$WP" ] || skip "build/testprogs is not built (make testprogs)"
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'watchpoint:0x10000000:1:w { @hits++; unwatch(0x10000000); } interval:s:2 { exit(); }' \
		-c "$WP"
	[ "$status" -eq 0 ]
	grep -qx '@hits: 1' <<<"$output"
}

@test "unwatch of an address without a watchpoint changes nothing" {
	[ -x "$WP" ] || skip "build/testprogs is not built (make testprogs)"
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'watchpoint:0x10000000:1:w { @hits++; unwatch(0x20000000); } interval:s:2 { exit(); }' \
		-c "$WP"
	[ "$status" -eq 0 ]
	n=$(sed -n 's/^@hits: //p' <<<"$output")
	[ "$n" -ge 4 ]
}

@test "an execute watchpoint (mode x) takes the kernel's long length and fires" {
	[ -x "$ROOT/build/testprogs/watchpoint_exec" ] || skip "build/testprogs is not built"
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'watchpoint:0x10000000:1:x { printf("hit!\n"); exit() }' -c "$ROOT/build/testprogs/watchpoint_exec"
	[ "$status" -eq 0 ]
	[ "$output" = "hit!" ]
}
