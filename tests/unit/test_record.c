/* Unit tests for plugin/record.c: header parsing (RAW and ENRICHED, node=,
 * malformed headers, embedded NULs), record type numbers, field splitting
 * (quotes, hex, user-space msg='...', free text, AVC's keyless words,
 * truncation) and field lookup.
 *
 * Every line is parsed from an exact-size heap copy without a terminating
 * NUL, so a read past the given length shows up under valgrind/ASan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

/* --- helpers */

/* An exact-size, unterminated heap copy of n bytes. */
static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n ? n : 1);
	assert_non_null(p);
	memcpy(p, s, n);
	return p;
}

static int parse_n(const char *line, size_t n, struct record_hdr *h, char **keep)
{
	*keep = dup_n(line, n);
	return record_parse_header(*keep, n, h);
}

/* Parses a C-string line; the copy stays alive in *keep (free it). */
static int parse(const char *line, struct record_hdr *h, char **keep)
{
	return parse_n(line, strlen(line), h, keep);
}

static void assert_strv(struct strv v, const char *want)
{
	size_t n = strlen(want);
	if (v.len != n || (n && memcmp(v.p, want, n))) {
		print_error("strv \"%.*s\" (len %zu) != \"%s\" (len %zu)\n", (int)v.len,
		            v.p ? v.p : "", v.len, want, n);
		fail();
	}
}

static void assert_field(const struct field *f, const char *key, const char *val)
{
	assert_strv(f->key, key);
	assert_strv(f->val, val);
}

static struct strv sv(const char *s)
{
	return (struct strv){s, strlen(s)};
}

/* Splits a C string (via an exact-size copy kept in *keep). */
static size_t split(const char *body, struct field *out, size_t max, bool *trunc, char **keep)
{
	size_t n = strlen(body);
	*keep = dup_n(body, n);
	return record_fields((struct strv){*keep, n}, out, max, trunc);
}

/* Real lines from tests/data/live/capture1-raw.txt and its ENRICHED twin
 * (auditd 3.0.9, kernel 6.18), see /work/shared/corpus/live. */
#define SYSCALL_RAW                                                                                \
	"type=SYSCALL msg=audit(1795331875.763:29314): arch=c000003e syscall=44 success=yes "      \
	"exit=60 a0=3 a1=7ffe5844b320 a2=3c a3=0 items=0 ppid=20766 pid=20776 auid=4294967295 "    \
	"uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 "       \
	"comm=\"auditd\" exe=\"/usr/sbin/auditd\" key=(null)"
#define SYSCALL_ENRICHED                                                                           \
	"type=SYSCALL msg=audit(1795331870.855:28588): arch=c000003e syscall=44 success=yes "      \
	"exit=60 a0=3 a1=7fffd08f0420 a2=3c a3=0 items=0 ppid=20573 pid=20583 auid=4294967295 "    \
	"uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 "       \
	"comm=\"auditd\" exe=\"/usr/sbin/auditd\" key=(null)\x1d"                                  \
	"ARCH=x86_64 SYSCALL=sendto AUID=\"unset\" UID=\"root\" GID=\"root\" EUID=\"root\" "       \
	"SUID=\"root\" FSUID=\"root\" EGID=\"root\" SGID=\"root\" FSGID=\"root\""
#define USER_ACCT_PAM                                                                              \
	"type=USER_ACCT msg=audit(1795331877.827:29396): pid=20836 uid=0 auid=4294967295 "         \
	"ses=4294967295 msg='op=PAM:accounting grantors=pam_permit acct=\"nobody\" "               \
	"exe=\"/usr/bin/su\" hostname=? addr=? terminal=? res=success'"
#define USER_ACCT_PAM_ENRICHED                                                                     \
	"type=USER_ACCT msg=audit(1795331872.959:28670): pid=20643 uid=0 auid=4294967295 "         \
	"ses=4294967295 msg='op=PAM:accounting grantors=pam_permit acct=\"nobody\" "               \
	"exe=\"/usr/bin/su\" hostname=? addr=? terminal=? res=success'\x1d"                        \
	"UID=\"root\" AUID=\"unset\""
#define USER_ACCT_TEXT                                                                             \
	"type=USER_ACCT msg=audit(1795331877.907:29614): pid=20867 uid=0 auid=4294967295 "         \
	"ses=4294967295 msg='op=user corpususer added by root to group corpusgrp "                 \
	"acct=\"corpusgrp\" exe=\"/usr/bin/gpasswd\" hostname=? addr=? terminal=? "                \
	"res=success'"
#define USER_TEXT                                                                                  \
	"type=USER msg=audit(1795331878.139:29989): pid=20935 uid=0 auid=4294967295 "              \
	"ses=4294967295 msg='text=corpus user message with spaces exe=\"/usr/sbin/auditctl\" "     \
	"hostname=? addr=? terminal=? res=success'"

/* --- header */

static void test_header_raw(void **state)
{
	struct record_hdr h;
	char *keep;

	assert_int_equal(parse(SYSCALL_RAW, &h, &keep), 0);
	assert_int_equal(h.type, 1300);
	assert_strv(h.type_name, "SYSCALL");
	assert_int_equal(h.node.len, 0);
	assert_int_equal(h.sec, 1795331875);
	assert_int_equal(h.msec, 763);
	assert_int_equal(h.serial, 29314);
	assert_true(h.body.p == keep + strlen("type=SYSCALL msg=audit(1795331875.763:29314): "));
	assert_int_equal(h.body.len, strlen(SYSCALL_RAW) - (size_t)(h.body.p - keep));
	assert_int_equal(h.enriched.len, 0);
	assert_true(h.body.p[h.body.len - 1] == ')'); /* "key=(null)" */
	free(keep);
}

