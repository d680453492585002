/* Unit tests for plugin/badinput.c: the first bad line of each reason is
 * logged at once, escaped and cut; then at most one summary per interval;
 * the counts in the messages add up; a quiet interval starts over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "badinput.h"

static char logged[64][512];
static int nlogged;

static void capture(const char *msg)
{
	assert_true(nlogged < 64);
	snprintf(logged[nlogged++], sizeof(logged[0]), "%s", msg);
}

/* The number after "bad input: " + "N more line(s)", or 1 for a first line. */
static unsigned long long lines_of(const char *msg)
{
	unsigned long long n;
	if (sscanf(msg, "bad input: %llu more line", &n) == 1)
		return n;
	return 1;
}

static void test_escape(void **state)
{
	char out[BADINPUT_SAMPLE * 4 + 8];
	const char in[] = "a\"b\\c\n\r\x01\x7f\xff";

	badinput_escape(in, sizeof(in) - 1, BADINPUT_SAMPLE, out, sizeof(out));
	assert_string_equal(out, "a\\\"b\\\\c\\x0a\\x0d\\x01\\x7f\\xff");
	/* NUL bytes too, and cut with "..." */
	char big[200];
	memset(big, 0, sizeof(big));
	badinput_escape(big, sizeof(big), BADINPUT_SAMPLE, out, sizeof(out));
	assert_int_equal(strlen(out), BADINPUT_SAMPLE * 4 + 3);
	assert_string_equal(out + BADINPUT_SAMPLE * 4, "...");
	/* a small buffer is never overrun and always terminated */
	char tiny[10];
	badinput_escape(big, sizeof(big), BADINPUT_SAMPLE, tiny, sizeof(tiny));
	assert_true(strlen(tiny) < sizeof(tiny));
	for (size_t i = 0; out[i]; i++)
		assert_true(out[i] >= 0x20 && out[i] < 0x7f);
}

static void test_flood_is_bounded(void **state)
{
	unsigned long long sum[BAD_NREASONS] = {0};
	double t = 1000;

	nlogged = 0;
	badinput_set_logger(capture);
	badinput_set_interval(60);
	/* 10 minutes of garbage, 100 lines a second, both reasons; the tick
	 * once a second */
	for (int s = 0; s < 600; s++, t += 1) {
		for (int i = 0; i < 100; i++) {
			badinput_note(BAD_NOT_RECORD, "garbage\n\x1b[2J", 12, t + i * 0.001);
			if (i % 10 == 0)
				badinput_note(BAD_TOO_LONG, "type=SYSCALL msg=audit(1.2:3): a=", 33,
					      t + i * 0.001);
		}
		badinput_tick(t + 0.5);
	}
	badinput_flush();
	/* per reason: the first line, then a summary per minute, one at exit */
	assert_true(nlogged <= 2 * (1 + 10 + 1));
	for (int i = 0; i < nlogged; i++) {
		int r = strstr(logged[i], "not an audit record") ? BAD_NOT_RECORD : BAD_TOO_LONG;
		sum[r] += lines_of(logged[i]);
		/* the sample is escaped: no control byte reaches the log */
		for (const char *p = logged[i]; *p; p++)
			assert_true(*p >= 0x20 && *p < 0x7f);
	}
	assert_true(strstr(logged[0], "\"garbage\\x0a\\x1b[2J\""));
	assert_int_equal(sum[BAD_NOT_RECORD], 60000);
	assert_int_equal(sum[BAD_TOO_LONG], 6000);
	assert_int_equal(badinput_count(BAD_NOT_RECORD), 60000);
	assert_int_equal(badinput_count(BAD_TOO_LONG), 6000);
	/* quiet for an interval: the next bad line is logged at once */
	t += 120;
	badinput_tick(t);
	int before = nlogged;
	badinput_note(BAD_NOT_RECORD, "x", 1, t + 1);
	assert_int_equal(nlogged, before + 1);
	assert_non_null(strstr(logged[before], "(60001 so far): \"x\""));
	/* nothing pending: flush logs nothing */
	badinput_flush();
	assert_int_equal(nlogged, before + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_flood_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
