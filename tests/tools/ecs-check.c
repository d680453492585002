/* ecs-check: checks the JSON lines audisp-ecs writes, independently of the
 * daemon's code (only json-c is shared with it).
 *
 * Every line must be
 *   - terminated by '\n', not empty, free of control bytes (compact JSON);
 *   - valid UTF-8 (own validator: no overlong forms, no surrogates, nothing
 *     above U+10FFFF), with no lone surrogate in a \u escape either;
 *   - one complete JSON object and nothing else (json_tokener in strict
 *     mode over the whole line, parse end == line length);
 *   - free of duplicate keys in any object;
 *   - an ECS document: @timestamp "YYYY-MM-DDTHH:MM:SS.mmmZ", event.action a
 *     non-empty string, event.sequence an integer in 0..2^32-1,
 *     ecs.version "8.11.0", host.name (when present) a non-empty string.
 *
 * Usage: ecs-check [-s|-k] [-c] [-u] [-e N] [-q] [FILE|-]...
 *   -s    print the event.sequence values, sorted numerically, one a line
 *   -k    print the event keys [HOST/]SEQUENCE@TIMESTAMP, sorted (bytewise,
 *         as LC_ALL=C sort), one a line: the same keys audit-events prints
 *   -c    print the number of documents (after the list, if any)
 *   -u    fail when an event key occurs more than once
 *   -e N  fail unless there are exactly N documents
 *   -q    no summary line on stderr
 * Exit status: 0 all good, 1 a check failed (each bad line is named as
 * FILE:LINE on stderr, the first 20 of them), 2 usage or I/O error. */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "utf8.h"

#define MAX_REPORTED 20

static unsigned long n_bad;
static bool quiet;

struct doc {
	char *key;
	uint32_t seq;
};
static struct doc *docs;
static size_t ndocs, capdocs;

static void bad(const char *file, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void bad(const char *file, size_t line, const char *fmt, ...)
{
	n_bad++;
	if (n_bad > MAX_REPORTED)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "ecs-check: %s:%zu: ", file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A JSON number at s[*i]: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool json_number(const char *s, size_t len, size_t *i)
{
	size_t p = *i;
	if (p < len && s[p] == '-')
		p++;
	if (p < len && s[p] == '0')
		p++;
	else if (p < len && s[p] >= '1' && s[p] <= '9')
		while (p < len && is_digit(s[p]))
			p++;
	else
		return false;
	if (p < len && s[p] == '.') {
		p++;
		if (p >= len || !is_digit(s[p]))
			return false;
		while (p < len && is_digit(s[p]))
			p++;
	}
	if (p < len && (s[p] == 'e' || s[p] == 'E')) {
		p++;
		if (p < len && (s[p] == '+' || s[p] == '-'))
			p++;
		if (p >= len || !is_digit(s[p]))
			return false;
		while (p < len && is_digit(s[p]))
			p++;
	}
	*i = p - 1;
	return true;
}

/* Scans the text of a line json-c accepted, for what json-c lets through
 * even in strict mode (single-quoted strings, NaN, Infinity, "1."): outside
 * strings only JSON's structure, numbers and true/false/null may appear.
 * Counts the keys (every ':' outside strings follows one) and finds \u
 * escapes that encode a lone surrogate. Returns NULL or what is wrong. */
static const char *scan_text(const char *s, size_t len, size_t *nkeys)
{
	bool in_str = false;
	*nkeys = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!in_str) {
			if (c == '"') {
				in_str = true;
			} else if (c == ':') {
				(*nkeys)++;
			} else if (c == '-' || is_digit(c)) {
				if (!json_number(s, len, &i))
					return "a number that is not JSON";
			} else if (c == 't' || c == 'f' || c == 'n') {
				const char *lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
				size_t n = strlen(lit);
				if (len - i < n || memcmp(s + i, lit, n) != 0)
					return "a bare word that is not true, false or null";
				i += n - 1;
			} else if (!strchr("{}[], ", c)) {
				return "a character outside strings that JSON does not allow (single quote, NaN, Infinity...)";
			}
			continue;
		}
		if (c == '"') {
			in_str = false;
		} else if (c == '\\' && i + 1 < len) {
			i++;
			if (s[i] != 'u')
				continue;
			if (i + 4 >= len)
				return "truncated \\u escape";
			unsigned v = 0;
			for (int k = 1; k <= 4; k++) {
				int h = hexval(s[i + k]);
				if (h < 0)
					return "bad \\u escape";
				v = v * 16 + (unsigned)h;
			}
			i += 4;
			if (v >= 0xdc00 && v <= 0xdfff)
				return "lone low surrogate in a \\u escape";
			if (v >= 0xd800 && v <= 0xdbff) {
				unsigned w = 0;
				if (i + 6 >= len || s[i + 1] != '\\' || s[i + 2] != 'u')
					return "lone high surrogate in a \\u escape";
				for (int k = 3; k <= 6; k++) {
					int h = hexval(s[i + k]);
					if (h < 0)
						return "bad \\u escape";
					w = w * 16 + (unsigned)h;
				}
				if (w < 0xdc00 || w > 0xdfff)
					return "high surrogate not followed by a low one";
				i += 6;
			}
		}
	}
	return NULL;
}

