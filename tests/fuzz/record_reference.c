/* The header parser and the field splitter of plugin/record.c as they were
 * before they were made faster (commit c8c7cf5), kept verbatim but for the
 * ref_ prefix as the oracle for differential fuzzing: fuzz_record.c checks
 * that record_parse_header() and record_fields() give exactly what
 * ref_parse_header() and ref_record_fields() give, on every input. Not part
 * of the daemon; included by the harness only. Do not "fix" it: it defines
 * the expected behaviour. (The type number comes from record_type_number()
 * in both: its cache is covered by the unit tests.) */
#include <stdbool.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "record.h"

static bool ref_starts(const char *p, const char *end, const char *lit, size_t n)
{
	return (size_t)(end - p) >= n && !memcmp(p, lit, n);
}

static bool ref_parse_u(const char **pp, const char *end, uint64_t max, uint64_t *out)
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

static int ref_parse_header(const char *line, size_t len, struct record_hdr *h)
{
	const char *p = line, *end = line + len;
	uint64_t v;

	memset(h, 0, sizeof(*h));
	if (ref_starts(p, end, "node=", 5)) {
		p += 5;
		h->node.p = p;
		while (p < end && *p != ' ')
			p++;
		h->node.len = (size_t)(p - h->node.p);
		while (p < end && *p == ' ')
			p++;
	}
	if (!ref_starts(p, end, "type=", 5))
		return -1;
	p += 5;
	h->type_name.p = p;
	while (p < end && *p != ' ')
		p++;
	h->type_name.len = (size_t)(p - h->type_name.p);
	if (h->type_name.len == 0)
		return -1;
	while (p < end && *p == ' ')
		p++;
	if (!ref_starts(p, end, "msg=audit(", 10))
		return -1;
	p += 10;
	if (!ref_parse_u(&p, end, UINT64_MAX / 10, &h->sec) || p >= end || *p++ != '.')
		return -1;
	if (!ref_parse_u(&p, end, 999, &v) || p >= end || *p++ != ':')
		return -1;
	h->msec = (uint32_t)v;
	if (!ref_parse_u(&p, end, UINT32_MAX, &v) || !ref_starts(p, end, "):", 2))
		return -1;
	h->serial = (uint32_t)v;
	p += 2;
	while (p < end && *p == ' ')
		p++;

	const char *sep = memchr(p, RECORD_ENRICHED_SEP, (size_t)(end - p));
	h->body.p = p;
	h->body.len = (size_t)((sep ? sep : end) - p);
	if (sep) {
		h->enriched.p = sep + 1;
		h->enriched.len = (size_t)(end - sep - 1);
	}
	h->type = record_type_number(h->type_name.p, h->type_name.len);
	return 0;
}

/* The first byte in [p, end) that is a or b, or end. Keys and bare values
 * are short but records are long: 16 bytes per step (SSE2) while 16 are
 * left, never reading past end. */
static inline const char *ref_find2(const char *p, const char *end, char a, char b)
{
#ifdef __SSE2__
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
	while (end - p >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned m = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)));
		if (m)
			return p + __builtin_ctz(m);
		p += 16;
	}
#endif
	while (p < end && *p != a && *p != b)
		p++;
	return p;
}

struct ref_splitter {
	struct field *out;
	size_t max, n;
	bool truncated;
};

static void ref_add(struct ref_splitter *s, const char *k, size_t kl, const char *v, size_t vl)
{
	if (s->n == s->max) {
		s->truncated = true;
		return;
	}
	s->out[s->n].key = (struct strv){k, kl};
	s->out[s->n].val = (struct strv){v, vl};
	s->n++;
}

/* The end of a value starting at p: a quoted value runs to its closing quote
 * (auditd hex-encodes values that would contain one), a braced one to '}'. */
