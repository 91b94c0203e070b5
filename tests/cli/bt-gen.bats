#!/usr/bin/env bats
# bt-gen's command line, its bundle, and the objects it emits: every
# fixture in data/gen/ (typed-ast JSON, as bt-check writes it) must compile,
# be readable by llvm-objdump and bpftool, and load into the kernel
# (`bpftool prog loadall`; skipped when BPF is not available).

setup_file() {
	export BTG="$BATS_TEST_DIRNAME/../../build/bin/bt-gen"
	export DATA="$BATS_TEST_DIRNAME/data/gen"
	export OBJDUMP="$(command -v llvm-objdump-19 || echo /usr/lib/llvm-19/bin/llvm-objdump)"
}

can_load() {
	[ "$(id -u)" = 0 ] && command -v bpftool >/dev/null &&
		[ -d /sys/fs/bpf ] || skip "needs root, bpftool and bpffs"
}

# compile fixture $1 to $BATS_TEST_TMPDIR/$1.o and load every program
load_fixture() {
	local obj="$BATS_TEST_TMPDIR/$1.o" pin="/sys/fs/bpf/bt_gen_test_$$_$1"
	run "$BTG" --emit-obj "$obj" -o /dev/null "$DATA/$1.json"
	[ "$status" -eq 0 ]
	can_load
	rm -rf "$pin"
	# -d: libbpf says when the kernel refused the BTF (it goes on
	# without it, but then callbacks and map BTF are lost)
	run bpftool -d prog loadall "$obj" "$pin"
	rm -rf "$pin"
	echo "$output" | grep -v '^libbpf: elf' | tail -20 >&2
	[ "$status" -eq 0 ]
	[[ "$output" != *"Error loading .BTF"* ]]
}

@test "bt-gen --help prints usage and exits 0" {
	run "$BTG" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: bt-gen"* ]]
	[[ "$output" == *"--emit-llvm"* ]]
	[[ "$output" == *"--emit-obj"* ]]
}

@test "bt-gen --version" {
	run "$BTG" --version
	[ "$status" -eq 0 ]
	[[ "$output" == "bt-gen (bt) "* ]]
}

@test "an unknown option is bad usage (2)" {
	run "$BTG" --no-such-option
	[ "$status" -eq 2 ]
}

@test "an ast stream is refused: pipe through bt-check (2)" {
	run "$BTG" "$DATA/ast.json"
	[ "$status" -eq 2 ]
	[ "$output" = "bt-gen: expected typed-ast, got ast (pipe through bt-check)" ]
}

@test "an empty stream is a bad input stream (2)" {
	run "$BTG" < /dev/null
	[ "$status" -eq 2 ]
	[[ "$output" == *"bt-gen:"* ]]
}

