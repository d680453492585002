#include "reassembly.h"

#include <libaudit.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/* Records per event before it is cut (a runaway serial must not eat memory);
 * a real event has a few dozen at most (PATH records, split EXECVE). */
#define EVENT_MAX_RECORDS 4096
#define MAX_NODES 256
/* Recent serials remembered per node, to tell late records from gaps. */
#define SEQ_WINDOW 4096
/* A jump this large is a reset of the counter (reboot), not lost events. */
#define SEQ_RESET (1u << 24)

struct seqwin {
	int init;
	uint32_t top; /* highest serial seen */
	uint64_t gaps;
	uint64_t bits[SEQ_WINDOW / 64]; /* bit (serial % SEQ_WINDOW): seen */
};

struct node {
	char *name;
	size_t len;
	struct seqwin win;
};

struct reassembly {
	size_t max_inflight;
	double timeout;
	reasm_sink sink;
	void *ctx;
	struct event **buckets;
	size_t nbuckets; /* power of two */
	struct event *oldest, *newest;
	size_t nopen;
	struct event *toldest, *tnewest; /* the tentative ones */
	uint64_t nrecords;               /* records pushed so far */
	struct event *pool; /* cleared events for reuse, via hnext */
	size_t npool;
	struct node nodes[MAX_NODES]; /* [0]: records without node= */
	size_t nnodes;
};

/* Types that never share their serial with other records, so an event that
 * starts with one is complete at once: auditd's own DAEMON_* records
 * (1200-1299, auditd's serials), KERNEL (2000, audit initialised) and
 * ANOM_ABEND (1701, written on signal delivery, after the syscall's context
 * is gone). ausearch (check_events() in audit-userspace's
 * src/ausearch-lol.c) treats every type below 1300 and from 1700 up as
 * single-record; we keep only the part that is certain: kernel records
 * written during a syscall (AVC, CONFIG_CHANGE, ANOM_PROMISCUOUS,
 * INTEGRITY_*) arrive *before* their SYSCALL record and wait for the EOE. */
int reasm_type_is_standalone(int type)
{
	return (type >= AUDIT_FIRST_DAEMON && type <= AUDIT_LAST_DAEMON) || type == AUDIT_KERNEL ||
	       type == AUDIT_ANOM_ABEND;
}

/* User-space messages (1100-1199, 2100-2999) and the control range with
 * LOGIN (1000-1099) usually come alone, but when a rule makes the sending
 * syscall auditable, a newer kernel writes SYSCALL (and more) and an EOE
 * with the same serial (Laurel's record-login.txt, record-service-start.txt). */
int reasm_type_is_tentative(int type)
{
	return (type >= 1000 && type < AUDIT_FIRST_DAEMON) ||
	       (type >= AUDIT_FIRST_USER_MSG2 && type <= AUDIT_LAST_USER_MSG2);
}

static size_t pow2_at_least(size_t n)
{
	size_t p = 64;
	while (p < n)
		p *= 2;
	return p;
}

static size_t bucket_of(const struct reassembly *r, uint32_t serial, uint16_t node)
{
	return ((serial * 2654435761u) ^ node) & (r->nbuckets - 1);
}

struct reassembly *reasm_new(size_t max_inflight, double timeout, reasm_sink sink, void *ctx)
{
	struct reassembly *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->max_inflight = max_inflight ? max_inflight : 1;
	r->timeout = timeout;
	r->sink = sink;
	r->ctx = ctx;
	r->nbuckets = pow2_at_least(r->max_inflight * 2);
	r->buckets = calloc(r->nbuckets, sizeof(*r->buckets));
	r->nnodes = 1;
	if (!r->buckets) {
		free(r);
		return NULL;
	}
	return r;
}

void reasm_free(struct reassembly *r)
{
	if (!r)
		return;
	struct event *e, *next;
	for (e = r->oldest; e; e = next) {
		next = e->newer;
		event_release(e);
		free(e);
	}
	for (e = r->pool; e; e = next) {
		next = e->hnext;
		event_release(e);
		free(e);
	}
	for (size_t i = 1; i < r->nnodes; i++)
		free(r->nodes[i].name);
	free(r->buckets);
	free(r);
}