static void test_header_enriched(void **state)
{
	struct record_hdr h;
	char *keep;

	assert_int_equal(parse(SYSCALL_ENRICHED, &h, &keep), 0);
	assert_int_equal(h.type, 1300);
	assert_int_equal(h.sec, 1795331870);
	assert_int_equal(h.msec, 855);
	assert_int_equal(h.serial, 28588);
	/* the body stops before 0x1D; the enriched part starts after it */
	assert_int_equal(h.body.p[h.body.len - 1], ')');
	assert_int_equal(h.body.p[h.body.len], RECORD_ENRICHED_SEP);
	assert_true(h.enriched.p == h.body.p + h.body.len + 1);
	assert_strv(h.enriched,
	            "ARCH=x86_64 SYSCALL=sendto AUID=\"unset\" UID=\"root\" GID=\"root\" "
	            "EUID=\"root\" SUID=\"root\" FSUID=\"root\" EGID=\"root\" "
	            "SGID=\"root\" FSGID=\"root\"");
	free(keep);

	assert_int_equal(parse(USER_ACCT_PAM_ENRICHED, &h, &keep), 0);
	assert_int_equal(h.type, 1101);
	assert_strv(h.type_name, "USER_ACCT");
	assert_int_equal(h.serial, 28670);
	assert_int_equal(h.body.p[h.body.len - 1], '\'');
	assert_strv(h.enriched, "UID=\"root\" AUID=\"unset\"");
	free(keep);

	/* 0x1D at the very end: empty enriched part, body without the separator */
	assert_int_equal(parse("type=EOE msg=audit(1.000:2): a=1\x1d", &h, &keep), 0);
	assert_strv(h.body, "a=1");
	assert_int_equal(h.enriched.len, 0);
	free(keep);

	/* only the first 0x1D separates */
	assert_int_equal(parse("type=EOE msg=audit(1.000:2): a=1\x1d"
	                       "B=2\x1d"
	                       "C=3",
	                       &h, &keep),
	                 0);
	assert_strv(h.body, "a=1");
	assert_strv(h.enriched, "B=2\x1d"
	                        "C=3");
	free(keep);
}

static void test_header_node(void **state)
{
	struct record_hdr h;
	char *keep;

	assert_int_equal(
	    parse("node=web-01.example.org type=EOE msg=audit(1700000000.001:42): ", &h, &keep), 0);
	assert_strv(h.node, "web-01.example.org");
	assert_strv(h.type_name, "EOE");
	assert_int_equal(h.type, 1320);
	assert_int_equal(h.sec, 1700000000);
	assert_int_equal(h.msec, 1);
	assert_int_equal(h.serial, 42);
	assert_int_equal(h.body.len, 0);
	assert_int_equal(h.enriched.len, 0);
	free(keep);

	/* several spaces after the node name */
	assert_int_equal(parse("node=a   type=SYSCALL msg=audit(1.000:1): x=1", &h, &keep), 0);
	assert_strv(h.node, "a");
	assert_int_equal(h.type, 1300);
	assert_strv(h.body, "x=1");
	free(keep);

	/* an empty node name is no node */
	assert_int_equal(parse("node= type=SYSCALL msg=audit(1.000:1): x=1", &h, &keep), 0);
	assert_int_equal(h.node.len, 0);
	assert_int_equal(h.type, 1300);
	free(keep);

	/* node= and nothing else */
	assert_int_equal(parse("node=host", &h, &keep), -1);
	free(keep);
	assert_int_equal(parse("node=host msg=audit(1.000:1): x=1", &h, &keep), -1);
	free(keep);
}

static void test_header_spacing_and_numbers(void **state)
{
	struct record_hdr h;
	char *keep;

	/* go-libaudit's CWD records: two spaces after "):" */
	assert_int_equal(
	    parse("type=CWD msg=audit(1492037291.036:59):  cwd=\"/home/andrew_kroh\"", &h, &keep),
	    0);
	assert_int_equal(h.type, 1307);
	assert_strv(h.body, "cwd=\"/home/andrew_kroh\"");
	free(keep);

	/* spaces between type and msg; nothing after "):" */
	assert_int_equal(parse("type=SYSCALL    msg=audit(1.000:7):", &h, &keep), 0);
	assert_int_equal(h.serial, 7);
	assert_int_equal(h.body.len, 0);
	free(keep);

	/* no space is needed after "):" */
	assert_int_equal(parse("type=SYSCALL msg=audit(1.000:7):a=b", &h, &keep), 0);
	assert_strv(h.body, "a=b");
	free(keep);

	/* the largest serial, leading zeros, zero values */
	assert_int_equal(parse("type=SYSCALL msg=audit(0.000:4294967295): ", &h, &keep), 0);
	assert_int_equal(h.serial, 4294967295u);
	assert_int_equal(h.sec, 0);
	assert_int_equal(h.msec, 0);
	free(keep);
	assert_int_equal(parse("type=SYSCALL msg=audit(0001.999:00000000012): ", &h, &keep), 0);
	assert_int_equal(h.sec, 1);
	assert_int_equal(h.msec, 999);
	assert_int_equal(h.serial, 12);
	free(keep);
	assert_int_equal(parse("type=SYSCALL msg=audit(1.000:0): ", &h, &keep), 0);
	assert_int_equal(h.serial, 0);
	free(keep);

	/* seconds beyond 32 bits are fine */
	assert_int_equal(parse("type=SYSCALL msg=audit(1844674407370955161.123:5): ", &h, &keep),
	                 0);
	assert_true(h.sec == 1844674407370955161ull);
	free(keep);

	/* numbers of 8, 9, 15 and 16 digits (the fast path takes up to 15),
	 * leading zeros past 16, and a header that ends within 16 bytes of a
	 * number (read from a copy) */
	assert_int_equal(parse("type=SYSCALL msg=audit(12345678.001:123456789): ", &h, &keep), 0);
	assert_true(h.sec == 12345678ull && h.msec == 1 && h.serial == 123456789u);
	free(keep);
	assert_int_equal(parse("type=SYSCALL msg=audit(123456789012345.5:9): ", &h, &keep), 0);
	assert_true(h.sec == 123456789012345ull && h.msec == 5 && h.serial == 9);
	free(keep);
	assert_int_equal(parse("type=SYSCALL msg=audit(1234567890123456.5:9): ", &h, &keep), 0);
	assert_true(h.sec == 1234567890123456ull);
	free(keep);
	assert_int_equal(parse("type=SYSCALL msg=audit(00000000000000000000007.0000000000000000009:"
	                       "000000000000000004294967295):",
	                       &h, &keep),
	                 0);
	assert_true(h.sec == 7 && h.msec == 9 && h.serial == 4294967295u);
	free(keep);
	assert_int_equal(parse("type=EOE msg=audit(1.2:3):", &h, &keep), 0);
	assert_true(h.sec == 1 && h.msec == 2 && h.serial == 3);
	free(keep);
}