@test "a malformed stream is a bad input stream (2)" {
	run "$BTG" <<< '{"bt":"typed-ast","v":1,"src":"","file":"stdin"}
{"k":"program", "probes": [1, 2'
	[ "$status" -eq 2 ]
	[[ "$output" == *"bt-gen:"* ]]
}

@test "a header without a program is a bad input stream (2)" {
	run "$BTG" <<< '{"bt":"typed-ast","v":1,"src":"","file":"stdin"}'
	[ "$status" -eq 2 ]
	[[ "$output" == *"missing program"* ]]
}

@test "a payload that is not a program node is a bad input stream (2)" {
	run "$BTG" <<< '{"bt":"typed-ast","v":1,"src":"","file":"stdin"}
{"k":"probe"}'
	[ "$status" -eq 2 ]
	[[ "$output" == *"expected a program node"* ]]
}

@test "a missing input file is bad usage (2)" {
	run "$BTG" /no/such/file.json
	[ "$status" -eq 2 ]
	[[ "$output" == *"cannot open"* ]]
}

@test "a construct not compiled yet is a located error (1)" {
	run "$BTG" "$DATA/unsupported.json"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "stdin:1:20-40: ERROR: function 'cat' is not supported yet" ]
	[ "${lines[1]}" = 'BEGIN { @m[1] = 1; cat("/proc/loadavg"); }' ]
	[ "${lines[2]}" = "                   ~~~~~~~~~~~~~~~~~~~~" ]
}

@test "--emit-llvm prints IR with the sections and the maps" {
	run "$BTG" --emit-llvm "$DATA/count.json"
	[ "$status" -eq 0 ]
	[[ "$output" == *'define'*'section "tracepoint/syscalls/sys_enter_openat"'* ]]
	[[ "$output" == *'@AT_ = global'*'section ".maps"'* ]]
	[[ "$output" == *'@bt_ringbuf = '*'global'* ]]
	[[ "$output" == *'section "license"'* ]]
}

@test "--json bundle: header, probes, maps, tables" {
	run "$BTG" --json "$DATA/count.json"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	echo "${lines[0]}" | jq -e '.bt == "bundle" and .v == 1 and (.src | test("count"))'
	echo "${lines[1]}" | jq -e '
		(.elf["$bin"] | startswith("7f454c46")) and
		.probes[0].prog == "tracepoint_syscalls_sys_enter_openat_0" and
		.probes[0].attach[0].name == "tracepoint:syscalls:sys_enter_openat" and
		.probes[0].loc == [0, 59] and
		.maps[0].name == "@" and .maps[0].elf == "AT_" and
		.maps[0].bpf == "percpu_hash" and .maps[0].max_entries == 4096 and
		.maps[0].key == {"t":"string","size":16} and
		.maps[0].val.t == "count" and
		.ringbuf == "bt_ringbuf" and .globals == "bt_globals" and
		.lost == "bt_lost" and .printf == [] and .time == []'
}

@test "--json bundle: printf formats and argument types" {
	run "$BTG" --json "$DATA/printf.json"
	[ "$status" -eq 0 ]
	echo "${lines[1]}" | jq -e '
		.printf[0].fmt == "%s[%d] opened %s flags %x\n" and
		(.printf[0].args | map(.t)) == ["string","int","string","int"] and
		(.printf[0].loc | length) == 2'
}

@test "--json bundle: print, time and map ids of the actions" {
	run "$BTG" --json "$DATA/actions.json"
	[ "$status" -eq 0 ]
	echo "${lines[1]}" | jq -e '
		.time == ["%H:%M:%S\n", "%H\n"] and
		(.print | map(.type.t)) == ["int", "string"] and
		.maps[0].name == "@x" and .maps[0].bpf == "hash"'
}

@test "--json bundle: hist maps key {KEY; u64 bucket} per WIRE.md" {
	run "$BTG" --json "$DATA/hist.json"
	[ "$status" -eq 0 ]
	echo "${lines[1]}" | jq -e '
		(.maps | map({(.name): .bpf}) | add) ==
			{"@h": "percpu_hash", "@h2": "percpu_hash", "@l": "percpu_hash"} and
		(.maps[] | select(.name == "@h2") | .val.k) == 2 and
		(.maps[] | select(.name == "@l") | .val.step) == 100'
}

@test "msgpack bundle by default, and -o writes it" {
	run "$BTG" -o "$BATS_TEST_TMPDIR/b.mp" "$DATA/count.json"
	[ "$status" -eq 0 ]
	[ -s "$BATS_TEST_TMPDIR/b.mp" ]
	# a msgpack map starts with 0x8N or 0xde
	head -c1 "$BATS_TEST_TMPDIR/b.mp" | od -An -tx1 | grep -Eq '8[0-9a-f]|de'
}

@test "bt-gen reads its input from stdin too" {
	run sh -c "'$BTG' --json < '$DATA/count.json'"
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == *'"AT_"'* ]]
}

@test "--emit-obj writes an ELF that llvm-objdump disassembles" {
	run "$BTG" --emit-obj "$BATS_TEST_TMPDIR/h.o" -o /dev/null "$DATA/hist.json"
	[ "$status" -eq 0 ]
	run "$OBJDUMP" -d "$BATS_TEST_TMPDIR/h.o"
	[ "$status" -eq 0 ]
	[[ "$output" == *"file format elf64-bpf"* ]]
	[[ "$output" == *"section tracepoint/syscalls/sys_enter_read"* ]]
	[[ "$output" == *"call 0x1"* ]]   # bpf_map_lookup_elem
	[[ "$output" == *"exit"* ]]
}

