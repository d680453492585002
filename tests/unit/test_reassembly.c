/* Unit tests for plugin/reassembly.c (and the event buffers of plugin/event.c):
 * completion by EOE, standalone type, timeout, capacity, flush and limits;
 * grouping by (node, serial, time stamp) whatever the order; late records,
 * orphan EOEs and the lost-serial accounting; go-libaudit's reassembler
 * fixtures; a recorded auditd stream.
 *
 * The sink copies every completed event (the event is only valid during the
 * call), and each line is pushed from a heap copy freed right after the push,
 * so an event that kept a pointer into the input shows up under valgrind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "reassembly.h"
#include "stats.h"

#define T0 1700000000u /* default time stamp of generated records */

/* --- the sink: a copy of every completed event */

struct done {
	uint32_t serial, msec;
	uint64_t sec;
	uint16_t node;
	enum event_done why;
	bool late;
	size_t nrec;
	char *buf;
	struct event_rec *recs;
};

struct sink {
	struct done *d;
	size_t n, cap;
	size_t nrec_total;
	/* parse each event with event_parse() too */
	bool parse;
	struct parsed_event pe;
	size_t parsed_fields;
	/* called with each parsed event, while it is valid */
	void (*check)(const struct parsed_event *pe);
	size_t nchecked;
};

static void on_event(struct event *ev, void *ctx)
{
	struct sink *s = ctx;

	assert_true(ev->nrec > 0);
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->d = realloc(s->d, s->cap * sizeof(*s->d));
		assert_non_null(s->d);
	}
	struct done *d = &s->d[s->n++];
	d->serial = ev->serial;
	d->sec = ev->sec;
	d->msec = ev->msec;
	d->node = ev->node_id;
	d->why = ev->done;
	d->late = ev->late;
	d->nrec = ev->nrec;
	d->buf = malloc(ev->len ? ev->len : 1);
	d->recs = malloc(ev->nrec * sizeof(*ev->recs));
	assert_non_null(d->buf);
	assert_non_null(d->recs);
	memcpy(d->buf, ev->buf, ev->len);
	memcpy(d->recs, ev->recs, ev->nrec * sizeof(*ev->recs));
	s->nrec_total += ev->nrec;
	/* the records lie end to end in the buffer, in arrival order */
	size_t off = 0;
	for (size_t i = 0; i < ev->nrec; i++) {
		assert_int_equal(ev->recs[i].off, off);
		off += ev->recs[i].len;
	}
	assert_int_equal(off, ev->len);
	if (s->parse) {
		assert_int_equal(event_parse(ev, &s->pe), 0);
		assert_int_equal(s->pe.nrec, ev->nrec);
		for (size_t i = 0; i < s->pe.nrec; i++) {
			assert_int_equal(s->pe.recs[i].hdr.serial, ev->serial);
			assert_int_equal(s->pe.recs[i].hdr.type, ev->recs[i].type);
		}
		s->parsed_fields += s->pe.nfields;
		if (s->check) {
			s->check(&s->pe);
			s->nchecked++;
		}
	}
}

static void sink_free(struct sink *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->d[i].buf);
		free(s->d[i].recs);
	}
	free(s->d);
	parsed_event_free(&s->pe);
	memset(s, 0, sizeof(*s));
}

/* record i of completed event d, as a C string in a static buffer */
static const char *rec_line(const struct done *d, size_t i)
{
	static char line[8192];
	size_t n = d->recs[i].len < sizeof(line) - 1 ? d->recs[i].len : sizeof(line) - 1;
	memcpy(line, d->buf + d->recs[i].off, n);
	line[n] = 0;
	return line;
}

static void assert_done(const struct sink *s, size_t i, uint32_t serial, size_t nrec,
                        enum event_done why)
{
	if (i >= s->n) {
		print_error("event %zu: only %zu completed\n", i, s->n);
		fail();
	}
	const struct done *d = &s->d[i];
	if (d->serial != serial || d->nrec != nrec || d->why != why) {
		print_error("event %zu: serial %u, %zu records, reason %d; want %u, %zu, %d\n", i,
		            d->serial, d->nrec, (int)d->why, serial, nrec, (int)why);
		fail();
	}
}

/* --- pushing records */

/* Pushes one line from an exact-size heap copy that is freed at once. */
static int push_line(struct reassembly *r, const char *line, size_t len, double now)
{
	char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, line, len);
	int rc = reasm_push(r, copy, len, now);
	memset(copy, 'X', len); /* the queue must have copied it */
	free(copy);
	return rc;
}

/* [node=NODE ]type=TYPE msg=audit(SEC.MSEC:SERIAL): serial=SERIAL rtype=TYPE */
static void push_full(struct reassembly *r, const char *node, const char *type, uint64_t sec,
                      uint32_t msec, uint32_t serial, double now)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "%s%s%stype=%s msg=audit(%llu.%03u:%u): rtype=%s",
	                 node ? "node=" : "", node ? node : "", node ? " " : "", type,
	                 (unsigned long long)sec, msec, serial, type);
	assert_int_equal(push_line(r, line, (size_t)n, now), 0);
}

/* a record of the default time stamp, at time now */
static void push_at(struct reassembly *r, const char *type, uint32_t serial, double now)
{
	push_full(r, NULL, type, T0, 0, serial, now);
}

static void push(struct reassembly *r, const char *type, uint32_t serial)
{
	push_at(r, type, serial, 0.0);
}

/* a whole kernel event: SYSCALL, PROCTITLE, EOE */
static void push_event(struct reassembly *r, uint32_t serial)
{
	push(r, "SYSCALL", serial);
	push(r, "PROCTITLE", serial);
	push(r, "EOE", serial);
}

static int reset_stats(void **state)
{
	memset(&stats, 0, sizeof stats);
	return 0;
}

/* --- completion */

static void test_eoe_completes(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);
	assert_non_null(r);

	push(r, "SYSCALL", 100);
	push(r, "PROCTITLE", 100);
	assert_int_equal(s.n, 0);
	assert_int_equal(reasm_open_events(r), 1);
	assert_int_equal(stats.pending_events, 1);
	push(r, "EOE", 100);
	assert_int_equal(s.n, 1);
	assert_done(&s, 0, 100, 2, EVENT_DONE_EOE);
	/* the EOE record is not part of the event */
	assert_int_equal(s.d[0].recs[0].type, 1300);
	assert_int_equal(s.d[0].recs[1].type, 1327);
	assert_string_equal(rec_line(&s.d[0], 0),
	                    "type=SYSCALL msg=audit(1700000000.000:100): rtype=SYSCALL");
	assert_string_equal(rec_line(&s.d[0], 1),
	                    "type=PROCTITLE msg=audit(1700000000.000:100): rtype=PROCTITLE");
	assert_int_equal(s.d[0].sec, T0);
	assert_int_equal(s.d[0].msec, 0);
	assert_int_equal(s.d[0].node, 0);
	assert_false(s.d[0].late);
	assert_int_equal(reasm_open_events(r), 0);
	assert_true(reasm_next_deadline(r) < 0);

	assert_int_equal(stats.records_in, 3);
	assert_int_equal(stats.done_eoe, 1);
	assert_int_equal(
	    stats.done_standalone + stats.done_timeout + stats.done_capacity + stats.done_flush, 0);
	assert_int_equal(stats.pending_events, 0);
	assert_int_equal(
	    stats.lines_bad + stats.late_records + stats.orphan_eoe + stats.lost_possible, 0);

	/* nothing left for flush */
	reasm_flush(r);
	assert_int_equal(s.n, 1);
	assert_int_equal(stats.done_flush, 0);
	reasm_free(r);
	sink_free(&s);
}

