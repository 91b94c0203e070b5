#!/usr/bin/env bats
# tests/runtime/multi.bats - multi-attach links against the real kernel: a
# wildcard's uprobes, uretprobes and usdt probes go through one
# uprobe_multi link per binary (6.6+), each attach point with its own BPF
# cookie; --no-feature uprobe_multi puts them back on one perf link each.
# The links are read from bt-load's /proc/PID/fdinfo (link_type), the
# cookies from `probe`: build/testprogs/multi_loop N calls multiFunctionA
# N times and multiFunctionB 2N times, so under -c the counts are exact
# and a cookie mix-up shows.
# kprobe_multi cannot run here without kprobes (unit tests: test_load.c).

load driver_helpers

TP=$ROOT/build/testprogs
T=$TP/multi_loop

multi_setup() {
	[ -x "$T" ] || skip "build/testprogs/multi_loop is not built (make testprogs)"
	"$BIN/bt-probes" --features | grep -q 'uprobe_multi: yes' ||
		skip "this kernel has no uprobe_multi links"
	tp_pids=()
}

teardown() {
	local p
	for p in "${tp_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	if [ -n "${bg_pid:-}" ] && kill -0 "$bg_pid" 2>/dev/null; then
		kill -KILL "$bg_pid" 2>/dev/null
	fi
	true
}

# start_tp: one multi_loop in the background, its pid in $tp
start_tp() {
	"$T" >/dev/null 2>&1 &
	tp=$!
	tp_pids+=("$tp")
	sleep 0.1
}

# read_u16 PID ADDR: the u16 at ADDR in process PID
read_u16() {
	dd if=/proc/"$1"/mem bs=2 count=1 iflag=skip_bytes skip=$(($2)) \
		2>/dev/null | od -An -tu2 | tr -d ' '
}

# links: "TYPE COUNT" per link type the running bt-load holds, sorted
links() {
	local load f
	load=$(find_load "$bg_pid") || return 1
	for f in /proc/"$load"/fdinfo/*; do
		sed -n 's/^link_type:[[:space:]]*//p' "$f" 2>/dev/null
	done | sort | uniq -c | awk '{ print $2, $1 }'
}

# stop: SIGINT to the background driver after 0.4 s of tracing, wait
stop() {
	sleep 0.4
	kill -INT "$bg_pid"
	wait_bt
	output=$(cat "$BATS_TEST_TMPDIR/out")
	stderr=$(cat "$BATS_TEST_TMPDIR/err")
}

# count KEY: the value of map line `@[KEY]: N` in $output
count() {
	local line
	line=$(grep -F "@[$1]: " <<<"$output") || { echo 0; return; }
	echo "${line##*: }"
}

# traced SCRIPT [OPTIONS]: the driver with -c 'multi_loop 50' (attached
# before it starts, it sees every call); $output, $stderr, $status
traced() {
	local script=$1
	shift
	run --separate-stderr timeout "$LIMIT" "$BT" "$@" -c "$T 50" -e "$script"
}

@test "a uprobe wildcard is one uprobe_multi link; probe names follow the cookies" {
	multi_setup
	start_tp
	start_bt -e "uprobe:$T:multiFunction* { @[probe] = count(); }"
	run links
	[ "$output" = "uprobe_multi 1" ]
	stop
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Attached 2 probes"* ]]
	[ "$(count "uprobe:$T:multiFunctionA")" -gt 0 ]
	[ "$(count "uprobe:$T:multiFunctionB")" -gt 0 ]
	traced "uprobe:$T:multiFunction* { @[probe] = count(); }"
	[ "$status" -eq 0 ]
	[ "$(count "uprobe:$T:multiFunctionA")" = 50 ]
	[ "$(count "uprobe:$T:multiFunctionB")" = 100 ]
}

