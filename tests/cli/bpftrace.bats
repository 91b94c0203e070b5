#!/usr/bin/env bats
# tests/cli/bpftrace.bats - the driver's command line: help, version, info,
# option errors (upstream's messages and exit statuses), listing probes,
# --dry-run.  The option tests need no stage; listing and --dry-run do.

bats_require_minimum_version 1.5.0

BT=$BATS_TEST_DIRNAME/../../bpftrace
BIN=$BATS_TEST_DIRNAME/../../build/bin

needs_root_and() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	local t
	for t in "$@"; do
		[ -x "$BIN/$t" ] || skip "build/bin/$t is not built"
	done
}

@test "the driver is POSIX sh: dash runs it and shellcheck -s sh is clean" {
	run dash "$BT" --version
	[ "$status" -eq 0 ]
	if command -v shellcheck >/dev/null; then
		shellcheck -s sh "$BT"
	fi
}

@test "--help and -h: usage on stdout, status 0" {
	run --separate-stderr "$BT" --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "USAGE:" ]
	[[ $output == *"-e 'program'"* ]]
	[[ $output == *"--dry-run"* ]]
	[ -z "$stderr" ]
	run --separate-stderr "$BT" -h
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "USAGE:" ]
}

@test "--version and -V: bpftrace vX.Y.Z" {
	run --separate-stderr "$BT" --version
	[ "$status" -eq 0 ]
	[[ $output =~ ^bpftrace\ v[0-9]+\.[0-9]+\.[0-9]+-bt[0-9] ]]
	[ "${#lines[@]}" -eq 1 ]
	run "$BT" -V
	[ "$status" -eq 0 ]
	[[ $output =~ ^bpftrace\ v[0-9] ]]
}

@test "--info: upstream's sections and build-feature wording" {
	run --separate-stderr "$BT" --info
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = System ]
	grep -qx '  Arch: '"$(uname -m)" <<<"$output"
	grep -qx 'Build' <<<"$output"
	grep -qx '  version: v[0-9.]*-bt[0-9.]*' <<<"$output"
	# the conformance runner reads these: bt links libdw (bt-probes),
	# not the others; dw_ustack's unwinder is x86_64's
	grep -qx '  libdw (DWARF support): yes' <<<"$output"
	if [ "$(uname -m)" = x86_64 ]; then
		grep -qx '  dwunwind (DWARF stack unwinding): yes' <<<"$output"
	else
		grep -qx '  dwunwind (DWARF stack unwinding): no' <<<"$output"
	fi
	grep -qx '  blazesym (advanced symbolization): no' <<<"$output"
	grep -qx 'Kernel helpers' <<<"$output"
	grep -qx 'Kernel features' <<<"$output"
	grep -qx 'Probe types' <<<"$output"
	grep -q 'kprobe_session: ' <<<"$output"
	# btf is what sysfs says
	if [ -r /sys/kernel/btf/vmlinux ]; then
		grep -q '  btf: yes' <<<"$output"
	fi
}

@test "no arguments: usage on stderr, status 1" {
	run --separate-stderr "$BT"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ $stderr == *USAGE:* ]]
}

@test "an unknown short option: getopt's message and usage on stderr, status 1" {
	run --separate-stderr "$BT" -idonotexist
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ $stderr == *"invalid option -- 'i'"* ]]
	[[ $stderr == *USAGE:* ]]
}

@test "an unknown long option, a missing argument, an ambiguous prefix" {
	run --separate-stderr "$BT" --no-such-option
	[ "$status" -eq 1 ]
	[[ $stderr == *"unrecognized option '--no-such-option'"* ]]
	run --separate-stderr "$BT" -e
	[ "$status" -eq 1 ]
	[[ $stderr == *"option requires an argument -- 'e'"* ]]
	run --separate-stderr "$BT" --output
	[ "$status" -eq 1 ]
	[[ $stderr == *"option '--output' requires an argument"* ]]
	run --separate-stderr "$BT" --ver
	[ "$status" -eq 1 ]
	[[ $stderr == *"ambiguous"* ]]
	# an unambiguous prefix is the option
	run "$BT" --vers
	[ "$status" -eq 0 ]
	[[ $output =~ ^bpftrace\ v ]]
}