static void test_out_of_order(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);

	/* PROCTITLE before SYSCALL, two events interleaved, EOEs swapped */
	push(r, "PROCTITLE", 101);
	push(r, "SYSCALL", 102);
	push(r, "PATH", 101);
	push(r, "SYSCALL", 101);
	push(r, "PROCTITLE", 102);
	assert_int_equal(reasm_open_events(r), 2);
	push(r, "EOE", 102);
	push(r, "EOE", 101);
	assert_int_equal(s.n, 2);
	assert_done(&s, 0, 102, 2, EVENT_DONE_EOE);
	assert_done(&s, 1, 101, 3, EVENT_DONE_EOE);
	/* arrival order inside the event */
	assert_int_equal(s.d[1].recs[0].type, 1327);
	assert_int_equal(s.d[1].recs[1].type, 1302);
	assert_int_equal(s.d[1].recs[2].type, 1300);
	assert_int_equal(s.d[0].recs[0].type, 1300);
	assert_int_equal(s.d[0].recs[1].type, 1327);
	assert_int_equal(stats.done_eoe, 2);
	assert_int_equal(stats.records_in, 7);
	assert_int_equal(stats.late_records + stats.orphan_eoe + stats.lost_possible, 0);
	reasm_free(r);
	sink_free(&s);
}

static void test_standalone_types(void **state)
{
	/* complete at once: records that never have companions */
	static const struct {
		const char *name;
		int type;
	} alone[] = {
	    {"DAEMON_START", 1200}, {"DAEMON_END", 1201}, {"ANOM_ABEND", 1701}, {"KERNEL", 2000},
	};
	/* user-space records: complete when the input goes idle, unless a
	 * companion joins them */
	static const struct {
		const char *name;
		int type;
	} lone[] = {
	    {"USER_ACCT", 1101},     {"USER_AUTH", 1100},           {"USER", 1005},
	    {"LOGIN", 1006},         {"ANOM_LOGIN_FAILURES", 2100}, {"VIRT_CONTROL", 2500},
	    {"UNKNOWN[2999]", 2999}, {"UNKNOWN[1099]", 1099},
	};
	const size_t nalone = sizeof(alone) / sizeof(alone[0]);
	const size_t nlone = sizeof(lone) / sizeof(lone[0]);
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);

	for (size_t i = 0; i < nalone; i++) {
		push(r, alone[i].name, (uint32_t)(500 + i));
		assert_int_equal(s.n, i + 1);
		assert_done(&s, i, (uint32_t)(500 + i), 1, EVENT_DONE_STANDALONE);
		assert_int_equal(s.d[i].recs[0].type, alone[i].type);
		assert_int_equal(reasm_open_events(r), 0);
	}
	for (size_t i = 0; i < nlone; i++)
		push(r, lone[i].name, (uint32_t)(520 + i));
	assert_int_equal(s.n, nalone);
	assert_int_equal(reasm_open_events(r), nlone);
	reasm_idle(r);
	assert_int_equal(s.n, nalone + nlone);
	for (size_t i = 0; i < nlone; i++) {
		assert_done(&s, nalone + i, (uint32_t)(520 + i), 1, EVENT_DONE_STANDALONE);
		assert_int_equal(s.d[nalone + i].recs[0].type, lone[i].type);
	}
	assert_int_equal(reasm_open_events(r), 0);
	assert_int_equal(stats.done_standalone, nalone + nlone);
	assert_int_equal(stats.done_eoe, 0);

	/* kernel records that belong to a syscall wait for their EOE; idle
	 * does not complete them */
	static const char *wait[] = {
	    "SYSCALL",       "CONFIG_CHANGE",    "AVC",           "PROCTITLE",     "PATH",
	    "NETFILTER_CFG", "ANOM_PROMISCUOUS", "UNKNOWN[2001]", "UNKNOWN[3000]", "NO_SUCH_TYPE"};
	for (size_t i = 0; i < sizeof(wait) / sizeof(wait[0]); i++) {
		push(r, wait[i], (uint32_t)(600 + i));
		assert_int_equal(reasm_open_events(r), i + 1);
	}
	reasm_idle(r);
	size_t n0 = nalone + nlone;
	assert_int_equal(s.n, n0);

	/* CONFIG_CHANGE and AVC come before their SYSCALL and stay with it */
	push(r, "SYSCALL", 601);
	push(r, "EOE", 601);
	push(r, "SYSCALL", 602);
	push(r, "PATH", 602);
	push(r, "EOE", 602);
	assert_done(&s, n0, 601, 2, EVENT_DONE_EOE);
	assert_int_equal(s.d[n0].recs[0].type, 1305);
	assert_int_equal(s.d[n0].recs[1].type, 1300);
	assert_done(&s, n0 + 1, 602, 3, EVENT_DONE_EOE);
	assert_int_equal(s.d[n0 + 1].recs[0].type, 1400);

	/* a user-space record joins an event that is already open */
	push(r, "USER_ACCT", 600);
	assert_int_equal(s.n, n0 + 2);
	push(r, "EOE", 600);
	assert_done(&s, n0 + 2, 600, 2, EVENT_DONE_EOE);
	assert_int_equal(s.d[n0 + 2].recs[1].type, 1101);

	/* a newer kernel auditing the sending syscall: LOGIN, SYSCALL, EOE
	 * (Laurel's record-login.txt) is one event, idle or not */
	push(r, "LOGIN", 700);
	push(r, "SYSCALL", 700);
	reasm_idle(r);
	assert_int_equal(s.n, n0 + 3);
	push(r, "EOE", 700);
	assert_done(&s, n0 + 3, 700, 2, EVENT_DONE_EOE);
	assert_int_equal(s.d[n0 + 3].recs[0].type, 1006);
	assert_int_equal(stats.late_records, 0);
	reasm_free(r);
	sink_free(&s);
}

/* Without idle input (a file read at full speed), a lone user-space record
 * completes once REASM_TENTATIVE_RECORDS more records have arrived. */
static void test_tentative_by_count(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(4096, 2.0, on_event, &s);

	push(r, "USER_START", 1);
	for (uint32_t i = 0; i < REASM_TENTATIVE_RECORDS; i++)
		push(r, "PATH", 1000); /* one open kernel event's records */
	assert_int_equal(s.n, 0);
	push(r, "PATH", 1000);
	assert_int_equal(s.n, 1);
	assert_done(&s, 0, 1, 1, EVENT_DONE_STANDALONE);
	reasm_flush(r);
	assert_done(&s, 1, 1000, REASM_TENTATIVE_RECORDS + 1, EVENT_DONE_FLUSH);

	/* a full queue makes room with lone user-space records first */
	memset(&stats, 0, sizeof stats);
	reasm_set_limits(r, 2, 2.0);
	push(r, "SYSCALL", 10);
	push(r, "USER_ACCT", 11);
	push(r, "SYSCALL", 12);
	assert_done(&s, 2, 11, 1, EVENT_DONE_STANDALONE);
	assert_int_equal(stats.done_capacity, 0);
	reasm_free(r);
	sink_free(&s);
}

