# bt - the one build.  `make` builds every tool into build/bin (and links
# them at the top level as ./bt-parse etc. are directories: use build/bin or
# ./bpftrace, which finds them).  See README.md.
#
#   make            all tools
#   make test       deps + build + every test (unit, golden, cli, runtime)
#   make example    deps + build + a real trace of a few seconds
#   make deps       install missing Debian packages (as root)
#   make install PREFIX=/usr/local
#   make clean
#   V=1             show the commands

PREFIX   ?= /usr/local
O        ?= build
LLVM_CONFIG ?= $(shell command -v llvm-config-19 || echo /usr/lib/llvm-19/bin/llvm-config)
CLANG    ?= $(shell command -v clang-19 || echo /usr/lib/llvm-19/bin/clang)

CC       ?= cc
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare \
            -Wno-missing-field-initializers -D_GNU_SOURCE -Ishare -I.
PKGS      = libbpf libelf msgpack
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBBPF_LIBS  := $(shell pkg-config --libs libbpf libelf 2>/dev/null)
MSGPACK_LIBS := $(shell pkg-config --libs msgpack 2>/dev/null || echo -lmsgpackc)
# libdw (elfutils): the uprobe provider's DWARF reader (bt-probes/dwarfinfo.c),
# so every tool that links bt-probes' lib.a links it
DW_LIBS      := $(shell pkg-config --libs libdw 2>/dev/null || echo -ldw -lelf)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)
LLVM_CFLAGS  := $(shell $(LLVM_CONFIG) --cflags 2>/dev/null | sed 's/-std=[^ ]*//')
# bt-check compiles against libclang's header (libclang-19-dev) but loads
# libclang with dlopen() only for scripts with C definitions: nothing links it
CLANG_CFLAGS := -I$(shell $(LLVM_CONFIG) --includedir 2>/dev/null || echo /usr/lib/llvm-19/include)
# bt-gen is linked fully static: LLVM's static initialisers touch most of
# its text, and a static, non-PIE binary has no relocations to process and
# no shared libraries to map, which keeps its peak RSS near 27 MiB (the
# start-up benchmark's largest process).  Only LLVM's BPF target is linked.
LLVM_LIBS    := $(shell $(LLVM_CONFIG) --link-static --ldflags --libs bpf \
                  2>/dev/null) -lbpf -lelf -lz -lzstd -lstdc++ -lpthread
GEN_LDFLAGS   = -static -Wl,--gc-sections

ifeq ($(V),1)
Q =
msg = @true
else
Q = @
msg = @printf '  %-6s %s\n' $(1) $(2);
endif

TOOLS = bt-parse bt-check bt-gen bt-load bt-fmt bt-probes

# every tool directory: main.c is the program, the other .c files form
# $(O)/<tool>/lib.a so that other tools and unit tests can link them
srcs_of = $(filter-out $(1)/main.c,$(wildcard $(1)/*.c))
objs_of = $(patsubst %.c,$(O)/%.o,$(call srcs_of,$(1)))

SHARE_OBJS = $(patsubst %.c,$(O)/%.o,$(wildcard share/*.c))
SHARE_LIB  = $(O)/share/lib.a

# which libraries each tool links (besides share)
LIBS_bt-parse  =
LIBS_bt-check  = $(O)/bt-probes/lib.a
LIBS_bt-gen    =
LIBS_bt-load   = $(O)/bt-probes/lib.a
LIBS_bt-fmt    =
LIBS_bt-probes = $(O)/bt-probes/lib.a
EXT_bt-parse   =
EXT_bt-check   = $(LIBBPF_LIBS) $(DW_LIBS)
EXT_bt-gen     = $(LLVM_LIBS)
EXT_bt-load    = $(LIBBPF_LIBS) $(DW_LIBS)
EXT_bt-fmt     =
EXT_bt-probes  = $(LIBBPF_LIBS) $(DW_LIBS)

BINS = $(addprefix $(O)/bin/,$(TOOLS))

all: $(BINS) $(O)/bin/bpftrace
.PHONY: all test example deps install clean unit golden cli runtime bench

$(O)/%.o: %.c $(wildcard share/*.h) $(wildcard */*.h)
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) $(if $(filter bt-gen/%,$<),$(LLVM_CFLAGS)) \
		$(if $(filter bt-check/%,$<),$(CLANG_CFLAGS)) \
		$(if $(filter tests/unit/%,$<),$(CHECK_CFLAGS)) -c $< -o $@

