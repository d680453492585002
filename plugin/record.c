#include "record.h"

#include <libaudit.h>
#include <string.h>

#include "loadword.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* --- record type names -> numbers, cached ------------------------------- */

#define TYPE_CACHE_SIZE 512 /* power of two; libaudit knows ~250 names */
#define TYPE_NAME_MAX 32

/* A name is looked up by its first 16 bytes as two words (zero past its
 * end), which hold the whole of nearly every name: a hash and a compare of
 * two words, no byte loop. */
struct type_key {
	uint64_t w[2];
};

static struct {
	struct type_key key;
	char name[TYPE_NAME_MAX];
	uint8_t len;
	int type;
} type_cache[TYPE_CACHE_SIZE];

static struct type_key type_key(const char *s, size_t n)
{
	return (struct type_key){{load_upto8(s, n), n > 8 ? load_upto8(s + 8, n - 8) : 0}};
}

static uint32_t type_hash(struct type_key k, size_t n)
{
	return (uint32_t)(((k.w[0] ^ (k.w[1] * 31) ^ n) * 0x9E3779B97F4A7C15ull) >> 40);
}

static int type_from_libaudit(const char *name, size_t len)
{
	char tmp[TYPE_NAME_MAX];
	uint64_t n;

	if (len > 9 && !memcmp(name, "UNKNOWN[", 8) && name[len - 1] == ']')
		return interp_u64(name + 8, len - 9, 10, &n) && n < 65536 ? (int)n : 0;
	/* libaudit reads a C string: a NUL would make it see only a prefix */
	if (memchr(name, 0, len))
		return 0;
	memcpy(tmp, name, len);
	tmp[len] = 0;
	int t = audit_name_to_msg_type(tmp);
	return t > 0 ? t : 0;
}

/* Whether the slot holds a name of len bytes whose first 16 are k's. */
static inline bool type_slot_is(size_t slot, struct type_key k, size_t len)
{
	return type_cache[slot].len == len && type_cache[slot].key.w[0] == k.w[0] &&
	       type_cache[slot].key.w[1] == k.w[1];
}

/* record_type_number()'s search from the name's first slot on, adding it when
 * new: out of line, so that the usual hit needs no registers saved. */
static __attribute__((noinline)) int type_probe(const char *name, size_t len, struct type_key k,
						uint32_t h)
{
	for (uint32_t i = 0; i < 8; i++) {
		size_t slot = (h + i) & (TYPE_CACHE_SIZE - 1);
		if (type_cache[slot].len == 0) {
			int t = type_from_libaudit(name, len);
			type_cache[slot].key = k;
			memcpy(type_cache[slot].name, name, len);
			type_cache[slot].len = (uint8_t)len;
			type_cache[slot].type = t;
			return t;
		}
		if (type_slot_is(slot, k, len) &&
		    (len <= 16 || !memcmp(type_cache[slot].name + 16, name + 16, len - 16)))
			return type_cache[slot].type;
	}
	/* a neighbourhood full of other names (hostile input): no caching */
	return type_from_libaudit(name, len);
}

int record_type_number(const char *name, size_t len)
{
	if (len == 0 || len >= TYPE_NAME_MAX)
		return 0;
	struct type_key k = type_key(name, len);
	uint32_t h = type_hash(k, len);
	size_t slot = h & (TYPE_CACHE_SIZE - 1);
	/* nearly always: a name of at most 16 bytes, in its first slot */
	if (len <= 16 && type_slot_is(slot, k, len))
		return type_cache[slot].type;
	return type_probe(name, len, k, h);
}

/* --- header --------------------------------------------------------------- */

/* The 16 bytes from a type name's start (the name, its space and the start
 * of " msg=audit(") -> the name's length and number: on a hit, neither a
 * search for the space nor a look-up by name. Each key has two slots, its
 * own and the next one, so two frequent keys of one slot do not take turns;
 * an entry is a pure function of its key, so any may be overwritten. */
#define NAME_MEMO_SIZE 256 /* power of two */

