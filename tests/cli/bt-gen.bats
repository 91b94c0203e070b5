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
	[ "${lines[0]}" = "stdin:1:20-40: ERROR: function 'zzz' is not supported yet" ]
	[ "${lines[1]}" = 'BEGIN { @m[1] = 1; zzz("/proc/loadavg"); }' ]
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

# --- CO-RE: kernel struct members are relocated by libbpf at load ---

# compile data/gen/core_kernel.c (a made-up kernel's BTF) to $FAKE_BTF
fake_kernel_btf() {
	local clang
	clang=$(command -v clang-19 || command -v clang) || skip "needs clang"
	FAKE_BTF="$BATS_TEST_TMPDIR/core_kernel.o"
	"$clang" -target bpf -g -O2 -c "$DATA/core_kernel.c" -o "$FAKE_BTF"
}

# script $1 compiled against the made-up kernel: bundle and object
core_build() {
	local bin="$BATS_TEST_DIRNAME/../../build/bin"
	fake_kernel_btf
	"$bin/bt-parse" -e "$1" | BPFTRACE_BTF="$FAKE_BTF" "$bin/bt-check" |
		BPFTRACE_BTF="$FAKE_BTF" "$BTG" --emit-obj \
			"$BATS_TEST_TMPDIR/core.o" -o "$BATS_TEST_TMPDIR/core.bundle"
}

@test "CO-RE: member reads of kernel structs carry .BTF.ext field relocations" {
	core_build 'begin { printf("%d %d %s\n", curtask->real_parent->tgid, ((struct task_struct *)curtask)->tgid, curtask->comm); exit(); }'
	run "$OBJDUMP" -dr "$BATS_TEST_TMPDIR/core.o"
	[ "$status" -eq 0 ]
	[[ "$output" == *"CO-RE <byte_off> ["*"] struct task_struct::real_parent (0:0)"* ]]
	[[ "$output" == *"CO-RE <byte_off> ["*"] struct task_struct::tgid (0:0)"* ]]
	[[ "$output" == *"CO-RE <byte_off> ["*"] struct task_struct::comm (0:0)"* ]]
	[ "$(echo "$output" | grep -c 'CO-RE <byte_off>')" -eq 3 ]
	# the local type is a partial struct with the made-up offsets
	run bpftool btf dump file "$BATS_TEST_TMPDIR/core.o"
	[[ "$output" == *"STRUCT 'task_struct' size=80 vlen=1"* ]]
	[[ "$output" == *"'tgid' type_id="*" bits_offset=320"* ]]
}

@test "CO-RE: bitfields are read through byte offset, size and shift relocations" {
	core_build 'begin { printf("%d\n", curtask->in_execve); exit(); }'
	run "$OBJDUMP" -dr "$BATS_TEST_TMPDIR/core.o"
	[[ "$output" == *"CO-RE <byte_off> ["*"] struct task_struct::in_execve"* ]]
	[[ "$output" == *"CO-RE <byte_sz> ["*"] struct task_struct::in_execve"* ]]
	[[ "$output" == *"CO-RE <lshift_u64> ["*"] struct task_struct::in_execve"* ]]
	[[ "$output" == *"CO-RE <rshift_u64> ["*"] struct task_struct::in_execve"* ]]
}

@test "CO-RE: the script's own struct definitions are not relocated" {
	run bash -c "'$BATS_TEST_DIRNAME/../../build/bin/bt-parse' -e 'struct task_struct { int x; int tgid; } begin { printf(\"%d\n\", ((struct task_struct *)0)->tgid); }' | '$BATS_TEST_DIRNAME/../../build/bin/bt-check' | '$BTG' --emit-obj '$BATS_TEST_TMPDIR/own.o' -o /dev/null"
	[ "$status" -eq 0 ]
	run "$OBJDUMP" -dr "$BATS_TEST_TMPDIR/own.o"
	[[ "$output" != *"CO-RE"* ]]
}

@test "CO-RE: a bundle built for another kernel loads and reads the right members here" {
	can_load
	local bin="$BATS_TEST_DIRNAME/../../build/bin" pin="/sys/fs/bpf/bt_gen_test_$$_core"
	core_build 'begin { printf("parent %d self %d %s %d\n", curtask->real_parent->tgid, curtask->tgid == pid, curtask->comm, curtask->in_execve); exit(); }'
	# bpftool (libbpf) applies the relocations against this kernel
	rm -rf "$pin"
	run bpftool -d prog loadall "$BATS_TEST_TMPDIR/core.o" "$pin"
	rm -rf "$pin"
	[ "$status" -eq 0 ]
	[[ "$output" == *"struct task_struct: found target candidate"* ]]
	[[ "$output" == *"patched insn"* ]]
	# bt-load runs it: its tgid is pid, its parent the shell, comm its name
	run bash -c "'$bin/bt-load' < '$BATS_TEST_TMPDIR/core.bundle' | '$bin/bt-fmt' 2>/dev/null; echo \"shell \$\$\""
	echo "$output" >&2
	[ "$status" -eq 0 ]
	local shell
	shell=$(echo "$output" | sed -n 's/^shell //p')
	[[ "$output" == *"parent $shell self 1 bt-load 0"* ]]
}