/* --- sequence accounting -------------------------------------------------- */

enum seen { SEEN_NEW, SEEN_BEFORE };

static void bit_set(struct seqwin *w, uint32_t s)
{
	w->bits[(s % SEQ_WINDOW) / 64] |= 1ull << (s % 64);
}

static int bit_get(const struct seqwin *w, uint32_t s)
{
	return (w->bits[(s % SEQ_WINDOW) / 64] >> (s % 64)) & 1;
}

static void win_reset(struct seqwin *w, uint32_t s)
{
	memset(w->bits, 0, sizeof(w->bits));
	w->init = 1;
	w->top = s;
	bit_set(w, s);
}

static void gaps_add(struct seqwin *w, int64_t d)
{
	if (d < 0 && (uint64_t)-d > w->gaps)
		d = -(int64_t)w->gaps;
	w->gaps += d;
	stats.lost_possible += d;
}

/* Notes serial s; says whether it was seen before. Serials wrap at 2^32. */
static enum seen seq_note(struct seqwin *w, uint32_t s)
{
	if (!w->init) {
		win_reset(w, s);
		return SEEN_NEW;
	}
	uint32_t ahead = s - w->top;
	if (ahead == 0)
		return SEEN_BEFORE;
	if (ahead < SEQ_RESET) {
		/* forward: clear the slots we move over, count the skipped ones */
		if (ahead >= SEQ_WINDOW) {
			memset(w->bits, 0, sizeof(w->bits));
		} else {
			for (uint32_t x = w->top + 1; x != s; x++)
				w->bits[(x % SEQ_WINDOW) / 64] &= ~(1ull << (x % 64));
			w->bits[(s % SEQ_WINDOW) / 64] &= ~(1ull << (s % 64));
		}
		gaps_add(w, (int64_t)ahead - 1);
		w->top = s;
		bit_set(w, s);
		return SEEN_NEW;
	}
	uint32_t back = w->top - s;
	if (back < SEQ_WINDOW) {
		if (bit_get(w, s))
			return SEEN_BEFORE;
		bit_set(w, s); /* a late arrival fills a hole counted as a gap */
		gaps_add(w, -1);
		return SEEN_NEW;
	}
	if (back < SEQ_RESET)
		return SEEN_NEW; /* too old to know; not a gap either */
	win_reset(w, s);     /* the counter was reset */
	return SEEN_NEW;
}

/* --- nodes ---------------------------------------------------------------- */

static uint16_t node_id(struct reassembly *r, struct strv name)
{
	if (name.len == 0)
		return 0;
	for (size_t i = 1; i < r->nnodes; i++)
		if (r->nodes[i].len == name.len && !memcmp(r->nodes[i].name, name.p, name.len))
			return (uint16_t)i;
	if (r->nnodes == MAX_NODES)
		return MAX_NODES - 1; /* share the last slot; serial+time still match */
	char *copy = malloc(name.len);
	if (!copy)
		return MAX_NODES - 1;
	memcpy(copy, name.p, name.len);
	r->nodes[r->nnodes] = (struct node){.name = copy, .len = name.len};
	return (uint16_t)r->nnodes++;
}

/* --- the queue ------------------------------------------------------------ */

static struct event *lookup(struct reassembly *r, const struct record_hdr *h, uint16_t node)
{
	struct event *e = r->buckets[bucket_of(r, h->serial, node)];
	for (; e; e = e->hnext)
		if (e->serial == h->serial && e->node_id == node && e->sec == h->sec &&
		    e->msec == h->msec)
			return e;
	return NULL;
}

