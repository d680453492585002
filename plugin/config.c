/* config: built-in defaults and the auditd-style `key = value` file.
 *
 * The file is parsed into a private struct and only swapped into the
 * caller's on complete success, so a bad file never half-applies. Every key
 * is one row of keys[] below: name, whether it may repeat, its value parser,
 * and what values it allows (the latter is quoted in error messages). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <syslog.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define TIMEOUT_MAX 3600.0
#define INFLIGHT_MAX 1000000u
/* How much of a bad value or line to quote back in a message. */
#define QUOTE_MAX 80

#define OUTPUT_ALLOWED "stdout, file:/absolute/path, syslog or journal"
#define BOOL_ALLOWED "yes or no (also true/false, on/off, 1/0)"
#define TIMEOUT_ALLOWED "seconds such as 2 or 0.5, greater than 0 and at most 3600"
#define INFLIGHT_ALLOWED "a whole number from 1 to 1000000"
#define PATH_ALLOWED "an absolute path"
#define JOURNAL_MESSAGE_ALLOWED "summary or json"
#define SYSLOG_FORMAT_ALLOWED "json, cee or summary"
#define FACILITY_ALLOWED "auth, authpriv, daemon, user, local0 ... local7"
#define PRIORITY_ALLOWED "emerg, alert, crit, err, warning, notice, info or debug"
#define IDENT_ALLOWED "1 to 63 characters: letters, digits, '-', '_', '.'"
#define MAX_SIZE_ALLOWED "a number of bytes from 1024 to 16777216 (k, M suffixes allowed)"
#define ROTATE_SIZE_ALLOWED "a number of bytes (k, M, G suffixes allowed); 0 = no rotation"
#define ROTATE_KEEP_ALLOWED "a whole number from 1 to 1000"
#define FSYNC_ALLOWED "never, rotate or always"
#define STATUS_ALLOWED "seconds from 0 (off) to 86400"
#define USER_ALLOWED "the name of a user in the passwd database"

/* Parsing state for one config_load. */
struct loader {
	struct config cfg;                        /* the result, owned */
	unsigned output_line[CONFIG_MAX_OUTPUTS]; /* where each output was given */
	unsigned *seen_line;                      /* per key: first line, 0 = not yet */
	unsigned line;
};

/* A value parser: applies VALUE to ld->cfg, or returns -1 with the reason
 * (which names the allowed values) in why. */
typedef int (*value_parser)(struct loader *ld, const char *value, char *why, size_t whylen);

struct key {
	const char *name;
	bool repeatable;
	value_parser parse;
	const char *allowed;
};

static int parse_output(struct loader *, const char *, char *, size_t);
static int parse_resolve_ids(struct loader *, const char *, char *, size_t);
static int parse_timeout(struct loader *, const char *, char *, size_t);
static int parse_max_inflight(struct loader *, const char *, char *, size_t);
static int parse_normalizations(struct loader *, const char *, char *, size_t);
static int parse_include_raw(struct loader *, const char *, char *, size_t);
static int parse_include_warnings(struct loader *, const char *, char *, size_t);
static int parse_message(struct loader *, const char *, char *, size_t);
static int parse_journal_message(struct loader *, const char *, char *, size_t);
static int parse_syslog_format(struct loader *, const char *, char *, size_t);
static int parse_syslog_facility(struct loader *, const char *, char *, size_t);
static int parse_syslog_priority(struct loader *, const char *, char *, size_t);
static int parse_syslog_ident(struct loader *, const char *, char *, size_t);
static int parse_syslog_max_size(struct loader *, const char *, char *, size_t);
static int parse_rotate_size(struct loader *, const char *, char *, size_t);
static int parse_rotate_keep(struct loader *, const char *, char *, size_t);
static int parse_fsync(struct loader *, const char *, char *, size_t);
static int parse_status_interval(struct loader *, const char *, char *, size_t);
static int parse_user(struct loader *, const char *, char *, size_t);

