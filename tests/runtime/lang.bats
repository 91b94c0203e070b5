#!/usr/bin/env bats
# tests/runtime/lang.bats - language constructs on real uprobes of the
# test programs (build/testprogs, `make testprogs`), run through
# ./bpftrace with -c so the probes see the program's own calls: arrays
# compared and indexed, fixed-size char arrays printed as strings,
# stacks, func in return probes and from the attach point; `for` over
# per-CPU aggregation maps, loaded on one CPU and iterated from another.

load driver_helpers

TP=$ROOT/build/testprogs

# run_tp PROG SCRIPT: ./bpftrace -q -e SCRIPT -c build/testprogs/PROG
run_tp() {
	[ -x "$TP/$1" ] || skip "build/testprogs is not built (make testprogs)"
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e "$2" -c "$TP/$1"
}

@test "== and != on int arrays compare every element" {
	run_tp array_access 'struct A { int x[4]; }
uprobe:'"$TP"'/array_access:test_arrays {
	$a = (struct A *)arg0; $b = (struct A *)arg1;
	printf("%d %d %d %d\n", $a.x == $a.x, $a.x != $a.x, $a.x == $b.x,
	       $a.x != $b.x);
}'
	[ "$status" -eq 0 ]
	[ "$output" = "1 0 0 1" ]
}

@test "a zero-length array member is indexed in the pointed-to memory" {
	run_tp array_access 'struct D { int x; int y[0]; }
uprobe:'"$TP"'/array_access:test_variable_array {
	$a = (struct D *)arg0; @y = $a.y[0]; $i = 0; @z = $a->y[$i];
}'
	[ "$status" -eq 0 ]
	grep -qx '@y: 1' <<<"$output"
	grep -qx '@z: 1' <<<"$output"
}

@test "a char[N] member without a NUL prints its N characters, no trailer" {
	run_tp string_args 'struct F { char s[5]; }
uprobe:'"$TP"'/string_args:print {
	$a = ((struct F *)arg0).s; printf("%s %s|\n", $a, $a); @m = $a;
}'
	[ "$status" -eq 0 ]
	grep -qx 'hello hello|' <<<"$output"
	grep -qx '@m: hello' <<<"$output"
}

@test "errorf in a macro names every place the macro was expanded from" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'macro bad() { errorf("Something bad"); } macro worse() { bad(); } begin { worse(); }'
	[ "$status" -eq 0 ]
	src='macro bad() { errorf("Something bad"); } macro worse() { bad(); } begin { worse(); }'
	expect="stdin:1:15-38: ERROR: Something bad
stdin:1:58-63: ERROR: expanded from
$src
                                                         ~~~~~
stdin:1:75-82: ERROR: expanded from
$src
                                                                          ~~~~~~~"
	[ "$stderr" = "$expect" ]
}

@test "func in a uretprobe is the probed function, not the caller" {
	run_tp uprobe_symres 'uretprobe:'"$TP"'/uprobe_symres:test { printf("func: %s\n", func); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "func: test" ]
}

@test "func in a uprobe names the attach point's function after the process exited" {
	# the map is printed when the traced process is gone: no /proc to
	# symbolize the address by
	run_tp uprobe_symres_exited_process 'uprobe:'"$TP"'/uprobe_symres_exited_process:test { @[func] = count(); }'
	[ "$status" -eq 0 ]
	grep -qx '@\[test\]: 1' <<<"$output"
	! grep -q '0x' <<<"$output"
}

@test "func in a uprobe at FUNC+OFFSET is FUNC" {
	run_tp uprobe_symres 'uprobe:'"$TP"'/uprobe_symres:test+4 { printf("func: %s\n", func); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "func: test" ]
}

