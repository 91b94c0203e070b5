/*
 * tracefs.c - find (and if needed mount) the tracing file system.
 */
#include <errno.h>
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

const char *tracefs_hint(void)
{
	return "mount it with 'mount -t tracefs nodev /sys/kernel/tracing' "
	       "(as root) and check that the kernel has CONFIG_TRACING";
}

int tracefs_read_file(const char *rel, char **text, size_t *len)
{
	const char *root;
	char path[512];
	char *buf = NULL;
	size_t n = 0, cap = 0;
	FILE *f;
	int err = 0;

	root = tracefs_root(&err);
	if (!root)
		return err;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	for (;;) {
		size_t got;

		if (n + 4096 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, 4096, f);
		n += got;
		if (got < 4096)
			break;
	}
	err = ferror(f) ? -EIO : 0;
	fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
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