@test "CO-RE: rawtracepoint args pointing to kernel structs are relocated" {
	can_load
	local bin="$BATS_TEST_DIRNAME/../../build/bin"
	"$bin/bt-parse" -e 'rawtracepoint:sched_process_exec /args.p->comm == "true"/ { printf("%s %d %s\n", args.p->comm, args.p->tgid == args.old_pid, str(args.bprm->filename)); exit(); }' |
		"$bin/bt-check" | "$BTG" --emit-obj "$BATS_TEST_TMPDIR/raw.o" -o /dev/null
	run "$OBJDUMP" -dr "$BATS_TEST_TMPDIR/raw.o"
	[[ "$output" == *"struct task_struct::comm"* ]]
	[[ "$output" == *"struct linux_binprm::filename"* ]]
	run timeout 20 "$BATS_TEST_DIRNAME/../../bpftrace" -c /bin/true -e 'rawtracepoint:sched_process_exec /args.p->comm == "true"/ { printf("%s %d %s\n", args.p->comm, args.p->tgid == args.old_pid, str(args.bprm->filename)); exit(); }'
	[ "$status" -eq 0 ]
	[[ "$output" == *"true 1 /bin/true"* ]]
}

# --- map declarations and failed updates ---

# the bundle of script $1 as JSON (the last line)
bundle_of() {
	local bin="$BATS_TEST_DIRNAME/../../build/bin"
	"$bin/bt-parse" -e "$1" | "$bin/bt-check" | "$BTG" --json | tail -1
}

