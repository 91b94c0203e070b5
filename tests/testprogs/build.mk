# tests/testprogs/build.mk: the helper programs and libraries that the
# runtime/conformance cases run and trace (`./testprogs/NAME`,
# `./testlibs/NAME`).  Included by the top-level Makefile.
#
#   make testprogs               everything below
#   make build/testprogs/syscall one program
#
# Layout of $(O)/testprogs (what the conformance runner's --testprogs wants):
#   NAME, NAME-pie          every tests/testprogs/NAME.c, non-PIE and PIE
#   uprobe_test-stripped    uprobe_test without debug info; its DWARF is in
#   external_debug/uprobe_test-stripped.debug (gnu-debuglink + build id)
#   uprobe_separate_debug-stripped, .debug/uprobe_separate_debug-stripped.debug
#   external_debug/dwo/uprobe_test-split (+ .dwo)   -gsplit-dwarf
#   external_debug/dwp/uprobe_test-split (+ .dwp)   .dwo packed by a dwp tool
#   false.bin               raw .text of false.c's main (no ELF header)
#   archive.zip             `true` stored uncompressed in a zip
#   hello_rust, hello_go    only when rustc / go are found
# $(O)/testlibs: libsimple.so, libusdt_tp.so (both mode 0644 on purpose).

TP_SRC := tests/testprogs
TL_SRC := tests/testlibs
TP_OUT  = $(O)/testprogs
TL_OUT  = $(O)/testlibs

TP_CC   ?= $(CC)
tp_cc_has = $(shell $(TP_CC) $(1) -Werror -x c -c /dev/null -o /dev/null \
              >/dev/null 2>&1 && echo $(1))
TP_FP     := -fno-omit-frame-pointer \
             $(call tp_cc_has,-mno-omit-leaf-frame-pointer)
TP_CFLAGS := -g -O0 $(TP_FP) -D_GNU_SOURCE -Wall -Wno-unused-function \
             -Wno-unused-but-set-variable
TP_OBJCOPY := $(firstword $(shell command -v objcopy llvm-objcopy-19 \
                 llvm-objcopy 2>/dev/null) objcopy)
# llvm-dwp only: binutils' dwp crashes on gcc 12's default DWARF 5
TP_DWP    := $(firstword $(shell command -v llvm-dwp-19 \
                 /usr/lib/llvm-19/bin/llvm-dwp llvm-dwp 2>/dev/null))
TP_ZIP    := $(shell command -v zip 2>/dev/null)
TP_RUSTC  := $(shell command -v rustc 2>/dev/null)
TP_GO     := $(shell command -v go 2>/dev/null)

# per-program extras, by program name
TP_CFLAGS_uprobe_nofp = -g -O1 -fomit-frame-pointer \
                        -fno-optimize-sibling-calls -D_GNU_SOURCE
TP_CFLAGS_usdt_args   = $(TP_CFLAGS) -O1
TP_CFLAGS_usdt_lib    = $(TP_CFLAGS) -I$(TL_SRC)
TP_LIBS_usdt_lib      = -L$(TL_OUT) -lusdt_tp \
                        -Wl,-rpath,'$$ORIGIN/../testlibs' \
                        -Wl,-rpath,$(abspath $(TL_OUT))
TP_LIBS_watchpoint_threaded = -pthread
TP_LIBS_multi_threads = -pthread
tp_cflags = $(if $(TP_CFLAGS_$(1)),$(TP_CFLAGS_$(1)),$(TP_CFLAGS))

