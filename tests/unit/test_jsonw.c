/* Tests for plugin/jsonw.c: exact output for hand-written cases, plus a
 * property test checking random byte strings against json-c, an independent
 * UTF-8 validator and an independent reference escaper. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonw.h"
#include "../tools/utf8.h"

/* ------------------------------------------------------------------ helpers */

/* test_allocation_failure makes realloc fail on purpose; under AddressSanitizer
 * (cmake -DSANITIZE=ON) that must return NULL rather than abort. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JSONW_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(JSONW_TEST_ASAN)
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}
#endif

#define FFFD "\xef\xbf\xbd"

static int setup(void **state)
{
	struct jsonw *w = malloc(sizeof(*w));
	if (!w)
		return -1;
	jsonw_init(w);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct jsonw *w = *state;
	jsonw_free(w);
	free(w);
	return 0;
}

/* The writer's output is exactly `expected` (a C string: outputs never hold a
 * raw NUL, since U+0000 is escaped). */
static void expect_out(const struct jsonw *w, const char *expected)
{
	assert_false(jsonw_failed(w));
	assert_non_null(w->buf);
	assert_string_equal(w->buf, expected);
	assert_int_equal(w->len, strlen(expected));
}

/* Writes the n bytes at s as a top-level string and checks the output is
 * exactly "expected" (quotes added here), and that jsonw_escape agrees. */
static void check_string(struct jsonw *w, const char *s, size_t n, const char *expected_body)
{
	char want[4096];
	snprintf(want, sizeof(want), "\"%s\"", expected_body);
	jsonw_reset(w);
	jsonw_string(w, s, n);
	expect_out(w, want);

	char *dst = malloc(6 * n + 1);
	assert_non_null(dst);
	size_t m = jsonw_escape(dst, s, n);
	assert_int_equal(m, strlen(expected_body));
	assert_memory_equal(dst, expected_body, m);
	free(dst);
}

#define CHECK_LIT(w, lit, expected) check_string((w), (lit), sizeof(lit) - 1, (expected))

/* ---------------------------------------------------- nesting and commas */

static void test_empty_containers(void **state)
{
	struct jsonw *w = *state;

	jsonw_object_begin(w);
	jsonw_object_end(w);
	expect_out(w, "{}");

	jsonw_reset(w);
	jsonw_array_begin(w);
	jsonw_array_end(w);
	expect_out(w, "[]");

	jsonw_reset(w);
	jsonw_object_begin(w);
	jsonw_keyz(w, "o");
	jsonw_object_begin(w);
	jsonw_object_end(w);
	jsonw_keyz(w, "a");
	jsonw_array_begin(w);
	jsonw_array_end(w);
	jsonw_keyz(w, "aa");
	jsonw_array_begin(w);
	jsonw_array_begin(w);
	jsonw_array_end(w);
	jsonw_object_begin(w);
	jsonw_object_end(w);
	jsonw_array_begin(w);
	jsonw_array_end(w);
	jsonw_array_end(w);
	jsonw_object_end(w);
	expect_out(w, "{\"o\":{},\"a\":[],\"aa\":[[],{},[]]}");
	assert_int_equal(w->depth, 0);
}

static void test_nesting_commas(void **state)
{
	struct jsonw *w = *state;

	jsonw_object_begin(w);
	jsonw_keyz(w, "a");
	jsonw_array_begin(w);
	jsonw_object_begin(w);
	jsonw_keyz(w, "b");
	jsonw_int(w, 1);
	jsonw_keyz(w, "c");
	jsonw_stringz(w, "x");
	jsonw_object_end(w);
	jsonw_object_begin(w);
	jsonw_object_end(w);
	jsonw_object_begin(w);
	jsonw_keyz(w, "d");
	jsonw_array_begin(w);
	jsonw_int(w, 1);
	jsonw_int(w, 2);
	jsonw_array_begin(w);
	jsonw_array_end(w);
	jsonw_null(w);
	jsonw_array_end(w);
	jsonw_object_end(w);
	jsonw_bool(w, true);
	jsonw_array_end(w);
	jsonw_keyz(w, "e");
	jsonw_object_begin(w);
	jsonw_keyz(w, "f");
	jsonw_bool(w, false);
	jsonw_keyz(w, "g");
	jsonw_uint(w, 7);
	jsonw_object_end(w);
	jsonw_keyz(w, "h");
	jsonw_null(w);
	jsonw_object_end(w);
	expect_out(w, "{\"a\":[{\"b\":1,\"c\":\"x\"},{},{\"d\":[1,2,[],null]},true],"
		      "\"e\":{\"f\":false,\"g\":7},\"h\":null}");
	assert_int_equal(w->depth, 0);
}

static void test_array_of_scalars(void **state)
{
	struct jsonw *w = *state;

	jsonw_array_begin(w);
	jsonw_stringz(w, "a");
	jsonw_string(w, "bc", 2);
	jsonw_string(w, "", 0);
	jsonw_int(w, -3);
	jsonw_uint(w, 4);
	jsonw_bool(w, true);
	jsonw_bool(w, false);
	jsonw_null(w);
	jsonw_array_end(w);
	expect_out(w, "[\"a\",\"bc\",\"\",-3,4,true,false,null]");
}

