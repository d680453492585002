/* libFuzzer harness for plugin/jsonw.c.
 *
 * Input layout: byte 0 is a delimiter; the rest is split on it into pieces.
 * Each piece's first byte picks an operation, the remaining bytes are its
 * string. The harness is a well-behaved caller (keys before values inside
 * objects, containers closed in order), so the writer must always produce a
 * document that json-c parses strictly, that is valid UTF-8 and that holds no
 * raw control byte; and each string that was valid UTF-8 must come back from
 * json-c exactly. Any violation aborts.
 *
 * Build and run: README.md, "Fuzzing" (CC=clang cmake -DBUILD_FUZZERS=ON,
 * target fuzzers, ctest -L fuzz: tests/fuzz/run.sh, seeds from tests/data by
 * mkseeds MODE); reproducers that once failed: tests/data/regress/ */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/* The writer is compiled into the harness rather than taken from libecscore:
 * BUILD_FUZZERS instruments only the harness target, and libFuzzer needs
 * coverage (and ASan/UBSan) inside jsonw.c itself. The harness defines every
 * jsonw_* symbol, so the archive's copy is never pulled in. */
#include "jsonw.c"
#include "fuzz_check.h"
#include "../tools/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool utf8_valid(const uint8_t *s, size_t n)
{
	return utf8_invalid_at(s, n) == n;
}

