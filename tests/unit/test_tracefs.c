/*
 * test_tracefs.c - unit tests of share/tracefs.c: reading a file into a
 * reused, growing buffer, and (when tracefs is available) that stopping at
 * a format file's last record reads the same text as reading to EOF.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracefs.h"

static void write_file(const char *path, const char *text, size_t n)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(read_at_buffer)
{
	static const char small[] = "name: x\n\nprint fmt: \"\"\n";
	char dir[] = "/tmp/bt-tracefs-XXXXXX", path[64], *big, *buf = NULL;
	size_t cap = 0, i, n = 20000, cap_big;
	ssize_t got;
	int dfd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(dfd, 0);
	big = malloc(n);
	for (i = 0; i < n; i++)
		big[i] = 'a' + i % 26;
	snprintf(path, sizeof(path), "%s/big", dir);
	write_file(path, big, n);
	snprintf(path, sizeof(path), "%s/small", dir);
	write_file(path, small, strlen(small));

	/* grows past its first size, relative to the directory */
	got = tracefs_read_at(dfd, "big", NULL, &buf, &cap);
	ck_assert_int_eq(got, (ssize_t)n);
	ck_assert_uint_gt(cap, n);
	ck_assert(!memcmp(buf, big, n) && buf[n] == '\0');
	cap_big = cap;

	/* the same buffer again, by full path */
	snprintf(path, sizeof(path), "%s/small", dir);
	got = tracefs_read_at(AT_FDCWD, path, "\nprint fmt: ", &buf, &cap);
	ck_assert_int_eq(got, (ssize_t)strlen(small));
	ck_assert_str_eq(buf, small);
	ck_assert_uint_eq(cap, cap_big);

	ck_assert_int_eq(tracefs_read_at(dfd, "none", NULL, &buf, &cap), -ENOENT);

	unlink(path);
	snprintf(path, sizeof(path), "%s/big", dir);
	unlink(path);
	close(dfd);
	rmdir(dir);
	free(big);
	free(buf);
}
END_TEST

START_TEST(read_at_format)
{
	char *whole = NULL, *upto = NULL;
	size_t wcap = 0, ucap = 0;
	ssize_t wn, un;
	int e = 0, fd;

	if (!tracefs_root(&e) ||
	    tracefs_event_exists("syscalls", "sys_enter_openat") != 1)
		return;   /* no tracefs here */
	fd = tracefs_open("events", O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	wn = tracefs_read_at(fd, "syscalls/sys_enter_openat/format", NULL,
			     &whole, &wcap);
	un = tracefs_read_at(fd, "syscalls/sys_enter_openat/format",
			     "\nprint fmt: ", &upto, &ucap);
	ck_assert_int_gt(wn, 0);
	ck_assert_int_eq(un, wn);
	ck_assert_str_eq(upto, whole);
	ck_assert(strstr(whole, "field:const char * filename;"));
	close(fd);
	free(whole);
	free(upto);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tracefs");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, read_at_buffer);
	tcase_add_test(tc, read_at_format);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