/* A record's stamp is mostly the one before it again (kept as text): the
 * same text gives the same numbers, and any other text is parsed anew. */
static void test_header_stamp_repeats(void **state)
{
	static const struct {
		const char *line;
		int rc;
		uint64_t sec;
		uint32_t msec, serial;
	} t[] = {
	    {"type=SYSCALL msg=audit(1795331870.000:28588): a=1", 0, 1795331870, 0, 28588},
	    {"type=PATH msg=audit(1795331870.000:28588): b=2", 0, 1795331870, 0, 28588},
	    {"type=EOE msg=audit(1795331870.000:28588):", 0, 1795331870, 0, 28588},
	    {"type=EOE msg=audit(1795331870.000:28588)", -1, 0, 0, 0},
	    {"type=EOE msg=audit(1795331870.000:2858):", 0, 1795331870, 0, 2858},
	    {"type=EOE msg=audit(1795331870.000:285881):", 0, 1795331870, 0, 285881},
	    {"type=EOE msg=audit(1795331870.000:285881)x", -1, 0, 0, 0},
	    {"type=EOE msg=audit(1795331871.000:285881):", 0, 1795331871, 0, 285881},
	    {"type=EOE msg=audit(1795331871.999:285881):", 0, 1795331871, 999, 285881},
	    {"type=EOE msg=audit(1795331871.999:285881): x", 0, 1795331871, 999, 285881},
	    {"type=EOE msg=audit(99999999999999999999.999:285881):", -1, 0, 0, 0},
	    {"type=EOE msg=audit(1795331871.999:285881):", 0, 1795331871, 999, 285881},
	};
	struct record_hdr h;
	char *keep;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(parse(t[i].line, &h, &keep), t[i].rc);
		if (t[i].rc == 0)
			assert_true(h.sec == t[i].sec && h.msec == t[i].msec &&
				    h.serial == t[i].serial);
		free(keep);
	}
	/* cut inside a stamp seen just before */
	const char *line = "type=EOE msg=audit(1795331871.999:285881):";
	for (size_t n = 0; n < strlen(line); n++) {
		assert_int_equal(parse_n(line, n, &h, &keep), -1);
		free(keep);
	}
}

static void test_header_length_is_respected(void **state)
{
	struct record_hdr h;
	char *keep;
	const char *line = "type=SYSCALL msg=audit(1.000:12): a=1 b=2";

	/* cut inside the header: not a record */
	for (size_t n = 0; n < strlen("type=SYSCALL msg=audit(1.000:12):"); n++) {
		assert_int_equal(parse_n(line, n, &h, &keep), -1);
		free(keep);
	}
	/* cut inside the body: the body ends there */
	assert_int_equal(parse_n(line, strlen(line) - 4, &h, &keep), 0);
	assert_strv(h.body, "a=1");
	free(keep);
	/* a serial cut short is still a number, but ")" must follow */
	assert_int_equal(parse_n(line, strlen("type=SYSCALL msg=audit(1.000:1"), &h, &keep), -1);
	free(keep);
}

static void test_header_malformed(void **state)
{
	static const char *bad[] = {
	    "",
	    " ",
	    "hello world",
	    "msg=audit(1.000:1): x=1", /* no type= */
	    "typ=SYSCALL msg=audit(1.000:1): x=1",
	    "type= msg=audit(1.000:1): x=1", /* empty type */
	    "type=",
	    "type=SYSCALL",
	    "type=SYSCALL ",
	    "type=SYSCALL msg=(1.000:1): x=1", /* no msg=audit( */
	    "type=SYSCALL msg=audit1.000:1): x=1",
	    "type=SYSCALL audit(1.000:1): x=1",
	    "type=SYSCALL msg='audit(1.000:1): x=1'",
	    "type=SYSCALL x=1 msg=audit(1.000:1): x=1",
	    "type=SYSCALL msg=audit(.000:1): x=1", /* bad numbers */
	    "type=SYSCALL msg=audit(x.000:1): x=1",
	    "type=SYSCALL msg=audit(-1.000:1): x=1",
	    "type=SYSCALL msg=audit( 1.000:1): x=1",
	    "type=SYSCALL msg=audit(1000:1): x=1",
	    "type=SYSCALL msg=audit(1.:1): x=1",
	    "type=SYSCALL msg=audit(1.x:1): x=1",
	    "type=SYSCALL msg=audit(1.1000:1): x=1", /* msec > 999 */
	    "type=SYSCALL msg=audit(1.000): x=1",
	    "type=SYSCALL msg=audit(1.000:): x=1",
	    "type=SYSCALL msg=audit(1.000:x): x=1",
	    "type=SYSCALL msg=audit(1.000:-1): x=1",
	    "type=SYSCALL msg=audit(1.000:+1): x=1",
	    "type=SYSCALL msg=audit(1.000:0x10): x=1",
	    "type=SYSCALL msg=audit(1.000.1:1): x=1",
	    "type=SYSCALL msg=audit(1.000 :1): x=1",
	    "type=SYSCALL msg=audit(1.000: 1): x=1",
	    "type=SYSCALL msg=audit(1.000:4294967296): x=1", /* serial > 2^32-1 */
	    "type=SYSCALL msg=audit(1.000:99999999999): x=1",
	    "type=SYSCALL msg=audit(1.000:18446744073709551617): x=1",
	    "type=SYSCALL msg=audit(18446744073709551615.000:1): x=1", /* sec overflow */
	    "type=SYSCALL msg=audit(99999999999999999999999.000:1): x=1",
	    "type=SYSCALL msg=audit(1.00000000000000001000:1): x=1", /* msec > 999, zeros first */
	    "type=SYSCALL msg=audit(1.000:000004294967296):", /* > 2^32-1, near the end */
	    "type=SYSCALL msg=audit(1.000:1) x=1", /* no "):" */
	    "type=SYSCALL msg=audit(1.000:1): ",   /* (valid; replaced below) */
	    "type=SYSCALL msg=audit(1.000:1: x=1",
	    "type=SYSCALL msg=audit(1.000:1)",
	    "type=SYSCALL msg=audit(1.000:1",
	    "type=SYSCALL msg=audit(1.000:1 ): x=1",
	    "type=SYSCALL msg=audit(1.000:1);",
	    "type=SYSCALL msg=audit(",
	    "type=SYSCALL msg=audit(1.000:1)x: x=1",
	};
	struct record_hdr h;
	char *keep;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int want = strcmp(bad[i], "type=SYSCALL msg=audit(1.000:1): ") ? -1 : 0;
		int got = parse(bad[i], &h, &keep);
		if (got != want) {
			print_error("\"%s\": %d, want %d\n", bad[i], got, want);
			fail();
		}
		free(keep);
	}
}

