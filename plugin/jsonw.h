/* jsonw: a small streaming JSON writer.
 *
 * Documents are written straight into a growable byte buffer, in order, with
 * no intermediate object model (json-c's costs ~15 us per event; our whole
 * budget is ~2 us). The writer tracks nesting and commas itself, so callers
 * only say what comes next.
 *
 * Strings are escaped strictly and always come out as valid UTF-8:
 *   - '"' and '\\' are backslash-escaped; \b \f \n \r \t use their short forms;
 *     other bytes below 0x20 and 0x7f become \u00XX;
 *   - well-formed UTF-8 sequences (no overlongs, no surrogates, <= U+10FFFF)
 *     are copied as they are;
 *   - every byte that is not part of a well-formed sequence is replaced by
 *     U+FFFD (one replacement per invalid byte), so the output is deterministic.
 *
 * Allocation failure is sticky: the writer stops growing, sets `failed`, and
 * the caller drops the document (jsonw_failed()). Nesting deeper than
 * JSONW_MAX_DEPTH open containers, or closing more than were opened, also sets
 * `failed`. Once failed, every call is a no-op until jsonw_reset().
 *
 * Commas: a value or key gets a preceding ',' when its container already holds
 * something, except a value right after its key. Top-level values (depth 0)
 * never get one, so several documents can share a buffer, separated by
 * jsonw_raw(w, "\n", 1).
 *
 * The output is w->buf[0 .. w->len). buf is NULL until the first write; after
 * that buf[len] is always '\0', so buf can be used as a C string (but a
 * string containing U+0000 is written escaped, so it holds no other NUL).
 * Each call reserves its worst case (6 bytes per string byte) up front, so
 * the buffer may grow beyond what the document needs; it is kept across
 * jsonw_reset().
 */
#ifndef AUDISP_ECS_JSONW_H
#define AUDISP_ECS_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "loadword.h"

#define JSONW_MAX_DEPTH 32

struct jsonw {
	char *buf;
	size_t len;
	size_t cap;
	/* cap while the writer is healthy, 0 once it failed: the inline fast
	 * paths test only this one bound */
	size_t lim;
	int depth;
	bool failed;
	/* the next value or key needs a ',' before it */
	bool comma;
};

void jsonw_init(struct jsonw *w);
void jsonw_free(struct jsonw *w);
/* Forget the content but keep the buffer, for the next document. Also clears
 * `failed` and all nesting state. */
void jsonw_reset(struct jsonw *w);
bool jsonw_failed(const struct jsonw *w);

/* Containers; inline, with the checks and growth out of line. */
void jsonw__open(struct jsonw *w, char c);
void jsonw__close(struct jsonw *w, char c);

static inline void jsonw__open_fast(struct jsonw *w, char c)
{
	if (__builtin_expect(w->len + 3 <= w->lim && (unsigned)w->depth < JSONW_MAX_DEPTH, 1)) {
		char *p = w->buf + w->len;
		*p = ',';
		p += w->comma;
		p[0] = c;
		p[1] = '\0';
		w->len = (size_t)(p + 1 - w->buf);
		w->depth++;
		w->comma = false;
	} else {
		jsonw__open(w, c);
	}
}

static inline void jsonw__close_fast(struct jsonw *w, char c)
{
	if (__builtin_expect(w->len + 2 <= w->lim && w->depth > 0, 1)) {
		w->buf[w->len++] = c;
		w->buf[w->len] = '\0';
		w->depth--;
		w->comma = w->depth > 0;
	} else {
		jsonw__close(w, c);
	}
}

static inline void jsonw_object_begin(struct jsonw *w) { jsonw__open_fast(w, '{'); }
static inline void jsonw_object_end(struct jsonw *w) { jsonw__close_fast(w, '}'); }
static inline void jsonw_array_begin(struct jsonw *w) { jsonw__open_fast(w, '['); }
static inline void jsonw_array_end(struct jsonw *w) { jsonw__close_fast(w, ']'); }

/* An object key; escaped like a string. A NULL key is written as "". */
void jsonw_key(struct jsonw *w, const char *key, size_t len);
/* Same, for a NUL-terminated key (usually a literal). */
void jsonw_keyz(struct jsonw *w, const char *key);
/* A key the caller knows needs no escaping (printable ASCII without '"' or
 * '\\'): copied as it is. For the writer's own literal names, via
 * JSONW_KEY, which also takes the length at compile time: the common case is
 * inlined into a few stores. */
void jsonw_key_plain(struct jsonw *w, const char *key, size_t len);

