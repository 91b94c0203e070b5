#!/usr/bin/env bats
# tests/runtime/dwarf.bats - uprobes that use the target's DWARF on the
# real kernel: args by name (scalars, struct members through pointers,
# the whole args struct in a map), casts to DWARF structs, probes on
# source lines, and separate debug info.  The target is
# build/testprogs/uprobe_test (make testprogs), run with -c.

load driver_helpers

TP=$ROOT/build/testprogs

needs_testprogs() {
	[ -x "$TP/uprobe_test" ] || skip "build/testprogs is not built (make testprogs)"
}

@test "args by name: scalars, pointers, struct members, char arrays" {
	needs_testprogs
	run --separate-stderr timeout "$LIMIT" "$BT" -c "$TP/uprobe_test" -e "
		uprobe:$TP/uprobe_test:uprobeFunction1 { printf(\"c=%c n=%d\n\", args.c, *args->n); }
		uprobe:$TP/uprobe_test:uprobeFunction2 {
			printf(\"a=%d b=%s c2=%d foo2.a=%d\n\", args.foo1.a, args.foo1.b, args.foo1->c[2], args.foo2->a);
			exit(); }"
	[ "$status" -eq 0 ]
	[[ "$output" == *"c=x n=13"* ]]
	[[ "$output" == *"a=123 b=hello c2=3 foo2.a=456"* ]]
}

@test "args as a value: map value, map key, a field of the stored copy" {
	needs_testprogs
	run --separate-stderr timeout "$LIMIT" "$BT" -c "$TP/uprobe_test" -e "
		uprobe:$TP/uprobe_test:uprobeFunction1 { @v = args; @k[args] = 1; @c = @v.c; exit(); }"
	[ "$status" -eq 0 ]
	[[ "$output" =~ @v:\ \{\ \.n\ =\ 0x[0-9a-f]+,\ \.c\ =\ 120\ \} ]]
	[[ "$output" =~ @k\[\{\ \.n\ =\ 0x[0-9a-f]+,\ \.c\ =\ 120\ \}\]:\ 1 ]]
	[[ "$output" == *"@c: 120"* ]]
}

@test "16-byte parameters take two registers each, the fourth the stack" {
	needs_testprogs
	run --separate-stderr timeout "$LIMIT" "$BT" -c "$TP/uprobe_test" -e "
		uprobe:$TP/uprobe_test:uprobeFunctionUint128 { @ = args; exit(); }"
	[ "$status" -eq 0 ]
	# x = 0x123456789ABCDEF0, w = 0xABABABABABABABAB (little-endian bytes)
	[[ "$output" == *".x = [240,222,188,154,120,86,52,18,0,0,0,0,0,0,0,0]"* ]]
	[[ "$output" == *".y = [239,239,239,239,239,239,239,239,0,0,0,0,0,0,0,0]"* ]]
	[[ "$output" == *".w = [171,171,171,171,171,171,171,171,0,0,0,0,0,0,0,0]"* ]]
}

@test "casts to a struct defined only in the binary's DWARF" {
	needs_testprogs
	run --separate-stderr timeout "$LIMIT" "$BT" -c "$TP/uprobe_test" -e "
		uprobe:$TP/uprobe_test:uprobeFunction2 { printf(\"a=%d\n\", ((struct Foo *)arg0)->a); exit(); }"
	[ "$status" -eq 0 ]
	[[ "$output" == *"a=123"* ]]
	run --separate-stderr timeout "$LIMIT" "$BT" -c "$TP/uprobe_test" -e "
		uprobe:$TP/uprobe_test:uprobeFunctionBar { printf(\"x=%d nested.a=%d\n\", ((struct Bar *)arg0)->x, ((struct Bar *)arg0)->nested.a); exit(); }"
	[ "$status" -eq 0 ]
	[[ "$output" == *"x=42 nested.a=123"* ]]
}

@test "a source line: the line table's address, func of its function" {
	needs_testprogs
	run --separate-stderr timeout "$LIMIT" "$BT" -c "$TP/uprobe_test" -e "
		uprobe:$TP/uprobe_test@uprobe_test.c:22 { @a = reg(\"pc\"); }
		uprobe:$TP/uprobe_test:uprobeFunction1 { if (@a == reg(\"pc\")) { printf(\"same\n\"); } }
		uprobe:$TP/uprobe_test@uprobe_test.c:36 { printf(\"in %s\n\", func); @p = probe; exit(); }"
	[ "$status" -eq 0 ]
	[[ "$output" == *"same"* ]]
	[[ "$output" == *"in uprobeFunctionBranching"* ]]
	[[ "$output" == *"@p: uprobe:$TP/uprobe_test@uprobe_test.c:36"* ]]
}

@test "separate debug info: --debuginfo, .dwo and .dwp" {
	needs_testprogs
	run --separate-stderr timeout "$LIMIT" "$BT" --debuginfo=./external_debug -c "$TP/uprobe_test-stripped" -e "
		uprobe:$TP/uprobe_test-stripped:uprobeFunction1 { printf(\"%c\n\", args.c); exit(); }"
	[ "$status" -eq 0 ]
	[[ "$output" == *"x"* ]]
	for d in dwo dwp; do
		b=$TP/external_debug/$d/uprobe_test-split
		[ -x "$b" ] || continue
		run --separate-stderr timeout "$LIMIT" "$BT" -c "$b" -e "
			uprobe:$b@uprobe_test.c:22 { @l = 1; }
			uprobe:$b:uprobeFunction2 { printf(\"$d %d %d\n\", args.foo1.a, @l); exit(); }"
		[ "$status" -eq 0 ]
		[[ "$output" == *"$d 123 1"* ]]
	done
}
