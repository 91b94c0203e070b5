#!/usr/bin/env bats
# bt-load against the real kernel: hand-written BPF programs
# (tests/cli/data/load/*.bpf.c, built by clang in setup_file) wrapped in
# bundles, loaded, attached, triggered, stopped.  Needs root.

bats_require_minimum_version 1.5.0

setup_file() {
	export BTL="$BATS_TEST_DIRNAME/../../build/bin/bt-load"
	export DATA="$BATS_TEST_DIRNAME/../cli/data/load"
	export OUT="$BATS_FILE_TMPDIR/load"
	"$DATA/build.sh" "$OUT"
}

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

# wait (up to 10 s) until FILE has the `attached` event
wait_attached() {
	local i
	for i in $(seq 100); do
		grep -q '"e":"attached"' "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "bt-load never attached: $(cat "$1")" >&2
	return 1
}

# events of kind E in FILE, one JSON per line
events() {
	jq -c "select(.e == \"$2\")" "$1"
}

@test "begin and end run; the exit dump has every non-empty map" {
	run --separate-stderr "$BTL" --json "$OUT/begin_end.bundle"
	[ "$status" -eq 0 ]
	echo "$output" > "$BATS_TEST_TMPDIR/ev"
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/ev" | jq -r .bt)" = events ]
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/ev" | jq -r .file)" = begin_end.bt ]
	[ "$(jq -r .e "$BATS_TEST_TMPDIR/ev" | tr '\n' ' ')" = \
	  "null meta attached printf printf dump map map exit " ]
	[ "$(events "$BATS_TEST_TMPDIR/ev" attached)" = '{"e":"attached","n":2}' ]
	[ "$(events "$BATS_TEST_TMPDIR/ev" printf | head -1)" = '{"e":"printf","id":0,"args":[42,"world"]}' ]
	[ "$(events "$BATS_TEST_TMPDIR/ev" printf | tail -1)" = '{"e":"printf","id":1,"args":[]}' ]
	[ "$(events "$BATS_TEST_TMPDIR/ev" map | jq -c '[.id, .final, .entries]' | tr '\n' ' ')" = \
	  '[0,true,[[null,1]]] [1,true,[[[7,"x"],5]]] ' ]
	[ "$(events "$BATS_TEST_TMPDIR/ev" exit)" = '{"e":"exit","code":0}' ]
	# meta copies the maps without their ELF names
	[ "$(events "$BATS_TEST_TMPDIR/ev" meta | jq -c '[.maps[].name, .maps[0].elf, .probes]')" = \
	  '["@c","@m",null,["begin","end"]]' ]
}

@test "exit(3) in begin: nothing else attached, end runs, status 3" {
	run --separate-stderr "$BTL" --json "$OUT/begin_exit3.bundle"
	[ "$status" -eq 3 ]
	[[ "$output" == *'{"e":"printf","id":1,"args":[]}'* ]]
	[[ "$output" == *'{"e":"exit","code":3}' ]]
}

@test "a msgpack bundle runs like its JSON form" {
	"$DATA/json2msgpack" < "$OUT/begin_end.bundle" > "$BATS_TEST_TMPDIR/mp.bundle"
	first=$(head -c1 "$BATS_TEST_TMPDIR/mp.bundle" | od -An -tx1 | tr -d ' ')
	[ "$first" = df ]
	"$BTL" --json "$BATS_TEST_TMPDIR/mp.bundle" > "$BATS_TEST_TMPDIR/a"
	"$BTL" --json < "$OUT/begin_end.bundle" > "$BATS_TEST_TMPDIR/b"
	diff "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
}

@test "the default output is msgpack, -o writes a file" {
	"$BTL" -o "$BATS_TEST_TMPDIR/mp" "$OUT/begin_end.bundle"
	# a msgpack map (fixmap 0x8X or map16 0xde) comes first, not '{'
	first=$(head -c1 "$BATS_TEST_TMPDIR/mp" | od -An -tx1 | tr -d ' ')
	[[ "$first" == 8? || "$first" == de ]]
	grep -q events "$BATS_TEST_TMPDIR/mp"
}