static const struct key keys[] = {
    {"output", true, parse_output, OUTPUT_ALLOWED},
    {"resolve_ids", false, parse_resolve_ids, BOOL_ALLOWED},
    {"end_of_event_timeout", false, parse_timeout, TIMEOUT_ALLOWED},
    {"max_inflight", false, parse_max_inflight, INFLIGHT_ALLOWED},
    {"normalizations", false, parse_normalizations, PATH_ALLOWED},
    {"include_raw", false, parse_include_raw, BOOL_ALLOWED},
    {"include_warnings", false, parse_include_warnings, BOOL_ALLOWED},
    {"message", false, parse_message, BOOL_ALLOWED},
    {"journal_message", false, parse_journal_message, JOURNAL_MESSAGE_ALLOWED},
    {"syslog_format", false, parse_syslog_format, SYSLOG_FORMAT_ALLOWED},
    {"syslog_facility", false, parse_syslog_facility, FACILITY_ALLOWED},
    {"syslog_priority", false, parse_syslog_priority, PRIORITY_ALLOWED},
    {"syslog_ident", false, parse_syslog_ident, IDENT_ALLOWED},
    {"syslog_max_size", false, parse_syslog_max_size, MAX_SIZE_ALLOWED},
    {"rotate_size", false, parse_rotate_size, ROTATE_SIZE_ALLOWED},
    {"rotate_keep", false, parse_rotate_keep, ROTATE_KEEP_ALLOWED},
    {"fsync", false, parse_fsync, FSYNC_ALLOWED},
    {"status_interval", false, parse_status_interval, STATUS_ALLOWED},
    {"user", false, parse_user, USER_ALLOWED},
};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

__attribute__((format(printf, 3, 4))) static void seterr(char *err, size_t errlen, const char *fmt,
                                                         ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Scalars at their defaults, no outputs. */
static void scalar_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->resolve_ids = true;
	c->end_of_event_timeout = 2.0;
	c->max_inflight = 4096;
	c->message = true;
	c->journal_message = JOURNAL_MESSAGE_SUMMARY;
	c->syslog_format = SYSLOG_FORMAT_JSON;
	c->syslog_facility = LOG_AUTHPRIV;
	c->syslog_priority = LOG_INFO;
	strcpy(c->syslog_ident, "audisp-ecs");
	c->syslog_max_size = 8192;
	c->rotate_size = 0;
	c->rotate_keep = 5;
	c->fsync = FSYNC_ROTATE;
	c->status_interval = 3600;
}

/* Adds the default output; -1 if out of memory. */
static int add_default_output(struct config *c)
{
	if (config_parse_output(CONFIG_DEFAULT_OUTPUT, &c->outputs[0], NULL, 0) < 0)
		return -1;
	c->n_outputs = 1;
	return 0;
}

void config_defaults(struct config *c)
{
	scalar_defaults(c);
	if (add_default_output(c) < 0) {
		fprintf(stderr, "audisp-ecs: out of memory\n");
		abort();
	}
}

static void free_outputs(struct config *c)
{
	for (size_t i = 0; i < c->n_outputs; i++) {
		free(c->outputs[i].path);
		c->outputs[i].path = NULL;
	}
	c->n_outputs = 0;
}

void config_free(struct config *c)
{
	free_outputs(c);
	free(c->normalizations);
	c->normalizations = NULL;
	free(c->user);
	c->user = NULL;
}

int config_parse_output(const char *spec, struct output_spec *out, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		enum output_kind kind;
	} plain[] = {
	    {"stdout", OUTPUT_STDOUT},
	    {"syslog", OUTPUT_SYSLOG},
	    {"journal", OUTPUT_JOURNAL},
	};

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (strcmp(spec, plain[i].name) == 0) {
			out->kind = plain[i].kind;
			out->path = NULL;
			return 0;
		}
	}
	if (strncmp(spec, "file:", 5) == 0) {
		const char *path = spec + 5;
		char *copy;

		if (*path == '\0') {
			seterr(err, errlen, "'file:' needs a path; expected file:/absolute/path");
			return -1;
		}
		if (*path != '/') {
			seterr(err, errlen,
			       "file path '%.*s' is not absolute; expected file:/absolute/path",
			       QUOTE_MAX, path);
			return -1;
		}
		if (path[strlen(path) - 1] == '/') {
			seterr(err, errlen,
			       "file path '%.*s' names a directory; expected file:/absolute/path "
			       "of a file",
			       QUOTE_MAX, path);
			return -1;
		}
		copy = strdup(path);
		if (!copy) {
			seterr(err, errlen, "out of memory");
			return -1;
		}
		out->kind = OUTPUT_FILE;
		out->path = copy;
		return 0;
	}
	if (*spec == '\0')
		seterr(err, errlen, "empty output; expected " OUTPUT_ALLOWED);
	else
		seterr(err, errlen, "unknown output '%.*s'; expected " OUTPUT_ALLOWED, QUOTE_MAX,
		       spec);
	return -1;
}

