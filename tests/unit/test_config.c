/* Unit tests for plugin/config.c: defaults, every key, every error (with its
 * exact "FILE:LINE: " prefix), all-or-nothing loading, output specs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "normalize.h"

#define EXAMPLE_CONF TEST_DATA_DIR "/../../conf/audisp-ecs.conf"
#define DEFAULT_PATH "/var/log/audisp-ecs/audisp-ecs.json"

/* --- helpers */

/* Writes len bytes of text to a new file under /tmp; returns its malloc'ed
 * path, to be passed to rm_tmp(). */
static char *write_tmp_n(const char *text, size_t len)
{
	char *path = strdup("/tmp/test_config-XXXXXX");
	int fd;

	assert_non_null(path);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	return path;
}

static char *write_tmp(const char *text)
{
	return write_tmp_n(text, strlen(text));
}

static void rm_tmp(char *path)
{
	unlink(path);
	free(path);
}

static void assert_defaults(const struct config *c)
{
	assert_int_equal(c->n_outputs, 1);
	assert_int_equal(c->outputs[0].kind, OUTPUT_FILE);
	assert_string_equal(c->outputs[0].path, DEFAULT_PATH);
	assert_true(c->resolve_ids);
	assert_true(c->end_of_event_timeout == 2.0);
	assert_int_equal(c->max_inflight, 4096);
	assert_null(c->normalizations);
	assert_false(c->include_raw);
	assert_false(c->include_warnings);
	assert_true(c->message);
	assert_int_equal(c->journal_message, JOURNAL_MESSAGE_SUMMARY);
	assert_int_equal(c->syslog_format, SYSLOG_FORMAT_JSON);
	assert_int_equal(c->syslog_facility, LOG_AUTHPRIV);
	assert_int_equal(c->syslog_priority, LOG_INFO);
	assert_string_equal(c->syslog_ident, "audisp-ecs");
	assert_int_equal(c->syslog_max_size, 8192);
	assert_int_equal(c->rotate_size, 0);
	assert_int_equal(c->rotate_keep, 5);
	assert_int_equal(c->fsync, FSYNC_ROTATE);
	assert_true(c->status_interval == 3600);
}

/* Loads text into a fresh config, expects success; the caller frees c. */
static void load_ok(struct config *c, const char *text)
{
	char err[512] = "";
	char *path = write_tmp(text);

	config_defaults(c);
	if (config_load(c, path, err, sizeof(err)) != 0)
		fail_msg("unexpected error: %s", err);
	rm_tmp(path);
}

/* Loads text, expects failure at LINE with a message containing each of the
 * NULL-terminated strings, and checks the config was left as it was. */
static void load_bad_n(const char *text, size_t len, unsigned line, ...)
{
	struct config c;
	struct output_spec *before_path_owner;
	char *before_path;
	char err[1024] = "", prefix[256];
	char *path = write_tmp_n(text, len);
	va_list ap;

	config_defaults(&c);
	before_path_owner = &c.outputs[0];
	before_path = c.outputs[0].path;
	assert_int_equal(config_load(&c, path, err, sizeof(err)), -1);
	snprintf(prefix, sizeof(prefix), "%s:%u: ", path, line);
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("expected prefix '%s' in '%s'", prefix, err);
	va_start(ap, line);
	for (const char *want; (want = va_arg(ap, const char *));) {
		if (!strstr(err, want))
			fail_msg("expected '%s' in '%s'", want, err);
	}
	va_end(ap);
	assert_defaults(&c);
	assert_ptr_equal(c.outputs[0].path, before_path); /* not even reallocated */
	assert_ptr_equal(&c.outputs[0], before_path_owner);
	config_free(&c);
	rm_tmp(path);
}

#define load_bad(text, line, ...) load_bad_n(text, strlen(text), line, __VA_ARGS__, (char *)NULL)

/* A file consisting of one `key = value` line. */
static void bad_value(const char *key, const char *value, const char *want)
{
	char text[256];

	snprintf(text, sizeof(text), "# comment\n%s = %s\n", key, value);
	load_bad(text, 2, key, want);
}

/* --- defaults and the trivial files */

static void test_defaults(void **state)
{
	struct config c;

	config_defaults(&c);
	assert_defaults(&c);
	config_free(&c);
	assert_int_equal(c.n_outputs, 0);
	config_free(&c); /* twice is harmless */
}

