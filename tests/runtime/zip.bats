#!/usr/bin/env bats
# tests/runtime/zip.bats - uprobes on a library stored in a ZIP archive
# ("ARCHIVE!/MEMBER", as Android maps libraries out of APKs): listed,
# attached at the member's offset in the archive, and fired by a process
# that maps the member from the archive and calls into it (zip_exec).

load driver_helpers

TP=$ROOT/build/testprogs

# a library with a leaf function zipfn, stored page-aligned in $1
make_zip() {
	local dir=$BATS_TEST_TMPDIR
	printf 'int zipfn(void) { return 42; }\nint zipother(void) { return 7; }\n' >"$dir/z.c"
	cc -shared -fPIC -O1 -nostdlib -o "$dir/libz.so" "$dir/z.c"
	python3 - "$dir/libz.so" "$1" "$2" <<'PY'
import struct, sys, zipfile
lib, out, compress = sys.argv[1], sys.argv[2], sys.argv[3] == "deflate"
data = open(lib, "rb").read()
zi = zipfile.ZipInfo("lib/libz.so")
name_len = len(zi.filename)
# an extra field that pads the local header to 4096 bytes, so the data
# starts on a page (what zipalign does for APKs)
pad = 4096 - 30 - name_len - 4
zi.extra = struct.pack("<HH", 0xD935, pad) + b"\0" * pad
zi.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
with zipfile.ZipFile(out, "w") as z:
    z.writestr(zi, data)
PY
}

@test "a uprobe on ARCHIVE!/MEMBER is listed, attached at the member's offset, and fires" {
	[ -x "$TP/zip_exec" ] || skip "build/testprogs is not built (make testprogs)"
	command -v cc >/dev/null || skip "needs a C compiler"
	make_zip "$BATS_TEST_TMPDIR/app.apk" stored
	run "$BT" -l "uprobe:$BATS_TEST_TMPDIR/app.apk!/lib/libz.so:zip*"
	[ "$status" -eq 0 ]
	[[ "$output" == *"uprobe:$BATS_TEST_TMPDIR/app.apk!/lib/libz.so:zipfn"* ]]
	[[ "$output" == *"uprobe:$BATS_TEST_TMPDIR/app.apk!/lib/libz.so:zipother"* ]]
	# the member's file offset of zipfn (its PT_LOAD maps offset = vaddr)
	fn=$(nm "$BATS_TEST_TMPDIR/libz.so" | awk '$3 == "zipfn" { print "0x" $1 }')
	run --separate-stderr timeout "$LIMIT" "$BT" -q \
		-e 'uprobe:"'"$BATS_TEST_TMPDIR"'/app.apk!/lib/libz.so":zipfn { printf("hit %s\n", probe); }' \
		-c "$TP/zip_exec $BATS_TEST_TMPDIR/app.apk 4096 $fn"
	[ "$status" -eq 0 ]
	[ "$output" = "hit uprobe:$BATS_TEST_TMPDIR/app.apk!/lib/libz.so:zipfn" ]
}

@test "a compressed or missing ZIP member is a clear error" {
	command -v cc >/dev/null || skip "needs a C compiler"
	make_zip "$BATS_TEST_TMPDIR/c.apk" deflate
	run --separate-stderr timeout "$LIMIT" "$BT" -e 'uprobe:"'"$BATS_TEST_TMPDIR"'/c.apk!/lib/libz.so":zipfn { }'
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"ERROR: could not read the symbols of '$BATS_TEST_TMPDIR/c.apk!/lib/libz.so': the ZIP member is compressed"* ]]
	[[ "$stderr" == *"HINT: uprobes reach libraries stored uncompressed"* ]]
	run --separate-stderr timeout "$LIMIT" "$BT" -e 'uprobe:"'"$BATS_TEST_TMPDIR"'/c.apk!/lib/nope.so":zipfn { }'
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"no such member in the ZIP archive"* ]]
}