static void test_standalone_rule(void **state)
{
	static const struct {
		int type, alone, lone;
	} t[] = {
	    {0, 0, 0},    {999, 0, 0},  {1000, 0, 1}, {1006, 0, 1},  {1099, 0, 1},
	    {1100, 0, 1}, {1101, 0, 1}, {1199, 0, 1}, {1200, 1, 0},  {1299, 1, 0},
	    {1300, 0, 0}, {1305, 0, 0}, {1320, 0, 0}, {1327, 0, 0},  {1400, 0, 0},
	    {1699, 0, 0}, {1700, 0, 0}, {1701, 1, 0}, {1702, 0, 0},  {1999, 0, 0},
	    {2000, 1, 0}, {2001, 0, 0}, {2099, 0, 0}, {2100, 0, 1},  {2500, 0, 1},
	    {2999, 0, 1}, {3000, 0, 0}, {-1, 0, 0},   {65535, 0, 0},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!!reasm_type_is_standalone(t[i].type) != t[i].alone ||
		    !!reasm_type_is_tentative(t[i].type) != t[i].lone) {
			print_error("type %d: standalone %d tentative %d, want %d %d\n", t[i].type,
			            reasm_type_is_standalone(t[i].type),
			            reasm_type_is_tentative(t[i].type), t[i].alone, t[i].lone);
			fail();
		}
	}
}

static void test_timeout_and_deadline(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);

	assert_true(reasm_next_deadline(r) < 0);
	reasm_expire(r, 1e9); /* nothing open: nothing happens */
	assert_int_equal(s.n, 0);

	push_at(r, "SYSCALL", 1, 10.0);
	assert_true(reasm_next_deadline(r) == 12.0);
	push_at(r, "SYSCALL", 2, 10.5);
	push_at(r, "PATH", 1, 11.9); /* a later record does not extend the deadline */
	assert_true(reasm_next_deadline(r) == 12.0);

	reasm_expire(r, 11.0);
	reasm_expire(r, 11.999);
	assert_int_equal(s.n, 0);
	reasm_expire(r, 12.0); /* created + timeout <= now */
	assert_int_equal(s.n, 1);
	assert_done(&s, 0, 1, 2, EVENT_DONE_TIMEOUT);
	assert_true(reasm_next_deadline(r) == 12.5);
	reasm_expire(r, 12.4);
	assert_int_equal(s.n, 1);

	push_at(r, "SYSCALL", 3, 12.4);
	assert_true(reasm_next_deadline(r) == 12.5);
	/* one late call completes everything due, oldest first */
	reasm_expire(r, 100.0);
	assert_int_equal(s.n, 3);
	assert_done(&s, 1, 2, 1, EVENT_DONE_TIMEOUT);
	assert_done(&s, 2, 3, 1, EVENT_DONE_TIMEOUT);
	assert_true(reasm_next_deadline(r) < 0);
	assert_int_equal(stats.done_timeout, 3);
	assert_int_equal(stats.pending_events, 0);

	/* EOE before the deadline: no timeout */
	push_at(r, "SYSCALL", 4, 200.0);
	push_at(r, "EOE", 4, 201.0);
	reasm_expire(r, 1000.0);
	assert_done(&s, 3, 4, 1, EVENT_DONE_EOE);
	assert_int_equal(stats.done_timeout, 3);

	/* a zero timeout: due at once, but only when expire runs */
	reasm_set_limits(r, 16, 0.0);
	push_at(r, "SYSCALL", 5, 300.0);
	assert_int_equal(s.n, 4);
	assert_true(reasm_next_deadline(r) == 300.0);
	reasm_expire(r, 300.0);
	assert_done(&s, 4, 5, 1, EVENT_DONE_TIMEOUT);
	reasm_free(r);
	sink_free(&s);
}

static void test_capacity(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(3, 100.0, on_event, &s);

	push(r, "SYSCALL", 1);
	push(r, "SYSCALL", 2);
	push(r, "SYSCALL", 3);
	push(r, "PATH", 1); /* records for open events never evict */
	push(r, "PATH", 3);
	assert_int_equal(s.n, 0);
	assert_int_equal(reasm_open_events(r), 3);

	push(r, "SYSCALL", 4); /* the 4th event completes the oldest */
	assert_int_equal(s.n, 1);
	assert_done(&s, 0, 1, 2, EVENT_DONE_CAPACITY);
	assert_int_equal(reasm_open_events(r), 3);
	push(r, "SYSCALL", 5);
	assert_done(&s, 1, 2, 1, EVENT_DONE_CAPACITY);
	push(r, "EOE", 3);
	assert_done(&s, 2, 3, 2, EVENT_DONE_EOE);
	assert_int_equal(reasm_open_events(r), 2);
	push(r, "SYSCALL", 6); /* room again: nothing evicted */
	assert_int_equal(s.n, 3);
	assert_int_equal(reasm_open_events(r), 3);
	assert_int_equal(stats.done_capacity, 2);
	assert_int_equal(stats.pending_events, 3);

	reasm_flush(r);
	assert_done(&s, 3, 4, 1, EVENT_DONE_FLUSH);
	assert_done(&s, 4, 5, 1, EVENT_DONE_FLUSH);
	assert_done(&s, 5, 6, 1, EVENT_DONE_FLUSH);
	assert_int_equal(stats.late_records + stats.lost_possible, 0);
	reasm_free(r);
	sink_free(&s);

	/* max_inflight 0 means 1 */
	memset(&stats, 0, sizeof stats);
	r = reasm_new(0, 100.0, on_event, &s);
	push(r, "SYSCALL", 1);
	push(r, "SYSCALL", 2);
	assert_done(&s, 0, 1, 1, EVENT_DONE_CAPACITY);
	assert_int_equal(reasm_open_events(r), 1);
	reasm_free(r); /* with an event still open: no leak */
	sink_free(&s);
}

/* A standalone record completes at once without a place in the queue: it
 * must not push an open kernel event out when the queue is full. */
static void test_standalone_does_not_evict(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(2, 100.0, on_event, &s);

	push(r, "SYSCALL", 1);
	push(r, "SYSCALL", 2);
	push(r, "ANOM_ABEND", 3);
	push(r, "DAEMON_START", 4);
	assert_int_equal(s.n, 2);
	assert_done(&s, 0, 3, 1, EVENT_DONE_STANDALONE);
	assert_done(&s, 1, 4, 1, EVENT_DONE_STANDALONE);
	assert_int_equal(reasm_open_events(r), 2);
	assert_int_equal(stats.done_capacity, 0);
	push(r, "EOE", 1);
	push(r, "EOE", 2);
	assert_done(&s, 2, 1, 1, EVENT_DONE_EOE);
	assert_done(&s, 3, 2, 1, EVENT_DONE_EOE);
	reasm_free(r);
	sink_free(&s);
}

static void test_interleaved(void **state)
{
	enum { N = 24 };
	static const char *types[] = {"SYSCALL", "EXECVE", "CWD",      "PATH",
	                              "PATH",    "PATH",   "PROCTITLE"};
	struct sink s = {0};
	struct reassembly *r = reasm_new(N, 2.0, on_event, &s);
	uint32_t serial[N];
	size_t nrec[N], maxrec = 0;

	/* scattered serials, 1 to 7 records each */
	for (size_t i = 0; i < N; i++) {
		serial[i] = 1000 + (uint32_t)((i * 7) % N);
		nrec[i] = 1 + (i * 5) % 7;
		if (nrec[i] > maxrec)
			maxrec = nrec[i];
	}
	/* round robin: record j of every event, then record j+1 ... */
	for (size_t j = 0; j < maxrec; j++)
		for (size_t i = 0; i < N; i++)
			if (j < nrec[i])
				push(r, types[j], serial[i]);
	assert_int_equal(s.n, 0);
	assert_int_equal(reasm_open_events(r), N);
	/* EOEs in reverse order */
	for (size_t i = N; i-- > 0;)
		push(r, "EOE", serial[i]);
	assert_int_equal(s.n, N);
	for (size_t k = 0; k < N; k++) {
		size_t i = N - 1 - k;
		assert_done(&s, k, serial[i], nrec[i], EVENT_DONE_EOE);
		for (size_t j = 0; j < nrec[i]; j++) {
			char want[128];
			snprintf(want, sizeof(want),
			         "type=%s msg=audit(1700000000.000:%u): rtype=%s", types[j],
			         serial[i], types[j]);
			assert_string_equal(rec_line(&s.d[k], j), want);
		}
	}
	assert_int_equal(stats.done_eoe, N);
	assert_int_equal(stats.done_capacity, 0);
	assert_int_equal(stats.late_records + stats.orphan_eoe + stats.lost_possible, 0);
	reasm_free(r);
	sink_free(&s);
}

