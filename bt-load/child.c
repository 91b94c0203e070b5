/*
 * child.c - the process of -c CMD and the one of -p PID.
 *
 * -c: CMD is split into words like a shell would (quotes, no expansion of
 * commands or variables: wordexp with WRDE_NOCMD), the program found on
 * PATH, and a child forked that waits on a pipe until every probe is
 * attached (child_release), then execs.  Its stdout is the fd given by
 * child_stdout_fd (the driver passes its own stdout as fd 3); bt-load's
 * stdout is the events stream and is never handed to the child.  The child
 * gets SIGTERM if bt-load dies first.
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
#include <sys/wait.h>
#include <unistd.h>
#include <wordexp.h>

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

int child_start(struct load *l, const char *cmd, int stdout_fd)
{
	wordexp_t we;
	char *prog;
	int pfd[2], err;
	pid_t pid;

	err = wordexp(cmd, &we, WRDE_NOCMD | WRDE_UNDEF);
	if (err || we.we_wordc == 0) {
		if (!err)
			wordfree(&we);
		fprintf(stderr, "ERROR: cannot split the command '%s' into words\n", cmd);
		return -EINVAL;
	}
	prog = child_find(we.we_wordv[0]);
	if (!prog) {
		fprintf(stderr, "ERROR: path '%s' does not exist or is not executable\n",
			we.we_wordv[0]);
		wordfree(&we);
		return -ENOENT;
	}
	if (pipe2(pfd, O_CLOEXEC)) {
		err = -errno;
		free(prog);
		wordfree(&we);
		return err;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		close(pfd[0]);
		close(pfd[1]);
		free(prog);
		wordfree(&we);
		return err;
	}
	if (pid == 0) {
		char c;

		prctl(PR_SET_PDEATHSIG, SIGTERM);
		close(pfd[1]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		/* released (a byte) or bt-load gone (EOF): only a byte runs it */
		if (read(pfd[0], &c, 1) != 1)
			_exit(127);
		if (stdout_fd >= 0 && stdout_fd != 1 && dup2(stdout_fd, 1) < 0)
			_exit(127);
		if (stdout_fd > 2)
			close(stdout_fd);
		execv(prog, we.we_wordv);
		fprintf(stderr, "ERROR: cannot run '%s': %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(pfd[0]);
	free(prog);
	wordfree(&we);
	l->child_pid = pid;
	l->child_gate = pfd[1];
	return 0;
}

void child_release(struct load *l)
{
	char c = 1;

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
		kill(l->child_pid, SIGTERM);
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