int config_set_outputs(struct config *c, const struct output_spec *specs, size_t n)
{
	struct output_spec copy[CONFIG_MAX_OUTPUTS];

	if (n > CONFIG_MAX_OUTPUTS) {
		errno = EINVAL;
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		copy[i].kind = specs[i].kind;
		copy[i].path = NULL;
		if (specs[i].kind == OUTPUT_FILE) {
			if (!specs[i].path || !*specs[i].path)
				errno = EINVAL;
			else
				copy[i].path = strdup(specs[i].path);
			if (!copy[i].path) {
				int saved = errno;
				while (i-- > 0)
					free(copy[i].path);
				errno = saved;
				return -1;
			}
		}
	}
	/* Only now drop the old ones: specs may point into c->outputs. */
	free_outputs(c);
	memcpy(c->outputs, copy, n * sizeof(copy[0]));
	c->n_outputs = n;
	return 0;
}

static bool same_output(const struct output_spec *a, const struct output_spec *b)
{
	if (a->kind != b->kind)
		return false;
	return a->kind != OUTPUT_FILE || strcmp(a->path, b->path) == 0;
}

static int parse_output(struct loader *ld, const char *value, char *why, size_t whylen)
{
	struct config *c = &ld->cfg;
	struct output_spec o;

	if (c->n_outputs == CONFIG_MAX_OUTPUTS) {
		seterr(why, whylen, "too many outputs; at most %d 'output' lines are allowed",
		       CONFIG_MAX_OUTPUTS);
		return -1;
	}
	if (config_parse_output(value, &o, why, whylen) < 0)
		return -1;
	for (size_t i = 0; i < c->n_outputs; i++) {
		if (same_output(&o, &c->outputs[i])) {
			seterr(why, whylen,
			       "'%.*s' is already an output (line %u); each output may be "
			       "listed once",
			       QUOTE_MAX, value, ld->output_line[i]);
			free(o.path);
			return -1;
		}
	}
	ld->output_line[c->n_outputs] = ld->line;
	c->outputs[c->n_outputs++] = o;
	return 0;
}