/* Many events, many nodes, interleaved; EOEs arrive 3 events late. */
static void test_interleaved_nodes(void **state)
{
	enum { NODES = 4, PER = 300, LAG = 3 };
	struct sink s = {0};
	struct reassembly *r = reasm_new(64, 2.0, on_event, &s);
	char node[16];

	for (uint32_t k = 0; k < PER + LAG; k++) {
		for (int n = 0; n < NODES; n++) {
			snprintf(node, sizeof(node), "host%d", n);
			if (k < PER) {
				push_full(r, node, "SYSCALL", T0 + k, (uint32_t)n, 7 + k, 0.0);
				push_full(r, node, "CWD", T0 + k, (uint32_t)n, 7 + k, 0.0);
			}
			if (k >= LAG) {
				push_full(r, node, "PATH", T0 + k - LAG, (uint32_t)n, 7 + k - LAG,
				          0.0);
				push_full(r, node, "EOE", T0 + k - LAG, (uint32_t)n, 7 + k - LAG,
				          0.0);
			}
		}
	}
	assert_int_equal(s.n, NODES * PER);
	for (size_t i = 0; i < s.n; i++) {
		assert_int_equal(s.d[i].nrec, 3);
		assert_int_equal(s.d[i].why, EVENT_DONE_EOE);
		assert_int_equal(s.d[i].serial, 7 + i / NODES);
		assert_int_equal(s.d[i].node, 1 + i % NODES);
		assert_int_equal(s.d[i].msec, i % NODES);
	}
	assert_int_equal(stats.late_records + stats.orphan_eoe + stats.lost_possible, 0);
	assert_int_equal(reasm_open_events(r), 0);
	reasm_free(r);
	sink_free(&s);
}

static void test_event_identity(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);

	/* same serial, other node, other second, other millisecond, no node */
	push_full(r, "a", "SYSCALL", T0, 5, 9, 0.0);
	push_full(r, "b", "SYSCALL", T0, 5, 9, 0.0);
	push_full(r, "a", "SYSCALL", T0 + 1, 5, 9, 0.0);
	push_full(r, "a", "SYSCALL", T0, 6, 9, 0.0);
	push_full(r, NULL, "SYSCALL", T0, 5, 9, 0.0);
	assert_int_equal(reasm_open_events(r), 5);
	/* each record finds its own event */
	push_full(r, NULL, "PATH", T0, 5, 9, 0.0);
	push_full(r, "a", "PATH", T0, 6, 9, 0.0);
	push_full(r, "a", "PATH", T0, 6, 9, 0.0);
	push_full(r, "b", "PATH", T0, 5, 9, 0.0);
	assert_int_equal(reasm_open_events(r), 5);
	push_full(r, "a", "EOE", T0, 6, 9, 0.0);
	push_full(r, "b", "EOE", T0, 5, 9, 0.0);
	push_full(r, NULL, "EOE", T0, 5, 9, 0.0);
	push_full(r, "a", "EOE", T0 + 1, 5, 9, 0.0);
	push_full(r, "a", "EOE", T0, 5, 9, 0.0);
	assert_int_equal(s.n, 5);
	assert_done(&s, 0, 9, 3, EVENT_DONE_EOE);
	assert_int_equal(s.d[0].node, 1);
	assert_int_equal(s.d[0].msec, 6);
	assert_string_equal(rec_line(&s.d[0], 0),
	                    "node=a type=SYSCALL msg=audit(1700000000.006:9): rtype=SYSCALL");
	assert_done(&s, 1, 9, 2, EVENT_DONE_EOE);
	assert_int_equal(s.d[1].node, 2);
	assert_done(&s, 2, 9, 2, EVENT_DONE_EOE);
	assert_int_equal(s.d[2].node, 0);
	assert_done(&s, 3, 9, 1, EVENT_DONE_EOE);
	assert_int_equal(s.d[3].sec, T0 + 1);
	assert_done(&s, 4, 9, 1, EVENT_DONE_EOE);
	assert_int_equal(s.d[4].node, 1);
	assert_int_equal(s.d[4].sec, T0);
	assert_int_equal(s.d[4].msec, 5);
	assert_int_equal(stats.orphan_eoe, 0);
	/* Late records are told by serial alone (per node): the serial 9 of node
	 * "a" was seen before when its 2nd and 3rd time stamps came. */
	assert_int_equal(stats.late_records, 2);
	assert_false(s.d[4].late);
	assert_true(s.d[3].late);
	assert_true(s.d[0].late);
	assert_false(s.d[1].late);
	assert_false(s.d[2].late);
	assert_int_equal(stats.lost_possible, 0);
	reasm_free(r);
	sink_free(&s);
}

/* --- late records, orphans */

static void test_late_records(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);

	/* after EOE */
	push(r, "SYSCALL", 50);
	push(r, "EOE", 50);
	push(r, "PATH", 50);
	assert_int_equal(stats.late_records, 1);
	assert_int_equal(reasm_open_events(r), 1); /* its own event, open */
	push(r, "PATH", 50);                       /* joins it: not late again */
	assert_int_equal(stats.late_records, 1);
	push(r, "EOE", 50);
	assert_done(&s, 1, 50, 2, EVENT_DONE_EOE);
	assert_true(s.d[1].late);
	assert_false(s.d[0].late);
	assert_int_equal(stats.orphan_eoe, 0);

	/* after a timeout: the EOE that comes too late is a late record */
	push_at(r, "SYSCALL", 51, 10.0);
	reasm_expire(r, 20.0);
	assert_done(&s, 2, 51, 1, EVENT_DONE_TIMEOUT);
	push_at(r, "EOE", 51, 21.0);
	assert_int_equal(stats.late_records, 2);
	assert_int_equal(stats.orphan_eoe, 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(reasm_open_events(r), 0);

	/* after a capacity eviction */
	reasm_set_limits(r, 1, 2.0);
	push(r, "SYSCALL", 52);
	push(r, "SYSCALL", 53);
	assert_done(&s, 3, 52, 1, EVENT_DONE_CAPACITY);
	push(r, "PROCTITLE", 52); /* evicts 53 in turn */
	assert_int_equal(stats.late_records, 3);
	assert_done(&s, 4, 53, 1, EVENT_DONE_CAPACITY);
	push(r, "EOE", 52);
	assert_done(&s, 5, 52, 1, EVENT_DONE_EOE);
	assert_true(s.d[5].late);
	assert_int_equal(s.d[5].recs[0].type, 1327);
	push(r, "EOE", 53);
	assert_int_equal(stats.late_records, 4);

	/* a standalone record repeated */
	push(r, "ANOM_ABEND", 54);
	push(r, "ANOM_ABEND", 54);
	assert_done(&s, 6, 54, 1, EVENT_DONE_STANDALONE);
	assert_done(&s, 7, 54, 1, EVENT_DONE_STANDALONE);
	assert_false(s.d[6].late);
	assert_true(s.d[7].late);
	assert_int_equal(stats.late_records, 5);
	assert_int_equal(stats.orphan_eoe, 0);
	assert_int_equal(stats.lost_possible, 0);
	assert_int_equal(s.n, 8);
	reasm_free(r);
	sink_free(&s);
}

