/*
 * bt-load - run a bundle: load the BPF object, attach its probes, stream
 * what they report as `events` (share/WIRE.md) until exit(), Ctrl-C or
 * SIGTERM, then run the end probes and dump the maps.
 *
 *     bt-gen < x.typed | bt-load | bt-fmt
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "load.h"

static const char usage_text[] =
	"Usage: bt-load [OPTIONS] [BUNDLE]\n"
	"\n"
	"Load a bundle (bt-gen's output; a file, or stdin when absent or '-'),\n"
	"attach its probes and write the events they produce.\n"
	"\n"
	"Options:\n"
	"  -v, --verbose     show libbpf's messages and the whole verifier log\n"
	"  -n, --dry-run     load, attach and detach, run nothing, list the probes\n"
	"  -p, --pid PID     uprobes trace only PID; stop when PID exits\n"
	"  -c, --cmd CMD     start CMD once attached (uprobes trace only it);\n"
	"                    stop when it exits\n"
	"      --dwarf-pid PID  a process whose stacks dw_ustack unwinds (its\n"
	"                    unwind tables are read at start); repeatable; -p\n"
	"                    and -c count as such\n"
	"      --comm NAME   the process name begin/end probes see as comm\n"
	"                    (the bpftrace driver passes 'bpftrace')\n"
	"      --cmd-stdout FD  CMD's stdout (default: fd 3 when open, as the\n"
	"                    bpftrace driver passes it, else stderr)\n"
	"      --wait        with only begin/end probes, keep running until a\n"
	"                    signal (as upstream, the run otherwise ends after\n"
	"                    begin)\n"
	"      --wait-for PID  PID is a child bt-load inherited (the bpftrace\n"
	"                    driver starts bt-fmt, then becomes bt-load): at the\n"
	"                    end close stdout and exit only once PID has; exit\n"
	"                    with PID's status if it failed and bt-load did not\n"
	"      --no-feature LIST  do not use these kernel features (comma-\n"
	"                    separated): uprobe_multi, kprobe_multi (wildcard\n"
	"                    uprobes and kprobes then attach one link each),\n"
	"                    kprobe_session\n"
	"      --mode MODE   run (default: attach and trace), bench (time\n"
	"                    each bench: probe) or test (run each test:\n"
	"                    probe once, report pass or fail)\n"
	"  -o, --output FILE write the events to FILE instead of stdout\n"
	"      --json        write the events as JSON lines instead of msgpack\n"
	"  -h, --help        this help\n"
	"  -V, --version     print the version\n"
	"\n"
	"Exit status: 0 done (or the script's exit() code), 1 a benchmark or\n"
	"test failed, or nothing was attached, 2 bad usage or a malformed\n"
	"bundle, 3 the kernel refused (load, verifier, attach, missing kernel\n"
	"feature).\n";

/*
 * --wait-for PID.  The bpftrace driver starts bt-fmt on the read end of
 * the events FIFO and then execs bt-load, so that begin and end run in the
 * process the user started (pid == $$, as upstream).  bt-fmt is then a
 * child bt-load never forked: bt-load closes its output, so that bt-fmt
 * reads the end of the stream, and waits for it, so that the user's shell
 * gets its prompt back after the last line is printed.  Only this pid is
 * waited for: as pid 1 of a pid namespace, bt-load also inherits orphans.
 * Every waitpid() elsewhere (-c CMD, system()) names its own child.
 */
static pid_t wait_pid;

/* closes stdout, waits for wait_pid; its status as a shell reports it */
static int wait_for_child(void)
{
	pid_t pid = wait_pid;
	int st;

	if (pid <= 0)
		return 0;
	wait_pid = 0;
	fflush(stdout);
	close(STDOUT_FILENO);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)     /* a signal only interrupts the wait */
			return 0;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : 0;
}

/* exit() from the option parser (usage error, --help) waits too */
static void wait_at_exit(void)
{
	wait_for_child();
}