static inline void jsonw_key_lit(struct jsonw *w, const char *key, size_t len)
{
	/* ',' '"' key '"' ':' and the NUL */
	if (__builtin_expect(w->len + len + 5 <= w->lim, 1)) {
		char *p = w->buf + w->len;
		*p = ',';
		p += w->comma;
		*p++ = '"';
		__builtin_memcpy(p, key, len);
		p += len;
		p[0] = '"';
		p[1] = ':';
		p[2] = '\0';
		w->len = (size_t)(p + 2 - w->buf);
		w->comma = false;
	} else {
		jsonw_key_plain(w, key, len);
	}
}
#define JSONW_KEY(w, lit) jsonw_key_lit((w), "" lit "", sizeof(lit) - 1)

/* A run of JSON the caller composed in advance (usually a literal, via
 * JSONW_FRAG), copied as it is after the comma it may need: the fixed parts
 * of a document go out in one copy instead of key by key. It must be valid
 * where it goes and begin with a key or a value (never a closer); it may end
 * inside containers it opened ("\"user\":{\"id\":") or close some it did
 * not open. open: the containers it opens minus those it closes. Nothing in
 * it is escaped: for the writer's own names and values only. */
void jsonw__frag(struct jsonw *w, const char *s, size_t n, int open);

/* After a run ending in '{', '[' or ':' the next item takes no comma. */
static inline bool jsonw__frag_wants_comma(const struct jsonw *w, char last)
{
	return w->depth > 0 && last != '{' && last != '[' && last != ':';
}

static inline void jsonw_frag(struct jsonw *w, const char *s, size_t n, int open)
{
	/* ',' the run and the NUL */
	if (__builtin_expect(n && w->len + n + 2 <= w->lim &&
				     (unsigned)(w->depth + open) <= JSONW_MAX_DEPTH, 1)) {
		char *p = w->buf + w->len;
		*p = ',';
		p += w->comma;
		__builtin_memcpy(p, s, n);
		p[n] = '\0';
		w->len = (size_t)(p + n - w->buf);
		w->depth += open;
		w->comma = jsonw__frag_wants_comma(w, s[n - 1]);
	} else {
		jsonw__frag(w, s, n, open);
	}
}
#define JSONW_FRAG(w, lit, open) jsonw_frag((w), "" lit "", sizeof(lit) - 1, (open))

/* ---- short strings, checked inline: most are a few plain bytes ("0",
 * "root"), and the spans below take them without a call. */

/* SWAR: does the 8-byte word hold any byte that needs escaping (below
 * 0x20, '"', '\\', 0x7f or >= 0x80)? Exact as a yes/no answer: each term is
 * the classic has-zero / has-less-than test, which borrows only past a byte
 * that really matches, so a word of plain bytes never says yes (the
 * escaping relies on that: after a yes it scans bytewise, unbounded, for the
 * special byte). It does not say where. */
static inline bool jsonw__word_special(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t q = x ^ (ones * '"');
	uint64_t b = x ^ (ones * '\\');
	uint64_t d = x ^ (ones * 0x7f);
	uint64_t t = ((x - ones * 0x20) & ~x)     /* byte < 0x20 (or >= 0x80) */
		| ((q - ones) & ~q)               /* byte == '"' */
		| ((b - ones) & ~b)               /* byte == '\\' */
		| ((d - ones) & ~d)               /* byte == 0x7f */
		| x;                              /* byte >= 0x80 */
	return (t & highs) != 0;
}

#ifdef __SSE2__
/* Bit i set when s[i] (of 16) needs escaping. Adding 1 turns 0x7f into
 * 0x80, so one signed compare with 0x21 is true for controls, 0x7f and every
 * byte >= 0x80 at once. */
static inline unsigned jsonw__special_mask16(__m128i x)
{
	__m128i lt = _mm_cmpgt_epi8(_mm_set1_epi8(0x21), _mm_add_epi8(x, _mm_set1_epi8(1)));
	__m128i q = _mm_cmpeq_epi8(x, _mm_set1_epi8('"'));
	__m128i b = _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'));
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(lt, _mm_or_si128(q, b)));
}
#endif

/* Does the word hold a byte that needs escaping? */
static inline bool jsonw__special1(uint64_t x)
{
#ifdef __SSE2__
	return jsonw__special_mask16(_mm_cvtsi64_si128((long long)x)) & 0xff;
#else
	return jsonw__word_special(x);
#endif
}

