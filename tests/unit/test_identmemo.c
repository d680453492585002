/* Unit tests for plugin/identmemo.c: a key gives back exactly the parts
 * kept for it, never another key's, and the table stays within its bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "identmemo.h"
#include "loadword.h"

/* The table as ecs.c uses it, with a key's usual hash */
static bool get(const struct identmemo *m, const char *key, size_t n,
		struct strv part[IDENTMEMO_PARTS])
{
	return identmemo_get(m, load_hash(key, n), key, n, part);
}

static void put(struct identmemo *m, const char *key, size_t n,
		const struct strv part[IDENTMEMO_PARTS])
{
	identmemo_put(m, load_hash(key, n), key, n, part);
}

static void parts_of(struct strv part[IDENTMEMO_PARTS], const char *a, const char *b)
{
	memset(part, 0, IDENTMEMO_PARTS * sizeof(*part));
	part[0] = (struct strv){a, strlen(a)};
	part[2] = (struct strv){b, strlen(b)};
}

static void assert_part(struct strv p, const char *want)
{
	assert_int_equal(p.len, strlen(want));
	assert_memory_equal(p.p, want, p.len);
}

static void test_roundtrip(void **state)
{
	(void)state;
	struct identmemo *m = identmemo_new();
	struct strv in[IDENTMEMO_PARTS], out[IDENTMEMO_PARTS];
	assert_non_null(m);
	assert_false(get(m, "k1", 2, out));
	parts_of(in, "\"user\":{\"id\":\"0\"}", "x");
	put(m, "k1", 2, in);
	assert_true(get(m, "k1", 2, out));
	assert_part(out[0], "\"user\":{\"id\":\"0\"}");
	assert_part(out[1], "");
	assert_part(out[2], "x");
	/* a prefix, a longer key, another key: not there */
	assert_false(get(m, "k", 1, out));
	assert_false(get(m, "k1\0", 3, out));
	assert_false(get(m, "k2", 2, out));
	/* the empty key is never kept */
	put(m, "", 0, in);
	assert_false(get(m, "", 0, out));
	identmemo_free(m);
}

/* Many keys through the fixed table: each found one gives its own parts. */
static void test_replacement(void **state)
{
	(void)state;
	struct identmemo *m = identmemo_new();
	struct strv in[IDENTMEMO_PARTS], out[IDENTMEMO_PARTS];
	char key[32], val[32];
	size_t found = 0;
	for (int i = 0; i < 4 * IDENTMEMO_SLOTS; i++) {
		int n = snprintf(key, sizeof(key), "key%d", i);
		snprintf(val, sizeof(val), "val%d", i);
		parts_of(in, val, key);
		put(m, key, (size_t)n, in);
	}
	for (int i = 0; i < 4 * IDENTMEMO_SLOTS; i++) {
		int n = snprintf(key, sizeof(key), "key%d", i);
		snprintf(val, sizeof(val), "val%d", i);
		if (!get(m, key, (size_t)n, out))
			continue;
		found++;
		assert_part(out[0], val);
		assert_part(out[2], key);
	}
	assert_true(found > 0 && found <= IDENTMEMO_SLOTS);
	identmemo_free(m);
}

/* What does not fit is not kept, and leaves the entry it would replace. */
static void test_too_big(void **state)
{
	(void)state;
	struct identmemo *m = identmemo_new();
	struct strv in[IDENTMEMO_PARTS], out[IDENTMEMO_PARTS];
	/* with the key, one byte over */
	static char big[IDENTMEMO_DATA + 1];
	memset(big, 'a', IDENTMEMO_DATA);
	parts_of(in, "small", "");
	put(m, "k", 1, in);
	parts_of(in, big, "");
	put(m, "k", 1, in);
	assert_true(get(m, "k", 1, out));
	assert_part(out[0], "small");
	parts_of(in, "", "");
	put(m, big, IDENTMEMO_DATA + 1, in);
	assert_false(get(m, big, IDENTMEMO_DATA + 1, out));
	identmemo_free(m);
}

/* Keys with the same hash (a caller's weak one) are still told apart. */
static void test_same_hash(void **state)
{
	(void)state;
	struct identmemo *m = identmemo_new();
	struct strv in[IDENTMEMO_PARTS], out[IDENTMEMO_PARTS];
	parts_of(in, "one", "");
	identmemo_put(m, 7, "k1", 2, in);
	assert_false(identmemo_get(m, 7, "k2", 2, out));
	assert_true(identmemo_get(m, 7, "k1", 2, out));
	assert_part(out[0], "one");
	/* the same key under another hash is another entry */
	assert_false(identmemo_get(m, 8, "k1", 2, out));
	identmemo_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_replacement),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_same_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
