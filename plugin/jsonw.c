/* jsonw: a small streaming JSON writer. See jsonw.h for the contract.
 *
 * Every public call works out an upper bound for what it will append, makes
 * room for it once (geometric growth), and then writes through a plain
 * pointer. A string of n bytes never takes more than 6n bytes once escaped
 * (\u00XX is the longest form; U+FFFD is 3 bytes for 1 invalid byte; valid
 * UTF-8 is copied 1:1), so the bound is cheap and exact enough.
 */
#include "jsonw.h"

#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "loadword.h"

/* Smallest buffer we allocate; a typical document is ~730 bytes. */
#define JSONW_MIN_CAP 1024

/* Bytes that can be copied as they are: printable ASCII but '"', '\\' and
 * 0x7f. Everything else (controls, 0x7f, bytes >= 0x80) takes the slow path. */
static const unsigned char plain[256] = {
	[0x20] = 1, [0x21] = 1, /* 0x22 '"' */ [0x23] = 1, [0x24] = 1, [0x25] = 1,
	[0x26] = 1, [0x27] = 1, [0x28] = 1, [0x29] = 1, [0x2a] = 1, [0x2b] = 1,
	[0x2c] = 1, [0x2d] = 1, [0x2e] = 1, [0x2f] = 1, [0x30] = 1, [0x31] = 1,
	[0x32] = 1, [0x33] = 1, [0x34] = 1, [0x35] = 1, [0x36] = 1, [0x37] = 1,
	[0x38] = 1, [0x39] = 1, [0x3a] = 1, [0x3b] = 1, [0x3c] = 1, [0x3d] = 1,
	[0x3e] = 1, [0x3f] = 1, [0x40] = 1, [0x41] = 1, [0x42] = 1, [0x43] = 1,
	[0x44] = 1, [0x45] = 1, [0x46] = 1, [0x47] = 1, [0x48] = 1, [0x49] = 1,
	[0x4a] = 1, [0x4b] = 1, [0x4c] = 1, [0x4d] = 1, [0x4e] = 1, [0x4f] = 1,
	[0x50] = 1, [0x51] = 1, [0x52] = 1, [0x53] = 1, [0x54] = 1, [0x55] = 1,
	[0x56] = 1, [0x57] = 1, [0x58] = 1, [0x59] = 1, [0x5a] = 1, [0x5b] = 1,
	/* 0x5c '\\' */ [0x5d] = 1, [0x5e] = 1, [0x5f] = 1, [0x60] = 1, [0x61] = 1,
	[0x62] = 1, [0x63] = 1, [0x64] = 1, [0x65] = 1, [0x66] = 1, [0x67] = 1,
	[0x68] = 1, [0x69] = 1, [0x6a] = 1, [0x6b] = 1, [0x6c] = 1, [0x6d] = 1,
	[0x6e] = 1, [0x6f] = 1, [0x70] = 1, [0x71] = 1, [0x72] = 1, [0x73] = 1,
	[0x74] = 1, [0x75] = 1, [0x76] = 1, [0x77] = 1, [0x78] = 1, [0x79] = 1,
	[0x7a] = 1, [0x7b] = 1, [0x7c] = 1, [0x7d] = 1, [0x7e] = 1,
};

/* Short escapes; 0 means "use \u00XX". */
static const char short_esc[0x20] = {
	['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
};

static const char hexdig[16] = "0123456789abcdef";

/* Length of a well-formed UTF-8 sequence at s[0..n) (s[0] >= 0x80), or 0 if
 * s[0] does not start one. Unicode 15, table 3-7. */
static inline size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	if (c >= 0xc2 && c <= 0xdf) {
		if (n >= 2 && (s[1] & 0xc0) == 0x80)
			return 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = 0x80, hi = 0xbf;
		if (c == 0xe0)
			lo = 0xa0;      /* overlong */
		else if (c == 0xed)
			hi = 0x9f;      /* surrogates */
		if (n >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80)
			return 3;
	} else if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = 0x80, hi = 0xbf;
		if (c == 0xf0)
			lo = 0x90;      /* overlong */
		else if (c == 0xf4)
			hi = 0x8f;      /* > U+10FFFF */
		if (n >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 &&
		    (s[3] & 0xc0) == 0x80)
			return 4;
	}
	return 0;
}