static void test_header_nul_bytes(void **state)
{
	struct record_hdr h;
	char *keep;

#define L(s) s, sizeof(s) - 1
	/* NUL in the body: kept, with the length */
	assert_int_equal(parse_n(L("type=SYSCALL msg=audit(1.000:5): a=x\0y b=2"), &h, &keep), 0);
	assert_int_equal(h.body.len, 9);
	{
		struct field f[4];
		bool tr;
		size_t n = record_fields(h.body, f, 4, &tr);
		assert_int_equal(n, 2);
		assert_false(tr);
		assert_int_equal(f[0].val.len, 3);
		assert_memory_equal(f[0].val.p, "x\0y", 3);
		assert_field(&f[1], "b", "2");
	}
	free(keep);

	/* NUL in the enriched part */
	assert_int_equal(parse_n(L("type=SYSCALL msg=audit(1.000:5): a=1\x1dZ=\0\0"), &h, &keep),
	                 0);
	assert_strv(h.body, "a=1");
	assert_int_equal(h.enriched.len, 4);
	free(keep);

	/* NUL in the header's numbers or punctuation: not a record */
	static const struct {
		const char *s;
		size_t n;
	} bad[] = {
	    {L("\0")},
	    {L("\0\0\0\0\0\0\0\0")},
	    {L("type=SYSCALL msg=audit(1\0.000:5): ")},
	    {L("type=SYSCALL msg=audit(1.0\0:5): ")},
	    {L("type=SYSCALL msg=audit(1.000:5\0): ")},
	    {L("type=SYSCALL msg=audit(1.000:5)\0: ")},
	    {L("type=SYSCALL msg=audit\0(1.000:5): ")},
	    {L("node=a\0type=SYSCALL msg=audit(1.000:5): ")},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int got = parse_n(bad[i].s, bad[i].n, &h, &keep);
		if (got != -1) {
			print_error("case %zu parsed\n", i);
			fail();
		}
		free(keep);
	}

	/* NUL inside the type name: a record, of no known type (not the type
	 * named by the bytes before the NUL) */
	assert_int_equal(parse_n(L("type=SYS\0CALL msg=audit(1.000:5): "), &h, &keep), 0);
	assert_int_equal(h.type_name.len, 8);
	assert_int_equal(h.type, 0);
	free(keep);
	assert_int_equal(parse_n(L("type=\0SYSCALL msg=audit(1.000:5): "), &h, &keep), 0);
	assert_int_equal(h.type_name.len, 8);
	assert_int_equal(h.type, 0);
	free(keep);
	assert_int_equal(parse_n(L("type=EOE\0x msg=audit(1.000:5): "), &h, &keep), 0);
	assert_int_equal(h.type, 0);
	free(keep);
	assert_int_equal(parse_n(L("type=SYSCALL\0 msg=audit(1.000:5): "), &h, &keep), 0);
	assert_int_equal(h.type, 0);
	free(keep);
	/* and the real names still resolve afterwards */
	assert_int_equal(parse_n(L("type=EOE msg=audit(1.000:5): "), &h, &keep), 0);
	assert_int_equal(h.type, 1320);
	free(keep);
	assert_int_equal(parse_n(L("node=a\0b type=SYSCALL msg=audit(1.000:5): "), &h, &keep), 0);
	assert_int_equal(h.node.len, 3);
	assert_int_equal(h.type, 1300);
	free(keep);
#undef L
}

/* --- type numbers */

static void test_type_numbers(void **state)
{
	static const struct {
		const char *name;
		int type;
	} t[] = {
	    {"SYSCALL", 1300},
	    {"EOE", 1320},
	    {"PROCTITLE", 1327},
	    {"PATH", 1302},
	    {"CWD", 1307},
	    {"EXECVE", 1309},
	    {"CONFIG_CHANGE", 1305},
	    {"AVC", 1400},
	    {"USER_ACCT", 1101},
	    {"USER", 1005},
	    {"DAEMON_START", 1200},
	    {"DAEMON_END", 1201},
	    {"ANOM_ABEND", 1701},
	    {"ANOM_LOGIN_FAILURES", 2100},
	    {"KERNEL", 2000},
	    {"UNKNOWN[1234]", 1234},
	    {"UNKNOWN[0]", 0},
	    {"UNKNOWN[1]", 1},
	    {"UNKNOWN[65535]", 65535},
	    {"UNKNOWN[1300]", 1300},
	    {"UNKNOWN[65536]", 0},
	    {"UNKNOWN[]", 0},
	    {"UNKNOWN[12x]", 0},
	    {"UNKNOWN[-5]", 0},
	    {"UNKNOWN[1234", 0},
	    {"UNKNOWN", 0},
	    {"NO_SUCH_TYPE", 0},
	    {"SYSCALLS", 0},
	    {"SYSCAL", 0},
	    {"X", 0},
	    {"_", 0},
	    {"A_NAME_THAT_IS_MUCH_TOO_LONG_FOR_ANY_TYPE", 0},
	};

	/* twice: the first call fills the cache, the second reads it */
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			char *name = dup_n(t[i].name, strlen(t[i].name));
			int got = record_type_number(name, strlen(t[i].name));
			if (got != t[i].type) {
				print_error("%s: %d, want %d\n", t[i].name, got, t[i].type);
				fail();
			}
			free(name);
		}
	}
	/* the length counts, not a terminator */
	assert_int_equal(record_type_number("SYSCALL_X", 7), 1300);
	assert_int_equal(record_type_number("EOEX", 3), 1320);
	assert_int_equal(record_type_number("EOE", 2), 0);
	assert_int_equal(record_type_number("SYSCALL", 0), 0);
}