static int parse_bool(const char *value, bool *out, char *why, size_t whylen)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(value, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(value, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	seterr(why, whylen, "'%.*s' is not a yes/no value; expected " BOOL_ALLOWED, QUOTE_MAX,
	       value);
	return -1;
}

static int parse_resolve_ids(struct loader *ld, const char *value, char *why, size_t whylen)
{
	return parse_bool(value, &ld->cfg.resolve_ids, why, whylen);
}

static int parse_include_raw(struct loader *ld, const char *value, char *why, size_t whylen)
{
	return parse_bool(value, &ld->cfg.include_raw, why, whylen);
}

static int parse_include_warnings(struct loader *ld, const char *value, char *why, size_t whylen)
{
	return parse_bool(value, &ld->cfg.include_warnings, why, whylen);
}

static int parse_message(struct loader *ld, const char *value, char *why, size_t whylen)
{
	return parse_bool(value, &ld->cfg.message, why, whylen);
}

static int parse_normalizations(struct loader *ld, const char *value, char *why, size_t whylen)
{
	if (value[0] != '/') {
		seterr(why, whylen, "'%.*s' is not an absolute path; expected " PATH_ALLOWED,
		       QUOTE_MAX, value);
		return -1;
	}
	if (!(ld->cfg.normalizations = strdup(value))) {
		seterr(why, whylen, "out of memory");
		return -1;
	}
	return 0;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* DIGITS or DIGITS.DIGITS: no sign, exponent, hex, inf or nan. */
static bool is_plain_decimal(const char *s)
{
	const char *p = s;

	if (!is_digit(*p))
		return false;
	while (is_digit(*p))
		p++;
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			return false;
		while (is_digit(*p))
			p++;
	}
	return *p == '\0';
}

static int parse_timeout(struct loader *ld, const char *value, char *why, size_t whylen)
{
	locale_t cloc;
	char *end;
	double v;

	if (!is_plain_decimal(value)) {
		seterr(why, whylen,
		       "'%.*s' is not a plain decimal number; expected " TIMEOUT_ALLOWED, QUOTE_MAX,
		       value);
		return -1;
	}
	/* The decimal point is '.', whatever LC_NUMERIC says. */
	cloc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (cloc == (locale_t)0) {
		seterr(why, whylen, "cannot parse '%.*s': %s", QUOTE_MAX, value, strerror(errno));
		return -1;
	}
	v = strtod_l(value, &end, cloc);
	freelocale(cloc);
	if (*end != '\0') {
		seterr(why, whylen,
		       "'%.*s' is not a plain decimal number; expected " TIMEOUT_ALLOWED, QUOTE_MAX,
		       value);
		return -1;
	}
	/* ERANGE on underflow still gives a value <= tiny, rejected as not > 0. */
	if (!(v > 0.0) || v > TIMEOUT_MAX) {
		seterr(why, whylen, "%.*s is out of range; expected " TIMEOUT_ALLOWED, QUOTE_MAX,
		       value);
		return -1;
	}
	ld->cfg.end_of_event_timeout = v;
	return 0;
}

static int whole_number(const char *value, bool suffixes, unsigned long long min,
			unsigned long long max, const char *allowed, unsigned long long *out,
			char *why, size_t whylen);

static int parse_max_inflight(struct loader *ld, const char *value, char *why, size_t whylen)
{
	unsigned long long v;
	if (whole_number(value, false, 1, INFLIGHT_MAX, INFLIGHT_ALLOWED, &v, why, whylen) < 0)
		return -1;
	ld->cfg.max_inflight = (size_t)v;
	return 0;
}

/* The key called NAME (its first len bytes), or NULL. */
/* --- generic value parsers ------------------------------------------------ */

/* One word out of a list (case-insensitive); its index, or -1. */
static int choice(const char *value, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(value, names[i]) == 0)
			return (int)i;
	return -1;
}

/* The same, or an error saying what is allowed. */
static int one_of(const char *value, const char *const *names, size_t n, const char *what,
		  const char *allowed, char *why, size_t whylen)
{
	int i = choice(value, names, n);
	if (i < 0)
		seterr(why, whylen, "'%.*s' is not %s; expected %s", QUOTE_MAX, value, what, allowed);
	return i;
}
#define ONE_OF(value, names, what, allowed, why, whylen)                                        \
	one_of(value, names, sizeof(names) / sizeof(*(names)), what, allowed, why, whylen)

/* A whole number, with an optional k/M/G suffix (powers of 1024) when
 * suffixes is true, from min to max. */
