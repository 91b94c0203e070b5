# tests/runtime/fmt_helpers.bash - shared by fmt_formats.bats and
# fmt_replay.bats: a headless Chromium and speedscope (the flame graph
# viewer, from npm) to check bt-fmt's svg and folded output with real
# tools.
#
# Needs: Debian's `chromium` (in the Makefile's DEB_PKGS) and npm; the
# speedscope package is installed once into $BT_TEST_DEPS (build/test-deps)
# at the version pinned here.

bats_require_minimum_version 1.5.0

FMT_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BTF=$FMT_ROOT/build/bin/bt-fmt
CHECK="python3 $FMT_ROOT/tests/runtime/fmt_check.py"
G=$FMT_ROOT/tests/golden/bt-fmt
SPEEDSCOPE_VERSION=1.25.0
TEST_DEPS=${BT_TEST_DEPS:-$FMT_ROOT/build/test-deps}

# chromium ARGS...: headless, no sandbox (we are root), quiet
chromium_run() {
	command -v chromium >/dev/null || {
		echo "chromium is not installed: run 'make deps' (Debian package chromium)" >&2
		return 1
	}
	timeout 90 chromium --headless --no-sandbox --disable-gpu \
		--no-first-run --disable-quic --disable-background-networking \
		--disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$BATS_TEST_TMPDIR/chromium" \
		"$@" 2>/dev/null
}

# the directory of speedscope's release (index.html), installed if needed
speedscope_dir() {
	local d=$TEST_DEPS/speedscope-$SPEEDSCOPE_VERSION
	if [ ! -f "$d/node_modules/speedscope/dist/release/index.html" ]; then
		mkdir -p "$d" &&
			npm install --silent --no-audit --no-fund --prefix "$d" \
				"speedscope@$SPEEDSCOPE_VERSION" >&2 || {
			echo "could not install speedscope from npm" >&2
			return 1
		}
	fi
	echo "$d/node_modules/speedscope/dist/release"
}

# speedscope_loads FOLDED: speedscope reads the file as folded stacks and
# its sandwich view shows every leaf frame with the folded file's count
speedscope_loads() {
	local folded=$1 dir js dom try
	dir=$(speedscope_dir) || return 1
	js=$BATS_TEST_TMPDIR/profile.js
	dom=$BATS_TEST_TMPDIR/speedscope.dom
	$CHECK speedscope-js "$folded" "$js" || return 1
	# a cold headless Chromium (first run after the npm install) can dump
	# the DOM before speedscope has filled the table: one more try then
	for try in 1 2; do
		chromium_run --virtual-time-budget=10000 --window-size=1200,4000 \
			--dump-dom "file://$dir/index.html#localProfilePath=$js&view=sandwich" >"$dom" || return 1
		$CHECK speedscope-dom "$dom" "$folded" && return 0
		[ "$try" = 2 ] || echo "speedscope: retrying once" >&2
	done
	return 1
}

# svg_looks_drawn SVG PNG: Chromium draws it, the screenshot has colour
svg_looks_drawn() {
	chromium_run --window-size=1200,800 --screenshot="$2" "file://$1" >/dev/null || return 1
	[ -s "$2" ] || { echo "no screenshot" >&2; return 1; }
	$CHECK png "$2" 12
}

# svg_zooms SVG: hover, click-to-zoom and reset work in Chromium
svg_zooms() {
	local html=$BATS_TEST_TMPDIR/zoom.html dom=$BATS_TEST_TMPDIR/zoom.dom
	$CHECK zoom-page "$1" "$html" || return 1
	chromium_run --virtual-time-budget=2000 --dump-dom "file://$html" >"$dom" || return 1
	$CHECK zoom-result "$dom"
}