@test "map declarations choose the BPF map type and size; max_map_keys the rest" {
	command -v jq >/dev/null || skip "needs jq"
	run bash -c "$(declare -f bundle_of); BTG='$BTG' BATS_TEST_DIRNAME='$BATS_TEST_DIRNAME' bundle_of 'config = { max_map_keys = 7 } let @a = hash(1); let @l = lruhash(2); let @p = percpulruhash(3); let @q = percpuhash(4); begin { @a[1] = 1; @l[1] = 1; @p[1] = count(); @q[2] = sum(3); @d[1] = 2; }' | jq -c '.maps[] | [.name, .bpf, .max_entries]'"
	[ "$status" -eq 0 ]
	[ "$output" = '["@a","hash",1]
["@l","lru_hash",2]
["@p","lru_percpu_hash",3]
["@q","percpu_hash",4]
["@d","hash",7]' ]
}

@test "every map update can report a failure at its script location (HELPER_ERROR)" {
	command -v jq >/dev/null || skip "needs jq"
	run bash -c "$(declare -f bundle_of); BTG='$BTG' BATS_TEST_DIRNAME='$BATS_TEST_DIRNAME' bundle_of 'let @a = hash(1); begin { @a[1] = 1; @a[2]++; @c = count(); }' | jq -c '.helper_errors'"
	[ "$status" -eq 0 ]
	# the assignment, the ++ and the aggregation call, as upstream
	[ "$output" = '[{"helper":2,"loc":[26,35]},{"helper":2,"loc":[37,44]},{"helper":2,"loc":[51,58]}]' ]
}

@test "a full hash map warns at run time (needs bt-load's HELPER_ERROR decoding)" {
	can_load
	run timeout 20 "$BATS_TEST_DIRNAME/../../bpftrace" -e 'let @a = hash(1); begin { @a[1] = 1; @a[2] = 2; exit(); }'
	echo "$output" >&2
	[[ "$output" != *"unknown ring-buffer record action 8"* ]] ||
		skip "bt-load does not decode HELPER_ERROR records yet"
	[[ "$output" == *"stdin:1:38-47: WARNING: Map full; can't update element. Try increasing max_map_keys config or manually setting the max entries in a map declaration e.g. \`let @a = hash(5000)\`"* ]]
	[[ "$output" == *"Additional Info - helper: map_update_elem, retcode: -7"* ]]
	[[ "$output" == *"@a[1]: 1"* ]]
	# an LRU hash evicts instead
	run timeout 20 "$BATS_TEST_DIRNAME/../../bpftrace" -e 'let @a = lruhash(1); begin { @a[1] = 1; @a[2] = 2; exit(); }'
	[[ "$output" != *"Map full"* ]]
}

@test "a wildcard probe using probe is one program with a table of names" {
	bin=$BATS_TEST_DIRNAME/../../build/bin
	[ -r /sys/kernel/tracing/events/syscalls/sys_enter_openat/format ] ||
		[ -r /sys/kernel/debug/tracing/events/syscalls/sys_enter_openat/format ] ||
		skip "needs tracefs"
	run bash -c "'$bin/bt-parse' -e 'tracepoint:syscalls:sys_enter_* { @[probe] = count(); }' | '$bin/bt-check' | '$BTG' --json | tail -1"
	[ "$status" -eq 0 ]
	# one probe, one program, attached to every syscall with cookies
	[ "$(jq '.probes | length' <<<"$output")" = 1 ]
	[ "$(jq '.probes[0].cookie' <<<"$output")" = true ]
	[ "$(jq '.probes[0].attach | length' <<<"$output")" -gt 100 ]
	jq -e '[.probes[0].attach[].name] | index("tracepoint:syscalls:sys_enter_openat")' <<<"$output"
	run bash -c "'$bin/bt-parse' -e 'tracepoint:syscalls:sys_enter_* { @[probe] = count(); }' | '$bin/bt-check' | '$BTG' --emit-obj '$BATS_TEST_TMPDIR/c.o' -o /dev/null && '$OBJDUMP' -h '$BATS_TEST_TMPDIR/c.o'"
	[ "$status" -eq 0 ]
	[ "$(grep -c ' tracepoint/' <<<"$output")" = 1 ]
	[[ "$output" == *".rodata"* ]]
}

# helper numbers of the kernel's enum bpf_func_id in the objdump of $1
gen_calls() {
	local bin=$BATS_TEST_DIRNAME/../../build/bin
	"$bin/bt-parse" -e "$1" | "$bin/bt-check" --unsafe |
		"$BTG" --emit-obj "$BATS_TEST_TMPDIR/calls.o" -o /dev/null &&
		"$OBJDUMP" -d "$BATS_TEST_TMPDIR/calls.o" |
		sed -n 's/.*call 0x\([0-9a-f]*\)$/\1/p' | while read -r h; do
			echo $((16#$h))
		done
}

@test "override, path, socket_cookie and write_user compile to their helpers (kprobe/fentry cannot load here)" {
	[ -r /sys/kernel/btf/vmlinux ] || skip "needs kernel BTF"
	run gen_calls 'kprobe:do_nanosleep { override(1); }'
	[ "$status" -eq 0 ]
	grep -qx 58 <<<"$output"        # bpf_override_return
	run gen_calls 'fexit:vfs_open { printf("%s %llu %d\n", path(args.path, 64), socket_cookie((struct sock *)args.file->private_data), retval); }'
	[ "$status" -eq 0 ]
	grep -qx 147 <<<"$output"       # bpf_d_path
	grep -qx 46 <<<"$output"        # bpf_get_socket_cookie
	run gen_calls 'tracepoint:syscalls:sys_enter_openat { write_user(args.filename, "x", 1); }'
	[ "$status" -eq 0 ]
	grep -qx 36 <<<"$output"        # bpf_probe_write_user
}

@test "fentry args and fexit retval are loads from the u64 context array" {
	[ -r /sys/kernel/btf/vmlinux ] || skip "needs kernel BTF"
	bin=$BATS_TEST_DIRNAME/../../build/bin
	# vfs_open(const struct path *, struct file *): retval is slot 2
	run bash -c "'$bin/bt-parse' -e 'fexit:vfs_open { @[args.file, retval] = count(); }' | '$bin/bt-check' | '$BTG' --emit-obj '$BATS_TEST_TMPDIR/fx.o' -o /dev/null && '$OBJDUMP' -d '$BATS_TEST_TMPDIR/fx.o'"
	[ "$status" -eq 0 ]
	grep -Eq 'r[0-9] = \*\(u64 \*\)\(r[0-9] \+ 0x8\)' <<<"$output"
	grep -Eq 'r[0-9] = \*\(u64 \*\)\(r[0-9] \+ 0x10\)' <<<"$output"
	run "$bin/bt-probes" -lv 'fexit:vmlinux:vfs_open'
	[ "$status" -eq 0 ]
	[ "${lines[3]}" = "    int32 retval" ]
}

@test "skboutput: tp_btf section, the bt_skb perf event array, the skboutput table" {
	command -v bpftool >/dev/null || skip "needs bpftool"
	bin=$(dirname "$BTG")
	"$bin/bt-parse" -e 'rawtracepoint:consume_skb { $r = skboutput("a.pcap", (struct sk_buff *)arg0, 64, 14); skboutput("b.pcap", (struct sk_buff *)arg0, 1, 0); }' |
		"$bin/bt-check" > "$BATS_TEST_TMPDIR/skb.typed"
	run "$BTG" --json --emit-obj "$BATS_TEST_TMPDIR/skb.o" "$BATS_TEST_TMPDIR/skb.typed"
	[ "$status" -eq 0 ]
	echo "${lines[1]}" | jq -e '
		.probes[0].section == "tp_btf/consume_skb" and
		.skboutput == [{"file": "a.pcap", "offset": 14, "loc": [33, 84]},
			       {"file": "b.pcap", "offset": 0, "loc": [86, 135]}] and
		.perfbuf == "bt_skb"'
	# PERF_EVENT_ARRAY (4); max_entries 0: libbpf sizes it to the CPUs
	run bpftool btf dump file "$BATS_TEST_TMPDIR/skb.o"
	[[ "$output" == *"VAR 'bt_skb'"* ]]
	[[ "$output" == *"nr_elems=4"* ]]
	# bpf_skb_output is helper 111 (0x6f)
	run "$OBJDUMP" -d "$BATS_TEST_TMPDIR/skb.o"
	[[ "$output" == *"call 0x6f"* ]]
	# no perf buffer without skboutput
	run "$BTG" --json "$DATA/count.json"
	echo "${lines[1]}" | jq -e 'has("perfbuf") or has("skboutput") | not'
}

@test "fentry:bpf and fexit:bpf attach points compile to fentry/ and fexit/ tracing programs, the target kept for bt-load" {
	# typed-ast as bt-check writes it for running program 7's function
	# `target_fn` (no running program is needed to compile it)
	local src='fexit:bpf:7:target_fn { @ = retval; }'
	cat >"$BATS_TEST_TMPDIR/bpf.json" <<JSON
{"bt":"typed-ast","v":1,"src":"$src","file":"stdin","params":[]}
{"k":"program","loc":[0,38],"cdefs":"","config":{},"decls":[],"probes":[{"k":"probe","loc":[0,38],"attach":[{"k":"attach","loc":[0,22],"raw":"fexit:bpf:7:target_fn","provider":"fexit","parts":["bpf","7","target_fn"]}],"body":{"k":"block","loc":[23,38],"stmts":[{"k":"assign","loc":[25,35],"op":"=","lhs":{"k":"map","loc":[25,26],"name":"@","t":{"t":"int","size":8}},"rhs":{"k":"ident","loc":[29,35],"name":"retval","offset":16,"t":{"t":"int","size":8}}}]},"expanded":[{"provider":"fexit","name":"fexit:bpf:7:target_fn","target":"bpf","func":"target_fn","prog_id":7,"nargs":2}]}],"macros":[],"fns":[],"imports":[],"maps":[{"name":"@","key":null,"val":{"t":"int","size":8}}]}
JSON
	run "$BTG" --emit-obj "$BATS_TEST_TMPDIR/bpf.o" --json "$BATS_TEST_TMPDIR/bpf.json"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"attach":[{"provider":"fexit","name":"fexit:bpf:7:target_fn","target":"bpf","func":"target_fn","prog_id":7,"nargs":2}]'* ]]
	run "$OBJDUMP" -d "$BATS_TEST_TMPDIR/bpf.o"
	[ "$status" -eq 0 ]
	[[ "$output" == *"section fexit/target_fn"* ]]
	# retval: the u64 after the two arguments in the context
	[[ "$output" == *"r6 = r1"*"= *(u64 *)(r6 + 0x10)"* ]]
	# fentry, from the same input
	sed 's/fexit/fentry/g' "$BATS_TEST_TMPDIR/bpf.json" |
		sed 's/"rhs":{[^}]*}[^}]*}/"rhs":{"k":"int","loc":[29,30],"v":1,"t":{"t":"int","size":8}}/' \
		>"$BATS_TEST_TMPDIR/bpf2.json"
	run "$BTG" --emit-obj "$BATS_TEST_TMPDIR/bpf2.o" -o /dev/null "$BATS_TEST_TMPDIR/bpf2.json"
	[ "$status" -eq 0 ]
	run "$OBJDUMP" -h "$BATS_TEST_TMPDIR/bpf2.o"
	[[ "$output" == *" fentry/target_fn "* ]]
}
