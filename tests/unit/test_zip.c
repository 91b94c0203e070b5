/*
 * test_zip.c - unit tests of share/zip.c: "ARCHIVE!/MEMBER" paths, and
 * finding stored members in archives built here byte by byte (local
 * headers with extra fields, a central directory, a comment after the
 * end record), with compressed, missing and broken cases.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zip.h"

struct zbuf {
	unsigned char b[8192];
	size_t n;
};

static void put16(struct zbuf *z, uint32_t v)
{
	z->b[z->n++] = v & 0xff;
	z->b[z->n++] = (v >> 8) & 0xff;
}

static void put32(struct zbuf *z, uint32_t v)
{
	put16(z, v & 0xffff);
	put16(z, v >> 16);
}

static void putb(struct zbuf *z, const void *p, size_t n)
{
	memcpy(z->b + z->n, p, n);
	z->n += n;
}

struct member {
	const char *name, *data;
	int method, extra;
	uint32_t at;
};

/* members, then the central directory and the end record + comment */
static void build(struct zbuf *z, struct member *m, int n, const char *comment)
{
	uint32_t cd, eocd;
	int i;

	z->n = 0;
	for (i = 0; i < n; i++) {
		m[i].at = (uint32_t)z->n;
		put32(z, 0x04034b50);
		put16(z, 10); put16(z, 0); put16(z, (uint32_t)m[i].method);
		put32(z, 0); put32(z, 0);
		put32(z, (uint32_t)strlen(m[i].data));
		put32(z, (uint32_t)strlen(m[i].data));
		put16(z, (uint32_t)strlen(m[i].name)); put16(z, (uint32_t)m[i].extra);
		putb(z, m[i].name, strlen(m[i].name));
		memset(z->b + z->n, 0, (size_t)m[i].extra);
		z->n += (size_t)m[i].extra;
		putb(z, m[i].data, strlen(m[i].data));
	}
	cd = (uint32_t)z->n;
	for (i = 0; i < n; i++) {
		put32(z, 0x02014b50);
		put16(z, 20); put16(z, 10); put16(z, 0); put16(z, (uint32_t)m[i].method);
		put32(z, 0); put32(z, 0);
		put32(z, (uint32_t)strlen(m[i].data));
		put32(z, (uint32_t)strlen(m[i].data));
		put16(z, (uint32_t)strlen(m[i].name)); put16(z, 0); put16(z, 0);
		put16(z, 0); put16(z, 0); put32(z, 0);
		put32(z, m[i].at);
		putb(z, m[i].name, strlen(m[i].name));
	}
	eocd = (uint32_t)z->n;
	put32(z, 0x06054b50);
	put16(z, 0); put16(z, 0); put16(z, (uint32_t)n); put16(z, (uint32_t)n);
	put32(z, eocd - cd);
	put32(z, cd);
	put16(z, (uint32_t)strlen(comment));
	putb(z, comment, strlen(comment));
}

static int write_tmp(const struct zbuf *z, char *path)
{
	int fd;

	strcpy(path, "/tmp/bt-zip-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, z->b, z->n), (ssize_t)z->n);
	return fd;
}

START_TEST(path_split)
{
	char a[64];
	const char *m = NULL;

	ck_assert_int_eq(zip_path_split("/x/app.apk!/lib/a.so", a, sizeof(a), &m), 1);
	ck_assert_str_eq(a, "/x/app.apk");
	ck_assert_str_eq(m, "lib/a.so");
	ck_assert_int_eq(zip_path_split("/usr/bin/true", a, sizeof(a), &m), 0);
	ck_assert_int_eq(zip_path_split("/a/very/long/archive.zip!/m", a, 8, &m),
			 -ENAMETOOLONG);
}
END_TEST

START_TEST(find_members)
{
	struct member m[] = {
		{ "first", "0123456789", 0, 0, 0 },
		{ "lib/libz.so", "ELFDATA", 0, 37, 0 },
		{ "packed", "zzzz", 8, 0, 0 },
	};
	struct zbuf z;
	char path[32];
	uint64_t off, size;
	void *img;
	size_t len;
	int fd;

	build(&z, m, 3, "a comment after the end record");
	fd = write_tmp(&z, path);
	ck_assert_int_eq(zip_member_find(fd, "first", &off, &size), 0);
	ck_assert_uint_eq(off, 30 + 5);
	ck_assert_uint_eq(size, 10);
	/* the local header's extra field moves the data */
	ck_assert_int_eq(zip_member_find(fd, "lib/libz.so", &off, &size), 0);
	ck_assert_uint_eq(off, m[1].at + 30 + 11 + 37);
	ck_assert_int_eq(memcmp(z.b + off, "ELFDATA", 7), 0);
	ck_assert_int_eq(zip_member_find(fd, "packed", &off, &size), -ENOTSUP);
	ck_assert_int_eq(zip_member_find(fd, "lib", &off, &size), -ENOENT);
	ck_assert_int_eq(zip_member_find(fd, "lib/libz.s", &off, &size), -ENOENT);
	close(fd);
	{
		char full[64];

		snprintf(full, sizeof(full), "%s!/lib/libz.so", path);
		ck_assert_int_eq(zip_read_member(full, &img, &len, &off), 0);
		ck_assert_uint_eq(len, 7);
		ck_assert_int_eq(memcmp(img, "ELFDATA", 7), 0);
		free(img);
	}
	unlink(path);
}
END_TEST

START_TEST(not_a_zip)
{
	struct zbuf z = { .n = 0 };
	char path[32];
	uint64_t off, size;
	int fd;

	putb(&z, "\177ELF and nothing like an end record at all......", 49);
	fd = write_tmp(&z, path);
	ck_assert_int_eq(zip_member_find(fd, "x", &off, &size), -EINVAL);
	close(fd);
	unlink(path);
	/* a central directory that points past the end */
	{
		struct member m[] = { { "a", "b", 0, 0, 0 } };

		build(&z, m, 1, "");
		z.b[z.n - 6] = 0xff;   /* the cd offset: 255, past the end */
		fd = write_tmp(&z, path);
		ck_assert_int_eq(zip_member_find(fd, "a", &off, &size), -EINVAL);
		close(fd);
		unlink(path);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("zip");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, path_split);
	tcase_add_test(tc, find_members);
	tcase_add_test(tc, not_a_zip);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
