#!/usr/bin/env bats
# tests/runtime/cookie.bats - a wildcard probe whose body uses `probe` is
# one program attached to every match, each attach point with its index as
# BPF cookie; `probe` is looked up by the cookie and must name the attach
# point that fired.

load driver_helpers

@test "a wildcard probe using probe attributes events to the right probe" {
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'tracepoint:syscalls:sys_enter_getp* /pid == cpid/ { @[probe] = count(); }' \
		-c "$(cmd_script getp <<'EOF'
exec python3 -c 'import os; os.getpgid(0); os.getpgid(0); os.getpgid(0); os.getpriority(os.PRIO_PROCESS, 0); os.getpriority(os.PRIO_PROCESS, 0)'
EOF
)"
	[ "$status" -eq 0 ]
	[[ "$output" == *"@[tracepoint:syscalls:sys_enter_getpgid]: 3"* ]]
	[[ "$output" == *"@[tracepoint:syscalls:sys_enter_getpriority]: 2"* ]]
	# every match attached, from one program
	[[ "$stderr" == *"Attached "*" probes"* ]]
}

@test "a cookie probe's names are the full probe names, also in printf" {
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'tracepoint:syscalls:sys_enter_getpriorit*, tracepoint:syscalls:sys_enter_getpgi* /pid == cpid/ { printf("%s\n", probe); }' \
		-c "$(cmd_script getp <<'EOF'
exec python3 -c 'import os; os.getpriority(os.PRIO_PROCESS, 0); os.getpgid(0)'
EOF
)"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'tracepoint:syscalls:sys_enter_getpriority\ntracepoint:syscalls:sys_enter_getpgid')" ]
}

@test "args fields laid out alike keep one program; values follow the probe" {
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'tracepoint:syscalls:sys_exit_getp* /pid == cpid/ { @[probe, args.ret] = count(); }' \
		-c "$(cmd_script getp <<'EOF'
exec python3 -c 'import os
try: os.getpgid(999999)
except OSError: pass
os.getpriority(os.PRIO_PROCESS, 0)'
EOF
)"
	[ "$status" -eq 0 ]
	[[ "$output" == *"@[tracepoint:syscalls:sys_exit_getpgid, -3]: 1"* ]]
	[[ "$output" == *"@[tracepoint:syscalls:sys_exit_getpriority, "*"]: 1"* ]]
}

@test "a uprobe wildcard using probe is one program; names follow the function" {
	prog=$ROOT/build/testprogs/uprobe_test
	[ -x "$prog" ] || skip "build/testprogs/uprobe_test is not built"
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e "uprobe:$prog:uprobeFunction* { @[probe] = count(); } interval:ms:500 { exit(); }" -c "$prog"
	[ "$status" -eq 0 ]
	[[ "$output" == *"@[uprobe:$prog:uprobeFunction2]: "* ]]
	[[ "$output" == *"@[uprobe:$prog:uprobeFunctionBar]: "* ]]
	run sh -c "'$BIN/bt-parse' -e 'uprobe:$prog:uprobeFunction* { @[probe] = count(); }' | '$BIN/bt-check' | '$BIN/bt-gen' --json | tail -1"
	[ "$status" -eq 0 ]
	[ "$(jq '.probes | length' <<<"$output")" = 1 ]
}