static void test_type_cache_pressure(void **state)
{
	char name[32];

	/* far more distinct names than the cache holds: every answer stays right */
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(name, sizeof(name), "UNKNOWN[%d]", i % 65536);
		assert_int_equal(record_type_number(name, (size_t)n), i);
		n = snprintf(name, sizeof(name), "BOGUS_%d", i);
		assert_int_equal(record_type_number(name, (size_t)n), 0);
		if (i % 97 == 0) {
			assert_int_equal(record_type_number("SYSCALL", 7), 1300);
			assert_int_equal(record_type_number("EOE", 3), 1320);
			assert_int_equal(record_type_number("USER_ACCT", 9), 1101);
		}
	}
	for (int i = 0; i < 5000; i += 7) {
		int n = snprintf(name, sizeof(name), "UNKNOWN[%d]", i);
		assert_int_equal(record_type_number(name, (size_t)n), i);
	}
	assert_int_equal(record_type_number("PROCTITLE", 9), 1327);
}

/* --- fields */

static void test_fields_syscall(void **state)
{
	struct record_hdr h;
	struct field f[64];
	bool tr = true;
	char *keep;

	assert_int_equal(parse(SYSCALL_RAW, &h, &keep), 0);
	size_t n = record_fields(h.body, f, 64, &tr);
	assert_int_equal(n, 25);
	assert_false(tr);
	assert_field(&f[0], "arch", "c000003e");
	assert_field(&f[1], "syscall", "44");
	assert_field(&f[2], "success", "yes");
	assert_field(&f[3], "exit", "60");
	assert_field(&f[5], "a1", "7ffe5844b320");
	assert_field(&f[20], "tty", "(none)");
	assert_field(&f[21], "ses", "4294967295");
	assert_field(&f[22], "comm", "\"auditd\"");
	assert_field(&f[23], "exe", "\"/usr/sbin/auditd\"");
	assert_field(&f[24], "key", "(null)");
	/* every value points into the line */
	for (size_t i = 0; i < n; i++)
		assert_true(f[i].key.p >= h.body.p &&
		            f[i].val.p + f[i].val.len <= h.body.p + h.body.len);
	free(keep);
}

static void test_fields_enriched(void **state)
{
	struct record_hdr h;
	struct field f[32];
	bool tr;
	char *keep;

	assert_int_equal(parse(SYSCALL_ENRICHED, &h, &keep), 0);
	assert_int_equal(record_fields(h.body, f, 32, &tr), 25);
	assert_field(&f[24], "key", "(null)"); /* the last raw field stops at 0x1D */
	size_t n = record_fields(h.enriched, f, 32, &tr);
	assert_int_equal(n, 11);
	assert_false(tr);
	assert_field(&f[0], "ARCH", "x86_64");
	assert_field(&f[1], "SYSCALL", "sendto");
	assert_field(&f[2], "AUID", "\"unset\"");
	assert_field(&f[10], "FSGID", "\"root\"");
	free(keep);
}

static void test_fields_quoted(void **state)
{
	struct field f[16];
	bool tr;
	char *keep;
	size_t n;

	n = split("cwd=\"/home/a b\" name=\"x  y z\" key=(null)", f, 16, &tr, &keep);
	assert_int_equal(n, 3);
	assert_field(&f[0], "cwd", "\"/home/a b\"");
	assert_field(&f[1], "name", "\"x  y z\"");
	assert_field(&f[2], "key", "(null)");
	free(keep);

	/* '=' inside a quoted value belongs to the value */
	n = split("a1=\"--color=auto\" a2=\"k=v w=x\"", f, 16, &tr, &keep);
	assert_int_equal(n, 2);
	assert_field(&f[0], "a1", "\"--color=auto\"");
	assert_field(&f[1], "a2", "\"k=v w=x\"");
	free(keep);

	/* a quote without its closing quote runs to the next space */
	n = split("a=\"abc def b=1", f, 16, &tr, &keep);
	assert_int_equal(n, 3);
	assert_field(&f[0], "a", "\"abc");
	assert_field(&f[1], "", "def");
	assert_field(&f[2], "b", "1");
	free(keep);

	/* empty values, runs of blanks, newlines */
	n = split("  a= b=1   c=\"\"\n d=2", f, 16, &tr, &keep);
	assert_int_equal(n, 4);
	assert_field(&f[0], "a", "");
	assert_field(&f[1], "b", "1");
	assert_field(&f[2], "c", "\"\"");
	assert_field(&f[3], "d", "2");
	free(keep);

	/* a value ending the body */
	n = split("x=", f, 16, &tr, &keep);
	assert_int_equal(n, 1);
	assert_field(&f[0], "x", "");
	free(keep);

	/* control bytes and '!' in keys and values */
	n = split("a!=1 b\tc=x\ty d=\"p!\x01q\" e=!", f, 16, &tr, &keep);
	assert_int_equal(n, 4);
	assert_field(&f[0], "a!", "1");
	assert_field(&f[1], "b\tc", "x\ty");
	assert_field(&f[2], "d", "\"p!\x01q\"");
	assert_field(&f[3], "e", "!");
	free(keep);

	/* only the first '=' splits */
	n = split("a==b c=d=e", f, 16, &tr, &keep);
	assert_int_equal(n, 2);
	assert_field(&f[0], "a", "=b");
	assert_field(&f[1], "c", "d=e");
	free(keep);

	/* empty and blank bodies */
	n = split("", f, 16, &tr, &keep);
	assert_int_equal(n, 0);
	assert_false(tr);
	free(keep);
	n = split("   \n ", f, 16, &tr, &keep);
	assert_int_equal(n, 0);
	free(keep);
}