@test "the object's BTF declares every map for libbpf" {
	command -v bpftool >/dev/null || skip "needs bpftool"
	"$BTG" --emit-obj "$BATS_TEST_TMPDIR/a.o" -o /dev/null "$DATA/aggs.json"
	run bpftool btf dump file "$BATS_TEST_TMPDIR/a.o"
	[ "$status" -eq 0 ]
	for m in AT_s AT_mn AT_mx AT_a AT_st bt_ringbuf bt_lost bt_globals bt_scratch; do
		[[ "$output" == *"VAR '$m'"* ]]
	done
	[[ "$output" == *"DATASEC '.maps'"* ]]
	# the ring buffer: type 27 (RINGBUF), 4 MiB
	[[ "$output" == *"nr_elems=27"* ]]
	[[ "$output" == *"nr_elems=4194304"* ]]
}

@test "loads: count by comm" {
	load_fixture count
}

@test "loads: hist and lhist" {
	load_fixture hist
}

@test "loads: printf with strings and integers" {
	load_fixture printf
}

@test "loads: tuples as values and keys" {
	load_fixture tuples
}

@test "loads: string comparison and str() keys" {
	load_fixture strings
}

@test "loads: sum min max avg stats" {
	load_fixture aggs
}

@test "loads: print clear zero time exit delete" {
	load_fixture actions
}

@test "loads: signed and unsigned arithmetic, ternary, if/else" {
	load_fixture arith
}

@test "loads: builtins" {
	load_fixture builtins
}

@test "loads: for over a map and over ranges (callbacks with BTF)" {
	load_fixture for
	run "$OBJDUMP" -d "$BATS_TEST_TMPDIR/for.o"
	[[ "$output" == *"<for_cb_0>:"* ]]
	[[ "$output" == *"<for_cb_2>:"* ]]
}

@test "loads: kstack/ustack keys, args of tracepoints and raw tracepoints" {
	load_fixture stacks_args
	run "$BTG" --json "$DATA/stacks_args.json"
	[ "$status" -eq 0 ]
	echo "${lines[1]}" | jq -e '.stacks == "bt_stacks"'
}

@test "no stack map unless a stack is used" {
	run "$BTG" --json "$DATA/count.json"
	[ "$status" -eq 0 ]
	echo "${lines[1]}" | jq -e 'has("stacks") | not'
}

@test "line info carries the script's source lines into .BTF.ext" {
	command -v bpftool >/dev/null || skip "needs bpftool"
	can_load
	local pin="/sys/fs/bpf/bt_gen_test_$$_lines"
	"$BTG" --emit-obj "$BATS_TEST_TMPDIR/c.o" -o /dev/null "$DATA/count.json"
	rm -rf "$pin"
	bpftool prog loadall "$BATS_TEST_TMPDIR/c.o" "$pin" 2>/dev/null
	run bpftool prog dump xlated pinned "$pin/tracepoint_syscalls_sys_enter_openat_0"
	rm -rf "$pin"
	[ "$status" -eq 0 ]
	[[ "$output" == *"; tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }"* ]]
}

@test "the temporary copy of the source is removed" {
	local before after
	before=$(ls -d /tmp/bt-gen.* 2>/dev/null | wc -l)
	"$BTG" -o /dev/null "$DATA/count.json"
	"$BTG" -o /dev/null "$DATA/unsupported.json" 2>/dev/null || true
	after=$(ls -d /tmp/bt-gen.* 2>/dev/null | wc -l)
	[ "$before" -eq "$after" ]
}

@test "broken typed-ast never crashes or hangs bt-gen (mutation fuzzing)" {
	command -v python3 >/dev/null || skip "needs python3"
	run python3 "$DATA/mutate.py" "$BTG" "${BT_FUZZ_SEED:-1}" 150
	echo "$output" | head -40 >&2
	[ "$status" -eq 0 ]
}
