#include "event.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loadword.h"

#if defined(__SSE2__) && defined(__x86_64__)
#include <emmintrin.h>
#endif

/* Buffers that grew past this are given back when the event is reused, so
 * one huge event does not pin memory forever. */
#define EVENT_KEEP_BUF 65536
#define EVENT_KEEP_RECS 64

static int grow(void **p, size_t *cap, size_t need, size_t elem, size_t first)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : first;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

static void rel(uint32_t out[2], const char *line, struct strv v)
{
	out[0] = v.len ? (uint32_t)(v.p - line) : 0;
	out[1] = (uint32_t)v.len;
}

static struct strv abs_(const char *line, const uint32_t in[2])
{
	return (struct strv){line + in[0], in[1]};
}

/* The most fields a part of a record is split into: a record has at most
 * one field per two bytes, and a part no more than EVENT_MAX_FIELDS. */
static size_t part_max(size_t len)
{
	return len / 2 + 1 < EVENT_MAX_FIELDS ? len / 2 + 1 : EVENT_MAX_FIELDS;
}

int event_add_record(struct event *ev, const char *line, size_t len,
		     const struct record_hdr *h)
{
	if (len > UINT32_MAX || ev->len + len > UINT32_MAX)
		return -1;
	if (grow((void **)&ev->buf, &ev->cap, ev->len + len, 1, 1024) ||
	    grow((void **)&ev->recs, &ev->caprec, ev->nrec + 1, sizeof(*ev->recs), 8))
		return -1;
	memcpy(ev->buf + ev->len, line, len);
	struct event_rec *r = &ev->recs[ev->nrec++];
	r->off = (uint32_t)ev->len;
	r->len = (uint32_t)len;
	r->type = h->type;
	rel(r->type_name, line, h->type_name);
	rel(r->node, line, h->node);
	rel(r->body, line, h->body);
	rel(r->enriched, line, h->enriched);
	r->sec = h->sec;
	r->msec = h->msec;
	r->serial = h->serial;
	ev->len += len;
	ev->maxfields += part_max(h->body.len) + part_max(h->enriched.len);
	return 0;
}

void event_clear(struct event *ev)
{
	if (ev->cap > EVENT_KEEP_BUF) {
		free(ev->buf);
		ev->buf = NULL;
		ev->cap = 0;
	}
	if (ev->caprec > EVENT_KEEP_RECS) {
		free(ev->recs);
		ev->recs = NULL;
		ev->caprec = 0;
	}
	ev->len = 0;
	ev->nrec = 0;
	ev->maxfields = 0;
	ev->late = false;
	ev->tentative = false;
	ev->tolder = ev->tnewer = NULL;
}

void event_release(struct event *ev)
{
	free(ev->buf);
	free(ev->recs);
	ev->buf = NULL;
	ev->recs = NULL;
	ev->cap = ev->caprec = ev->len = ev->nrec = ev->maxfields = 0;
}

/* --- the last parts split per record type and part, as a memo ---------- */

/* Many parts repeat a recent one of their record type word for word (a
 * process's CWD and PROCTITLE, the ENRICHED names of its ids, a loop's
 * SYSCALL, the PATH records of each exec: 57% of the parts in
 * tests/data/live/capture1-enriched.txt repeat the last one alone): their
 * fields are the same at the same offsets, copied instead of split. The
 * fields are a function of the text alone, so the set (by type and part)
 * and the way only decide what is kept; the text decides a hit. A set holds
 * a few texts (an exec's PATH records take turns: with one text per set,
 * s20k splits 66k parts, with 8 ways 44k). A new text is kept alone, its
 * fields only once it comes again: most texts never do. */
#define MEMO_SETS 64 /* power of two */
#define MEMO_WAYS 8
#define MEMO_TEXT 512 /* under 65536: a tag holds the length */
#define MEMO_FIELDS 32
#define MEMO_UNSPLIT UINT32_MAX

struct memo_way {
	uint32_t n; /* fields, or MEMO_UNSPLIT */
	bool trunc;
	struct {
		/* offsets from the text's start, lengths; words like a field's,
		 * so a copy is an add per pointer */
		size_t k, kl, v, vl;
	} f[MEMO_FIELDS];
	char text[MEMO_TEXT];
};

/* A set's tags (of length and edge bytes, 0: empty) side by side, so a
 * look-up reads them before any text. A way hit since the hand
 * last passed it is marked and kept one more round (the clock algorithm): a
 * new text takes the first unmarked way from the hand on, so texts seen once
 * give way before those that come again. */
static struct memo_set {
	uint64_t tag[MEMO_WAYS];
	bool hit[MEMO_WAYS];
	uint8_t hand;
	struct memo_way w[MEMO_WAYS];
} memo[MEMO_SETS];

/* A text's length (the low 16 bits: equal tags mean equal lengths) and its
 * first, middle and last 8 bytes, mixed; never 0, as a text is not empty.
 * Texts with the same tag are told apart by a compare. */
static uint64_t memo_tag(struct strv part)
{
	uint64_t a = load_upto8(part.p, part.len), b = 0, c = 0;
	if (part.len > 8) {
		b = load64(part.p + part.len - 8);
		c = load64(part.p + (part.len - 8) / 2);
	}
	return (a ^ (b * 0x9E3779B97F4A7C15ull) ^ (c * 0xC2B2AE3D27D4EB4Full)) << 16 | part.len;
}

/* The way holding part's text in set s, or NULL. */
static struct memo_way *memo_find(struct memo_set *s, uint64_t tag, struct strv part)
{
	for (size_t i = 0; i < MEMO_WAYS; i++) {
		if (s->tag[i] == tag && !memcmp(s->w[i].text, part.p, part.len)) {
			s->hit[i] = true;
			return &s->w[i];
		}
	}
	return NULL;
}

