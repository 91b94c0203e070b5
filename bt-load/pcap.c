/*
 * pcap.c - the pcap files skboutput() writes, in the classic libpcap
 * format that tcpdump and wireshark read, laid out as upstream bpftrace's
 * writer (libpcap's pcap_open_dead(DLT_RAW, 65535) + pcap_dump) makes
 * them:
 *
 *   file header   u32 magic 0xa1b2c3d4 (microsecond timestamps, written
 *                 in the host's byte order), u16 version 2, u16 minor 4,
 *                 i32 thiszone 0, u32 sigfigs 0, u32 snaplen 65535,
 *                 u32 link type 101 (LINKTYPE_RAW: packets start at the
 *                 IP header, no link-layer header)
 *   per packet    u32 seconds, u32 microseconds (wall clock), u32 bytes
 *                 in the file, u32 bytes of the packet; then the bytes
 *
 * Writes go through a stdio buffer: memory stays one buffer per file
 * however many packets pass.  pcap_flush() pushes what is buffered to
 * the file (bt-load does so after every poll round, so the file can be
 * read while the trace runs); pcap_close() flushes and closes.
 *
 * Ownership: struct pcap_file is malloc'd by pcap_open() and freed by
 * pcap_close(); the caller keeps the path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load.h"

#define PCAP_MAGIC_USEC 0xa1b2c3d4u
#define PCAP_VERSION_MAJOR 2
#define PCAP_VERSION_MINOR 4
#define PCAP_LINKTYPE_RAW 101

struct pcap_file {
	FILE *f;
	int err;                    /* first write error (positive errno) */
};

static void pcap_put(struct pcap_file *p, const void *data, size_t n)
{
	if (p->err || !n)
		return;
	if (fwrite(data, 1, n, p->f) != n)
		p->err = errno ? errno : EIO;
}

int pcap_flush(struct pcap_file *p)
{
	if (!p->err && fflush(p->f))
		p->err = errno ? errno : EIO;
	return -p->err;
}

int pcap_open(struct pcap_file **out, const char *path)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t thiszone;
		uint32_t sigfigs, snaplen, linktype;
	} hdr = { PCAP_MAGIC_USEC, PCAP_VERSION_MAJOR, PCAP_VERSION_MINOR, 0,
		  0, PCAP_SNAPLEN, PCAP_LINKTYPE_RAW };
	struct pcap_file *p;
	int err;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->f = fopen(path, "we");
	if (!p->f) {
		err = -errno;
		free(p);
		return err;
	}
	/* on disk at once: the file is a valid (empty) capture from the
	 * start, and a file that cannot be written fails here */
	pcap_put(p, &hdr, sizeof(hdr));
	pcap_flush(p);
	if (p->err) {
		err = -p->err;
		fclose(p->f);
		free(p);
		return err;
	}
	*out = p;
	return 0;
}

int pcap_write(struct pcap_file *p, uint64_t wall_ns, const void *pkt,
	       size_t len)
{
	uint32_t rec[4];
	size_t cap = len < PCAP_SNAPLEN ? len : PCAP_SNAPLEN;

	rec[0] = (uint32_t)(wall_ns / 1000000000u);
	rec[1] = (uint32_t)(wall_ns % 1000000000u / 1000u);
	rec[2] = (uint32_t)cap;
	rec[3] = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
	pcap_put(p, rec, sizeof(rec));
	pcap_put(p, pkt, cap);
	return -p->err;
}

int pcap_close(struct pcap_file *p)
{
	int err;

	if (!p)
		return 0;
	pcap_flush(p);
	err = p->err;
	if (fclose(p->f) && !err)
		err = errno ? errno : EIO;
	free(p);
	return -err;
}