@test "-f with an unknown format" {
	run --separate-stderr "$BT" -f jsonx -e 'begin { exit(); }'
	[ "$status" -eq 1 ]
	[[ $stderr == *'ERROR: Invalid output format "jsonx"'* ]]
	[ -z "$output" ]
}

@test "options without a program" {
	run --separate-stderr "$BT" -q
	[ "$status" -eq 1 ]
	[[ $stderr == *"ERROR: USAGE: filename or -e 'program' required."* ]]
}

@test "bad -B, -d, -k with --no-warnings, -c with -p" {
	run --separate-stderr "$BT" -B sometimes -e 'begin {}'
	[ "$status" -eq 1 ]
	[[ $stderr == *"ERROR: USAGE: -B must be either 'line', 'full', or 'none'."* ]]
	run --separate-stderr "$BT" -d nosuchstage -e 'begin {}'
	[ "$status" -eq 1 ]
	[[ $stderr == *"ERROR: USAGE: invalid option for -d: nosuchstage"* ]]
	run --separate-stderr "$BT" -k --no-warnings -e 'begin {}'
	[ "$status" -eq 1 ]
	[[ $stderr == *"conflicts with --no-warnings"* ]]
	run --separate-stderr "$BT" -kk -e 'begin {}'
	[ "$status" -eq 1 ]
	[[ $stderr == *"-kk has been deprecated"* ]]
	run --separate-stderr "$BT" -c true -p 1 -e 'begin {}'
	[ "$status" -eq 1 ]
	[[ $stderr == *"Cannot use both -c and -p."* ]]
}

@test "-p: upstream's pid checks" {
	run --separate-stderr "$BT" -p a1111 -e 'begin { print(1); }'
	[ "$status" -eq 1 ]
	[[ $stderr == *"ERROR: Failed to parse pid: invalid integer: a1111"* ]]
	run --separate-stderr "$BT" -p 111a1 -e 'begin { print(1); }'
	[ "$status" -eq 1 ]
	[[ $stderr == *"ERROR: Failed to parse pid: invalid trailing bytes: 111a1"* ]]
	run --separate-stderr "$BT" --pid 5000000 -e 'begin { print(1); }'
	[ "$status" -eq 1 ]
	[[ $stderr == *"ERROR: Pid out of range: 5000000"* ]]
}

@test "-l lists tracepoints" {
	needs_root_and bt-probes
	run --separate-stderr "$BT" -l 'tracepoint:syscalls:sys_enter_getppid'
	[ "$status" -eq 0 ]
	[ "$output" = "tracepoint:syscalls:sys_enter_getppid" ]
	run --separate-stderr "$BT" -l 'tracepoint:syscalls:sys_enter_*'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -gt 100 ]
	grep -qx 'tracepoint:syscalls:sys_enter_openat' <<<"$output"
	# nothing but tracepoints of syscalls
	! grep -v '^tracepoint:syscalls:sys_enter_' <<<"$output"
}

@test "-l without a pattern lists every provider" {
	needs_root_and bt-probes
	run --separate-stderr "$BT" -l
	[ "$status" -eq 0 ]
	grep -q '^tracepoint:sched:sched_switch$' <<<"$output"
	grep -q '^rawtracepoint:' <<<"$output"
	grep -q '^software:' <<<"$output"
	grep -q '^interval:s:$' <<<"$output"
}

@test "-lv shows a tracepoint's arguments" {
	needs_root_and bt-probes
	run --separate-stderr "$BT" -lv 'tracepoint:syscalls:sys_enter_openat'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "tracepoint:syscalls:sys_enter_openat" ]
	[[ $output == *filename* ]]
	[[ $output == *flags* ]]
}