/* Documents at the top level are not comma-separated: the caller separates
 * them with jsonw_raw(). jsonw_raw never adds commas either. */
static void test_top_level_and_raw(void **state)
{
	struct jsonw *w = *state;

	jsonw_object_begin(w);
	jsonw_keyz(w, "a");
	jsonw_int(w, 1);
	jsonw_object_end(w);
	jsonw_raw(w, "\n", 1);
	jsonw_object_begin(w);
	jsonw_keyz(w, "b");
	jsonw_int(w, 2);
	jsonw_object_end(w);
	jsonw_raw(w, "\n", 1);
	expect_out(w, "{\"a\":1}\n{\"b\":2}\n");

	/* raw bytes go in verbatim, escapes and all */
	jsonw_reset(w);
	static const char raw[] = "{\"x\":\"\\u00e9\x01\"";
	jsonw_raw(w, raw, sizeof(raw) - 1);
	jsonw_raw(w, "", 0);
	jsonw_raw(w, NULL, 3);
	expect_out(w, "{\"x\":\"\\u00e9\x01\"");
}

static void test_keys_escaped(void **state)
{
	struct jsonw *w = *state;

	jsonw_object_begin(w);
	jsonw_key(w, "a\"b\\c\n\x01\x7f", 8);
	jsonw_int(w, 1);
	jsonw_key(w, "k\0z", 3);
	jsonw_int(w, 2);
	jsonw_key(w, "\xff\xc3\xa9", 3);
	jsonw_int(w, 3);
	jsonw_keyz(w, "plain.key_1");
	jsonw_int(w, 4);
	jsonw_key(w, "ignored-tail", 7);
	jsonw_int(w, 5);
	jsonw_object_end(w);
	expect_out(w, "{\"a\\\"b\\\\c\\n\\u0001\\u007f\":1,\"k\\u0000z\":2,\"" FFFD "\xc3\xa9\":3,"
		      "\"plain.key_1\":4,\"ignored\":5}");
}

/* NULL strings and keys do not crash: a NULL value is null, a NULL key "". */
static void test_null_pointers(void **state)
{
	struct jsonw *w = *state;

	jsonw_object_begin(w);
	jsonw_keyz(w, NULL);
	jsonw_stringz(w, NULL);
	jsonw_key(w, NULL, 5);
	jsonw_string(w, NULL, 5);
	jsonw_object_end(w);
	expect_out(w, "{\"\":null,\"\":null}");
	assert_int_equal(jsonw_escape(NULL, "x", 1), 0);
}

/* ----------------------------------------------------------------- escapes */

static void test_escape_classes(void **state)
{
	struct jsonw *w = *state;

	CHECK_LIT(w, "", "");
	CHECK_LIT(w, "hello, world", "hello, world");
	CHECK_LIT(w, "\"", "\\\"");
	CHECK_LIT(w, "\\", "\\\\");
	CHECK_LIT(w, "/", "/");
	CHECK_LIT(w, "\b\f\n\r\t", "\\b\\f\\n\\r\\t");
	CHECK_LIT(w, "\0", "\\u0000");
	CHECK_LIT(w, "\x01\x07\x0b\x0e\x1b\x1f", "\\u0001\\u0007\\u000b\\u000e\\u001b\\u001f");
	CHECK_LIT(w, "\x7f", "\\u007f");
	CHECK_LIT(w, " ~", " ~");
	CHECK_LIT(w, "a\"b\\c\td\x7f" "e\x00" "f", "a\\\"b\\\\c\\td\\u007fe\\u0000f");
	/* long runs around specials exercise the word-at-a-time scan */
	CHECK_LIT(w, "0123456789abcdef\"0123456789abcdef",
		  "0123456789abcdef\\\"0123456789abcdef");
	CHECK_LIT(w, "0123456\n89abcdef0123456789abcde\\", "0123456\\n89abcdef0123456789abcde\\\\");
	CHECK_LIT(w, "/usr/bin/sudo -u root /bin/sh -c 'id'\x1f",
		  "/usr/bin/sudo -u root /bin/sh -c 'id'\\u001f");
}