static void test_dev_null(void **state)
{
	struct config c;
	char err[256] = "";

	config_defaults(&c);
	assert_int_equal(config_load(&c, "/dev/null", err, sizeof(err)), 0);
	assert_defaults(&c);
	config_free(&c);
}

static void test_load_into_zeroed(void **state)
{
	struct config c;
	char err[256] = "";

	memset(&c, 0, sizeof(c));
	assert_int_equal(config_load(&c, "/dev/null", err, sizeof(err)), 0);
	assert_defaults(&c);
	config_free(&c);
}

static void test_comments_and_blank_lines(void **state)
{
	struct config c;

	load_ok(&c, "# only comments\n\n   # indented comment\n\t\n#output = stdout\n");
	assert_defaults(&c);
	config_free(&c);
}

static void test_example_config_loads(void **state)
{
	struct config c;
	char err[512] = "";

	config_defaults(&c);
	if (config_load(&c, EXAMPLE_CONF, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_defaults(&c); /* it spells out the defaults */
	config_free(&c);
}

/* --- valid keys */

static void test_all_keys(void **state)
{
	struct config c;

	load_ok(&c, "output = stdout\n"
	            "  output=file:/var/log/x.json  \n"
	            "\toutput\t=\tsyslog\t\n"
	            "output = journal\n"
	            "resolve_ids = no\n"
	            "end_of_event_timeout = 0.5\n"
	            "max_inflight = 100\n"
	            "normalizations = /etc/audit/extra.json\n"
	            "include_raw = yes\n"
	            "include_warnings = on\n"
	            "message = no\n"
	            "journal_message = json\n"
	            "syslog_format = cee\n"
	            "syslog_facility = local3\n"
	            "syslog_priority = notice\n"
	            "syslog_ident = audit-ecs_2\n"
	            "syslog_max_size = 64k\n"
	            "rotate_size = 100M\n"
	            "rotate_keep = 9\n"
	            "fsync = always\n"
	            "status_interval = 0\n");
	assert_int_equal(c.n_outputs, 4);
	assert_string_equal(c.normalizations, "/etc/audit/extra.json");
	assert_true(c.include_raw);
	assert_true(c.include_warnings);
	assert_false(c.message);
	assert_int_equal(c.journal_message, JOURNAL_MESSAGE_JSON);
	assert_int_equal(c.syslog_format, SYSLOG_FORMAT_CEE);
	assert_int_equal(c.syslog_facility, LOG_LOCAL3);
	assert_int_equal(c.syslog_priority, LOG_NOTICE);
	assert_string_equal(c.syslog_ident, "audit-ecs_2");
	assert_int_equal(c.syslog_max_size, 65536);
	assert_true(c.rotate_size == 100ULL * 1024 * 1024);
	assert_int_equal(c.rotate_keep, 9);
	assert_int_equal(c.fsync, FSYNC_ALWAYS);
	assert_true(c.status_interval == 0);
	assert_int_equal(c.outputs[0].kind, OUTPUT_STDOUT);
	assert_null(c.outputs[0].path);
	assert_int_equal(c.outputs[1].kind, OUTPUT_FILE);
	assert_string_equal(c.outputs[1].path, "/var/log/x.json");
	assert_int_equal(c.outputs[2].kind, OUTPUT_SYSLOG);
	assert_int_equal(c.outputs[3].kind, OUTPUT_JOURNAL);
	assert_false(c.resolve_ids);
	assert_true(c.end_of_event_timeout == 0.5);
	assert_int_equal(c.max_inflight, 100);
	config_free(&c);
}

static void test_outputs_in_order(void **state)
{
	struct config c;

	load_ok(&c, "output = file:/b\noutput = file:/a\noutput = stdout\noutput = file:/c\n");
	assert_int_equal(c.n_outputs, 4);
	assert_string_equal(c.outputs[0].path, "/b");
	assert_string_equal(c.outputs[1].path, "/a");
	assert_int_equal(c.outputs[2].kind, OUTPUT_STDOUT);
	assert_string_equal(c.outputs[3].path, "/c");
	config_free(&c);
}

static void test_no_output_keeps_default(void **state)
{
	struct config c;

	load_ok(&c, "max_inflight = 7\n");
	assert_int_equal(c.n_outputs, 1);
	assert_string_equal(c.outputs[0].path, DEFAULT_PATH);
	assert_int_equal(c.max_inflight, 7);
	config_free(&c);
}

static void test_output_replaces_default(void **state)
{
	struct config c;

	load_ok(&c, "output = stdout\n");
	assert_int_equal(c.n_outputs, 1);
	assert_int_equal(c.outputs[0].kind, OUTPUT_STDOUT);
	config_free(&c);
}

static void test_max_outputs(void **state)
{
	char text[1024] = "";
	struct config c;

	for (int i = 0; i < CONFIG_MAX_OUTPUTS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "output = file:/o%d\n",
		         i);
	load_ok(&c, text);
	assert_int_equal(c.n_outputs, CONFIG_MAX_OUTPUTS);
	assert_string_equal(c.outputs[CONFIG_MAX_OUTPUTS - 1].path, "/o15");
	config_free(&c);
}

static void test_path_with_hash_and_equals(void **state)
{
	struct config c;

	load_ok(&c, "output = file:/var/log/a#b=c d.json\n");
	assert_string_equal(c.outputs[0].path, "/var/log/a#b=c d.json");
	config_free(&c);
}

static void test_bool_spellings(void **state)
{
	static const struct {
		const char *text;
		bool want;
	} cases[] = {
	    {"yes", true},    {"YES", true},  {"true", true}, {"True", true}, {"on", true},
	    {"ON", true},     {"1", true},    {"no", false},  {"No", false},  {"false", false},
	    {"FALSE", false}, {"off", false}, {"Off", false}, {"0", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[64];
		struct config c;

		snprintf(text, sizeof(text), "resolve_ids = %s\n", cases[i].text);
		load_ok(&c, text);
		if (c.resolve_ids != cases[i].want)
			fail_msg("resolve_ids = %s", cases[i].text);
		config_free(&c);
	}
}

static void test_timeout_values(void **state)
{
	static const struct {
		const char *text;
		double want;
	} cases[] = {
	    {"2", 2.0},       {"0.5", 0.5}, {"3600", 3600.0}, {"3600.000", 3600.0},
	    {"0.001", 0.001}, {"007", 7.0}, {"1.25", 1.25},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[64];
		struct config c;

		snprintf(text, sizeof(text), "end_of_event_timeout = %s\n", cases[i].text);
		load_ok(&c, text);
		if (c.end_of_event_timeout != cases[i].want)
			fail_msg("end_of_event_timeout = %s gave %g", cases[i].text,
			         c.end_of_event_timeout);
		config_free(&c);
	}
}

static void test_max_inflight_values(void **state)
{
	static const struct {
		const char *text;
		size_t want;
	} cases[] = {{"1", 1}, {"4096", 4096}, {"1000000", 1000000}, {"0010", 10}};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[64];
		struct config c;

		snprintf(text, sizeof(text), "max_inflight = %s\n", cases[i].text);
		load_ok(&c, text);
		assert_int_equal(c.max_inflight, cases[i].want);
		config_free(&c);
	}
}

static void test_crlf_accepted(void **state)
{
	struct config c;

	load_ok(&c, "# windows\r\n\r\noutput = file:/x\r\nresolve_ids = off\r\n"
	            "max_inflight = 5\r\nend_of_event_timeout = 1.5\r\n");
	assert_int_equal(c.n_outputs, 1);
	assert_string_equal(c.outputs[0].path, "/x"); /* no '\r' kept */
	assert_false(c.resolve_ids);
	assert_int_equal(c.max_inflight, 5);
	assert_true(c.end_of_event_timeout == 1.5);
	config_free(&c);
}

static void test_no_final_newline(void **state)
{
	struct config c;

	load_ok(&c, "resolve_ids = no\nmax_inflight = 9");
	assert_int_equal(c.max_inflight, 9);
	config_free(&c);
}

static void test_line_at_limit(void **state)
{
	/* "output = file:/" + padding = exactly CONFIG_MAX_LINE bytes. */
	static char text[CONFIG_MAX_LINE + 3];
	const char *head = "output = file:/";
	struct config c;

	memset(text, 'a', CONFIG_MAX_LINE);
	memcpy(text, head, strlen(head));
	memcpy(text + CONFIG_MAX_LINE, "\r\n", 3); /* CRLF does not count */
	load_ok(&c, text);
	assert_int_equal(strlen(c.outputs[0].path), CONFIG_MAX_LINE - strlen("output = file:"));
	config_free(&c);
}

/* --- reloads */

static void test_reload_replaces(void **state)
{
	struct config c;
	char err[256] = "";
	char *p2 = write_tmp("output = file:/second\n");

	load_ok(&c, "output = file:/first\noutput = stdout\nmax_inflight = 3\n");
	assert_int_equal(config_load(&c, p2, err, sizeof(err)), 0);
	assert_int_equal(c.n_outputs, 1);
	assert_string_equal(c.outputs[0].path, "/second");
	assert_int_equal(c.max_inflight, 4096); /* back to default: not in this file */
	config_free(&c);
	rm_tmp(p2);
}

static void test_failed_load_leaves_config(void **state)
{
	struct config c;
	char err[512] = "";
	char *p0, *p1;
	char *bad = write_tmp("output = file:/new1\n"
	                      "output = journal\n"
	                      "resolve_ids = yes\n"
	                      "end_of_event_timeout = 9\n"
	                      "max_inflight = 12\n"
	                      "max_inflight = 13\n");

	load_ok(&c, "output = file:/old0\noutput = syslog\noutput = file:/old2\n"
	            "resolve_ids = no\nend_of_event_timeout = 0.25\nmax_inflight = 77\n");
	p0 = c.outputs[0].path;
	p1 = c.outputs[2].path;
	assert_int_equal(config_load(&c, bad, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":6: max_inflight: "));
	assert_int_equal(c.n_outputs, 3);
	assert_int_equal(c.outputs[0].kind, OUTPUT_FILE);
	assert_ptr_equal(c.outputs[0].path, p0);
	assert_string_equal(c.outputs[0].path, "/old0");
	assert_int_equal(c.outputs[1].kind, OUTPUT_SYSLOG);
	assert_null(c.outputs[1].path);
	assert_int_equal(c.outputs[2].kind, OUTPUT_FILE);
	assert_ptr_equal(c.outputs[2].path, p1);
	assert_string_equal(c.outputs[2].path, "/old2");
	assert_false(c.resolve_ids);
	assert_true(c.end_of_event_timeout == 0.25);
	assert_int_equal(c.max_inflight, 77);

	/* A missing file leaves it too. */
	assert_int_equal(config_load(&c, "/nonexistent/audisp-ecs.conf", err, sizeof(err)), -1);
	assert_int_equal(c.n_outputs, 3);
	assert_ptr_equal(c.outputs[0].path, p0);
	assert_int_equal(c.max_inflight, 77);
	config_free(&c);
	rm_tmp(bad);
}

/* --- errors */

static void test_missing_file(void **state)
{
	struct config c;
	char err[256] = "";

	config_defaults(&c);
	assert_int_equal(config_load(&c, "/nonexistent/audisp-ecs.conf", err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/audisp-ecs.conf: No such file or directory");
	assert_defaults(&c);
	config_free(&c);
}

static void test_unreadable_file(void **state)
{
	struct config c;
	char err[256] = "";

	config_defaults(&c);
	assert_int_equal(config_load(&c, "/tmp", err, sizeof(err)), -1);
	assert_string_equal(err, "/tmp: Is a directory");
	assert_defaults(&c);
	config_free(&c);
}

static void test_null_err(void **state)
{
	struct config c;
	char *path = write_tmp("bogus = 1\n");

	config_defaults(&c);
	assert_int_equal(config_load(&c, path, NULL, 0), -1);
	assert_defaults(&c);
	config_free(&c);
	rm_tmp(path);
}

static void test_unknown_key(void **state)
{
	load_bad("resolve_ids = yes\n\nbogus = 1\n", 3, "unknown key 'bogus'", "output",
	         "resolve_ids", "end_of_event_timeout", "max_inflight");
	/* keys are case-sensitive */
	load_bad("Output = stdout\n", 1, "unknown key 'Output'");
	load_bad("max inflight = 3\n", 1, "unknown key 'max inflight'");
}

static void test_missing_equals(void **state)
{
	load_bad("\nresolve_ids yes\n", 2, "resolve_ids: missing '='", "yes or no");
	load_bad("max_inflight\n", 1, "max_inflight: missing '='");
	load_bad("something odd\n", 1, "missing '=' in 'something odd'", "key = value");
}

static void test_missing_key(void **state)
{
	load_bad("= yes\n", 1, "missing key before '='");
}

static void test_empty_value(void **state)
{
	load_bad("output =\n", 1, "output: empty value", "stdout, file:/absolute/path");
	load_bad("# x\n\nresolve_ids =   \t\n", 3, "resolve_ids: empty value", "yes or no");
	load_bad("end_of_event_timeout=\n", 1, "end_of_event_timeout: empty value");
	load_bad("max_inflight = \n", 1, "max_inflight: empty value", "1 to 1000000");
}

static void test_duplicate_key(void **state)
{
	load_bad("resolve_ids = yes\n# x\nresolve_ids = yes\n", 3,
	         "resolve_ids: given again (first on line 1)", "only once");
	load_bad("end_of_event_timeout = 1\nend_of_event_timeout = 2\n", 2,
	         "end_of_event_timeout: given again");
	load_bad("max_inflight = 1\noutput = stdout\nmax_inflight = 1\n", 3,
	         "max_inflight: given again");
}

static void test_duplicate_output(void **state)
{
	load_bad("output = stdout\noutput = file:/a\noutput = stdout\n", 3,
	         "output: 'stdout' is already an output (line 1)");
	load_bad("output = file:/a\noutput = file:/a\n", 2, "output: 'file:/a' is already");
}

static void test_trailing_comment(void **state)
{
	load_bad("max_inflight = 10 # ten\n", 1, "max_inflight: trailing comments");
	load_bad("output = file:/var/log/x.json\t# main log\n", 1, "output: trailing comments");
}

static void test_line_too_long(void **state)
{
	static char text[CONFIG_MAX_LINE + 64];
	const char *head = "output = file:/";

	/* One byte over, on line 2. */
	strcpy(text, "# a comment\n");
	size_t start = strlen(text);
	memset(text + start, 'a', CONFIG_MAX_LINE + 1);
	memcpy(text + start, head, strlen(head));
	strcpy(text + start + CONFIG_MAX_LINE + 1, "\n");
	load_bad(text, 2, "line longer than 4096 bytes");

	/* A long comment is still a long line. */
	memset(text, '#', CONFIG_MAX_LINE + 10);
	text[CONFIG_MAX_LINE + 10] = '\0';
	load_bad(text, 1, "line longer than 4096 bytes");
}

static void test_too_many_outputs(void **state)
{
	char text[1024] = "resolve_ids = yes\n";

	for (int i = 0; i <= CONFIG_MAX_OUTPUTS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "output = file:/o%d\n",
		         i);
	load_bad(text, CONFIG_MAX_OUTPUTS + 2, "output: too many outputs", "at most 16");
}

static void test_control_characters(void **state)
{
	load_bad("resolve_ids = yes\nmax_inflight = 1\r0\n", 2, "control character 0x0d");
	load_bad("output = file:/a\033[0mb\n", 1, "control character 0x1b");
	load_bad_n("max_inflight = 1\0\n", 18, 1, "control character 0x00", (char *)NULL);
}

static void test_bad_output(void **state)
{
	bad_value("output", "bogus", "unknown output 'bogus'");
	bad_value("output", "STDOUT", "unknown output 'STDOUT'");
	bad_value("output", "file:", "'file:' needs a path");
	bad_value("output", "file:var/log/x", "file path 'var/log/x' is not absolute");
	bad_value("output", "file:./x", "is not absolute");
	bad_value("output", "file: /x", "is not absolute");
	bad_value("output", "file:/var/log/", "names a directory");
	bad_value("output", "\"stdout\"", "unknown output");
}

static void test_bad_bool(void **state)
{
	bad_value("resolve_ids", "maybe", "'maybe' is not a yes/no value");
	bad_value("resolve_ids", "yess", "not a yes/no value");
	bad_value("resolve_ids", "2", "not a yes/no value");
	bad_value("resolve_ids", "y", "not a yes/no value");
	bad_value("resolve_ids", "yes no", "not a yes/no value");
	bad_value("include_raw", "maybe", "not a yes/no value");
	bad_value("include_warnings", "2", "not a yes/no value");
	bad_value("message", "y", "not a yes/no value");
	bad_value("normalizations", "rules.json", "not an absolute path");
	bad_value("journal_message", "text", "expected summary or json");
	bad_value("syslog_format", "xml", "expected json, cee or summary");
	bad_value("syslog_facility", "kern", "not a facility");
	bad_value("syslog_priority", "loud", "not a priority");
	bad_value("syslog_ident", "a b", "not a valid ident");
	bad_value("syslog_max_size", "100", "out of range");
	bad_value("syslog_max_size", "1T", "not a whole number");
	bad_value("rotate_size", "-1", "not a whole number");
	bad_value("rotate_size", "99999999999999999999", "out of range");
	bad_value("rotate_keep", "0", "out of range");
	bad_value("fsync", "sometimes", "expected never, rotate or always");
	bad_value("status_interval", "1.5", "not a whole number");
	bad_value("status_interval", "86401", "out of range");
}

static void test_bad_timeout(void **state)
{
	static const char *const not_number[] = {
	    "1e3", "inf", "nan", "0x10", "-1", "+2", "2.", ".5", "1,5", "2s", "2 s", "1.2.3",
	};
	static const char *const out_of_range[] = {
	    "0", "0.0", "0.000", "3600.001", "3601", "99999999999999999999999999999999",
	};

	for (size_t i = 0; i < sizeof(not_number) / sizeof(not_number[0]); i++)
		bad_value("end_of_event_timeout", not_number[i], "not a plain decimal number");
	for (size_t i = 0; i < sizeof(out_of_range) / sizeof(out_of_range[0]); i++)
		bad_value("end_of_event_timeout", out_of_range[i], "out of range");
	bad_value("end_of_event_timeout", "0", "greater than 0 and at most 3600");
}

static void test_bad_max_inflight(void **state)
{
	static const char *const not_number[] = {
	    "10x", "-1", "+5", "0x10", "1.5", "1e3", "1 000", "ten",
	};
	static const char *const out_of_range[] = {
	    "0",
	    "000",
	    "1000001",
	    "4294967296",
	    "18446744073709551616",
	    "99999999999999999999999999999999999999999",
	};

	for (size_t i = 0; i < sizeof(not_number) / sizeof(not_number[0]); i++)
		bad_value("max_inflight", not_number[i], "not a whole number");
	for (size_t i = 0; i < sizeof(out_of_range) / sizeof(out_of_range[0]); i++)
		bad_value("max_inflight", out_of_range[i], "out of range");
	bad_value("max_inflight", "0", "1 to 1000000");
}

/* --- config_parse_output */

static void test_parse_output_ok(void **state)
{
	struct output_spec o;
	char err[256] = "";

	assert_int_equal(config_parse_output("stdout", &o, err, sizeof(err)), 0);
	assert_int_equal(o.kind, OUTPUT_STDOUT);
	assert_null(o.path);
	assert_int_equal(config_parse_output("syslog", &o, err, sizeof(err)), 0);
	assert_int_equal(o.kind, OUTPUT_SYSLOG);
	assert_null(o.path);
	assert_int_equal(config_parse_output("journal", &o, err, sizeof(err)), 0);
	assert_int_equal(o.kind, OUTPUT_JOURNAL);
	assert_null(o.path);
	assert_int_equal(config_parse_output("file:/var/log/e.json", &o, err, sizeof(err)), 0);
	assert_int_equal(o.kind, OUTPUT_FILE);
	assert_string_equal(o.path, "/var/log/e.json");
	free(o.path);
}

static void parse_output_bad(const char *spec, const char *want)
{
	struct output_spec o = {.kind = OUTPUT_SYSLOG, .path = NULL};
	char err[256] = "";

	assert_int_equal(config_parse_output(spec, &o, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("'%s': expected '%s' in '%s'", spec, want, err);
	assert_int_equal(o.kind, OUTPUT_SYSLOG); /* untouched */
	assert_null(o.path);
}

static void test_parse_output_bad(void **state)
{
	parse_output_bad("", "empty output");
	parse_output_bad("file:", "'file:' needs a path");
	parse_output_bad("file:relative/x", "not absolute");
	parse_output_bad("file:/", "names a directory");
	parse_output_bad("stdout ", "unknown output 'stdout '");
	parse_output_bad("file", "unknown output 'file'");
	parse_output_bad("tcp:localhost:514",
	                 "expected stdout, file:/absolute/path, syslog or journal");
	/* a NULL err is allowed */
	struct output_spec o;
	assert_int_equal(config_parse_output("nope", &o, NULL, 0), -1);
}

/* --- config_set_outputs */

static void test_set_outputs(void **state)
{
	struct config c;
	char src_path[] = "/var/log/src.json";
	struct output_spec specs[] = {
	    {OUTPUT_STDOUT, NULL},
	    {OUTPUT_FILE, src_path},
	    {OUTPUT_JOURNAL, NULL},
	};

	config_defaults(&c);
	assert_int_equal(config_set_outputs(&c, specs, 3), 0);
	assert_int_equal(c.n_outputs, 3);
	assert_int_equal(c.outputs[0].kind, OUTPUT_STDOUT);
	assert_int_equal(c.outputs[1].kind, OUTPUT_FILE);
	assert_ptr_not_equal(c.outputs[1].path, src_path); /* deep copy */
	src_path[1] = 'X';
	assert_string_equal(c.outputs[1].path, "/var/log/src.json");
	assert_int_equal(c.outputs[2].kind, OUTPUT_JOURNAL);

	/* Its own outputs as the source. */
	assert_int_equal(config_set_outputs(&c, c.outputs, c.n_outputs), 0);
	assert_int_equal(c.n_outputs, 3);
	assert_string_equal(c.outputs[1].path, "/var/log/src.json");
	assert_int_equal(config_set_outputs(&c, &c.outputs[1], 1), 0);
	assert_int_equal(c.n_outputs, 1);
	assert_string_equal(c.outputs[0].path, "/var/log/src.json");
	config_free(&c);
}

static void test_set_outputs_errors(void **state)
{
	struct config c;
	struct output_spec many[CONFIG_MAX_OUTPUTS + 1];
	struct output_spec nopath[] = {{OUTPUT_FILE, "/ok"}, {OUTPUT_FILE, NULL}};

	for (size_t i = 0; i < CONFIG_MAX_OUTPUTS + 1; i++)
		many[i] = (struct output_spec){OUTPUT_STDOUT, NULL};
	config_defaults(&c);
	errno = 0;
	assert_int_equal(config_set_outputs(&c, many, CONFIG_MAX_OUTPUTS + 1), -1);
	assert_int_equal(errno, EINVAL);
	assert_defaults(&c);
	errno = 0;
	assert_int_equal(config_set_outputs(&c, nopath, 2), -1); /* frees the first copy */
	assert_int_equal(errno, EINVAL);
	assert_defaults(&c);
	assert_int_equal(config_set_outputs(&c, many, CONFIG_MAX_OUTPUTS), 0);
	assert_int_equal(c.n_outputs, CONFIG_MAX_OUTPUTS);
	config_free(&c);
}

static void test_user(void **state)
{
	struct config c;

	load_ok(&c, "user = nobody\n");
	assert_string_equal(c.user, "nobody");
	assert_int_equal(c.uid, 65534);
	assert_int_equal(c.gid, 65534);
	config_free(&c);
	assert_null(c.user);
	load_ok(&c, "user = root\n");
	assert_int_equal(c.uid, 0);
	config_free(&c);
	/* not set: none */
	load_ok(&c, "max_inflight = 3\n");
	assert_null(c.user);
	config_free(&c);
	load_bad("# x\nuser = no-such-user-e2e\n", 2, "user: no user 'no-such-user-e2e'",
		 "expected the name of a user");
	load_bad("user = nobody\nuser = root\n", 2, "given again");
}

/* --- the file check: owner root, not group/world-writable */

/* load PATH: refused, with every one of the strings in the message */
static void load_refused(const char *path, const char *want1, const char *want2)
{
	struct config c;
	char err[512] = "";

	config_defaults(&c);
	assert_int_equal(config_load(&c, path, err, sizeof(err)), -1);
	if (!strstr(err, path) || !strstr(err, want1) || !strstr(err, want2))
		fail_msg("'%s' does not name %s, '%s' and '%s'", err, path, want1, want2);
	assert_non_null(strstr(err, "must be owned by root and not writable by group or others"));
	assert_defaults(&c);
	config_free(&c);
}

static void test_writable_refused(void **state)
{
	char *path = write_tmp("max_inflight = 10\n");

	assert_int_equal(chmod(path, 0620), 0);
	load_refused(path, "writable by group or others", "mode 0620");
	assert_int_equal(chmod(path, 0606), 0);
	load_refused(path, "writable by group or others", "mode 0606");
	/* read-only for everyone but root's write is fine */
	assert_int_equal(chmod(path, 0644), 0);
	struct config c;
	char err[512] = "";
	config_defaults(&c);
	assert_int_equal(config_load(&c, path, err, sizeof(err)), 0);
	assert_int_equal(c.max_inflight, 10);
	config_free(&c);
	rm_tmp(path);
}

static void test_symlink_judged_by_target(void **state)
{
	char *path = write_tmp("max_inflight = 10\n");
	char link[256];

	snprintf(link, sizeof(link), "%s.link", path);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(chmod(path, 0666), 0);
	load_refused(link, "writable by group or others", "mode 0666");
	unlink(link);
	rm_tmp(path);
}

static void test_owner_refused(void **state)
{
	if (geteuid() != 0)
		skip(); /* chown needs root */
	char *path = write_tmp("max_inflight = 10\n");
	assert_int_equal(chown(path, 65534, 65534), 0);
	load_refused(path, "not owned by root", "owner uid 65534");
	/* both wrong: both said */
	assert_int_equal(chmod(path, 0664), 0);
	load_refused(path, "not owned by root and writable by group or others", "mode 0664");
	/* an owner the daemon trusts (its own euid when not root) */
	assert_int_equal(chmod(path, 0644), 0);
	config_trust_owner(65534);
	struct config c;
	char err[512] = "";
	config_defaults(&c);
	assert_int_equal(config_load(&c, path, err, sizeof(err)), 0);
	config_free(&c);
	config_trust_owner(0);
	rm_tmp(path);
}

static void test_normalizations_file_checked(void **state)
{
	char *path = write_tmp("{\"record_types\": {}}\n");
	char err[512] = "";

	assert_int_equal(chmod(path, 0660), 0);
	assert_null(normtab_load(path, err, sizeof(err)));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "mode 0660"));
	rm_tmp(path);
}

static void test_check_file_devices(void **state)
{
	char err[256] = "";
	int fd = open("/dev/null", O_RDONLY);

	/* a character device, mode 0666: only regular files are checked */
	assert_true(fd >= 0);
	assert_int_equal(config_check_file(fd, "/dev/null", err, sizeof(err)), 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_dev_null),
	    cmocka_unit_test(test_load_into_zeroed),
	    cmocka_unit_test(test_comments_and_blank_lines),
	    cmocka_unit_test(test_example_config_loads),
	    cmocka_unit_test(test_all_keys),
	    cmocka_unit_test(test_outputs_in_order),
	    cmocka_unit_test(test_no_output_keeps_default),
	    cmocka_unit_test(test_output_replaces_default),
	    cmocka_unit_test(test_max_outputs),
	    cmocka_unit_test(test_path_with_hash_and_equals),
	    cmocka_unit_test(test_bool_spellings),
	    cmocka_unit_test(test_timeout_values),
	    cmocka_unit_test(test_max_inflight_values),
	    cmocka_unit_test(test_crlf_accepted),
	    cmocka_unit_test(test_no_final_newline),
	    cmocka_unit_test(test_line_at_limit),
	    cmocka_unit_test(test_reload_replaces),
	    cmocka_unit_test(test_failed_load_leaves_config),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_unreadable_file),
	    cmocka_unit_test(test_null_err),
	    cmocka_unit_test(test_unknown_key),
	    cmocka_unit_test(test_missing_equals),
	    cmocka_unit_test(test_missing_key),
	    cmocka_unit_test(test_empty_value),
	    cmocka_unit_test(test_duplicate_key),
	    cmocka_unit_test(test_duplicate_output),
	    cmocka_unit_test(test_trailing_comment),
	    cmocka_unit_test(test_line_too_long),
	    cmocka_unit_test(test_too_many_outputs),
	    cmocka_unit_test(test_control_characters),
	    cmocka_unit_test(test_bad_output),
	    cmocka_unit_test(test_bad_bool),
	    cmocka_unit_test(test_bad_timeout),
	    cmocka_unit_test(test_bad_max_inflight),
	    cmocka_unit_test(test_parse_output_ok),
	    cmocka_unit_test(test_parse_output_bad),
	    cmocka_unit_test(test_set_outputs),
	    cmocka_unit_test(test_set_outputs_errors),
	    cmocka_unit_test(test_user),
	    cmocka_unit_test(test_writable_refused),
	    cmocka_unit_test(test_symlink_judged_by_target),
	    cmocka_unit_test(test_owner_refused),
	    cmocka_unit_test(test_normalizations_file_checked),
	    cmocka_unit_test(test_check_file_devices),
	};
	/* as the daemon: a user's own files are trusted when not run as root */
	if (geteuid() != 0)
		config_trust_owner(geteuid());

	return cmocka_run_group_tests(tests, NULL, NULL);
}
