#!/usr/bin/env bats
# bt-probes: listing probes in upstream's format (needs tracefs, which
# bt-probes mounts itself when it can).

setup_file() {
	export BTP="$BATS_TEST_DIRNAME/../../build/bin/bt-probes"
}

@test "bt-probes --help prints usage and exits 0" {
	run "$BTP" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: bt-probes"* ]]
}

@test "bt-probes --version" {
	run "$BTP" --version
	[ "$status" -eq 0 ]
	[[ "$output" == *"0."* ]]
}

@test "an unknown option is bad usage (2)" {
	run "$BTP" --no-such-option
	[ "$status" -eq 2 ]
}

@test "-l with a tracepoint glob lists sys_enter_openat" {
	run "$BTP" -l 'tracepoint:syscalls:sys_enter_open*'
	[ "$status" -eq 0 ]
	[[ "$output" == *$'tracepoint:syscalls:sys_enter_openat\n'* ]]
	# only matching names, one per line, sorted
	! grep -v '^tracepoint:syscalls:sys_enter_open' <<<"$output"
	[ "$output" = "$(sort <<<"$output")" ]
}

@test "short provider names work in the pattern" {
	run "$BTP" -l 't:syscalls:sys_enter_openat'
	[ "$status" -eq 0 ]
	[ "$output" = "tracepoint:syscalls:sys_enter_openat" ]
}

@test "-lv shows the arguments of sys_enter_openat" {
	run "$BTP" -lv 'tracepoint:syscalls:sys_enter_openat'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "tracepoint:syscalls:sys_enter_openat" ]
	[ "${lines[1]}" = "    int __syscall_nr" ]
	[[ "$output" == *"    const char * filename"* ]]
	# common_ fields are not arguments
	[[ "$output" != *common_pid* ]]
}

@test "-lv shows char arrays as upstream does" {
	run "$BTP" -lv 'tracepoint:sched:sched_switch'
	[ "$status" -eq 0 ]
	[[ "$output" == *"    char prev_comm[16]"* ]]
}

@test "software and interval probes are listed" {
	run "$BTP" -l 'software:*'
	[ "$status" -eq 0 ]
	[[ "$output" == *"software:cpu-clock:"* ]]
	[[ "$output" == *"software:page-faults:"* ]]
	run "$BTP" -l 'interval:*'
	[[ "$output" == *"interval:s:"* ]]
}

@test "a pattern that matches nothing prints nothing and succeeds" {
	run "$BTP" -l 'tracepoint:nosuchcategory:*'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "--json prints one object per probe with its args" {
	run "$BTP" --json -lv 'tracepoint:syscalls:sys_enter_openat'
	[ "$status" -eq 0 ]
	[ "$(jq -r .probe <<<"$output")" = "tracepoint:syscalls:sys_enter_openat" ]
	[ "$(jq -r '.args[0]' <<<"$output")" = "int __syscall_nr" ]
}

@test "-o writes the listing to a file" {
	run "$BTP" -l 'tracepoint:syscalls:sys_enter_openat' -o "$BATS_TEST_TMPDIR/list"
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/list")" = "tracepoint:syscalls:sys_enter_openat" ]
}