@test "func in a uprobe wildcard (one program, by cookie) follows the function" {
	run_tp uprobe_test 'uprobe:'"$TP"'/uprobe_test:uprobeFunction* { @[func] = count(); } interval:ms:350 { exit(); }'
	[ "$status" -eq 0 ]
	grep -q '^@\[uprobeFunction1\]: [1-9]' <<<"$output"
	grep -q '^@\[uprobeFunction2\]: [1-9]' <<<"$output"
	grep -q '^@\[uprobeFunctionBar\]: [1-9]' <<<"$output"
	! grep -q '0x' <<<"$output"
	run sh -c "'$BIN/bt-parse' -e 'uprobe:$TP/uprobe_test:uprobeFunction* { @[func] = count(); }' | '$BIN/bt-check' | '$BIN/bt-gen' --json | tail -1"
	[ "$status" -eq 0 ]
	[ "$(jq '.probes | length' <<<"$output")" = 1 ]
	[ "$(jq -c '.funcs[0:2]' <<<"$output")" = '["uprobeFunction1","uprobeFunction2"]' ]
}

@test "func at an address-only uprobe is symbolized from the address" {
	[ -x "$TP/uprobe_symres" ] || skip "build/testprogs is not built (make testprogs)"
	addr=$(nm "$TP/uprobe_symres" | awk '$3 == "test" { print $1 }')
	[ -n "$addr" ]
	# one cookie program: test2's row names it, the address's row is nil
	run_tp uprobe_symres 'uprobe:'"$TP"'/uprobe_symres:test2, uprobe:'"$TP"'/uprobe_symres:0x'"$addr"' { printf("func: %s\n", func); if (++@n == 2) { exit(); } }'
	[ "$status" -eq 0 ]
	[ "$(grep '^func' <<<"$output")" = "$(printf 'func: test2\nfunc: test')" ]
}

@test "len() of a stack counts its frames, up to its limit" {
	run_tp uprobe_symres 'uprobe:'"$TP"'/uprobe_symres:test {
	$s = ustack(2); $all = ustack;
	printf("%d %d\n", len($s), len($all) >= 3 && len($all) <= 127);
	exit();
}'
	[ "$status" -eq 0 ]
	[ "$output" = "2 1" ]
}

@test "a map computed only from itself reads as int64 0 first" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'begin { @b = @b + 2; @c[1] = @c[1] * 3 + 1; @c[1] = @c[1] * 3 + 1; exit(); }'
	[ "$status" -eq 0 ]
	grep -qx '@b: 2' <<<"$output"
	grep -qx '@c\[1\]: 4' <<<"$output"
}

@test "while: a long loop with a map update loads and runs (bpf_loop), \$i++ widens \$i" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'begin { $i = 0; while ($i < 100000) { $i++; @[$i % 4] = count(); } print($i); exit(); }'
	[ "$status" -eq 0 ]
	grep -qx '100000' <<<"$output"
	[ "$(grep -c '^@\[[0-3]\]: 25000$' <<<"$output")" -eq 4 ]
}

@test "while: break, continue, nesting, inside for, and return from the probe" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'begin {
	$i = 0; $s = 0;
	while ($i < 20) { $i++; if ($i % 2) { continue; } if ($i > 10) { break; }
		$s += $i; $j = 0; while ($j < 3) { $j++; $s += 100; } }
	printf("%d %d\n", $i, $s);
	for ($k : 0..2) { $w = 0; while ($w < 2) { $w++; printf("k%d w%d\n", $k, $w); } }
	$x = 0; while ($x < 10) { $x++; if ($x == 3) { printf("return at %d\n", $x); return; } }
	printf("not reached\n"); }
	end { printf("end\n"); }'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '12 1530\nk0 w1\nk0 w2\nk1 w1\nk1 w2\nreturn at 3\nend')" ]
}

@test "while: a loop bpf_loop cannot finish stops with a located warning" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'begin { $i = 0; while ($i >= 0) { $i++; } printf("%d\n", $i); exit(); }'
	[ "$status" -eq 0 ]
	grep -qx '8388608' <<<"$output"
	[[ "$stderr" == *"stdin:1:17-42: WARNING: while loop stopped after 8388608 iterations, the most bpf_loop runs"* ]]
}

@test "nsecs(sw_tai) is boot time plus bt-load's TAI offset: next to nsecs(tai)" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'i:ms:1 { $a = nsecs(tai); $s = nsecs(sw_tai); $b = nsecs(tai); printf("%d %d\n", $s >= $a - 1000000, $s <= $b + 1000000); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "1 1" ]
}