static struct name_memo {
	struct type_key key;
	uint32_t len; /* 0: empty */
	int type;
} name_memo[NAME_MEMO_SIZE];

/* The slot holding key k, or NULL; *home is where a new k goes. */
static inline const struct name_memo *name_memo_find(struct type_key k, struct name_memo **home)
{
	size_t s = (size_t)(((k.w[0] ^ (k.w[1] * 31)) * 0x9E3779B97F4A7C15ull) >> 56) &
		   (NAME_MEMO_SIZE - 1);
	for (size_t i = 0; i < 2; i++) {
		const struct name_memo *m = &name_memo[s ^ i];
		if (m->len && m->key.w[0] == k.w[0] && m->key.w[1] == k.w[1])
			return m;
	}
	*home = &name_memo[name_memo[s].len ? s ^ 1 : s];
	return NULL;
}

/* The first byte in [p, end) that is a or b, or end: 16 bytes per step
 * (SSE2) while 16 are left, never reading past end. */
static inline const char *find2(const char *p, const char *end, char a, char b)
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

static bool starts(const char *p, const char *end, const char *lit, size_t n)
{
	return (size_t)(end - p) >= n && !memcmp(p, lit, n);
}

/* How many of the 16 bytes at p are digits before the first that is not
 * (16 if all are). */
static inline unsigned digit_run16(const char *p)
{
#ifdef __SSE2__
	__m128i d = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(const void *)p),
				 _mm_set1_epi8('0'));
	__m128i digit = _mm_cmpeq_epi8(_mm_subs_epu8(d, _mm_set1_epi8(9)), _mm_setzero_si128());
	return (unsigned)__builtin_ctz(~(unsigned)_mm_movemask_epi8(digit));
#else
	unsigned n = 0;
	while (n < 16 && p[n] >= '0' && p[n] <= '9')
		n++;
	return n;
#endif
}

/* The n digits at p (1 <= n <= 8, 8 bytes readable) as a number, SWAR: the
 * digits are shifted to the top, so the bytes below them read as leading
 * zeros, and pairs, quads and then all eight are combined by multiplying. */
static inline uint32_t digits8(const char *p, unsigned n)
{
	uint64_t v = load64(p) << (8 * (8 - n));
	v = (v & 0x0F0F0F0F0F0F0F0Full) * 2561 >> 8;
	v = (v & 0x00FF00FF00FF00FFull) * 6553601 >> 16;
	return (uint32_t)((v & 0x0000FFFF0000FFFFull) * 42949672960001ull >> 32);
}

