/*
 * svg.c - `-f svg`: a flame graph drawn from folded stacks, as one
 * self-contained SVG file (no external fonts, scripts or styles).
 *
 * The folded lines become a tree (equal frames under one parent merge,
 * children in name order, as flamegraph.pl orders them); each node is a
 * box whose width is its share of all samples, the root ("all") at the
 * bottom and callees above their callers.  Boxes narrower than 0.1 px
 * are left out.  Each box is `<g class="f" data-s data-n data-d>` (first
 * sample, samples, depth) holding a <title> (the frame, its samples and
 * share: a browser shows it on hover), the <rect> and the label, cut to
 * fit with "..".
 *
 * The embedded script: hovering a box shows its title in the line at the
 * bottom; clicking one zooms it to the full width (its callers stay, dimmed,
 * its callees are stretched, everything else is hidden); "Reset Zoom"
 * (top left) or a click on "all" goes back.  Without script (an image
 * viewer) the graph is still drawn, labels included.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fmt.h"

#define SVG_WIDTH    1200
#define SVG_XPAD     10
#define SVG_FRAME_H  16
#define SVG_TOP      54        /* title and reset line */
#define SVG_BOTTOM   34        /* details line */
#define SVG_CHAR_W   7.3       /* 12px monospace */
#define SVG_MIN_W    0.1

struct node {
	const char *name;
	size_t namelen;
	uint64_t value;
	struct node *child, *next;
};

static struct node *node_child(struct arena *a, struct node *p,
			       const char *s, size_t n)
{
	struct node *c;

	for (c = p->child; c; c = c->next)
		if (c->namelen == n && !memcmp(c->name, s, n))
			return c;
	c = arena_alloc(a, sizeof(*c));
	c->name = s;
	c->namelen = n;
	c->next = p->child;
	p->child = c;
	return c;
}

/* one line "a;b;c COUNT" into the tree; lines without a count are skipped */
static void add_line(struct arena *a, struct node *root, const char *s,
		     size_t n)
{
	const char *sp, *end = s + n, *p;
	uint64_t count = 0;
	struct node *cur = root;

	while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	end = s + n;
	sp = NULL;
	for (p = end; p > s; p--)
		if (p[-1] == ' ') {
			sp = p - 1;
			break;
		}
	if (!sp || sp + 1 == end)
		return;
	for (p = sp + 1; p < end; p++) {
		if (*p < '0' || *p > '9')
			return;
		count = count * 10 + (uint64_t)(*p - '0');
	}
	if (!count)
		return;
	root->value += count;
	for (p = s; p <= sp;) {
		const char *semi = memchr(p, ';', (size_t)(sp - p));
		const char *fe = semi ? semi : sp;

		cur = node_child(a, cur, p, (size_t)(fe - p));
		cur->value += count;
		p = fe + 1;
	}
}

static int name_cmp(const struct node *a, const struct node *b)
{
	size_t n = a->namelen < b->namelen ? a->namelen : b->namelen;
	int c = memcmp(a->name, b->name, n);

	if (c)
		return c;
	return (a->namelen > b->namelen) - (a->namelen < b->namelen);
}

/* children in name order (merge sort of the sibling list) */
static struct node *sort_siblings(struct node *l)
{
	struct node *a = NULL, *b = NULL, *next, head, *t = &head;
	int flip = 0;

	if (!l || !l->next)
		return l;
	for (; l; l = next, flip ^= 1) {
		next = l->next;
		if (flip) {
			l->next = b;
			b = l;
		} else {
			l->next = a;
			a = l;
		}
	}
	a = sort_siblings(a);
	b = sort_siblings(b);
	while (a && b) {
		if (name_cmp(a, b) <= 0) {
			t->next = a;
			a = a->next;
		} else {
			t->next = b;
			b = b->next;
		}
		t = t->next;
	}
	t->next = a ? a : b;
	return head.next;
}

static int tree_depth(struct node *n)
{
	struct node *c;
	int d = 0, cd;

	n->child = sort_siblings(n->child);
	for (c = n->child; c; c = c->next) {
		cd = tree_depth(c);
		if (cd > d)
			d = cd;
	}
	return d + 1;
}

/* length of the valid UTF-8 sequence at s (1..4), 0 if invalid */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2)
		len = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3;
	else if ((s[0] & 0xf8) == 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* text as XML character data or attribute value */
static void xml_text(struct strbuf *sb, const char *s, size_t n)
{
	size_t i = 0, l;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&':
			strbuf_adds(sb, "&amp;");
			break;
		case '<':
			strbuf_adds(sb, "&lt;");
			break;
		case '>':
			strbuf_adds(sb, "&gt;");
			break;
		case '"':
			strbuf_adds(sb, "&quot;");
			break;
		default:
			if (c < 0x20) {
				strbuf_addc(sb, '?');
				break;
			}
			l = utf8_len((const unsigned char *)s + i, n - i);
			if (!l) {
				strbuf_addc(sb, '?');
				break;
			}
			strbuf_add(sb, s + i, l);
			i += l;
			continue;
		}
		i++;
	}
}

