#!/usr/bin/env bats
# tests/runtime/pipeline.bats - the stages run by hand give what ./bpftrace
# gives, and every stage's --json view is JSON that names its stream.

load driver_helpers

PROG='begin { printf("x %d %s\n", 1 + 2, "y"); @a[1] = 3; @b = count(); @h = hist(10); exit(); } end { printf("done\n"); }'

@test "bt-parse | bt-check | bt-gen | bt-load | bt-fmt == ./bpftrace (text)" {
	run --separate-stderr timeout "$LIMIT" bash -c \
		'"$1/bt-parse" -e "$2" | "$1/bt-check" | "$1/bt-gen" | "$1/bt-load" | "$1/bt-fmt"' _ "$BIN" "$PROG"
	[ "$status" -eq 0 ]
	by_hand=$output
	[[ $by_hand == *"x 3 y"* ]]
	run --separate-stderr timeout "$LIMIT" "$BT" -e "$PROG"
	[ "$status" -eq 0 ]
	[ "$output" = "$by_hand" ]
}

@test "bt-parse | bt-check | bt-gen | bt-load | bt-fmt -f json == ./bpftrace -f json" {
	run --separate-stderr timeout "$LIMIT" bash -c \
		'"$1/bt-parse" -e "$2" | "$1/bt-check" | "$1/bt-gen" | "$1/bt-load" | "$1/bt-fmt" -f json' _ "$BIN" "$PROG"
	[ "$status" -eq 0 ]
	by_hand=$output
	run --separate-stderr timeout "$LIMIT" "$BT" -f json -e "$PROG"
	[ "$status" -eq 0 ]
	[ "$output" = "$by_hand" ]
	jq -e . <<<"$output" >/dev/null
}

@test "the bundle can be built first and run later" {
	"$BIN/bt-parse" -e "$PROG" | "$BIN/bt-check" | "$BIN/bt-gen" >"$BATS_TEST_TMPDIR/bundle"
	[ -s "$BATS_TEST_TMPDIR/bundle" ]
	run --separate-stderr timeout "$LIMIT" bash -c '"$1/bt-load" <"$2" | "$1/bt-fmt"' _ "$BIN" "$BATS_TEST_TMPDIR/bundle"
	[ "$status" -eq 0 ]
	[[ $output == *"x 3 y"* ]]
	[[ $output == *"done"* ]]
}

@test "every stage's --json starts with its stream header" {
	"$BIN/bt-parse" --json -e "$PROG" >"$BATS_TEST_TMPDIR/ast.json"
	[ "$(head -1 "$BATS_TEST_TMPDIR/ast.json" | jq -r .bt)" = ast ]
	"$BIN/bt-check" --json <"$BATS_TEST_TMPDIR/ast.json" >"$BATS_TEST_TMPDIR/typed.json"
	[ "$(head -1 "$BATS_TEST_TMPDIR/typed.json" | jq -r .bt)" = typed-ast ]
	"$BIN/bt-gen" --json <"$BATS_TEST_TMPDIR/typed.json" >"$BATS_TEST_TMPDIR/bundle.json"
	[ "$(head -1 "$BATS_TEST_TMPDIR/bundle.json" | jq -r .bt)" = bundle ]
	timeout "$LIMIT" "$BIN/bt-load" --json <"$BATS_TEST_TMPDIR/bundle.json" >"$BATS_TEST_TMPDIR/events.json"
	[ "$(head -1 "$BATS_TEST_TMPDIR/events.json" | jq -r .bt)" = events ]
	# the last event is the exit
	[ "$(tail -1 "$BATS_TEST_TMPDIR/events.json" | jq -r .e)" = exit ]
	# and bt-fmt reads the JSON form as well
	run --separate-stderr "$BIN/bt-fmt" "$BATS_TEST_TMPDIR/events.json"
	[ "$status" -eq 0 ]
	[[ $output == *"x 3 y"* ]]
}

@test "a failing stage fails the hand-built pipeline with its own message" {
	run --separate-stderr bash -c 'set -o pipefail; "$1/bt-parse" -e "begin { @x = nope(); }" | "$1/bt-check" >/dev/null' _ "$BIN"
	[ "$status" -eq 1 ]
	[[ $stderr == *"ERROR:"* ]]
}
