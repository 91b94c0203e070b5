#!/usr/bin/env bats
# tests/runtime/dwunwind.bats - dw_ustack on the real kernel: user stacks
# unwound in BPF with the targets' .eh_frame rules (bt-load/dwunwind.c
# builds them, bt-gen/dwunwind.c walks them).  The target is
# build/testprogs/uprobe_nofp (funcA -> funcB -> funcC -> funcD, built
# without frame pointers, so ustack sees only funcD); uprobe_loop, built
# with them, checks that both unwinders agree.

load driver_helpers

TP=$ROOT/build/testprogs
NOFP=$TP/uprobe_nofp
ENABLE='config = { unstable_dw_ustack=enable; show_debug_info=0 }'

needs_testprogs() {
	[ -x "$NOFP" ] || skip "build/testprogs is not built (make testprogs)"
}

# start PROG in the background (not a job of this shell, so that its
# end is not reported), its pid in $bg_pid; teardown kills it
start_bg() {
	bg_pid=$(sh -c '"$1" >/dev/null 2>&1 & echo $!' sh "$1")
	sleep 0.2
}

# the frames of one stack in $output: the indented lines after the line
# that matches $1 (a regex; a stack printed with %s starts with an empty
# line), up to the first line that is not one
frames_after() {
	awk -v start="$1" '
		found && /^[ \t]+[^ \t]/ { sub(/^[ \t]+/, ""); print; seen = 1; next }
		found && !seen && /^$/ { next }
		found { exit }
		$0 ~ start { found = 1 }' <<<"$output"
}