@test "--no-feature uprobe_multi: the same wildcard is one perf link each" {
	multi_setup
	start_tp
	start_bt --no-feature uprobe_multi -e "uprobe:$T:multiFunction* { @[probe] = count(); }"
	run links
	[ "$output" = "perf 2" ]
	stop
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Attached 2 probes"* ]]
	traced "uprobe:$T:multiFunction* { @[probe] = count(); }" --no-feature kprobe_multi,uprobe_multi
	[ "$status" -eq 0 ]
	[ "$(count "uprobe:$T:multiFunctionA")" = 50 ]
	[ "$(count "uprobe:$T:multiFunctionB")" = 100 ]
}

@test "uretprobe wildcard: a uprobe_multi return link; func and probe per function" {
	multi_setup
	start_tp
	start_bt -e "uretprobe:$T:multiFunction* { @[func, probe] = count(); }"
	run links
	# the kernel names a return link so
	[ "$output" = "uretprobe_multi 1" ]
	stop
	[ "$status" -eq 0 ]
	traced "uretprobe:$T:multiFunction* { @[func, probe] = count(); }"
	[ "$status" -eq 0 ]
	[ "$(count "multiFunctionA, uretprobe:$T:multiFunctionA")" = 50 ]
	[ "$(count "multiFunctionB, uretprobe:$T:multiFunctionB")" = 100 ]
}

@test "a uprobe and a uretprobe wildcard: a link each" {
	multi_setup
	prog="uprobe:$T:multiFunction* { @[probe] = count(); }
	      uretprobe:$T:multiFunction* { @[probe] = count(); }"
	start_tp
	start_bt -e "$prog"
	run links
	[ "$output" = "uprobe_multi 1
uretprobe_multi 1" ]
	stop
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Attached 4 probes"* ]]
	traced "$prog"
	[ "$status" -eq 0 ]
	[ "$(count "uprobe:$T:multiFunctionA")" = 50 ]
	[ "$(count "uretprobe:$T:multiFunctionA")" = 50 ]
	[ "$(count "uprobe:$T:multiFunctionB")" = 100 ]
	[ "$(count "uretprobe:$T:multiFunctionB")" = 100 ]
}

@test "-p with a uprobe_multi link: only that process is traced" {
	multi_setup
	start_tp
	a=$tp
	start_tp
	b=$tp
	start_bt -p "$a" -e "uprobe:$T:multiFunction* { @[pid, probe] = count(); }"
	run links
	[ "$output" = "uprobe_multi 1" ]
	stop
	[ "$status" -eq 0 ]
	[[ "$output" == *"@[$a, uprobe:$T:multiFunctionA]: "* ]]
	[[ "$output" == *"@[$a, uprobe:$T:multiFunctionB]: "* ]]
	[[ "$output" != *"@[$b, "* ]]
}

@test "usdt wildcard: one uprobe_multi link raises every semaphore" {
	multi_setup
	start_tp
	sems=$(readelf -n "$T" | sed -n 's/.*Semaphore: \(0x[0-9a-f]*\).*/\1/p')
	[ "$(wc -l <<<"$sems")" = 2 ]
	start_bt -e "usdt:$T:multi:* { @[\"usdt\"] = count(); }"
	run links
	[ "$output" = "uprobe_multi 1" ]
	# non-PIE: the note's address is where the semaphore is
	for s in $sems; do
		[ "$(read_u16 "$tp" "$s")" = 1 ]
	done
	stop
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Attached 2 probes"* ]]
	[ "$(count usdt)" -gt 0 ]
	sleep 0.3   # the links go when bt-load's descriptors close
	for s in $sems; do
		[ "$(read_u16 "$tp" "$s")" = 0 ]
	done
	# probeA and probeB fire once each per loop
	traced "usdt:$T:multi:* { @[\"usdt\"] = count(); }"
	[ "$status" -eq 0 ]
	[ "$(count usdt)" = 100 ]
}

@test "--dry-run names the link a probe would take; -d libbpf shows it made" {
	multi_setup
	run --separate-stderr timeout "$LIMIT" "$BT" --dry-run -e "uprobe:$T:multiFunction* { }"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"would attach uprobe:$T:multiFunctionA (program "*", uprobe_multi link)"* ]]
	run --separate-stderr timeout "$LIMIT" "$BT" --dry-run --no-feature uprobe_multi -e "uprobe:$T:multiFunction* { }"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"would attach uprobe:$T:multiFunctionB (program "* ]]
	[[ "$stderr" != *"uprobe_multi"* ]]
	# one attach point: no wildcard, a plain link
	run --separate-stderr timeout "$LIMIT" "$BT" --dry-run -e "uprobe:$T:multiFunctionA { }"
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"uprobe_multi"* ]]
	run --separate-stderr timeout "$LIMIT" "$BT" -d libbpf -e "uprobe:$T:multiFunction* { } interval:ms:1 { exit(); }"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"bt-load: uprobe_multi link: 2 attach points of '"*"' in $T"* ]]
}