static void test_fields_hex(void **state)
{
	struct field f[8];
	bool tr;
	char *keep;

	size_t n =
	    split("exe=2F7573722F62696E2F707974686F6E322E373B3538643163636662202864656C6574656429 "
	          "proctitle=617564697464002D66002D63 saddr=02000050A9FEA9FE0000000000000000",
	          f, 8, &tr, &keep);
	assert_int_equal(n, 3);
	assert_field(&f[0], "exe",
	             "2F7573722F62696E2F707974686F6E322E373B3538643163636662202864656C6574656429");
	assert_field(&f[1], "proctitle", "617564697464002D66002D63");
	assert_field(&f[2], "saddr", "02000050A9FEA9FE0000000000000000");
	free(keep);
}

/* The plain fields are found 64 bytes at a time: keys and values ending just
 * before, on and after a window's end, values longer than a window (bare,
 * quoted, and a quote never closed), and a key longer than one. */
static void test_fields_window_edges(void **state)
{
	char body[512], key[130], hex[101], quoted[83];
	struct field f[16];
	bool tr;
	char *keep;

	memset(hex, 'A', 100);
	hex[100] = 0;
	memset(quoted, 'q', 82);
	quoted[0] = quoted[81] = '"';
	quoted[40] = ' ';
	quoted[82] = 0;
	for (size_t k = 1; k < sizeof(key); k++) {
		memset(key, 'k', k);
		key[k] = 0;
		snprintf(body, sizeof(body), "%s=1 b=\"x y\" c=%s d=%s e=5 %s=\"unclosed f=6", key,
			 hex, quoted, key);
		size_t n = split(body, f, 16, &tr, &keep);
		assert_int_equal(n, 7);
		assert_field(&f[0], key, "1");
		assert_field(&f[1], "b", "\"x y\"");
		assert_field(&f[2], "c", hex);
		assert_field(&f[3], "d", quoted);
		assert_field(&f[4], "e", "5");
		assert_field(&f[5], key, "\"unclosed");
		assert_field(&f[6], "f", "6");
		free(keep);
	}
}

static void test_fields_user_msg(void **state)
{
	struct record_hdr h;
	struct field f[32];
	bool tr = true;
	char *keep;

	assert_int_equal(parse(USER_ACCT_PAM, &h, &keep), 0);
	assert_int_equal(h.type, 1101);
	size_t n = record_fields(h.body, f, 32, &tr);
	assert_false(tr);
	assert_int_equal(n, 12);
	assert_field(&f[0], "pid", "20836");
	assert_field(&f[1], "uid", "0");
	assert_field(&f[2], "auid", "4294967295");
	assert_field(&f[3], "ses", "4294967295");
	/* msg='...' flattened into its own fields */
	assert_field(&f[4], "op", "PAM:accounting");
	assert_field(&f[5], "grantors", "pam_permit");
	assert_field(&f[6], "acct", "\"nobody\"");
	assert_field(&f[7], "exe", "\"/usr/bin/su\"");
	assert_field(&f[8], "hostname", "?");
	assert_field(&f[9], "addr", "?");
	assert_field(&f[10], "terminal", "?");
	assert_field(&f[11], "res", "success"); /* without the closing quote */
	/* no free text: no "msg" field */
	assert_null(record_field(f, n, "msg"));
	free(keep);

	/* the ENRICHED twin: same raw fields, and its own enriched ones */
	assert_int_equal(parse(USER_ACCT_PAM_ENRICHED, &h, &keep), 0);
	n = record_fields(h.body, f, 32, &tr);
	assert_int_equal(n, 12);
	assert_field(&f[11], "res", "success");
	n = record_fields(h.enriched, f, 32, &tr);
	assert_int_equal(n, 2);
	assert_field(&f[0], "UID", "\"root\"");
	assert_field(&f[1], "AUID", "\"unset\"");
	free(keep);
}