@test "the whole stack of a program without frame pointers (-c), ustack only its leaf" {
	needs_testprogs
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e "$ENABLE
		uprobe:$NOFP:funcD { printf(\"dw\n%s\nfp\n%s\nend\n\", dw_ustack, ustack); exit(); }" -c "$NOFP"
	[ "$status" -eq 0 ]
	dw=$(frames_after '^dw$')
	[[ "$dw" =~ ^funcD\+0$'\n'funcC\+[0-9]+$'\n'funcB\+[0-9]+$'\n'funcA\+[0-9]+$'\n'main\+[0-9]+$'\n' ]]
	# and on through libc to the outermost frame, _start
	[[ "$dw" == *"__libc_start_main+"* ]]
	[[ "$(tail -n 1 <<<"$dw")" =~ ^_start\+[0-9]+$ ]]
	[ "$(frames_after '^fp$' | grep -c 'func[ABC]')" -eq 0 ]
}

@test "dw_ustack and ustack agree where frame pointers exist" {
	needs_testprogs
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e "$ENABLE
		uprobe:$TP/uprobe_loop:uprobeFunction1 { printf(\"dw\n%s\nfp\n%s\nend\n\", dw_ustack(perf, 3), ustack(perf, 3)); exit(); }" -c "$TP/uprobe_loop"
	[ "$status" -eq 0 ]
	dw=$(frames_after '^dw$')
	[ "$(wc -l <<<"$dw")" -eq 3 ]
	[ "$dw" = "$(frames_after '^fp$')" ]
}

@test "a map key (-p): the same stack counts under one key, symbolized" {
	needs_testprogs
	start_bg "$NOFP"
	run --separate-stderr timeout "$LIMIT" "$BT" -q -p "$bg_pid" -e "$ENABLE
		uprobe:$NOFP:funcD { @[dw_ustack] = count(); if (++@n == 5) { exit(); } }"
	[ "$status" -eq 0 ]
	[[ "$output" =~ @\[$'\n'[[:space:]]+funcD\+0$'\n'[[:space:]]+funcC\+[0-9]+$'\n'[[:space:]]+funcB\+[0-9]+$'\n'[[:space:]]+funcA\+[0-9]+$'\n'[[:space:]]+main\+[0-9]+$'\n' ]]
	[[ "$output" == *"]: 5"* ]]
	[ "$(grep -c '^@\[' <<<"$output")" -eq 1 ]
}

@test "a limit and the perf mode" {
	needs_testprogs
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e "$ENABLE
		uprobe:$NOFP:funcD { printf(\"lim\n%s\nperf\n%s\nend\n\", dw_ustack(3), dw_ustack(perf, 2)); exit(); }" -c "$NOFP"
	[ "$status" -eq 0 ]
	lim=$(frames_after '^lim$')
	[ "$(wc -l <<<"$lim")" -eq 3 ]
	[[ "$lim" =~ ^funcD\+0$'\n'funcC\+[0-9]+$'\n'funcB\+[0-9]+$ ]]
	perf=$(frames_after '^perf$')
	[ "$(wc -l <<<"$perf")" -eq 2 ]
	[[ "$perf" =~ ^[0-9a-f]+\ funcD\+0\ \($NOFP\)$'\n'[0-9a-f]+\ funcC\+[0-9]+\ \($NOFP\)$ ]]
}

@test "len() counts a dw_ustack's frames, as a value and in a variable" {
	needs_testprogs
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e "$ENABLE
		uprobe:$NOFP:funcD { \$s = dw_ustack(3); printf(\"n=%d %d %d\n\", len(dw_ustack), len(\$s), len(dw_ustack(2))); exit(); }" -c "$NOFP"
	[ "$status" -eq 0 ]
	# funcD funcC funcB funcA main, then libc's frames and _start
	[[ "$output" =~ n=([0-9]+)\ 3\ 2 ]]
	[ "${BASH_REMATCH[1]}" -ge 7 ]
}

@test "--dwarf-pid: a PIE process's stack from a tracepoint (its syscall's user registers)" {
	needs_testprogs
	start_bg "$NOFP-pie"
	run --separate-stderr timeout "$LIMIT" "$BT" -q --dwarf-pid "$bg_pid" -e "$ENABLE
		tracepoint:syscalls:sys_enter_clock_nanosleep /pid == $bg_pid/ { printf(\"dw\n%s\nend\n\", dw_ustack); exit(); }"
	[ "$status" -eq 0 ]
	dw=$(frames_after '^dw$')
	[[ "$dw" == *"usleep+"*"main+"* ]]
	[[ "$dw" != *"funcD"* ]]
}

@test "a process without tables: upstream's runtime warning, an empty stack" {
	needs_testprogs
	start_bg /bin/sleep 30
	# started again until the run (slow to attach on a busy host) sees it
	(for i in 1 2 3 4 5 6 7 8; do sleep 1; timeout 3 "$NOFP"; done) &
	run --separate-stderr timeout "$LIMIT" "$BT" -q --dwarf-pid "$bg_pid" -e "$ENABLE
		uprobe:$NOFP:funcD { printf(\"[%s]\n\", dw_ustack); exit(); }"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"WARNING: No DWARF unwind data available for this process. Use -p or --dwarf-pid to specify target PIDs."* ]]
	[[ "$output" != *"funcD"* ]]
	wait
}

@test "no target process is an error; so are a bad --dwarf-pid and a gone one" {
	run --separate-stderr timeout "$LIMIT" "$BT" -e "$ENABLE
		uprobe:$NOFP:funcD { printf(\"%s\n\", dw_ustack()); exit(); }"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"ERROR: dw_ustack requires a target process. Use -p, -c, or --dwarf-pid to specify one."* ]]
	run --separate-stderr "$BT" --dwarf-pid 12x -e "$ENABLE BEGIN { exit(); }"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"12x"* ]]
	run --separate-stderr "$BT" --dwarf-pid 4000000 -e "$ENABLE BEGIN { print(dw_ustack); exit(); }"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"no process with pid 4000000"* ]]
}

@test "unstable: a warning by default, none when enabled, an error when so configured" {
	needs_testprogs
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e "
		uprobe:$NOFP:funcD { printf(\"%s\n\", dw_ustack(1)); exit(); }" -c "$NOFP"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"WARNING: Script is using an unstable feature: dw_ustack (DWARF stack unwinding). To prevent this warning you must explicitly enable it in the config e.g. unstable_dw_ustack=enable"* ]]
	[[ "$output" == *"funcD+0"* ]]
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e "$ENABLE
		uprobe:$NOFP:funcD { printf(\"%s\n\", dw_ustack(1)); exit(); }" -c "$NOFP"
	[ "$status" -eq 0 ]
	[[ "$stderr" != *"unstable"* ]]
	run --separate-stderr timeout "$LIMIT" "$BT" -e 'config = { unstable_dw_ustack=error } BEGIN { print(dw_ustack); }'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"ERROR: dw_ustack (DWARF stack unwinding) feature is not enabled by default."* ]]
}

@test "--info says dwunwind works" {
	run "$BT" --info
	[ "$status" -eq 0 ]
	[[ "$output" == *"dwunwind (DWARF stack unwinding): yes"* ]]
}