/* Does either word hold a byte that needs escaping? */
static inline bool jsonw__special2(uint64_t a, uint64_t b)
{
#ifdef __SSE2__
	return jsonw__special_mask16(_mm_set_epi64x((long long)b, (long long)a)) != 0;
#else
	return jsonw__word_special(a) || jsonw__word_special(b);
#endif
}

/* The k (0..7) bytes at s as a little-endian word, without reading past
 * them. The unused high bytes are padded with 'a' so that they look plain. */
static inline uint64_t jsonw__tail(const void *s, size_t k)
{
	return load_upto8(s, k) | (0x6161616161616161ULL & (~0ULL << (8 * k)));
}

/* "x" for a word loaded by jsonw__tail (len < 8) at p; returns the new end.
 * Stores up to 10 bytes from p. */
static inline char *jsonw__put_word(char *p, uint64_t x, size_t len)
{
	p[0] = '"';
	memcpy(p + 1, &x, 8);
	p[len + 1] = '"';
	return p + len + 2;
}

/* In-place runs, for members whose shape is fixed but which hold strings
 * (an ECS user: "user":{"id":"..","name":".."}): one reservation and one
 * commit for the whole run instead of one per piece.
 *   char *p = jsonw_span_begin(w, bound);  (NULL once failed: skip the run)
 *   copy fixed pieces to p; p = jsonw_span_str(p, s, len) for strings;
 *   jsonw_span_end(w, p, open);
 * bound must cover every piece: its length for a fixed one,
 * jsonw_str_bound(len) for a string. The run follows jsonw_frag()'s rules
 * (valid where it goes, begins with a key or a value; open as there). */
static inline size_t jsonw_str_bound(size_t len)
{
	/* the quotes, 6 bytes per byte escaped and 8 to spare for word stores;
	 * saturates far below SIZE_MAX, so a few bounds add up without
	 * overflowing and an impossible one fails the reservation */
	return len < SIZE_MAX / 64 ? 6 * len + 10 : SIZE_MAX / 8;
}

char *jsonw__span_begin(struct jsonw *w, size_t bound);

static inline char *jsonw_span_begin(struct jsonw *w, size_t bound)
{
	/* the comma, the run and the NUL */
	if (__builtin_expect(bound < 4096 && w->len + bound + 2 <= w->lim, 1)) {
		char *p = w->buf + w->len;
		*p = ',';
		return p + w->comma;
	}
	return jsonw__span_begin(w, bound);
}

/* The general case of jsonw_span_str(). */
char *jsonw__span_str(char *p, const char *s, size_t len);

/* "s", escaped like jsonw_string() (s may not be NULL); returns the new end.
 * Up to 16 plain bytes (most values: "0", "x86_64", "7fffd08f0420") are
 * loaded as one or two words, checked at once and stored whole. */
static inline char *jsonw_span_str(char *p, const char *s, size_t len)
{
	uint64_t a, b;
	if (len < 8) {
		if (!jsonw__special1(a = jsonw__tail(s, len)))
			return jsonw__put_word(p, a, len);
	} else if (len <= 16) {
		a = load64(s);
		b = load64(s + len - 8);
		if (!jsonw__special2(a, b)) {
			p[0] = '"';
			memcpy(p + 1, &a, 8);
			memcpy(p + len - 7, &b, 8);
			p[len + 1] = '"';
			return p + len + 2;
		}
	}
	return jsonw__span_str(p, s, len);
}

/* "s", the fixed run mid (usually a literal: inline, its copy is a few
 * stores), then "t": two strings checked at once when both are short (an
 * id and its name). */
static inline char *jsonw_span_str2(char *p, const char *s, size_t slen, const char *mid,
				    size_t mlen, const char *t, size_t tlen)
{
	if ((slen | tlen) < 8) {
		uint64_t a = jsonw__tail(s, slen), b = jsonw__tail(t, tlen);
		if (!jsonw__special2(a, b)) {
			p = jsonw__put_word(p, a, slen);
			memcpy(p, mid, mlen);
			return jsonw__put_word(p + mlen, b, tlen);
		}
	}
	p = jsonw__span_str(p, s, slen);
	memcpy(p, mid, mlen);
	return jsonw__span_str(p + mlen, t, tlen);
}

/* Most keys and values are short and plain ("0", "root", "x86_64"). Below
 * this length they are loaded as one or two words, checked at once and
 * stored whole. */
#define JSONW_SHORT_MAX 16

/* s[0..len) (len < JSONW_SHORT_MAX) as two words: a, and b ending at
 * s + len (the same word below 8 bytes, padded with plain bytes). */
