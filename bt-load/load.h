/*
 * load.h - bt-load's internal interface: the bundle as bt-load sees it
 * (struct load), and the parts that run it:
 *
 *   bundle.c          the bundle map -> struct load (types, probes, maps)
 *   object.c          libbpf: open the ELF from memory, load, verifier log
 *   verifier.c        known verifier failures in plain words
 *   attach.c          one attach point -> one or more BPF links, dispatch
 *                     by provider; attach_<provider>.c do the work
 *   multi.c           a wildcard's kprobes or uprobes -> one multi link per
 *                     binary (kprobe_multi, uprobe_multi)
 *   features.c        which kernel features this machine has
 *   decode.c          BPF bytes + type -> event VALUE (WIRE.md table)
 *   symbolize.c       addresses -> names (ksym, usym, stacks, cgroups)
 *   usym.c            user addresses -> ELF symbols of the process
 *   maps.c            read, clear and zero the user maps
 *   ringbuf.c         ring-buffer records -> events
 *   skboutput.c       skboutput()'s perf buffer -> pcap files (pcap.c)
 *   actions.c         cat, system, join, runtime warnings; cpid and the
 *                     exit flag in bt_globals
 *   emit.c            the events stream: batching, arena, flush
 *   run.c             the whole run: begin, attach, poll, end, dump
 *   modes.c           --mode bench and --mode test: run the bench: and
 *                     test: probes and report each
 *   signals.c         SIGINT/SIGTERM/SIGPIPE
 *   child.c           the process of -c CMD / -p PID
 *   dwunwind.c        dw_ustack's unwind tables from the targets' CFI
 *
 * Ownership: struct load and everything the bundle describes live in
 * load->arena for the whole run; events are built in load->ev, which
 * emit_flush() resets after every batch.
 */
#ifndef BT_LOAD_H
#define BT_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "diag.h"
#include "dwunwind.h"
#include "type.h"
#include "val.h"
#include "wire.h"

struct bpf_object;
struct bpf_program;
struct bpf_map;
struct bpf_link;
struct ring_buffer;
struct perf_buffer;
struct pcap_file;
struct load_pcap;
struct load_skb;

#include "record.h"      /* ring-buffer record actions */

/* a cat() or system() format and its argument tuple */
struct load_fmt {
	const char *fmt;
	struct type *args;
};

/* config missing_probes: what an attach failure does */
/* --mode: what the run does after begin */
enum load_mode {
	MODE_RUN,                   /* attach the probes, trace */
	MODE_BENCH,                 /* time each bench: probe, report */
	MODE_TEST,                  /* run each test: probe once, report */
};

enum load_missing {
	MISSING_ERROR,              /* stop: exit 3 */
	MISSING_WARN,               /* warn and go on without the probe */
	MISSING_IGNORE,             /* go on without the probe, silently */
};

/* which multi link a probe's attach points go through (multi.c) */
enum load_multi {
	MULTI_NONE,                 /* one link per attach point */
	MULTI_UPROBE,               /* uprobe_multi, one per binary and pid */
	MULTI_KPROBE,               /* kprobe_multi, one per kind */
};

/* --no-feature: multi links bt-load must not use */
enum load_nofeature {
	NOFEATURE_UPROBE_MULTI = 1 << 0,
	NOFEATURE_KPROBE_MULTI = 1 << 1,
	NOFEATURE_KPROBE_SESSION = 1 << 2,
};

struct load_probe {
	const char *prog;           /* ELF program name */
	const struct val *attach;   /* [ATTACH_POINT] */
	struct diag_loc loc;
	struct bpf_program *bpf;
	int nbegin, nend;           /* begin/end attach points: run, not
				       attached (begin,end { } has both) */
	int nrun;                   /* bench/test attach points: run only
				       under --mode bench/test */
	int signal;                 /* self:signal:SIG: run when it comes */
	int niter;                  /* iter attach points: run once, after
				       attaching (attach_run_iters) */
	struct bpf_link *iter_link; /* an unpinned iter's link, to run */
	bool cookie;                /* bundle "cookie": attach point i is
				       attached with BPF cookie i */
	uint64_t ap_cookie;         /* while attaching: the cookie of the
				       attach point (0 without "cookie") */
	enum load_multi multi;      /* decided before loading: the program's
				       expected attach type depends on it */
	int target_fd;              /* fentry:bpf: the target program, open
				       from attach_fentry_prepare() until
				       loaded; else -1 */
};