static int whole_number(const char *value, bool suffixes, unsigned long long min,
			unsigned long long max, const char *allowed, unsigned long long *out,
			char *why, size_t whylen)
{
	unsigned long long v = 0, mult = 1;
	const char *p = value;

	if (!is_digit(*p)) {
		seterr(why, whylen, "'%.*s' is not a whole number; expected %s", QUOTE_MAX, value,
		       allowed);
		return -1;
	}
	for (; is_digit(*p); p++) {
		if (v > (ULLONG_MAX - 9) / 10) {
			seterr(why, whylen, "%.*s is out of range; expected %s", QUOTE_MAX, value,
			       allowed);
			return -1;
		}
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (*p && suffixes && !p[1]) {
		switch (*p) {
		case 'k': case 'K': mult = 1024ULL; p++; break;
		case 'm': case 'M': mult = 1024ULL * 1024; p++; break;
		case 'g': case 'G': mult = 1024ULL * 1024 * 1024; p++; break;
		}
	}
	if (*p) {
		seterr(why, whylen, "'%.*s' is not a whole number; expected %s", QUOTE_MAX, value,
		       allowed);
		return -1;
	}
	if (v > ULLONG_MAX / mult || v * mult < min || v * mult > max) {
		seterr(why, whylen, "%.*s is out of range; expected %s", QUOTE_MAX, value, allowed);
		return -1;
	}
	*out = v * mult;
	return 0;
}

static int parse_journal_message(struct loader *ld, const char *value, char *why, size_t whylen)
{
	static const char *const names[] = {"summary", "json"};
	int i = ONE_OF(value, names, "known", JOURNAL_MESSAGE_ALLOWED, why, whylen);
	if (i < 0)
		return -1;
	ld->cfg.journal_message = i;
	return 0;
}

static int parse_syslog_format(struct loader *ld, const char *value, char *why, size_t whylen)
{
	static const char *const names[] = {"json", "cee", "summary"};
	int i = ONE_OF(value, names, "known", SYSLOG_FORMAT_ALLOWED, why, whylen);
	if (i < 0)
		return -1;
	ld->cfg.syslog_format = i;
	return 0;
}

static int parse_syslog_facility(struct loader *ld, const char *value, char *why, size_t whylen)
{
	static const char *const names[] = {"auth",   "authpriv", "daemon", "user",
					    "local0", "local1",   "local2", "local3",
					    "local4", "local5",   "local6", "local7"};
	static const int codes[] = {LOG_AUTH,   LOG_AUTHPRIV, LOG_DAEMON, LOG_USER,
				    LOG_LOCAL0, LOG_LOCAL1,   LOG_LOCAL2, LOG_LOCAL3,
				    LOG_LOCAL4, LOG_LOCAL5,   LOG_LOCAL6, LOG_LOCAL7};
	int i = ONE_OF(value, names, "a facility", FACILITY_ALLOWED, why, whylen);
	if (i < 0)
		return -1;
	ld->cfg.syslog_facility = codes[i];
	return 0;
}

static int parse_syslog_priority(struct loader *ld, const char *value, char *why, size_t whylen)
{
	/* the index is the priority */
	static const char *const names[] = {"emerg",   "alert",  "crit", "err",
					    "warning", "notice", "info", "debug"};
	int i = ONE_OF(value, names, "a priority", PRIORITY_ALLOWED, why, whylen);
	if (i < 0)
		return -1;
	ld->cfg.syslog_priority = i;
	return 0;
}

static int parse_syslog_ident(struct loader *ld, const char *value, char *why, size_t whylen)
{
	size_t n = strlen(value);
	bool ok = n > 0 && n < sizeof(ld->cfg.syslog_ident);
	for (size_t i = 0; ok && i < n; i++)
		ok = isalnum((unsigned char)value[i]) || strchr("-_.", value[i]);
	if (!ok) {
		seterr(why, whylen, "'%.*s' is not a valid ident; expected " IDENT_ALLOWED,
		       QUOTE_MAX, value);
		return -1;
	}
	memcpy(ld->cfg.syslog_ident, value, n + 1);
	return 0;
}

static int parse_syslog_max_size(struct loader *ld, const char *value, char *why, size_t whylen)
{
	unsigned long long v;
	if (whole_number(value, true, 1024, 16777216, MAX_SIZE_ALLOWED, &v, why, whylen) < 0)
		return -1;
	ld->cfg.syslog_max_size = (size_t)v;
	return 0;
}

static int parse_rotate_size(struct loader *ld, const char *value, char *why, size_t whylen)
{
	return whole_number(value, true, 0, ULLONG_MAX, ROTATE_SIZE_ALLOWED, &ld->cfg.rotate_size,
			    why, whylen);
}

static int parse_rotate_keep(struct loader *ld, const char *value, char *why, size_t whylen)
{
	unsigned long long v;
	if (whole_number(value, false, 1, 1000, ROTATE_KEEP_ALLOWED, &v, why, whylen) < 0)
		return -1;
	ld->cfg.rotate_keep = (unsigned)v;
	return 0;
}

static int parse_fsync(struct loader *ld, const char *value, char *why, size_t whylen)
{
	static const char *const names[] = {"never", "rotate", "always"};
	int i = ONE_OF(value, names, "known", FSYNC_ALLOWED, why, whylen);
	if (i < 0)
		return -1;
	ld->cfg.fsync = i;
	return 0;
}

static int parse_status_interval(struct loader *ld, const char *value, char *why, size_t whylen)
{
	unsigned long long v;
	if (whole_number(value, false, 0, 86400, STATUS_ALLOWED, &v, why, whylen) < 0)
		return -1;
	ld->cfg.status_interval = (double)v;
	return 0;
}

static int parse_user(struct loader *ld, const char *value, char *why, size_t whylen)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	int rc = getpwnam_r(value, &pw, buf, sizeof(buf), &res);

	if (!res) {
		if (rc)
			seterr(why, whylen, "cannot look up user '%.*s': %s", QUOTE_MAX, value,
			       strerror(rc));
		else
			seterr(why, whylen, "no user '%.*s'; expected " USER_ALLOWED, QUOTE_MAX,
			       value);
		return -1;
	}
	if (!(ld->cfg.user = strdup(value))) {
		seterr(why, whylen, "out of memory");
		return -1;
	}
	ld->cfg.uid = pw.pw_uid;
	ld->cfg.gid = pw.pw_gid;
	return 0;
}