@test "a tracepoint sees the process the test starts" {
	path=/tmp/btl-$$-$RANDOM
	"$BTL" --json "$OUT/tp_open_exit.bundle" > "$BATS_TEST_TMPDIR/ev" &
	pid=$!
	wait_attached "$BATS_TEST_TMPDIR/ev"
	cat "$path" 2>/dev/null || true
	status=0
	wait $pid || status=$?
	[ "$status" -eq 7 ]
	[ "$(events "$BATS_TEST_TMPDIR/ev" printf | head -1 | jq -c .args)" = "[\"cat\",\"$path\"]" ]
	# print(@opens) before the exit dump, then the dump
	[ "$(events "$BATS_TEST_TMPDIR/ev" map | head -1 | jq -c '[.id, .final, .entries]')" = '[0,false,[["cat",1]]]' ]
	len=${#path}
	# hist: bucket of len is 2 + floor(log2(len))
	b=2; v=$len; while [ $v -gt 1 ]; do v=$((v / 2)); b=$((b + 1)); done
	hist=$(events "$BATS_TEST_TMPDIR/ev" map | jq -c 'select(.final and .id == 1) | .entries[0][1]')
	[ "$(echo "$hist" | jq ".[$b]")" = 1 ]
	[ "$(echo "$hist" | jq 'add')" = 1 ]
	[ "$(events "$BATS_TEST_TMPDIR/ev" map | jq -c 'select(.final and .id == 2) | .entries')" = "[[null,$len]]" ]
	[ "$(events "$BATS_TEST_TMPDIR/ev" map | jq -c 'select(.final and .id == 3) | .entries')" = "[[null,[1,$len]]]" ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/ev")" = '{"e":"exit","code":7}' ]
}

@test "interval fires with its period; time and zero() records" {
	start=$(date +%s%N)
	run --separate-stderr "$BTL" --json "$OUT/interval.bundle"
	end=$(date +%s%N)
	[ "$status" -eq 5 ]
	echo "$output" > "$BATS_TEST_TMPDIR/ev"
	[ "$(events "$BATS_TEST_TMPDIR/ev" time | wc -l)" -eq 3 ]
	# three ticks 50 ms apart: at least 100 ms between the first and last
	t1=$(events "$BATS_TEST_TMPDIR/ev" time | head -1 | jq .ns)
	t3=$(events "$BATS_TEST_TMPDIR/ev" time | tail -1 | jq .ns)
	[ $((t3 - t1)) -ge 90000000 ]
	[ $((t1)) -ge $((start)) ] && [ $((t3)) -le $((end)) ]
	# zero(@ticks) kept the key with 0
	[ "$(events "$BATS_TEST_TMPDIR/ev" map | jq -c '[.id, .entries]' | tr '\n' ' ')" = '[0,[[null,0]]] [1,[[null,3]]] ' ]
}

stop_with() {
	"$BTL" --wait --json "$OUT/begin_end_noexit.bundle" > "$BATS_TEST_TMPDIR/ev" &
	pid=$!
	wait_attached "$BATS_TEST_TMPDIR/ev"
	sleep 0.2
	kill -"$1" $pid
	status=0
	wait $pid || status=$?
	[ "$status" -eq 0 ]
	[ "$(jq -r .e "$BATS_TEST_TMPDIR/ev" | tr '\n' ' ')" = \
	  "null meta attached printf printf dump map map exit " ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/ev")" = '{"e":"exit","code":0}' ]
}

@test "SIGINT: end probes run, maps are dumped, exit 0" {
	stop_with INT
}

@test "SIGTERM: end probes run, maps are dumped, exit 0" {
	stop_with TERM
}

@test "kill -9 leaves nothing attached" {
	"$BTL" --json "$OUT/tp_open.bundle" > "$BATS_TEST_TMPDIR/ev" &
	pid=$!
	wait_attached "$BATS_TEST_TMPDIR/ev"
	ids=$(bpftool -j prog show | jq -r '.[] | select(.name == "tp_openat") | .id')
	[ -n "$ids" ]
	bpftool -j link show | jq -e ".[] | select(.prog_id == $(echo $ids | cut -d' ' -f1))" > /dev/null
	kill -9 $pid
	wait $pid || true
	for i in $(seq 50); do
		left=$(bpftool -j prog show | jq -r '.[] | select(.name == "tp_openat") | .id')
		[ -z "$left" ] && break
		sleep 0.1
	done
	[ -z "$left" ]
	for id in $ids; do
		! bpftool -j link show | jq -e ".[] | select(.prog_id == $id)" > /dev/null
	done
}

@test "a closed stdout stops bt-load cleanly" {
	( "$BTL" --json "$OUT/tp_open.bundle"; echo $? > "$BATS_TEST_TMPDIR/rc" ) | head -n 3 > "$BATS_TEST_TMPDIR/ev" &
	wait_attached "$BATS_TEST_TMPDIR/ev"
	for i in $(seq 20); do
		cat /tmp/btl-epipe-$i 2>/dev/null || true
		[ -s "$BATS_TEST_TMPDIR/rc" ] && break
		sleep 0.1
	done
	wait
	[ "$(cat "$BATS_TEST_TMPDIR/rc")" = 0 ]
}

@test "--dry-run loads, attaches and detaches, runs nothing, lists the probes" {
	run --separate-stderr "$BTL" --json --dry-run "$OUT/tp_open.bundle"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"would attach tracepoint:syscalls:sys_enter_openat (program tp_openat)"* ]]
	[[ "$stderr" == *"would run end (program end)"* ]]
	# upstream's dry run: the probes are attached (and announced), then
	# the run ends with no begin/end run and no map dump
	[[ "$output" == *'"e":"attached"'* ]]
	[[ "$output" != *'"e":"map"'* ]]
	[[ "$output" == *'{"e":"exit","code":0}'* ]]
}

