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
	[ "$(jq -r '.config.max_strlen' <<<"$prog")" = "1024" ]
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

@test "a body using args fields laid out differently is split" {
	# args.__syscall_nr is at one offset in all of them, args.flags is not
	run check 'tracepoint:syscalls:sys_enter_open, tracepoint:syscalls:sys_enter_openat { @[probe] = args.__syscall_nr; @f[probe] = args.flags; }'
	[ "$status" -eq 0 ]
	prog=$(tail -1 <<<"$output")
	n=$(jq '.probes | length' <<<"$prog")
	[ "$n" -gt 1 ]
	jq -e '[.probes[].expanded | length] | all(. == 1)' <<<"$prog"
	jq -e '[.probes[].expanded[0].name] | index("tracepoint:syscalls:sys_enter_openat")' <<<"$prog"
	jq -e '[.probes[] | has("cookie")] | any | not' <<<"$prog"
}

@test "a wildcard probe whose body uses only probe is one cookie probe" {
	run check 'tracepoint:syscalls:sys_enter_open* { @[probe] = count(); }'
	[ "$status" -eq 0 ]
	prog=$(tail -1 <<<"$output")
	[ "$(jq '.probes | length' <<<"$prog")" = "1" ]
	[ "$(jq '.probes[0].cookie' <<<"$prog")" = "true" ]
	jq -e '[.probes[0].expanded[].name] | index("tracepoint:syscalls:sys_enter_openat")' <<<"$prog"
	# the probe string holds the longest name
	n=$(jq '[.probes[0].expanded[].name | length] | max' <<<"$prog")
	jq -e --argjson n "$n" '[.. | objects | select(.k? == "ident" and .name == "probe") | .t.size] | all(. == $n + 1)' <<<"$prog"
}