static void test_orphan_eoe(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);

	push(r, "EOE", 70); /* never seen */
	assert_int_equal(stats.orphan_eoe, 1);
	assert_int_equal(stats.late_records, 0);
	assert_int_equal(stats.records_in, 1);
	assert_int_equal(reasm_open_events(r), 0);
	push_event(r, 71);
	push(r, "EOE", 73); /* a new serial: an orphan, and 72 was skipped */
	assert_int_equal(stats.orphan_eoe, 2);
	assert_int_equal(stats.lost_possible, 1);
	push(r, "EOE", 71); /* a second EOE: late, not orphan */
	assert_int_equal(stats.orphan_eoe, 2);
	assert_int_equal(stats.late_records, 1);
	reasm_flush(r);
	assert_int_equal(s.n, 1);
	assert_done(&s, 0, 71, 2, EVENT_DONE_EOE);
	reasm_free(r);
	sink_free(&s);
}

/* --- lost serials */

static void test_gaps(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);

	push_event(r, 1);
	push_event(r, 2);
	assert_int_equal(stats.lost_possible, 0);
	push_event(r, 5);
	assert_int_equal(stats.lost_possible, 2);
	push_event(r, 3); /* late arrival fills a hole */
	assert_int_equal(stats.lost_possible, 1);
	assert_int_equal(stats.late_records, 0);
	push(r, "PATH", 3); /* already seen: late, no change */
	assert_int_equal(stats.late_records, 1);
	assert_int_equal(stats.lost_possible, 1);
	push_event(r, 4);
	assert_int_equal(stats.lost_possible, 0);
	push_event(r, 6);
	assert_int_equal(stats.lost_possible, 0);
	/* out of order without loss: never counted */
	push(r, "SYSCALL", 8);
	push(r, "SYSCALL", 7);
	assert_int_equal(stats.lost_possible, 0);
	reasm_free(r);
	sink_free(&s);
}

static void test_gaps_not_below_zero(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);

	/* serials older than the first one seen were never counted as gaps */
	push_event(r, 10);
	push_event(r, 9);
	push_event(r, 8);
	assert_int_equal(stats.lost_possible, 0);
	assert_int_equal(stats.late_records, 0);
	push_event(r, 12);
	assert_int_equal(stats.lost_possible, 1);
	push_event(r, 7);
	push_event(r, 11);
	push_event(r, 6);
	assert_int_equal(stats.lost_possible, 0);
	reasm_free(r);
	sink_free(&s);
}

static void test_gaps_rollover(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);

	push_event(r, 4294967294u);
	push_event(r, 4294967295u);
	push_event(r, 0);
	push_event(r, 1);
	assert_int_equal(stats.lost_possible, 0);
	assert_int_equal(stats.late_records, 0);
	/* 2 skipped across nothing, then a gap across the wrap in a second node */
	push_full(r, "n", "SYSCALL", T0, 0, 4294967295u, 0.0);
	push_full(r, "n", "SYSCALL", T0, 0, 1, 0.0); /* 0 skipped */
	assert_int_equal(stats.lost_possible, 1);
	push_full(r, "n", "SYSCALL", T0, 0, 0, 0.0); /* and filled */
	assert_int_equal(stats.lost_possible, 0);
	push_full(r, "n", "PATH", T0, 0, 4294967295u, 0.0); /* open: joins */
	assert_int_equal(stats.late_records, 0);
	reasm_flush(r);
	assert_int_equal(s.n, 7);
	assert_done(&s, 4, 4294967295u, 2, EVENT_DONE_FLUSH);
	reasm_free(r);
	sink_free(&s);
}

static void test_gaps_jumps(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);

	/* a forward jump below 2^24 serials is counted */
	push_event(r, 1000);
	push_event(r, 11000);
	assert_int_equal(stats.lost_possible, 9999);
	/* holes just behind the new top can still be filled */
	push_event(r, 10995);
	assert_int_equal(stats.lost_possible, 9998);
	/* 2^24 or more ahead: a reset (reboot), not losses */
	push_event(r, 11000 + (1u << 24));
	assert_int_equal(stats.lost_possible, 9998);
	push_event(r, 11001 + (1u << 24));
	push_event(r, 11004 + (1u << 24));
	assert_int_equal(stats.lost_possible, 10000);
	/* 2^24 or more behind: a reset too */
	push_event(r, 1);
	assert_int_equal(stats.lost_possible, 10000);
	push_event(r, 2);
	push_event(r, 4);
	assert_int_equal(stats.lost_possible, 10001);
	/* the old window was dropped: the old serials are not "seen before" */
	push_event(r, 11004 + (1u << 24) + (1u << 25));
	assert_int_equal(stats.late_records, 0);
	assert_int_equal(stats.lost_possible, 10001);
	assert_int_equal(s.n, 10);
	reasm_free(r);
	sink_free(&s);
}

static void test_gaps_window(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);

	/* a serial more than the window (4096) behind the top: neither a
	 * gap filled nor late */
	push_event(r, 100000);
	push_event(r, 100000 - 5000);
	assert_int_equal(stats.lost_possible, 0);
	assert_int_equal(stats.late_records, 0);
	/* a record of an event within the window, seen: late */
	push_event(r, 100001);
	push(r, "PATH", 100000);
	assert_int_equal(stats.late_records, 1);
	/* moving the top forward by whole windows forgets what was seen */
	for (uint32_t x = 100002; x < 100002 + 5000; x++)
		push_event(r, x);
	assert_int_equal(stats.lost_possible, 0);
	push(r, "PATH", 100001); /* 5000 behind: unknown, so not late */
	assert_int_equal(stats.late_records, 1);
	push(r, "PATH", 100002 + 5000 - 4000); /* within: seen before */
	assert_int_equal(stats.late_records, 2);
	reasm_free(r);
	sink_free(&s);
}

static void test_gaps_per_node(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);

	push_full(r, "a", "USER_ACCT", T0, 0, 1, 0.0);
	push_full(r, "b", "USER_ACCT", T0, 0, 100, 0.0);
	push_full(r, NULL, "USER_ACCT", T0, 0, 5000, 0.0);
	push_full(r, "a", "USER_ACCT", T0, 0, 2, 0.0);
	push_full(r, "b", "USER_ACCT", T0, 0, 101, 0.0);
	push_full(r, NULL, "USER_ACCT", T0, 0, 5001, 0.0);
	assert_int_equal(stats.lost_possible, 0);
	push_full(r, "a", "USER_ACCT", T0, 0, 4, 0.0);
	assert_int_equal(stats.lost_possible, 1);
	push_full(r, "b", "USER_ACCT", T0, 0, 104, 0.0);
	assert_int_equal(stats.lost_possible, 3);
	/* a serial seen on another node is not late here */
	push_full(r, "b", "USER_ACCT", T0, 0, 4, 0.0);
	assert_int_equal(stats.late_records, 0);
	reasm_idle(r);
	assert_int_equal(s.n, 9);
	reasm_free(r);
	sink_free(&s);
}

