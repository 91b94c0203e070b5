#!/usr/bin/env bats
# bt-load's command line and its handling of bad input streams: nothing
# here loads anything into the kernel (see tests/runtime/bt-load.bats).

bats_require_minimum_version 1.5.0

setup_file() {
	export BTL="$BATS_TEST_DIRNAME/../../build/bin/bt-load"
	export DATA="$BATS_TEST_DIRNAME/data/load"
	export OUT="$BATS_FILE_TMPDIR/load"
	"$DATA/build.sh" "$OUT"
}

@test "bt-load --help prints usage and exits 0" {
	run "$BTL" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: bt-load"* ]]
	[[ "$output" == *"--dry-run"* ]]
}

@test "bt-load --version" {
	run "$BTL" --version
	[ "$status" -eq 0 ]
	[[ "$output" == *"0."* ]]
}

@test "an unknown option is bad usage (2)" {
	run "$BTL" --no-such-option
	[ "$status" -eq 2 ]
}

@test "--no-feature takes upstream's feature names, any other is bad usage (2)" {
	run --separate-stderr "$BTL" --no-feature uprobe_multi,kprobe_mult < /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown feature 'kprobe_mult' for --no-feature"* ]]
	# the names are fine: what fails is the empty input
	run --separate-stderr "$BTL" --no-feature uprobe_multi,,kprobe_multi,kprobe_session < /dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"empty input"* ]]
}

@test "an empty stream is a bad input stream (2)" {
	run "$BTL" < /dev/null
	[ "$status" -eq 2 ]
}

@test "a stream of the wrong kind names both kinds (2)" {
	run "$BTL" <<< '{"bt":"ast","v":1,"src":"","file":"stdin"}'
	[ "$status" -eq 2 ]
	[[ "$output" == *bundle* ]]
	[[ "$output" == *ast* ]]
}

@test "a header without payload is a bad stream (2)" {
	run "$BTL" <<< '{"bt":"bundle","v":1,"src":"","file":"stdin"}'
	[ "$status" -eq 2 ]
	[[ "$output" == *"ends after its header"* ]]
}

@test "truncated JSON is a bad stream (2), not a crash" {
	run "$BTL" <<< '{"bt":"bundle","v":1,"src":"","file":"stdin"}
{"elf": {"$bin": "7f45'
	[ "$status" -eq 2 ]
}

@test "a bundle without elf is malformed (2)" {
	run "$BTL" <<< '{"bt":"bundle","v":1,"src":"","file":"stdin"}
{"probes": [], "maps": []}'
	[ "$status" -eq 2 ]
	[[ "$output" == *"malformed bundle"*"elf"* ]]
}

@test "a payload that is not a map is malformed (2)" {
	run "$BTL" <<< '{"bt":"bundle","v":1,"src":"","file":"stdin"}
[1, 2]'
	[ "$status" -eq 2 ]
	[[ "$output" == *"malformed bundle"* ]]
}

@test "an elf that is not ELF is refused (2)" {
	run "$BTL" <<< '{"bt":"bundle","v":1,"src":"","file":"stdin"}
{"elf": {"$bin": "00112233445566778899"}, "probes": [], "maps": []}'
	[ "$status" -eq 2 ]
	[[ "$output" == *"BPF object"* ]]
}

@test "a probe whose program is not in the ELF is malformed (2)" {
	head -1 "$OUT/begin_end.bundle" > "$OUT/noprog.bundle"
	tail -1 "$OUT/begin_end.bundle" | jq -c '.probes[0].prog = "nosuchprog"' >> "$OUT/noprog.bundle"
	run "$BTL" "$OUT/noprog.bundle"
	[ "$status" -eq 2 ]
	[[ "$output" == *"no program 'nosuchprog'"* ]]
}

@test "a map missing from the ELF is malformed (2)" {
	head -1 "$OUT/begin_end.bundle" > "$OUT/nomap.bundle"
	tail -1 "$OUT/begin_end.bundle" | jq -c '.maps[0].elf = "nosuchmap"' >> "$OUT/nomap.bundle"
	run "$BTL" "$OUT/nomap.bundle"
	[ "$status" -eq 2 ]
	[[ "$output" == *"no map 'nosuchmap'"* ]]
}

@test "a bad map type in the bundle is malformed (2)" {
	head -1 "$OUT/begin_end.bundle" > "$OUT/badtype.bundle"
	tail -1 "$OUT/begin_end.bundle" | jq -c '.maps[0].val = {"t": "nosuchtype"}' >> "$OUT/badtype.bundle"
	run "$BTL" "$OUT/badtype.bundle"
	[ "$status" -eq 2 ]
	[[ "$output" == *"malformed bundle"* ]]
}

@test "a missing input file is bad usage (2)" {
	run "$BTL" /nonexistent/bundle
	[ "$status" -eq 2 ]
}

@test "a skboutput table without its perf buffer is malformed (2)" {
	head -1 "$OUT/begin_end.bundle" > "$OUT/skb.bundle"
	tail -1 "$OUT/begin_end.bundle" | jq -c '.skboutput = [{"file": "x.pcap", "offset": 0}]' >> "$OUT/skb.bundle"
	run "$BTL" "$OUT/skb.bundle"
	[ "$status" -eq 2 ]
	[[ "$output" == *"malformed bundle: 'skboutput' without 'perfbuf'"* ]]
	[ ! -e x.pcap ]
}
