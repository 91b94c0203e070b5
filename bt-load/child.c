/*
 * child.c - the process of -c CMD and the one of -p PID.
 *
 * -c: CMD is split into words at every space, as upstream does (no
 * shell: quotes stay in the words), the program found on PATH, and a child forked that waits on a pipe until every probe is
 * attached (child_release), then execs.  Its stdout is the fd given by
 * child_stdout_fd (the driver passes its own stdout as fd 3); bt-load's
 * stdout is the events stream and is never handed to the child.  The child
 * gets SIGTERM if bt-load dies first.
 *
 * With dw_ustack (l->child_traced), whose unwind tables need the
 * libraries the command loads, the child instead execs at once under
 * ptrace; child_run_to_entry() lets the dynamic loader map everything and
 * stops it at its entry point (a breakpoint at AT_ENTRY, as upstream
 * does), where it waits until child_release() detaches it.
 *
 * -p: the process must exist; run.c stops when it is gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "load.h"

/* the program file of argv0: as given if it has a '/', else on PATH */
static char *child_find(const char *argv0)
{
	const char *path = getenv("PATH");
	char *dirs, *dir, *save = NULL, *full;

	if (strchr(argv0, '/'))
		return access(argv0, X_OK) == 0 ? strdup(argv0) : NULL;
	dirs = strdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!dirs)
		return NULL;
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		if (asprintf(&full, "%s/%s", *dir ? dir : ".", argv0) < 0)
			break;
		if (access(full, X_OK) == 0) {
			free(dirs);
			return full;
		}
		free(full);
	}
	free(dirs);
	return NULL;
}

/* AT_ENTRY of pid's auxiliary vector, 0 if unknown */
static uint64_t child_entry(int pid)
{
	uint64_t av[2], entry = 0;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/auxv", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	while (read(fd, av, sizeof(av)) == sizeof(av) && av[0])
		if (av[0] == 9) {       /* AT_ENTRY */
			entry = av[1];
			break;
		}
	close(fd);
	return entry;
}

/* wait for the traced child's next stop; its signal, or -1 once gone */
static int child_wait_stop(int pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		return -1;
	return WSTOPSIG(st);
}

/*
 * The traced child stopped at its exec: put an int3 at its entry point,
 * let it run there (the dynamic loader maps the libraries on the way),
 * then take the breakpoint out and rewind rip.  It stays stopped.
 */
int child_run_to_entry(struct load *l, const char *what)
{
	int pid = l->child_pid, sig;
	struct user_regs_struct regs;
	uint64_t entry;
	long word;

	if (child_wait_stop(pid) != SIGTRAP)
		goto gone;
	entry = child_entry(pid);
	errno = 0;
	word = entry ? ptrace(PTRACE_PEEKTEXT, pid, (void *)entry, NULL) : 0;
	if (!entry || errno ||
	    ptrace(PTRACE_POKETEXT, pid, (void *)entry,
		   (void *)((word & ~0xffL) | 0xcc)))
		goto fail;
	for (sig = 0;;) {
		if (ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig))
			goto fail;
		sig = child_wait_stop(pid);
		if (sig < 0)
			goto gone;
		if (sig != SIGTRAP)
			continue;       /* delivered on the next PTRACE_CONT */
		if (ptrace(PTRACE_GETREGS, pid, NULL, &regs))
			goto fail;
		if (regs.rip == entry + 1)
			break;
		sig = 0;
	}
	regs.rip = entry;
	if (ptrace(PTRACE_POKETEXT, pid, (void *)entry, (void *)word) ||
	    ptrace(PTRACE_SETREGS, pid, NULL, &regs))
		goto fail;
	return 0;
fail:
	diag_error((struct diag_loc){ 0 }, "cannot run '%s' to its entry point: %s",
		   what, strerror(errno));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	l->child_pid = 0;
	return -ECHILD;
gone:
	diag_error((struct diag_loc){ 0 }, "the command '%s' ended before its entry point",
		   what);
	waitpid(pid, NULL, WNOHANG);
	l->child_pid = 0;
	return -ECHILD;
}

/*
 * The -c command's words, as upstream splits it: at every space, quotes
 * and all (`-c "prog 'A'"` passes 'A' with its quotes; two spaces make an
 * empty word); no shell is involved.  The words live in one allocation.
 */
struct child_words {
	char **argv;
	size_t argc;
};