/* The escaping proper. dst must hold 6 * len bytes.
 *
 * Plain text is checked and copied 16 bytes at a time (SSE2), then a word
 * at a time, the last 1..7 bytes with overlapping loads and stores, so
 * short strings (the common case) cost a couple of branches and no memcpy
 * call. A block holding a special byte is copied up to that byte, which is
 * then escaped. Never reads outside s[0..len). */
static size_t escape_general(char *dst, const unsigned char *s, size_t len)
{
	char *d = dst;
	const unsigned char *end = s + len;

	while (s < end) {
		size_t left = (size_t)(end - s);
#ifdef __SSE2__
		if (left >= 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
			unsigned m = jsonw__special_mask16(x);
			/* dst has room: 6 bytes per input byte left, >= 96 */
			_mm_storeu_si128((__m128i *)(void *)d, x);
			if (!m) {
				d += 16;
				s += 16;
				continue;
			}
			unsigned k = (unsigned)__builtin_ctz(m);
			d += k;
			s += k;
			goto special;
		}
#endif
		if (left >= 8) {
			uint64_t x = load64(s);
			if (!jsonw__word_special(x)) {
				memcpy(d, &x, 8);
				d += 8;
				s += 8;
				continue;
			}
		} else if (!jsonw__word_special(jsonw__tail(s, left))) {
			copy_upto16(d, s, left);
			d += left;
			break;
		}
		/* a special byte within the next 8 */
		while (plain[*s])
			*d++ = (char)*s++;
#ifdef __SSE2__
special:;
#endif
		unsigned char c = *s;
		if (c < 0x80) {
			*d++ = '\\';
			if (c == '"' || c == '\\') {
				*d++ = (char)c;
			} else if (c < 0x20 && short_esc[c]) {
				*d++ = short_esc[c];
			} else {
				d[0] = 'u';
				d[1] = '0';
				d[2] = '0';
				d[3] = hexdig[c >> 4];
				d[4] = hexdig[c & 0xf];
				d += 5;
			}
			s++;
		} else {
			size_t n = utf8_seq(s, (size_t)(end - s));
			if (n) {
				do
					*d++ = (char)*s++;
				while (--n);
			} else {
				d[0] = (char)0xef;
				d[1] = (char)0xbf;
				d[2] = (char)0xbd;
				d += 3;
				s++;
			}
		}
	}
	return (size_t)(d - dst);
}

/* The common case first: a string with nothing to escape is checked with
 * as few SSE2 compares as its length allows (overlapping loads, never past
 * s + len) and copied; anything else goes the general way from the first
 * block holding a special byte. */
static inline __attribute__((always_inline)) size_t
escape_into(char *dst, const unsigned char *s, size_t len)
{
#ifdef __SSE2__
	if (len >= 16) {
		size_t i = 0;
		for (; i + 16 <= len; i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			if (jsonw__special_mask16(x))
				return i + escape_general(dst + i, s + i, len - i);
			_mm_storeu_si128((__m128i *)(void *)(dst + i), x);
		}
		if (i < len) {
			/* the last 16 bytes; those before i are known plain */
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + len - 16));
			if (jsonw__special_mask16(x))
				return i + escape_general(dst + i, s + i, len - i);
			_mm_storeu_si128((__m128i *)(void *)(dst + len - 16), x);
		}
		return len;
	}
	if (len >= 8) {
		uint64_t a = load64(s), b = load64(s + len - 8);
		__m128i x = _mm_set_epi64x((long long)b, (long long)a);
		if (jsonw__special_mask16(x))
			return escape_general(dst, s, len);
		memcpy(dst, &a, 8);
		memcpy(dst + len - 8, &b, 8);
		return len;
	}
	if (len) {
		/* jsonw__tail pads with plain bytes */
		if (jsonw__special1(jsonw__tail(s, len)))
			return escape_general(dst, s, len);
		copy_upto16(dst, s, len);
		return len;
	}
	return 0;
#else
	return escape_general(dst, s, len);
#endif
}

size_t jsonw_escape(char *dst, const char *s, size_t len)
{
	if (!s || !dst)
		return 0;
	return escape_into(dst, (const unsigned char *)s, len);
}

/* ---- buffer */

/* Sticky: the fast paths see no room (lim 0) and the slow ones check failed. */
static void fail(struct jsonw *w)
{
	w->failed = true;
	w->lim = 0;
}

