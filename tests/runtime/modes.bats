#!/usr/bin/env bats
# tests/runtime/modes.bats - --mode bench / --bench and --mode test / --test
# through the real pipeline (./bpftrace): bench: and test: probes run by
# bt-load with BPF_PROG_TEST_RUN, the bench table and the test report in
# text and JSON, exit statuses, and the error when only such probes are
# given without their mode.

load driver_helpers

ESC=$'\033'

@test "bench: the table after begin's output, one row per benchmark, no attach line" {
	run --separate-stderr timeout "$LIMIT" "$BT" --mode bench \
		-e 'begin { printf("begin\n"); } bench:first { @a++; } bench:second { @b = count(); } end { printf("end %d\n", @a > 0); }'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "begin" ]
	[ "${lines[1]}" = "Benchmark                                Time(ns)       Iterations" ]
	[ "${lines[2]}" = "$(printf '%066d' 0 | tr 0 -)" ]
	[[ "${lines[3]}" =~ ^first\ {36}[0-9]+\ +[0-9]+$ ]]
	[[ "${lines[4]}" =~ ^second\ {35}[0-9]+\ +[0-9]+$ ]]
	[ "${lines[5]}" = "end 1" ]
	# no exit map dump (@a, @b are not printed), no "Attached" line
	[[ "$output" != *"@a"* ]]
	[[ "$stderr" != *"Attached"* ]]
}

@test "bench: iterations grow until a run takes at least a millisecond" {
	run --separate-stderr timeout "$LIMIT" "$BT" --bench -q \
		-e 'bench:tiny { @x++; }'
	[ "$status" -eq 0 ]
	row=$(printf '%s\n' "$output" | grep '^tiny ')
	read -r _ ns iters <<<"$row"
	[ "$iters" -gt 1 ]
	[ $((ns * iters)) -ge 1000000 ]
}