static void test_daemon_serials(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);

	/* as in a real stream: DAEMON_START from auditd's own counter first */
	push_full(r, NULL, "DAEMON_START", T0, 767, 9945, 0.0);
	push_event(r, 29314);
	push_event(r, 29315);
	push_full(r, NULL, "DAEMON_CONFIG", T0 + 5, 0, 9946, 0.0);
	push_event(r, 29316);
	push_full(r, NULL, "DAEMON_END", T0 + 9, 0, 9947, 0.0);
	assert_int_equal(stats.lost_possible, 0);
	/* a DAEMON serial equal to a kernel one is not late, nor the reverse */
	push_full(r, NULL, "DAEMON_ROTATE", T0 + 10, 0, 29315, 0.0);
	push_full(r, NULL, "DAEMON_ROTATE", T0 + 11, 0, 29315, 0.0);
	push_event(r, 9945);
	assert_int_equal(stats.late_records, 0);
	assert_int_equal(s.n, 9);
	assert_done(&s, 0, 9945, 1, EVENT_DONE_STANDALONE);
	assert_done(&s, 3, 9946, 1, EVENT_DONE_STANDALONE);
	assert_done(&s, 8, 9945, 2, EVENT_DONE_EOE);
	reasm_free(r);
	sink_free(&s);
}

/* --- flush, limits, bounds */

static void test_flush(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);

	reasm_flush(r); /* empty */
	assert_int_equal(s.n, 0);
	push(r, "SYSCALL", 3);
	push(r, "SYSCALL", 1);
	push(r, "PATH", 3);
	push(r, "SYSCALL", 2);
	reasm_flush(r);
	assert_int_equal(s.n, 3);
	assert_done(&s, 0, 3, 2, EVENT_DONE_FLUSH); /* creation order */
	assert_done(&s, 1, 1, 1, EVENT_DONE_FLUSH);
	assert_done(&s, 2, 2, 1, EVENT_DONE_FLUSH);
	assert_int_equal(stats.done_flush, 3);
	assert_int_equal(stats.pending_events, 0);
	assert_int_equal(reasm_open_events(r), 0);
	assert_true(reasm_next_deadline(r) < 0);
	/* usable afterwards; EOEs of flushed events are late */
	push(r, "EOE", 3);
	assert_int_equal(stats.late_records, 1);
	push_event(r, 4);
	assert_done(&s, 3, 4, 2, EVENT_DONE_EOE);
	reasm_free(r);
	sink_free(&s);
}

static void test_set_limits(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(8, 2.0, on_event, &s);

	for (uint32_t i = 1; i <= 6; i++)
		push_at(r, "SYSCALL", i, (double)i);
	reasm_set_limits(r, 4, 2.0); /* shrinking completes the excess, oldest first */
	assert_int_equal(s.n, 2);
	assert_done(&s, 0, 1, 1, EVENT_DONE_CAPACITY);
	assert_done(&s, 1, 2, 1, EVENT_DONE_CAPACITY);
	assert_int_equal(reasm_open_events(r), 4);
	assert_int_equal(stats.pending_events, 4);
	push_at(r, "SYSCALL", 7, 7.0); /* the new bound holds */
	assert_done(&s, 2, 3, 1, EVENT_DONE_CAPACITY);
	assert_int_equal(reasm_open_events(r), 4);

	/* a new timeout applies to open events */
	assert_true(reasm_next_deadline(r) == 6.0);
	reasm_set_limits(r, 4, 10.0);
	assert_true(reasm_next_deadline(r) == 14.0);

	/* growing (a larger hash table): open events are still found */
	reasm_set_limits(r, 1000, 10.0);
	for (uint32_t i = 4; i <= 7; i++)
		push(r, "PATH", i);
	for (uint32_t i = 100; i < 900; i++)
		push(r, "SYSCALL", i);
	assert_int_equal(reasm_open_events(r), 804);
	assert_int_equal(s.n, 3);
	for (uint32_t i = 7; i >= 4; i--)
		push(r, "EOE", i);
	assert_done(&s, 3, 7, 2, EVENT_DONE_EOE);
	assert_done(&s, 6, 4, 2, EVENT_DONE_EOE);
	/* shrinking a lot: again found after the rehash */
	reasm_set_limits(r, 10, 10.0);
	assert_int_equal(reasm_open_events(r), 10);
	assert_int_equal(s.n, 7 + 790);
	assert_done(&s, 7, 100, 1, EVENT_DONE_CAPACITY);
	assert_done(&s, 796, 889, 1, EVENT_DONE_CAPACITY);
	for (uint32_t i = 890; i < 900; i++)
		push(r, "EOE", i);
	assert_int_equal(s.n, 807);
	assert_done(&s, 806, 899, 1, EVENT_DONE_EOE);
	assert_int_equal(stats.late_records + stats.orphan_eoe, 0);
	/* 0 means 1 */
	push(r, "SYSCALL", 1000);
	push(r, "SYSCALL", 1001);
	reasm_set_limits(r, 0, 10.0);
	assert_int_equal(reasm_open_events(r), 1);
	assert_done(&s, 807, 1000, 1, EVENT_DONE_CAPACITY);
	reasm_free(r);
	sink_free(&s);
}

static void test_bad_lines(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);
	static const char *bad[] = {"",
	                            "garbage",
	                            "type=SYSCALL",
	                            "type=SYSCALL msg=audit(1.000:x): ",
	                            "node=a",
	                            "type=EOE msg=audit(1.000:4294967296): "};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(push_line(r, bad[i], strlen(bad[i]), 0.0), -1);
	assert_int_equal(stats.lines_bad, sizeof(bad) / sizeof(bad[0]));
	assert_int_equal(stats.records_in, 0);
	assert_int_equal(reasm_open_events(r), 0);
	assert_int_equal(stats.lost_possible + stats.orphan_eoe, 0);
	/* a record of an unknown type is still a record */
	const char *unknown = "type=WHATEVER msg=audit(1.000:1): ";
	assert_int_equal(push_line(r, unknown, strlen(unknown), 0.0), 0);
	assert_int_equal(stats.records_in, 1);
	assert_int_equal(reasm_open_events(r), 1);
	reasm_flush(r);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.d[0].recs[0].type, 0);
	reasm_free(r);
	sink_free(&s);
}

static void test_record_bound(void **state)
{
	struct sink s = {0};
	struct reassembly *r = reasm_new(16, 2.0, on_event, &s);

	/* a runaway serial is cut every 4096 records; the parts are not late */
	push(r, "SYSCALL", 1);
	for (int i = 1; i < 4096; i++)
		push(r, "PATH", 1);
	assert_int_equal(s.n, 0);
	push(r, "PATH", 1);
	assert_done(&s, 0, 1, 4096, EVENT_DONE_CAPACITY);
	push(r, "PATH", 1);
	push(r, "EOE", 1);
	assert_done(&s, 1, 1, 2, EVENT_DONE_EOE);
	assert_false(s.d[1].late);
	assert_int_equal(stats.late_records + stats.lost_possible, 0);
	assert_int_equal(stats.done_capacity, 1);
	assert_int_equal(s.nrec_total, 4098);
	reasm_free(r);
	sink_free(&s);
}

/* Large events, reused from the pool, with event_parse() on each. */
#define PAD "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"

/* event N: a SYSCALL with an enriched part and an EXECVE of N * 300
 * arguments (past EVENT_MAX_FIELDS for N >= 2, past the 64 KiB an event
 * keeps for reuse for N >= 4) */