static bool grow(struct jsonw *w, size_t need)
{
	size_t cap = w->cap ? w->cap : JSONW_MIN_CAP;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			cap = need;
			break;
		}
		cap *= 2;
	}
	char *nb = realloc(w->buf, cap);
	if (!nb) {
		fail(w);
		return false;
	}
	w->buf = nb;
	w->cap = w->lim = cap;
	return true;
}

/* Room for n more bytes plus the trailing NUL; returns where to write, or
 * NULL (and the writer is failed). */
static inline char *reserve(struct jsonw *w, size_t n)
{
	if (__builtin_expect(w->failed, 0))
		return NULL;
	if (__builtin_expect(w->len + n + 1 <= w->cap && n < SIZE_MAX / 2, 1))
		return w->buf + w->len;
	if (n > SIZE_MAX - 1 - w->len) {
		fail(w);
		return NULL;
	}
	size_t need = w->len + n + 1;
	if (need > w->cap && !grow(w, need))
		return NULL;
	return w->buf + w->len;
}

/* Bytes written so far end at p: update len and keep the buffer a C string. */
static inline void commit(struct jsonw *w, char *p)
{
	*p = '\0';
	w->len = (size_t)(p - w->buf);
}

/* Commas: after a value, inside a container, the next value or key takes
 * one; after '{', '[' or a key it does not. Top-level values (depth 0)
 * never do: documents are separated by the caller. */
static inline char *put_comma(struct jsonw *w, char *p)
{
	*p = ',';
	return p + w->comma;
}

static inline void value_done(struct jsonw *w)
{
	w->comma = w->depth > 0;
}

/* ---- lifecycle */

void jsonw_init(struct jsonw *w)
{
	memset(w, 0, sizeof(*w));
}

void jsonw_free(struct jsonw *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

void jsonw_reset(struct jsonw *w)
{
	w->len = 0;
	if (w->buf)
		w->buf[0] = '\0';
	w->lim = w->cap;
	w->depth = 0;
	w->failed = false;
	w->comma = false;
}

bool jsonw_failed(const struct jsonw *w)
{
	return w->failed;
}

/* ---- containers */

void jsonw__open(struct jsonw *w, char c)
{
	if (w->failed)
		return;
	if (w->depth < 0 || w->depth >= JSONW_MAX_DEPTH) {
		fail(w);
		return;
	}
	char *p = reserve(w, 2);
	if (!p)
		return;
	p = put_comma(w, p);
	*p++ = c;
	commit(w, p);
	w->depth++;
	w->comma = false;
}

void jsonw__close(struct jsonw *w, char c)
{
	if (w->failed)
		return;
	if (w->depth <= 0 || w->depth > JSONW_MAX_DEPTH) {
		fail(w);
		return;
	}
	char *p = reserve(w, 1);
	if (!p)
		return;
	*p++ = c;
	commit(w, p);
	w->depth--;
	value_done(w);
}

void jsonw__frag(struct jsonw *w, const char *s, size_t n, int open)
{
	if (w->failed || !n)
		return;
	if (w->depth + open < 0 || w->depth + open > JSONW_MAX_DEPTH) {
		fail(w);
		return;
	}
	char *p = reserve(w, n + 1);
	if (!p)
		return;
	p = put_comma(w, p);
	memcpy(p, s, n);
	commit(w, p + n);
	w->depth += open;
	w->comma = jsonw__frag_wants_comma(w, s[n - 1]);
}

char *jsonw__span_begin(struct jsonw *w, size_t bound)
{
	char *p = reserve(w, bound < SIZE_MAX / 2 ? bound + 1 : SIZE_MAX);
	return p ? put_comma(w, p) : NULL;
}

void jsonw__span_fail(struct jsonw *w)
{
	fail(w);
}

/* ---- strings and keys */

/* Bound for an escaped string of len bytes plus `extra` bytes around it;
 * SIZE_MAX when that does not fit in a size_t (reserve() then fails). */
static inline size_t escaped_bound(size_t len, size_t extra)
{
	if (len > (SIZE_MAX - extra) / 6)
		return SIZE_MAX;
	return 6 * len + extra;
}

/* [,]"escaped"[:], for any string: reserves the worst case and escapes. */
static __attribute__((noinline)) void write_quoted(struct jsonw *w, const char *s, size_t len,
						   bool key)
{
	if (!s)
		len = 0;
	char *p;
	/* the worst case fits below lim (no overflow: len is small) */
	if (__builtin_expect(len < 4096 && w->len + 6 * len + 5 <= w->lim, 1))
		p = w->buf + w->len;
	else if (!(p = reserve(w, escaped_bound(len, 4))))
		return;
	p = put_comma(w, p);
	*p++ = '"';
	p += escape_into(p, (const unsigned char *)s, len);
	*p++ = '"';
	if (key) {
		*p++ = ':';
		w->comma = false;
	} else {
		value_done(w);
	}
	commit(w, p);
}

/* Strings shorter than this are checked and copied inline, without
 * escape_into()'s loop: below JSONW_SHORT_MAX as words; with SSE2, up to 31
 * bytes (most paths, executables and actions: "/usr/sbin/useradd") as two
 * overlapping 16-byte blocks. */
#ifdef __SSE2__
#define PLAIN_INLINE_MAX 32
#else
#define PLAIN_INLINE_MAX JSONW_SHORT_MAX
#endif

/* Copies s[0..len) (len < PLAIN_INLINE_MAX) to d if nothing in it needs
 * escaping; false if something does. May store up to 8 bytes past d + len. */
static inline bool copy_short_plain(char *d, const unsigned char *s, size_t len)
{
#ifdef __SSE2__
	if (len >= JSONW_SHORT_MAX) {
		__m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
		__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + len - 16));
		if (jsonw__special_mask16(a) | jsonw__special_mask16(b))
			return false;
		_mm_storeu_si128((__m128i *)(void *)d, a);
		_mm_storeu_si128((__m128i *)(void *)(d + len - 16), b);
		return true;
	}
