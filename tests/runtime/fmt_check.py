#!/usr/bin/env python3
"""fmt_check.py - checks of bt-fmt's csv, folded and svg output that need
more than grep (standard library only).  Used by tests/cli/bt-fmt.bats and
tests/runtime/fmt_*.bats.

  fmt_check.py csv FILE...          each parses with the csv module, one
                                    header, every row as wide as it, the
                                    columns of bt-formats(7)
  fmt_check.py folded FILE...       every line is `frame;...;frame COUNT`
  fmt_check.py svg FILE...          well-formed XML with <svg> root, boxes
                                    and the script
  fmt_check.py png FILE MIN_COLORS  a PNG with at least MIN_COLORS colours,
                                    none of them covering 99% of it
  fmt_check.py zoom-page SVG HTML   HTML with SVG inline and a script that
                                    hovers, zooms and resets, writing what it
                                    saw into <pre id="result">
  fmt_check.py zoom-result DOM      judges the DOM Chromium dumped from it
  fmt_check.py speedscope-js FOLDED JS   the script speedscope's
                                    #localProfilePath loads
  fmt_check.py speedscope-dom DOM FOLDED  the sandwich view lists every
                                    leaf frame with its self count

Exits 0 when the check passes; otherwise prints why and exits 1.
"""
import base64
import csv
import json
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

TYPES = {"map", "hist", "tseries", "stats.count", "stats.average",
         "stats.total", "printf", "print", "time", "cat", "join", "system",
         "bench.average", "bench.iters", "test.duration", "test.passed",
         "test.output"}
NUMERIC = {"hist", "tseries", "stats.count", "stats.average", "stats.total",
           "bench.average", "bench.iters", "test.duration", "test.passed"}


def fail(msg):
    print(msg)
    sys.exit(1)


def check_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f, strict=True))
    if not rows:
        fail(f"{path}: no header")
    head = rows[0]
    nkeys = len(head) - 5
    want = ["type", "map"] + [f"key{i}" for i in range(1, nkeys + 1)] + \
        ["bucket_min", "bucket_max", "value"]
    if nkeys < 1 or head != want:
        fail(f"{path}: header {head}, expected {want}")
    for n, r in enumerate(rows[1:], 2):
        if len(r) != len(head):
            fail(f"{path}:{n}: {len(r)} columns, header has {len(head)}")
        if r[0] not in TYPES:
            fail(f"{path}:{n}: unknown type {r[0]!r}")
        if r[0] in NUMERIC:
            for col in ("bucket_min", "bucket_max", "value"):
                v = r[head.index(col)]
                if v and not re.fullmatch(r"-?[0-9]+", v):
                    fail(f"{path}:{n}: {col} {v!r} is not an integer")
        if r[0] in ("hist", "map", "tseries") or r[0].startswith("stats"):
            if not r[1].startswith("@"):
                fail(f"{path}:{n}: map name {r[1]!r}")
    return len(rows) - 1


def check_folded(path):
    n = 0
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if not re.fullmatch(r"[^;\n]+(;[^;\n]+)* [1-9][0-9]*\n", line):
            fail(f"{path}:{n}: not a folded stack line: {line!r}")
    return n


def check_svg(path):
    root = ET.parse(path).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    if root.tag != ns + "svg":
        fail(f"{path}: root element {root.tag}")
    boxes = [g for g in root.iter(ns + "g") if g.get("class") == "f"]
    scripts = list(root.iter(ns + "script"))
    if not scripts:
        fail(f"{path}: no script")
    for g in boxes:
        if g.find(ns + "title") is None or g.find(ns + "rect") is None:
            fail(f"{path}: a box without title or rect")
    return len(boxes)


def png_pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path}: not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        fail(f"{path}: PNG kind {depth}/{ctype}/{interlace} not handled")
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    pixels = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        pixels.extend(bytes(line[i:i + 3]) for i in range(0, stride, bpp))
        prev = line
    return w, h, pixels


def check_png(path, min_colors):
    w, h, pixels = png_pixels(path)
    counts = {}
    for p in pixels:
        counts[p] = counts.get(p, 0) + 1
    top = max(counts.values())
    if len(counts) < min_colors:
        fail(f"{path}: {len(counts)} colours, expected at least {min_colors}")
    if top > 0.99 * len(pixels):
        fail(f"{path}: one colour covers {100 * top / len(pixels):.1f}%")
    return len(counts)