static void check_big(const struct parsed_event *pe)
{
	uint32_t ev = pe->ev->serial;
	const struct parsed_rec *sc = event_find(pe, 1300);
	const struct parsed_rec *ex = event_find(pe, 1309);

	assert_int_equal(pe->nrec, 2);
	assert_non_null(sc);
	assert_non_null(ex);
	assert_null(event_find(pe, 1320));
	assert_int_equal(sc->nfields, 3);
	assert_int_equal(sc->nefields, 2);
	assert_memory_equal(sc->efields[1].key.p, "SYSCALL", 7);
	assert_memory_equal(sc->efields[1].val.p, "execve", 6);
	const struct field *f = record_field(sc->fields, sc->nfields, "items");
	assert_non_null(f);
	assert_memory_equal(f->val.p, "2", 1);
	size_t want = 1 + ev * 300;
	if (want > EVENT_MAX_FIELDS)
		want = EVENT_MAX_FIELDS;
	assert_int_equal(ex->nfields, want);
	assert_int_equal(ex->nefields, 0);
	assert_int_equal(pe->fields_truncated, 1 + ev * 300 > EVENT_MAX_FIELDS);
	f = record_field(ex->fields, ex->nfields, "a299");
	assert_non_null(f);
	assert_int_equal(f->val.len, strlen("\"arg299-" PAD "\""));
	assert_memory_equal(f->val.p, "\"arg299-" PAD "\"", f->val.len);
	/* the fields point into the event's own buffer */
	const char *buf = pe->ev->buf;
	for (size_t i = 0; i < ex->nfields; i++)
		assert_true(ex->fields[i].key.p >= buf &&
		            ex->fields[i].val.p + ex->fields[i].val.len <= buf + pe->ev->len);
	assert_true(ex->line.p == buf + pe->ev->recs[1].off);
}

static void test_big_events_and_parse(void **state)
{
	struct sink s = {.parse = true, .check = check_big};
	struct reassembly *r = reasm_new(2, 2.0, on_event, &s);
	size_t cap = 200000;
	char *line = malloc(cap);
	assert_non_null(line);

	for (uint32_t ev = 1; ev <= 6; ev++) {
		int n = snprintf(line, cap,
		                 "type=SYSCALL msg=audit(1.000:%u): arch=c000003e "
		                 "syscall=59 items=2\x1d"
		                 "ARCH=x86_64 SYSCALL=execve",
		                 ev);
		assert_int_equal(push_line(r, line, (size_t)n, 0.0), 0);
		size_t len = (size_t)snprintf(line, cap, "type=EXECVE msg=audit(1.000:%u): argc=%u",
		                              ev, ev * 300);
		for (uint32_t a = 0; a < ev * 300; a++)
			len +=
			    (size_t)snprintf(line + len, cap - len, " a%u=\"arg%u-%s\"", a, a, PAD);
		assert_true(len < cap);
		assert_int_equal(push_line(r, line, len, 0.0), 0);
		n = snprintf(line, cap, "type=EOE msg=audit(1.000:%u): ", ev);
		assert_int_equal(push_line(r, line, (size_t)n, 0.0), 0);
		assert_int_equal(s.n, ev);
		assert_done(&s, ev - 1, ev, 2, EVENT_DONE_EOE);
	}
	assert_int_equal(s.nchecked, 6);
	assert_int_equal(stats.done_eoe, 6);
	reasm_free(r);
	free(line);
	sink_free(&s);
}

/* --- go-libaudit's reassembler fixtures */

struct lines {
	char *text;
	struct strv *v;
	size_t n;
};

static void load_lines(const char *path, struct lines *L)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		print_error("cannot open %s\n", path);
		fail();
	}
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	long size = ftell(fp);
	assert_true(size >= 0);
	rewind(fp);
	L->text = malloc((size_t)size + 1);
	assert_non_null(L->text);
	assert_int_equal(fread(L->text, 1, (size_t)size, fp), (size_t)size);
	fclose(fp);
	L->text[size] = 0;
	L->n = 0;
	L->v = NULL;
	size_t cap = 0;
	for (char *p = L->text, *end = L->text + size; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *e = nl ? nl : end;
		size_t len = (size_t)(e - p);
		if (len && p[len - 1] == '\r')
			len--;
		if (len) {
			if (L->n == cap) {
				cap = cap ? cap * 2 : 64;
				L->v = realloc(L->v, cap * sizeof(*L->v));
				assert_non_null(L->v);
			}
			L->v[L->n++] = (struct strv){p, len};
		}
		p = nl ? nl + 1 : end;
	}
}

static void free_lines(struct lines *L)
{
	free(L->text);
	free(L->v);
}

/* The "SEC.MSEC:SERIAL" of a line, found with plain string functions (not
 * with record.c, which is under test). */
static struct strv line_key(struct strv line)
{
	const char *p = memmem(line.p, line.len, "msg=audit(", 10);
	assert_non_null(p);
	p += 10;
	const char *q = memchr(p, ')', line.len - (size_t)(p - line.p));
	assert_non_null(q);
	return (struct strv){p, (size_t)(q - p)};
}

struct expect {
	uint32_t serial;
	size_t nrec;
};

static void run_fixture(const char *name, const struct expect *want, size_t nwant, uint64_t lost)
{
	char path[512];
	struct lines L;
	struct sink s = {.parse = true};

	memset(&stats, 0, sizeof stats);
	snprintf(path, sizeof(path), "%s/reassembly/%s", TEST_DATA_DIR, name);
	load_lines(path, &L);
	/* go-libaudit's harness: maxInFlight 5, timeout 2 s, Close() at the end */
	struct reassembly *r = reasm_new(5, 2.0, on_event, &s);
	for (size_t i = 0; i < L.n; i++)
		assert_int_equal(push_line(r, L.v[i].p, L.v[i].len, 0.0), 0);
	reasm_flush(r);

	if (s.n != nwant) {
		print_error("%s: %zu events, want %zu\n", name, s.n, nwant);
		fail();
	}
	for (size_t i = 0; i < nwant; i++)
		assert_done(&s, i, want[i].serial, want[i].nrec, EVENT_DONE_FLUSH);
	/* the payload is preserved: each event holds exactly the lines of its
	 * time stamp and serial, byte for byte, in input order */
	for (size_t i = 0; i < s.n; i++) {
		size_t k = 0;
		struct strv key0 = line_key((struct strv){s.d[i].buf, s.d[i].recs[0].len});
		for (size_t j = 0; j < L.n; j++) {
			struct strv key = line_key(L.v[j]);
			if (key.len != key0.len || memcmp(key.p, key0.p, key.len))
				continue;
			assert_true(k < s.d[i].nrec);
			assert_int_equal(s.d[i].recs[k].len, L.v[j].len);
			assert_memory_equal(s.d[i].buf + s.d[i].recs[k].off, L.v[j].p, L.v[j].len);
			k++;
		}
		assert_int_equal(k, s.d[i].nrec);
	}
	assert_int_equal(stats.lost_possible, lost);
	assert_int_equal(stats.records_in, L.n);
	assert_int_equal(s.nrec_total, L.n);
	assert_int_equal(stats.done_flush, nwant);
	assert_int_equal(
	    stats.done_capacity + stats.done_eoe + stats.done_timeout + stats.done_standalone, 0);
	assert_int_equal(stats.late_records + stats.orphan_eoe + stats.lines_bad, 0);
	reasm_free(r);
	sink_free(&s);
	free_lines(&L);
}

static void test_golibaudit_normal(void **state)
{
	static const struct expect want[] = {{58, 2}, {59, 5}, {60, 5}, {61, 4}, {62, 1}};
	run_fixture("normal.log", want, 5, 0);
}

static void test_golibaudit_lost_messages(void **state)
{
	static const struct expect want[] = {{49, 2}, {59, 5}, {60, 5}, {61, 4}, {62, 1}};
	/* serials 50..58 never came: 9, as go-libaudit's EventsLost */
	run_fixture("lost_messages.log", want, 5, 9);
}