#endif
	uint64_t a, b;
	jsonw__load_short((const char *)s, len, &a, &b);
	if (jsonw__special2(a, b))
		return false;
	jsonw__store_short(d, a, b, len);
	return true;
}

/* The fast path of [,]"s"[:]; false (nothing written) when s is long, needs
 * escaping, or the buffer lacks room: then write_quoted() does it all. */
static inline __attribute__((always_inline)) bool
quoted_short(struct jsonw *w, const char *s, size_t len, bool key)
{
	/* ',' '"' the text '"' ':' and the NUL (the 8-byte stores of a text
	 * shorter than JSONW_SHORT_MAX end within it) */
	if (!(len < PLAIN_INLINE_MAX && w->len + PLAIN_INLINE_MAX + 4 <= w->lim))
		return false;
	char *p = put_comma(w, w->buf + w->len);
	*p++ = '"';
	if (!copy_short_plain(p, (const unsigned char *)s, len))
		return false;
	p += len;
	*p++ = '"';
	if (key) {
		*p++ = ':';
		w->comma = false;
	} else {
		value_done(w);
	}
	commit(w, p);
	return true;
}

char *jsonw__span_str(char *p, const char *s, size_t len)
{
	*p++ = '"';
	/* jsonw_str_bound() leaves room for copy_short_plain()'s word stores */
	if (len < PLAIN_INLINE_MAX && copy_short_plain(p, (const unsigned char *)s, len))
		p += len;
	else
		p += escape_into(p, (const unsigned char *)s, len);
	*p++ = '"';
	return p;
}

char *jsonw__span_member(char *p, const char *key, size_t klen, const char *s, size_t len)
{
	p = jsonw__span_str(p, key, klen);
	*p++ = ':';
	return jsonw__span_str(p, s, len);
}

/* Long, or something to escape: one piece at a time. */
static __attribute__((noinline)) void member_slow(struct jsonw *w, const char *key, size_t klen,
						  const char *s, size_t len)
{
	jsonw_key(w, key, klen);
	jsonw_string(w, s, len);
}

void jsonw_member(struct jsonw *w, const char *key, size_t klen, const char *s, size_t len)
{
	/* ',' '"' 15 bytes of key '":"' 15 bytes of value '"' and the NUL (the
	 * word stores of shorter ones end within it) */
	if (__builtin_expect(!(key && s && (klen | len) < JSONW_SHORT_MAX &&
			       w->len + 2 * JSONW_SHORT_MAX + 6 <= w->lim), 0))
		return member_slow(w, key, klen, s, len);
	char *p = jsonw__member_short(put_comma(w, w->buf + w->len), key, klen, s, len);
	if (!p)
		return member_slow(w, key, klen, s, len);
	value_done(w);
	commit(w, p);
}