/* Number of keys in every object of the tree; every decoded string and key
 * must be valid UTF-8. */
static size_t tree_keys(struct json_object *o, const char **why)
{
	size_t n = 0;
	switch (json_object_get_type(o)) {
	case json_type_object: {
		json_object_object_foreach(o, k, v) {
			n++;
			if (utf8_invalid_at((const unsigned char *)k, strlen(k)) != strlen(k))
				*why = "a key decodes to invalid UTF-8";
			n += tree_keys(v, why);
		}
		break;
	}
	case json_type_array:
		for (size_t i = 0; i < json_object_array_length(o); i++)
			n += tree_keys(json_object_array_get_idx(o, i), why);
		break;
	case json_type_string: {
		size_t l = (size_t)json_object_get_string_len(o);
		if (utf8_invalid_at((const unsigned char *)json_object_get_string(o), l) != l)
			*why = "a string decodes to invalid UTF-8";
		break;
	}
	default:
		break;
	}
	return n;
}

static struct json_object *path2(struct json_object *o, const char *a, const char *b)
{
	struct json_object *x;
	if (!json_object_object_get_ex(o, a, &x) || !json_object_is_type(x, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(x, b, &x))
		return NULL;
	return x;
}

/* YYYY-MM-DDTHH:MM:SS.mmmZ */
static bool timestamp_ok(const char *t)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	if (strlen(t) != sizeof(pat) - 1)
		return false;
	for (size_t i = 0; pat[i]; i++) {
		if (pat[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != pat[i])
			return false;
	}
	int mo = (t[5] - '0') * 10 + (t[6] - '0'), d = (t[8] - '0') * 10 + (t[9] - '0');
	int h = (t[11] - '0') * 10 + (t[12] - '0'), mi = (t[14] - '0') * 10 + (t[15] - '0');
	int s = (t[17] - '0') * 10 + (t[18] - '0');
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && s <= 60;
}

static void check_line(const char *file, size_t lineno, const char *s, size_t len,
		       struct json_tokener *tok)
{
	if (len == 0) {
		bad(file, lineno, "empty line");
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] < 0x20) {
			bad(file, lineno, "control byte 0x%02x at column %zu", (unsigned char)s[i], i + 1);
			return;
		}
	}
	size_t at = utf8_invalid_at((const unsigned char *)s, len);
	if (at != len) {
		bad(file, lineno, "invalid UTF-8 at column %zu", at + 1);
		return;
	}
	json_tokener_reset(tok);
	struct json_object *o = json_tokener_parse_ex(tok, s, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	if (!o || jerr != json_tokener_success) {
		bad(file, lineno, "not a complete JSON value: %s (at column %zu)",
		    jerr == json_tokener_continue ? "unexpected end of line" : json_tokener_error_desc(jerr),
		    json_tokener_get_parse_end(tok) + 1);
		json_object_put(o);
		return;
	}
	if (json_tokener_get_parse_end(tok) != len) {
		bad(file, lineno, "trailing bytes after the JSON value at column %zu",
		    json_tokener_get_parse_end(tok) + 1);
		json_object_put(o);
		return;
	}
	if (!json_object_is_type(o, json_type_object)) {
		bad(file, lineno, "not a JSON object");
		json_object_put(o);
		return;
	}
	size_t text_keys;
	const char *why = scan_text(s, len, &text_keys);
	if (why) {
		bad(file, lineno, "%s", why);
		json_object_put(o);
		return;
	}
	why = NULL;
	size_t keys = tree_keys(o, &why);
	if (why) {
		bad(file, lineno, "%s", why);
		json_object_put(o);
		return;
	}
	if (keys != text_keys) {
		bad(file, lineno, "duplicate keys in an object (%zu keys written, %zu distinct)", text_keys,
		    keys);
		json_object_put(o);
		return;
	}

	struct json_object *ts, *action, *seq, *ver, *host;
	const char *problem = NULL;
	if (!json_object_object_get_ex(o, "@timestamp", &ts) || !json_object_is_type(ts, json_type_string))
		problem = "no @timestamp string";
	else if (!timestamp_ok(json_object_get_string(ts)))
		problem = "@timestamp is not YYYY-MM-DDTHH:MM:SS.mmmZ";
	else if (!(action = path2(o, "event", "action")) || !json_object_is_type(action, json_type_string))
		problem = "no event.action string";
	else if (json_object_get_string_len(action) == 0)
		problem = "event.action is empty";
	else if (!(seq = path2(o, "event", "sequence")) || !json_object_is_type(seq, json_type_int))
		problem = "no event.sequence integer";
	else if (json_object_get_int64(seq) < 0 || json_object_get_int64(seq) > UINT32_MAX)
		problem = "event.sequence out of 0..2^32-1";
	else if (!(ver = path2(o, "ecs", "version")) || !json_object_is_type(ver, json_type_string))
		problem = "no ecs.version string";
	else if (strcmp(json_object_get_string(ver), "8.11.0") != 0)
		problem = "ecs.version is not \"8.11.0\"";
	else if ((host = path2(o, "host", "name")) &&
		 (!json_object_is_type(host, json_type_string) || json_object_get_string_len(host) == 0))
		problem = "host.name is not a non-empty string";
	if (problem) {
		bad(file, lineno, "%s", problem);
		json_object_put(o);
		return;
	}

	if (ndocs == capdocs) {
		capdocs = capdocs ? capdocs * 2 : 1024;
		docs = realloc(docs, capdocs * sizeof(*docs));
		if (!docs) {
			perror("ecs-check");
			exit(2);
		}
	}
	struct doc *d = &docs[ndocs++];
	d->seq = (uint32_t)json_object_get_int64(seq);
	const char *hn = host ? json_object_get_string(host) : NULL;
	if (asprintf(&d->key, "%s%s%" PRIu32 "@%s", hn ? hn : "", hn ? "/" : "", d->seq,
		     json_object_get_string(ts)) < 0) {
		perror("ecs-check");
		exit(2);
	}
	json_object_put(o);
}

