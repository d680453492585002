/* Unit tests for plugin/idcache.c, against this machine's own accounts
 * (root = 0 everywhere; others are compared with getpwuid/getgrgid). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <time.h>

#include "idcache.h"

/* far above any allocated range; checked to be free in setup */
#define NOSUCH_ID 3987654321u
#define CHURN_BASE 3900000000u

static struct idcache_stats snap(void)
{
	struct idcache_stats s;
	idcache_get_stats(&s);
	return s;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	while (nanosleep(&ts, &ts) != 0)
		;
}

static int setup(void **state)
{
	(void)state;
	idcache_init(60);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	idcache_free();
	return 0;
}

static void test_root(void **state)
{
	(void)state;
	struct idcache_stats s0 = snap();

	const char *name = idcache_user(0);
	assert_non_null(name);
	assert_string_equal(name, "root");
	struct idcache_stats s1 = snap();
	assert_int_equal(s1.misses - s0.misses, 1);
	assert_int_equal(s1.hits - s0.hits, 0);
	assert_int_equal(s1.entries, 1);

	/* again: from the cache */
	assert_string_equal(idcache_user(0), "root");
	struct idcache_stats s2 = snap();
	assert_int_equal(s2.misses - s1.misses, 0);
	assert_int_equal(s2.hits - s1.hits, 1);

	/* groups are their own table */
	assert_string_equal(idcache_group(0), "root");
	struct idcache_stats s3 = snap();
	assert_int_equal(s3.misses - s2.misses, 1);
	assert_int_equal(s3.entries, 2);
	assert_string_equal(idcache_group(0), "root");
	assert_int_equal(snap().hits - s3.hits, 1);
}

static void test_system_accounts(void **state)
{
	(void)state;
	/* daemon (1) and nobody/nogroup (65534) on Debian; whatever NSS says */
	static const uint32_t ids[] = { 1, 65534 };
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct passwd *pw = getpwuid(ids[i]);
		const char *name = idcache_user(ids[i]);
		if (pw)
			assert_string_equal(name, pw->pw_name);
		else
			assert_null(name);
		struct group *gr = getgrgid(ids[i]);
		name = idcache_group(ids[i]);
		if (gr)
			assert_string_equal(name, gr->gr_name);
		else
			assert_null(name);
	}
	assert_string_equal(idcache_user(1), "daemon");
	assert_string_equal(idcache_group(65534), "nogroup");
}

static void test_nonexistent(void **state)
{
	(void)state;
	assert_null(getpwuid(NOSUCH_ID));
	assert_null(getgrgid(NOSUCH_ID));
	struct idcache_stats s0 = snap();

	assert_null(idcache_user(NOSUCH_ID));
	assert_null(idcache_group(NOSUCH_ID));
	struct idcache_stats s1 = snap();
	assert_int_equal(s1.misses - s0.misses, 2);

	/* negative results are cached too */
	assert_null(idcache_user(NOSUCH_ID));
	assert_null(idcache_group(NOSUCH_ID));
	struct idcache_stats s2 = snap();
	assert_int_equal(s2.misses - s1.misses, 0);
	assert_int_equal(s2.hits - s1.hits, 2);
}

static void test_unset(void **state)
{
	(void)state;
	struct idcache_stats s0 = snap();
	assert_null(idcache_user(IDCACHE_UNSET));
	assert_null(idcache_group(IDCACHE_UNSET));
	assert_null(idcache_user((uint32_t)-1));
	struct idcache_stats s1 = snap();
	/* never looked up, never cached */
	assert_int_equal(s1.misses, s0.misses);
	assert_int_equal(s1.hits, s0.hits);
	assert_int_equal(s1.entries, s0.entries);
}

static void test_ttl(void **state)
{
	(void)state;
	idcache_init(0.05);
	struct idcache_stats s0 = snap();
	assert_int_equal(s0.entries, 0); /* init flushes */

	assert_string_equal(idcache_user(0), "root");
	assert_null(idcache_user(NOSUCH_ID));
	assert_string_equal(idcache_user(0), "root");
	assert_null(idcache_user(NOSUCH_ID));
	struct idcache_stats s1 = snap();
	assert_int_equal(s1.misses - s0.misses, 2);
	assert_int_equal(s1.hits - s0.hits, 2);

	sleep_s(0.1);
	/* expired, found or not: looked up again, in place */
	assert_string_equal(idcache_user(0), "root");
	assert_null(idcache_user(NOSUCH_ID));
	struct idcache_stats s2 = snap();
	assert_int_equal(s2.misses - s1.misses, 2);
	assert_int_equal(s2.hits - s1.hits, 0);
	assert_int_equal(s2.entries, 2);
	assert_string_equal(idcache_user(0), "root");
	assert_int_equal(snap().hits - s2.hits, 1);

	/* ttl 0: nothing is trusted */
	idcache_init(0);
	s0 = snap();
	assert_string_equal(idcache_user(0), "root");
	assert_string_equal(idcache_user(0), "root");
	assert_string_equal(idcache_user(0), "root");
	s1 = snap();
	assert_int_equal(s1.misses - s0.misses, 3);
	assert_int_equal(s1.hits - s0.hits, 0);
	assert_int_equal(s1.entries, 1);

	idcache_init(60);
}

static void test_bounded(void **state)
{
	(void)state;
	idcache_init(60);
	struct idcache_stats s0 = snap();

	/* many distinct ids, with root asked between each: the table stays
	 * bounded and the hot id is never the one evicted */
	for (uint32_t i = 0; i < 5000; i++) {
		assert_null(idcache_user(CHURN_BASE + i));
		assert_string_equal(idcache_user(0), "root");
	}
	struct idcache_stats s1 = snap();
	assert_true(s1.entries <= IDCACHE_ENTRIES);
	assert_int_equal(s1.entries, IDCACHE_ENTRIES); /* every bucket filled */
	assert_int_equal(s1.misses - s0.misses, 5000 + 1); /* + root's first */
	assert_int_equal(s1.hits - s0.hits, 5000 - 1);
	assert_true(s1.evictions - s0.evictions >= 5000 - IDCACHE_ENTRIES);

	/* groups too, independently */
	for (uint32_t i = 0; i < 3000; i++)
		assert_null(idcache_group(CHURN_BASE + i));
	struct idcache_stats s2 = snap();
	assert_true(s2.entries <= 2 * IDCACHE_ENTRIES);
	assert_string_equal(idcache_group(0), "root");

	/* the most recent ids are still there */
	struct idcache_stats s3 = snap();
	assert_null(idcache_user(CHURN_BASE + 4999));
	assert_int_equal(snap().hits - s3.hits, 1);
}

static void test_flush(void **state)
{
	(void)state;
	assert_string_equal(idcache_user(0), "root");
	assert_string_equal(idcache_group(0), "root");
	idcache_flush();
	struct idcache_stats s0 = snap();
	assert_int_equal(s0.entries, 0);
	assert_string_equal(idcache_user(0), "root");
	assert_int_equal(snap().misses - s0.misses, 1);

	/* usable again after free */
	idcache_free();
	assert_string_equal(idcache_user(0), "root");
	assert_string_equal(idcache_group(0), "root");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_system_accounts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nonexistent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ttl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