static const struct key *find_key(const char *name, size_t len)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strlen(keys[i].name) == len && strncmp(keys[i].name, name, len) == 0)
			return &keys[i];
	return NULL;
}

/* "a, b, c and d": the known keys, for the unknown-key message. */
static void key_list(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < N_KEYS && used < len; i++) {
		const char *sep = i == 0 ? "" : i + 1 == N_KEYS ? " and " : ", ";
		int n = snprintf(buf + used, len - used, "%s%s", sep, keys[i].name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Trims blanks from both ends of s, in place. */
static char *trim(char *s)
{
	char *end;

	while (is_blank(*s))
		s++;
	end = s + strlen(s);
	while (end > s && is_blank(end[-1]))
		end--;
	*end = '\0';
	return s;
}

/* Parses one line (no line end, no control characters) into ld. Returns -1
 * with the message, minus the "FILE:LINE: " prefix, in why. */
static int parse_line(struct loader *ld, char *line, char *why, size_t whylen)
{
	char *s = trim(line), *eq, *name, *value;
	const struct key *k;

	if (*s == '\0' || *s == '#')
		return 0;
	eq = strchr(s, '=');
	if (!eq) {
		/* "resolve_ids yes": name the key if the first word is one. */
		k = find_key(s, strcspn(s, " \t"));
		if (k)
			seterr(why, whylen,
			       "%s: missing '='; expected '%s = value', value being %s", k->name,
			       k->name, k->allowed);
		else
			seterr(why, whylen, "missing '=' in '%.*s'; expected 'key = value'",
			       QUOTE_MAX, s);
		return -1;
	}
	*eq = '\0';
	name = trim(s);
	value = trim(eq + 1);
	if (*name == '\0') {
		seterr(why, whylen, "missing key before '='; expected 'key = value'");
		return -1;
	}
	k = find_key(name, strlen(name));
	if (!k) {
		char known[512];

		key_list(known, sizeof(known));
		seterr(why, whylen, "unknown key '%.*s'; known keys are %s", QUOTE_MAX, name,
		       known);
		return -1;
	}
	if (*value == '\0') {
		seterr(why, whylen, "%s: empty value; expected %s", k->name, k->allowed);
		return -1;
	}
	for (const char *p = value; *p; p++) {
		if (*p == '#' && p > value && is_blank(p[-1])) {
			seterr(why, whylen,
			       "%s: trailing comments are not supported; put the comment on a "
			       "line of its own",
			       k->name);
			return -1;
		}
	}
	unsigned *seen = &ld->seen_line[k - keys];
	if (!k->repeatable && *seen) {
		seterr(why, whylen, "%s: given again (first on line %u); it may appear only once",
		       k->name, *seen);
		return -1;
	}
	if (!*seen)
		*seen = ld->line;

	char reason[512];
	if (k->parse(ld, value, reason, sizeof(reason)) < 0) {
		seterr(why, whylen, "%s: %s", k->name, reason);
		return -1;
	}
	return 0;
}

/* --- the file check -------------------------------------------------------- */

static uid_t trusted_owner; /* besides root; 0: root only */

void config_trust_owner(uid_t uid)
{
	trusted_owner = uid;
}

int config_check_file(int fd, const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) < 0) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode))
		return 0; /* /dev/null, a FIFO: nothing anyone else could have left there */
	bool owner_ok = st.st_uid == 0 || st.st_uid == trusted_owner;
	bool mode_ok = !(st.st_mode & (S_IWGRP | S_IWOTH));
	if (owner_ok && mode_ok)
		return 0;
	char owner[64] = "";
	struct passwd pw, *res = NULL;
	char buf[1024];
	if (getpwuid_r(st.st_uid, &pw, buf, sizeof(buf), &res) == 0 && res)
		snprintf(owner, sizeof(owner), " (%s)", res->pw_name);
	char trusted[48] = "";
	if (trusted_owner)
		snprintf(trusted, sizeof(trusted), " or uid %lu", (unsigned long)trusted_owner);
	seterr(err, errlen,
	       "%s: refused: %s%s; it must be owned by root%s and not writable by group or "
	       "others (found owner uid %lu%s, mode %04o)",
	       path, owner_ok ? "" : "not owned by root",
	       mode_ok ? "" : owner_ok ? "writable by group or others" : " and writable by group or others",
	       trusted, (unsigned long)st.st_uid, owner, (unsigned)(st.st_mode & 07777));
	return -1;
}