/* A new text for set s, its fields unknown yet, in the first unmarked way
 * from the hand on (marks passed are cleared). */
static void memo_text(struct memo_set *s, uint64_t tag, struct strv part)
{
	size_t i = s->hand;
	while (s->hit[i]) {
		s->hit[i] = false;
		i = (i + 1) % MEMO_WAYS;
	}
	s->hand = (uint8_t)((i + 1) % MEMO_WAYS);
	s->tag[i] = tag;
	memcpy(s->w[i].text, part.p, part.len);
	s->w[i].n = MEMO_UNSPLIT;
}

/* The n fields at f split from m's text at part, unless they do not fit or
 * one does not point into it (split()'s own keys "msg", "old-auid"). */
static void memo_fields(struct memo_way *m, struct strv part, const struct field *f, size_t n,
			bool trunc)
{
	if (n > MEMO_FIELDS)
		return;
	for (size_t i = 0; i < n; i++) {
		uintptr_t k = (uintptr_t)f[i].key.p - (uintptr_t)part.p;
		uintptr_t v = (uintptr_t)f[i].val.p - (uintptr_t)part.p;
		if (k > part.len || v > part.len)
			return;
		m->f[i].k = k;
		m->f[i].kl = f[i].key.len;
		m->f[i].v = v;
		m->f[i].vl = f[i].val.len;
	}
	m->n = (uint32_t)n;
	m->trunc = trunc;
}

/* m's fields for its text at p: the offsets plus p, the lengths as they are
 * (on x86-64, one SSE2 add for a key's or value's two words). */
static inline void memo_copy(const struct memo_way *m, const char *p, struct field *out)
{
#if defined(__SSE2__) && defined(__x86_64__)
	_Static_assert(sizeof(m->f[0]) == sizeof(*out) && sizeof(*out) == 32, "a field's four words");
	const __m128i base = _mm_set_epi64x(0, (long long)(uintptr_t)p);
	for (size_t i = 0; i < m->n; i++) {
		const __m128i *in = (const __m128i *)(const void *)&m->f[i];
		__m128i *o = (__m128i *)(void *)&out[i];
		_mm_storeu_si128(o, _mm_add_epi64(_mm_loadu_si128(in), base));
		_mm_storeu_si128(o + 1, _mm_add_epi64(_mm_loadu_si128(in + 1), base));
	}
#else
	for (size_t i = 0; i < m->n; i++)
		out[i] = (struct field){{p + m->f[i].k, m->f[i].kl}, {p + m->f[i].v, m->f[i].vl}};
#endif
}

/* Splits one part of a record, not empty, into fields at out, as many as
 * part_max() allows. */
static inline size_t split_part(struct parsed_event *pe, int type, bool enriched, struct strv part,
				struct field *out)
{
	bool trunc = false;
	struct memo_set *s = NULL;
	struct memo_way *m = NULL;
	uint64_t tag = 0;
	if (part.len <= MEMO_TEXT) {
		s = &memo[((unsigned)type * 2 + enriched) & (MEMO_SETS - 1)];
		tag = memo_tag(part);
		m = memo_find(s, tag, part);
		if (m && m->n != MEMO_UNSPLIT) {
			memo_copy(m, part.p, out);
			pe->fields_truncated |= m->trunc;
			return m->n;
		}
	}
	size_t n = record_fields(part, out, part_max(part.len), &trunc);
	pe->fields_truncated |= trunc;
	if (m)
		memo_fields(m, part, out, n, trunc);
	else if (s)
		memo_text(s, tag, part);
	return n;
}

int event_parse(const struct event *ev, struct parsed_event *pe)
{
	pe->ev = ev;
	pe->nrec = 0;
	pe->nfields = 0;
	pe->fields_truncated = false;
	/* room for every field at once, so fields can be pointed at as they
	 * come; never NULL, even when no record has a field: records point
	 * into it */
	if (grow((void **)&pe->recs, &pe->caprec, ev->nrec, sizeof(*pe->recs), 16) ||
	    grow((void **)&pe->fields, &pe->capfields, ev->maxfields + 1, sizeof(*pe->fields), 256))
		return -1;

	struct field *out = pe->fields;
	for (size_t i = 0; i < ev->nrec; i++) {
		const struct event_rec *er = &ev->recs[i];
		struct parsed_rec *r = &pe->recs[i];
		const char *line = ev->buf + er->off;

		r->hdr = (struct record_hdr){
			.type = er->type,
			.type_name = abs_(line, er->type_name),
			.node = abs_(line, er->node),
			.sec = er->sec,
			.msec = er->msec,
			.serial = er->serial,
			.body = abs_(line, er->body),
			.enriched = abs_(line, er->enriched),
		};
		r->line = (struct strv){line, er->len};
		/* both parts through one call site, which inlines split_part();
		 * an empty part (RAW format, EOE-like records) has no fields */
		for (int e = 0; e < 2; e++) {
			struct strv part = e ? r->hdr.enriched : r->hdr.body;
			size_t n = part.len ? split_part(pe, er->type, e, part, out) : 0;
			if (e) {
				r->efields = out;
				r->nefields = n;
			} else {
				r->fields = out;
				r->nfields = n;
			}
			out += n;
		}
	}
	pe->nrec = ev->nrec;
	pe->nfields = (size_t)(out - pe->fields);
	return 0;
}

void parsed_event_free(struct parsed_event *pe)
{
	free(pe->recs);
	free(pe->fields);
	memset(pe, 0, sizeof(*pe));
}

const struct parsed_rec *event_find(const struct parsed_event *pe, int type)
{
	for (size_t i = 0; i < pe->nrec; i++)
		if (pe->recs[i].hdr.type == type)
			return &pe->recs[i];
	return NULL;
}
