/* mkseeds: seed corpora for the fuzzers, made at run time from the record
 * streams in tests/data (nothing big is kept in the tree).
 *
 *   mkseeds lines  OUTDIR FILE...  one seed per distinct line (fuzz_record,
 *                                  fuzz_jsonw), at most 200 spread over each file
 *   mkseeds chunks OUTDIR FILE...  runs of 32 lines (fuzz_pipeline)
 *   mkseeds reasm  OUTDIR FILE...  runs of 32 lines as fuzz_reassembly
 *                                  operations (OP_RAW, clock, expire, idle),
 *                                  and hand-made operation sequences
 *
 * Seeds are named by content hash, so running it twice changes nothing. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reasm_ops.h"

#define CHUNK_LINES 32
#define MAX_LINES_PER_FILE 200

static const char *outdir;
static unsigned long written;

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "mkseeds: %s %s: %s\n", what, arg, strerror(errno));
	exit(1);
}

static void seed(const void *p, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ ((const unsigned char *)p)[i]) * 1099511628211ull;
	char path[4096];
	snprintf(path, sizeof(path), "%s/seed-%016llx", outdir, (unsigned long long)h);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f))
		die("cannot write", path);
	written++;
}

/* a growing byte buffer */
struct buf {
	unsigned char *p;
	size_t n, cap;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 256;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			die("out of memory", "");
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void put1(struct buf *b, unsigned v)
{
	unsigned char c = (unsigned char)v;
	put(b, &c, 1);
}

/* the lines of a file */
struct lines {
	char *text;
	size_t len;
	char **line;
	size_t *linelen;
	size_t n;
};

static void read_lines(const char *path, struct lines *l)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("cannot read", path);
	struct buf b = {0};
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		put(&b, tmp, n);
	fclose(f);
	put1(&b, '\n');
	*l = (struct lines){.text = (char *)b.p, .len = b.n};
	size_t cap = 0;
	for (char *p = l->text, *end = l->text + l->len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (nl > p) {
			if (l->n == cap) {
				cap = cap * 2 + 64;
				l->line = realloc(l->line, cap * sizeof(*l->line));
				l->linelen = realloc(l->linelen, cap * sizeof(*l->linelen));
				if (!l->line || !l->linelen)
					die("out of memory", "");
			}
			l->line[l->n] = p;
			l->linelen[l->n++] = (size_t)(nl - p);
		}
		p = nl + 1;
	}
}

static void free_lines(struct lines *l)
{
	free(l->text);
	free(l->line);
	free(l->linelen);
}

/* --- fuzz_reassembly: hand-made operation sequences ------------------------ */

static void push(struct buf *b, unsigned type, unsigned serial, unsigned key)
{
	put1(b, OP_PUSH);
	put1(b, type);
	put1(b, serial);
	put1(b, key);
}

/* SYSCALL, EXECVE, CWD, PATH, PROCTITLE, EOE of one fresh serial */
static void exec_event(struct buf *b, unsigned key, int eoe)
{
	push(b, T_SYSCALL, SER_NEXT, key);
	push(b, T_EXECVE, SER_LAST, key);
	push(b, T_CWD, SER_LAST, key);
	push(b, T_PATH, SER_LAST, key);
	push(b, T_PROCTITLE, SER_LAST, key);
	if (eoe)
		put1(b, OP_EOE);
}