struct load_map {
	int id;                     /* index in the bundle's maps */
	const char *name;           /* "@x" */
	const char *elf;            /* ELF map name */
	struct type *key;           /* NULL for a scalar map */
	struct type *val;
	struct bpf_map *bpf;
	int fd;
	bool percpu;
	size_t key_size, val_size;  /* as the kernel has them */
};

#define LOAD_MAX_DWARF_PIDS 64

struct load {
	struct arena *arena;        /* the bundle and its types */
	const struct val *hdr;
	const struct val *bundle;

	struct load_probe *probes;
	int nprobes;
	struct load_map *maps;
	int nmaps;
	struct type **printf_args;  /* per printf: a tuple of its args */
	int nprintf;
	struct type **print_types;
	int nprint;
	int ntime;
	const struct val *helper_errors;  /* [{"helper": N, "loc"}] */
	struct load_fmt *cats, *systems;  /* bundle "cat", "system" */
	int ncat, nsystem;
	const struct val *joins;          /* [{"sep", "argnum", "argsize"}] */
	const struct val *warnings;       /* [{"msg", "loc"}] */
	int64_t max_cat_bytes;
	enum load_missing missing_probes;
	bool print_maps_on_exit;
	const char *ringbuf_name, *globals_name, *lost_name;

	struct bpf_object *obj;
	struct bpf_link **links;
	int nlinks, caplinks;
	/* links made with bpf(2) itself (uprobe_multi: share/multilink.h),
	 * closed with the others */
	int *link_fds;
	int nlink_fds, caplink_fds;
	unsigned nofeature;         /* enum load_nofeature bits */
	/* watchpoint links by address, for unwatch (attach_perf.c); a
	 * destroyed link is NULL in links */
	struct load_watch { uint64_t addr; int link; } *watches;
	int nwatches, capwatches;
	int nattached;              /* attach points attached (or run) */
	struct ring_buffer *rb;
	int lost_fd;
	uint64_t lost_seen;
	/* skboutput (skboutput.c): call sites, their pcap files, and the
	 * perf buffer bpf_skb_output() writes */
	struct load_skb *skbs;
	int nskb;
	struct load_pcap *pcaps;
	int npcaps;
	const char *perfbuf_name;
	struct perf_buffer *pb;

	/* output */
	struct wire_out *out;
	struct arena *ev;           /* events of the current batch */
	struct val *held;           /* events held back (begin before attached) */
	bool out_broken;            /* stdout closed */
	bool discard;               /* drop events (bench runs) */
	bool counting;              /* count error events into nerrors */
	unsigned nerrors;           /* errors seen while counting */
	size_t batch_n;             /* events in the current batch */

	/* state */
	bool exiting;               /* exit() seen: ignore further records */
	bool exit_flagged;          /* exit()'s flag seen in bt_globals */
	int flag_code;              /* its code */
	unsigned nrecords;          /* records handled (flag checks) */
	bool in_loop;               /* main poll loop: a signal stops a drain */
	int exit_code;
	bool verbose;
	bool dry_run;
	bool wait;                  /* --wait: no end after begin-only runs */
	enum load_mode mode;        /* --mode */
	int pid;                    /* -p: trace this process, stop when gone */
	const char *cmd;            /* -c: the command line */
	int cmd_stdout;             /* -c: the command's stdout fd */
	int child_pid;              /* -c: the command's process, 0 if none */
	int child_gate;             /* -c: write end of its start pipe, or -1 */
	int ncpus;                  /* possible CPUs (per-CPU map values) */
	bool child_traced;          /* -c with dw_ustack: stopped (ptrace) at
				       its entry point until released */
	int dwarf_pids[LOAD_MAX_DWARF_PIDS + 2];  /* --dwarf-pid, -p, -c */
	int ndwarf_pids;
};

/* dwunwind.c: the tables (share/dwunwind.h) as bt-load builds them */
struct dw_file {
	uint64_t dev, ino;
	uint32_t lo, hi;            /* its rows */
};
struct dw_pid {
	uint32_t pid;
	struct dw_proc proc;        /* the value of bt_dw_pids[pid] */
};
struct dw_tables {
	struct dw_row *rows;
	size_t nrows, caprows;
	struct dw_file *files;
	size_t nfiles;
	struct dw_pid *pids;
	size_t npids;
};
typedef struct Dwarf_Frame_s Dwarf_Frame;
typedef struct Elf Elf;
void dwunwind_classify(Dwarf_Frame *f, struct dw_row *r);
/* the rows of elf's executable segments; *lo, *hi: their range */
int dwunwind_add_elf(struct dw_tables *t, Elf *elf, uint32_t *lo,
		     uint32_t *hi);