/* A number of 16 digits or more: digit by digit, stopping at max. */
static bool parse_u_long(const char **pp, const char *end, uint64_t max, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

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

/* The decimal number at *pp, at most max; *pp moves past it. */
static inline bool parse_u(const char **pp, const char *end, uint64_t max, uint64_t *out)
{
	const char *p = *pp, *d = p;
	char tmp[16];

	if (end - p < 16) { /* near the end of the line: from a copy, zeros after */
		memset(tmp, 0, sizeof(tmp));
		memcpy(tmp, p, (size_t)(end - p));
		d = tmp;
	}
	unsigned n = digit_run16(d);
	if (n == 0)
		return false;
	if (n == 16)
		return parse_u_long(pp, end, max, out);
	/* under 16 digits cannot overflow, and the value never shrinks digit by
	 * digit: one check against max at the end */
	uint64_t v = n <= 8 ? digits8(d, n) : digits8(d, n - 8) * 100000000ull + digits8(d + n - 8, 8);
	if (v > max)
		return false;
	*pp = p + n;
	*out = v;
	return true;
}

/* The numbers of "SEC.MSEC:SERIAL):" at *pp, at most their own maximums;
 * *pp moves past the "):". */
static bool parse_stamp(const char **pp, const char *end, struct record_hdr *h)
{
	const char *p = *pp;
	uint64_t v;

	if (!parse_u(&p, end, UINT64_MAX / 10, &h->sec) || p >= end || *p++ != '.')
		return false;
	if (!parse_u(&p, end, 999, &v) || p >= end || *p++ != ':')
		return false;
	h->msec = (uint32_t)v;
	if (!parse_u(&p, end, UINT32_MAX, &v) || !starts(p, end, "):", 2))
		return false;
	h->serial = (uint32_t)v;
	*pp = p + 2;
	return true;
}

/* The last time stamp parsed, as text and numbers: most records follow one
 * of their own event, whose stamp is the same text. Kept when it is 16 to 32
 * bytes long (10-digit seconds and up to 10-digit serials are 17 to 26). */
static struct {
	char text[32];
	size_t len; /* 0: none yet */
	uint64_t sec;
	uint32_t msec, serial;
} last_stamp;

/* Whether the n bytes at a and b are the same, 16 <= n <= 32: four words,
 * the last two overlapping the first two. */
static inline bool same16to32(const char *a, const char *b, size_t n)
{
	return !((load64(a) ^ load64(b)) | (load64(a + 8) ^ load64(b + 8)) |
		 (load64(a + n - 16) ^ load64(b + n - 16)) | (load64(a + n - 8) ^ load64(b + n - 8)));
}

/* The time stamp at *pp: the last one again, or parsed (and kept). */
static inline bool take_stamp(const char **pp, const char *end, struct record_hdr *h)
{
	const char *p = *pp;
	size_t n = last_stamp.len;

	if (n && (size_t)(end - p) >= n && same16to32(p, last_stamp.text, n)) {
		h->sec = last_stamp.sec;
		h->msec = last_stamp.msec;
		h->serial = last_stamp.serial;
		*pp = p + n;
		return true;
	}
	if (!parse_stamp(pp, end, h))
		return false;
	n = (size_t)(*pp - p);
	if (n >= 16 && n <= sizeof(last_stamp.text)) {
		memcpy(last_stamp.text, p, n);
		last_stamp.len = n;
		last_stamp.sec = h->sec;
		last_stamp.msec = h->msec;
		last_stamp.serial = h->serial;
	}
	return true;
}

int record_parse_header(const char *line, size_t len, struct record_hdr *h)
{
	const char *p = line, *end = line + len;

	/* the rest is set on the way (or left when the line is no record) */
	h->node = (struct strv){NULL, 0};
	h->enriched = (struct strv){NULL, 0};
	if (starts(p, end, "node=", 5)) {
		p += 5;
		h->node.p = p;
		p = find2(p, end, ' ', ' ');
		h->node.len = (size_t)(p - h->node.p);
		while (p < end && *p == ' ')
			p++;
	}
	if (!starts(p, end, "type=", 5))
		return -1;
	p += 5;
	h->type_name.p = p;
	/* the name's 16 bytes, if there are 16 */
	struct name_memo *home = NULL;
	struct type_key k = {{0, 0}};
	const struct name_memo *hit = NULL;
	if (end - p >= 16) {
		k = (struct type_key){{load64(p), load64(p + 8)}};
		hit = name_memo_find(k, &home);
	}
	p = hit ? p + hit->len : find2(p, end, ' ', ' ');
	h->type_name.len = (size_t)(p - h->type_name.p);
	if (h->type_name.len == 0)
		return -1;
	while (p < end && *p == ' ')
		p++;
	if (!starts(p, end, "msg=audit(", 10))
		return -1;
	p += 10;
	if (!take_stamp(&p, end, h))
		return -1;
	while (p < end && *p == ' ')
		p++;

	const char *sep = memchr(p, RECORD_ENRICHED_SEP, (size_t)(end - p));
	h->body.p = p;
	h->body.len = (size_t)((sep ? sep : end) - p);
	if (sep) {
		h->enriched.p = sep + 1;
		h->enriched.len = (size_t)(end - sep - 1);
	}
	if (hit) {
		h->type = hit->type;
		return 0;
	}
	h->type = record_type_number(h->type_name.p, h->type_name.len);
	if (home && h->type_name.len < 16)
		*home = (struct name_memo){k, (uint32_t)h->type_name.len, h->type};
	return 0;
}

/* --- fields --------------------------------------------------------------- */

struct splitter {
	struct field *out;
	size_t max, n;
	bool truncated;
};

static void add(struct splitter *s, const char *k, size_t kl, const char *v, size_t vl)
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
static const char *value_end(const char *p, const char *end)
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
	return find2(p, end, ' ', ' ');
}

