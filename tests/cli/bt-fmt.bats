#!/usr/bin/env bats
# bt-fmt's command line, its output options and its handling of broken
# input streams.  The rendering itself is checked byte for byte by the
# golden cases in tests/golden/bt-fmt/.

bats_require_minimum_version 1.5.0

setup_file() {
	export BTF="$BATS_TEST_DIRNAME/../../build/bin/bt-fmt"
	export G="$BATS_TEST_DIRNAME/../golden/bt-fmt"
}

@test "bt-fmt --help prints usage and exits 0" {
	run "$BTF" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: bt-fmt"* ]]
	[[ "$output" == *"--format"* ]]
}

@test "bt-fmt -h is --help" {
	run "$BTF" -h
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: bt-fmt"* ]]
}

@test "bt-fmt --version" {
	run "$BTF" --version
	[ "$status" -eq 0 ]
	[[ "$output" == "bt-fmt "*"0."* ]]
}

@test "an unknown option is bad usage (2)" {
	run "$BTF" --no-such-option
	[ "$status" -eq 2 ]
}

@test "an unknown format is bad usage (2)" {
	run "$BTF" -f xml "$G/json_map.events"
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown output format 'xml'"* ]]
}

@test "reads the stream from stdin and from -" {
	run sh -c "'$BTF' < '$G/json_scalar.events'"
	[ "$status" -eq 0 ]
	[[ "$output" == *"@scalar: 5"* ]]
	run sh -c "'$BTF' - < '$G/json_scalar.events'"
	[ "$status" -eq 0 ]
	[[ "$output" == *"@scalar: 5"* ]]
}

@test "-f json prints one object per line" {
	run "$BTF" -f json "$G/json_map.events"
	[ "$status" -eq 0 ]
	[ "$output" = '{"type": "map", "data": {"@map": {"key1": 2, "key2": 3}}}' ]
	run "$BTF" --json "$G/json_map.events"
	[ "$output" = '{"type": "map", "data": {"@map": {"key1": 2, "key2": 3}}}' ]
}

@test "-o FILE writes the output there and nothing to stdout" {
	out="$BATS_TEST_TMPDIR/out.txt"
	run "$BTF" -o "$out" "$G/json_map.events"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(cat "$out")" = "$(printf '\n\n@map[key1]: 2\n@map[key2]: 3')" ]
}

@test "-o to an unwritable place fails" {
	run "$BTF" -o /nonexistent/dir/out "$G/json_map.events"
	[ "$status" -eq 2 ]
	[[ "$output" == *"cannot open"* ]]
}

@test "-q drops the attach line, text and json" {
	run "$BTF" "$G/stderr_events.events"
	[[ "$output" == *"Attached 2 probes"* ]]
	run "$BTF" -q "$G/stderr_events.events"
	[ "$status" -eq 0 ]
	[[ "$output" != *"Attached"* ]]
	run "$BTF" -q -f json "$G/stderr_events.events"
	[[ "$output" != *"attached_probes"* ]]
}

@test "the attach notification for the test runner comes after the output before it" {
	run sh -c "__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 '$BTF' -q '$G/stderr_events.events' 2>&1"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "__BPFTRACE_NOTIFY_PROBES_ATTACHED" ]
	[ "${lines[1]}" = "first" ]
	run sh -c "'$BTF' -q '$G/stderr_events.events' 2>&1"
	[[ "$output" != *"__BPFTRACE_NOTIFY"* ]]
}

@test "a truncated JSON stream prints what came before, then the offset (2)" {
	f="$BATS_TEST_TMPDIR/trunc.events"
	head -4 "$G/printf_ints.events" > "$f"
	sed -n 5p "$G/printf_ints.events" | head -c 30 >> "$f"
	run "$BTF" "$f"
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "42|   -7|7    |000-5|+3|-3|ffffffff|ffffffffffffffff|BEEF|0xff|010|0|4294967295|18446744073709551615|-1|-1|A|0xffff8881|0|%|str" ]
	[ "${lines[1]}" = "   ba 0002" ]
	[[ "${lines[2]}" == "bt-fmt: malformed input stream at byte 1773: "* ]]
	[ "${#lines[@]}" -eq 3 ]
}

@test "a truncated msgpack stream prints what came before, then the offset (2)" {
	f="$BATS_TEST_TMPDIR/trunc.mp"
	size=$(stat -c %s "$G/msgpack_input.events")
	head -c $((size - 20)) "$G/msgpack_input.events" > "$f"
	run "$BTF" "$f"
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "abcd~~ -410065408 \\x01\\xab" ]
	[[ "$output" == *"malformed input stream at byte 332"* ]]
}

