#!/usr/bin/env bats
# tests/runtime/fmt_formats.bats - bt-fmt's flame graph output checked by
# real tools on the golden streams (no kernel needed): the folded stacks
# load into speedscope, the SVG renders in a headless Chromium, zooms on
# click, shows a frame on hover and resets.

load fmt_helpers

setup() {
	[ -x "$BTF" ] || skip "build/bin/bt-fmt is not built (run make)"
	W=$BATS_TEST_TMPDIR
}

@test "folded stacks load into speedscope with the right counts" {
	"$BTF" -f folded "$G/flame_stacks.events" >"$W/stacks.folded" 2>/dev/null
	run speedscope_loads "$W/stacks.folded"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "the SVG renders in Chromium as a flame graph (not blank)" {
	"$BTF" -f svg "$G/flame_stacks.events" >"$W/stacks.svg" 2>/dev/null
	run svg_looks_drawn "$W/stacks.svg" "$W/stacks.png"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "the SVG zooms on click, shows the frame on hover, resets" {
	"$BTF" -f svg "$G/flame_stacks.events" >"$W/stacks.svg" 2>/dev/null
	run svg_zooms "$W/stacks.svg"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "an SVG without stacks still renders and says so" {
	run --separate-stderr "$BTF" -f svg "$G/text_output.events"
	[ "$status" -eq 0 ]
	[[ $output == *"no stack samples"* ]]
	[[ $stderr == *"no map keyed by a stack"* ]]
	echo "$output" >"$W/empty.svg"
	$CHECK svg "$W/empty.svg"
	chromium_run --window-size=1200,200 --screenshot="$W/empty.png" "file://$W/empty.svg" >/dev/null
	[ -s "$W/empty.png" ]
}