@test "-l with a name that looks like a missing file warns, then searches" {
	needs_root_and bt-probes
	run --separate-stderr "$BT" -l no_such_file.bt
	[[ $stderr == *"WARNING: It appears that 'no_such_file.bt' is a filename but the file does not exist. Treating 'no_such_file.bt' as a search pattern."* ]]
}

@test "-l -e lists the program's probes, expanded" {
	needs_root_and bt-parse bt-check bt-probes
	run --separate-stderr "$BT" -l -e 'tracepoint:syscalls:sys_enter_getppid,tracepoint:syscalls:sys_enter_getpid { exit(); } begin { }'
	[ "$status" -eq 0 ]
	grep -qx 'tracepoint:syscalls:sys_enter_getppid' <<<"$output"
	grep -qx 'tracepoint:syscalls:sys_enter_getpid' <<<"$output"
	! grep -q '^begin' <<<"$output"
}

@test "--dry-run: status 0, no output, nothing left attached" {
	needs_root_and bt-parse bt-check bt-gen bt-load bt-fmt
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR"
	run --separate-stderr timeout 30 "$BT" --dry-run -e 'tracepoint:syscalls:sys_enter_getppid { @ = count(); }'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# the driver's temp files are gone
	[ -z "$(ls -A "$TMPDIR")" ]
}

@test "a stage's failure is the driver's: message and status pass through" {
	needs_root_and bt-parse
	run --separate-stderr "$BT" -e 'begin { printf("unterminated); }'
	[ "$status" -eq 1 ]
	[[ $stderr == *"ERROR:"* ]]
	[ -z "$output" ]
}

@test "-d ast and -d types show the stages' JSON on stderr" {
	needs_root_and bt-parse bt-check bt-gen bt-load bt-fmt
	run --separate-stderr timeout 30 "$BT" -q -d ast,types -e 'begin { exit(); }'
	[ "$status" -eq 0 ]
	grep -q '^{"bt":"ast"' <<<"$stderr"
	grep -q '^{"bt":"typed-ast"' <<<"$stderr"
}

@test "-l FILE lists the probes of the script in FILE" {
	needs_root_and bt-parse bt-check bt-probes
	printf 'interval:ms:1 { exit(); }\ntracepoint:syscalls:sys_enter_getppid { }\n' >"$BATS_TEST_TMPDIR/l.bt"
	run --separate-stderr "$BT" -l "$BATS_TEST_TMPDIR/l.bt"
	[ "$status" -eq 0 ]
	grep -qx 'interval:ms:' <<<"$output"
	grep -qx 'tracepoint:syscalls:sys_enter_getppid' <<<"$output"
}

@test "--probe-filter reaches bt-check; -l -e lists a program's probes" {
	needs_root_and bt-parse bt-check bt-probes
	run "$BT" -l --probe-filter 'ms:2' -e 'interval:ms:100 {} interval:ms:200 {} hardware:cache-misses:10 {}'
	[ "$status" -eq 0 ]
	[ "$output" = "interval:ms:" ]
	run "$BT" -l -e 'hardware:cache-misses:10 { exit(); } tracepoint:syscalls:sys_enter_openat { exit(); }'
	[ "$output" = $'hardware:cache-misses:\ntracepoint:syscalls:sys_enter_openat' ]
}

# ---------------------------------------------------------------- DWARF

TP=$BATS_TEST_DIRNAME/../../build/testprogs

@test "-lv uprobe: parameters from DWARF in upstream's layout" {
	[ -x "$TP/uprobe_test" ] || skip "build/testprogs is not built (make testprogs)"
	run --separate-stderr "$BT" -lv "uprobe:$TP/uprobe_test:uprobeFunction[12]"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "uprobe:$TP/uprobe_test:uprobeFunction1" ]
	[ "${lines[1]}" = "    int* n" ]
	[ "${lines[2]}" = "    char c" ]
	[ "${lines[3]}" = "uprobe:$TP/uprobe_test:uprobeFunction2" ]
	[ "${lines[4]}" = "    struct Foo* foo1" ]
	[ "${lines[5]}" = "    struct Foo* foo2" ]
	[ "${#lines[@]}" -eq 6 ]
	# without -v: the probes only; uretprobes have no args
	run --separate-stderr "$BT" -l "uprobe:$TP/uprobe_test:main"
	[ "$output" = "uprobe:$TP/uprobe_test:main" ]
	run --separate-stderr "$BT" -lv "uretprobe:$TP/uprobe_test:main"
	[ "$output" = "uretprobe:$TP/uprobe_test:main" ]
}

