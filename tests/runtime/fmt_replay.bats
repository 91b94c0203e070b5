#!/usr/bin/env bats
# tests/runtime/fmt_replay.bats - a real run's events, recorded with the
# stages by hand (bt-load > run.events), rendered later by bt-fmt in every
# format; and ./bpftrace -f csv|folded|svg end to end.  Needs root and
# the real kernel; the flame graph checks need chromium and npm
# (fmt_helpers.bash).

load driver_helpers
load fmt_helpers

MAPS='begin { @c["a", 1] = count(); @c["b", 2] = count(); @c["b", 2] = count(); @s = sum(-5); @h = hist(3); @h = hist(100); @l = lhist(7, 0, 10, 2); @st = stats(4); @st = stats(8); printf("x, \"y\" %d\n", 42); exit(); }'
PROFILE='profile:hz:99 { @[kstack] = count(); @by[comm, kstack] = count(); } interval:ms:1500 { exit(); }'

# record PROG FILE: the stages by hand, the events saved
record() {
	timeout "$LIMIT" bash -c 'set -o pipefail; "$1/bt-parse" -e "$2" | "$1/bt-check" | "$1/bt-gen" | "$1/bt-load" >"$3"' \
		_ "$BIN" "$1" "$2"
}

# keep the CPU busy in the kernel so that the profile has stacks
busy() {
	(timeout 3 sh -c 'while :; do cat /proc/self/stat >/dev/null; done' &)
}

@test "a saved run replays in text and json as the live run printed it" {
	record "$MAPS" "$BATS_TEST_TMPDIR/maps.events"
	run --separate-stderr "$BIN/bt-fmt" "$BATS_TEST_TMPDIR/maps.events"
	[ "$status" -eq 0 ]
	replay=$output
	run --separate-stderr timeout "$LIMIT" "$BT" -e "$MAPS"
	[ "$status" -eq 0 ]
	[ "$output" = "$replay" ]
	run --separate-stderr "$BIN/bt-fmt" -f json "$BATS_TEST_TMPDIR/maps.events"
	[ "$status" -eq 0 ]
	replay=$output
	run --separate-stderr timeout "$LIMIT" "$BT" -f json -e "$MAPS"
	[ "$output" = "$replay" ]
}

@test "a saved run replays as CSV that the csv module reads, one row per key and bucket" {
	record "$MAPS" "$BATS_TEST_TMPDIR/maps.events"
	run --separate-stderr "$BIN/bt-fmt" -f csv "$BATS_TEST_TMPDIR/maps.events"
	[ "$status" -eq 0 ]
	echo "$output" >"$BATS_TEST_TMPDIR/maps.csv"
	$CHECK csv "$BATS_TEST_TMPDIR/maps.csv"
	[ "${lines[0]}" = "type,map,key1,key2,bucket_min,bucket_max,value" ]
	[[ $output == *'printf,,,,,,"x, ""y"" 42"'* ]]
	[[ $output == *$'\nmap,@c,a,1,,,1\n'* ]]
	[[ $output == *$'\nmap,@c,b,2,,,2\n'* ]]
	[[ $output == *$'\nmap,@s,,,,,-5\n'* ]]
	[[ $output == *$'\nhist,@h,,,2,3,1\n'* ]]
	[[ $output == *$'\nhist,@h,,,64,127,1\n'* ]]
	[[ $output == *$'\nhist,@l,,,6,7,1\n'* ]]
	[[ $output == *$'\nstats.average,@st,,,,,6\n'* ]]
}

@test "./bpftrace -f csv runs end to end" {
	run --separate-stderr timeout "$LIMIT" "$BT" -f csv -e "$MAPS"
	[ "$status" -eq 0 ]
	echo "$output" >"$BATS_TEST_TMPDIR/live.csv"
	$CHECK csv "$BATS_TEST_TMPDIR/live.csv"
	[[ $output == *$'\nmap,@c,b,2,,,2\n'* ]]
}

@test "a profile run replays as folded stacks, SVG, CSV, text and JSON" {
	busy
	record "$PROFILE" "$BATS_TEST_TMPDIR/prof.events"
	W=$BATS_TEST_TMPDIR
	"$BIN/bt-fmt" -f folded "$W/prof.events" >"$W/prof.folded" 2>/dev/null
	$CHECK folded "$W/prof.folded"
	# two stack-keyed maps: each line starts with its map's name
	grep -q '^@;' "$W/prof.folded"
	grep -q '^@by;' "$W/prof.folded"
	# kernel stacks root first: the line's second frame is an entry point
	run grep -c '^@;\(entry_SYSCALL\|common_startup\|ret_from_fork\|asm_\|secondary_startup\)' "$W/prof.folded"
	[ "$output" -gt 0 ]
	"$BIN/bt-fmt" -f svg "$W/prof.events" >"$W/prof.svg" 2>/dev/null
	$CHECK svg "$W/prof.svg"
	"$BIN/bt-fmt" -f csv "$W/prof.events" >"$W/prof.csv" 2>/dev/null
	$CHECK csv "$W/prof.csv"
	"$BIN/bt-fmt" "$W/prof.events" >"$W/prof.txt" 2>/dev/null
	grep -q '^@\[' "$W/prof.txt"
	"$BIN/bt-fmt" -f json "$W/prof.events" >"$W/prof.json" 2>/dev/null
	jq -e . "$W/prof.json" >/dev/null
}

@test "a recorded profile loads into speedscope and draws in Chromium" {
	busy
	record "$PROFILE" "$BATS_TEST_TMPDIR/prof.events"
	W=$BATS_TEST_TMPDIR
	"$BIN/bt-fmt" -f folded "$W/prof.events" >"$W/prof.folded" 2>/dev/null
	run speedscope_loads "$W/prof.folded"
	echo "$output"
	[ "$status" -eq 0 ]
	"$BIN/bt-fmt" -f svg "$W/prof.events" >"$W/prof.svg" 2>/dev/null
	run svg_looks_drawn "$W/prof.svg" "$W/prof.png"
	echo "$output"
	[ "$status" -eq 0 ]
	run svg_zooms "$W/prof.svg"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "./bpftrace -f folded and -f svg run end to end" {
	busy
	run --separate-stderr timeout "$LIMIT" "$BT" -f folded -e "$PROFILE"
	[ "$status" -eq 0 ]
	echo "$output" >"$BATS_TEST_TMPDIR/live.folded"
	[ -s "$BATS_TEST_TMPDIR/live.folded" ]
	$CHECK folded "$BATS_TEST_TMPDIR/live.folded"
	[[ $stderr == *"Attached 2 probes"* ]]
	busy
	run --separate-stderr timeout "$LIMIT" "$BT" -f svg -e "$PROFILE"
	[ "$status" -eq 0 ]
	echo "$output" >"$BATS_TEST_TMPDIR/live.svg"
	$CHECK svg "$BATS_TEST_TMPDIR/live.svg"
}

@test "./bpftrace -f folded: printf goes to stderr, stdout stays folded" {
	run --separate-stderr timeout "$LIMIT" "$BT" -f folded -e 'profile:hz:99 { @[kstack] = count(); } interval:ms:300 { printf("tick\n"); exit(); }'
	[ "$status" -eq 0 ]
	[[ $stderr == *tick* ]]
	[[ $output != *tick* ]]
}