static json_object *parse_all(const char *doc, size_t len)
{
	struct json_tokener *tok = json_tokener_new_ex(JSONW_MAX_DEPTH + 8);
	CHECK(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	json_object *o = json_tokener_parse_ex(tok, doc, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		fprintf(stderr, "json-c: %s at %zu of %zu\n",
			json_tokener_error_desc(json_tokener_get_error(tok)),
			json_tokener_get_parse_end(tok), len);
		abort();
	}
	CHECK(json_tokener_get_parse_end(tok) == len);
	json_tokener_free(tok);
	return o;
}

static void check_output(const struct jsonw *w)
{
	CHECK(!jsonw_failed(w));
	CHECK(w->depth == 0);
	CHECK(w->buf && w->buf[w->len] == '\0');
	CHECK(utf8_valid((const uint8_t *)w->buf, w->len));
	for (size_t i = 0; i < w->len; i++)
		CHECK((uint8_t)w->buf[i] >= 0x20 && (uint8_t)w->buf[i] != 0x7f);
	json_object *o = parse_all(w->buf, w->len);
	CHECK(o);
	json_object_put(o);
}

/* One string alone: jsonw_escape matches the writer, the result is valid
 * UTF-8 within the 6n bound, and valid input round-trips through json-c. */
static void check_string(const uint8_t *s, size_t n)
{
	static struct jsonw one;
	char *esc = malloc(6 * n + 1);
	CHECK(esc);
	size_t e = jsonw_escape(esc, (const char *)s, n);
	CHECK(e <= 6 * n);
	CHECK(utf8_valid((const uint8_t *)esc, e));

	jsonw_reset(&one);
	jsonw_array_begin(&one);
	jsonw_string(&one, (const char *)s, n);
	jsonw_array_end(&one);
	check_output(&one);
	CHECK(one.len == e + 4);
	CHECK(memcmp(one.buf + 2, esc, e) == 0);

	/* the other writers of strings agree: {S:S} by jsonw_member, [S] as
	 * a span */
	jsonw_reset(&one);
	jsonw_object_begin(&one);
	jsonw_member(&one, (const char *)s, n, (const char *)s, n);
	jsonw_object_end(&one);
	check_output(&one);
	CHECK(one.len == 2 * e + 7);
	CHECK(memcmp(one.buf + 2, esc, e) == 0 && memcmp(one.buf + e + 5, esc, e) == 0);

	jsonw_reset(&one);
	char *sp = jsonw_span_begin(&one, jsonw_str_bound(n) + 2);
	CHECK(sp);
	*sp++ = '[';
	sp = jsonw_span_str(sp, (const char *)s, n);
	*sp++ = ']';
	jsonw_span_end(&one, sp, 0);
	check_output(&one);
	CHECK(one.len == e + 4);
	CHECK(memcmp(one.buf + 2, esc, e) == 0);

	/* {S:S} as a span of two strings, checked at once when short */
	jsonw_reset(&one);
	sp = jsonw_span_begin(&one, 2 * jsonw_str_bound(n) + 3);
	CHECK(sp);
	*sp++ = '{';
	sp = jsonw_span_str2(sp, (const char *)s, n, ":", 1, (const char *)s, n);
	*sp++ = '}';
	jsonw_span_end(&one, sp, 0);
	check_output(&one);
	CHECK(one.len == 2 * e + 7);
	CHECK(memcmp(one.buf + 2, esc, e) == 0 && memcmp(one.buf + e + 5, esc, e) == 0);

	/* the same as a member written in a span, at its bound */
	jsonw_reset(&one);
	sp = jsonw_span_begin(&one, jsonw_member_bound(n, n) + 2);
	CHECK(sp);
	*sp++ = '{';
	sp = jsonw_span_member(sp, (const char *)s, n, (const char *)s, n);
	*sp++ = '}';
	jsonw_span_end(&one, sp, 0);
	check_output(&one);
	CHECK(one.len == 2 * e + 7);
	CHECK(memcmp(one.buf + 2, esc, e) == 0 && memcmp(one.buf + e + 5, esc, e) == 0);

	jsonw_reset(&one);
	jsonw_array_begin(&one);
	jsonw_string(&one, (const char *)s, n);
	jsonw_array_end(&one);
	if (utf8_valid(s, n)) {
		json_object *a = parse_all(one.buf, one.len);
		json_object *v = json_object_array_get_idx(a, 0);
		CHECK(json_object_is_type(v, json_type_string));
		CHECK((size_t)json_object_get_string_len(v) == n);
		CHECK(memcmp(json_object_get_string(v), s, n) == 0);
		json_object_put(a);
	}
	free(esc);
}

static uint64_t load_u64(const uint8_t *s, size_t n)
{
	uint64_t v = 0;
	memcpy(&v, s, n < 8 ? n : 8);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct jsonw w; /* reused across inputs, like the daemon does */
	bool in_object[JSONW_MAX_DEPTH + 1];
	int depth = 0;

	if (size < 1)
		return 0;
	uint8_t delim = data[0];
	const uint8_t *p = data + 1, *end = data + size;

	jsonw_reset(&w);
	/* top level: an object or an array, by the delimiter's low bit */
	if (delim & 1) {
		jsonw_object_begin(&w);
		in_object[depth++] = true;
	} else {
		jsonw_array_begin(&w);
		in_object[depth++] = false;
	}

	while (p < end) {
		const uint8_t *q = memchr(p, delim, (size_t)(end - p));
		if (!q)
			q = end;
		uint8_t op = p < q ? p[0] : 0;
		const uint8_t *s = p < q ? p + 1 : p;
		size_t n = (size_t)(q - s);
		p = q < end ? q + 1 : end;

		check_string(s, n);

		if ((op & 7) == 4) {
			/* close, unless that would end the document early */
			if (depth > 1) {
				if (in_object[depth - 1])
					jsonw_object_end(&w);
				else
					jsonw_array_end(&w);
				depth--;
			}
			continue;
		}
		/* every other op writes one value; inside an object, keyed by s */
		if ((op & 15) == 8 && in_object[depth - 1]) {
			jsonw_member(&w, (const char *)s, n, (const char *)s, n);
			continue;
		}
		if (in_object[depth - 1])
			jsonw_key(&w, (const char *)s, n);
		switch (op & 7) {
		case 0:
		case 1:
			jsonw_string(&w, (const char *)s, n);
			break;
		case 2:
		case 3:
			if (depth == JSONW_MAX_DEPTH) {
				/* one level too many: must fail, and stay failed */
				size_t len = w.len;
				if (op & 1)
					jsonw_object_begin(&w);
				else
					jsonw_array_begin(&w);
				CHECK(jsonw_failed(&w));
				CHECK(w.len == len);
				jsonw_string(&w, "x", 1);
				CHECK(w.len == len);
				return 0;
			}
			if (op & 1)
				jsonw_object_begin(&w);
			else
				jsonw_array_begin(&w);
			in_object[depth++] = op & 1;
			break;
		case 5:
			if (op & 8)
				jsonw_uint(&w, load_u64(s, n));
			else
				jsonw_int(&w, (int64_t)load_u64(s, n));
			break;
		case 6:
			jsonw_bool(&w, op & 8);
			break;
		default:
			jsonw_null(&w);
			break;
		}
	}
	while (depth > 0) {
		if (in_object[--depth])
			jsonw_object_end(&w);
		else
			jsonw_array_end(&w);
	}
	check_output(&w);
	return 0;
}
