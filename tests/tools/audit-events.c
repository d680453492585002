/* audit-events: lists the distinct events in a stream of audit records (a
 * plugin's stdin as recorded, or an audit.log), independently of the
 * daemon's code: an event is a distinct (node, serial, sec.msec) among the
 * records other than EOE.
 *
 * A record line is  [node=NAME ]type=TYPE msg=audit(SEC.MSEC:SERIAL): ...
 * Lines that are not records are skipped (and counted with -v).
 *
 * Usage: audit-events [-c] [-v] [-x TYPE_PREFIX]... [-t] [FILE|-]...
 *   (default) print the event keys [NODE/]SERIAL@YYYY-MM-DDTHH:MM:SS.mmmZ,
 *         sorted bytewise (as LC_ALL=C sort), one a line: the keys
 *         ecs-check -k prints for the documents
 *   -t    print "KEY TYPE" with the type of the event's first record
 *   -c    print only the number of events
 *   -x P  leave out records whose type starts with P (e.g. -x DAEMON_)
 *   -v    on stderr: records read, lines skipped, events
 * Exit status: 0, or 2 on a usage or I/O error. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct ev {
	char *key;
	char *type;
	size_t ord; /* input order: the first record of an event sorts first */
};
static struct ev *evs;
static size_t nevs, capevs;
static const char *excl[32];
static size_t nexcl;
static unsigned long n_records, n_skipped;

static bool parse_u(const char **pp, const char *end, uint64_t max, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;
	if (p >= end || *p < '0' || *p > '9')
		return false;
	while (p < end && *p >= '0' && *p <= '9') {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return false;
		p++;
	}
	*pp = p;
	*out = v;
	return true;
}

static bool lit(const char **pp, const char *end, const char *s)
{
	size_t n = strlen(s);
	if ((size_t)(end - *pp) < n || memcmp(*pp, s, n))
		return false;
	*pp += n;
	return true;
}

static void line(const char *p, const char *end)
{
	const char *node = NULL, *type;
	size_t nodelen = 0, typelen;
	uint64_t sec, msec, serial;

	if (end > p && end[-1] == '\r')
		end--;
	if (lit(&p, end, "node=")) {
		node = p;
		while (p < end && *p != ' ')
			p++;
		nodelen = (size_t)(p - node);
		while (p < end && *p == ' ')
			p++;
	}
	if (!lit(&p, end, "type="))
		goto skip;
	type = p;
	while (p < end && *p != ' ')
		p++;
	typelen = (size_t)(p - type);
	while (p < end && *p == ' ')
		p++;
	if (!typelen || !lit(&p, end, "msg=audit(") || !parse_u(&p, end, UINT64_MAX / 10, &sec) ||
	    !lit(&p, end, ".") || !parse_u(&p, end, 999, &msec) || !lit(&p, end, ":") ||
	    !parse_u(&p, end, UINT32_MAX, &serial) || !lit(&p, end, "):"))
		goto skip;
	n_records++;
	if (typelen == 3 && !memcmp(type, "EOE", 3))
		return;
	for (size_t i = 0; i < nexcl; i++)
		if (typelen >= strlen(excl[i]) && !memcmp(type, excl[i], strlen(excl[i])))
			return;

	struct tm tm;
	time_t t = (time_t)sec;
	char date[64];
	if (!gmtime_r(&t, &tm) || !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		strcpy(date, "1970-01-01T00:00:00");
	if (nevs == capevs) {
		capevs = capevs ? capevs * 2 : 1024;
		evs = realloc(evs, capevs * sizeof(*evs));
		if (!evs) {
			perror("audit-events");
			exit(2);
		}
	}
	struct ev *e = &evs[nevs];
	if (asprintf(&e->key, "%.*s%s%llu@%s.%03lluZ", (int)nodelen, node ? node : "", node ? "/" : "",
		     (unsigned long long)serial, date, (unsigned long long)msec) < 0 ||
	    asprintf(&e->type, "%.*s", (int)typelen, type) < 0) {
		perror("audit-events");
		exit(2);
	}
	e->ord = nevs++;
	return;
skip:
	n_skipped++;
}

static int read_file(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "audit-events: %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *buf = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&buf, &cap, f)) > 0) {
		size_t len = (size_t)n;
		if (buf[len - 1] == '\n')
			len--;
		line(buf, buf + len);
	}
	int err = ferror(f);
	free(buf);
	if (f != stdin)
		fclose(f);
	if (err) {
		fprintf(stderr, "audit-events: %s: read error\n", path);
		return -1;
	}
	return 0;
}

/* By key, then by input order. */
static int cmp(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->ord < y->ord ? -1 : x->ord > y->ord);
}

int main(int argc, char **argv)
{
	bool count = false, verbose = false, types = false;
	int opt;

	while ((opt = getopt(argc, argv, "cvtx:")) != -1) {
		switch (opt) {
		case 'c': count = true; break;
		case 'v': verbose = true; break;
		case 't': types = true; break;
		case 'x':
			if (nexcl == sizeof(excl) / sizeof(excl[0]))
				return 2;
			excl[nexcl++] = optarg;
			break;
		default:
			fprintf(stderr, "usage: audit-events [-c] [-v] [-t] [-x TYPE_PREFIX]... [FILE|-]...\n");
			return 2;
		}
	}
	int io_err = 0;
	if (optind == argc)
		io_err |= read_file("-") < 0;
	for (int i = optind; i < argc; i++)
		io_err |= read_file(argv[i]) < 0;
	if (io_err)
		return 2;

	if (nevs)
		qsort(evs, nevs, sizeof(*evs), cmp);
	size_t distinct = 0;
	for (size_t i = 0; i < nevs; i++) {
		if (i > 0 && !strcmp(evs[i].key, evs[i - 1].key))
			continue;
		distinct++;
		if (!count) {
			if (types)
				printf("%s %s\n", evs[i].key, evs[i].type);
			else
				printf("%s\n", evs[i].key);
		}
	}
	if (count)
		printf("%zu\n", distinct);
	if (verbose)
		fprintf(stderr, "audit-events: %lu records, %lu lines skipped, %zu events\n", n_records,
			n_skipped, distinct);
	for (size_t i = 0; i < nevs; i++) {
		free(evs[i].key);
		free(evs[i].type);
	}
	free(evs);
	return 0;
}