static void untentative(struct reassembly *r, struct event *e)
{
	if (!e->tentative)
		return;
	if (e->tolder)
		e->tolder->tnewer = e->tnewer;
	else
		r->toldest = e->tnewer;
	if (e->tnewer)
		e->tnewer->tolder = e->tolder;
	else
		r->tnewest = e->tolder;
	e->tolder = e->tnewer = NULL;
	e->tentative = false;
}

static void unlink_event(struct reassembly *r, struct event *e)
{
	untentative(r, e);
	struct event **pp = &r->buckets[bucket_of(r, e->serial, e->node_id)];
	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	if (e->older)
		e->older->newer = e->newer;
	else
		r->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		r->newest = e->older;
	r->nopen--;
	stats.pending_events = r->nopen;
}

static struct event *take_event(struct reassembly *r)
{
	struct event *e = r->pool;
	if (e) {
		r->pool = e->hnext;
		r->npool--;
		return e;
	}
	return calloc(1, sizeof(*e));
}

static void give_back(struct reassembly *r, struct event *e)
{
	event_clear(e);
	e->hnext = r->pool;
	r->pool = e;
	r->npool++;
}

static void set_identity(struct event *e, const struct record_hdr *h, uint16_t node, double now)
{
	e->serial = h->serial;
	e->sec = h->sec;
	e->msec = h->msec;
	e->node_id = node;
	e->created = now;
	e->late = false;
}

/* Hands a completed event (already out of the queue) to the sink. */
static void deliver(struct reassembly *r, struct event *e, enum event_done why)
{
	e->done = why;
	switch (why) {
	case EVENT_DONE_EOE: stats.done_eoe++; break;
	case EVENT_DONE_STANDALONE: stats.done_standalone++; break;
	case EVENT_DONE_TIMEOUT: stats.done_timeout++; break;
	case EVENT_DONE_CAPACITY: stats.done_capacity++; break;
	case EVENT_DONE_FLUSH: stats.done_flush++; break;
	}
	if (e->nrec)
		r->sink(e, r->ctx);
	give_back(r, e);
}

static void complete(struct reassembly *r, struct event *e, enum event_done why)
{
	unlink_event(r, e);
	deliver(r, e, why);
}

static struct event *open_event(struct reassembly *r, const struct record_hdr *h, uint16_t node,
				double now)
{
	/* make room: lone user-space records first (they are most likely
	 * complete already), then the oldest event */
	while (r->nopen >= r->max_inflight && r->oldest) {
		if (r->toldest)
			complete(r, r->toldest, EVENT_DONE_STANDALONE);
		else
			complete(r, r->oldest, EVENT_DONE_CAPACITY);
	}

	struct event *e = take_event(r);
	if (!e)
		return NULL;
	set_identity(e, h, node, now);
	size_t b = bucket_of(r, h->serial, node);
	e->hnext = r->buckets[b];
	r->buckets[b] = e;
	e->older = r->newest;
	e->newer = NULL;
	if (r->newest)
		r->newest->newer = e;
	else
		r->oldest = e;
	r->newest = e;
	r->nopen++;
	stats.pending_events = r->nopen;
	return e;
}