static inline void jsonw__load_short(const char *s, size_t len, uint64_t *a, uint64_t *b)
{
	if (len >= 8) {
		*a = load64(s);
		*b = load64(s + len - 8);
	} else {
		*a = *b = jsonw__tail(s, len); /* len 0 too: all padding */
	}
}

/* Stores what jsonw__load_short() loaded at d; returns d + len. May store
 * up to 8 bytes past d + len. */
static inline char *jsonw__store_short(char *d, uint64_t a, uint64_t b, size_t len)
{
	memcpy(d, &a, 8);
	if (len >= 8)
		memcpy(d + len - 8, &b, 8);
	return d + len;
}

/* Room for jsonw_span_member(), with a comma before it. */
static inline size_t jsonw_member_bound(size_t klen, size_t len)
{
	return 2 + jsonw_str_bound(klen) + jsonw_str_bound(len);
}

/* The general case of jsonw_span_member(). */
char *jsonw__span_member(char *p, const char *key, size_t klen, const char *s, size_t len);

/* "key":"s" when both are shorter than JSONW_SHORT_MAX and plain: loaded
 * as words, checked at once and stored whole; returns the new end. NULL
 * (nothing but scratch written) when something needs escaping. */
static inline char *jsonw__member_short(char *p, const char *key, size_t klen, const char *s,
					size_t len)
{
	uint64_t ka, kb, va, vb;
	jsonw__load_short(key, klen, &ka, &kb);
	jsonw__load_short(s, len, &va, &vb);
	if (jsonw__special2(ka, va) || ((klen | len) >= 8 && jsonw__special2(kb, vb)))
		return NULL;
	*p = '"';
	p = jsonw__store_short(p + 1, ka, kb, klen);
	memcpy(p, "\":\"", 3);
	p = jsonw__store_short(p + 3, va, vb, len);
	*p = '"';
	return p + 1;
}

/* "key":"s", both escaped like jsonw_member() (neither may be NULL);
 * returns the new end. The short plain case inline, for loops that write
 * many members into one span. */
static inline char *jsonw_span_member(char *p, const char *key, size_t klen, const char *s,
				      size_t len)
{
	char *q;
	if ((klen | len) < JSONW_SHORT_MAX && (q = jsonw__member_short(p, key, klen, s, len)))
		return q;
	return jsonw__span_member(p, key, klen, s, len);
}

/* Room for jsonw_span_uint(). */
#define JSONW_UINT_BOUND 21

/* v's decimal digits at p; returns the new end. Stores JSONW_UINT_BOUND
 * bytes (the span's bound must cover them). */
char *jsonw_span_uint(char *p, uint64_t v);

void jsonw__span_fail(struct jsonw *w);

static inline void jsonw_span_end(struct jsonw *w, char *p, int open)
{
	if (__builtin_expect((unsigned)(w->depth + open) > JSONW_MAX_DEPTH, 0))
		return jsonw__span_fail(w);
	*p = '\0';
	w->len = (size_t)(p - w->buf);
	w->depth += open;
	w->comma = jsonw__frag_wants_comma(w, p[-1]);
}

/* Drops a span begun (not NULL) and not ended: nothing of it stays. */
static inline void jsonw_span_cancel(struct jsonw *w)
{
	w->buf[w->len] = '\0';
}

/* A key and its string value, both escaped: jsonw_key() then
 * jsonw_string(), in one call (most members are short strings). */
void jsonw_member(struct jsonw *w, const char *key, size_t klen, const char *s, size_t len);

/* A NULL s is written as null. Embedded NULs are fine with the explicit
 * length (they become \u0000). */
void jsonw_string(struct jsonw *w, const char *s, size_t len);
/* Inline, so a literal's length is taken at compile time. */
static inline void jsonw_stringz(struct jsonw *w, const char *s)
{
	jsonw_string(w, s, s ? __builtin_strlen(s) : 0);
}
void jsonw_int(struct jsonw *w, int64_t v);
void jsonw_uint(struct jsonw *w, uint64_t v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);

/* Appends bytes verbatim (e.g. the newline after a document). The caller
 * guarantees they keep the output valid. Does not touch the comma/nesting
 * state: no comma is inserted before them and none is implied after. */
void jsonw_raw(struct jsonw *w, const char *s, size_t len);

/* Escapes s into dst like jsonw_string's body (no quotes). Returns the number
 * of bytes written; dst must hold at least 6 * len bytes. For other modules
 * that need JSON-safe text without a writer. No NUL terminator is written. */
size_t jsonw_escape(char *dst, const char *s, size_t len);

#endif
