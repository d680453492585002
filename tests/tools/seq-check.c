/* seq-check: counts the documents of a large JSON lines stream by their
 * event.sequence, fast (no JSON parser: ecs-check validates samples), for
 * streams whose events have distinct serials FIRST .. FIRST+COUNT-1 (as
 * tests/bench/stream-grow writes them).
 *
 * Usage: seq-check [-p] FIRST COUNT [FILE|-]...
 *
 * Each line must be a whole line that looks like one JSON object ('{' ...
 * '}' '\n') and hold "event":{ ... "sequence":N with N in the range. Prints
 *   lines=L distinct=D duplicates=U missing=M outside=O malformed=B
 * and exits 0 when every serial of the range occurs exactly once and no
 * line is outside or malformed; with -p (partial: some documents were
 * dropped and counted elsewhere) missing serials are allowed. Exit 1
 * otherwise, 2 on a usage or I/O error. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t first, count;
static uint8_t *seen;
static uint64_t lines, distinct, dups, outside, malformed;

static void line(const char *p, size_t len)
{
	static const char ev[] = "\"event\":{", sq[] = "\"sequence\":";
	lines++;
	if (len < 2 || p[0] != '{' || p[len - 1] != '}') {
		malformed++;
		return;
	}
	const char *e = memmem(p, len, ev, sizeof(ev) - 1);
	const char *s = e ? memmem(e, len - (size_t)(e - p), sq, sizeof(sq) - 1) : NULL;
	if (!s) {
		malformed++;
		return;
	}
	s += sizeof(sq) - 1;
	uint64_t v = 0;
	const char *end = p + len;
	if (s >= end || *s < '0' || *s > '9') {
		malformed++;
		return;
	}
	while (s < end && *s >= '0' && *s <= '9' && v < (1ull << 40))
		v = v * 10 + (uint64_t)(*s++ - '0');
	if (v < first || v - first >= count) {
		outside++;
		return;
	}
	if (seen[v - first]++)
		dups++;
	else
		distinct++;
}

static int scan(FILE *f, const char *name)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&buf, &cap, f)) > 0) {
		if (buf[n - 1] != '\n') { /* a cut last line */
			lines++;
			malformed++;
			break;
		}
		line(buf, (size_t)n - 1);
	}
	free(buf);
	if (ferror(f)) {
		perror(name);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	bool partial = false;
	int i = 1;
	if (i < argc && !strcmp(argv[i], "-p")) {
		partial = true;
		i++;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: seq-check [-p] FIRST COUNT [FILE|-]...\n");
		return 2;
	}
	first = strtoull(argv[i++], NULL, 10);
	count = strtoull(argv[i++], NULL, 10);
	if (!count || !(seen = calloc(count, 1))) {
		fprintf(stderr, "seq-check: bad COUNT or out of memory\n");
		return 2;
	}
	if (i == argc) {
		if (scan(stdin, "-") < 0)
			return 2;
	}
	for (; i < argc; i++) {
		FILE *f = strcmp(argv[i], "-") ? fopen(argv[i], "r") : stdin;
		if (!f) {
			perror(argv[i]);
			return 2;
		}
		if (scan(f, argv[i]) < 0)
			return 2;
		if (f != stdin)
			fclose(f);
	}
	uint64_t missing = count - distinct;
	printf("lines=%llu distinct=%llu duplicates=%llu missing=%llu outside=%llu malformed=%llu\n",
	       (unsigned long long)lines, (unsigned long long)distinct, (unsigned long long)dups,
	       (unsigned long long)missing, (unsigned long long)outside,
	       (unsigned long long)malformed);
	free(seen);
	return dups || outside || malformed || (!partial && missing) ? 1 : 0;
}