int reasm_push(struct reassembly *r, const char *line, size_t len, double now)
{
	struct record_hdr h;

	if (record_parse_header(line, len, &h) < 0) {
		stats.lines_bad++;
		return -1;
	}
	stats.records_in++;
	r->nrecords++;
	while (r->toldest && r->nrecords - r->toldest->tentative_at > REASM_TENTATIVE_RECORDS)
		complete(r, r->toldest, EVENT_DONE_STANDALONE);
	uint16_t node = node_id(r, h.node);
	struct event *e = lookup(r, &h, node);
	int cut = 0; /* the event was cut at its bound: this record starts the next part */
	if (e) {
		if (h.type == AUDIT_EOE) {
			complete(r, e, EVENT_DONE_EOE);
			return 0;
		}
		untentative(r, e); /* a companion: now a normal event, waiting for EOE */
		if (e->nrec >= EVENT_MAX_RECORDS)
			complete(r, e, EVENT_DONE_CAPACITY);
		else if (event_add_record(e, line, len, &h) == 0)
			return 0;
		else {
			/* out of memory: write what we have, start afresh */
			complete(r, e, EVENT_DONE_CAPACITY);
		}
		e = NULL;
		cut = 1;
	}

	/* a record for no open event: new, or late for one already written */
	int late = 0;
	if (!cut && (h.type < AUDIT_FIRST_DAEMON || h.type > AUDIT_LAST_DAEMON)) /* auditd's own serials */
		late = seq_note(&r->nodes[node].win, h.serial) == SEEN_BEFORE;
	if (h.type == AUDIT_EOE) {
		stats.records_eoe_alone++;
		if (late)
			stats.late_records++;
		else
			stats.orphan_eoe++;
		return 0;
	}
	if (late)
		stats.late_records++;
	if (reasm_type_is_standalone(h.type)) {
		/* complete at once: it never takes a place in the queue, so it
		 * must not push an open kernel event out either */
		e = take_event(r);
		if (!e || event_add_record(e, line, len, &h) < 0) {
			stats.events_failed++;
			stats.records_failed++;
			if (e)
				give_back(r, e);
			return 0;
		}
		set_identity(e, &h, node, now);
		e->late = late;
		deliver(r, e, EVENT_DONE_STANDALONE);
		return 0;
	}
	e = open_event(r, &h, node, now);
	if (!e || event_add_record(e, line, len, &h) < 0) {
		stats.events_failed++;
		stats.records_failed++;
		if (e)
			complete(r, e, EVENT_DONE_CAPACITY);
		return 0;
	}
	e->late = late;
	if (reasm_type_is_tentative(h.type)) {
		e->tentative = true;
		e->tentative_at = r->nrecords;
		e->tolder = r->tnewest;
		e->tnewer = NULL;
		if (r->tnewest)
			r->tnewest->tnewer = e;
		else
			r->toldest = e;
		r->tnewest = e;
	}
	return 0;
}

void reasm_idle(struct reassembly *r)
{
	while (r->toldest)
		complete(r, r->toldest, EVENT_DONE_STANDALONE);
}

void reasm_expire(struct reassembly *r, double now)
{
	while (r->oldest && r->oldest->created + r->timeout <= now)
		complete(r, r->oldest, EVENT_DONE_TIMEOUT);
}

double reasm_next_deadline(const struct reassembly *r)
{
	return r->oldest ? r->oldest->created + r->timeout : -1.0;
}

void reasm_flush(struct reassembly *r)
{
	while (r->oldest)
		complete(r, r->oldest, EVENT_DONE_FLUSH);
}

size_t reasm_open_events(const struct reassembly *r)
{
	return r->nopen;
}

size_t reasm_pending_records(const struct reassembly *r)
{
	size_t n = 0;
	for (const struct event *e = r->oldest; e; e = e->newer)
		n += e->nrec;
	return n;
}

void reasm_set_limits(struct reassembly *r, size_t max_inflight, double timeout)
{
	r->timeout = timeout;
	r->max_inflight = max_inflight ? max_inflight : 1;
	while (r->nopen > r->max_inflight)
		complete(r, r->oldest, EVENT_DONE_CAPACITY);
	size_t want = pow2_at_least(r->max_inflight * 2);
	if (want == r->nbuckets)
		return;
	struct event **nb = calloc(want, sizeof(*nb));
	if (!nb)
		return; /* keep the old table: correct, only slower */
	r->nbuckets = want;
	free(r->buckets);
	r->buckets = nb;
	for (struct event *e = r->oldest; e; e = e->newer) {
		size_t b = bucket_of(r, e->serial, e->node_id);
		e->hnext = nb[b];
		nb[b] = e;
	}
	/* the pool is bounded by the largest max_inflight seen; trim it */
	while (r->npool > r->max_inflight) {
		struct event *p = r->pool;
		r->pool = p->hnext;
		r->npool--;
		event_release(p);
		free(p);
	}
}
