/* stream-grow: grow a recorded auditd plugin stream into a large one.
 *
 *   stream-grow [-n EVENTS] [-k K] [-m random|rr] [-s SEED] [-r RATE]
 *               [-t SEC] [-S SERIAL] [-q] TEMPLATE
 *
 * TEMPLATE is a byte stream as auditd writes it to a string-format plugin
 * (tests/data/live/capture1-*.txt): one record per line, raw or enriched.
 * Its records are grouped into events by their whole stamp
 * msg=audit(SEC.MSEC:SERIAL), in the order the events first appear; the
 * records of an event keep their order (the EOE, when there is one, stays
 * last). EVENTS events are then written to stdout, cycling through the
 * template's events; every copy gets a fresh serial (SERIAL, SERIAL+1, ...,
 * no gap, so that no loss is ever suspected) and a time stamp that advances
 * by 1/RATE s per event (RATE events per second of audit time, default 1000),
 * rewritten in every record of the event and nowhere else. Everything else
 * in a record, enriched fields included, is copied byte for byte.
 *
 * auditd's own DAEMON_* records (DAEMON_START, DAEMON_END, ...) are dropped:
 * they number their events in auditd's own serial space, not the kernel's,
 * and a real stream has one DAEMON_START per auditd start, not one per few
 * hundred events; repeating them would also repeat their (serial, time)
 * keys. They are not counted in EVENTS.
 *
 * -k K (K > 1) writes the interleaved variant: K events are in flight at once
 * (as on a busy multi-CPU machine, where several CPUs' events are in the
 * kernel's queue together); each next record is taken from one of them,
 * chosen at random (-m random, the default; xorshift seeded by -s, default 1,
 * so the stream is reproducible) or in turn (-m rr); an event that has
 * written its last record (its EOE) is replaced by the next one. Each
 * event's own records stay in order, so its EOE is its last record.
 *
 * The stream is produced on the fly (a few hundred MB/s), so it can feed a
 * daemon through a pipe without being stored. A summary (events, records,
 * bytes) goes to stderr unless -q.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct rec {
	size_t pre_off, pre_len; /* up to and including "msg=audit(" */
	size_t suf_off, suf_len; /* from the ')' closing the stamp, newline included */
};

struct tevent {
	const char *key; /* "SEC.MSEC:SERIAL" in the template */
	size_t key_len;
	size_t first, n; /* indices into evrec[] */
};

static char *tbuf;
static struct rec *recs;
static size_t nrecs;
static struct tevent *tev;
static size_t ntev;
static size_t *evrec; /* record indices, grouped by event */

static void die(const char *msg)
{
	fprintf(stderr, "stream-grow: %s\n", msg);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

/* --- output: one big buffer, written whole ---------------------------------*/

static char obuf[1 << 20];
static size_t olen;
static uint64_t obytes;

static void oflush(void)
{
	size_t off = 0;
	while (off < olen) {
		ssize_t n = write(1, obuf + off, olen - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (errno == EPIPE)
				exit(0);
			perror("stream-grow: write");
			exit(2);
		}
		off += (size_t)n;
	}
	obytes += olen;
	olen = 0;
}

static void oput(const char *p, size_t n)
{
	if (olen + n > sizeof(obuf))
		oflush();
	if (n > sizeof(obuf)) {
		size_t off = 0;
		while (off < n) {
			ssize_t w = write(1, p + off, n - off);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				exit(errno == EPIPE ? 0 : 2);
			off += (size_t)w;
		}
		obytes += n;
		return;
	}
	memcpy(obuf + olen, p, n);
	olen += n;
}

/* --- template ---------------------------------------------------------------*/

static void load(const char *path, bool quiet)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		exit(2);
	}
	size_t size = (size_t)st.st_size;
	tbuf = xrealloc(NULL, size + 2);
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, tbuf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("cannot read the template");
		got += (size_t)n;
	}
	close(fd);
	if (size && tbuf[size - 1] != '\n')
		tbuf[size++] = '\n';
	tbuf[size] = 0;

	size_t cap_r = 0, skipped = 0, dropped = 0;
	size_t *rec_ev = NULL; /* event index of each record */
	size_t cap_e = 0;
	for (char *p = tbuf, *end = tbuf + size; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *line = p;
		p = nl + 1;
		char *m = memmem(line, (size_t)(nl - line), "msg=audit(", 10);
		if (!m) {
			skipped++;
			continue;
		}
		char *k = m + 10, *q = k;
		while (q < nl && ((*q >= '0' && *q <= '9') || *q == '.' || *q == ':'))
			q++;
		if (q == nl || *q != ')' || !memchr(k, ':', (size_t)(q - k))) {
			skipped++;
			continue;
		}
		char *t = memmem(line, (size_t)(m - line), "type=", 5);
		if (t && strncmp(t + 5, "DAEMON_", 7) == 0) {
			dropped++;
			continue;
		}
		/* the event: search backwards, an event's records are close together */
		size_t e = ntev;
		for (size_t i = ntev; i-- > 0;)
			if (tev[i].key_len == (size_t)(q - k) &&
			    memcmp(tev[i].key, k, (size_t)(q - k)) == 0) {
				e = i;
				break;
			}
		if (e == ntev) {
			if (ntev == cap_e) {
				cap_e = cap_e ? 2 * cap_e : 1024;
				tev = xrealloc(tev, cap_e * sizeof(*tev));
			}
			tev[ntev++] = (struct tevent){k, (size_t)(q - k), 0, 0};
		}
		if (nrecs == cap_r) {
			cap_r = cap_r ? 2 * cap_r : 4096;
			recs = xrealloc(recs, cap_r * sizeof(*recs));
			rec_ev = xrealloc(rec_ev, cap_r * sizeof(*rec_ev));
		}
		recs[nrecs] = (struct rec){(size_t)(line - tbuf), (size_t)(k - line),
		                           (size_t)(q - tbuf), (size_t)(p - q)};
		rec_ev[nrecs++] = e;
		tev[e].n++;
	}
	if (!ntev)
		die("no audit record in the template");
	/* group the record indices by event, keeping their order */
	evrec = xrealloc(NULL, nrecs * sizeof(*evrec));
	size_t pos = 0;
	for (size_t e = 0; e < ntev; e++) {
		tev[e].first = pos;
		pos += tev[e].n;
		tev[e].n = 0;
	}
	for (size_t r = 0; r < nrecs; r++) {
		struct tevent *ev = &tev[rec_ev[r]];
		evrec[ev->first + ev->n++] = r;
	}
	free(rec_ev);
	if ((skipped || dropped) && !quiet)
		fprintf(stderr,
		        "stream-grow: template %s: %zu events, %zu records; dropped %zu DAEMON_* "
		        "record(s), skipped %zu line(s) without a stamp\n",
		        path, ntev, nrecs, dropped, skipped);
}