/* Every single byte, against a table written out by hand here. */
static void test_every_single_byte(void **state)
{
	struct jsonw *w = *state;

	for (int c = 0; c < 256; c++) {
		char in = (char)c;
		char want[16];
		switch (c) {
		case '"': strcpy(want, "\\\""); break;
		case '\\': strcpy(want, "\\\\"); break;
		case '\b': strcpy(want, "\\b"); break;
		case '\f': strcpy(want, "\\f"); break;
		case '\n': strcpy(want, "\\n"); break;
		case '\r': strcpy(want, "\\r"); break;
		case '\t': strcpy(want, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				snprintf(want, sizeof(want), "\\u%04x", (unsigned)c);
			else if (c < 0x7f)
				snprintf(want, sizeof(want), "%c", c);
			else
				strcpy(want, FFFD); /* no byte >= 0x80 is a sequence alone */
		}
		check_string(w, &in, 1, want);
		/* and the same byte in the middle of a long plain run */
		char in2[40], want2[64];
		memset(in2, 'x', sizeof(in2));
		in2[20] = in;
		snprintf(want2, sizeof(want2), "xxxxxxxxxxxxxxxxxxxx%sxxxxxxxxxxxxxxxxxxx", want);
		check_string(w, in2, sizeof(in2), want2);
	}
}

static void test_valid_utf8_passthrough(void **state)
{
	struct jsonw *w = *state;

	/* 2-byte: U+0080, U+00E9, U+07FF */
	CHECK_LIT(w, "\xc2\x80", "\xc2\x80");
	CHECK_LIT(w, "caf\xc3\xa9", "caf\xc3\xa9");
	CHECK_LIT(w, "\xdf\xbf", "\xdf\xbf");
	/* 3-byte: U+0800, U+20AC, U+D7FF, U+E000, U+FFFD, U+FFFF, U+2028, U+2029 */
	CHECK_LIT(w, "\xe0\xa0\x80", "\xe0\xa0\x80");
	CHECK_LIT(w, "\xe2\x82\xac" "5", "\xe2\x82\xac" "5");
	CHECK_LIT(w, "\xed\x9f\xbf", "\xed\x9f\xbf");
	CHECK_LIT(w, "\xee\x80\x80", "\xee\x80\x80");
	CHECK_LIT(w, FFFD, FFFD);
	CHECK_LIT(w, "\xef\xbf\xbf", "\xef\xbf\xbf");
	CHECK_LIT(w, "\xe2\x80\xa8\xe2\x80\xa9", "\xe2\x80\xa8\xe2\x80\xa9");
	/* 4-byte: U+10000, U+1F600, U+10FFFF */
	CHECK_LIT(w, "\xf0\x90\x80\x80", "\xf0\x90\x80\x80");
	CHECK_LIT(w, "a\xf0\x9f\x98\x80" "b", "a\xf0\x9f\x98\x80" "b");
	CHECK_LIT(w, "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");
	/* mixed, with escapes between */
	CHECK_LIT(w, "\xd0\x9f\xd1\x80\xd0\xb8\n\xe4\xb8\xad\"\xf0\x9f\x8e\x89",
		  "\xd0\x9f\xd1\x80\xd0\xb8\\n\xe4\xb8\xad\\\"\xf0\x9f\x8e\x89");
}

static void test_invalid_utf8(void **state)
{
	struct jsonw *w = *state;

	/* overlong 2-byte (C0, C1 leads) */
	CHECK_LIT(w, "\xc0\xaf", FFFD FFFD);
	CHECK_LIT(w, "\xc1\xbf", FFFD FFFD);
	CHECK_LIT(w, "\xc0\x80", FFFD FFFD);
	/* overlong 3-byte */
	CHECK_LIT(w, "\xe0\x80\xaf", FFFD FFFD FFFD);
	CHECK_LIT(w, "\xe0\x9f\xbf", FFFD FFFD FFFD);
	/* overlong 4-byte */
	CHECK_LIT(w, "\xf0\x80\x80\xaf", FFFD FFFD FFFD FFFD);
	CHECK_LIT(w, "\xf0\x8f\xbf\xbf", FFFD FFFD FFFD FFFD);
	/* surrogates, alone and as a CESU-8 pair */
	CHECK_LIT(w, "\xed\xa0\x80", FFFD FFFD FFFD);
	CHECK_LIT(w, "\xed\xbf\xbf", FFFD FFFD FFFD);
	CHECK_LIT(w, "\xed\xa0\xbd\xed\xb8\x80", FFFD FFFD FFFD FFFD FFFD FFFD);
	/* beyond U+10FFFF */
	CHECK_LIT(w, "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);
	CHECK_LIT(w, "\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD);
	CHECK_LIT(w, "\xf7\xbf\xbf\xbf", FFFD FFFD FFFD FFFD);
	CHECK_LIT(w, "\xf8\x88\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD);
	CHECK_LIT(w, "\xfc\x84\x80\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD FFFD);
	/* lone continuation bytes */
	CHECK_LIT(w, "\x80", FFFD);
	CHECK_LIT(w, "\xbf", FFFD);
	CHECK_LIT(w, "a\x80" "b", "a" FFFD "b");
	CHECK_LIT(w, "\xc3\xa9\xa9", "\xc3\xa9" FFFD);
	CHECK_LIT(w, "\xf0\x9f\x98\x80\x80", "\xf0\x9f\x98\x80" FFFD);
	/* truncated at the end of the string */
	CHECK_LIT(w, "\xc3", FFFD);
	CHECK_LIT(w, "a\xe2\x82", "a" FFFD FFFD);
	CHECK_LIT(w, "\xf0\x9f\x98", FFFD FFFD FFFD);
	CHECK_LIT(w, "\xf0\x9f", FFFD FFFD);
	/* truncated in the middle: the next byte is not a continuation */
	CHECK_LIT(w, "\xe2\x82" "a", FFFD FFFD "a");
	CHECK_LIT(w, "\xc3\"", FFFD "\\\"");
	CHECK_LIT(w, "\xf0\x9f\x98\n", FFFD FFFD FFFD "\\n");
	CHECK_LIT(w, "\xe2\xc3\xa9", FFFD "\xc3\xa9");
	/* bytes never valid in UTF-8 */
	CHECK_LIT(w, "\xfe", FFFD);
	CHECK_LIT(w, "\xff", FFFD);
	CHECK_LIT(w, "\xfe\xff\xfe\xff", FFFD FFFD FFFD FFFD);
	CHECK_LIT(w, "x\xff" "y\xfe" "z", "x" FFFD "y" FFFD "z");
	/* truncation must not read past len: the continuation lies beyond it */
	check_string(w, "\xc3\xa9", 1, FFFD);
	check_string(w, "\xf0\x9f\x98\x80", 3, FFFD FFFD FFFD);
}

/* jsonw_escape on its own: no quotes, no NUL, exactly 6n for all-controls. */
static void test_escape_function(void **state)
{
	(void)state;
	char dst[64];

	memset(dst, '#', sizeof(dst));
	assert_int_equal(jsonw_escape(dst, "a\"\x01", 3), 9);
	assert_memory_equal(dst, "a\\\"\\u0001", 9);
	assert_int_equal(dst[9], '#');

	assert_int_equal(jsonw_escape(dst, "", 0), 0);
	assert_int_equal(jsonw_escape(dst, "\x01\x02\x03\x04\x05\x06\x07\x0e\x0f\x10", 10), 60);
	assert_memory_equal(dst, "\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\u000e\\u000f\\u0010", 60);
}

/* ----------------------------------------------------------------- numbers */

static void test_integers(void **state)
{
	struct jsonw *w = *state;

	jsonw_array_begin(w);
	jsonw_int(w, 0);
	jsonw_int(w, -1);
	jsonw_int(w, 9);
	jsonw_int(w, 10);
	jsonw_int(w, -99);
	jsonw_int(w, 100);
	jsonw_int(w, INT64_MAX);
	jsonw_int(w, INT64_MIN);
	jsonw_int(w, INT64_MIN + 1);
	jsonw_uint(w, 0);
	jsonw_uint(w, 4294967295u);
	jsonw_uint(w, 4294967296u);
	jsonw_uint(w, UINT64_MAX);
	jsonw_uint(w, (uint64_t)INT64_MAX + 1);
	jsonw_array_end(w);
	expect_out(w, "[0,-1,9,10,-99,100,9223372036854775807,-9223372036854775808,"
		      "-9223372036854775807,0,4294967295,4294967296,18446744073709551615,"
		      "9223372036854775808]");

	/* every power of ten and its neighbours, both signs, against printf */
	uint64_t p = 1;
	for (int k = 0; k < 20; k++, p *= 10) {
		uint64_t vals[3] = {p - 1, p, p + 1};
		for (int j = 0; j < 3; j++) {
			char want[32];
			jsonw_reset(w);
			jsonw_uint(w, vals[j]);
			snprintf(want, sizeof(want), "%" PRIu64, vals[j]);
			expect_out(w, want);
			if (vals[j] <= (uint64_t)INT64_MAX) {
				int64_t v = (int64_t)vals[j];
				jsonw_reset(w);
				jsonw_int(w, v);
				snprintf(want, sizeof(want), "%" PRId64, v);
				expect_out(w, want);
				jsonw_reset(w);
				jsonw_int(w, -v);
				snprintf(want, sizeof(want), "%" PRId64, -v);
				expect_out(w, want);
			}
		}
	}
}

/* ------------------------------------------------------- buffer management */

static void write_small_doc(struct jsonw *w, int i)
{
	jsonw_object_begin(w);
	jsonw_keyz(w, "i");
	jsonw_int(w, i);
	jsonw_keyz(w, "s");
	jsonw_stringz(w, "x");
	jsonw_object_end(w);
}

static void test_reset_reuse(void **state)
{
	struct jsonw *w = *state;

	/* a big first document grows the buffer */
	char big[5000];
	memset(big, 'a', sizeof(big));
	jsonw_object_begin(w);
	jsonw_keyz(w, "big");
	jsonw_string(w, big, sizeof(big));
	jsonw_object_end(w);
	assert_false(jsonw_failed(w));
	assert_int_equal(w->len, sizeof(big) + 10);
	assert_true(w->cap > w->len);
	char *buf = w->buf;
	size_t cap = w->cap;

	/* reset keeps the buffer; later documents start from scratch and never
	 * reallocate */
	for (int i = 0; i < 1000; i++) {
		jsonw_reset(w);
		assert_int_equal(w->len, 0);
		assert_int_equal(w->depth, 0);
		assert_string_equal(w->buf, "");
		write_small_doc(w, i);
		char want[64];
		snprintf(want, sizeof(want), "{\"i\":%d,\"s\":\"x\"}", i);
		expect_out(w, want);
		assert_ptr_equal(w->buf, buf);
		assert_int_equal(w->cap, cap);
	}

	/* a reset in the middle of a document forgets the open levels */
	jsonw_reset(w);
	jsonw_object_begin(w);
	jsonw_keyz(w, "a");
	jsonw_array_begin(w);
	jsonw_int(w, 1);
	jsonw_reset(w);
	write_small_doc(w, 5);
	expect_out(w, "{\"i\":5,\"s\":\"x\"}");

	/* free and init again works */
	jsonw_free(w);
	assert_null(w->buf);
	assert_int_equal(w->len, 0);
	jsonw_init(w);
	write_small_doc(w, 6);
	expect_out(w, "{\"i\":6,\"s\":\"x\"}");
}

static void test_growth_across_calls(void **state)
{
	struct jsonw *w = *state;

	/* many small calls that together cross several growth steps */
	jsonw_array_begin(w);
	size_t expect_len = 1;
	for (int i = 0; i < 20000; i++) {
		jsonw_string(w, "ab\n", 3);
		expect_len += (i ? 1 : 0) + 6;
	}
	jsonw_array_end(w);
	expect_len += 1;
	assert_false(jsonw_failed(w));
	assert_int_equal(w->len, expect_len);
	assert_memory_equal(w->buf, "[\"ab\\n\",\"ab\\n\"", 14);
	assert_memory_equal(w->buf + w->len - 8, ",\"ab\\n\"]", 8);
	assert_int_equal(w->buf[w->len], '\0');
}

static void test_depth_overflow(void **state)
{
	struct jsonw *w = *state;

	/* exactly JSONW_MAX_DEPTH levels are fine */
	for (int i = 0; i < JSONW_MAX_DEPTH; i++)
		jsonw_array_begin(w);
	assert_false(jsonw_failed(w));
	assert_int_equal(w->depth, JSONW_MAX_DEPTH);
	for (int i = 0; i < JSONW_MAX_DEPTH; i++)
		jsonw_array_end(w);
	assert_false(jsonw_failed(w));
	assert_int_equal(w->len, 2 * JSONW_MAX_DEPTH);

	/* one more fails, and the writer stays failed and writes nothing */
	jsonw_reset(w);
	for (int i = 0; i < JSONW_MAX_DEPTH; i++) {
		jsonw_object_begin(w);
		jsonw_keyz(w, "k");
	}
	assert_false(jsonw_failed(w));
	size_t len = w->len;
	jsonw_array_begin(w);
	assert_true(jsonw_failed(w));
	assert_int_equal(w->len, len);
	assert_true(w->depth <= JSONW_MAX_DEPTH);
	/* many more attempts do not overflow anything */
	for (int i = 0; i < 1000; i++) {
		jsonw_object_begin(w);
		jsonw_array_begin(w);
	}
	jsonw_keyz(w, "x");
	jsonw_stringz(w, "y");
	jsonw_int(w, 1);
	jsonw_uint(w, 1);
	jsonw_bool(w, true);
	jsonw_null(w);
	jsonw_raw(w, "\n", 1);
	for (int i = 0; i < 2000; i++)
		jsonw_object_end(w);
	assert_true(jsonw_failed(w));
	assert_int_equal(w->len, len);
	assert_int_equal(w->buf[len], '\0');

	/* reset clears the failure */
	jsonw_reset(w);
	assert_false(jsonw_failed(w));
	write_small_doc(w, 1);
	expect_out(w, "{\"i\":1,\"s\":\"x\"}");
}

static void test_unbalanced_close(void **state)
{
	struct jsonw *w = *state;

	jsonw_object_end(w);
	assert_true(jsonw_failed(w));
	assert_int_equal(w->len, 0);

	jsonw_reset(w);
	jsonw_array_begin(w);
	jsonw_array_end(w);
	jsonw_array_end(w);
	assert_true(jsonw_failed(w));
	assert_int_equal(w->len, 2);
	assert_int_equal(w->depth, 0);
}

/* A string too big to hold: the allocation fails (or the size computation
 * would overflow), the writer fails stickily, nothing is read from s and the
 * content so far is untouched. */
static void test_allocation_failure(void **state)
{
	struct jsonw *w = *state;
	static const char dummy[1] = "";
	const size_t sizes[] = {SIZE_MAX / 16, SIZE_MAX / 6, SIZE_MAX - 8, SIZE_MAX};

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		jsonw_reset(w);
		jsonw_object_begin(w);
		jsonw_keyz(w, "a");
		jsonw_int(w, 1);
		jsonw_keyz(w, "b");
		char *buf = w->buf;
		size_t cap = w->cap;
		assert_false(jsonw_failed(w));
		jsonw_string(w, dummy, sizes[k]);
		assert_true(jsonw_failed(w));
		assert_ptr_equal(w->buf, buf);
		assert_int_equal(w->cap, cap);
		assert_string_equal(w->buf, "{\"a\":1,\"b\":");
		jsonw_int(w, 2);
		jsonw_object_end(w);
		jsonw_key(w, dummy, sizes[k]);
		jsonw_raw(w, "}", 1);
		assert_true(jsonw_failed(w));
		assert_string_equal(w->buf, "{\"a\":1,\"b\":");
	}
	jsonw_reset(w);
	write_small_doc(w, 2);
	expect_out(w, "{\"i\":2,\"s\":\"x\"}");
}

/* ------------------------------------------------------------ property test */

/* UTF-8 judged by the tests' own validator (tests/tools/utf8.h), written
 * differently from jsonw.c on purpose: decode, then judge the code point. */
static bool ref_utf8_valid(const unsigned char *s, size_t n)
{
	return utf8_invalid_at(s, n) == n;
}

/* The escaping contract, spelled out slowly. Appends to out, returns new end. */
static char *ref_escape(char *out, const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		if (c >= 0x80) {
			size_t k = utf8_seq_len(s + i, n - i);
			if (k) {
				memcpy(out, s + i, k);
				out += k;
				i += k;
			} else {
				memcpy(out, FFFD, 3);
				out += 3;
				i++;
			}
			continue;
		}
		switch (c) {
		case '"': out += sprintf(out, "\\\""); break;
		case '\\': out += sprintf(out, "\\\\"); break;
		case '\b': out += sprintf(out, "\\b"); break;
		case '\f': out += sprintf(out, "\\f"); break;
		case '\n': out += sprintf(out, "\\n"); break;
		case '\r': out += sprintf(out, "\\r"); break;
		case '\t': out += sprintf(out, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				out += sprintf(out, "\\u%04x", c);
			else
				*out++ = (char)c;
		}
		i++;
	}
	return out;
}

static char *ref_quoted(char *out, const unsigned char *s, size_t n)
{
	*out++ = '"';
	out = ref_escape(out, s, n);
	*out++ = '"';
	return out;
}

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static unsigned rnd(unsigned n)
{
	return (unsigned)((rng() >> 32) % n);
}

/* Appends one valid UTF-8 sequence of 2-4 bytes if it fits in max bytes. */
static size_t put_valid_seq(unsigned char *p, size_t max)
{
	uint32_t cp;
	switch (rnd(4)) {
	case 0: cp = 0x80 + rnd(0x800 - 0x80); break;
	case 1:
		do
			cp = 0x800 + rnd(0x10000 - 0x800);
		while (cp >= 0xd800 && cp <= 0xdfff);
		break;
	case 2: cp = 0x10000 + rnd(0x110000 - 0x10000); break;
	default: {
		/* boundary code points */
		static const uint32_t edge[] = {0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd,
						0xffff, 0x10000, 0x10ffff, 0x2028, 0x2029, 0xfeff};
		cp = edge[rnd(sizeof(edge) / sizeof(edge[0]))];
	}
	}
	size_t n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	if (n > max)
		return 0;
	if (n == 2) {
		p[0] = (unsigned char)(0xc0 | (cp >> 6));
		p[1] = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (n == 3) {
		p[0] = (unsigned char)(0xe0 | (cp >> 12));
		p[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		p[2] = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		p[0] = (unsigned char)(0xf0 | (cp >> 18));
		p[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		p[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		p[3] = (unsigned char)(0x80 | (cp & 0x3f));
	}
	return n;
}

/* A random string of 0..300 bytes. Modes: uniform bytes; a biased mix of
 * printable, control, quote/backslash, high bytes and valid sequences
 * (possibly cut at the end); valid UTF-8 only (round-trippable). */
static size_t random_string(unsigned char *s)
{
	size_t len = rnd(301);
	unsigned mode = rnd(3);
	size_t i = 0;

	while (i < len) {
		if (mode == 0) {
			s[i++] = (unsigned char)rnd(256);
			continue;
		}
		unsigned r = rnd(100);
		if (r < 40) {
			s[i++] = (unsigned char)(0x20 + rnd(0x5f));
		} else if (r < 55) {
			unsigned c = rnd(0x21);
			s[i++] = (unsigned char)(c == 0x20 ? 0x7f : c);
		} else if (r < 65) {
			s[i++] = rnd(2) ? '"' : '\\';
		} else if (r < 80 && mode == 1) {
			s[i++] = (unsigned char)(0x80 + rnd(0x80));
		} else {
			size_t k = put_valid_seq(s + i, len - i);
			if (!k && mode == 1) {
				/* cut a sequence short at the end */
				unsigned char tmp[4];
				k = put_valid_seq(tmp, 4);
				k = k < len - i ? k : len - i;
				memcpy(s + i, tmp, k);
			}
			if (!k)
				s[i++] = 'z';
			i += k;
		}
	}
	return len;
}

static void parse_strict(const char *doc, size_t len, json_object **out)
{
	struct json_tokener *tok = json_tokener_new_ex(64);
	assert_non_null(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	json_object *o = json_tokener_parse_ex(tok, doc, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		fail_msg("json-c: %s at %zu in [%.*s]",
			 json_tokener_error_desc(json_tokener_get_error(tok)),
			 json_tokener_get_parse_end(tok), (int)len, doc);
	}
	assert_non_null(o);
	assert_int_equal(json_tokener_get_parse_end(tok), len);
	json_tokener_free(tok);
	*out = o;
}

static void assert_json_string(json_object *o, const unsigned char *s, size_t n)
{
	assert_true(json_object_is_type(o, json_type_string));
	assert_int_equal((size_t)json_object_get_string_len(o), n);
	assert_memory_equal(json_object_get_string(o), s, n);
}

#define PROP_ITERATIONS 20000

static void test_property_random_strings(void **state)
{
	struct jsonw *w = *state;
	unsigned char s[301], t[301];
	/* 6 bytes per input byte, 6 copies, plus structure */
	static char want[6 * 6 * 301 + 256];
	size_t valid_inputs = 0, invalid_inputs = 0;

	rng_state = 0x9e3779b97f4a7c15ULL;
	for (int it = 0; it < PROP_ITERATIONS; it++) {
		size_t n = random_string(s);
		size_t m = random_string(t);
		bool valid = ref_utf8_valid(s, n);
		if (valid)
			valid_inputs++;
		else
			invalid_inputs++;

		/* {"v":S,"a":[S,{S:S},T,[]],"t":{T:-it}} */
		jsonw_reset(w);
		jsonw_object_begin(w);
		jsonw_keyz(w, "v");
		jsonw_string(w, (const char *)s, n);
		jsonw_keyz(w, "a");
		jsonw_array_begin(w);
		jsonw_string(w, (const char *)s, n);
		jsonw_object_begin(w);
		jsonw_key(w, (const char *)s, n);
		jsonw_string(w, (const char *)s, n);
		jsonw_object_end(w);
		jsonw_string(w, (const char *)t, m);
		jsonw_array_begin(w);
		jsonw_array_end(w);
		jsonw_array_end(w);
		jsonw_keyz(w, "t");
		jsonw_object_begin(w);
		jsonw_key(w, (const char *)t, m);
		jsonw_int(w, -it);
		jsonw_object_end(w);
		jsonw_object_end(w);
		assert_false(jsonw_failed(w));
		assert_int_equal(w->depth, 0);

		/* 1. exactly what the reference escaper says */
		char *p = want;
		p += sprintf(p, "{\"v\":");
		p = ref_quoted(p, s, n);
		p += sprintf(p, ",\"a\":[");
		p = ref_quoted(p, s, n);
		p += sprintf(p, ",{");
		p = ref_quoted(p, s, n);
		*p++ = ':';
		p = ref_quoted(p, s, n);
		p += sprintf(p, "},");
		p = ref_quoted(p, t, m);
		p += sprintf(p, ",[]],\"t\":{");
		p = ref_quoted(p, t, m);
		p += sprintf(p, ":%d}}", -it);
		assert_int_equal(w->len, (size_t)(p - want));
		assert_memory_equal(w->buf, want, w->len);

		/* 2. valid UTF-8, no raw control bytes */
		assert_true(ref_utf8_valid((const unsigned char *)w->buf, w->len));
		for (size_t k = 0; k < w->len; k++)
			assert_true((unsigned char)w->buf[k] >= 0x20 && w->buf[k] != 0x7f);

		/* 3. json-c parses all of it, strictly */
		json_object *doc;
		parse_strict(w->buf, w->len, &doc);

		/* 4. valid input round-trips exactly */
		if (valid) {
			json_object *v, *a, *o;
			assert_true(json_object_object_get_ex(doc, "v", &v));
			assert_json_string(v, s, n);
			assert_true(json_object_object_get_ex(doc, "a", &a));
			assert_int_equal(json_object_array_length(a), 4);
			assert_json_string(json_object_array_get_idx(a, 0), s, n);
			o = json_object_array_get_idx(a, 1);
			assert_int_equal(json_object_object_length(o), 1);
			json_object_object_foreach(o, key, val)
			{
				/* json-c keys are C strings: compare up to an embedded NUL */
				if (!memchr(s, 0, n)) {
					assert_int_equal(strlen(key), n);
					assert_memory_equal(key, s, n);
				}
				assert_json_string(val, s, n);
			}
		}
		json_object_put(doc);

		/* 5. jsonw_escape agrees with the writer */
		char esc[6 * 301];
		size_t e = jsonw_escape(esc, (const char *)s, n);
		assert_true(e <= 6 * n);
		assert_memory_equal(esc, w->buf + 6, e); /* after {"v":" */
		assert_int_equal(w->buf[6 + e], '"');
	}
	/* the generator really covered both sides */
	assert_true(valid_inputs > PROP_ITERATIONS / 4);
	assert_true(invalid_inputs > PROP_ITERATIONS / 4);
}

/* ------------------------------------------------ runs and short strings */

/* Fixed runs: commas before them, nesting and commas after them as if
 * written piece by piece; a run that opens too deep or closes what was not
 * open fails the writer. */
static void test_frag(void **state)
{
	struct jsonw *w = *state;

	JSONW_FRAG(w, "{\"a\":", 1);
	jsonw_int(w, 1);
	JSONW_FRAG(w, "\"b\":{\"c\":[", 2);
	jsonw_int(w, 2);
	JSONW_FRAG(w, "\"x\"", 0);
	jsonw_array_end(w);
	JSONW_FRAG(w, "\"d\":true}", -1);
	JSONW_FRAG(w, "\"e\":[]}\n", -1);
	expect_out(w, "{\"a\":1,\"b\":{\"c\":[2,\"x\"],\"d\":true},\"e\":[]}\n");
	assert_int_equal(w->depth, 0);

	/* top-level runs take no comma */
	jsonw_reset(w);
	JSONW_FRAG(w, "{}", 0);
	JSONW_FRAG(w, "[1]", 0);
	expect_out(w, "{}[1]");

	jsonw_reset(w);
	JSONW_FRAG(w, "}", -1);
	assert_true(jsonw_failed(w));
	assert_int_equal(w->len, 0);

	jsonw_reset(w);
	for (int i = 0; i < JSONW_MAX_DEPTH - 1; i++)
		jsonw_array_begin(w);
	JSONW_FRAG(w, "[[", 2);
	assert_true(jsonw_failed(w));
	assert_int_equal(w->len, JSONW_MAX_DEPTH - 1);
}

/* A run with strings in it: escaped like jsonw_string(), one commit. */
static void test_span(void **state)
{
	struct jsonw *w = *state;

	jsonw_object_begin(w);
	jsonw_keyz(w, "k");
	jsonw_int(w, 0);
	char *p = jsonw_span_begin(w, 6 + jsonw_str_bound(3) + jsonw_str_bound(1));
	assert_non_null(p);
	memcpy(p, "\"u\":{", 5);
	p = jsonw_span_str(p + 5, "a\"b", 3);
	*p++ = ':';
	p = jsonw_span_str(p, "\x01", 1);
	jsonw_span_end(w, p, 1);
	jsonw_keyz(w, "v");
	jsonw_int(w, 1);
	jsonw_object_end(w);
	jsonw_object_end(w);
	expect_out(w, "{\"k\":0,\"u\":{\"a\\\"b\":\"\\u0001\",\"v\":1}}");

	/* an impossible bound fails the writer, and it stays failed */
	jsonw_reset(w);
	jsonw_array_begin(w);
	assert_null(jsonw_span_begin(w, jsonw_str_bound(SIZE_MAX / 2) + 2));
	assert_true(jsonw_failed(w));
	assert_null(jsonw_span_begin(w, 1));
}

/* Strings around the fast paths' 8- and 16-byte limits, plain or with one
 * byte to escape at each place, each in a buffer of its own size (so that
 * AddressSanitizer sees any read past it), through every writer of
 * strings: jsonw_string, jsonw_key, jsonw_member (as key and as value),
 * jsonw_span_str, jsonw_span_str2 and jsonw_span_member. */
static void test_short_strings(void **state)
{
	struct jsonw *w = *state;
	static const unsigned char specials[] = {'"', '\\', 0x01, 0x1f, 0x7f, 0x80, 0xff, 0};
	char want[1024];

	for (size_t n = 0; n <= 20; n++) {
		for (size_t at = 0; at <= n; at++) {
			for (size_t k = 0; k < sizeof(specials); k++) {
				if (at == n && k)
					break; /* at == n: the plain string, once */
				unsigned char *s = malloc(n ? n : 1);
				assert_non_null(s);
				for (size_t i = 0; i < n; i++)
					s[i] = (unsigned char)('a' + i);
				if (at < n)
					s[at] = specials[k];
				const char *cs = (const char *)s;

				jsonw_reset(w);
				jsonw_object_begin(w);
				jsonw_key(w, cs, n);
				jsonw_string(w, cs, n);
				jsonw_member(w, cs, n, cs, n);
				jsonw_member(w, "k", 1, cs, n);
				char *p = jsonw_span_begin(w, 2 * jsonw_str_bound(n) + 1);
				assert_non_null(p);
				p = jsonw_span_str(p, cs, n);
				*p++ = ':';
				p = jsonw_span_str(p, cs, n);
				jsonw_span_end(w, p, 0);
				/* two strings checked at once, or only one of them short */
				p = jsonw_span_begin(w, 3 * jsonw_str_bound(n) + jsonw_str_bound(1) + 4);
				assert_non_null(p);
				p = jsonw_span_str2(p, cs, n, ":", 1, cs, n);
				*p++ = ',';
				p = jsonw_span_str2(p, "k", 1, ":", 1, cs, n);
				jsonw_span_end(w, p, 0);
				/* members in one span, at their bounds */
				p = jsonw_span_begin(w, jsonw_member_bound(n, n) + jsonw_member_bound(1, n));
				assert_non_null(p);
				p = jsonw_span_member(p, cs, n, cs, n);
				*p++ = ',';
				p = jsonw_span_member(p, "k", 1, cs, n);
				jsonw_span_end(w, p, 0);
				jsonw_object_end(w);

				/* {S:S,S:S,"k":S,S:S,S:S,"k":S,S:S,"k":S} */
				char *q = want;
				*q++ = '{';
				for (int m = 0; m < 8; m++) {
					if (m)
						*q++ = ',';
					if (m == 2 || m == 5 || m == 7)
						q += sprintf(q, "\"k\"");
					else
						q = ref_quoted(q, s, n);
					*q++ = ':';
					q = ref_quoted(q, s, n);
				}
				*q++ = '}';
				free(s);
				assert_false(jsonw_failed(w));
				assert_int_equal(w->depth, 0);
				assert_int_equal(w->len, (size_t)(q - want));
				assert_memory_equal(w->buf, want, w->len);
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_containers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nesting_commas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_array_of_scalars, setup, teardown),
		cmocka_unit_test_setup_teardown(test_top_level_and_raw, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keys_escaped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_pointers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_escape_classes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_single_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_valid_utf8_passthrough, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_utf8, setup, teardown),
		cmocka_unit_test(test_escape_function),
		cmocka_unit_test_setup_teardown(test_integers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_reuse, setup, teardown),
		cmocka_unit_test_setup_teardown(test_growth_across_calls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_depth_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unbalanced_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allocation_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_property_random_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_span, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_strings, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