static void test_golibaudit_out_of_order(void **state)
{
	static const struct expect want[] = {{58, 2}, {59, 5}, {60, 5}, {61, 4}, {62, 1}};
	run_fixture("out_of_order.log", want, 5, 0);
}

static void test_golibaudit_rollover(void **state)
{
	static const struct expect want[] = {
	    {4294967294u, 1}, {4294967295u, 1}, {0, 1}, {1, 1}, {2, 1}};
	run_fixture("rollover.log", want, 5, 0);
}

/* The same fixtures with a smaller queue: the oldest events are completed
 * by capacity, and the late records of out_of_order.log split off. */
static void test_golibaudit_small_queue(void **state)
{
	char path[512];
	struct lines L;
	struct sink s = {0};

	snprintf(path, sizeof(path), "%s/reassembly/out_of_order.log", TEST_DATA_DIR);
	load_lines(path, &L);
	struct reassembly *r = reasm_new(2, 2.0, on_event, &s);
	for (size_t i = 0; i < L.n; i++)
		assert_int_equal(push_line(r, L.v[i].p, L.v[i].len, 0.0), 0);
	reasm_flush(r);
	/* 58 and 59 go when 60 and 61 open; the PATH of 60 comes after 61
	 * opened (60 still open), SOCKADDR/CWD of 61 join 61, SYSCALL 62
	 * evicts 60, and PATH 61 comes after 62 (61 still open). */
	static const struct expect want[] = {{58, 2}, {59, 5}, {60, 5}, {61, 4}, {62, 1}};
	static const enum event_done why[] = {EVENT_DONE_CAPACITY, EVENT_DONE_CAPACITY,
	                                      EVENT_DONE_CAPACITY, EVENT_DONE_FLUSH,
	                                      EVENT_DONE_FLUSH};
	assert_int_equal(s.n, 5);
	for (size_t i = 0; i < 5; i++)
		assert_done(&s, i, want[i].serial, want[i].nrec, why[i]);
	assert_int_equal(stats.late_records, 0);

	/* with room for one event only, the interleaved records split */
	memset(&stats, 0, sizeof stats);
	sink_free(&s);
	reasm_set_limits(r, 1, 2.0);
	for (size_t i = 0; i < L.n; i++)
		assert_int_equal(push_line(r, L.v[i].p, L.v[i].len, 0.0), 0);
	reasm_flush(r);
	/* every record that opens an event is late now (all serials were seen
	 * above): 58, 59, 60, 61, then PATH 60 evicts 61, SOCKADDR 61 evicts
	 * that part of 60, SYSCALL 62, and PATH 61 evicts 62 */
	static const struct expect want1[] = {{58, 2}, {59, 5}, {60, 4}, {61, 1},
	                                      {60, 1}, {61, 2}, {62, 1}, {61, 1}};
	assert_int_equal(s.n, 8);
	for (size_t i = 0; i < 8; i++) {
		assert_done(&s, i, want1[i].serial, want1[i].nrec,
		            i < 7 ? EVENT_DONE_CAPACITY : EVENT_DONE_FLUSH);
		assert_true(s.d[i].late);
	}
	assert_int_equal(stats.late_records, 8);
	assert_int_equal(stats.lost_possible, 0);
	assert_int_equal(s.nrec_total, L.n);
	reasm_free(r);
	sink_free(&s);
	free_lines(&L);
}

/* --- a recorded auditd stream */

static int cmp_strv(const void *a, const void *b)
{
	const struct strv *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->p, y->p, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static void run_capture(const char *path, size_t max_inflight)
{
	struct lines L;
	struct sink s = {.parse = true};

	memset(&stats, 0, sizeof stats);
	load_lines(path, &L);
	assert_true(L.n > 1000);

	/* count the events independently: distinct "SEC.MSEC:SERIAL" */
	struct strv *keys = malloc(L.n * sizeof(*keys));
	assert_non_null(keys);
	size_t neoe = 0;
	for (size_t i = 0; i < L.n; i++) {
		keys[i] = line_key(L.v[i]);
		if (L.v[i].len >= 9 && !memcmp(L.v[i].p, "type=EOE ", 9))
			neoe++;
	}
	qsort(keys, L.n, sizeof(*keys), cmp_strv);
	size_t nevents = 0;
	for (size_t i = 0; i < L.n; i++)
		if (i == 0 || cmp_strv(&keys[i - 1], &keys[i]))
			nevents++;
	free(keys);

	struct reassembly *r = reasm_new(max_inflight, 2.0, on_event, &s);
	for (size_t i = 0; i < L.n; i++)
		assert_int_equal(push_line(r, L.v[i].p, L.v[i].len, 0.0), 0);
	reasm_idle(r);                             /* the end of the input */
	assert_int_equal(reasm_open_events(r), 0); /* nothing waits for a timeout */
	reasm_flush(r);

	assert_int_equal(s.n, nevents);
	assert_int_equal(stats.done_eoe + stats.done_standalone, nevents);
	assert_int_equal(stats.done_eoe, neoe); /* every EOE closed an event */
	assert_int_equal(stats.done_timeout + stats.done_capacity + stats.done_flush, 0);
	assert_int_equal(stats.late_records, 0);
	assert_int_equal(stats.orphan_eoe, 0);
	assert_int_equal(stats.lost_possible, 0);
	assert_int_equal(stats.lines_bad, 0);
	assert_int_equal(stats.records_in, L.n);
	assert_int_equal(s.nrec_total, L.n - neoe);
	for (size_t i = 0; i < s.n; i++)
		assert_false(s.d[i].late);
	reasm_free(r);
	sink_free(&s);
	free_lines(&L);
}

static void test_live_capture_raw(void **state)
{
	/* 4027 lines: 727 events (691 closed by EOE, 36 standalone) */
	run_capture(TEST_DATA_DIR "/live/capture1-raw.txt", 4096);
	/* this stream has one kernel event open at a time */
	run_capture(TEST_DATA_DIR "/live/capture1-raw.txt", 1);
}

static void test_live_capture_enriched(void **state)
{
	FILE *fp = fopen(TEST_DATA_DIR "/live/capture1-enriched.txt", "rb");
	if (!fp)
		skip();
	fclose(fp);
	run_capture(TEST_DATA_DIR "/live/capture1-enriched.txt", 4096);
}

#define T(f) cmocka_unit_test_setup(f, reset_stats)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_eoe_completes),
	    T(test_out_of_order),
	    T(test_standalone_types),
	    T(test_standalone_rule),
	    T(test_tentative_by_count),
	    T(test_timeout_and_deadline),
	    T(test_capacity),
	    T(test_standalone_does_not_evict),
	    T(test_interleaved),
	    T(test_interleaved_nodes),
	    T(test_event_identity),
	    T(test_late_records),
	    T(test_orphan_eoe),
	    T(test_gaps),
	    T(test_gaps_not_below_zero),
	    T(test_gaps_rollover),
	    T(test_gaps_jumps),
	    T(test_gaps_window),
	    T(test_gaps_per_node),
	    T(test_daemon_serials),
	    T(test_flush),
	    T(test_set_limits),
	    T(test_bad_lines),
	    T(test_record_bound),
	    T(test_big_events_and_parse),
	    T(test_golibaudit_normal),
	    T(test_golibaudit_lost_messages),
	    T(test_golibaudit_out_of_order),
	    T(test_golibaudit_rollover),
	    T(test_golibaudit_small_queue),
	    T(test_live_capture_raw),
	    T(test_live_capture_enriched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