@test "ustack(build_id): the file's GNU build id and the offset in the file" {
	[ -x "$TP/uprobe_loop" ] || skip "build/testprogs is not built (make testprogs)"
	bid=$(readelf -n "$TP/uprobe_loop" | sed -n 's/.*Build ID: //p')
	[ -n "$bid" ]
	run_tp uprobe_loop 'u:'"$TP"'/uprobe_loop:uprobeFunction1 { print(ustack(build_id, 2)); exit(); }'
	[ "$status" -eq 0 ]
	# uprobeFunction1's own address, as readelf gives it, is the first frame
	addr=$(readelf -sW "$TP/uprobe_loop" | awk '$8 == "uprobeFunction1" { print $2 }')
	grep -qx "$bid 0x$(printf '%x' $((0x$addr - 0x400000)))" <<<"$output" ||
		grep -qx "$bid 0x$(printf '%x' $((0x$addr)))" <<<"$output"
	[ "$(grep -c "^$bid 0x[0-9a-f]*$" <<<"$output")" -eq 2 ]
}

@test "for over an aggregation map combines every CPU's value" {
	[ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
	# the load runs on CPU 1 only; interval probes fire on the first CPU
	# (no shell before python: dash's own getppid would run elsewhere)
	printf 'import os, time\nfor _ in range(3): os.getppid()\ntime.sleep(3)\n' >"$BATS_TEST_TMPDIR/ppid.py"
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e '
tracepoint:syscalls:sys_enter_getppid /pid == cpid/ {
	@c[1] = count(); @s[1] = sum(5); @mn[1] = min(3); @mx[1] = max(9);
	@a[1] = avg(cpu == 1 ? 4 : 1000);
}
interval:ms:100 /@c[1] >= 3/ {
	for ($kv : @c) { printf("count %d\n", $kv.1); }
	for ($kv : @s) { printf("sum %d\n", $kv.1); }
	for ($kv : @mn) { printf("min %d\n", $kv.1); }
	for ($kv : @mx) { printf("max %d\n", $kv.1); }
	for ($kv : @a) { printf("avg %d\n", $kv.1); }
	printf("on %d\n", cpu);
	exit();
}' -c "taskset -c 1 python3 $BATS_TEST_TMPDIR/ppid.py"
	[ "$status" -eq 0 ]
	# python calls getppid itself too: n is at least 3
	n=$(sed -n 's/^count //p' <<<"$output")
	[ -n "$n" ] && [ "$n" -ge 3 ]
	out=$(grep -E '^(sum|min|max|avg|on) ' <<<"$output")
	[ "$out" = "$(printf 'sum %d\nmin 3\nmax 9\navg 4\non 0' $((n * 5)))" ]
}

@test "strcap and default_str_length are compile-time sizes of string-likes" {
	run_tp string_args 'uprobe:'"$TP"'/string_args:print {
	printf("%d %d %d %d\n", strcap("hello"), strcap(str(arg0, 3)),
	       strcap((int8 *)arg0), default_str_length());
}'
	[ "$status" -eq 0 ]
	[ "$output" = "6 3 5 1024" ]
}

@test "strlen of a string, a char pointer and a char array member" {
	run_tp string_args 'struct F { char s[5]; }
uprobe:'"$TP"'/string_args:print {
	printf("%d %d %d\n", strlen("abc"), strlen((int8 *)arg1), strlen(((struct F *)arg0).s));
}'
	[ "$status" -eq 0 ]
	[ "$output" = "3 5 5" ]
}

@test "strstr finds the first index of the needle or gives -1" {
	run_tp string_args 'uprobe:'"$TP"'/string_args:print {
	printf("%d %d %d %d %d\n", strstr("hello", "ll"), strstr(str(arg0), "lo"),
	       strstr((int8 *)arg1, "x"), strstr("abc", ""), strstr("aab", "ab"));
}'
	[ "$status" -eq 0 ]
	[ "$output" = "2 3 -1 0 1" ]
}

