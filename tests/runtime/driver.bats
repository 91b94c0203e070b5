#!/usr/bin/env bats
# tests/runtime/driver.bats - ./bpftrace against the real kernel: begin/end
# order, exit codes, map dumps, hist layout, parameters, program sources,
# -o, -f json, --dry-run, failing stages and temp files.

load driver_helpers

@test "begin runs, then end, and the output is exactly theirs" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'begin { printf("one\n"); exit(); } end { printf("two\n"); }'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'one\ntwo')" ]
	assert_no_temp_files
}

@test "old spellings BEGIN and END work too" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'END { printf("second\n"); } BEGIN { printf("first\n"); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'first\nsecond')" ]
}

@test "exit(N) is the driver's exit status" {
	run timeout "$LIMIT" "$BT" -q -e 'begin { exit(69); }'
	[ "$status" -eq 69 ]
	run timeout "$LIMIT" "$BT" -q -e 'begin { exit(); }'
	[ "$status" -eq 0 ]
}

@test "Attached N probes goes to stderr, and -q drops it" {
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'interval:ms:50 { exit(); } tracepoint:syscalls:sys_enter_getppid { @ = count(); }'
	[ "$status" -eq 0 ]
	[[ $stderr == *"Attached 2 probes"* ]]
	[[ $output != *Attached* ]]
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'interval:ms:50 { exit(); }'
	[ "$status" -eq 0 ]
	[[ $stderr != *Attached* ]]
}

@test "maps are printed at exit" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'begin { @x = 5; @c = count(); @c = count(); @m["k"] = 7; exit(); }'
	[ "$status" -eq 0 ]
	grep -qx '@x: 5' <<<"$output"
	grep -qx '@c: 2' <<<"$output"
	grep -qx '@m\[k\]: 7' <<<"$output"
}

@test "hist prints upstream's bucket layout" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'begin { @h = hist(5); @h = hist(100); @h = hist(100); exit(); }'
	[ "$status" -eq 0 ]
	full=$(printf '@%.0s' $(seq 52))
	half=$(printf '@%.0s' $(seq 26))
	expected=$(
		echo '@h:'
		printf '%-16s%8d |%-52s|\n' '[4, 8)' 1 "$half"
		printf '%-16s%8d |%-52s|\n' '[8, 16)' 0 ''
		printf '%-16s%8d |%-52s|\n' '[16, 32)' 0 ''
		printf '%-16s%8d |%-52s|\n' '[32, 64)' 0 ''
		printf '%-16s%8d |%-52s|\n' '[64, 128)' 2 "$full"
	)
	[[ $output == *"$expected"* ]] || {
		echo "expected:"
		echo "$expected"
		echo "got:"
		echo "$output"
		false
	}
}

@test "positional parameters after -e and after a file" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'begin { printf("%s %d %d\n", str($1), $2, $#); exit(); }' hello 42
	[ "$status" -eq 0 ]
	[ "$output" = "hello 42 2" ]

	printf 'begin { printf("%%s|%%s\\n", str($1), str($2)); exit(); }\n' >"$BATS_TEST_TMPDIR/p.bt"
	run --separate-stderr timeout "$LIMIT" "$BT" -q "$BATS_TEST_TMPDIR/p.bt" 'a b' "c'd"
	[ "$status" -eq 0 ]
	[ "$output" = "a b|c'd" ]

	# operands after -- are positional too
	run --separate-stderr timeout "$LIMIT" "$BT" -q "$BATS_TEST_TMPDIR/p.bt" -- x y
	[ "$status" -eq 0 ]
	[ "$output" = "x|y" ]
}

@test "the program can come from stdin with -" {
	run --separate-stderr bash -c "echo 'begin { printf(\"from stdin\\n\"); exit(); }' |
		timeout $LIMIT '$BT' -q -"
	[ "$status" -eq 0 ]
	[ "$output" = "from stdin" ]
}

@test "-o FILE gets the program's output, stdout does not" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q -o "$BATS_TEST_TMPDIR/o.txt" \
		-e 'begin { printf("to the file\n"); @n = 3; exit(); }'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	grep -qx 'to the file' "$BATS_TEST_TMPDIR/o.txt"
	grep -qx '@n: 3' "$BATS_TEST_TMPDIR/o.txt"
}