@test "--dry-run still reports a verifier rejection" {
	run --separate-stderr "$BTL" --json --dry-run "$OUT/bad.bundle"
	[ "$status" -eq 3 ]
}

@test "a verifier rejection points at the probe and shows the log's end" {
	run --separate-stderr "$BTL" "$OUT/bad.bundle"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"bad.bt:1:1-6: ERROR: the BPF verifier rejected probe 'begin': a map value is used without checking that the lookup found it"* ]]
	[[ "$stderr" == *"begin { @x = 1; }"*"~~~~~"* ]]
	[[ "$stderr" == *"invalid mem access"* ]]
	[[ "$stderr" == *"HINT: run bt-load with -v"* ]]
}

@test "-v shows libbpf's messages and the whole verifier log" {
	run --separate-stderr "$BTL" -v "$OUT/bad.bundle"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"libbpf:"* ]]
	[[ "$stderr" == *"BEGIN PROG LOAD LOG"* ]]
}

@test "a missing kernel feature (kprobes) is exit 3 naming it" {
	[ ! -e /sys/bus/event_source/devices/kprobe ] || skip "this kernel has kprobes"
	run --separate-stderr "$BTL" "$OUT/kprobe.bundle"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"kprobe.bt:1:1-20: ERROR: kprobes are not supported by this kernel (no /sys/bus/event_source/devices/kprobe)"* ]]
}

@test "records that do not fit in the ring buffer are reported as lost" {
	run --separate-stderr "$BTL" --json "$OUT/lost.bundle"
	[ "$status" -eq 0 ]
	echo "$output" > "$BATS_TEST_TMPDIR/ev"
	printed=$(events "$BATS_TEST_TMPDIR/ev" printf | wc -l)
	lost=$(events "$BATS_TEST_TMPDIR/ev" lost | jq -s 'map(.n) | add')
	[ "$lost" -gt 0 ]
	[ $((printed + lost)) -eq 3000 ]
	# what got through is in order and intact
	[ "$(events "$BATS_TEST_TMPDIR/ev" printf | head -1)" = '{"e":"printf","id":0,"args":[0,""]}' ]
}

@test "profile attaches on every online CPU at its frequency" {
	ncpu=$(getconf _NPROCESSORS_ONLN)
	"$BTL" --json "$OUT/profile.bundle" > "$BATS_TEST_TMPDIR/ev" &
	pid=$!
	wait_attached "$BATS_TEST_TMPDIR/ev"
	links=$(bpftool -j link show | jq '[.[] | select(.type == "perf_event")] | length')
	[ "$links" -ge "$ncpu" ]
	# keep the last CPU busy for 1 s: 99 Hz gives about 99 samples there
	last=$((ncpu - 1))
	timeout 1 taskset -c $last sh -c 'while :; do :; done' || true
	kill -INT $pid
	wait $pid
	n=$(events "$BATS_TEST_TMPDIR/ev" map | jq ".entries[] | select(.[0] == $last) | .[1]")
	[ "$n" -ge 50 ] && [ "$n" -le 150 ]
}

