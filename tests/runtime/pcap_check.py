#!/usr/bin/env python3
"""pcap_check.py - checks of the pcap files skboutput() writes (standard
library only).  Used by tests/runtime/skboutput.bats.

  pcap_check.py header FILE
      the file is exactly a classic pcap file header as upstream writes it:
      magic 0xa1b2c3d4 (microseconds), version 2.4, thiszone 0, sigfigs 0,
      snaplen 65535, link type 101 (LINKTYPE_RAW), and nothing else
  pcap_check.py udp FILE PAYLOAD SKIP COUNT T0 T1
      the header as above; every record is well formed (caplen <= len,
      caplen <= snaplen, the bytes are there, microseconds < 10^6); COUNT
      UDP records (ICMP errors quoting one do not count) hold a UDP/IPv4
      packet to 127.0.0.1 carrying PAYLOAD, whose
      IP header starts SKIP bytes into the record (0: raw IP as the link
      type says; 14: an Ethernet header kept by offset 0, type 0x0800);
      their timestamps lie between T0 and T1 (wall-clock seconds), and
      their captured length is the whole packet

Exits 0 when the check passes; otherwise prints why and exits 1.
"""
import struct
import sys


def fail(msg):
    print("pcap_check: " + msg)
    sys.exit(1)


def read_header(data):
    if len(data) < 24:
        fail("%d bytes: no pcap file header" % len(data))
    magic, major, minor, zone, sigfigs, snaplen, linktype = struct.unpack(
        "<IHHiIII", data[:24])
    want = (0xa1b2c3d4, 2, 4, 0, 0, 65535, 101)
    got = (magic, major, minor, zone, sigfigs, snaplen, linktype)
    if got != want:
        fail("file header %r, expected %r" % (got, want))
    return snaplen


def records(data, snaplen):
    off = 24
    while off < len(data):
        if off + 16 > len(data):
            fail("a record header is cut at byte %d" % off)
        sec, usec, caplen, length = struct.unpack("<IIII", data[off:off + 16])
        if usec >= 1000000 or caplen > length or caplen > snaplen:
            fail("bad record header at byte %d: %r"
                 % (off, (sec, usec, caplen, length)))
        if off + 16 + caplen > len(data):
            fail("the record at byte %d is cut" % off)
        yield sec, usec, caplen, length, data[off + 16:off + 16 + caplen]
        off += 16 + caplen


def check_udp(data, payload, skip, count, t0, t1):
    snaplen = read_header(data)
    found = 0
    for sec, usec, caplen, length, pkt in records(data, snaplen):
        # ICMP errors quote the datagram: only UDP packets count
        if payload not in pkt or len(pkt) < skip + 10 or pkt[skip + 9] != 17:
            continue
        where = "record at %d.%06d" % (sec, usec)
        if skip == 14 and pkt[12:14] != b"\x08\x00":
            fail("%s: no IPv4 Ethernet header before the IP one: %s"
                 % (where, pkt[:14].hex()))
        ip = pkt[skip:]
        if len(ip) < 28 or ip[0] != 0x45 or ip[9] != 17:
            fail("%s: no IPv4/UDP header at byte %d: %s"
                 % (where, skip, pkt[:skip + 28].hex()))
        if ip[16:20] != b"\x7f\x00\x00\x01":
            fail("%s: destination %s, not 127.0.0.1" % (where, ip[16:20].hex()))
        total = struct.unpack(">H", ip[2:4])[0]
        if ip[28:28 + len(payload)] != payload:
            fail("%s: the payload is not right after the UDP header: %s"
                 % (where, ip[:28 + len(payload)].hex()))
        if total != 28 + len(payload) or caplen != skip + total or \
                length != caplen:
            fail("%s: lengths caplen=%d len=%d, IP total %d, expected %d"
                 % (where, caplen, length, total, skip + 28 + len(payload)))
        if not t0 <= sec <= t1:
            fail("%s: timestamp outside the run [%d, %d]" % (where, t0, t1))
        found += 1
    if found != count:
        fail("%d records carry the payload, expected %d" % (found, count))


def main(argv):
    if len(argv) == 3 and argv[1] == "header":
        data = open(argv[2], "rb").read()
        read_header(data)
        if len(data) != 24:
            fail("%d bytes after the file header" % (len(data) - 24))
    elif len(argv) == 8 and argv[1] == "udp":
        data = open(argv[2], "rb").read()
        check_udp(data, argv[3].encode(), int(argv[4]), int(argv[5]),
                  int(argv[6]), int(argv[7]))
    else:
        fail("usage: see the top of the file")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