@test "str_concat joins two string-likes into a string[1024]" {
	run_tp string_args 'uprobe:'"$TP"'/string_args:print {
	$c = str_concat(str(arg0), " "); $d = str_concat($c, (int8 *)arg1);
	printf("[%s] %d %d\n", $d, strlen($d), sizeof($d));
}'
	[ "$status" -eq 0 ]
	[ "$output" = "[hello world] 11 1024" ]
}

@test "memcmp compares bytes: 0 or the first difference" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'begin { printf("%d %d %d %d\n", memcmp("abc", "abd", 3), memcmp("abc", "abd", 2), memcmp((uint32)0x01020304, (uint32)0x01020301, 4), memcmp("b", "a", 100)); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "-1 0 3 1" ]
}

@test "container_of steps back from a member to its struct" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'struct A { long x; int a; int b; } begin { $p = container_of((int32 *)0x1010, struct A, b); printf("%p %d\n", $p, sizeof(*$p)); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "0x1004 16" ]
}

@test "typeinfo is a record of the static type (with unstable_typeinfo)" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'config = { unstable_typeinfo = enable } begin { $p = (uint16 *)0; print(typeinfo($p)); if comptime (typeinfo("ab").base_type == "string") { print(typeinfo(struct task_struct *).full_type); } exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '{ .btf_id = 0, .base_type = pointer, .full_type = uint16 * }\nstruct task_struct *')" ]
}

@test "is_err is true for ERR_PTR values -4095..-1 only" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'begin { $a = (int64)-1; $b = (int64)-4095; $c = (int64)-4096; printf("%d %d %d %d %d\n", is_err((int8 *)$a), is_err((int8 *)$b), is_err((int8 *)$c), is_err((int8 *)0), is_err($b)); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "1 1 0 0 1" ]
}

@test "typeof(expr|type) in casts, let annotations, sizeof and offsetof" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'struct A { int a; long b; } begin { $x = (int16)5; let $y: typeof($x) = 3; $z = (typeof($x))70000; $p = (struct A *)0; printf("%d %d %d %d %d\n", sizeof($y), $z, sizeof(typeof($x)), offsetof(typeof(*$p), b), sizeof(typeof(struct A))); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "2 4464 2 8 16" ]
}

@test "show_debug_info: source lines and inlined functions in ustack (DWARF)" {
	[ -x "$TP/usdt_inlined" ] || skip "build/testprogs is not built (make testprogs)"
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'config = { show_debug_info=1 } usdt:'"$TP"'/usdt_inlined:tracetest:testprobe { if (arg1 == 100) { printf("%s\n", ustack(2)); exit(); } }' -c "$TP/usdt_inlined"
	[ "$status" -eq 0 ]
	src=$ROOT/tests/testprogs/usdt_inlined.c
	# myclock's probe line, then each call site outwards
	l_probe=$(grep -n 'STAP_PROBE2' "$src" | cut -d: -f1)
	l_call=$(grep -n '^  myclock(100);' "$src" | cut -d: -f1)
	l_wrap=$(grep -n '^  mywrapper_inlined();' "$src" | cut -d: -f1)
	[ "${lines[0]}" = "        [inlined] myclock@$src:$l_probe" ]
	[ "${lines[1]}" = "        [inlined] mywrapper_inlined@$src:$l_call" ]
	[[ "${lines[2]}" =~ ^\ +mywrapper\+[0-9]+@$src:$l_wrap$ ]]
	[[ "${lines[3]}" =~ ^\ +loop\+[0-9]+@$src:[0-9]+$ ]]
}

@test "strstr and strcontains of two 1024-byte strings load (bpf_loop) and find the needle" {
	d=$BATS_TEST_TMPDIR/haystack_dir
	mkdir -p "$d"
	: >"$d/needle.txt"
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'config = { max_strlen = 1024 }
tracepoint:syscalls:sys_enter_openat /pid == cpid && strcontains(str(args.filename), "needle")/ {
	$p = str(args.filename); $q = str(args.filename);
	printf("%d %d %d %d %d\n", strstr($p, "needle"), strstr($p, $q),
	       strcontains($p, $q), strstr($q, "needlf"), strcontains($p, "needle.txtx"));
	exit();
}' -c "/bin/cat $d/needle.txt"
	[ "$status" -eq 0 ]
	[ "$output" = "$(( ${#d} + 1 )) 0 1 -1 0" ]
}