/* the label of a box w px wide: the name, cut with "..", or nothing */
static void label(struct strbuf *sb, const char *s, size_t n, double w)
{
	size_t fit = (size_t)((w - 6) / SVG_CHAR_W), i, chars;

	if (w < 6 || fit < 3)
		return;
	/* count characters, not bytes */
	for (i = 0, chars = 0; i < n && chars < fit; chars++) {
		size_t l = utf8_len((const unsigned char *)s + i, n - i);

		i += l ? l : 1;
	}
	if (i >= n) {
		xml_text(sb, s, n);
		return;
	}
	/* too long: fit-2 characters and ".." */
	for (i = 0, chars = 0; i < n && chars + 2 < fit; chars++) {
		size_t l = utf8_len((const unsigned char *)s + i, n - i);

		i += l ? l : 1;
	}
	xml_text(sb, s, i);
	strbuf_adds(sb, "..");
}

static uint32_t fnv1a(const char *s, size_t n, uint32_t h)
{
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static void addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void addf(struct strbuf *sb, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		strbuf_add(sb, buf, (size_t)n < sizeof(buf) ? (size_t)n :
			   sizeof(buf) - 1);
}

struct draw {
	struct strbuf *sb;
	uint64_t total;
	double scale;        /* px per sample */
	int height;
};

static void draw_node(struct draw *d, const struct node *n, uint64_t start,
		      int depth)
{
	const struct node *c;
	double x = SVG_XPAD + (double)start * d->scale;
	double w = (double)n->value * d->scale;
	int y = d->height - SVG_BOTTOM - (depth + 1) * SVG_FRAME_H;
	uint32_t h = fnv1a(n->name, n->namelen, 2166136261u);
	/* flamegraph.pl's "hot" palette, chosen by the name's hash */
	unsigned r = 205 + (h & 0xff) * 50 / 255;
	unsigned g = ((h >> 8) & 0xff) * 230 / 255;
	unsigned b = ((h >> 16) & 0xff) * 55 / 255;
	uint64_t off = start;

	if (w < SVG_MIN_W)
		return;
	addf(d->sb, "<g class=\"f\" data-s=\"%llu\" data-n=\"%llu\" "
	     "data-d=\"%d\"><title>", (unsigned long long)start,
	     (unsigned long long)n->value, depth);
	xml_text(d->sb, n->name, n->namelen);
	addf(d->sb, " (%llu sample%s, %.2f%%)</title>",
	     (unsigned long long)n->value, n->value == 1 ? "" : "s",
	     100.0 * (double)n->value / (double)d->total);
	addf(d->sb, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
	     "fill=\"rgb(%u,%u,%u)\" rx=\"2\" ry=\"2\"/>", x, y, w,
	     SVG_FRAME_H - 1, r, g, b);
	addf(d->sb, "<text x=\"%.1f\" y=\"%.1f\">", x + 3,
	     y + SVG_FRAME_H - 4.5);
	label(d->sb, n->name, n->namelen, w);
	strbuf_adds(d->sb, "</text></g>\n");
	for (c = n->child; c; c = c->next) {
		draw_node(d, c, off, depth + 1);
		off += c->value;
	}
}

/*
 * The script: everything it needs is in the boxes' data-* attributes.
 * Written for any browser's SVG DOM (no modules, no libraries).
 */
static const char svg_script[] =
	"var details = document.getElementById('details');\n"
	"var reset = document.getElementById('reset');\n"
	"var boxes = document.getElementsByClassName('f');\n"
	"function num(g, a) { return +g.getAttribute('data-' + a); }\n"
	"function title(g) {\n"
	"  return g.getElementsByTagName('title')[0].textContent;\n"
	"}\n"
	"function name(g) {\n"
	"  return title(g).replace(/ \\([0-9]+ samples?, [0-9.]+%\\)$/, '');\n"
	"}\n"
	"function fit(s, w) {\n"
	"  var n = Math.floor((w - 6) / CHAR_W);\n"
	"  if (w < 6 || n < 3) return '';\n"
	"  var c = Array.from(s);\n"
	"  return c.length <= n ? s : c.slice(0, n - 2).join('') + '..';\n"
	"}\n"
	"function place(g, x, w, dim) {\n"
	"  var r = g.getElementsByTagName('rect')[0];\n"
	"  var t = g.getElementsByTagName('text')[0];\n"
	"  r.setAttribute('x', x.toFixed(1));\n"
	"  r.setAttribute('width', w.toFixed(1));\n"
	"  t.setAttribute('x', (x + 3).toFixed(1));\n"
	"  t.textContent = fit(name(g), w);\n"
	"  g.style.display = '';\n"
	"  g.style.opacity = dim ? '0.5' : '';\n"
	"}\n"
	"function zoom(z) {\n"
	"  var s0 = num(z, 's'), n0 = num(z, 'n'), d0 = num(z, 'd');\n"
	"  var scale = (WIDTH - 2 * XPAD) / n0;\n"
	"  for (var i = 0; i < boxes.length; i++) {\n"
	"    var g = boxes[i], s = num(g, 's'), n = num(g, 'n'), d = num(g, 'd');\n"
	"    if (d >= d0 && s >= s0 && s + n <= s0 + n0)\n"
	"      place(g, XPAD + (s - s0) * scale, n * scale, false);\n"
	"    else if (d < d0 && s <= s0 && s + n >= s0 + n0)\n"
	"      place(g, XPAD, WIDTH - 2 * XPAD, true);\n"
	"    else\n"
	"      g.style.display = 'none';\n"
	"  }\n"
	"  reset.style.display = d0 > 0 ? '' : 'none';\n"
	"}\n"
	"function unzoom() { if (boxes.length) zoom(boxes[0]); }\n"
	"for (var i = 0; i < boxes.length; i++) {\n"
	"  boxes[i].addEventListener('mouseover', function () {\n"
	"    details.textContent = title(this);\n"
	"  });\n"
	"  boxes[i].addEventListener('mouseout', function () {\n"
	"    details.textContent = ' ';\n"
	"  });\n"
	"  boxes[i].addEventListener('click', function () { zoom(this); });\n"
	"}\n"
	"reset.addEventListener('click', unzoom);\n"
	"]]></script>\n";

void flame_svg(struct strbuf *sb, const char *folded, size_t n,
	       const char *title)
{
	struct arena *a = arena_new();
	struct node root = { .name = "all", .namelen = 3 };
	const char *p = folded, *end = folded + n, *nl;
	struct draw d = { .sb = sb };
	int depth;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		add_line(a, &root, p, (size_t)(nl - p));
	}
	depth = tree_depth(&root);
	d.total = root.value;
	d.height = SVG_TOP + depth * SVG_FRAME_H + SVG_BOTTOM;
	d.scale = d.total ? (double)(SVG_WIDTH - 2 * SVG_XPAD) /
			    (double)d.total : 0;

	strbuf_adds(sb, "<?xml version=\"1.0\" standalone=\"no\"?>\n");
	addf(sb, "<svg version=\"1.1\" width=\"%d\" height=\"%d\" "
	     "viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n",
	     SVG_WIDTH, d.height, SVG_WIDTH, d.height);
	strbuf_adds(sb,
		"<defs><linearGradient id=\"bg\" y1=\"0\" y2=\"1\" x1=\"0\" "
		"x2=\"0\"><stop stop-color=\"#eeeeee\" offset=\"5%\"/>"
		"<stop stop-color=\"#eeeeb0\" offset=\"95%\"/>"
		"</linearGradient></defs>\n"
		"<style type=\"text/css\">\n"
		"text { font-family: monospace; font-size: 12px; "
		"fill: rgb(0,0,0); }\n"
		"#title { font-size: 17px; }\n"
		"g.f { cursor: pointer; }\n"
		"g.f:hover rect { stroke: black; stroke-width: 0.5; }\n"
		"g.f text { pointer-events: none; }\n"
		"#reset { cursor: pointer; }\n"
		"</style>\n");
	addf(sb, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
	     "fill=\"url(#bg)\"/>\n", SVG_WIDTH, d.height);
	addf(sb, "<text id=\"title\" x=\"%d\" y=\"24\" "
	     "text-anchor=\"middle\">", SVG_WIDTH / 2);
	xml_text(sb, title ? title : "Flame Graph",
		 strlen(title ? title : "Flame Graph"));
	strbuf_adds(sb, "</text>\n");
	addf(sb, "<text id=\"reset\" x=\"%d\" y=\"24\" "
	     "style=\"display: none\">Reset Zoom</text>\n", SVG_XPAD);
	addf(sb, "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n",
	     SVG_XPAD, d.height - 12);
	if (!d.total)
		addf(sb, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">"
		     "no stack samples</text>\n", SVG_WIDTH / 2,
		     SVG_TOP + SVG_FRAME_H);
	else
		draw_node(&d, &root, 0, 0);
	strbuf_adds(sb, "<script type=\"text/ecmascript\"><![CDATA[\n"
		    "'use strict';\n");
	addf(sb, "var XPAD = %d, WIDTH = %d, CHAR_W = %.1f;\n", SVG_XPAD,
	     SVG_WIDTH, SVG_CHAR_W);
	strbuf_adds(sb, svg_script);
	strbuf_adds(sb, "</svg>\n");
	arena_free(a);
}
