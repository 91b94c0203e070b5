#!/usr/bin/env bats
# bt-check's command line, its input handling and the typed-ast it writes.

setup_file() {
	export BIN="$BATS_TEST_DIRNAME/../../build/bin"
}

check() {
	"$BIN/bt-parse" -e "$1" | "$BIN/bt-check" --json "${@:2}"
}

@test "bt-check --help prints usage and exits 0" {
	run "$BIN/bt-check" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: bt-check"* ]]
}

@test "bt-check --version" {
	run "$BIN/bt-check" --version
	[ "$status" -eq 0 ]
	[[ "$output" == *"0."* ]]
}

@test "an unknown option is bad usage (2)" {
	run "$BIN/bt-check" --no-such-option
	[ "$status" -eq 2 ]
}

@test "an empty stream is a bad input stream (2)" {
	run "$BIN/bt-check" </dev/null
	[ "$status" -eq 2 ]
}

@test "garbage input is a bad input stream (2), not a crash" {
	run bash -c "printf '\x93\xff\x00garbage' | '$BIN/bt-check'"
	[ "$status" -eq 2 ]
}

@test "the wrong stream kind is refused (2)" {
	run bash -c "echo '{\"bt\":\"typed-ast\",\"v\":1,\"src\":\"\"}' | '$BIN/bt-check'"
	[ "$status" -eq 2 ]
	[[ "$output" == *"expected ast"* ]]
}

@test "a header without a program is a bad input stream (2)" {
	run bash -c "echo '{\"bt\":\"ast\",\"v\":1,\"src\":\"\"}' | '$BIN/bt-check'"
	[ "$status" -eq 2 ]
}

@test "a non-program node is a bad input stream (2)" {
	run bash -c "printf '%s\n%s\n' '{\"bt\":\"ast\",\"v\":1,\"src\":\"\"}' '{\"k\":\"int\",\"v\":1}' | '$BIN/bt-check'"
	[ "$status" -eq 2 ]
}

@test "the output is a typed-ast stream with maps and config" {
	run check 'begin { @x[comm] = count(); }'
	[ "$status" -eq 0 ]
	[ "$(head -1 <<<"$output" | jq -r .bt)" = "typed-ast" ]
	prog=$(tail -1 <<<"$output")
	[ "$(jq -r '.maps[0].name' <<<"$prog")" = "@x" ]
	[ "$(jq -r '.maps[0].key.size' <<<"$prog")" = "16" ]
	[ "$(jq -r '.maps[0].val.t' <<<"$prog")" = "count" ]
	[ "$(jq -r '.config.max_strlen' <<<"$prog")" = "64" ]
	[ "$(jq -r '.probes[0].expanded[0].name' <<<"$prog")" = "begin" ]
}

@test "msgpack output round-trips through JSON readers" {
	run bash -c "'$BIN/bt-parse' -e 'begin { exit(); }' | '$BIN/bt-check' | '$BIN/bt-check' 2>&1"
	# a typed-ast is not an ast: the second bt-check refuses it
	[ "$status" -eq 2 ]
	[[ "$output" == *"expected ast"* ]]
}

@test "config values reach the resolved config" {
	run check 'config = { max_strlen = 100; BPFTRACE_STACK_MODE = perf } begin { $s = str(0); }'
	[ "$status" -eq 0 ]
	prog=$(tail -1 <<<"$output")
	[ "$(jq -r '.config.max_strlen' <<<"$prog")" = "100" ]
	[ "$(jq -r '.config.stack_mode' <<<"$prog")" = "perf" ]
}

@test "a wildcard tracepoint is expanded; a body using probe is split" {
	run check 'tracepoint:syscalls:sys_enter_open* { @[probe] = count(); }'
	[ "$status" -eq 0 ]
	prog=$(tail -1 <<<"$output")
	n=$(jq '.probes | length' <<<"$prog")
	[ "$n" -gt 1 ]
	jq -e '[.probes[].expanded | length] | all(. == 1)' <<<"$prog"
	jq -e '[.probes[].expanded[0].name] | index("tracepoint:syscalls:sys_enter_openat")' <<<"$prog"
}