# the bundle of SCRIPT with its usdt probe's second attach point moved onto
# the first one's address: the kernel refuses one uprobe with two
# semaphores, so the link of both fails and each is tried alone
conflicting_bundle() {
	"$BIN/bt-parse" -e "$1" | "$BIN/bt-check" | "$BIN/bt-gen" --json >"$BATS_TEST_TMPDIR/b"
	head -1 "$BATS_TEST_TMPDIR/b" >"$BATS_TEST_TMPDIR/bundle"
	tail -1 "$BATS_TEST_TMPDIR/b" |
		jq -c '.probes[0].attach[1].address = .probes[0].attach[0].address' \
			>>"$BATS_TEST_TMPDIR/bundle"
}

@test "a link the kernel refuses: the failing attach point is named" {
	multi_setup
	conflicting_bundle "usdt:$T:multi:* { @ = count(); } interval:ms:100 { exit(); }"
	run --separate-stderr timeout "$LIMIT" "$BIN/bt-load" --json "$BATS_TEST_TMPDIR/bundle"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"ERROR: cannot attach probe 'usdt:$T:multi:probeB': Invalid argument"* ]]
	[[ "$stderr" != *"probeA'"* ]]
	# missing_probes=warn: probeA stays attached and fires
	start_tp
	conflicting_bundle "config = { missing_probes = \"warn\" } usdt:$T:multi:* { @ = count(); } interval:ms:300 { exit(); }"
	run --separate-stderr timeout "$LIMIT" sh -c "'$BIN/bt-load' '$BATS_TEST_TMPDIR/bundle' | '$BIN/bt-fmt'"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"WARNING: cannot attach probe 'usdt:$T:multi:probeB': Invalid argument"* ]]
	[[ "$stderr" == *"Attached 2 probes"* ]]
	n=$(sed -n 's/^@: //p' <<<"$output")
	[ "${n:-0}" -gt 20 ]
}

@test "a usdt probe with several sites is one probe in the attach count, as with single links" {
	multi_setup
	u=$TP/usdt_multiple_locations
	[ -x "$u" ] || skip "build/testprogs/usdt_multiple_locations is not built"
	sites=$(readelf -n "$u" | grep -c 'Name: ')
	names=$(readelf -n "$u" | grep 'Name: ' | sort -u | wc -l)
	[ "$sites" -gt "$names" ]
	# one link for every site; the interval and each probe name counted once
	run --separate-stderr timeout "$LIMIT" "$BT" -d libbpf -e "usdt:$u:* { @ = count(); } interval:ms:1 { exit(); }"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"bt-load: uprobe_multi link: $sites attach points of"* ]]
	[[ "$stderr" == *"Attached $((names + 1)) probes"* ]]
	run --separate-stderr timeout "$LIMIT" "$BT" --no-feature uprobe_multi -e "usdt:$u:* { @ = count(); } interval:ms:1 { exit(); }"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Attached $((names + 1)) probes"* ]]
}
