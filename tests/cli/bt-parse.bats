#!/usr/bin/env bats
# bt-parse's command line: help, version, the three ways to give a script,
# -o, positional parameters, msgpack versus --json, and exit statuses.
# The trees themselves are checked by tests/unit/test_parse.c and the
# golden cases in tests/golden/bt-parse/.

setup_file() {
	export BTP="$BATS_TEST_DIRNAME/../../build/bin/bt-parse"
}

setup() {
	TMP=$(mktemp -d "${BATS_TMPDIR:-/tmp}/bt-parse.XXXXXX")
}

teardown() {
	rm -rf "$TMP"
}

@test "bt-parse --help prints usage and exits 0" {
	run "$BTP" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: bt-parse"* ]]
	[[ "$output" == *"-e PROGRAM"* ]]
}

@test "bt-parse -h is --help" {
	run "$BTP" -h
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: bt-parse"* ]]
}

@test "bt-parse --version" {
	run "$BTP" --version
	[ "$status" -eq 0 ]
	[[ "$output" == "bt-parse (bt) "* ]]
}

@test "-e: header names the source stdin and carries the text" {
	run "$BTP" --json -e 'BEGIN { exit(); }'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(jq -r '.bt + " " + (.v|tostring) + " " + .file' <<<"${lines[0]}")" = "ast 1 stdin" ]
	[ "$(jq -r .src <<<"${lines[0]}")" = 'BEGIN { exit(); }' ]
	[ "$(jq -r '.probes[0].attach[0].provider' <<<"${lines[1]}")" = BEGIN ]
	[ "$(jq -r '.probes[0].body.stmts[0].e.name' <<<"${lines[1]}")" = exit ]
}

@test "a file argument: the header names the path" {
	printf 'END { @x = 1; }\n' >"$TMP/s.bt"
	run "$BTP" --json "$TMP/s.bt"
	[ "$status" -eq 0 ]
	[ "$(jq -r .file <<<"${lines[0]}")" = "$TMP/s.bt" ]
	[ "$(jq -r '.probes[0].body.stmts[0].k' <<<"${lines[1]}")" = assign ]
}

@test "stdin, with and without '-'" {
	run sh -c "echo 'BEGIN { }' | '$BTP' --json"
	[ "$status" -eq 0 ]
	[ "$(jq -r .file <<<"${lines[0]}")" = stdin ]
	run sh -c "echo 'BEGIN { }' | '$BTP' --json -"
	[ "$status" -eq 0 ]
	[ "$(jq -r .file <<<"${lines[0]}")" = stdin ]
}

@test "-o FILE writes there and nothing to stdout" {
	run "$BTP" --json -o "$TMP/out.json" -e 'BEGIN { }'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(head -1 "$TMP/out.json" | jq -r .bt)" = ast ]
}

@test "default output is msgpack (a fixmap, not JSON)" {
	"$BTP" -e 'BEGIN { }' >"$TMP/out.mp"
	first=$(head -c 1 "$TMP/out.mp" | od -An -tx1 | tr -d ' ')
	[ "$first" != 7b ]
	[ $((0x$first & 0xf0)) -eq $((0x80)) ]
}

@test "positional parameters go to the header and into attach points" {
	run "$BTP" --json -e 'uprobe:$1:main { print($2); }' -- /bin/sh -x
	[ "$status" -eq 0 ]
	[ "$(jq -c .params <<<"${lines[0]}")" = '["/bin/sh","-x"]' ]
	[ "$(jq -r '.probes[0].attach[0].raw' <<<"${lines[1]}")" = uprobe:/bin/sh:main ]
	[ "$(jq -r '.probes[0].body.stmts[0].e.args[0].n' <<<"${lines[1]}")" = 2 ]
}

@test "a file with parameters after --" {
	printf 'BEGIN { printf("%%d\\n", $#); }\n' >"$TMP/p.bt"
	run "$BTP" --json "$TMP/p.bt" -- a b c
	[ "$status" -eq 0 ]
	[ "$(jq -c .params <<<"${lines[0]}")" = '["a","b","c"]' ]
}

@test "an unknown option is bad usage (2)" {
	run "$BTP" --no-such-option
	[ "$status" -eq 2 ]
	[[ "$output" == *"--help"* ]]
}

@test "a missing file is bad usage (2)" {
	run "$BTP" "$TMP/nope.bt"
	[ "$status" -eq 2 ]
	[[ "$output" == *"cannot open"* ]]
}

@test "a syntax error exits 1 with a located message and nothing on stdout" {
	run sh -c "'$BTP' --json -e 'BEGIN { \$x = ; }' 2>$TMP/err"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$(head -1 "$TMP/err")" = "stdin:1:14-15: ERROR: syntax: expected expression" ]
	[ "$(sed -n 3p "$TMP/err")" = "             ~" ]
}

@test "random bytes never crash it" {
	for i in 1 2 3 4 5 6 7 8; do
		head -c 2000 /dev/urandom >"$TMP/r.bt"
		run "$BTP" "$TMP/r.bt"
		[ "$status" -eq 0 ] || [ "$status" -eq 1 ]
	done
}