static const char *ref_value_end(const char *p, const char *end)
{
	char close = 0;

	if (p < end && (*p == '"' || *p == '\''))
		close = *p;
	else if (p < end && *p == '{')
		close = '}';
	if (close == '\'') {
		/* msg='...': a single quote inside a double-quoted value
		 * (acct="system-property('x')") does not end it */
		bool dq = false;
		for (const char *q = p + 1; q < end; q++) {
			if (*q == '"')
				dq = !dq;
			else if (*q == '\'' && !dq)
				return q + 1;
		}
		for (const char *q = p + 1; q < end; q++) /* unbalanced: the first one */
			if (*q == '\'')
				return q + 1;
		return end; /* cut short (a truncated record): the rest is its text */
	}
	if (close) {
		const char *q = memchr(p + 1, close, (size_t)(end - p - 1));
		if (q)
			return q + 1;
	}
	return ref_find2(p, end, ' ', ' ');
}

static void ref_split(struct ref_splitter *s, const char *p, const char *end, bool nested)
{
	long last_bare = -1; /* the last field added, if its value is bare */
	bool prefix_old = false; /* an "old" word came before the next key */

	while (p < end) {
		if (*p == ' ') /* the usual single separator */
			p++;
		while (p < end && (*p == ' ' || *p == '\n'))
			p++;
		if (p >= end)
			break;
		const char *k = p;
		p = ref_find2(p, end, '=', ' ');
		if (p >= end || *p == ' ') {
			/* a word without '=' */
			if (*k == '{' || *k == '\'' || *k == '"')
				p = ref_value_end(k, end);
			/* inside msg='...', user-space writers put spaces in bare
			 * values ("op=adding user id=1001"): it belongs to the value
			 * before it, which runs on to here */
			/* old PAM messages separate fields with " : " (acct=root : exe=) */
			if (nested && p - k == 1 && *k == ':')
				continue;
			if (nested && last_bare >= 0 && (size_t)last_bare == s->n - 1) {
				struct strv *v = &s->out[last_bare].val;
				v->len = (size_t)(p - v->p);
				continue;
			}
			/* the pre-2.6.3x LOGIN format: "old auid=1 new auid=2 old ses=3
			 * new ses=4"; "new" just goes, "old" renames the next key */
			if (!nested && (size_t)(p - k) == 3 && p < end && p + 1 < end &&
			    p[1] != ' ' && (!memcmp(k, "new", 3) || !memcmp(k, "old", 3))) {
				prefix_old = k[0] == 'o';
				continue;
			}
			ref_add(s, k, 0, k, (size_t)(p - k));
			continue;
		}
		size_t kl = (size_t)(p - k);
		if (prefix_old) {
			prefix_old = false;
			if (kl == 4 && !memcmp(k, "auid", 4)) {
				k = "old-auid";
				kl = 8;
			} else if (kl == 3 && !memcmp(k, "ses", 3)) {
				k = "old-ses";
				kl = 7;
			}
		}
		const char *v = ++p;
		/* most values are bare: up to the next space */
		char c0 = p < end ? *p : ' ';
		bool bare = c0 != '"' && c0 != '\'' && c0 != '{';
		p = bare ? ref_find2(p, end, ' ', ' ') : ref_value_end(v, end);
		size_t vl = (size_t)(p - v);
		if (c0 == '\'' && !nested && kl == 3 && !memcmp(k, "msg", 3)) {
			/* closed, or cut short by truncation */
			size_t inner = vl >= 2 && v[vl - 1] == '\'' ? vl - 2 : vl - 1;
			size_t before = s->n;
			ref_split(s, v + 1, v + 1 + inner, true);
			/* free text inside msg='...': keep the whole text as well */
			for (size_t i = before; i < s->n; i++) {
				if (s->out[i].key.len == 0) {
					ref_add(s, "msg", 3, v + 1, inner);
					break;
				}
			}
			continue;
		}
		size_t before = s->n;
		ref_add(s, k, kl, v, vl);
		/* only a field actually added (not one dropped at max) may run on */
		last_bare = vl && bare && s->n > before ? (long)s->n - 1 : -1;
	}
}

static size_t ref_record_fields(struct strv body, struct field *out, size_t max, bool *truncated)
{
	struct ref_splitter s = {out, max, 0, false};

	ref_split(&s, body.p, body.p + body.len, false);
	if (truncated)
		*truncated = s.truncated;
	return s.n;
}