@test "print() of one stats() key combines every CPU's count and total" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'begin { @s[1] = stats(5); @s[1] = stats(7); print(@s[1]); print(@s[2]); clear(@s); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '{ .count = 2, .average = 6, .total = 12 }\n{ .count = 0, .average = 0, .total = 0 }')" ]
}

@test "signal_thread(\"kill\") takes a name without SIG, any case, and kills the thread" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q --unsafe -e 'tracepoint:syscalls:sys_enter_clock_nanosleep /comm == "sleep"/ { signal_thread("kill"); }' -c "$(cmd_script sl <<'EOF'
/bin/sleep 5; echo status $?
EOF
)"
	[ "$status" -eq 0 ]
	[ "$output" = "status 137" ]
}

@test "write_user redirects an open, or names kernel lockdown as the reason it cannot" {
	d=$BATS_TEST_TMPDIR/wu
	mkdir -p "$d"
	echo first >"$d/aaaa"
	echo second >"$d/bbbb"
	run --separate-stderr timeout "$LIMIT" "$BT" -q --unsafe -e 'tracepoint:syscalls:sys_enter_openat /pid == cpid && strcontains(str(args.filename), "aaaa")/ { $r = write_user(args.filename, "'"$d"'/bbbb", '"$(( ${#d} + 6 ))"'); printf("%d\n", $r); }' -c "/bin/cat $d/aaaa"
	[ -r /sys/kernel/security/lockdown ] ||
		mount -t securityfs securityfs /sys/kernel/security 2>/dev/null || true
	lockdown=$(cat /sys/kernel/security/lockdown 2>/dev/null || echo '[none]')
	if [[ "$lockdown" == *"[none]"* ]]; then
		[ "$status" -eq 0 ]
		# the probe's line and cat's output reach stdout by two paths
		[ "$(sort <<<"$output")" = "$(printf '1\nsecond')" ]
	else
		[ "$status" -ne 0 ]
		[[ "$stderr" == *"bpf_probe_write_user, which this kernel does not allow: kernel lockdown"* ]]
	fi
}

@test "cpid warns without -c; has_cpid tells; leader_tid and leader_comm read the group leader" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'begin { print((cpid, has_cpid)); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "(0, false)" ]
	[[ "$stderr" == *'WARNING: No child command (`-c`); cpid is zero'* ]]
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'tracepoint:syscalls:sys_enter_exit_group /pid == cpid/ { printf("%d %s %d %d\n", has_cpid, leader_comm, leader_tid == pid, leader_tid(curtask) == pid); exit(); }' -c /bin/true
	[ "$status" -eq 0 ]
	[ "$output" = "1 true 1 1" ]
}

@test "find() copies a hit into the variable and leaves it on a miss" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'begin { @m[1] = 5; @s[1, "a"] = "str"; @c[7] = count(); @c[7] = count(); @t[1] = (1, "hello"); $v = 0;
	if (find(@m, 1, $v)) { printf("found %d\n", $v); } if (!find(@m, 2, $v)) { printf("miss %d\n", $v); }
	let $x; if (find(@s, (1, "a"), $x)) { print($x); } if (find(@c, 7, $n)) { print($n); }
	let $tv; if (find(@t, 1, $tv)) { print($tv); } clear(@m); clear(@s); clear(@c); clear(@t); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'found 5\nmiss 5\nstr\n2\n(1, hello)')" ]
}

@test "delete() of a hist, lhist or tseries key removes every bucket of it" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'begin { @h[1] = hist(3, 2); @h[1] = hist(1000000, 2); @h[2] = hist(5, 2);
	@l[1] = lhist(5, 0, 100, 10); @l[2] = lhist(150, 0, 100, 10); @t[1] = tseries(5, 1s, 3); @t[2] = tseries(6, 1s, 3);
	$a = delete(@h, 1); $b = delete(@h, 1); $c = delete(@l, 2); $d = delete(@t, 1);
	printf("%d %d %d %d\n", $a, $b, $c, $d); exit(); }'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1 0 1 1" ]
	[[ "$output" == *"@h[2]:"* && "$output" != *"@h[1]:"* ]]
	[[ "$output" == *"@l[1]:"* && "$output" != *"@l[2]:"* ]]
	[[ "$output" == *"@t[2]:"* && "$output" != *"@t[1]:"* ]]
}