@test "a map sent in batches is cut off: an error with the offset (2)" {
	f="$BATS_TEST_TMPDIR/cut.events"
	head -4 "$G/map_batches.events" > "$f"
	run "$BTF" "$f"
	[ "$status" -eq 2 ]
	[[ "$output" == *"bt-fmt: the stream ends inside a map sent in batches, at byte "* ]]
	[[ "$output" != *"@n["* ]]
	# another event between a map's batches is malformed too
	head -4 "$G/map_batches.events" > "$f"
	echo '{"e":"exit","code":0}' >> "$f"
	run "$BTF" "$f"
	[ "$status" -eq 2 ]
	[[ "$output" == *"bad 'exit' event: a map's batches were cut off"* ]]
}

@test "a stream of the wrong kind is refused (2)" {
	run sh -c "echo '{\"bt\":\"ast\",\"v\":1}' | '$BTF'"
	[ "$status" -eq 2 ]
	[[ "$output" == *"expected events, got ast"* ]]
}

@test "an empty stream and garbage are bad input (2)" {
	run sh -c "'$BTF' < /dev/null"
	[ "$status" -eq 2 ]
	run sh -c "echo garbage | '$BTF'"
	[ "$status" -eq 2 ]
	[[ "$output" == *"byte 0"* ]]
}

@test "a stream without a meta event is bad input (2)" {
	run sh -c "echo '{\"bt\":\"events\",\"v\":1}' | '$BTF'"
	[ "$status" -eq 2 ]
	[[ "$output" == *"no meta event"* ]]
	run sh -c "printf '%s\n%s\n' '{\"bt\":\"events\",\"v\":1}' '{\"e\":\"printf\",\"id\":0}' | '$BTF'"
	[ "$status" -eq 2 ]
	[[ "$output" == *"first event must be 'meta'"* ]]
}

@test "an event that names an unknown format or kind is bad input (2)" {
	run sh -c "{ head -2 '$G/printf_ints.events'; echo '{\"e\":\"printf\",\"id\":99,\"args\":[]}'; } | '$BTF'"
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown printf id"* ]]
	[[ "$output" == *"at byte 1599"* ]]
	run sh -c "{ head -2 '$G/printf_ints.events'; echo '{\"e\":\"frobnicate\"}'; } | '$BTF'"
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown event 'frobnicate'"* ]]
}

@test "SIGINT and SIGTERM do not stop bt-fmt before the end of its input" {
	fifo="$BATS_TEST_TMPDIR/fifo"
	mkfifo "$fifo"
	"$BTF" < "$fifo" > "$BATS_TEST_TMPDIR/out" &
	pid=$!
	exec 7> "$fifo"
	head -2 "$G/printf_ints.events" >&7
	sleep 0.2
	kill -INT "$pid"
	kill -TERM "$pid"
	sleep 0.2
	sed -n 3p "$G/printf_ints.events" >&7
	exec 7>&-
	wait "$pid"
	[ "$(head -1 "$BATS_TEST_TMPDIR/out")" = "42|   -7|7    |000-5|+3|-3|ffffffff|ffffffffffffffff|BEEF|0xff|010|0|4294967295|18446744073709551615|-1|-1|A|0xffff8881|0|%|str" ]
}

@test "output reaches a pipe as soon as an event arrives, before EOF" {
	fifo="$BATS_TEST_TMPDIR/fifo2"
	mkfifo "$fifo"
	"$BTF" < "$fifo" > "$BATS_TEST_TMPDIR/out2" &
	pid=$!
	exec 7> "$fifo"
	head -3 "$G/printf_ints.events" >&7
	sleep 0.3
	first=$(cat "$BATS_TEST_TMPDIR/out2")
	exec 7>&-
	wait "$pid"
	[[ "$first" == "42|"* ]]
}

@test "--no-warnings drops warnf and runtime warnings, keeps errors" {
	run "$BTF" --no-warnings "$G/errorf.events"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ERROR: ef cdef"* ]]
	[[ "$output" != *"WARNING"* ]]
	run "$BTF" --no-warnings "$G/stderr_events.events"
	[[ "$output" == *"Lost 7 events"* ]]
	[[ "$output" != *"WARNING"* ]]
}

@test "-B line, full and none give the same output; other modes are bad usage" {
	for m in line full none; do
		run "$BTF" -B "$m" "$G/map_sort.events"
		[ "$status" -eq 0 ]
		[ "$output" = "$(cat "$G/map_sort.out")" ]
	done
	run "$BTF" -B sometimes "$G/map_sort.events"
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown buffering mode 'sometimes'"* ]]
}

@test "-B none writes each event before the next arrives" {
	fifo="$BATS_TEST_TMPDIR/fifo3"
	mkfifo "$fifo"
	"$BTF" -B none < "$fifo" > "$BATS_TEST_TMPDIR/out3" &
	pid=$!
	exec 7> "$fifo"
	head -4 "$G/printf_ints.events" >&7
	sleep 0.3
	n=$(wc -l < "$BATS_TEST_TMPDIR/out3")
	exec 7>&-
	wait "$pid"
	[ "$n" -eq 2 ]
}