static void parse_wait_for(const char *arg)
{
	siginfo_t si;
	char *end;
	long pid = strtol(arg, &end, 10);

	if (*end || pid <= 0 || pid > INT32_MAX)
		cli_usage_error("'%s' is not a process id", arg);
	/* WNOWAIT: look without reaping */
	si.si_pid = 0;
	if (waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT))
		cli_usage_error("process %ld is not a child of bt-load", pid);
	wait_pid = pid;
}

/*
 * Before anything is attached, the --wait-for child has become bt-fmt:
 * until its exec, a probe on execve (or on the shell it still is) would
 * see bpftrace's own plumbing.  At most 2 s, and not if it has exited.
 */
static void wait_for_exec(void)
{
	char path[64], exe[4096];
	const char *base;
	siginfo_t si;
	ssize_t n;
	int i;

	if (wait_pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)wait_pid);
	for (i = 0; i < 2000; i++) {
		n = readlink(path, exe, sizeof(exe) - 1);
		if (n > 0) {
			exe[n] = '\0';
			base = strrchr(exe, '/');
			if (!strcmp(base ? base + 1 : exe, "bt-fmt"))
				return;
		}
		si.si_pid = 0;
		if (waitid(P_PID, wait_pid, &si, WEXITED | WNOHANG | WNOWAIT) ||
		    si.si_pid)
			return;
		usleep(1000);
	}
}

/* --no-feature uprobe_multi,kprobe_multi,kprobe_session */
static void parse_no_feature(struct load *l, const char *arg)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "uprobe_multi", NOFEATURE_UPROBE_MULTI },
		{ "kprobe_multi", NOFEATURE_KPROBE_MULTI },
		{ "kprobe_session", NOFEATURE_KPROBE_SESSION },
	};
	const char *s = arg, *e;
	size_t i, len;

	for (; *s; s = *e ? e + 1 : e) {
		e = strchrnul(s, ',');
		len = (size_t)(e - s);
		if (!len)
			continue;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == len &&
			    !strncmp(names[i].name, s, len))
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			cli_usage_error("unknown feature '%.*s' for --no-feature "
					"(uprobe_multi, kprobe_multi or kprobe_session)",
					(int)len, s);
		l->nofeature |= names[i].bit;
	}
}

static int load_main(int argc, char **argv);

int main(int argc, char **argv)
{
	int status, st;

	atexit(wait_at_exit);
	status = load_main(argc, argv);
	st = wait_for_child();
	return status ? status : st;
}