/* --- the common case: plain fields, a window at a time ------------------- */

/* The marks among 16 bytes, as bits: the bytes that end plain keys and
 * values (' ', '=', '"'), and '\n', which split() takes as a separator. So
 * that two compares find them, every byte up to '"' (0x22) is one: control
 * bytes and '!' are marks that are neither, skipped like '=' in a value. */
static inline unsigned marks16(const char *p)
{
#ifdef __SSE2__
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i low = _mm_cmpeq_epi8(_mm_subs_epu8(x, _mm_set1_epi8('"')), _mm_setzero_si128());
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(low, _mm_cmpeq_epi8(x, _mm_set1_epi8('='))));
#else
	unsigned m = 0;
	for (int i = 0; i < 16; i++)
		m |= (unsigned)((unsigned char)p[i] <= '"' || p[i] == '=') << i;
	return m;
#endif
}

/* The marks in [p, p + n), n <= 64, as bits, never reading past p + n: a
 * short window is read in 16-byte steps, the last one overlapping the one
 * before it, and under 16 bytes from a copy. */
static inline uint64_t marks_window(const char *p, size_t n)
{
	if (n == 64)
		return marks16(p) | (uint64_t)marks16(p + 16) << 16 |
		       (uint64_t)marks16(p + 32) << 32 | (uint64_t)marks16(p + 48) << 48;
	if (n < 16) {
		char tmp[16] = {0};
		memcpy(tmp, p, n);
		return marks16(tmp) & ((1u << n) - 1); /* none in the bytes past n */
	}
	uint64_t m = 0;
	for (size_t o = 0; o < n; o += 16) {
		size_t at = o + 16 <= n ? o : n - 16;
		m |= (uint64_t)marks16(p + at) << at;
	}
	return m;
}

/* The first mark in m that is the byte c, as an address from base, or NULL;
 * the marks before it are dropped from m. */
static inline const char *next_mark(const char *base, uint64_t *m, char c)
{
	for (; *m; *m &= *m - 1) {
		const char *q = base + (unsigned)__builtin_ctzll(*m);
		if (*q == c)
			return q;
	}
	return NULL;
}

/* What the first byte of a value makes it: plain, "quoted", or one that
 * value_end() takes ('quoted' or {braced}). */
enum { VAL_BARE, VAL_DQ, VAL_OTHER };
static const uint8_t value_kind[256] = {['"'] = VAL_DQ, ['\''] = VAL_OTHER, ['{'] = VAL_OTHER};

/* Takes the plain fields from key start p on, the bulk of every record:
 * key=value or key="value", one space apart, found in a 64-byte window of
 * marks with a mark lookup per key and value instead of a search. A value
 * that runs past the window is searched for its end from the window's end;
 * the next window starts at the next key. The fields come out exactly as
 * split() below would make them. Returns where it stopped: p itself when
 * the field there is not plain (split() takes it on), else the end of the
 * last value taken, before its separator. Inlined: for most parts it is all
 * record_fields() does, and a call's setup and exit cost as much as a few
 * fields. */