/* the executable mappings of pid and the rows of their files */
int dwunwind_add_pid(struct dw_tables *t, int pid);
const struct dw_row *dwunwind_find(const struct dw_tables *t, uint32_t lo,
				   uint32_t hi, uint64_t a);
void dwunwind_free(struct dw_tables *t);
/* with a bundle "dwunwind": build the targets' tables and size the maps
 * (after object_open), write them (after object_load) */
int dwunwind_prepare(struct load *l);
int dwunwind_fill(struct load *l);

/* bundle.c */
int bundle_read(struct load *l, const struct val *hdr,
		const struct val *bundle);
int bundle_count_attach(const struct load *l);

/* object.c */
int object_open(struct load *l);
int object_load(struct load *l);
int object_set_globals(struct load *l);
void object_close(struct load *l);
/* everything libbpf printed is kept for error reports */
void object_log_init(bool verbose);

/* verifier.c: a plain reading of a verifier log's failure, or NULL */
const char *verifier_explain(const char *log, size_t len);
/* the script line the log's last line-info note names, 0 if none */
unsigned verifier_line(const char *log, size_t len);

/* features.c: NULL when the kernel has what ap needs, else why not */
const char *features_missing(struct arena *a, const struct val *ap);
int cpus_online(int **cpus, int *n);

/* attach.c */
int attach_probe(struct load *l, struct load_probe *p);
int attach_add_link(struct load *l, struct bpf_link *link);
int attach_add_link_fd(struct load *l, int fd);
/* an attach failure at loc, as config missing_probes says: an error, a
 * warning or nothing */