TP_NAMES    := $(sort $(basename $(notdir $(wildcard $(TP_SRC)/*.c))))
TP_PLAIN     = $(addprefix $(TP_OUT)/,$(TP_NAMES))
TP_PIE       = $(addsuffix -pie,$(TP_PLAIN))
TP_STRIPPED  = $(TP_OUT)/uprobe_test-stripped \
               $(TP_OUT)/external_debug/uprobe_test-stripped.debug \
               $(TP_OUT)/uprobe_separate_debug-stripped \
               $(TP_OUT)/.debug/uprobe_separate_debug-stripped.debug
TP_SPLIT     = $(TP_OUT)/external_debug/dwo/uprobe_test-split \
               $(if $(TP_DWP),$(TP_OUT)/external_debug/dwp/uprobe_test-split)
TP_EXTRA     = $(TP_OUT)/false.bin \
               $(if $(TP_ZIP),$(TP_OUT)/archive.zip) \
               $(if $(TP_RUSTC),$(TP_OUT)/hello_rust) \
               $(if $(TP_GO),$(TP_OUT)/hello_go)
TL_LIBS      = $(TL_OUT)/libsimple.so $(TL_OUT)/libusdt_tp.so

TESTPROGS = $(TP_PLAIN) $(TP_PIE) $(TP_STRIPPED) $(TP_SPLIT) $(TP_EXTRA) \
            $(TL_LIBS)

.PHONY: testprogs
testprogs: $(TESTPROGS)

# The programs are compiled from absolute source paths, so DW_AT_name and
# the line table carry the full path (source-line probes name the file).
$(TP_PLAIN): $(TP_OUT)/%: $(TP_SRC)/%.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)$(TP_CC) $(call tp_cflags,$*) -no-pie -o $@ $(abspath $<) \
		$(TP_LIBS_$*)

$(TP_PIE): $(TP_OUT)/%-pie: $(TP_SRC)/%.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)$(TP_CC) $(call tp_cflags,$*) -fPIE -pie -o $@ $(abspath $<) \
		$(TP_LIBS_$*)

$(TP_OUT)/usdt_lib $(TP_OUT)/usdt_lib-pie: $(TL_OUT)/libusdt_tp.so \
		$(TL_SRC)/usdt_tp.h

# shared libraries; chmod -x: tracing must not need the executable bit
$(TL_OUT)/lib%.so: $(TL_SRC)/%.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)$(TP_CC) $(TP_CFLAGS) -fPIC -shared -o $@ $(abspath $<)
	$(Q)chmod a-x $@

$(TL_OUT)/libusdt_tp.so: $(TL_SRC)/usdt_tp.h

# stripped binaries, their debug info kept in a separate file
$(TP_OUT)/uprobe_test-stripped: $(TP_OUT)/uprobe_test
	@mkdir -p $(TP_OUT)/external_debug
	$(call msg,STRIP,$@)
	$(Q)$(TP_OBJCOPY) --only-keep-debug $< \
		$(TP_OUT)/external_debug/uprobe_test-stripped.debug
	$(Q)$(TP_OBJCOPY) --strip-debug \
		--add-gnu-debuglink=$(TP_OUT)/external_debug/uprobe_test-stripped.debug \
		$< $@
$(TP_OUT)/external_debug/uprobe_test-stripped.debug: \
		$(TP_OUT)/uprobe_test-stripped ;

$(TP_OUT)/uprobe_separate_debug-stripped: $(TP_OUT)/uprobe_separate_debug
	@mkdir -p $(TP_OUT)/.debug
	$(call msg,STRIP,$@)
	$(Q)$(TP_OBJCOPY) --only-keep-debug $< \
		$(TP_OUT)/.debug/uprobe_separate_debug-stripped.debug
	$(Q)$(TP_OBJCOPY) --strip-debug \
		--add-gnu-debuglink=$(TP_OUT)/.debug/uprobe_separate_debug-stripped.debug \
		$< $@
$(TP_OUT)/.debug/uprobe_separate_debug-stripped.debug: \
		$(TP_OUT)/uprobe_separate_debug-stripped ;

# split DWARF: compiled inside the output directory so that the skeleton's
# comp_dir is that directory and DW_AT_dwo_name a bare file name (found next
# to the binary even after the directory is copied)
TP_SPLIT_SRC = $(abspath $(TP_SRC)/uprobe_test.c)
$(TP_OUT)/external_debug/dwo/uprobe_test-split: $(TP_SRC)/uprobe_test.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)cd $(dir $@) && rm -f *.dwo && $(TP_CC) $(TP_CFLAGS) -gsplit-dwarf \
		-no-pie -o uprobe_test-split $(TP_SPLIT_SRC)

$(TP_OUT)/external_debug/dwp/uprobe_test-split: $(TP_SRC)/uprobe_test.c
	@mkdir -p $(dir $@)
	$(call msg,DWP,$@)
	$(Q)cd $(dir $@) && rm -f *.dwo *.dwp && $(TP_CC) $(TP_CFLAGS) \
		-gsplit-dwarf -no-pie -o uprobe_test-split $(TP_SPLIT_SRC) && \
		$(TP_DWP) -e uprobe_test-split -o uprobe_test-split.dwp && \
		rm -f *.dwo

# main() of false.c as bare machine code
$(TP_OUT)/false.bin: $(TP_SRC)/false.c
	@mkdir -p $(dir $@)
	$(call msg,GEN,$@)
	$(Q)$(TP_CC) -O0 -fno-asynchronous-unwind-tables -c -o $@.o $<
	$(Q)$(TP_OBJCOPY) -O binary --only-section=.text $@.o $@
	$(Q)rm -f $@.o

$(TP_OUT)/archive.zip: $(TP_OUT)/true
	$(call msg,ZIP,$@)
	$(Q)rm -f $@ && $(TP_ZIP) -q -0 -j $@ $<

$(TP_OUT)/hello_rust: $(TP_SRC)/hello_rust.rs
	@mkdir -p $(dir $@)
	$(call msg,RUSTC,$@)
	$(Q)MAKEFLAGS= $(TP_RUSTC) -g -C symbol-mangling-version=v0 -o $@ $<

$(TP_OUT)/hello_go: $(TP_SRC)/hello_go.go
	@mkdir -p $(dir $@)
	$(call msg,GO,$@)
	$(Q)$(TP_GO) build -o $(abspath $@) $(abspath $<)