static inline __attribute__((always_inline)) const char *
plain_fields(struct splitter *s, const char *p, const char *end, long *last_bare)
{
	struct field *f = s->out + s->n, *const first = f, *const fend = s->out + s->max;

	while (f < fend) {
		const char *base = p, *wend = end - p > 64 ? p + 64 : end;
		uint64_t m = marks_window(p, (size_t)(wend - p));
		while (m && f < fend) {
			/* the key: up to '=', its first mark */
			const char *eq = base + (unsigned)__builtin_ctzll(m), *v = eq + 1, *ve;
			if (*eq != '=')
				goto out;
			m &= m - 1;
			int kind = v < end ? value_kind[(unsigned char)*v] : VAL_BARE;
			if (kind == VAL_BARE) {
				ve = next_mark(base, &m, ' ');
				if (!ve) /* it runs past the window (which has no space after v) */
					ve = find2(wend, end, ' ', ' ');
			} else if (kind == VAL_DQ) {
				m &= m - 1; /* the opening quote (none if v is at wend) */
				const char *q = next_mark(base, &m, '"');
				if (!q) { /* past the window (which has no quote after v) */
					const char *from = wend > v ? wend : v + 1;
					q = memchr(from, '"', (size_t)(end - from));
					if (!q)
						goto out; /* unclosed: value_end() decides */
				}
				m &= m - 1;
				ve = q + 1;
			} else {
				goto out;
			}
			*f++ = (struct field){{p, (size_t)(eq - p)}, {v, (size_t)(ve - v)}};
			/* one space, then the next key (a second space or '\n' is a
			 * mark where the key should start: split() takes those) */
			if (ve == end || *ve != ' ')
				goto out;
			m &= m - 1; /* the space, if it is in the window */
			p = ve + 1;
		}
		/* the window's marks are used up: the next window starts at the
		 * key at p, unless this one did (a key of 64 bytes or more) or it
		 * was the last (a word without '='): split() takes those */
		if (wend == end || p == base)
			break;
	}
out:
	if (f == first)
		return p;
	struct strv last = f[-1].val;
	s->n = (size_t)(f - s->out);
	*last_bare = last.len && *last.p != '"' ? (long)s->n - 1 : -1;
	return last.p + last.len;
}

/* last_bare: the last field added, if its value is bare (else -1) */
static void split(struct splitter *s, const char *p, const char *end, bool nested, long last_bare)
{
	bool prefix_old = false; /* an "old" word came before the next key */

	while (p < end) {
		if (*p == ' ') /* the usual single separator */
			p++;
		while (p < end && (*p == ' ' || *p == '\n'))
			p++;
		if (p >= end)
			break;
		/* most fields are plain; the rest of the loop is for the others */
		if (!prefix_old) {
			const char *q = plain_fields(s, p, end, &last_bare);
			if (q != p) {
				p = q;
				continue;
			}
		}
		const char *k = p;
		p = find2(p, end, '=', ' ');
		if (p >= end || *p == ' ') {
			/* a word without '=' */
			if (*k == '{' || *k == '\'' || *k == '"')
				p = value_end(k, end);
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
			add(s, k, 0, k, (size_t)(p - k));
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
		p = bare ? find2(p, end, ' ', ' ') : value_end(v, end);
		size_t vl = (size_t)(p - v);
		if (c0 == '\'' && !nested && kl == 3 && !memcmp(k, "msg", 3)) {
			/* closed, or cut short by truncation */
			size_t inner = vl >= 2 && v[vl - 1] == '\'' ? vl - 2 : vl - 1;
			size_t before = s->n;
			split(s, v + 1, v + 1 + inner, true, -1);
			/* free text inside msg='...': keep the whole text as well */
			for (size_t i = before; i < s->n; i++) {
				if (s->out[i].key.len == 0) {
					add(s, "msg", 3, v + 1, inner);
					break;
				}
			}
			continue;
		}
		size_t before = s->n;
		add(s, k, kl, v, vl);
		/* only a field actually added (not one dropped at max) may run on */
		last_bare = vl && bare && s->n > before ? (long)s->n - 1 : -1;
	}
}

size_t record_fields(struct strv body, struct field *out, size_t max, bool *truncated)
{
	struct splitter s = {out, max, 0, false};
	const char *p = body.p, *end = p + body.len;
	long last_bare = -1;

	/* most bodies are plain fields to their end: split() is for the rest */
	if (p < end)
		p = plain_fields(&s, p, end, &last_bare);
	if (p < end)
		split(&s, p, end, false, last_bare);
	if (truncated)
		*truncated = s.truncated;
	return s.n;
}