enum read_status { READ_LINE, READ_EOF, READ_TOO_LONG, READ_ERROR };

/* Reads one line into buf (size CONFIG_MAX_LINE + 2), without its "\n" or
 * "\r\n". Stops reading at the limit instead of growing without bound. */
static enum read_status read_line(FILE *f, char *buf, size_t *len)
{
	size_t n = 0;
	int ch;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		/* One byte of slack for the '\r' of a CRLF line end. */
		if (n == CONFIG_MAX_LINE + 1)
			return READ_TOO_LONG;
		buf[n++] = (char)ch;
	}
	if (ch == EOF) {
		if (ferror(f))
			return READ_ERROR;
		if (n == 0)
			return READ_EOF;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n > CONFIG_MAX_LINE)
		return READ_TOO_LONG;
	buf[n] = '\0';
	*len = n;
	return READ_LINE;
}

int config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	unsigned seen[N_KEYS] = {0};
	struct loader ld = {.seen_line = seen};
	char buf[CONFIG_MAX_LINE + 2], why[1024];
	size_t len;
	FILE *f;
	int rc = -1;

	scalar_defaults(&ld.cfg);
	f = fopen(path, "re");
	if (!f) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (config_check_file(fileno(f), path, err, errlen) < 0)
		goto out;
	for (;;) {
		enum read_status st = read_line(f, buf, &len);

		if (st == READ_EOF)
			break;
		if (st == READ_ERROR) {
			seterr(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
		ld.line++;
		if (st == READ_TOO_LONG) {
			seterr(err, errlen, "%s:%u: line longer than %d bytes", path, ld.line,
			       CONFIG_MAX_LINE);
			goto out;
		}
		for (size_t i = 0; i < len; i++) {
			unsigned char ch = (unsigned char)buf[i];

			if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
				seterr(err, errlen,
				       "%s:%u: control character 0x%02x at column %zu; only text "
				       "is allowed",
				       path, ld.line, ch, i + 1);
				goto out;
			}
		}
		if (parse_line(&ld, buf, why, sizeof(why)) < 0) {
			seterr(err, errlen, "%s:%u: %s", path, ld.line, why);
			goto out;
		}
	}
	if (ld.cfg.n_outputs == 0 && add_default_output(&ld.cfg) < 0) {
		seterr(err, errlen, "%s: out of memory", path);
		goto out;
	}
	config_free(c);
	*c = ld.cfg;
	ld.cfg.n_outputs = 0; /* now owned by c */
	ld.cfg.normalizations = NULL;
	ld.cfg.user = NULL;
	rc = 0;
out:
	fclose(f);
	config_free(&ld.cfg);
	return rc;
}