@test "bench: a name longer than 40 widens the first column" {
	name=bench_with_a_name_well_beyond_forty_characters
	run --separate-stderr timeout "$LIMIT" "$BT" --bench -e "bench:$name { @x++; }"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Benchmark$(printf '%*s' $((${#name} + 1 - 9)) '')Time(ns)       Iterations" ]
	[[ "${lines[2]}" =~ ^$name\ [0-9]+ ]]
}

@test "bench: -f json gives one benchmark_result per benchmark" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q -f json --mode bench \
		-e 'bench:a { @a++; } bench:b { @b++; }'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" =~ ^\{\"type\":\ \"benchmark_result\",\ \"data\":\ \{\"a\":\ \{\"average\":\ [0-9]+,\ \"iters\":\ [0-9]+\}\}\}$ ]]
	[[ "${lines[1]}" =~ ^\{\"type\":\ \"benchmark_result\",\ \"data\":\ \{\"b\":\ \{\"average\":\ [0-9]+,\ \"iters\":\ [0-9]+\}\}\}$ ]]
}

@test "bench: a benchmark returning non-zero is skipped, one calling errorf fails" {
	run --separate-stderr timeout "$LIMIT" "$BT" --bench \
		-e 'bench:skipped { return 1; } bench:kept { @x++; } bench:broken { errorf("no"); }'
	[ "$status" -eq 1 ]
	[[ "$output" != *skipped* ]]
	[[ "$output" =~ kept\ +[0-9]+ ]]
	[[ "$output" != *broken* ]]
	[[ "$stderr" == *"ERROR: Benchmark 'broken' failed."* ]]
}

@test "test: passing tests, output suppressed, exit status 0" {
	run --separate-stderr timeout "$LIMIT" "$BT" --mode test \
		-e 'test:one { print("hidden"); } test:two { @x = 1; if (@x != 1) { return 1; } }'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$ESC[32m[==========]$ESC[0m Running 2 tests." ]
	[ "${lines[1]}" = "$ESC[32m[ RUN      ]$ESC[0m one" ]
	[[ "${lines[2]}" =~ ^"$ESC[32m[       OK ]$ESC[0m one ("[0-9]+\ (ns|us|ms)\)$ ]]
	[ "${lines[3]}" = "$ESC[32m[ RUN      ]$ESC[0m two" ]
	[[ "${lines[4]}" =~ ^"$ESC[32m[       OK ]$ESC[0m two (" ]]
	[ "${lines[5]}" = "$ESC[32m[==========]$ESC[0m 2 tests ran." ]
	[ "${lines[6]}" = "$ESC[32m[  PASSED  ]$ESC[0m 2 tests." ]
	[ "${#lines[@]}" -eq 7 ]
	[[ "$output" != *hidden* ]]
	[[ "$stderr" != *"Attached"* ]]
}

@test "test: failures show their output and are listed, exit status 1" {
	run --separate-stderr timeout "$LIMIT" "$BT" --test \
		-e 'test:ok { } test:ret { printf("why %d\n", 7); return 1; } test:err { errorf("oops"); } test:quit { exit(3); } test:loop { for ($i : 0..4) { if ($i == 2) { return 2; } } }'
	[ "$status" -eq 1 ]
	printf '%s\n' "$output" | grep -qx "why 7"
	printf '%s\n' "$output" | grep -q "ERROR: oops"
	[[ "$output" == *"$ESC[31m[  FAILED  ]$ESC[0m ret ("* ]]
	[[ "$output" == *"$ESC[31m[  FAILED  ]$ESC[0m err ("* ]]
	[[ "$output" == *"$ESC[31m[  FAILED  ]$ESC[0m quit ("* ]]
	[[ "$output" == *"$ESC[31m[  FAILED  ]$ESC[0m loop ("* ]]
	[[ "$output" == *"$ESC[32m[       OK ]$ESC[0m ok ("* ]]
	n=${#lines[@]}
	[ "${lines[n - 7]}" = "$ESC[32m[==========]$ESC[0m 5 tests ran." ]
	[ "${lines[n - 6]}" = "$ESC[32m[  PASSED  ]$ESC[0m 1 test." ]
	[ "${lines[n - 5]}" = "$ESC[31m[  FAILED  ]$ESC[0m 4 tests, listed below:" ]
	[ "${lines[n - 4]}" = "$ESC[31m[  FAILED  ]$ESC[0m ret" ]
	[ "${lines[n - 3]}" = "$ESC[31m[  FAILED  ]$ESC[0m err" ]
	[ "${lines[n - 2]}" = "$ESC[31m[  FAILED  ]$ESC[0m quit" ]
	[ "${lines[n - 1]}" = "$ESC[31m[  FAILED  ]$ESC[0m loop" ]
}

@test "test: -f json gives test_result with the captured output" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q -f json --test \
		-e 'test:good { printf("a\n"); } test:bad { printf("b %s\n", "x"); return 1; }'
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" =~ ^\{\"type\":\ \"test_result\",\ \"data\":\ \{\"good\":\ \{\"duration\":\ [0-9]+,\ \"passed\":\ true,\ \"output\":\ \"a\\n\"\}\}\}$ ]]
	[[ "${lines[1]}" =~ ^\{\"type\":\ \"test_result\",\ \"data\":\ \{\"bad\":\ \{\"duration\":\ [0-9]+,\ \"passed\":\ false,\ \"output\":\ \"b\ x\\n\"\}\}\}$ ]]
}

@test "test: other probes are not attached in test mode" {
	run --separate-stderr timeout 10 "$BT" --test \
		-e 'interval:s:60 { printf("never\n"); } test:only { }'
	[ "$status" -eq 0 ]
	[[ "$output" != *never* ]]
	[[ "$output" == *"1 test ran."* ]]
}

@test "without a mode, only test or bench probes is an error" {
	run --separate-stderr timeout "$LIMIT" "$BT" -e 'test:a { }'
	[ "$status" -eq 1 ]
	[ "$stderr" = "ERROR: No probes attached; use --test to run test probes." ]
	run --separate-stderr timeout "$LIMIT" "$BT" -e 'bench:a { }'
	[ "$status" -eq 1 ]
	[ "$stderr" = "ERROR: No probes attached; use --bench to run benchmark probes." ]
}

@test "without a mode, bench and test probes are ignored beside others" {
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'begin { printf("hi\n"); } test:a { printf("test ran\n"); } bench:b { printf("bench ran\n"); }'
	[ "$status" -eq 0 ]
	[ "$output" = "hi" ]
	[ "$stderr" = "Attached 1 probe" ]
}

@test "--test and --bench conflict with a mode given before them" {
	run --separate-stderr "$BT" --test --bench -e 'test:a { }'
	[ "$status" -eq 1 ]
	[ "$stderr" = "ERROR: USAGE: --bench conflicts with existing --mode" ]
	run --separate-stderr "$BT" --mode bench --test -e 'test:a { }'
	[ "$status" -eq 1 ]
	[ "$stderr" = "ERROR: USAGE: --test conflicts with existing --mode" ]
	run --separate-stderr "$BT" --mode format -e 'test:a { }'
	[ "$status" -eq 1 ]
	[ "$stderr" = "ERROR: --mode format is not supported by bt" ]
}

@test "test and bench probes see their own probe and probetype" {
	run --separate-stderr timeout "$LIMIT" "$BT" --test \
		-e 'test:a { if (probetype != "test") { return 1; } } test:b { if (probe != "test:b") { return 1; } }'
	[ "$status" -eq 0 ]
	[[ "$output" == *"2 tests."* ]]
	run --separate-stderr timeout "$LIMIT" "$BT" --bench -q -f json \
		-e 'bench:a { if (probetype != "benchmark" || probe != "bench:a") { errorf("wrong"); } }'
	[ "$status" -eq 0 ]
	[[ "$output" == *'"benchmark_result"'* ]]
}
