# tests/runtime/driver_helpers.bash - shared by the driver's real-kernel
# tests (driver.bats, signals.bats, pipeline.bats, tracepoint.bats): where
# the tools are, a private TMPDIR, a getppid load generator, and starting
# ./bpftrace in the background until its probes are attached.

bats_require_minimum_version 1.5.0

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BT=$ROOT/bpftrace
BIN=$ROOT/build/bin
# a stage that hangs must not hang the suite
LIMIT=${BT_TEST_LIMIT:-30}

setup() {
	[ "$(id -u)" = 0 ] || skip "needs root"
	[ -x "$BIN/bt-load" ] || skip "build/bin/bt-load is not built (run make)"
	# the driver's temp files go here: teardown checks nothing is left
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR"
	bg_pid=
}

teardown() {
	if [ -n "${bg_pid:-}" ] && kill -0 "$bg_pid" 2>/dev/null; then
		kill -KILL "$bg_pid" 2>/dev/null
	fi
	[ -n "${load_pid:-}" ] && kill -KILL "$load_pid" 2>/dev/null
	true
}

# the driver removed its temp files
assert_no_temp_files() {
	run ls -A "$TMPDIR"
	[ -z "$output" ] || {
		echo "left behind in TMPDIR: $output"
		return 1
	}
}

# build tests/bench/close_loop.c once per file; prints its path
close_loop() {
	local exe=$BATS_FILE_TMPDIR/close_loop
	if [ ! -x "$exe" ]; then
		cc -O2 -o "$exe" "$ROOT/tests/bench/close_loop.c" >&2 || return 1
	fi
	echo "$exe"
}

# build tests/bench/getppid_loop.c once per file; prints its path
getppid_loop() {
	local exe=$BATS_FILE_TMPDIR/getppid_loop
	if [ ! -x "$exe" ]; then
		cc -O2 -o "$exe" "$ROOT/tests/bench/getppid_loop.c" >&2 || return 1
	fi
	echo "$exe"
}

# start_bt ARGS...: ./bpftrace in the background (SIGINT not ignored, as in
# a terminal), stdout in $BATS_TEST_TMPDIR/out, stderr in .../err; waits
# until it says its probes are attached.  Sets $bg_pid.
start_bt() {
	: >"$BATS_TEST_TMPDIR/out"
	: >"$BATS_TEST_TMPDIR/err"
	__BPFTRACE_NOTIFY_PROBES_ATTACHED=1 env --default-signal=INT \
		"$BT" "$@" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	bg_pid=$!
	local i
	for i in $(seq 1 200); do
		if grep -qs __BPFTRACE_NOTIFY_PROBES_ATTACHED \
			"$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err"; then
			return 0
		fi
		if ! kill -0 "$bg_pid" 2>/dev/null; then
			echo "bpftrace exited before attaching:"
			cat "$BATS_TEST_TMPDIR/err"
			return 1
		fi
		sleep 0.05
	done
	echo "no attach notification after 10 s; stderr:"
	cat "$BATS_TEST_TMPDIR/err"
	return 1
}

# wait_bt: waits (at most $LIMIT s) for the background driver; sets $status
wait_bt() {
	local i
	for i in $(seq 1 $((LIMIT * 10))); do
		kill -0 "$bg_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$bg_pid" 2>/dev/null; then
		echo "bpftrace did not exit within $LIMIT s"
		return 1
	fi
	status=0
	wait "$bg_pid" || status=$?
	bg_pid=
}

# bpf_ids PID: the BPF prog and link ids a process holds ("prog 12", "link 3")
bpf_ids() {
	local f
	for f in /proc/"$1"/fdinfo/*; do
		sed -n 's/^prog_id:[[:space:]]*/prog /p; s/^link_id:[[:space:]]*/link /p' "$f" 2>/dev/null
	done | sort -u
}

# find_load DRIVER_PID: the pid of the driver's bt-load (by its executable:
# bt-load may rename itself): the driver itself, which execs bt-load once
# the program is compiled, or else one of its children
find_load() {
	local c exe
	exe=$(readlink -f "$BIN/bt-load")
	for c in "$1" $(pgrep -P "$1"); do
		if [ "$(readlink -f "/proc/$c/exe")" = "$exe" ]; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

# cmd_script NAME: an executable sh script made of stdin, in the test's
# tmpdir; prints its path.  -c splits its command at spaces only, as
# upstream does (no shell, no quotes), so commands that need a shell or
# quoted words run as such a script.
cmd_script() {
	local f=$BATS_TEST_TMPDIR/$1

	{ echo '#!/bin/sh'; cat; } >"$f"
	chmod +x "$f"
	echo "$f"
}