@test "uprobe functions of a binary are listed by name" {
	run "$BTP" -l 'uprobe:/bin/bash:readline'
	[ "$status" -eq 0 ]
	[[ "$output" == *":readline" ]]
	[[ "$output" == uprobe:/* ]]
}

@test "fentry -lv shows BTF-typed arguments" {
	[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF"
	run "$BTP" -lv 'fentry:vmlinux:vfs_read'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fentry:vmlinux:vfs_read" ]
	[[ "$output" == *"    uint64 count"* ]]
}

@test "kprobe listing comes from kallsyms" {
	[ "$(id -u)" = 0 ] || skip "kallsyms needs root"
	run "$BTP" -l 'kprobe:vfs_read'
	[ "$status" -eq 0 ]
	[ "$output" = "kprobe:vfs_read" ]
}

@test "-l lists hardware events with their aliases, sorted" {
	run "$BTP" -l 'hardware:*'
	[ "$status" -eq 0 ]
	[[ "$output" == *$'hardware:cpu-cycles:\n'* ]]
	[[ "$output" == *$'hardware:cycles:'* ]]
	[ "$output" = "$(sort <<<"$output")" ]
}

@test "-l lists software aliases (software:cpu:) and globbed providers" {
	run "$BTP" -l 'software:*'
	[[ "$output" == *$'software:cpu:\n'* ]]
	run "$BTP" -l '*ware:*'
	[[ "$output" == *"hardware:"* && "$output" == *"software:"* ]]
}

@test "comma-separated patterns are listed one after another" {
	run "$BTP" -l 'software:cs:,hardware:cycles:'
	[ "$status" -eq 0 ]
	[ "$output" = $'software:cs:\nhardware:cycles:' ]
}

@test "-lv 'struct X' prints the kernel definition" {
	[ -r /sys/kernel/btf/vmlinux ] || skip "no vmlinux BTF"
	run "$BTP" -lv 'struct task_struct,struct fd'
	[ "$status" -eq 0 ]
	[[ "$output" == *"vmlinux: struct task_struct {"* ]]
	[[ "$output" == *$'vmlinux: struct fd {\n'* ]]
	run "$BTP" -l 'struct task_struct'
	[ "$output" = "struct task_struct" ]
}

@test "user probes are listed with the path as written" {
	tp="$BATS_TEST_DIRNAME/../../build/testprogs"
	[ -x "$tp/uprobe_test" ] || skip "make testprogs first"
	cd "$tp/.."
	run "$BTP" -l 'uprobe:./testprogs/uprobe_te*:uprobeFunction1'
	[ "$status" -eq 0 ]
	[[ "$output" == *$'uprobe:./testprogs/uprobe_test:uprobeFunction1'* ]]
}

@test "--pid lists the user probes of the process's binaries" {
	tp="$BATS_TEST_DIRNAME/../../build/testprogs"
	[ -x "$tp/uprobe_test" ] || skip "make testprogs first"
	"$tp/uprobe_test" & pid=$!
	sleep 0.3
	run "$BTP" -l 'uprobe:*' --pid "$pid"
	kill "$pid"
	[ "$status" -eq 0 ]
	[[ "$output" == *"/uprobe_test:uprobeFunction1"* ]]
	run "$BTP" --pid nope -l
	[ "$status" -eq 2 ]
}

@test "--program lists the expanded probes of a checked program" {
	BIN="$BATS_TEST_DIRNAME/../../build/bin"
	run sh -c "'$BIN/bt-parse' -e 'begin {} interval:ms:5 {} hardware:cache-misses:10 {} tracepoint:xdp:mem_connect {}' | '$BIN/bt-check' | '$BTP' -l --program"
	[ "$status" -eq 0 ]
	[ "$output" = $'interval:ms:\nhardware:cache-misses:\ntracepoint:xdp:mem_connect' ]
}

@test "--program leaves out bench: and test: probes, as begin and end" {
	BIN="$BATS_TEST_DIRNAME/../../build/bin"
	run sh -c "'$BIN/bt-parse' -e 'bench:a {} test:b {} interval:ms:5 {}' | '$BIN/bt-check' | '$BTP' -l --program"
	[ "$status" -eq 0 ]
	[ "$output" = 'interval:ms:' ]
}

@test "--features prints upstream's --info kernel sections" {
	run "$BTP" --features
	[ "$status" -eq 0 ]
	[[ "$output" == *"Kernel helpers"* && "$output" == *"Probe types"* ]]
	[[ "$output" == *"kprobe_session: "* ]]
}

@test "-l without a pattern lists every provider" {
	run "$BTP" -l
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\nhardware:cpu-cycles:\n'* ]]
	[[ "$output" == *$'\nsoftware:cpu-clock:\n'* ]]
	[[ "$output" == *$'\ntracepoint:syscalls:sys_enter_openat\n'* ]]
}