@test "args fields laid out alike in every match keep one cookie probe" {
	run check 'tracepoint:syscalls:sys_exit_* { @[probe] = hist(args.ret); }'
	[ "$status" -eq 0 ]
	prog=$(tail -1 <<<"$output")
	[ "$(jq '.probes | length' <<<"$prog")" = "1" ]
	[ "$(jq '.probes[0].cookie' <<<"$prog")" = "true" ]
	run check 'tracepoint:syscalls:sys_enter_open, tracepoint:syscalls:sys_enter_openat { @[probe] = args.flags; }'
	[ "$status" -eq 0 ]
	prog=$(tail -1 <<<"$output")
	[ "$(jq '.probes | length' <<<"$prog")" = "2" ]
	run check 'tracepoint:syscalls:sys_exit_read, tracepoint:syscalls:sys_exit_write { print(args); }'
	[ "$status" -eq 0 ]
	[ "$(tail -1 <<<"$output" | jq '.probes | length')" = "2" ]
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

@test "--include FILE makes the header's numeric macros constants" {
	run check 'begin { print(EPERM); }' --include errno.h
	[ "$status" -eq 0 ]
	[[ "$output" == *'"v":1'* ]]
	run check 'begin { print(EPERM); }'
	[ "$status" -eq 1 ]
}

@test "-I DIR is searched by #include lines" {
	d=$(mktemp -d)
	printf '#define MY_ANSWER 42\n' >"$d/answer.h"
	run check "$(printf '#include <answer.h>\nbegin { print(MY_ANSWER); }')" -I "$d"
	rm -rf "$d"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"v":42'* ]]
}

@test "--pid is accepted (user probes of that process) and checked" {
	run check 'begin { exit(); }' --pid $$
	[ "$status" -eq 0 ]
	run check 'begin { exit(); }' --pid x
	[ "$status" -eq 2 ]
}

@test "named program options become getopt() literals" {
	run sh -c "'$BIN/bt-parse' -e 'begin { print((getopt(\"aa\", 1), getopt(\"bb\"))); }' -- --aa=7 --bb | '$BIN/bt-check' --json"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"v":7'* && "$output" == *'"v":true'* ]]
}

@test "an unknown or mistyped named option is upstream's error" {
	run sh -c "'$BIN/bt-parse' -e 'begin { print(getopt(\"aa\", 10)); }' -- --bb | '$BIN/bt-check'"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ERROR: unexpected program command line options: --bb"* ]]
	[[ "$output" == *"HINT: expected program options: --aa"* ]]
	run sh -c "'$BIN/bt-parse' -e 'begin { print(getopt(\"aa\", 10)); }' -- --aa=False | '$BIN/bt-check'"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ERROR: program command line option --aa invalid integer (value: False)"* ]]
}

@test "statements after exit() or return are unreachable: warned, dropped" {
	run check 'interval:ms:100 { @++; exit(); @++ }'
	[ "$status" -eq 0 ]
	[[ "$output" == *"WARNING: Unreachable statement."* ]]
	run sh -c "'$BIN/bt-parse' -e 'begin { return; print(1); }' | '$BIN/bt-check' --json 2>/dev/null | tail -1 | jq '.probes[0].body.stmts | length'"
	[ "$output" = 1 ]
}

@test "config().KEY is the resolved config value" {
	run check 'config = { max_strlen = 100 } begin { print((config().max_strlen, config().stack_mode)); }'
	[ "$status" -eq 0 ]
	[[ "$output" == *'"v":100'* && "$output" == *'"v":"bpftrace"'* ]]
}

@test "__builtin_X is the builtin X" {
	run sh -c "'$BIN/bt-parse' -e 'begin { print((__builtin_pid, __builtin_comm())); }' | '$BIN/bt-check' --json | tail -1"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"name":"pid"'* && "$output" != *"__builtin_"* ]]
}

@test "typeof() arguments of macros work as types" {
	run check 'struct Foo { char m; } macro sof(a, b) { sizeof(a[2]) + sizeof(b*) + sizeof(b) } begin { print(sof(typeof(uint64*), typeof(struct Foo))); }'
	[ "$status" -eq 0 ]
}

@test "float members in C definitions keep the layout" {
	run check 'union N { int i; float f; }; struct Foo { int m; union N n; double d; }; begin { print(sizeof(struct Foo)); }'
	[ "$status" -eq 0 ]
	[[ "$output" == *'"v":16'* ]]
}

@test "compile-time predicates fold into bool literals" {
	run sh -c "'$BIN/bt-parse' -e 'begin { @m[1] = 1; @s = 1; print((is_str(\"a\"), is_ptr(1), is_unsigned_integer((uint8)1), is_literal(1), is_scalar(@m), is_scalar(@s))); }' | '$BIN/bt-check' --json | tail -1 | jq -c '[.probes[0].body.stmts[2].e.args[0].elems[].v]'"
	[ "$status" -eq 0 ]
	[ "$output" = "[true,false,true,true,false,true]" ]
}

@test "find() types its scratch variable from the map" {
	run check 'begin { @m[1] = "x"; if (find(@m, 1, $v)) { print($v); } }'
	[ "$status" -eq 0 ]
}

@test "uaddr() is a user pointer to the symbol of the uprobe's binary" {
	tp="$BATS_TEST_DIRNAME/../../build/testprogs"
	[ -x "$tp/uprobe_test" ] || skip "make testprogs first"
	run check "uprobe:$tp/uprobe_test:uprobeFunction1 { print(*uaddr(\"GLOBAL_A\")); }"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"user":true'* ]]
	run check 'begin { print(uaddr("GLOBAL_A")); }'
	[ "$status" -eq 1 ]
}

@test "system() and signal() need --unsafe" {
	run check 'begin { system("true"); }'
	[ "$status" -eq 1 ]
	[[ "$output" == *"system() is an unsafe function being used in safe mode"* ]]
	run check 'begin { system("true"); }' --unsafe
	[ "$status" -eq 0 ]
	run check 'tracepoint:syscalls:sys_enter_read { signal("SIGUSR1"); }'
	[[ "$output" == *"signal() is unsafe. To use you need the --unsafe flag"* ]]
}

@test "pointers read through user pointers are user pointers" {
	run sh -c "'$BIN/bt-parse' -e 'struct Foo { int a; } struct C { int *z[4]; } uprobe:/bin/bash:readline { \$pp = (struct Foo **)arg0; print((*\$pp).a); print(*((struct C *)arg0).z[1]); let \$c: struct C *; }' | '$BIN/bt-check' --json | tail -1 | jq -c '[.probes[0].body.stmts[1].e.args[0].e.t.user, .probes[0].body.stmts[2].e.args[0].e.t.user]'"
	[ "$status" -eq 0 ]
	[ "$output" = "[true,true]" ]
}

@test "--probe-filter keeps the matching attach points, begin and end" {
	run sh -c "'$BIN/bt-parse' -e 'begin {} interval:ms:100 {} interval:ms:200 {}' | '$BIN/bt-check' --json --probe-filter 'ms:2' | tail -1 | jq -c '[.probes[].expanded[].name]'"
	[ "$status" -eq 0 ]
	[ "$output" = '["begin","interval:ms:200"]' ]
	run check 'interval:ms:100 {}' --probe-filter nothing_matches
	[ "$status" -eq 1 ]
	[[ "$output" == *"ERROR: No probes to attach"* ]]
}

@test "counts in attach points may be written MeN" {
	run sh -c "'$BIN/bt-parse' -e 'software:cpu:1e6 {} interval:ms:1e2 {}' | '$BIN/bt-check' --json | tail -1 | jq -c '[.probes[].expanded[].period]'"
	[ "$output" = "[1000000,100]" ]
}

@test "uprobe and usdt probe names keep the path as written" {
	tp="$BATS_TEST_DIRNAME/../../build/testprogs"
	[ -x "$tp/uprobe_test" ] || skip "make testprogs first"
	cd "$tp/.."
	run sh -c "'$BIN/bt-parse' -e 'uprobe:testprogs/uprobe_test:uprobeFunction1 {}' | '$BIN/bt-check' --json | tail -1 | jq -r '.probes[0].expanded[0] | .name + \" \" + .target'"
	[ "$output" = "uprobe:testprogs/uprobe_test:uprobeFunction1 $PWD/testprogs/uprobe_test" ]
}

@test "a size-0 symbol is upstream's two-line error without --unsafe" {
	tp="$BATS_TEST_DIRNAME/../../build/testprogs"
	[ -x "$tp/uprobe_test" ] || skip "make testprogs first"
	run check "uprobe:$tp/uprobe_test:_init {}"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "ERROR: Could not determine boundary for _init (symbol has size 0)." ]]
	[[ "${lines[1]}" == "Use --unsafe to force attachment."* ]]
}