@test "a flood of events: memory stays flat, SIGINT still stops it" {
	"$BTL" "$OUT/flood.bundle" > "$BATS_TEST_TMPDIR/mp" &
	pid=$!
	for i in $(seq 100); do [ -s "$BATS_TEST_TMPDIR/mp" ] && break; sleep 0.1; done
	sleep 0.5
	rss1=$(awk '/VmRSS/ { print $2 }' /proc/$pid/status)
	for i in $(seq 30); do ls / > /dev/null; sleep 0.05; done
	rss2=$(awk '/VmRSS/ { print $2 }' /proc/$pid/status)
	kill -INT $pid
	wait $pid
	echo "rss $rss1 -> $rss2 kB, $(stat -c %s "$BATS_TEST_TMPDIR/mp") bytes" >&3
	[ "$rss2" -le $((rss1 + 1024)) ]
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/mp")" -gt 100000 ]
}

@test "-c CMD: started once attached, uprobes see only it, stop when it exits" {
	run --separate-stderr "$BTL" --json -c /bin/true "$OUT/uprobe.bundle" 3>&-
	[ "$status" -eq 0 ]
	echo "$output" > "$BATS_TEST_TMPDIR/ev"
	# exactly one exit() call: the command's, though every process runs it
	[ "$(events "$BATS_TEST_TMPDIR/ev" map | jq -c .entries)" = '[[null,1]]' ]
	[ "$(events "$BATS_TEST_TMPDIR/ev" printf | wc -l)" -eq 1 ]
	[ "$(tail -1 "$BATS_TEST_TMPDIR/ev")" = '{"e":"exit","code":0}' ]
}

@test "-c CMD writes to --cmd-stdout, never into the events stream" {
	printf '#!/bin/sh\necho child output\n' >"$BATS_TEST_TMPDIR/echo.sh"
	chmod +x "$BATS_TEST_TMPDIR/echo.sh"
	run --separate-stderr "$BTL" --json --cmd-stdout 4 \
		-c "$BATS_TEST_TMPDIR/echo.sh" "$OUT/begin_end_noexit.bundle" 4>"$BATS_TEST_TMPDIR/child"
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/child")" = "child output" ]
	[[ "$output" != *"child output"* ]]
	[[ "$output" == *'{"e":"exit","code":0}'* ]]
}

@test "-c with a command that does not exist is bad usage (2)" {
	run --separate-stderr "$BTL" --json -c /no/such/cmd "$OUT/begin_end_noexit.bundle"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"path '/no/such/cmd' does not exist or is not executable"* ]]
}

@test "-p PID: bt-load stops when the process exits" {
	sleep 1 &
	target=$!
	run --separate-stderr timeout 10 "$BTL" --json -p $target "$OUT/begin_end_noexit.bundle"
	[ "$status" -eq 0 ]
	[[ "$output" == *'{"e":"exit","code":0}'* ]]
	run "$BTL" -p 999999999 "$OUT/begin_end_noexit.bundle"
	[ "$status" -eq 2 ]
}

@test "kernel stacks are read from the stack map and symbolized" {
	"$BTL" --json "$OUT/kstack.bundle" > "$BATS_TEST_TMPDIR/ev" &
	pid=$!
	wait_attached "$BATS_TEST_TMPDIR/ev"
	cat /tmp/btl-kstack-$$ 2>/dev/null || true
	wait $pid
	# printf's kstack(perf, 3): three frames "ADDR sym+off"
	frames=$(events "$BATS_TEST_TMPDIR/ev" printf | jq -c '.args[0]')
	[ "$(echo "$frames" | jq length)" -eq 3 ]
	echo "$frames" | jq -e 'all(test("^[0-9a-f]+ [A-Za-z_][A-Za-z0-9_.]*\\+[0-9]+$"))'
	# the map key: bpftrace mode, the whole stack down to the syscall entry
	key=$(events "$BATS_TEST_TMPDIR/ev" map | jq -c '.entries[0][0]')
	echo "$key" | jq -e 'any(startswith("do_syscall_64+"))'
	echo "$key" | jq -e 'all(test("^[A-Za-z_][A-Za-z0-9_.]*\\+[0-9]+$"))'
}

# BUNDLE with its config replaced by JSON, as NAME.bundle in the test dir
with_config() {
	head -1 "$OUT/$1.bundle" > "$BATS_TEST_TMPDIR/$1.bundle"
	tail -1 "$OUT/$1.bundle" | jq -c ".config = $2" >> "$BATS_TEST_TMPDIR/$1.bundle"
}