ZOOM_SCRIPT = """
<pre id="result"></pre>
<script>
(function () {
  var out = {};
  var boxes = document.getElementsByClassName('f');
  function w(g) { return +g.getElementsByTagName('rect')[0].getAttribute('width'); }
  function shown(g) { return g.style.display !== 'none'; }
  out.boxes = boxes.length;
  out.all_width = w(boxes[0]);
  // the widest box at depth 2 or more: zoom into it
  var z = null;
  for (var i = 0; i < boxes.length; i++)
    if (+boxes[i].getAttribute('data-d') >= 2 && (!z || w(boxes[i]) > w(z)))
      z = boxes[i];
  out.zoom_before = w(z);
  z.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
  out.details = document.getElementById('details').textContent;
  out.title = z.getElementsByTagName('title')[0].textContent;
  z.dispatchEvent(new MouseEvent('click', {bubbles: true}));
  out.zoom_after = w(z);
  out.label_after = z.getElementsByTagName('text')[0].textContent;
  var hidden = 0;
  for (var i = 0; i < boxes.length; i++) if (!shown(boxes[i])) hidden++;
  out.hidden = hidden;
  out.reset_shown = document.getElementById('reset').style.display !== 'none';
  document.getElementById('reset').dispatchEvent(new MouseEvent('click', {bubbles: true}));
  out.zoom_reset = w(z);
  hidden = 0;
  for (var i = 0; i < boxes.length; i++) if (!shown(boxes[i])) hidden++;
  out.hidden_reset = hidden;
  out.reset_hidden = document.getElementById('reset').style.display === 'none';
  document.getElementById('result').textContent = JSON.stringify(out);
})();
</script>
"""


def zoom_page(svg, html):
    text = open(svg, encoding="utf-8").read()
    text = re.sub(r"^<\?xml[^>]*>\s*", "", text)
    with open(html, "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                "</head><body>\n" + text + ZOOM_SCRIPT + "</body></html>\n")


def zoom_result(dom):
    m = re.search(r'<pre id="result">([^<]*)</pre>', open(dom).read())
    if not m or not m.group(1):
        fail(f"{dom}: the page script left no result")
    r = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    full = 1200 - 2 * 10
    why = []
    if r["boxes"] < 3:
        why.append("fewer than 3 boxes")
    if abs(r["all_width"] - full) > 0.5:
        why.append(f"'all' is {r['all_width']} wide")
    if r["details"] != r["title"]:
        why.append(f"hover shows {r['details']!r}, not {r['title']!r}")
    if abs(r["zoom_after"] - full) > 0.5:
        why.append(f"zoomed box is {r['zoom_after']} wide, not {full}")
    if r["zoom_before"] >= full - 0.5:
        why.append("the zoomed box was already full width")
    if not r["reset_shown"] or not r["reset_hidden"]:
        why.append("'Reset Zoom' not shown while zoomed / hidden after")
    if abs(r["zoom_reset"] - r["zoom_before"]) > 0.05:
        why.append(f"reset gives {r['zoom_reset']}, was {r['zoom_before']}")
    if r["hidden_reset"] != 0:
        why.append(f"{r['hidden_reset']} boxes hidden after reset")
    if why:
        fail(f"{dom}: " + "; ".join(why) + f" ({r})")
    return r


def speedscope_js(folded, js):
    data = open(folded, "rb").read()
    name = folded.rsplit("/", 1)[-1]
    with open(js, "w") as f:
        f.write("speedscope.loadFileFromBase64(%s, %s);\n" %
                (json.dumps(name), json.dumps(base64.b64encode(data).decode())))


def speedscope_dom(dom, folded):
    text = open(dom, encoding="utf-8").read()
    name = folded.rsplit("/", 1)[-1]
    if f"<title>{name} - speedscope</title>" not in text:
        fail(f"{dom}: speedscope did not load {name} (title: "
             f"{re.findall(r'<title>[^<]*</title>', text)})")
    selfc = {}
    for line in open(folded, encoding="utf-8"):
        stack, count = line.rstrip("\n").rsplit(" ", 1)
        leaf = stack.split(";")[-1]
        selfc[leaf] = selfc.get(leaf, 0) + int(count)
    # each table row: total, self, then the name
    seen = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", text, re.S):
        tds = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        if len(tds) < 3:
            continue
        m = re.match(r"([0-9]+) \(", tds[1])
        if m:
            seen[html_unescape(re.sub(r"<[^>]*>", "", tds[2]))] = \
                int(m.group(1))
    # the table draws only the rows that fit in the window: a big profile
    # is checked on its heaviest leaves
    check = selfc
    if len(selfc) > 150:
        cut = sorted(selfc.values(), reverse=True)[100]
        check = {k: v for k, v in selfc.items() if v > cut}
    for leaf, c in check.items():
        if seen.get(leaf) != c:
            fail(f"{dom}: speedscope shows {leaf!r} with self "
                 f"{seen.get(leaf)}, the folded file has {c}")
    return len(selfc)


def html_unescape(s):
    return (s.replace("&lt;", "<").replace("&gt;", ">")
            .replace("&quot;", '"').replace("&#39;", "'")
            .replace("&amp;", "&"))


def main(argv):
    if len(argv) < 3:
        fail(__doc__)
    what, args = argv[1], argv[2:]
    if what == "csv":
        for p in args:
            check_csv(p)
    elif what == "folded":
        for p in args:
            check_folded(p)
    elif what == "svg":
        for p in args:
            check_svg(p)
    elif what == "png":
        print(check_png(args[0], int(args[1])), "colours")
    elif what == "zoom-page":
        zoom_page(args[0], args[1])
    elif what == "zoom-result":
        print(zoom_result(args[0]))
    elif what == "speedscope-js":
        speedscope_js(args[0], args[1])
    elif what == "speedscope-dom":
        print(speedscope_dom(args[0], args[1]), "leaf frames match")
    else:
        fail(f"unknown check {what!r}")


if __name__ == "__main__":
    main(sys.argv)