static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf)
			return NULL;
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	if (ferror(f)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static int check_file(const char *path, struct json_tokener *tok)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "ecs-check: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t len;
	char *buf = slurp(f, &len);
	if (f != stdin)
		fclose(f);
	if (!buf) {
		fprintf(stderr, "ecs-check: %s: read error\n", path);
		return -1;
	}
	const char *name = strcmp(path, "-") ? path : "(stdin)";
	size_t lineno = 0;
	char *p = buf, *end = buf + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		lineno++;
		if (!nl) {
			bad(name, lineno, "last line is not newline-terminated (%zu bytes)", (size_t)(end - p));
			break;
		}
		check_line(name, lineno, p, (size_t)(nl - p), tok);
		p = nl + 1;
	}
	free(buf);
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct doc *)a)->key, ((const struct doc *)b)->key);
}

static int cmp_seq(const void *a, const void *b)
{
	uint32_t x = ((const struct doc *)a)->seq, y = ((const struct doc *)b)->seq;
	return x < y ? -1 : x > y;
}

static void usage(void)
{
	fprintf(stderr, "usage: ecs-check [-s|-k] [-c] [-u] [-e N] [-q] [FILE|-]...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	bool list_seq = false, list_keys = false, count = false, unique = false;
	long expect = -1;
	int opt;

	while ((opt = getopt(argc, argv, "skcue:q")) != -1) {
		switch (opt) {
		case 's': list_seq = true; break;
		case 'k': list_keys = true; break;
		case 'c': count = true; break;
		case 'u': unique = true; break;
		case 'e': {
			char *e;
			expect = strtol(optarg, &e, 10);
			if (*e || expect < 0)
				usage();
			break;
		}
		case 'q': quiet = true; break;
		default: usage();
		}
	}
	if (list_seq && list_keys)
		usage();

	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		return 2;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	int io_err = 0;
	if (optind == argc)
		io_err |= check_file("-", tok) < 0;
	for (int i = optind; i < argc; i++)
		io_err |= check_file(argv[i], tok) < 0;
	json_tokener_free(tok);
	if (io_err)
		return 2;

	if (ndocs)
		qsort(docs, ndocs, sizeof(*docs), cmp_key);
	size_t dups = 0;
	for (size_t i = 1; i < ndocs; i++) {
		if (!strcmp(docs[i].key, docs[i - 1].key)) {
			dups++;
			if (unique && dups <= MAX_REPORTED)
				fprintf(stderr, "ecs-check: event %s written more than once\n", docs[i].key);
		}
	}
	if (unique && dups)
		n_bad++;
	if (expect >= 0 && (size_t)expect != ndocs) {
		fprintf(stderr, "ecs-check: %zu documents, expected %ld\n", ndocs, expect);
		n_bad++;
	}
	if (list_seq && ndocs)
		qsort(docs, ndocs, sizeof(*docs), cmp_seq);
	for (size_t i = 0; i < ndocs; i++) {
		if (list_seq)
			printf("%" PRIu32 "\n", docs[i].seq);
		else if (list_keys)
			printf("%s\n", docs[i].key);
		free(docs[i].key);
	}
	if (count)
		printf("%zu\n", ndocs);
	free(docs);
	if (!quiet)
		fprintf(stderr, "ecs-check: %zu documents, %zu repeated keys, %lu problems\n", ndocs, dups,
			n_bad);
	return n_bad ? 1 : 0;
}