@test "config missing_probes=warn: a probe the kernel lacks is skipped with a warning" {
	[ ! -e /sys/bus/event_source/devices/kprobe ] || skip "this kernel has kprobes"
	with_config kprobe '{"missing_probes": "warn"}'
	# the only probe skipped: nothing attached is upstream's error (D-09)
	run --separate-stderr timeout 20 "$BTL" --json "$BATS_TEST_TMPDIR/kprobe.bundle"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"WARNING: kprobes are not supported by this kernel"* ]]
	[[ "$stderr" == *"ERROR: Attachment failed for all probes."* ]]
	[[ "$output" != *'"e":"attached"'* ]]
	with_config kprobe '{"missing_probes": "ignore"}'
	run --separate-stderr timeout 20 "$BTL" --json "$BATS_TEST_TMPDIR/kprobe.bundle"
	[ "$status" -eq 1 ]
	[ "$stderr" = "ERROR: Attachment failed for all probes." ]
}

@test "config missing_probes=warn: the run goes on with the probes that attached" {
	[ ! -e /sys/bus/event_source/devices/kprobe ] || skip "this kernel has kprobes"
	run --separate-stderr timeout 20 "$BATS_TEST_DIRNAME/../../bpftrace" -e 'config = { missing_probes = "warn" } kprobe:do_nanosleep { } interval:ms:50 { printf("tick\n"); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "tick" ]
	[[ "$stderr" == *"WARNING: kprobes are not supported by this kernel"* ]]
	[[ "$stderr" == *"Attached 1 probe"* ]]
}

@test "config print_maps_on_exit=false: no exit dump" {
	with_config begin_end '{"print_maps_on_exit": false}'
	run --separate-stderr "$BTL" --json "$BATS_TEST_TMPDIR/begin_end.bundle"
	[ "$status" -eq 0 ]
	[[ "$output" != *'"e":"map"'* ]]
	[[ "$output" != *'"e":"dump"'* ]]
	[[ "$output" == *'{"e":"exit","code":0}'* ]]
}

@test "print() of values; begin runs in bt-load, named by --comm" {
	run --separate-stderr "$BTL" --json "$OUT/comm.bundle"
	[ "$status" -eq 0 ]
	[[ "$output" == *'{"e":"print","id":0,"v":"bt-load"}'* ]]
	run --separate-stderr "$BTL" --json --comm bpftrace "$OUT/comm.bundle"
	[ "$status" -eq 0 ]
	[[ "$output" == *'{"e":"print","id":0,"v":"bpftrace"}'* ]]
	# the tuple: the pid of bt-load itself (begin runs in its context)
	echo "$output" | jq -s -e 'map(select(.e == "print" and .id == 1)) | .[0] | (.v[0] > 0 and .v[1] == "x")'
}

@test "a probe attached to begin and end runs at both" {
	head -1 "$OUT/begin_end_noexit.bundle" > "$BATS_TEST_TMPDIR/both.bundle"
	tail -1 "$OUT/begin_end_noexit.bundle" |
		jq -c '.probes[1].attach = [{"provider": "begin", "name": "begin"}, {"provider": "end", "name": "end"}]' \
		>> "$BATS_TEST_TMPDIR/both.bundle"
	"$BTL" --wait --json "$BATS_TEST_TMPDIR/both.bundle" > "$BATS_TEST_TMPDIR/ev" &
	pid=$!
	wait_attached "$BATS_TEST_TMPDIR/ev"
	kill -INT $pid
	wait $pid
	[ "$(events "$BATS_TEST_TMPDIR/ev" printf | jq -c .id | tr '\n' ' ')" = "0 1 1 " ]
	[ "$(events "$BATS_TEST_TMPDIR/ev" attached)" = '{"e":"attached","n":3}' ]
}

@test "user symbols and stacks are resolved from the process's ELF files" {
	run --separate-stderr "$BTL" --json -c 'sleep 0.3' "$OUT/ustack.bundle" 3>&-
	[ "$status" -eq 0 ]
	echo "$output" > "$BATS_TEST_TMPDIR/ev"
	# usym(ip) at the probed function, and its first frame in perf mode
	[ "$(events "$BATS_TEST_TMPDIR/ev" printf | head -1 | jq -r '.args[0]')" = nanosleep ]
	events "$BATS_TEST_TMPDIR/ev" printf | head -1 |
		jq -e '.args[1][0] | test("^[0-9a-f]+ nanosleep\\+0 \\(/.*libc\\.so\\.6\\)$")'
	[ "$(events "$BATS_TEST_TMPDIR/ev" map | jq -c '.entries[0][0]')" = '["nanosleep+0"]' ]
}