@test "*ptr to a kernel struct has the struct's size" {
	[ -r /sys/kernel/btf/vmlinux ] || skip "no vmlinux BTF"
	run sh -c "'$BIN/bt-parse' -e 'tracepoint:syscalls:sys_enter_nanosleep { \$t = (*args.rqtp).tv_nsec; }' | '$BIN/bt-check' --json | tail -1 | jq -c '.probes[0].body.stmts[0].rhs.e.t.size'"
	[ "$status" -eq 0 ]
	[ "$output" = 16 ]
}

@test "assert(cond, msg) is upstream's stdlib macro: errorf and exit(1)" {
	run sh -c "'$BIN/bt-parse' -e 'begin { assert(1 == 2, \"boom\"); }' | '$BIN/bt-check' --json | tail -1 | jq -c '.probes[0].body.stmts[0] | [.k, .then.stmts[0].e.name, .then.stmts[0].e.args[0].v, .then.stmts[1].e.name]'"
	[ "$status" -eq 0 ]
	[ "$output" = '["if","errorf","assert failed: %s","exit"]' ]
}

@test "C definitions: libclang loads only for scripts that have them" {
	run check 'begin { exit(); }' -o /dev/null
	[ "$status" -eq 0 ]
	# a stand-in for an absent libclang: the script without C still runs
	lib=$(ls /usr/lib/*-linux-gnu/libclang-19.so.1 2>/dev/null | head -n 1)
	[ -n "$lib" ] || skip "libclang-19.so.1 not installed"
	! ls /usr/lib/*-linux-gnu/libclang.so >/dev/null 2>&1 || skip "libclang.so also present"
	run unshare -m sh -c "mount --bind /dev/null '$(readlink -f "$lib")' &&
		'$BIN/bt-parse' -e 'begin { exit(); }' | '$BIN/bt-check' -o /dev/null &&
		'$BIN/bt-parse' -e 'struct A { int x; }
begin { exit(); }' | '$BIN/bt-check' -o /dev/null"
	[ "$status" -eq 1 ]
	[[ "$output" == *"stdin:1:1-20: ERROR: C definitions need libclang, which cannot be loaded"* ]]
	[[ "$output" == *"HINT: install Debian's libclang1-19"* ]]
}

@test "C definitions: #include and #define constants, kernel types from BTF" {
	run check '#include <linux/errno.h>
#define TWICE (EAGAIN * 2)
struct S { char c; struct list_head l; }
begin { printf("%d %d\n", TWICE, sizeof(struct S)); }'
	[ "$status" -eq 0 ]
	[[ "$output" == *'{"k":"int","loc":[119,124],"v":22,'* ]]
	[[ "$output" == *'{"k":"int","loc":[126,142],"v":24,'* ]]
}

@test "skboutput: a rawtracepoint probe becomes one tp_btf probe per attach point" {
	run sh -c "'$BIN/bt-parse' -e 'rawtracepoint:consume_skb, rawtracepoint:kfree_skb { skboutput(\"x.pcap\", (struct sk_buff *)arg0, 64, 14); }' | '$BIN/bt-check' --json | tail -1 | jq -c '[.probes[] | [.tp_btf, [.expanded[].func]]]'"
	[ "$status" -eq 0 ]
	[ "$output" = '[[true,["consume_skb"]],[true,["kfree_skb"]]]' ]
	# without a tracing-only call: one raw_tp program serves both
	run sh -c "'$BIN/bt-parse' -e 'rawtracepoint:consume_skb, rawtracepoint:kfree_skb { @ = count(); }' | '$BIN/bt-check' --json | tail -1 | jq -c '[.probes[] | [.tp_btf, [.expanded[].func]]]'"
	[ "$status" -eq 0 ]
	[ "$output" = '[[null,["consume_skb","kfree_skb"]]]' ]
}

@test "skboutput: the call is typed uint32 and fentry probes are not marked tp_btf" {
	run sh -c "'$BIN/bt-parse' -e 'fentry:consume_skb { \$r = skboutput(\"x.pcap\", args.skb, 64, 0); }' | '$BIN/bt-check' --json | tail -1 | jq -c '.probes[0] | [.tp_btf, .body.stmts[0].rhs.t]'"
	[ "$status" -eq 0 ]
	[ "$output" = '[null,{"t":"int","size":4}]' ]
}

@test "fentry/fexit attach points get a program each: the kernel binds one to its function at load" {
	[ -r /sys/kernel/btf/vmlinux ] || skip "needs kernel BTF"
	run check 'fentry:vfs_read,fexit:vfs_write,begin { @ = count(); }'
	[ "$status" -eq 0 ]
	[ "$(grep -o '"expanded":\[[^]]*\]' <<<"$output" | wc -l)" -eq 3 ]
	# others still share one program
	run check 'tracepoint:syscalls:sys_enter_read,tracepoint:syscalls:sys_enter_write { @ = count(); }'
	[ "$status" -eq 0 ]
	[ "$(grep -o '"expanded":\[[^]]*\]' <<<"$output" | wc -l)" -eq 1 ]
}
