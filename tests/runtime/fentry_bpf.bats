#!/usr/bin/env bats
# tests/runtime/fentry_bpf.bats - fentry:bpf and fexit:bpf against programs
# really running: a bt tracepoint program is started in the background, and
# a second run lists it, expands it by name and by id, and attaches (a
# kernel that refuses BPF trampolines gets the one clear error, exit 3).

load driver_helpers

TARGET=tracepoint_syscalls_sys_enter_getpgid_0

# start the target program; sets $bg_pid and $target_id
start_target() {
	start_bt -e 'tracepoint:syscalls:sys_enter_getpgid { @ = count(); }'
	local load
	load=$(find_load "$bg_pid")
	[ -n "$load" ]
	target_id=$(bpf_ids "$load" | sed -n 's/^prog //p' | while read -r id; do
		bpftool prog show id "$id" 2>/dev/null | grep -q "name $TARGET " && echo "$id"
	done | head -1)
	[ -n "$target_id" ]
}

@test "-l 'fentry:bpf:*' lists a running program by id and name (fexit too)" {
	start_target
	run --separate-stderr timeout "$LIMIT" "$BT" -l 'fentry:bpf:*'
	[ "$status" -eq 0 ]
	grep -qx "fentry:bpf:$target_id:$TARGET" <<<"$output"
	# nothing but bpf-variant lines
	[ -z "$(grep -v '^fentry:bpf:[0-9][0-9]*:' <<<"$output")" ]
	run --separate-stderr timeout "$LIMIT" "$BT" -l "fexit:bpf:$target_id:*"
	[ "$status" -eq 0 ]
	[ "$output" = "fexit:bpf:$target_id:$TARGET" ]
	# kernel functions are not listed under bpf, programs not under vmlinux
	run --separate-stderr timeout "$LIMIT" "$BT" -l 'fentry:vmlinux:tracepoint_syscalls*'
	[ -z "$output" ]
}

# the run either attaches (a kernel with trampolines) and prints $2, or
# fails with the trampoline error for provider $1
attach_or_refused() {
	if [ "$status" -eq 0 ]; then
		grep -qx "$2" <<<"$output"
	else
		[ "$status" -eq 3 ]
		[[ "${stderr_lines[0]}" == "stdin:1:1-"*": ERROR: $1 is not supported by this kernel (the kernel refuses BPF trampolines (loading an empty $1 program: "* ]]
		[ "${#stderr_lines[@]}" -eq 3 ]
	fi
}

@test "fentry:bpf:NAME expands to the running program and attaches or says trampolines are refused" {
	start_target
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e "fentry:bpf:$TARGET { printf(\"%s\\n\", probe); exit(); }" \
		-c "$(cmd_script pg <<'EOF'
exec python3 -c 'import os; os.getpgid(0)'
EOF
)"
	attach_or_refused fentry "fentry:bpf:$target_id:$TARGET"
	# the expansion, as bt-check makes it
	run --separate-stderr bash -c "'$BIN/bt-parse' -e 'fentry:bpf:${TARGET%_0}_* { }' | '$BIN/bt-check' --json"
	[ "$status" -eq 0 ]
	[[ "$output" == *"\"name\":\"fentry:bpf:$target_id:$TARGET\",\"target\":\"bpf\",\"func\":\"$TARGET\",\"prog_id\":$target_id,\"nargs\":1"* ]]
}

@test "fexit:bpf:ID:* with retval attaches or says trampolines are refused" {
	start_target
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e "fexit:bpf:$target_id:* { printf(\"ret %d\\n\", retval); exit(); }" \
		-c "$(cmd_script pg <<'EOF'
exec python3 -c 'import os; os.getpgid(0)'
EOF
)"
	attach_or_refused fexit "ret 0"
}

@test "fentry:bpf: a name no program has, with a suggestion for a near one" {
	start_target
	run --separate-stderr timeout "$LIMIT" "$BT" -e 'fentry:bpf:bt_no_such_program_xyz { }'
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "stdin:1:1-34: ERROR: No matches for fentry bpf:bt_no_such_program_xyz." ]
	run --separate-stderr timeout "$LIMIT" "$BT" -e "fentry:bpf:$target_id:${TARGET%_0}_1 { }"
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == *"ERROR: No matches for fentry bpf:$target_id:${TARGET%_0}_1." ]]
	[ "${stderr_lines[3]}" = "HINT: did you mean '$TARGET'?" ]
}

@test "a target program that exits between bt-check and bt-load is one clear error (3)" {
	start_target
	"$BIN/bt-parse" -e "fentry:bpf:$target_id:$TARGET { }" | "$BIN/bt-check" \
		>"$BATS_TEST_TMPDIR/typed"
	kill -INT "$bg_pid"
	wait_bt
	run --separate-stderr bash -c "'$BIN/bt-gen' <'$BATS_TEST_TMPDIR/typed' | '$BIN/bt-load' >/dev/null"
	[ "$status" -eq 3 ]
	[ "${stderr_lines[0]}" = "stdin:1:1-$((${#target_id} + ${#TARGET} + 17)): ERROR: no running BPF program has id $target_id (it may have exited since bt-check found it)" ]
}
