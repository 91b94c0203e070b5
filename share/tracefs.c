/*
 * tracefs.c - find (and if needed mount) the tracing file system, and
 * read its files with plain open/read/close.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracefs.h"

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing",
	"/sys/kernel/debug/tracing",
};

static char root_path[64];

/* a mounted tracefs has an events/ directory */
static int tracefs_is_mounted(const char *dir)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/events", dir);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *tracefs_root(int *err)
{
	size_t i;

	if (root_path[0])
		return root_path;
	if (getenv("BT_TRACEFS") && tracefs_is_mounted(getenv("BT_TRACEFS"))) {
		snprintf(root_path, sizeof(root_path), "%s", getenv("BT_TRACEFS"));
		return root_path;
	}
	for (i = 0; i < sizeof(tracefs_dirs) / sizeof(tracefs_dirs[0]); i++) {
		if (tracefs_is_mounted(tracefs_dirs[i])) {
			snprintf(root_path, sizeof(root_path), "%s", tracefs_dirs[i]);
			return root_path;
		}
	}
	if (mount("nodev", tracefs_dirs[0], "tracefs", 0, NULL) == 0 &&
	    tracefs_is_mounted(tracefs_dirs[0])) {
		snprintf(root_path, sizeof(root_path), "%s", tracefs_dirs[0]);
		return root_path;
	}
	if (err)
		*err = errno ? -errno : -ENOENT;
	return NULL;
}

int tracefs_mount_debug_path(void)
{
	struct stat st;
	int err = 0;

	if (tracefs_is_mounted(tracefs_dirs[1]))
		return 0;
	/* debugfs mounts tracefs on its tracing/ when that is visited */
	if (stat("/sys/kernel/debug", &st) == 0 &&
	    mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL) &&
	    errno != EBUSY)
		err = -errno;
	if (!tracefs_is_mounted(tracefs_dirs[1]) &&
	    mount("nodev", tracefs_dirs[1], "tracefs", 0, NULL) && !err)
		err = -errno;
	return tracefs_is_mounted(tracefs_dirs[1]) ? 0 : err ? err : -ENOENT;
}

const char *tracefs_hint(void)
{
	return "mount it with 'mount -t tracefs nodev /sys/kernel/tracing' "
	       "(as root) and check that the kernel has CONFIG_TRACING";
}

int tracefs_open(const char *rel, int flags)
{
	const char *root;
	char path[512];
	int err = 0, fd;

	root = tracefs_root(&err);
	if (!root)
		return err;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/*
 * Plain read(2)s into one buffer that the caller keeps between calls: no
 * stdio, no fstat (tracefs files report size 0 anyway).  A seq_file read
 * returns at most one page of records, so the loop runs until read says 0.
 */
ssize_t tracefs_read_at(int dirfd, const char *rel, const char *last,
			char **buf, size_t *cap)
{
	size_t n = 0;
	int fd;

	fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t got;

		if (*cap - n < 4096 + 1) {
			size_t ncap = *cap ? *cap * 2 : 8192;
			char *nb = realloc(*buf, ncap);

			if (!nb) {
				close(fd);
				return -ENOMEM;
			}
			*buf = nb;
			*cap = ncap;
		}
		got = read(fd, *buf + n, *cap - n - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int err = -errno;

			close(fd);
			return err;
		}
		if (got == 0)
			break;
		(*buf)[n + got] = '\0';
		/* `last` may begin in the previous read */
		if (last && strstr(*buf + (n >= strlen(last) ? n - strlen(last) : 0),
				   last)) {
			n += got;
			break;
		}
		n += got;
	}
	close(fd);
	(*buf)[n] = '\0';
	return n;
}

int tracefs_read_file(const char *rel, char **text, size_t *len)
{
	const char *root;
	char path[512], *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	int err = 0;

	root = tracefs_root(&err);
	if (!root)
		return err;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	n = tracefs_read_at(AT_FDCWD, path, NULL, &buf, &cap);
	if (n < 0) {
		free(buf);
		return n;
	}
	*text = buf;
	if (len)
		*len = n;
	return 0;
}

int tracefs_event_exists(const char *category, const char *event)
{
	const char *root;
	char path[512];
	int err = 0;

	root = tracefs_root(&err);
	if (!root)
		return err;
	snprintf(path, sizeof(path), "%s/events/%s/%s/format", root, category,
		 event);
	return access(path, R_OK) == 0;
}
