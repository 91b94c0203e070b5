#!/usr/bin/env bats
# iter:NAME probes on the real kernel: BPF iterators run once after
# attaching; the run ends after them when nothing else is attached.
# printf writes into the iterator's seq_file; a pinned iterator's file
# in bpffs shows that text whenever it is read.

load driver_helpers

@test "iter:task visits every task, exit() ends the run after the iteration" {
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'iter:task { printf("comm: %s %d\n", ctx.task.comm, ctx.task.pid); exit(); }'
	[ "$status" -eq 0 ]
	# the driver itself is one of the tasks; the iterator's last call
	# (no task) is not the script's
	grep -qx "comm: bpftrace [0-9]*" <<<"$output"
	[[ "$output" != *"comm:  0"* ]]
	[ "$(grep -c '^comm: ' <<<"$output")" -gt 10 ]
}

@test "iter:task_file and maps: counted per task, printed at exit" {
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'iter:task_file { @files[ctx.task.comm] = count(); }'
	[ "$status" -eq 0 ]
	grep -Eq '^@files\[bpftrace\]: [0-9]+$' <<<"$output"
}

@test "iter with another probe: the iterator runs once, the run goes on" {
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'iter:task /ctx.task.pid == pid/ { printf("self seen\n"); } interval:ms:300 { printf("tick\n"); exit(); }'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'self seen\ntick')" ]
}

# printf in iter probes goes through bpf_seq_printf: the kernel formats,
# bt-check translated the format (bt-check/seqprintf.c)
SEQ_A='printf("%d|%u|%x|%X|%5d|%-5d|%+d|%ld|%lu|%lx|%hd|%hhu\n", -1, -1, -1, 3054, 42, 42, 7, -5000000000, 5000000000, 0xdeadbeefcafe, 70000, 300);'
SEQ_B='printf("%c|%s|%10s|%-10s|%s|%s|%s|%%|%sx|%.2s|%*d\n", 65, "str", "right", "left", true, false, -12345, "s", "prec", 9);'
SEQ_C='printf("%p|%p|%#x|%#X|%#x|é\n", 0, 0x1000, 255, 255, 0);'

@test "iter printf: the kernel's text equals bt's printf text elsewhere" {
	run --separate-stderr timeout "$LIMIT" "$BT" -e "begin { $SEQ_A $SEQ_B $SEQ_C }"
	[ "$status" -eq 0 ]
	expected=$output
	[ "$(grep -c . <<<"$expected")" -eq 3 ]
	grep -qxF -- '-1|4294967295|ffffffff|BEE|   42|42   |+7|-5000000000|5000000000|deadbeefcafe|4464|44' <<<"$expected"
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e "iter:task /ctx.task.pid == pid/ { $SEQ_A $SEQ_B $SEQ_C }"
	[ "$status" -eq 0 ]
	[ "$output" = "$expected" ]
}

@test "iter printf: -f json gives one printf object per line, -o FILE gets the text" {
	run --separate-stderr timeout "$LIMIT" "$BT" -f json \
		-e 'iter:task /ctx.task.pid == pid/ { printf("a %s\nb %d\n", comm, 5); }'
	[ "$status" -eq 0 ]
	[ "$(grep -c '"type": "printf"' <<<"$output")" -eq 2 ]
	grep -qxF '{"type": "printf", "data": "a bpftrace\n"}' <<<"$output"
	grep -qxF '{"type": "printf", "data": "b 5\n"}' <<<"$output"
	run --separate-stderr timeout "$LIMIT" "$BT" -o "$BATS_TEST_TMPDIR/out" \
		-e 'iter:task /ctx.task.pid == pid/ { printf("into the file %d\n", 7); }'
	[ "$status" -eq 0 ]
	[[ "$output" != *"into the file"* ]]
	grep -qxF 'into the file 7' "$BATS_TEST_TMPDIR/out"
}

@test "iter printf: output larger than the seq_file's buffer, every task once" {
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'iter:task { printf("%d %2000s|\n", ctx.task.pid, ctx.task.comm); }'
	[ "$status" -eq 0 ]
	lines=$(grep -c '|$' <<<"$output")
	[ "$lines" -gt 20 ]
	[ "${#output}" -gt $((64 * 1024)) ]
	[ -z "$(grep '|$' <<<"$output" | awk '{ print $1 }' | sort | uniq -d)" ]
}

@test "iter: print() still comes through the ring buffer, after the text" {
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e 'iter:task /ctx.task.pid == pid/ { printf("text\n"); print(42); }'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'text\n42')" ]
}

# the pin a test makes: removed before and after it, even when it fails
use_pin() {
	pin=$1
	rm -f "$pin"
}

teardown() {
	[ -n "${pin:-}" ] && rm -f "$pin"
	[ -n "${bg_pid:-}" ] && kill -KILL "$bg_pid" 2>/dev/null
	true
}

@test "iter pinned under /sys/fs/bpf: the run ends, every read of the pin runs the program" {
	use_pin "/sys/fs/bpf/bt_test_iter_$$"
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e "iter:task:bt_test_iter_$$ /ctx.task.pid == pid/ { printf(\"reader %s %d\\n\", comm, ctx.task.pid); @n = count(); }"
	[ "$status" -eq 0 ]
	[ "$(head -1 <<<"$output")" = "Program pinned to $pin" ]
	[ -e "$pin" ]
	# the reading process is the task that matches
	run cat "$pin"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^reader\ cat\ [0-9]+$ ]]
	run head -c 1000 "$pin"
	[[ "$output" =~ ^reader\ head\ [0-9]+$ ]]
	rm "$pin"
	[ ! -e "$pin" ]
}

@test "iter pinned at an absolute path; a pin that exists is an error" {
	use_pin "/sys/fs/bpf/bt_test_iter_abs_$$"
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e "iter:task_file:$pin { if (ctx.task.pid == pid) { printf(\"fd %d\\n\", ctx.fd); } }"
	[ "$status" -eq 0 ]
	[ "$output" = "Program pinned to $pin" ]
	run cat "$pin"
	grep -qx 'fd 0' <<<"$output"
	grep -qx 'fd 1' <<<"$output"
	run --separate-stderr timeout "$LIMIT" "$BT" \
		-e "iter:task:$pin { printf(\"x\\n\"); }"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"cannot pin probe 'iter:task:$pin' at '$pin': File exists"* ]]
	[[ "$stderr" == *"HINT: remove the old pin first"* ]]
}

@test "iter: comm(pid) reads another task's name through the bpf_task_from_pid kfunc" {
	run --separate-stderr timeout "$LIMIT" "$BT" -q -e 'iter:task { if (ctx.task->pid == ctx.task->tgid && ctx.task->pid == '"$$"') { printf("%s|%s|%s\n", comm(ctx.task->pid), comm(pid), comm(-5)); } }'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "bash|bpftrace|N/A" ]
	[[ "$stderr" == *"WARNING: No such process"* ]]
}