# ---- bt's own formats: csv, folded, svg (bt-formats(7)) ----

@test "-f csv: every golden stream gives a table the csv module reads" {
	for f in "$G"/*.events; do
		"$BTF" -f csv "$f" >"$BATS_TEST_TMPDIR/out.csv" 2>/dev/null || continue
		run python3 "$BATS_TEST_DIRNAME/../runtime/fmt_check.py" csv "$BATS_TEST_TMPDIR/out.csv"
		[ "$status" -eq 0 ] || { echo "$f: $output"; false; }
	done
}

@test "-f csv: the header is the same whatever comes, keys as wide as the widest" {
	run "$BTF" -f csv "$G/map_sort.events"
	[ "${lines[0]}" = "type,map,key1,key2,bucket_min,bucket_max,value" ]
	run "$BTF" -f csv "$G/json_scalar.events"
	[ "${lines[0]}" = "type,map,key1,bucket_min,bucket_max,value" ]
}

@test "-f csv: fields with commas, quotes and newlines are quoted" {
	run "$BTF" -f csv "$G/text_output.events"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'cat,,,,,"line one\nline, ""two"""'* ]]
}

@test "-f csv: bookkeeping goes to stderr, not into the table" {
	run --separate-stderr "$BTF" -f csv "$G/flame_stacks.events"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Attached 1 probe"* ]]
	[[ "$output" != *"Attached"* ]]
}

@test "-f folded: stack maps as root-first folded lines, the rest on stderr" {
	run --separate-stderr "$BTF" -f folded "$G/flame_stacks.events"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$G/flame_stacks.folded.out")" ]
	[[ "$output" == *$'@;do_syscall_64;ksys_read;vfs_read 7'* ]]
	[[ "$output" == *$'@by;bash;main;read;ksys_read;vfs_read 3'* ]]
	[[ "$stderr" == *"sampling"* ]]
	[[ "$stderr" == *"@n[2]: 20"* ]]
	echo "$output" >"$BATS_TEST_TMPDIR/f.folded"
	python3 "$BATS_TEST_DIRNAME/../runtime/fmt_check.py" folded "$BATS_TEST_TMPDIR/f.folded"
}

@test "-f folded: one stack map gets no map-name prefix" {
	run --separate-stderr "$BTF" -f folded "$G/symbols.events"
	[ "$status" -eq 0 ]
	[ "$output" = $'0x7f00 1\nmain;readline 3' ]
}

@test "-f folded/svg: a run without stack maps says so on stderr" {
	run --separate-stderr "$BTF" -f folded "$G/text_output.events"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == *"no map keyed by a stack"* ]]
}

@test "-f svg: well-formed, self-contained, every frame with a title" {
	for f in "$G"/*.events; do
		"$BTF" -f svg "$f" >"$BATS_TEST_TMPDIR/out.svg" 2>/dev/null || continue
		run python3 "$BATS_TEST_DIRNAME/../runtime/fmt_check.py" svg "$BATS_TEST_TMPDIR/out.svg"
		[ "$status" -eq 0 ] || { echo "$f: $output"; false; }
		! grep -q 'href=\|src=' "$BATS_TEST_TMPDIR/out.svg"
	done
	run "$BTF" -f svg "$G/flame_stacks.events"
	[[ "$output" == *'<title>a:b&amp;&lt;c&gt;&quot;q&quot; (1 sample, 4.00%)</title>'* ]]
}

@test "text events: cat, join and system in text, json and csv" {
	run "$BTF" "$G/text_output.events"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'/bin/ls -l /tmp\nhello from system\n\nno newline'* ]]
	run "$BTF" -f json "$G/text_output.events"
	[[ "$output" == *'{"type": "syscall", "data": "hello from system\n"}'* ]]
	[[ "$output" == *'{"type": "join", "data": "/bin/ls -l /tmp"}'* ]]
}

@test "a text event of an unknown kind is a malformed stream (2)" {
	printf '%s\n' '{"bt":"events","v":1}' '{"e":"meta","maps":[]}' \
		'{"e":"text","kind":"shout","data":"x"}' >"$BATS_TEST_TMPDIR/bad.events"
	run "$BTF" "$BATS_TEST_TMPDIR/bad.events"
	[ "$status" -eq 2 ]
	[[ "$output" == *"'kind' is not cat, join, system or iter"* ]]
}

@test "the unknown-format message lists every format" {
	run "$BTF" -f xml "$G/json_map.events"
	[ "$status" -eq 2 ]
	[[ "$output" == *"(text, json, csv, folded or svg)"* ]]
}