@test "-f json is one JSON document per event" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q -f json \
		-e 'begin { printf("hi\n"); @m["k"] = 2; @s = 9; exit(); }'
	[ "$status" -eq 0 ]
	# every document parses
	jq -e . <<<"$output" >/dev/null
	[ "$(jq -r 'select(.type == "printf") | .data' <<<"$output")" = "hi" ]
	[ "$(jq -r 'select(.type == "map") | .data["@m"].k // empty' <<<"$output")" = 2 ]
	[ "$(jq -r 'select(.type == "map") | .data["@s"] // empty' <<<"$output")" = 9 ]
}

@test "-f json: attached_probes without -q" {
	run --separate-stderr timeout "$LIMIT" "$BT" -f json -e 'begin { exit(); }'
	[ "$status" -eq 0 ]
	[ "$(jq -r 'select(.type == "attached_probes") | .data.probes' <<<"$output")" = 1 ]
}

@test "--dry-run compiles, loads and attaches, then stops without output" {
	run --separate-stderr timeout "$LIMIT" "$BT" --dry-run \
		-e 'tracepoint:syscalls:sys_enter_getppid { @ = count(); } begin { @b = 1; }'
	[ "$status" -eq 0 ]
	# no map dump
	[[ $output != *"@"* ]]
	assert_no_temp_files
}

@test "a syntax error: bt-parse's message, status 1, nothing run" {
	run --separate-stderr timeout "$LIMIT" "$BT" -e 'begin { printf("x\n") exit(); }'
	[ "$status" -eq 1 ]
	[[ $stderr == *"ERROR:"* ]]
	[ -z "$output" ]
	assert_no_temp_files
}

@test "a semantic error: bt-check's message with the caret line, status 1" {
	run --separate-stderr timeout "$LIMIT" "$BT" -e 'begin { @x = no_such_function(1); }'
	[ "$status" -eq 1 ]
	[[ $stderr == *"ERROR:"* ]]
	[[ $stderr == *"no_such_function"* ]]
	[[ $stderr == *"~"* ]]
	[ -z "$output" ]
}

@test "a missing script file is an error" {
	run --separate-stderr timeout "$LIMIT" "$BT" "$BATS_TEST_TMPDIR/nonexistent.bt"
	[ "$status" -ne 0 ]
	[[ $stderr == *nonexistent.bt* ]]
}

@test "interval fires at its period" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'interval:ms:100 { @ticks = count(); } interval:ms:1050 { exit(); }'
	[ "$status" -eq 0 ]
	n=$(sed -n 's/^@ticks: //p' <<<"$output")
	[ -n "$n" ]
	echo "ticks: $n"
	[ "$n" -ge 8 ] && [ "$n" -le 11 ]
}

@test "a program with only begin and end probes exits by itself" {
	run --separate-stderr timeout 10 "$BT" -q -e 'begin { printf("x\n"); @a = 1; } end { printf("y\n"); }'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'x\ny\n\n\n@a: 1')" ]
}

@test "pton() addresses print through ntop() and as byte arrays" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'begin {
		printf("%s %s\n", ntop(2, pton("127.0.0.1")), ntop(pton("fe80::1:2")));
		print(pton("10.1.2.3")); exit(); }'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "127.0.0.1 fe80::1:2" ]
	[ "${lines[1]}" = "[10,1,2,3]" ]
}

@test "fentry: attaches where the kernel has BPF trampolines, else one error naming them (3)" {
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'fentry:vmlinux:do_sys_openat2 { printf("opened\n"); exit(); }' \
		-c 'cat /etc/hostname'
	if [ "$status" -eq 0 ]; then
		grep -qx opened <<<"$output"
	else
		[ "$status" -eq 3 ]
		[[ "${stderr_lines[0]}" == "stdin:1:1-62: ERROR: fentry is not supported by this kernel (the kernel refuses BPF trampolines (loading an empty fentry program: "* ]]
		# nothing else: no libbpf noise, no complaint from bt-fmt
		[ "${#stderr_lines[@]}" -eq 3 ]
	fi
}