@test "self:signal:SIGUSR1 runs its probe when bt-load gets the signal" {
	head -1 "$OUT/comm.bundle" > "$BATS_TEST_TMPDIR/self.bundle"
	tail -1 "$OUT/comm.bundle" |
		jq -c '.probes[0].attach = [{"provider": "self", "name": "self:signal:SIGUSR1", "target": "signal", "func": "SIGUSR1"}]' \
		>> "$BATS_TEST_TMPDIR/self.bundle"
	"$BTL" --json "$BATS_TEST_TMPDIR/self.bundle" > "$BATS_TEST_TMPDIR/ev" &
	pid=$!
	wait_attached "$BATS_TEST_TMPDIR/ev"
	# nothing ran yet
	[ -z "$(events "$BATS_TEST_TMPDIR/ev" print)" ]
	kill -USR1 $pid
	status=0
	wait $pid || status=$?
	[ "$status" -eq 0 ]
	[ "$(events "$BATS_TEST_TMPDIR/ev" print | head -1)" = '{"e":"print","id":0,"v":"bt-load"}' ]
	[ "$(events "$BATS_TEST_TMPDIR/ev" attached)" = '{"e":"attached","n":1}' ]
}

@test "uprobe offsets are checked against the function's size" {
	head -1 "$OUT/uprobe.bundle" > "$BATS_TEST_TMPDIR/off.bundle"
	tail -1 "$OUT/uprobe.bundle" | jq -c '.probes[0].attach[0].offset = 1000000' >> "$BATS_TEST_TMPDIR/off.bundle"
	run --separate-stderr "$BTL" --json "$BATS_TEST_TMPDIR/off.bundle"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"ERROR: Offset outside the function bounds ('exit' size is "* ]]
}

@test "a uprobe at a bare address attaches at that function" {
	libc=$(tail -1 "$OUT/uprobe.bundle" | jq -r '.probes[0].attach[0].target')
	addr=$(nm -D --defined-only "$libc" | awk '$3 ~ /^exit(@|$)/ { print $1; exit }')
	[ -n "$addr" ]
	head -1 "$OUT/uprobe.bundle" > "$BATS_TEST_TMPDIR/addr.bundle"
	tail -1 "$OUT/uprobe.bundle" |
		jq -c ".probes[0].attach[0] |= (del(.func) | .address = $((16#$addr)))" >> "$BATS_TEST_TMPDIR/addr.bundle"
	run --separate-stderr "$BTL" --json -c /bin/true "$BATS_TEST_TMPDIR/addr.bundle" 3>&-
	[ "$status" -eq 0 ]
	[[ "$output" == *'"entries":[[null,1]]'* ]]
	# an address in no function is refused the way bpftrace does
	head -1 "$OUT/uprobe.bundle" > "$BATS_TEST_TMPDIR/bad.bundle"
	tail -1 "$OUT/uprobe.bundle" |
		jq -c '.probes[0].attach[0] |= (del(.func) | .address = 10)' >> "$BATS_TEST_TMPDIR/bad.bundle"
	run --separate-stderr "$BTL" --json "$BATS_TEST_TMPDIR/bad.bundle"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"ERROR: Could not resolve address: $libc:0xa"* ]]
}

@test "a failed helper call (HELPER_ERROR) is a warn event in upstream's words" {
	run --separate-stderr "$BTL" --json "$OUT/helper_err.bundle"
	[ "$status" -eq 0 ]
	w=$(echo "$output" | jq -c 'select(.e == "warn")')
	[ "$(echo "$w" | jq -c '[.helper, .retcode, .loc]')" = '["map_update_elem",-7,[37,46]]' ]
	[ "$(echo "$w" | jq -r .msg)" = "Map full; can't update element. Try increasing max_map_keys config or manually setting the max entries in a map declaration e.g. \`let @a = hash(5000)\`
Additional Info - helper: map_update_elem, retcode: -7" ]
	[[ "$output" == *'"entries":[[1,1]]'* ]]
}