static int load_main(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_OPTIONS,
		{ "verbose", no_argument, NULL, 'v' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "pid", required_argument, NULL, 'p' },
		{ "cmd", required_argument, NULL, 'c' },
		{ "cmd-stdout", required_argument, NULL, 'S' },
		{ "comm", required_argument, NULL, 'N' },
		{ "wait", no_argument, NULL, 'W' },
		{ "mode", required_argument, NULL, 'M' },
		{ "wait-for", required_argument, NULL, 'F' },
		{ "no-feature", required_argument, NULL, 'X' },
		{ "dwarf-pid", required_argument, NULL, 'D' },
		{ 0 }
	};
	struct load l = { 0 };
	struct wire_in *in;
	struct val *hdr, *bundle;
	FILE *fin, *fout;
	int c, err, status;
	char *end;

	/* an fd 3 we inherit is where -c CMD's output goes (see usage) */
	l.cmd_stdout = fcntl(3, F_GETFD) >= 0 ? 3 : 2;
	if (l.cmd_stdout == 3)
		fcntl(3, F_SETFD, FD_CLOEXEC);
	l.child_gate = -1;
	cli_init("bt-load", usage_text);
	while ((c = getopt_long(argc, argv, CLI_COMMON_SHORT "vnp:c:", opts, NULL)) != -1) {
		if (cli_common_option(c, optarg))
			continue;
		switch (c) {
		case 'v':
			l.verbose = true;
			break;
		case 'n':
			l.dry_run = true;
			break;
		case 'p':
			l.pid = strtol(optarg, &end, 10);
			if (*end || l.pid <= 0)
				cli_usage_error("'%s' is not a process id", optarg);
			break;
		case 'c':
			l.cmd = optarg;
			break;
		case 'D': {
			long pid = strtol(optarg, &end, 10);

			if (*end || pid <= 0 || pid > 4194304)
				cli_usage_error("'%s' is not a process id", optarg);
			if (l.ndwarf_pids == LOAD_MAX_DWARF_PIDS)
				cli_usage_error("more than %d --dwarf-pid options",
						LOAD_MAX_DWARF_PIDS);
			if (kill((pid_t)pid, 0) && errno == ESRCH) {
				fprintf(stderr, "ERROR: no process with pid %ld\n", pid);
				return EXIT_USAGE;
			}
			l.dwarf_pids[l.ndwarf_pids++] = (int)pid;
			break;
		}
		case 'W':
			l.wait = true;
			break;
		case 'F':
			parse_wait_for(optarg);
			break;
		case 'M':
			if (!strcmp(optarg, "run"))
				l.mode = MODE_RUN;
			else if (!strcmp(optarg, "bench"))
				l.mode = MODE_BENCH;
			else if (!strcmp(optarg, "test"))
				l.mode = MODE_TEST;
			else
				cli_usage_error("unknown mode '%s' (run, bench or test)",
						optarg);
			break;
		case 'X':
			parse_no_feature(&l, optarg);
			break;
		case 'N':
			/* begin/end run in this thread: their comm is ours */
			prctl(PR_SET_NAME, optarg);
			break;
		case 'S':
			l.cmd_stdout = strtol(optarg, &end, 10);
			if (*end || l.cmd_stdout < 0 || fcntl(l.cmd_stdout, F_GETFD) < 0)
				cli_usage_error("'%s' is not an open file descriptor", optarg);
			break;
		default:
			cli_usage_error("unknown option");
		}
	}
	if (optind + 1 < argc)
		cli_usage_error("too many arguments");
	if (l.pid && l.cmd)
		cli_usage_error("-p and -c cannot be used together");
	if (child_check_pid(&l))
		return EXIT_USAGE;
	fin = cli_open_input(argv[optind]);
	if (!fin)
		return EXIT_USAGE;
	l.arena = arena_new();
	in = wire_in_open(fin, "bt-load");
	status = EXIT_USAGE;
	if (wire_read_header(in, l.arena, "bundle", &hdr))
		goto bad_input;
	diag_set_source_from_header(hdr);
	err = wire_in_next(in, l.arena, &bundle);
	if (err == -ENODATA)
		fprintf(stderr, "bt-load: the bundle stream ends after its header\n");
	if (err || bundle_read(&l, hdr, bundle))
		goto bad_input;
	wire_in_close(in);
	if (fin != stdin)
		fclose(fin);

	fout = cli_open_output();
	if (!fout) {
		arena_free(l.arena);
		return EXIT_USAGE;
	}
	/* one write per batch: run.c flushes after every poll round */
	setvbuf(fout, NULL, _IOFBF, 1 << 16);
	object_log_init(l.verbose);
	signals_install();
	emit_open(&l, fout, cli.json);

	wait_for_exec();
	status = run_bundle(&l);

	emit_close(&l);
	skboutput_close(&l);
	if (l.rb)
		ringbuf_close(&l);
	if (l.obj)
		object_close(&l);
	symbolize_free();
	arena_free(l.arena);
	if (l.out_broken) {
		/* the reader went away; that was dealt with when it happened */
		if (fout != stdout)
			fclose(fout);
	} else if (cli_close_output(fout) && status == 0) {
		status = EXIT_USAGE;
	}
	return status;

bad_input:
	wire_in_close(in);
	if (fin != stdin)
		fclose(fin);
	arena_free(l.arena);
	return status;
}