static void test_fields_user_free_text(void **state)
{
	struct record_hdr h;
	struct field f[32];
	bool tr = true;
	char *keep;
	size_t n;

	/* Inside msg='...', bare words after a bare value continue that value
	 * (user-space writers put spaces in values): gpasswd's
	 * "op=user corpususer added by root to group corpusgrp" */
	assert_int_equal(parse(USER_ACCT_TEXT, &h, &keep), 0);
	n = record_fields(h.body, f, 32, &tr);
	assert_false(tr);
	assert_int_equal(n, 4 + 7);
	assert_field(&f[4], "op", "user corpususer added by root to group corpusgrp");
	assert_field(&f[5], "acct", "\"corpusgrp\"");
	assert_field(&f[6], "exe", "\"/usr/bin/gpasswd\"");
	assert_field(&f[10], "res", "success");
	/* no keyless word was left: no whole-text "msg" */
	assert_null(record_field(f, n, "msg"));
	assert_null(record_field(f, n, ""));
	free(keep);

	/* auditctl -m "corpus user message with spaces" */
	assert_int_equal(parse(USER_TEXT, &h, &keep), 0);
	assert_int_equal(h.type, 1005);
	n = record_fields(h.body, f, 32, &tr);
	assert_false(tr);
	assert_int_equal(n, 4 + 6);
	assert_field(&f[4], "text", "corpus user message with spaces");
	assert_field(&f[5], "exe", "\"/usr/sbin/auditctl\"");
	assert_field(&f[9], "res", "success");
	assert_null(record_field(f, n, "msg"));
	free(keep);

	/* free text only: keyless words, and the whole text as "msg" */
	n = split("pid=1 msg='hello there'", f, 32, &tr, &keep);
	assert_int_equal(n, 4);
	assert_field(&f[0], "pid", "1");
	assert_field(&f[1], "", "hello");
	assert_field(&f[2], "", "there");
	assert_field(&f[3], "msg", "hello there");
	free(keep);

	/* free text after a quoted value stays keyless, "msg" is kept */
	n = split("msg='acct=\"x\" some words res=1'", f, 32, &tr, &keep);
	assert_int_equal(n, 5);
	assert_field(&f[0], "acct", "\"x\"");
	assert_field(&f[1], "", "some");
	assert_field(&f[2], "", "words");
	assert_field(&f[3], "res", "1");
	assert_field(&f[4], "msg", "acct=\"x\" some words res=1");
	free(keep);

	/* SELinux USER_AVC: text first, then fields */
	n = split("pid=1 uid=0 msg='avc:  received policyload notice (seqno=2)  "
	          "exe=\"/usr/lib/systemd/systemd\" sauid=0 hostname=? addr=? terminal=?'",
	          f, 32, &tr, &keep);
	assert_false(tr);
	assert_int_equal(n, 2 + 4 + 1 + 5 + 1);
	assert_field(&f[2], "", "avc:");
	assert_field(&f[5], "", "notice");
	assert_field(&f[6], "(seqno", "2)");
	assert_field(&f[7], "exe", "\"/usr/lib/systemd/systemd\"");
	assert_field(&f[12], "msg",
	             "avc:  received policyload notice (seqno=2)  exe=\"/usr/lib/systemd/systemd\" "
	             "sauid=0 hostname=? addr=? terminal=?");
	free(keep);

	/* an empty value is not continued */
	n = split("msg='op= a b res=1'", f, 32, &tr, &keep);
	assert_int_equal(n, 5);
	assert_field(&f[0], "op", "");
	assert_field(&f[1], "", "a");
	assert_field(&f[2], "", "b");
	assert_field(&f[3], "res", "1");
	assert_field(&f[4], "msg", "op= a b res=1");
	free(keep);

	/* outside msg='...' bare words stay keyless */
	n = split("op=x word res=1", f, 32, &tr, &keep);
	assert_int_equal(n, 3);
	assert_field(&f[0], "op", "x");
	assert_field(&f[1], "", "word");
	assert_field(&f[2], "res", "1");
	free(keep);
}

static void test_fields_msg_edge_cases(void **state)
{
	struct field f[16];
	bool tr;
	char *keep;
	size_t n;

	/* msg="..." (double quotes) is a plain value */
	n = split("msg=\"a=1 b=2\"", f, 16, &tr, &keep);
	assert_int_equal(n, 1);
	assert_field(&f[0], "msg", "\"a=1 b=2\"");
	free(keep);

	/* a bare msg value */
	n = split("msg=text", f, 16, &tr, &keep);
	assert_int_equal(n, 1);
	assert_field(&f[0], "msg", "text");
	free(keep);

	/* msg='' holds nothing */
	n = split("a=1 msg='' b=2", f, 16, &tr, &keep);
	assert_int_equal(n, 2);
	assert_field(&f[0], "a", "1");
	assert_field(&f[1], "b", "2");
	free(keep);

	/* flattening is one level deep: an inner msg= is a plain field */
	n = split("msg='op=x msg=\"in ner\" res=1'", f, 16, &tr, &keep);
	assert_int_equal(n, 3);
	assert_field(&f[0], "op", "x");
	assert_field(&f[1], "msg", "\"in ner\"");
	assert_field(&f[2], "res", "1");
	free(keep);

	/* fields after msg='...' still come */
	n = split("msg='a=1' b=2", f, 16, &tr, &keep);
	assert_int_equal(n, 2);
	assert_field(&f[0], "a", "1");
	assert_field(&f[1], "b", "2");
	free(keep);

	/* a msg=' cut short (no closing quote, a truncated record): the rest
	 * of the line is its text, flattened as usual */
	n = split("pid=1 msg='op=x acct=y", f, 16, &tr, &keep);
	assert_int_equal(n, 3);
	assert_field(&f[0], "pid", "1");
	assert_field(&f[1], "op", "x");
	assert_field(&f[2], "acct", "y");
	free(keep);

	/* a lone quote holds nothing */
	n = split("a=1 msg='", f, 16, &tr, &keep);
	assert_int_equal(n, 1);
	assert_field(&f[0], "a", "1");
	free(keep);

	/* the pre-2.6.3x LOGIN format */
	n = split("login pid=1 uid=0 old auid=4294967295 new auid=0 old ses=4294967295 new ses=5",
		  f, 16, &tr, &keep);
	assert_int_equal(n, 7);
	assert_field(&f[0], "", "login");
	assert_field(&f[3], "old-auid", "4294967295");
	assert_field(&f[4], "auid", "0");
	assert_field(&f[5], "old-ses", "4294967295");
	assert_field(&f[6], "ses", "5");
	free(keep);

	/* a key with quotes is no msg */
	n = split("xmsg='a b'", f, 16, &tr, &keep);
	assert_int_equal(n, 1);
	assert_field(&f[0], "xmsg", "'a b'");
	free(keep);
}