static int child_split(const char *cmd, struct child_words *we)
{
	size_t n = 1, len = strlen(cmd), i, k = 0;
	char *copy, *p;

	for (i = 0; i < len; i++)
		n += cmd[i] == ' ';
	we->argv = malloc(sizeof(char *) * (n + 1) + len + 1);
	if (!we->argv)
		return -ENOMEM;
	copy = (char *)(we->argv + n + 1);
	memcpy(copy, cmd, len + 1);
	for (p = copy; *p; ) {
		char *sp = strchr(p, ' ');

		we->argv[k++] = p;
		if (!sp)
			break;
		*sp = '\0';
		p = sp + 1;
	}
	we->argv[k] = NULL;
	we->argc = k;
	return 0;
}

static void child_words_free(struct child_words *we)
{
	free(we->argv);
}

int child_start(struct load *l, const char *cmd, int stdout_fd)
{
	struct child_words we;
	char *prog;
	int pfd[2], err;
	pid_t pid;

	err = child_split(cmd, &we);
	if (err)
		return err;
	if (we.argc == 0 || !*we.argv[0]) {
		child_words_free(&we);
		fprintf(stderr, "ERROR: the command '%s' names no program\n", cmd);
		return -EINVAL;
	}
	prog = child_find(we.argv[0]);
	if (!prog) {
		fprintf(stderr, "ERROR: path '%s' does not exist or is not executable\n",
			we.argv[0]);
		child_words_free(&we);
		return -ENOENT;
	}
	if (pipe2(pfd, O_CLOEXEC)) {
		err = -errno;
		free(prog);
		child_words_free(&we);
		return err;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pfd[0]);
		close(pfd[1]);
		free(prog);
		child_words_free(&we);
		return err;
	}
	if (pid == 0) {
		char c;

		prctl(PR_SET_PDEATHSIG, SIGTERM);
		close(pfd[1]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		/* released (a byte) or bt-load gone (EOF): only a byte runs it;
		 * a traced child stops at its exec instead */
		if (l->child_traced ? ptrace(PTRACE_TRACEME, 0, NULL, NULL) :
		    read(pfd[0], &c, 1) != 1)
			_exit(127);
		if (stdout_fd >= 0 && stdout_fd != 1 && dup2(stdout_fd, 1) < 0)
			_exit(127);
		if (stdout_fd > 2)
			close(stdout_fd);
		execv(prog, we.argv);
		fprintf(stderr, "ERROR: cannot run '%s': %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(pfd[0]);
	free(prog);
	child_words_free(&we);
	l->child_pid = pid;
	if (l->child_traced) {
		close(pfd[1]);
		return child_run_to_entry(l, cmd);
	}
	l->child_gate = pfd[1];
	return 0;
}

void child_release(struct load *l)
{
	char c = 1;

	if (l->child_traced && l->child_pid > 0) {
		l->child_traced = false;
		if (ptrace(PTRACE_DETACH, l->child_pid, NULL, NULL))
			fprintf(stderr, "ERROR: cannot start the command: %s\n",
				strerror(errno));
		return;
	}

	if (l->child_gate < 0)
		return;
	if (write(l->child_gate, &c, 1) != 1)
		fprintf(stderr, "ERROR: cannot start the command: %s\n", strerror(errno));
	close(l->child_gate);
	l->child_gate = -1;
}

/* true once the traced process (-c or -p) is gone */
bool child_exited(struct load *l)
{
	int st;

	if (l->child_pid > 0) {
		if (waitpid(l->child_pid, &st, WNOHANG) == l->child_pid) {
			l->child_pid = 0;
			return true;
		}
		return false;
	}
	if (l->pid > 0)
		return kill(l->pid, 0) && errno == ESRCH;
	return false;
}

/* bt-load is ending before the command finished: do not leave it behind */
void child_stop(struct load *l)
{
	if (l->child_gate >= 0) {
		close(l->child_gate);   /* never released: it exits at EOF */
		l->child_gate = -1;
	}
	if (l->child_pid > 0) {
		/* a child stopped under ptrace heeds only SIGKILL */
		kill(l->child_pid, l->child_traced ? SIGKILL : SIGTERM);
		waitpid(l->child_pid, NULL, 0);
		l->child_pid = 0;
	}
}

int child_check_pid(struct load *l)
{
	if (l->pid <= 0)
		return 0;
	if (kill(l->pid, 0) && errno == ESRCH) {
		fprintf(stderr, "ERROR: no process with pid %d\n", l->pid);
		return -ESRCH;
	}
	return 0;
}