@test "a verifier rejection points at the script line it came from; -v has the log" {
	cat > "$BATS_TEST_TMPDIR/deep.bt" <<'BT'
begin {
  @x = 1;
  for ($a : 0..1) { for ($b : 0..1) { for ($c : 0..1) { for ($d : 0..1) {
    for ($e : 0..1) { for ($f : 0..1) { for ($g : 0..1) { for ($h : 0..1) {
      for ($i : 0..1) {
        print($i);
      } } } } } } } } }
  exit();
}
BT
	run --separate-stderr timeout "$LIMIT" "$BT" "$BATS_TEST_TMPDIR/deep.bt"
	[ "$status" -eq 3 ]
	[ "${stderr_lines[0]}" = "$BATS_TEST_TMPDIR/deep.bt:4:5-76: ERROR: the BPF verifier rejected probe 'begin': loops (each a callback) and calls nest more than 8 deep" ]
	[ "${stderr_lines[1]}" = "    for (\$e : 0..1) { for (\$f : 0..1) { for (\$g : 0..1) { for (\$h : 0..1) {" ]
	run --separate-stderr timeout "$LIMIT" "$BT" -d verifier "$BATS_TEST_TMPDIR/deep.bt"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"the call stack of 9 frames is too deep"* ]]
	[[ "$stderr" == *"@ deep.bt:4"* ]]
}

@test "begin runs in the process the user started: pid and tid are its pid" {
	run --separate-stderr timeout "$LIMIT" sh -c 'echo $$; exec "$0" -q -e "begin { printf(\"%d %d\\n\", pid, tid); exit(); }"' "$BT"
	[ "$status" -eq 0 ]
	echo "$output"
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[1]}" = "${lines[0]} ${lines[0]}" ]
	assert_no_temp_files
}

@test "in a new pid namespace the driver is pid 1, and begin sees pid 1" {
	command -v unshare >/dev/null || skip "no unshare"
	run --separate-stderr timeout "$LIMIT" unshare --fork --pid --mount-proc "$BT" -q \
		-e 'begin { printf("%d %d %d %d %d\n", pid, tid, pid(curr_ns), pid(init), tid(init)); exit(); }'
	echo "$output $stderr"
	[ "$status" -eq 0 ]
	read -r p t pc pi ti <<<"$output"
	[ "$p" = 1 ] && [ "$t" = 1 ] && [ "$pc" = 1 ]
	# seen from the initial namespace it is another process, the same one
	[ "$pi" -gt 1 ] && [ "$ti" = "$pi" ]
	assert_no_temp_files
}

@test "the driver exits after bt-fmt has printed the last line" {
	# bt-fmt writes to a FIFO nobody reads for a second: it is still at
	# work long after bt-load has written everything
	slow=$BATS_TEST_TMPDIR/slow
	mkfifo "$slow"
	(sleep 1; cat "$slow" >"$BATS_TEST_TMPDIR/out") &
	reader=$!
	timeout "$LIMIT" "$BT" -q -o "$slow" \
		-e 'begin { @x = 1; printf("begin\n"); exit(); } end { printf("end\n"); }'
	# bt-fmt (the one process with -o $slow in its command line) is gone
	run pgrep -f -- "-o $slow"
	[ "$status" -eq 1 ]
	wait "$reader"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "$(printf 'begin\nend\n\n\n@x: 1')" ]
	assert_no_temp_files
}

@test "bt-fmt failing is the driver's status" {
	run --separate-stderr timeout "$LIMIT" "$BT" -o /nonexistent/dir/out \
		-e 'begin { printf("x\n"); exit(); }'
	[ "$status" -eq 2 ]
	[[ $stderr == *"/nonexistent/dir/out"* ]]
	assert_no_temp_files
}

@test "bt-load --wait-for: only a child of bt-load can be waited for" {
	run "$BIN/bt-load" --wait-for 1 </dev/null
	[ "$status" -eq 2 ]
	[[ $output == *"process 1 is not a child of bt-load"* ]]
	run "$BIN/bt-load" --wait-for x1 </dev/null
	[ "$status" -eq 2 ]
}