@test "a wildcard probe that does not depend on its attach point stays one probe" {
	run check 'tracepoint:syscalls:sys_enter_open* { @ = count(); }'
	[ "$status" -eq 0 ]
	prog=$(tail -1 <<<"$output")
	[ "$(jq '.probes | length' <<<"$prog")" = "1" ]
	[ "$(jq '.probes[0].expanded | length' <<<"$prog")" -gt 1 ]
}

@test "tracepoint args are typed from the format file" {
	run check 'tracepoint:syscalls:sys_enter_openat { printf("%s\n", str(args.filename)); }'
	[ "$status" -eq 0 ]
	prog=$(tail -1 <<<"$output")
	field=$(jq -c '.probes[0].body.stmts[0].e.args[1].args[0]' <<<"$prog")
	[ "$(jq -r .offset <<<"$field")" = "24" ]
	[ "$(jq -r .t.t <<<"$field")" = "ptr" ]
	[ "$(jq -r .t.user <<<"$field")" = "true" ]
	[ "$(jq -r .e.t.name <<<"$field")" = "args" ]
}

@test "interval and profile attach points get unit and period" {
	run check 'i:ms:100 { exit(); } profile:hz:99 { @ = count(); } interval:2s { exit(); }'
	[ "$status" -eq 0 ]
	prog=$(tail -1 <<<"$output")
	[ "$(jq -c '[.probes[].expanded[0] | [.provider, .unit, .period]]' <<<"$prog")" = '[["interval","ms",100],["profile","hz",99],["interval","s",2]]' ]
}

@test "several errors are reported in one run and the status is 1" {
	run check 'begin { $x = nosuch; @m = 1; @m = "s"; }'
	[ "$status" -eq 1 ]
	[[ "$output" == *"Unknown identifier: 'nosuch'"* ]]
	[[ "$output" == *"Type mismatch for @m"* ]]
}

@test "--no-warnings silences warnings" {
	run check 'config = { strlen = 10 } begin { }'
	[ "$status" -eq 0 ]
	[[ "$output" == *"WARNING"* ]]
	run check 'config = { strlen = 10 } begin { }' --no-warnings
	[[ "$output" != *"WARNING"* ]]
}

@test "-o writes the stream to a file" {
	run bash -c "'$BIN/bt-parse' -e 'begin { }' | '$BIN/bt-check' --json -o '$BATS_TEST_TMPDIR/t.json'"
	[ "$status" -eq 0 ]
	[ "$(head -1 "$BATS_TEST_TMPDIR/t.json" | jq -r .bt)" = "typed-ast" ]
}

@test "uprobe attach points resolve the binary and symbol" {
	run check 'uprobe:bash:readline { printf("%d\n", arg0); }'
	[ "$status" -eq 0 ]
	ap=$(tail -1 <<<"$output" | jq -c '.probes[0].expanded[0]')
	[ "$(jq -r .provider <<<"$ap")" = "uprobe" ]
	[ "$(jq -r .func <<<"$ap")" = "readline" ]
	[[ "$(jq -r .target <<<"$ap")" == /*bash ]]
}

@test "script C structs are laid out and reachable through casts" {
	run check 'struct Foo { int a; char b; long c; } uprobe:/bin/bash:readline { $f = (struct Foo *)arg0; @ = $f->c; }'
	[ "$status" -eq 0 ]
	rhs=$(tail -1 <<<"$output" | jq -c '.probes[0].body.stmts[1].rhs')
	[ "$(jq -r .offset <<<"$rhs")" = "8" ]
	# pointers made in a uprobe point to user memory
	[ "$(jq -r .e.t.user <<<"$rhs")" = "true" ]
}

@test "kernel struct fields come from BTF" {
	[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF"
	run check 'begin { @ = curtask->pid; }'
	[ "$status" -eq 0 ]
	rhs=$(tail -1 <<<"$output" | jq -c '.probes[0].body.stmts[0].rhs')
	[ "$(jq -r .t.size <<<"$rhs")" = "4" ]
	[ "$(jq -r .offset <<<"$rhs")" -gt 0 ]
}

@test "macros expand before type checking" {
	run check 'macro add($x, y) { $x + y } begin { $a = 1; @ = add($a, 2); }'
	[ "$status" -eq 0 ]
	[ "$(tail -1 <<<"$output" | jq -r '.probes[0].body.stmts[1].rhs.k')" = "block_expr" ]
}