@test "-lv uprobe: separate debug info (--debuginfo, .dwo, .dwp)" {
	[ -x "$TP/uprobe_test-stripped" ] || skip "build/testprogs is not built (make testprogs)"
	# without --debuginfo the stripped binary lists no parameters
	run --separate-stderr "$BT" -lv "uprobe:$TP/uprobe_test-stripped:main"
	[ "$output" = "uprobe:$TP/uprobe_test-stripped:main" ]
	run --separate-stderr "$BT" -lv "uprobe:$TP/uprobe_test-stripped:main" --debuginfo=./external_debug
	[ "${lines[1]}" = "    int argc" ]
	[ "${lines[2]}" = "    char** argv" ]
	# an absolute directory works the same
	run --separate-stderr "$BT" -lv "uprobe:$TP/uprobe_test-stripped:main" --debuginfo="$(cd "$TP/external_debug" && pwd)"
	[ "${lines[1]}" = "    int argc" ]
	run --separate-stderr "$BT" -lv "uprobe:$TP/external_debug/dwo/uprobe_test-split:uprobeFunction2"
	[ "${lines[1]}" = "    struct Foo* foo1" ]
	if [ -e "$TP/external_debug/dwp/uprobe_test-split.dwp" ]; then
		run --separate-stderr "$BT" -lv "uprobe:$TP/external_debug/dwp/uprobe_test-split:uprobeFunction1"
		[ "${lines[1]}" = "    int* n" ]
	fi
}

@test "uprobe args and source lines: located errors" {
	[ -x "$TP/uprobe_test" ] || skip "build/testprogs is not built (make testprogs)"
	run --separate-stderr "$BT" --dry-run -e "uprobe:$TP/uprobe_test@uprobe_test.c:100000 { exit(); }"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"ERROR: no code for uprobe_test.c:100000 in the line table of "* ]]
	run --separate-stderr "$BT" --dry-run -e "uprobe:$TP/uprobe_test-stripped:uprobeFunction1 { print(args.c); }"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"stdin:1:"*"ERROR: args of uprobeFunction1: no DWARF debug info found for "* ]]
	[[ "$stderr" == *"HINT: "*"--debuginfo"* ]]
	run --separate-stderr "$BT" --dry-run -e "uprobe:$TP/uprobe_test:uprobeFunction1 { print(args.nosuch); }"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"nosuch"* ]]
	run --separate-stderr "$BT" --dry-run -e "uretprobe:$TP/uprobe_test@uprobe_test.c:22 { exit(); }"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"uretprobe can not attach to a source line"* ]]
}

@test "--emit-elf, --emit-llvm and --verify-llvm-ir write the object and the IR, and the run goes on" {
	[ "$(id -u)" = 0 ] || skip "needs root"
	run "$BT" --emit-elf "$BATS_TEST_TMPDIR/p.o" --emit-llvm "$BATS_TEST_TMPDIR/p" --verify-llvm-ir \
		-q -e 'begin { printf("ran\n"); exit(); }'
	[ "$status" -eq 0 ]
	[[ "$output" == ran* ]]
	[ "$(head -c 4 "$BATS_TEST_TMPDIR/p.o" | od -An -c | tr -d ' ')" = '177ELF' ]
	grep -q '^define' "$BATS_TEST_TMPDIR/p.original.ll"
	grep -q '^define' "$BATS_TEST_TMPDIR/p.optimized.ll"
}
