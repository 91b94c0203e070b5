#!/bin/sh
# build.sh OUTDIR - compile every test BPF program here with clang and
# wrap each in a bundle (OUTDIR/NAME.bundle, JSON lines) for bt-load's
# tests.  Variants: begin_end_noexit (no exit(), stopped by a signal),
# tp_open_exit (exits with 7 after the first match).
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=$1
clang=${CLANG:-$(command -v clang-19 || echo /usr/lib/llvm-19/bin/clang)}
mkdir -p "$out"
# the C library the test commands run with, for the uprobe test
libc=$(ldd /bin/true | awk '/libc\.so/ { print $3 }')
build() { # NAME TEMPLATE CFLAGS...
	name=$1 tmpl=$2
	shift 2
	"$clang" -g -O2 -target bpf -I/usr/include/$(uname -m)-linux-gnu \
		-I/usr/include/x86_64-linux-gnu "$@" \
		-c "$here/$tmpl.bpf.c" -o "$out/$name.o"
	sed "s|@LIBC@|$libc|g" "$here/$tmpl.json" > "$out/$name.json"
	"$here/mkbundle" "$out/$name.o" "$out/$name.json" > "$out/$name.bundle"
}
build begin_end begin_end -DEXIT_CODE=0
build begin_exit3 begin_end -DEXIT_CODE=3
build begin_end_noexit begin_end -DEXIT_CODE=-1
build tp_open tp_open
build tp_open_exit tp_open -DWITH_EXIT
build interval interval
build bad bad
build kprobe kprobe
build lost lost
build flood flood
build profile profile
build uprobe uprobe
build kstack kstack
build comm comm
build ustack ustack
build helper_err helper_err