static void handmade(void)
{
	struct buf b = {0};

	/* plain events, in order, then two interleaved, out of order */
	b.n = 0;
	put1(&b, 4), put1(&b, 0x80 | 2); /* 8 in flight, 2 s, documents */
	for (int i = 0; i < 4; i++)
		exec_event(&b, KEY_PLAIN, 1);
	push(&b, T_SYSCALL, SER_NEXT, KEY_PLAIN);
	push(&b, T_SYSCALL + 32, SER_NEXT, KEY_PLAIN); /* ENRICHED */
	push(&b, T_PATH, SER_NEAR(-1), KEY_PLAIN);
	push(&b, T_PATH, SER_NEAR(0), KEY_PLAIN);
	push(&b, T_EOE, SER_NEAR(-1), KEY_PLAIN);
	push(&b, T_EOE, SER_NEAR(0), KEY_PLAIN);
	push(&b, T_EOE, SER_NEAR(0), KEY_PLAIN); /* late: orphan or late */
	seed(b.p, b.n);

	/* lone user records: one gets companions, one stays alone until idle */
	b.n = 0;
	put1(&b, 3), put1(&b, 0x80 | 3);
	push(&b, T_USER_LOGIN, SER_NEXT, KEY_NODE_A);
	push(&b, T_SYSCALL, SER_LAST, KEY_NODE_A);
	put1(&b, OP_EOE);
	push(&b, T_USER_START, SER_NEXT, KEY_NODE_A);
	push(&b, T_LOGIN, SER_NEXT, KEY_PLAIN);
	exec_event(&b, KEY_PLAIN, 0);
	put1(&b, OP_IDLE);
	push(&b, T_DAEMON_START, SER_NEXT, KEY_PLAIN);
	push(&b, T_KERNEL, SER_LAST, KEY_PLAIN);
	push(&b, T_ANOM_ABEND, SER_NEXT, KEY_PLAIN);
	push(&b, T_AVC, SER_NEXT, KEY_PLAIN); /* AVC before its SYSCALL */
	push(&b, T_SYSCALL, SER_LAST, KEY_PLAIN);
	put1(&b, OP_EOE);
	seed(b.p, b.n);

	/* capacity, a smaller limit, timeouts */
	b.n = 0;
	put1(&b, 2), put1(&b, 3); /* 3 in flight, 5 s */
	for (int i = 0; i < 6; i++)
		push(&b, T_SYSCALL, SER_NEXT, (unsigned)i & 3);
	put1(&b, OP_LIMITS), put1(&b, 0 | 1 << 3); /* 1 in flight, 0.5 s */
	push(&b, T_SYSCALL, SER_NEXT, KEY_PLAIN);
	put1(&b, OP_CLOCK), put1(&b, 4);
	put1(&b, OP_EXPIRE);
	push(&b, T_PATH, SER_NEXT, KEY_PLAIN);
	put1(&b, OP_LIMITS), put1(&b, 6 | 5 << 3); /* 64, 1e9 s */
	for (int i = 0; i < 4; i++)
		exec_event(&b, KEY_NODE_A, i & 1);
	put1(&b, OP_FLUSH);
	push(&b, T_PATH, SER_NEXT, KEY_PLAIN);
	seed(b.p, b.n);

	/* serials: wrap at 2^32, a reset, gaps, back behind the window, 0 */
	b.n = 0;
	put1(&b, 4), put1(&b, 2);
	push(&b, T_SYSCALL, SER_WRAP, KEY_PLAIN);
	for (int i = 0; i < 12; i++)
		push(&b, T_SYSCALL, SER_NEXT, KEY_PLAIN);
	push(&b, T_SYSCALL, SER_RESET, KEY_PLAIN);
	push(&b, T_SYSCALL, SER_GAP, KEY_PLAIN);
	push(&b, T_SYSCALL, SER_BACK, KEY_PLAIN);
	push(&b, T_SYSCALL, SER_ZERO, KEY_PLAIN);
	push(&b, T_SYSCALL, SER_ZERO, 13 << 3); /* same serial, another time */
	put1(&b, OP_SERIAL32), put1(&b, T_PATH);
	put1(&b, 0xff), put1(&b, 0xff), put1(&b, 0xff), put1(&b, 0xff);
	put1(&b, KEY_PLAIN);
	put1(&b, OP_IDLE);
	seed(b.p, b.n);

	/* one event past the 4096-record cut; 300 nodes */
	b.n = 0;
	put1(&b, 4), put1(&b, 5);
	put1(&b, OP_BURST), put1(&b, 247), put1(&b, T_PATH), put1(&b, SER_NEXT), put1(&b, 0);
	put1(&b, OP_EOE);
	for (unsigned i = 0; i < 300; i++) {
		put1(&b, OP_PUSH), put1(&b, T_SYSCALL), put1(&b, SER_NEXT);
		put1(&b, 5 | (i >> 8) << 7), put1(&b, i & 255);
	}
	seed(b.p, b.n);

	/* broken lines among good ones */
	b.n = 0;
	put1(&b, 4), put1(&b, 2);
	for (unsigned i = 0; i < 12; i++) {
		put1(&b, OP_BAD), put1(&b, i);
		exec_event(&b, KEY_PLAIN, 1);
	}
	put1(&b, OP_BAD), put1(&b, 0x80), put1(&b, T_SYSCALL), put1(&b, SER_NEXT);
	put1(&b, 0), put1(&b, 40);
	seed(b.p, b.n);
	free(b.p);
}

/* --- modes ----------------------------------------------------------------- */

static void mode_lines(struct lines *l)
{
	size_t step = l->n / MAX_LINES_PER_FILE + 1;
	for (size_t i = 0; i < l->n; i += step)
		seed(l->line[i], l->linelen[i]);
}

static void mode_chunks(struct lines *l)
{
	for (size_t i = 0; i < l->n; i += CHUNK_LINES) {
		size_t last = i + CHUNK_LINES < l->n ? i + CHUNK_LINES : l->n;
		const char *end = l->line[last - 1] + l->linelen[last - 1] + 1;
		seed(l->line[i], (size_t)(end - l->line[i]));
	}
}

static void mode_reasm(struct lines *l)
{
	struct buf b = {0};
	for (size_t i = 0, k = 0; i < l->n; i += CHUNK_LINES, k++) {
		size_t last = i + CHUNK_LINES < l->n ? i + CHUNK_LINES : l->n;
		b.n = 0;
		put1(&b, (unsigned)k % 8);      /* max_inflight */
		put1(&b, (k % 2 ? 0 : 0x80) | (2 + k % 4)); /* timeout, documents */
		for (size_t j = i; j < last; j++) {
			size_t n = l->linelen[j] < 8191 ? l->linelen[j] : 8191;
			put1(&b, OP_RAW);
			put1(&b, n & 255);
			put1(&b, n >> 8);
			put(&b, l->line[j], n);
			if (j % 8 == 7)
				put1(&b, OP_CLOCK), put1(&b, 3);
			if (j % 16 == 15)
				put1(&b, OP_EXPIRE);
		}
		put1(&b, OP_IDLE);
		seed(b.p, b.n);
	}
	free(b.p);
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: mkseeds lines|chunks|reasm OUTDIR FILE...\n");
		return 2;
	}
	void (*mode)(struct lines *);
	if (!strcmp(argv[1], "lines"))
		mode = mode_lines;
	else if (!strcmp(argv[1], "chunks"))
		mode = mode_chunks;
	else if (!strcmp(argv[1], "reasm"))
		mode = mode_reasm;
	else {
		fprintf(stderr, "mkseeds: unknown mode %s\n", argv[1]);
		return 2;
	}
	outdir = argv[2];
	if (mode == mode_reasm)
		handmade();
	for (int i = 3; i < argc; i++) {
		struct lines l;
		read_lines(argv[i], &l);
		mode(&l);
		free_lines(&l);
	}
	printf("mkseeds: %lu seeds in %s\n", written, outdir);
	return 0;
}