void attach_report(struct load *l, struct diag_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void attach_detach_all(struct load *l);
/* many links: a child process detaches them after this one exits
 * (attach.c says why); 0, or a negative errno and nothing changed */
int attach_detach_background(struct load *l);
#define ATTACH_BACKGROUND_MIN 32
const char *attach_describe(struct arena *a, const struct val *ap);
bool attach_is_special(const struct val *ap);
const char *attach_strerror(int err);

/* attach_<provider>.c: each returns 0 or a negative errno after a message */
int attach_tracepoint(struct load *l, struct load_probe *p,
		      const struct val *ap);
int attach_rawtracepoint(struct load *l, struct load_probe *p,
			 const struct val *ap);
int attach_perf(struct load *l, struct load_probe *p, const struct val *ap);
/* unwatch(addr): destroy the watchpoint links of addr */
void attach_unwatch(struct load *l, uint64_t addr);
int attach_watchpoint(struct load *l, struct load_probe *p,
		      const struct val *ap);
int attach_iter(struct load *l, struct load_probe *p, const struct val *ap);
/* read every unpinned iterator to its end (runs their programs) */
int attach_run_iters(struct load *l);
int attach_kprobe(struct load *l, struct load_probe *p, const struct val *ap);
int attach_uprobe(struct load *l, struct load_probe *p, const struct val *ap);
/* the file offset a uprobe, uretprobe or usdt attach point goes to and
 * its semaphore's file offset (0: none), after bpftrace's checks; 0 or a
 * negative errno after attach_report() */
/* the file a uprobe link names: a ZIP member's archive, else target */
const char *attach_uprobe_file(struct load *l, const char *target);
int attach_uprobe_offsets(struct load *l, struct load_probe *p,
			  const struct val *ap, uint64_t *offset,
			  uint64_t *ref_ctr);
/* the process a uprobe attach point traces (its "pid", -p, -c), or -1;
 * ap NULL: the process of -p or -c */
int attach_uprobe_pid(const struct load *l, const struct val *ap);
int attach_fentry(struct load *l, struct load_probe *p, const struct val *ap);
/*
 * Before loading: the programs of fentry:bpf probes get their target
 * program and function (0 or -errno, said); after loading the target
 * fds are closed (attach_fentry_release)
 */
int attach_fentry_prepare(struct load *l);
void attach_fentry_release(struct load *l);
int attach_self(struct load *l, struct load_probe *p, const struct val *ap);

/* multi.c: multi-attach links */
/* one link's worth of a probe's attach points */
struct multi_group {
	const char *path;           /* uprobes: the binary */
	int pid;                    /* uprobes: -1 every process, else one */
	bool retprobe;
	int n;                      /* attach points */
	int *ap;                    /* their indices in the probe's attach */
	uint64_t *cookies;          /* per attach point: its index */
	const char **syms;          /* kprobes: per attach point, "func" */
	/* uprobes, filled while attaching: file offsets, semaphores */
	uint64_t *offsets, *ref_ctr;
};
/* the multi link that could take every attach point of attach (two or
 * more, none with what the link cannot do), or MULTI_NONE */
enum load_multi multi_kind(const struct val *attach);
/*
 * the attach points of attach that are attached (not begin, end, ...)
 * grouped into links: uprobes by binary, pid (default_pid unless the
 * attach point has one) and entry/return, kprobes by entry/return, in
 * order of first appearance; returns the number of groups, each in
 * arena a
 */
int multi_group(struct arena *a, const struct val *attach,
		enum load_multi kind, int default_pid,
		struct multi_group **groups);
/* before loading: which probes go multi (kernel support and --no-feature
 * permitting), their programs' expected attach type set */
int multi_plan(struct load *l);
/* attach every attach point of a probe planned multi */
int multi_attach(struct load *l, struct load_probe *p);

/* decode.c: bytes of type t (at least type_size(t) of them) -> VALUE */
struct val *decode_value(struct arena *a, const struct type *t,
			 const void *p, size_t n);
/* wall-clock (CLOCK_REALTIME) ns minus ns of the clock mode names ("boot",
 * "monotonic", "tai"), measured once per run; 0 for other modes */
int64_t decode_clock_offset(const char *mode);

/* pcap.c: pcap files of raw IP packets (LINKTYPE_RAW); each returns 0 or
 * a negative errno, and after a write error every later call returns it */
#define PCAP_SNAPLEN 65535
int pcap_open(struct pcap_file **out, const char *path);
int pcap_write(struct pcap_file *p, uint64_t wall_ns, const void *pkt,
	       size_t len);
int pcap_flush(struct pcap_file *p);
/* flush, close and free (NULL is fine) */
int pcap_close(struct pcap_file *p);

/* skboutput.c: the bundle's "skboutput" table and "perfbuf"; the pcap
 * files and the perf buffer (opened before begin, closed after the run) */
int skboutput_read(struct load *l, const struct val *bundle);
/* create the pcap files, then the perf buffer */
int skboutput_open(struct load *l);
int skboutput_create_files(struct load *l);
/* one perf-buffer sample: a struct record_skb and the packet */
void skboutput_sample(struct load *l, const void *data, size_t size);
/* the perf buffer's epoll fd (-1 without skboutput); consume what it
 * holds into the pcap files */
int skboutput_epoll_fd(const struct load *l);
int skboutput_consume(struct load *l);
/* push buffered packets to the files (after every poll round) */
void skboutput_flush(struct load *l);
void skboutput_close(struct load *l);

/* symbolize.c */
struct val *symbolize_ksym(struct arena *a, uint64_t addr);
/* row: 1-based row of the bundle's "funcs" naming the function, or 0 */
struct val *symbolize_usym(struct arena *a, uint64_t addr, uint32_t pid,
			   uint32_t row);
struct val *symbolize_cgroup(struct arena *a, uint64_t id);
/* NULL-free: an array of frames, or nil when the stack cannot be read */
struct val *symbolize_stack(struct arena *a, const struct type *t,
			    const void *p);
/* the stack maps: bt_stacks (u32 ids) and bt_dw_stacks (dw_ustack) */
void symbolize_set_dw_stackmap(int fd);
/* usym.c: 0 and the symbol, offset into it and file of a user address
 * of process pid, or -ENOENT; the strings live until usym_free() */
int usym_resolve(uint32_t pid, uint64_t addr, const char **name,
		 uint64_t *offset, const char **module);
/* a function at a user address, from DWARF: inlined ones first */
struct usym_frame {
	const char *name;           /* NULL when unknown */
	const char *file;           /* source file, NULL when unknown */
	int line;
	bool inlined;
};
/*
 * the functions at addr in pid, innermost (inlined) first and the one
 * they are inlined into last, each with its source file and line; the
 * count (at most max) or -ENOENT without DWARF
 */
int usym_debug_frames(uint32_t pid, uint64_t addr, struct usym_frame *out,
		      int max);
/* show_debug_info: stacks show source lines and inlined functions */
void symbolize_set_debug_info(bool on);
/* the GNU build id (hex) of the file mapped at addr in pid, and addr's
 * offset in that file; -ENOENT when unknown */
int usym_build_id(uint32_t pid, uint64_t addr, const char **build_id,
		  uint64_t *file_offset);
int usym_file_symbol(const char *path, const char *name, uint64_t *vaddr,
		     uint64_t *size);
int usym_file_symbol_at(const char *path, uint64_t vaddr, const char **name,
			uint64_t *start);
int usym_file_offset(const char *path, uint64_t vaddr, uint64_t *offset);
void usym_free(void);
/* a binary uprobes attach to: symbols for its processes once they are
 * gone, when it is loaded at its own addresses (non-PIE) */
void usym_hint_binary(const char *path);

/* the stack-trace map that stack ids index (bundle "stacks") */
void symbolize_set_stackmap(int fd, size_t value_size);
/* the bundle's "funcs": an array of str or nil (checked), kept by reference */
void symbolize_set_funcs(const struct val *funcs);
void symbolize_free(void);

/* maps.c */
int maps_open(struct load *l);
/* a "map" event for map id with its current entries (NULL: empty) */
int maps_read(struct load *l, int id, struct val **entries);
/* takes a batch of a map's entries that maps_stream read */
typedef void (*maps_chunk_fn)(struct load *l, int id, struct val *entries,
			      void *ctx);
/*
 * maps_read, but a plain map read in batches hands each full batch to fn
 * (WIRE.md: `map` events with more: true) as soon as it is read; what is
 * left when the map ends is returned in *entries
 */
int maps_stream(struct load *l, int id, struct val **entries,
		maps_chunk_fn fn, void *ctx);
int maps_clear(struct load *l, int id);
int maps_zero(struct load *l, int id);

/* ringbuf.c */
int ringbuf_open(struct load *l);
/* poll once (timeout_ms, -1 forever, 0 just drain); count or -errno */
int ringbuf_poll(struct load *l, int timeout_ms);
void ringbuf_close(struct load *l);
int ringbuf_check_lost(struct load *l);

/* emit.c */
int emit_open(struct load *l, FILE *f, bool json);
struct val *emit_event(struct load *l, const char *e);
/* queue ev for writing (or hold it while l->held is set) */
void emit_put(struct load *l, struct val *ev);
void emit_hold(struct load *l);
/* write first (if not NULL), then every held event, and stop holding */
void emit_release(struct load *l, struct val *first);
int emit_flush(struct load *l);
int emit_close(struct load *l);

/* signals.c */
void signals_install(void);
bool signals_stop_requested(void);
int signals_number(const char *name);
int signals_watch(int sig);
/* a watched signal that arrived since the last call, or 0 */
int signals_take_pending(void);

/* child.c: -c CMD and -p PID */
int child_start(struct load *l, const char *cmd, int stdout_fd);
/* the traced -c child (l->child_traced), stopped at its exec: run it to
 * its entry point and leave it stopped there */
int child_run_to_entry(struct load *l, const char *what);
void child_release(struct load *l);
bool child_exited(struct load *l);
void child_stop(struct load *l);
int child_check_pid(struct load *l);

/* actions.c */
int actions_read(struct load *l, const struct val *bundle);
/* 0, -ENOENT (unknown id), -EMSGSIZE (short), -EOPNOTSUPP (not ours) */
int actions_record(struct load *l, uint32_t action, uint32_t id,
		   const unsigned char *p, size_t n);
void actions_set_cpid(struct load *l);
/* exit() was called (its flag in bt_globals is set): true and its code */
bool actions_exit_flagged(struct load *l, int *code);
/* set bt_globals' stop gate: attached programs return at once; false
 * when it cannot be written */
bool actions_stop_probes(struct load *l);

/* clear exit()'s flag (a test or bench that called exit() is over) */
void actions_exit_clear(struct load *l);

/* modes.c: each returns 0, 1 when a benchmark or test failed, or a
 * negative errno when the kernel refused to run a program */
int modes_bench(struct load *l);
int modes_test(struct load *l);
/* bench: and test: attach points of the bundle */
int modes_count(const struct load *l, const char *provider);

/* run.c */
int run_bundle(struct load *l);

#endif