$(SHARE_LIB): $(SHARE_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

define tool_rules
$(O)/$(1)/lib.a: $(call objs_of,$(1))
	$$(call msg,AR,$$@)
	$$(Q)mkdir -p $$(dir $$@) && rm -f $$@ && ar rcs $$@ $$^

$(O)/bin/$(1): $(O)/$(1)/main.o $(O)/$(1)/lib.a $(LIBS_$(1)) $(SHARE_LIB)
	@mkdir -p $$(dir $$@)
	$$(call msg,LINK,$$@)
	$$(Q)$$(CC) $$(LDFLAGS) $(if $(filter bt-gen,$(1)),$$(GEN_LDFLAGS)) -o $$@ $(O)/$(1)/main.o $(O)/$(1)/lib.a \
		$(LIBS_$(1)) $(SHARE_LIB) $(EXT_$(1)) $(MSGPACK_LIBS) -lm \
		2>$$@.log; st=$$$$?; grep -v -e 'statically linked applications requires' -e 'libLLVMSupport.a(Path.cpp.o): in function' $$@.log >&2; \
		rm -f $$@.log; exit $$$$st
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rules,$(t))))

$(O)/bin/bpftrace: bpftrace
	@mkdir -p $(dir $@)
	$(Q)cp bpftrace $@ && chmod +x $@

# ------------------------------------------------------------------ tests
# tests/unit/test_<name>.c: one libcheck program each; UNIT_LIBS_<name>
# names the tool libraries it links besides share.
UNIT_SRCS = $(wildcard tests/unit/test_*.c)
UNIT_BINS = $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRCS))
UNIT_LIBS_test_parse = $(O)/bt-parse/lib.a
UNIT_LIBS_test_check = $(O)/bt-check/lib.a $(O)/bt-probes/lib.a
UNIT_LIBS_test_fmt   = $(O)/bt-fmt/lib.a
UNIT_LIBS_test_load  = $(O)/bt-load/lib.a $(O)/bt-probes/lib.a
UNIT_LIBS_test_probes = $(O)/bt-probes/lib.a

$(O)/tests/%: $(O)/tests/unit/%.o $(SHARE_LIB) $(foreach t,$(TOOLS),$(O)/$(t)/lib.a)
	@mkdir -p $(dir $@)
	$(call msg,LINK,$@)
	$(Q)$(CC) -o $@ $< $(UNIT_LIBS_$*) $(SHARE_LIB) $(LIBBPF_LIBS) $(DW_LIBS) \
		$(MSGPACK_LIBS) $(CHECK_LIBS) -lm

TESTPROGS_MK = tests/testprogs/build.mk
-include $(TESTPROGS_MK)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; CK_FORK=yes $$t; done

golden: all
	@tests/golden/run

cli: all
	@bats tests/cli

runtime: all $(TESTPROGS)
	@bats tests/runtime

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory golden
	@$(MAKE) --no-print-directory cli
	@$(MAKE) --no-print-directory runtime

example: deps
	@$(MAKE) --no-print-directory all
	@echo "== tracing system calls by process for 3 seconds"
	./bpftrace -e 'tracepoint:raw_syscalls:sys_enter { @syscalls[comm] = count(); } interval:s:3 { print(@syscalls, 10); clear(@syscalls); exit(); }'

bench: all
	@tests/bench/run

# ------------------------------------------------------------- packaging
DEB_PKGS = build-essential pkg-config llvm-19-dev clang-19 libclang-19-dev libbpf-dev \
	libelf-dev libdw-dev libmsgpack-dev zlib1g-dev libzstd-dev check bats bpftool \
	jq systemtap-sdt-dev python3 time chromium tcpdump

deps:
	@missing=; for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then echo "missing packages:$$missing (run 'make deps' as root)"; exit 1; fi; \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/bt \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man7 \
		$(DESTDIR)$(PREFIX)/share/man/man8
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/libexec/bt/
	install -m 755 bpftrace $(DESTDIR)$(PREFIX)/libexec/bt/bpftrace
	ln -sf ../libexec/bt/bpftrace $(DESTDIR)$(PREFIX)/bin/bpftrace
	for t in $(TOOLS); do ln -sf ../libexec/bt/$$t $(DESTDIR)$(PREFIX)/bin/$$t; done
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/*.7 $(DESTDIR)$(PREFIX)/share/man/man7/
	install -m 644 man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/

clean:
	rm -rf $(O)
.SECONDARY:

# ------------------------------------------------------------------ fuzz
# libFuzzer targets (clang-19's runtime); FUZZ_SECONDS per target
FUZZ_SECONDS ?= 30
$(O)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c share/*.c share/*.h
	@mkdir -p $(dir $@)
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Ishare \
		$(PKG_CFLAGS) $< share/*.c -o $@ $(MSGPACK_LIBS)

fuzz: $(patsubst tests/fuzz/%.c,$(O)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
	@for f in $^; do mkdir -p $(O)/fuzz/corpus-$${f##*/}; ASAN_OPTIONS=allocator_may_return_null=1 \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 \
		$(O)/fuzz/corpus-$${f##*/} tests/fuzz/seeds 2>&1 | tail -3; done
.PHONY: fuzz