@test "debugf() reaches the trace pipe, also under /sys/kernel/debug/tracing" {
	tag=bt$$
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'begin { debugf("'"$tag"' %d %u %s", -1, 2, "x"); debugf("'"$tag"' one %x", 255); exit(); }'
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"WARNING: The debugf() builtin is not recommended for production use."* ]]
	# bt-load mounted debugfs (or tracefs) there when it was missing
	grep -q "bpf_trace_printk: $tag -1 2 x" /sys/kernel/debug/tracing/trace
	grep -q "bpf_trace_printk: $tag one ff" /sys/kernel/debug/tracing/trace
}

@test "kfunc_allowed asks the kernel per program type; comm(pid) works where bpf_task_from_pid is allowed" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'begin { printf("%d %d\n", kfunc_allowed("bpf_task_from_pid"), kfunc_exist("bpf_task_from_pid")); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "0 1" ]
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'tracepoint:syscalls:sys_enter_exit_group /pid == cpid/ { printf("%d %s\n", kfunc_allowed("bpf_task_from_pid"), comm(pid)); exit(); }' -c /bin/true
	[ "$status" -eq 0 ]
	[ "$output" = "1 true" ]
}

@test "uaddr() in a PIE adds the load address (bpf_get_func_ip), also per point of a wildcard" {
	[ -x "$TP/uprobe_test-pie" ] || skip "build/testprogs is not built (make testprogs)"
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'uprobe:'"$TP"'/uprobe_test-pie:uprobeFunction* { printf("%s 0x%x 0x%x\n", func, *uaddr("GLOBAL_A"), *uaddr("GLOBAL_C")); @n = count(); if (@n == 8) { exit(); } }' -c "$TP/uprobe_test-pie"
	[ "$status" -eq 0 ]
	grep -q '^uprobeFunction1 0x55555555 0x33333333$' <<<"$output"
	grep -q '^uprobeFunction2 0x55555555 0x33333333$' <<<"$output"
}

@test "-k: a failed probe read and a missing map key warn at the expression" {
	# upstream's own case, from build/ so the columns are its columns
	cd "$ROOT/build"
	run --separate-stderr timeout "$LIMIT" "$BT" -k -q -f json -e 'struct foo {int a;}; uprobe:./testprogs/helper_error_test:test_helper_error { $tmp = ((struct foo*) arg0).a; exit(); }' -c ./testprogs/helper_error_test
	[ "$status" -eq 0 ]
	[[ "$output" == *'{"type": "helper_error", "msg": "Bad address", "helper": "probe_read_user", "retcode": -14, "filename": "stdin", "line": 1, "col": 87}'* ]]
	run --separate-stderr timeout "$LIMIT" "$BT" -k -q -e 'i:ms:100 { @[1] = 1; printf("%d\n", @[2]); clear(@); exit(); }'
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"stdin:1:37-41: WARNING: Can't lookup map element because it does not exist."*"Additional Info - helper: map_lookup_elem, retcode: 0"* ]]
	# without -k: no warning
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'i:ms:100 { @[1] = 1; printf("%d\n", @[2]); clear(@); exit(); }'
	[[ "$stderr" != *"WARNING"* ]]
}

@test "--unsafe: a uprobe at an offset of a file of raw code (not ELF) fires" {
	[ -f "$TP/false.bin" ] || skip "build/testprogs is not built (make testprogs)"
	run --separate-stderr timeout "$LIMIT" "$BT" -q --unsafe -e 'uprobe:'"$TP"'/false.bin:0x0 { printf("SUCCESS %d\n", pid == cpid); exit(); }' -c "$TP/mmap_exec $TP/false.bin"
	[ "$status" -eq 0 ]
	[ "$output" = "SUCCESS 1" ]
}