void jsonw_key(struct jsonw *w, const char *key, size_t len)
{
	if (!key || !quoted_short(w, key, len, true))
		write_quoted(w, key, len, true);
}

void jsonw_key_plain(struct jsonw *w, const char *key, size_t len)
{
	char *p = reserve(w, len + 4);
	if (!p)
		return;
	p = put_comma(w, p);
	*p++ = '"';
	memcpy(p, key, len);
	p += len;
	*p++ = '"';
	*p++ = ':';
	w->comma = false;
	commit(w, p);
}

void jsonw_keyz(struct jsonw *w, const char *key)
{
	jsonw_key(w, key, key ? strlen(key) : 0);
}

void jsonw_string(struct jsonw *w, const char *s, size_t len)
{
	if (__builtin_expect(s && quoted_short(w, s, len, false), 1))
		return;
	if (!s)
		jsonw_null(w);
	else
		write_quoted(w, s, len, false);
}


/* ---- scalars */

static const char digit_pairs[201] =
	"00010203040506070809"
	"10111213141516171819"
	"20212223242526272829"
	"30313233343536373839"
	"40414243444546474849"
	"50515253545556575859"
	"60616263646566676869"
	"70717273747576777879"
	"80818283848586878889"
	"90919293949596979899";

/* Writes v's decimal digits ending at end (exclusive), two at a time, in
 * 32 bits once v fits (most numbers do: cheaper divisions); returns where
 * they begin. */
static inline char *put_digits(char *end, uint64_t v)
{
	while (v > UINT32_MAX) {
		end -= 2;
		memcpy(end, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	uint32_t x = (uint32_t)v;
	while (x >= 100) {
		end -= 2;
		memcpy(end, digit_pairs + 2 * (x % 100), 2);
		x /= 100;
	}
	if (x >= 10) {
		end -= 2;
		memcpy(end, digit_pairs + 2 * x, 2);
	} else {
		*--end = (char)('0' + x);
	}
	return end;
}

/* The longest number: '-' and 20 digits. */
#define NUMBER_MAX 21

static void write_number(struct jsonw *w, bool neg, uint64_t mag)
{
	/* formatted backwards into the middle of tmp, then copied as one
	 * fixed-size block (the bytes after the number are overwritten later) */
	char tmp[2 * NUMBER_MAX];
	char *s = put_digits(tmp + NUMBER_MAX, mag);
	if (neg)
		*--s = '-';
	/* ',' the block and the NUL */
	char *p = reserve(w, NUMBER_MAX + 1);
	if (!p)
		return;
	p = put_comma(w, p);
	memcpy(p, s, NUMBER_MAX);
	commit(w, p + (tmp + NUMBER_MAX - s));
	value_done(w);
}

_Static_assert(JSONW_UINT_BOUND == NUMBER_MAX, "jsonw_span_uint() stores a whole block");

char *jsonw_span_uint(char *p, uint64_t v)
{
	char tmp[2 * NUMBER_MAX];
	char *s = put_digits(tmp + NUMBER_MAX, v);
	memcpy(p, s, NUMBER_MAX);
	return p + (tmp + NUMBER_MAX - s);
}

void jsonw_int(struct jsonw *w, int64_t v)
{
	if (v < 0)
		write_number(w, true, (uint64_t)0 - (uint64_t)v);
	else
		write_number(w, false, (uint64_t)v);
}

void jsonw_uint(struct jsonw *w, uint64_t v)
{
	write_number(w, false, v);
}

static void write_literal(struct jsonw *w, const char *lit, size_t n)
{
	char *p = reserve(w, n + 1);
	if (!p)
		return;
	p = put_comma(w, p);
	memcpy(p, lit, n);
	commit(w, p + n);
	value_done(w);
}

void jsonw_bool(struct jsonw *w, bool v)
{
	if (v)
		write_literal(w, "true", 4);
	else
		write_literal(w, "false", 5);
}

void jsonw_null(struct jsonw *w)
{
	write_literal(w, "null", 4);
}

void jsonw_raw(struct jsonw *w, const char *s, size_t len)
{
	if (!s || !len)
		return;
	char *p = reserve(w, len);
	if (!p)
		return;
	memcpy(p, s, len);
	commit(w, p + len);
}