/* --- generation -------------------------------------------------------------*/

struct slot {
	size_t ev;  /* template event */
	size_t pos; /* next record of it */
	char stamp[48];
	size_t stamp_len;
};

static uint64_t rng;
static uint64_t next_rand(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

int main(int argc, char **argv)
{
	uint64_t n = 200000, seed = 1, serial = 0, sec0 = 0;
	double rate = 1000;
	size_t k = 1;
	bool rr = false, quiet = false, have_sec = false, have_serial = false;
	int c;

	while ((c = getopt(argc, argv, "n:k:m:s:r:t:S:qh")) != -1) {
		switch (c) {
		case 'n':
			n = strtoull(optarg, NULL, 10);
			break;
		case 'k':
			k = strtoul(optarg, NULL, 10);
			break;
		case 'm':
			if (strcmp(optarg, "rr") == 0)
				rr = true;
			else if (strcmp(optarg, "random") != 0)
				die("-m random|rr");
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'r':
			rate = strtod(optarg, NULL);
			break;
		case 't':
			sec0 = strtoull(optarg, NULL, 10);
			have_sec = true;
			break;
		case 'S':
			serial = strtoull(optarg, NULL, 10);
			have_serial = true;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			fprintf(
			    stderr,
			    "usage: stream-grow [-n EVENTS] [-k K] [-m random|rr] [-s SEED] "
			    "[-r EVENTS_PER_SEC] [-t START_SEC] [-S FIRST_SERIAL] [-q] TEMPLATE\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind != argc - 1)
		die("one TEMPLATE file expected (see -h)");
	if (k < 1 || k > 100000)
		die("-k between 1 and 100000");
	if (!(rate > 0))
		die("-r must be positive");
	load(argv[optind], quiet);

	/* start where the template starts, unless told otherwise */
	if (!have_sec)
		sec0 = strtoull(tev[0].key, NULL, 10);
	if (!have_serial)
		serial = strtoull(memchr(tev[0].key, ':', tev[0].key_len) + 1, NULL, 10);
	rng = seed * 0x9E3779B97F4A7C15ULL + 1;

	struct slot *open_ev = xrealloc(NULL, k * sizeof(*open_ev));
	size_t nopen = 0, cur = 0;
	uint64_t made = 0, records = 0;
	double step_ms = 1000.0 / rate;

	while (made < n || nopen) {
		while (made < n && nopen < k) {
			struct slot *s = &open_ev[nopen++];
			uint64_t ms =
			    (uint64_t)((double)made * step_ms); /* no drift over 10M events */
			s->ev = (size_t)(made % ntev);
			s->pos = 0;
			s->stamp_len = (size_t)snprintf(
			    s->stamp, sizeof(s->stamp), "%" PRIu64 ".%03u:%" PRIu64,
			    sec0 + ms / 1000, (unsigned)(ms % 1000), serial++);
			made++;
		}
		size_t j = 0;
		if (nopen > 1)
			j = rr ? cur % nopen : (size_t)(next_rand() % nopen);
		struct slot *s = &open_ev[j];
		const struct tevent *te = &tev[s->ev];
		const struct rec *r = &recs[evrec[te->first + s->pos++]];
		oput(tbuf + r->pre_off, r->pre_len);
		oput(s->stamp, s->stamp_len);
		oput(tbuf + r->suf_off, r->suf_len);
		records++;
		if (s->pos == te->n) {
			memmove(&open_ev[j], &open_ev[j + 1], (nopen - j - 1) * sizeof(*open_ev));
			nopen--;
			cur = j; /* round robin: the one after the finished event is next */
		} else {
			cur = j + 1;
		}
	}
	oflush();
	if (!quiet)
		fprintf(stderr,
		        "stream-grow: events=%" PRIu64 " records=%" PRIu64 " bytes=%" PRIu64
		        " template_events=%zu k=%zu\n",
		        made, records, obytes, ntev, k);
	return 0;
}