static void test_fields_avc(void **state)
{
	struct field f[32];
	bool tr = true;
	char *keep;

	size_t n =
	    split("avc:  denied  { read } for  pid=1234 comm=\"cat\" name=\"shadow\" dev=\"dm-0\" "
	          "ino=12345 scontext=system_u:system_r:httpd_t:s0 "
	          "tcontext=system_u:object_r:shadow_t:s0 tclass=file permissive=0",
	          f, 32, &tr, &keep);
	assert_false(tr);
	assert_int_equal(n, 13);
	assert_field(&f[0], "", "avc:");
	assert_field(&f[1], "", "denied");
	assert_field(&f[2], "", "{ read }");
	assert_field(&f[3], "", "for");
	assert_field(&f[4], "pid", "1234");
	assert_field(&f[5], "comm", "\"cat\"");
	assert_field(&f[8], "ino", "12345");
	assert_field(&f[9], "scontext", "system_u:system_r:httpd_t:s0");
	assert_field(&f[12], "permissive", "0");
	/* the empty key finds the first keyless word */
	assert_ptr_equal(record_field(f, n, ""), &f[0]);
	free(keep);

	/* several permissions in the braces */
	n = split("avc:  granted  { read write open } for pid=1", f, 32, &tr, &keep);
	assert_int_equal(n, 5);
	assert_field(&f[2], "", "{ read write open }");
	assert_field(&f[4], "pid", "1");
	free(keep);

	/* a brace never closed runs to the next space */
	n = split("avc: { read", f, 32, &tr, &keep);
	assert_int_equal(n, 3);
	assert_field(&f[1], "", "{");
	assert_field(&f[2], "", "read");
	free(keep);

	/* a quoted keyless word keeps its spaces */
	n = split("\"a b\" c=1", f, 32, &tr, &keep);
	assert_int_equal(n, 2);
	assert_field(&f[0], "", "\"a b\"");
	assert_field(&f[1], "c", "1");
	free(keep);
}

static void test_fields_truncated(void **state)
{
	struct field f[16];
	bool tr;
	char *keep;
	const char *body = "a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10";

	tr = false;
	assert_int_equal(split(body, f, 4, &tr, &keep), 4);
	assert_true(tr);
	assert_field(&f[3], "d", "4");
	free(keep);

	tr = true;
	assert_int_equal(split(body, f, 10, &tr, &keep), 10);
	assert_false(tr);
	assert_field(&f[9], "j", "10");
	free(keep);

	tr = true;
	assert_int_equal(split(body, f, 16, &tr, &keep), 10);
	assert_false(tr);
	free(keep);

	tr = false;
	assert_int_equal(split(body, f, 0, &tr, &keep), 0);
	assert_true(tr);
	free(keep);

	tr = true;
	assert_int_equal(split("", f, 0, &tr, &keep), 0);
	assert_false(tr);
	free(keep);

	/* truncated may be NULL */
	assert_int_equal(split(body, f, 2, NULL, &keep), 2);
	free(keep);

	/* inside msg='...' */
	tr = false;
	assert_int_equal(split("pid=1 msg='a=1 b=2 c=3'", f, 3, &tr, &keep), 3);
	assert_true(tr);
	assert_field(&f[2], "b", "2");
	free(keep);

	/* a field dropped at the bound is not joined to the one kept before it
	 * by the words that follow it */
	tr = false;
	assert_int_equal(split("msg='a=1 b=2 more words'", f, 1, &tr, &keep), 1);
	assert_true(tr);
	assert_field(&f[0], "a", "1");
	free(keep);
	tr = false;
	assert_int_equal(split("msg='a=1 b=2 more words'", f, 2, &tr, &keep), 2);
	assert_false(tr);
	assert_field(&f[1], "b", "2 more words");
	free(keep);

	/* room for the words but not for the whole free text */
	tr = false;
	assert_int_equal(split("msg='a b'", f, 2, &tr, &keep), 2);
	assert_true(tr);
	assert_field(&f[0], "", "a");
	assert_field(&f[1], "", "b");
	free(keep);
	tr = true;
	assert_int_equal(split("msg='a b'", f, 3, &tr, &keep), 3);
	assert_false(tr);
	assert_field(&f[2], "msg", "a b");
	free(keep);

	/* the output array is not written past max */
	struct field g[6];
	memset(g, 0x5a, sizeof(g));
	assert_int_equal(split(body, g, 5, &tr, &keep), 5);
	const unsigned char *guard = (const unsigned char *)&g[5];
	for (size_t i = 0; i < sizeof(g[5]); i++)
		assert_int_equal(guard[i], 0x5a);
	free(keep);
}

static void test_field_lookup(void **state)
{
	struct field f[16];
	bool tr;
	char *keep;
	size_t n = split("arch=c000003e a0=1 a0=2 ar=x avc: items=0", f, 16, &tr, &keep);

	assert_int_equal(n, 6);
	assert_ptr_equal(record_field(f, n, "arch"), &f[0]);
	assert_ptr_equal(record_field(f, n, "a0"), &f[1]); /* the first one */
	assert_ptr_equal(record_field(f, n, "ar"), &f[3]);
	assert_ptr_equal(record_field(f, n, ""), &f[4]);
	assert_ptr_equal(record_field(f, n, "items"), &f[5]);
	assert_null(record_field(f, n, "a"));
	assert_null(record_field(f, n, "arc"));
	assert_null(record_field(f, n, "archx"));
	assert_null(record_field(f, n, "ARCH"));
	assert_null(record_field(f, n, "avc:"));
	assert_null(record_field(f, 0, "arch"));
	assert_null(record_field(f, 2, "ar")); /* only the first n */
	free(keep);

	/* keys with NUL bytes never match a C string key */
	struct field g[1] = {{{"a\0b", 3}, sv("1")}};
	assert_null(record_field(g, 1, "a"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header_raw),
	    cmocka_unit_test(test_header_enriched),
	    cmocka_unit_test(test_header_node),
	    cmocka_unit_test(test_header_spacing_and_numbers),
	    cmocka_unit_test(test_header_stamp_repeats),
	    cmocka_unit_test(test_header_length_is_respected),
	    cmocka_unit_test(test_header_malformed),
	    cmocka_unit_test(test_header_nul_bytes),
	    cmocka_unit_test(test_type_numbers),
	    cmocka_unit_test(test_type_cache_pressure),
	    cmocka_unit_test(test_fields_syscall),
	    cmocka_unit_test(test_fields_enriched),
	    cmocka_unit_test(test_fields_quoted),
	    cmocka_unit_test(test_fields_hex),
	    cmocka_unit_test(test_fields_window_edges),
	    cmocka_unit_test(test_fields_user_msg),
	    cmocka_unit_test(test_fields_user_free_text),
	    cmocka_unit_test(test_fields_msg_edge_cases),
	    cmocka_unit_test(test_fields_avc),
	    cmocka_unit_test(test_fields_truncated),
	    cmocka_unit_test(test_field_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
