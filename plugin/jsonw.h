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
char *jsonw_span_begin(struct jsonw *w, size_t bound);
/* "s", escaped like jsonw_string() (s may not be NULL); returns the new end. */
char *jsonw_span_str(char *p, const char *s, size_t len);
void jsonw_span_end(struct jsonw *w, char *p, int open);

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
