/* ecs-conform: checks JSON lines against the Elastic Common Schema 8.11,
 * independently of the daemon's code (only json-c is shared with it).
 *
 * The schema comes from the ECS release's own tables (tests/data/ecs/):
 * fields-8.11.0.csv (every field, its type, "array" normalization) and
 * allowed-values-8.11.0.json (event.kind/category/type/outcome, and for each
 * category the event.type values it expects).
 *
 * Each line must be
 *   - terminated by '\n', not empty, valid UTF-8, free of raw control bytes,
 *     one JSON object that json-c parses in strict mode (UTF-8 validated),
 *     with nothing after it;
 *   - made of ECS fields: every leaf's dotted path is an ECS 8.11 field, or
 *     lies under `auditd.*` (anything goes there, objects in arrays too), or
 *     under an ECS field of type object/flattened (e.g. labels.*); arrays of
 *     scalars map to the field itself; arrays of objects only for ECS
 *     `nested` fields;
 *   - typed as ECS says: keyword/wildcard/constant_keyword/text/
 *     match_only_text -> string; ip -> a string inet_pton accepts;
 *     long/integer/short/byte/unsigned_long -> an integer in range;
 *     float/half_float/scaled_float/double -> a number; boolean -> true/false;
 *     date -> an ISO 8601 string; object/flattened -> an object; any field
 *     may hold an array of such values, and the fields the csv marks
 *     "array" (event.category, event.type, tags, related.*, process.args...)
 *     must;
 *   - valued as ECS says: event.kind, event.category, event.type,
 *     event.outcome in the allowed lists; @timestamp
 *     "YYYY-MM-DDTHH:MM:SS.mmmZ"; ecs.version "8.11.0"; network.direction
 *     one of ECS's expected values; *.port in 0..65535; process.args_count
 *     the length of process.args; no keyword value (outside free text such
 *     as process.args/title/command_line) that is auditd's placeholder for
 *     "no value" ("?", "(null)", "(none)") or still wrapped in auditd's
 *     double quotes.
 * For each event.category of a document, the event.type values should be
 * among that category's expected types: a (category, type) pair outside is
 * a WARNING, counted and summarized; it is a failure only with -W, and then
 * only for an "orphan" type that none of the document's categories expects
 * (e.g. a lone "iam" with "start"). Other warnings: null values, empty
 * strings/arrays/objects, event.type without event.category, no event.kind.
 *
 * With -A (actions), each document must also have a non-empty
 * event.action and auditd.summary.action that are not "unknown", "?",
 * "none" or "(null)"; with -n RULES (plugin/normalizations.json) a document
 * whose event.action and auditd.event_kind are those of the table's
 * record_default is a failure ("fell to record_default", naming its
 * auditd.message_type), and documents of syscall_default are counted.
 *
 * Usage: ecs-conform [-d DIR | -F CSV -V JSON] [-n RULES] [-A] [-S] [-W]
 *                    [-s] [-u] [-q] [-m N] [FILE|-]...
 *   -d DIR    where fields-8.11.0.csv and allowed-values-8.11.0.json are
 *   -F, -V    the two tables by name
 *   -n RULES  the normalization table, for the record_default check
 *   -A        action checks (above)
 *   -S        skip the schema checks (fields, types, values): with -A, only
 *             the lines' validity and the actions are checked
 *   -W        orphan category/type warnings are failures
 *   -s        one line of counts on stdout: docs= failures= json= nonecs=
 *             type= value= action= cattype= record_default= warnings=
 *             cattype_warnings= syscall_default=
 *   -u        field usage on stdout: "DOCS PATH KIND" a line, sorted by
 *             path (arrays shown as [] under auditd.*)
 *   -q        no summary on stderr (problems are still named)
 *   -m N      name at most N problems (default 50; counting goes on)
 * Each problem is named on stderr as "FILE:LINE: [seq N TYPE] FIELD: what".
 * Exit status: 0 no failure (warnings allowed), 1 a failure, 2 usage or
 * I/O error. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "utf8.h"

/* --- a string-keyed hash map ---------------------------------------------- */

struct entry {
	char *key;
	int type;        /* ECS type (T_*) for the schema; kind for usage */
	bool must_array; /* schema: normalization "array" */
	bool prefix;     /* schema: only a prefix of fields ("process.parent") */
	unsigned long count;
	unsigned long last_doc;
	char *example; /* first FILE:LINE seen */
};

struct map {
	struct entry *e;
	size_t cap, n;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p) {
		fputs("ecs-conform: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

static struct entry *map_find(struct map *m, const char *key, bool add)
{
	if (add && (m->n + 1) * 2 > m->cap) {
		struct map nm = {.cap = m->cap ? m->cap * 2 : 256};
		nm.e = calloc(nm.cap, sizeof(*nm.e));
		if (!nm.e) {
			fputs("ecs-conform: out of memory\n", stderr);
			exit(2);
		}
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->e[i].key)
				continue;
			size_t j = hash_str(m->e[i].key) & (nm.cap - 1);
			while (nm.e[j].key)
				j = (j + 1) & (nm.cap - 1);
			nm.e[j] = m->e[i];
		}
		nm.n = m->n;
		free(m->e);
		*m = nm;
	}
	if (!m->cap)
		return NULL;
	size_t j = hash_str(key) & (m->cap - 1);
	while (m->e[j].key) {
		if (!strcmp(m->e[j].key, key))
			return &m->e[j];
		j = (j + 1) & (m->cap - 1);
	}
	if (!add)
		return NULL;
	m->e[j].key = xstrdup(key);
	m->n++;
	return &m->e[j];
}

static void map_free(struct map *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->e[i].key);
		free(m->e[i].example);
	}
	free(m->e);
	memset(m, 0, sizeof(*m));
}

static int cmp_entry_key(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a, *y = *(const struct entry *const *)b;
	return strcmp(x->key, y->key);
}

/* The entries of a map, sorted by key (caller frees the array). */
static struct entry **map_sorted(const struct map *m)
{
	struct entry **v = xmalloc(m->n * sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < m->cap; i++)
		if (m->e[i].key)
			v[k++] = &m->e[i];
	qsort(v, k, sizeof(*v), cmp_entry_key);
	return v;
}

/* --- the schema ------------------------------------------------------------ */

enum {
	T_UNKNOWN, T_KEYWORD, T_IP, T_LONG, T_INTEGER, T_SHORT, T_BYTE, T_ULONG,
	T_FLOAT, T_DATE, T_BOOL, T_OBJECT, T_FLATTENED, T_NESTED, T_GEO,
};

static const struct {
	const char *name;
	int type;
} type_names[] = {
	{"keyword", T_KEYWORD},       {"wildcard", T_KEYWORD},  {"constant_keyword", T_KEYWORD},
	{"text", T_KEYWORD},          {"match_only_text", T_KEYWORD},
	{"ip", T_IP},                 {"long", T_LONG},         {"integer", T_INTEGER},
	{"short", T_SHORT},           {"byte", T_BYTE},         {"unsigned_long", T_ULONG},
	{"float", T_FLOAT},           {"half_float", T_FLOAT},  {"scaled_float", T_FLOAT},
	{"double", T_FLOAT},          {"date", T_DATE},         {"boolean", T_BOOL},
	{"object", T_OBJECT},         {"flattened", T_FLATTENED}, {"nested", T_NESTED},
	{"geo_point", T_GEO},
};

static const char *type_name(int t)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(*type_names); i++)
		if (type_names[i].type == t)
			return type_names[i].name;
	return "?";
}

static struct map schema;  /* ECS fields and their prefixes */
static struct map kinds, categories, types, outcomes; /* allowed values */
static json_object *allowed_root; /* owns the expected-types arrays */
static json_object *cat_expected; /* event.category object */

static char *rd_default_action, *rd_default_kind, *sc_default_action;

/* One CSV record (RFC 4180: quoted fields may hold commas, quotes doubled,
 * newlines). Fills up to maxf fields; returns the number read, -1 at EOF. */
static int csv_record(FILE *f, char **fld, int maxf)
{
	static char *buf;
	static size_t cap;
	size_t n = 0;
	int nf = 0, c;
	bool q = false, any = false;
	size_t starts[32];

	if (maxf > 32)
		maxf = 32;
	starts[0] = 0;
	for (;;) {
		c = getc(f);
		if (c == EOF) {
			if (!any)
				return -1;
			break;
		}
		any = true;
		if (n + 2 > cap) {
			cap = cap ? cap * 2 : 4096;
			buf = realloc(buf, cap);
			if (!buf) {
				fputs("ecs-conform: out of memory\n", stderr);
				exit(2);
			}
		}
		if (q) {
			if (c == '"') {
				int d = getc(f);
				if (d == '"') {
					buf[n++] = '"';
				} else {
					q = false;
					if (d != EOF)
						ungetc(d, f);
				}
			} else {
				buf[n++] = (char)c;
			}
			continue;
		}
		if (c == '"') {
			q = true;
		} else if (c == ',') {
			buf[n++] = 0;
			if (nf + 1 < maxf)
				starts[++nf] = n;
		} else if (c == '\n') {
			break;
		} else if (c != '\r') {
			buf[n++] = (char)c;
		}
	}
	buf[n] = 0;
	for (int i = 0; i <= nf; i++)
		fld[i] = buf + starts[i];
	return nf + 1;
}

static bool load_fields(const char *path)
{
	FILE *f = fopen(path, "r");
	char *fld[8];
	int n, row = 0;
	if (!f) {
		fprintf(stderr, "ecs-conform: %s: %s\n", path, strerror(errno));
		return false;
	}
	while ((n = csv_record(f, fld, 8)) >= 0) {
		row++;
		if (n < 7) {
			fprintf(stderr, "ecs-conform: %s: record %d: %d columns\n", path, row, n);
			fclose(f);
			return false;
		}
		if (row == 1) {
			if (strcmp(fld[3], "Field") || strcmp(fld[4], "Type") || strcmp(fld[6], "Normalization")) {
				fprintf(stderr, "ecs-conform: %s: not an ECS fields csv (header)\n", path);
				fclose(f);
				return false;
			}
			continue;
		}
		int t = T_UNKNOWN;
		for (size_t i = 0; i < sizeof(type_names) / sizeof(*type_names); i++)
			if (!strcmp(type_names[i].name, fld[4]))
				t = type_names[i].type;
		if (t == T_UNKNOWN)
			fprintf(stderr, "ecs-conform: %s: field %s: unknown type %s (values accepted)\n",
				path, fld[3], fld[4]);
		struct entry *e = map_find(&schema, fld[3], true);
		e->type = t;
		e->prefix = false;
		e->must_array = strstr(fld[6], "array") != NULL;
		/* its parents are prefixes, unless they are fields themselves */
		char *name = xstrdup(fld[3]);
		for (char *dot = strrchr(name, '.'); dot; dot = strrchr(name, '.')) {
			*dot = 0;
			struct entry *p = map_find(&schema, name, true);
			if (!p->type && !p->prefix)
				p->prefix = true;
		}
		free(name);
	}
	fclose(f);
	if (row < 100) {
		fprintf(stderr, "ecs-conform: %s: only %d rows\n", path, row);
		return false;
	}
	return true;
}

static bool keys_of(json_object *root, const char *name, struct map *m, const char *path)
{
	json_object *o;
	if (!json_object_object_get_ex(root, name, &o) || !json_object_is_type(o, json_type_object)) {
		fprintf(stderr, "ecs-conform: %s: no object \"%s\"\n", path, name);
		return false;
	}
	json_object_object_foreach(o, k, v) {
		(void)v;
		map_find(m, k, true);
	}
	return true;
}

static bool load_allowed(const char *path)
{
	allowed_root = json_object_from_file(path);
	if (!allowed_root) {
		fprintf(stderr, "ecs-conform: %s: %s\n", path, json_util_get_last_err());
		return false;
	}
	if (!keys_of(allowed_root, "event.kind", &kinds, path) ||
	    !keys_of(allowed_root, "event.category", &categories, path) ||
	    !keys_of(allowed_root, "event.type", &types, path) ||
	    !keys_of(allowed_root, "event.outcome", &outcomes, path))
		return false;
	json_object_object_get_ex(allowed_root, "event.category", &cat_expected);
	return true;
}

static char *rule_str(json_object *rule, const char *key)
{
	json_object *v;
	if (rule && json_object_object_get_ex(rule, key, &v) && json_object_is_type(v, json_type_string))
		return xstrdup(json_object_get_string(v));
	return NULL;
}

static bool load_rules(const char *path)
{
	json_object *root = json_object_from_file(path), *rd = NULL, *sd = NULL;
	if (!root) {
		fprintf(stderr, "ecs-conform: %s: %s\n", path, json_util_get_last_err());
		return false;
	}
	json_object_object_get_ex(root, "record_default", &rd);
	json_object_object_get_ex(root, "syscall_default", &sd);
	rd_default_action = rule_str(rd, "action");
	rd_default_kind = rule_str(rd, "event_kind");
	sc_default_action = rule_str(sd, "action");
	json_object_put(root);
	if (!rd_default_action || !sc_default_action) {
		fprintf(stderr, "ecs-conform: %s: no record_default.action or syscall_default.action\n", path);
		return false;
	}
	return true;
}

/* --- reporting ------------------------------------------------------------- */

enum { F_JSON, F_NONECS, F_TYPE, F_VALUE, F_ACTION, F_CATTYPE, NFAIL };
static const char *fail_names[NFAIL] = {"invalid JSON", "non-ECS field", "wrong type",
					"bad value", "action", "category/type"};
static const char *stat_names[NFAIL] = {"json", "nonecs", "type", "value", "action", "cattype"};
static unsigned long n_fail[NFAIL], n_warn, n_docs, n_lines, max_named = 50, n_named;
static unsigned long n_syscall_default;
static bool opt_actions, opt_strict_ct, opt_usage, opt_quiet, opt_no_schema, opt_stats;

static struct map nonecs;    /* non-ECS field paths */
static struct map badtypes;  /* "path: what" */
static struct map badvalues; /* "path=value" */
static struct map cattype;   /* "[cat] type" warnings */
static struct map defaults;  /* record_default message types */
static struct map actions;   /* empty or unknown actions */
static struct map warnings;  /* other warnings by kind */
static struct map usage;     /* field usage */

static const char *cur_file;
static unsigned long cur_line;
static char cur_ctx[160]; /* "seq N type" of the current document */

__attribute__((format(printf, 2, 0)))
static void named(const char *what, const char *fmt, va_list ap)
{
	if (n_named >= max_named)
		return;
	n_named++;
	fprintf(stderr, "ecs-conform: %s:%lu: %s%s%s", cur_file, cur_line, cur_ctx[0] ? "[" : "",
		cur_ctx, cur_ctx[0] ? "] " : "");
	if (what)
		fprintf(stderr, "%s: ", what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void tally(struct map *m, const char *key)
{
	if (!m)
		return;
	struct entry *e = map_find(m, key, true);
	e->count++;
	if (!e->example) {
		char b[512];
		snprintf(b, sizeof(b), "%s:%lu", cur_file, cur_line);
		e->example = xstrdup(b);
	}
}

static void failure(int kind, struct map *m, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void failure(int kind, struct map *m, const char *key, const char *fmt, ...)
{
	va_list ap;
	n_fail[kind]++;
	tally(m, key);
	va_start(ap, fmt);
	named("FAIL", fmt, ap);
	va_end(ap);
}

static void warning(struct map *m, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void warning(struct map *m, const char *key, const char *fmt, ...)
{
	va_list ap;
	n_warn++;
	tally(m, key);
	va_start(ap, fmt);
	named("warning", fmt, ap);
	va_end(ap);
}

static void use(const char *path, int kind)
{
	if (!opt_usage)
		return;
	struct entry *e = map_find(&usage, path, true);
	e->type = kind;
	if (e->last_doc != n_docs) {
		e->last_doc = n_docs;
		e->count++;
	}
}

/* --- values --------------------------------------------------------------- */

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* YYYY-MM-DDTHH:MM:SS, with plausible ranges; returns the length or 0. */
static size_t date_time(const char *s)
{
	if (strlen(s) < 19 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' ||
	    !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return 0;
	int mo = num(s + 5, 2), d = num(s + 8, 2), h = num(s + 11, 2), mi = num(s + 14, 2),
	    se = num(s + 17, 2);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return 0;
	return 19;
}

/* @timestamp: exactly YYYY-MM-DDTHH:MM:SS.mmmZ */
static bool timestamp_ok(const char *s)
{
	return date_time(s) && s[19] == '.' && digits(s + 20, 3) && s[23] == 'Z' && !s[24];
}

/* other dates: YYYY-MM-DDTHH:MM:SS[.f+](Z|+HH:MM|-HH:MM) */
static bool iso_date_ok(const char *s)
{
	size_t i = date_time(s);
	if (!i)
		return false;
	if (s[i] == '.') {
		i++;
		if (s[i] < '0' || s[i] > '9')
			return false;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (s[i] == 'Z')
		return !s[i + 1];
	return (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2) && s[i + 3] == ':' &&
	       digits(s + i + 4, 2) && !s[i + 6];
}

static bool ip_ok(const char *s)
{
	unsigned char b[16];
	return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

static bool is_scalar(json_object *v)
{
	return !json_object_is_type(v, json_type_object) && !json_object_is_type(v, json_type_array);
}

static const char *jtype(json_object *v)
{
	return json_type_to_name(json_object_get_type(v));
}

static bool ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

/* Fields whose values are free text written by a program (arguments, command
 * lines, titles): any string is a fair value there. */
static bool free_text(const char *path)
{
	return ends_with(path, ".args") || ends_with(path, ".title") ||
	       ends_with(path, ".command_line") || !strcmp(path, "message") || !strcmp(path, "tags") ||
	       !strncmp(path, "labels.", 7);
}

/* One value (not an array) of an ECS field of scalar type t. */
static void check_scalar(const char *path, int t, json_object *v)
{
	char key[1200];
	if (json_object_is_type(v, json_type_null)) {
		snprintf(key, sizeof(key), "null value: %s", path);
		warning(&warnings, key, "%s: null", path);
		return;
	}
	if (t == T_UNKNOWN)
		return;
	bool ok = true;
	switch (t) {
	case T_KEYWORD:
	case T_IP:
	case T_DATE:
		ok = json_object_is_type(v, json_type_string);
		break;
	case T_LONG:
	case T_INTEGER:
	case T_SHORT:
	case T_BYTE:
	case T_ULONG:
		ok = json_object_is_type(v, json_type_int);
		break;
	case T_FLOAT:
		ok = json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double);
		break;
	case T_BOOL:
		ok = json_object_is_type(v, json_type_boolean);
		break;
	case T_GEO:
		ok = json_object_is_type(v, json_type_string) || json_object_is_type(v, json_type_object);
		break;
	}
	if (!ok) {
		snprintf(key, sizeof(key), "%s: %s for %s", path, jtype(v), type_name(t));
		failure(F_TYPE, &badtypes, key, "%s: ECS type %s, JSON %s (%.80s)", path, type_name(t),
			jtype(v), json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
		return;
	}
	const char *s = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
	if (s && !*s) {
		snprintf(key, sizeof(key), "empty string: %s", path);
		warning(&warnings, key, "%s: empty string", path);
	}
	if (s && t == T_KEYWORD && !free_text(path)) {
		size_t n = strlen(s);
		if (!strcmp(s, "?") || !strcmp(s, "(null)") || !strcmp(s, "(none)")) {
			snprintf(key, sizeof(key), "%s=%s", path, s);
			failure(F_VALUE, &badvalues, key, "%s: \"%s\" is auditd's placeholder for no value, "
				"not a value", path, s);
		} else if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
			snprintf(key, sizeof(key), "%s: still in auditd's quotes", path);
			failure(F_VALUE, &badvalues, key, "%s: %.80s still in auditd's quotes", path, s);
		}
	}
	if (t == T_IP && !ip_ok(s)) {
		snprintf(key, sizeof(key), "%s=%.80s", path, s);
		failure(F_VALUE, &badvalues, key, "%s: \"%.80s\" is not an IP address", path, s);
	} else if (t == T_DATE && strcmp(path, "@timestamp") && !iso_date_ok(s)) {
		snprintf(key, sizeof(key), "%s=%.80s", path, s);
		failure(F_VALUE, &badvalues, key, "%s: \"%.80s\" is not an ISO 8601 date", path, s);
	} else if (json_object_is_type(v, json_type_int) && t != T_FLOAT) {
		int64_t i = json_object_get_int64(v);
		uint64_t u = json_object_get_uint64(v);
		bool big = i == INT64_MAX && u > (uint64_t)INT64_MAX;
		int64_t lo = INT64_MIN, hi = INT64_MAX;
		if (t == T_INTEGER)
			lo = INT32_MIN, hi = INT32_MAX;
		else if (t == T_SHORT)
			lo = INT16_MIN, hi = INT16_MAX;
		else if (t == T_BYTE)
			lo = INT8_MIN, hi = INT8_MAX;
		else if (t == T_ULONG)
			lo = 0;
		if (ends_with(path, ".port"))
			lo = 0, hi = 65535;
		if ((big && t != T_ULONG) || (!big && (i < lo || i > hi))) {
			snprintf(key, sizeof(key), "%s=%s", path, json_object_get_string(v));
			failure(F_VALUE, &badvalues, key, "%s: %s out of range for %s", path,
				json_object_get_string(v), type_name(t));
		}
	}
}

static void walk(const char *path, json_object *o);

/* The value v at path (dotted, without leading dot). */
static void check_field(const char *path, json_object *v)
{
	char key[1200];
	if (!strcmp(path, "auditd") || !strncmp(path, "auditd.", 7)) {
		/* ours: any shape; only usage is noted */
		if (json_object_is_type(v, json_type_object)) {
			json_object_object_foreach(v, k, c) {
				char p[1024];
				snprintf(p, sizeof(p), "%s.%s", path, k);
				check_field(p, c);
			}
		} else if (json_object_is_type(v, json_type_array)) {
			char p[1024];
			snprintf(p, sizeof(p), "%s[]", path);
			size_t n = json_object_array_length(v);
			if (!n)
				use(p, 1);
			for (size_t i = 0; i < n; i++)
				check_field(p, json_object_array_get_idx(v, i));
		} else {
			use(path, 1);
		}
		return;
	}

	struct entry *f = map_find(&schema, path, false);
	if (f && f->prefix)
		f = NULL;
	if (!f) {
		struct entry *pre = map_find(&schema, path, false);
		if (json_object_is_type(v, json_type_object) && pre) {
			if (!json_object_object_length(v)) {
				snprintf(key, sizeof(key), "empty object: %s", path);
				warning(&warnings, key, "%s: empty object", path);
			}
			walk(path, v);
			return;
		}
		if (json_object_is_type(v, json_type_object) && json_object_object_length(v)) {
			walk(path, v); /* name each leaf */
			return;
		}
		failure(F_NONECS, &nonecs, path, "%s: not an ECS 8.11 field (JSON %s)", path, jtype(v));
		return;
	}

	switch (f->type) {
	case T_FLATTENED:
		use(path, 2);
		return;
	case T_OBJECT:
		use(path, 2);
		if (!json_object_is_type(v, json_type_object)) {
			snprintf(key, sizeof(key), "%s: %s for object", path, jtype(v));
			failure(F_TYPE, &badtypes, key, "%s: ECS type object, JSON %s", path, jtype(v));
			return;
		}
		/* ECS fields below it are checked as such; other keys are the
		 * object's own (labels.*: keyword values) */
		json_object_object_foreach(v, k, c) {
			char p[1024];
			snprintf(p, sizeof(p), "%s.%s", path, k);
			struct entry *sub = map_find(&schema, p, false);
			if (sub)
				check_field(p, c);
			else if (!is_scalar(c) && !json_object_is_type(c, json_type_array)) {
				snprintf(key, sizeof(key), "%s: object below object field", p);
				failure(F_TYPE, &badtypes, key, "%s: an object below ECS object field %s", p, path);
			} else
				use(p, 2);
		}
		return;
	case T_NESTED:
		use(path, 2);
		if (json_object_is_type(v, json_type_object)) {
			walk(path, v);
		} else if (json_object_is_type(v, json_type_array)) {
			for (size_t i = 0; i < json_object_array_length(v); i++) {
				json_object *el = json_object_array_get_idx(v, i);
				if (json_object_is_type(el, json_type_object))
					walk(path, el);
				else {
					snprintf(key, sizeof(key), "%s: %s in nested", path, jtype(el));
					failure(F_TYPE, &badtypes, key, "%s: ECS nested, element JSON %s", path, jtype(el));
				}
			}
		} else {
			snprintf(key, sizeof(key), "%s: %s for nested", path, jtype(v));
			failure(F_TYPE, &badtypes, key, "%s: ECS type nested, JSON %s", path, jtype(v));
		}
		return;
	}

	use(path, 0);
	if (json_object_is_type(v, json_type_array)) {
		size_t n = json_object_array_length(v);
		if (!n) {
			snprintf(key, sizeof(key), "empty array: %s", path);
			warning(&warnings, key, "%s: empty array", path);
		}
		for (size_t i = 0; i < n; i++) {
			json_object *el = json_object_array_get_idx(v, i);
			if (!is_scalar(el)) {
				snprintf(key, sizeof(key), "%s: %s in array", path, jtype(el));
				failure(F_TYPE, &badtypes, key, "%s: ECS %s, array element JSON %s", path,
					type_name(f->type), jtype(el));
			} else {
				check_scalar(path, f->type, el);
			}
		}
		return;
	}
	if (json_object_is_type(v, json_type_object)) {
		snprintf(key, sizeof(key), "%s: object for %s", path, type_name(f->type));
		failure(F_TYPE, &badtypes, key, "%s: ECS type %s, JSON object", path, type_name(f->type));
		return;
	}
	if (f->must_array && !json_object_is_type(v, json_type_null)) {
		snprintf(key, sizeof(key), "%s: not an array", path);
		failure(F_TYPE, &badtypes, key, "%s: must be an array (ECS normalization \"array\"), JSON %s",
			path, jtype(v));
	}
	check_scalar(path, f->type, v);
}

static void walk(const char *path, json_object *o)
{
	json_object_object_foreach(o, k, v) {
		char p[1024];
		if (!*k) {
			failure(F_NONECS, &nonecs, "(empty key)", "%s: an empty key", path ? path : "(top)");
			continue;
		}
		if (path)
			snprintf(p, sizeof(p), "%s.%s", path, k);
		else
			snprintf(p, sizeof(p), "%s", k);
		check_field(p, v);
	}
}

/* The value at a dotted path: keys may be nested objects or dotted names. */
static json_object *get(json_object *o, const char *path)
{
	json_object *v;
	if (!o || !json_object_is_type(o, json_type_object))
		return NULL;
	if (json_object_object_get_ex(o, path, &v))
		return v;
	for (const char *dot = strchr(path, '.'); dot; dot = strchr(dot + 1, '.')) {
		char head[256];
		size_t n = (size_t)(dot - path);
		if (n >= sizeof(head))
			break;
		memcpy(head, path, n);
		head[n] = 0;
		if (json_object_object_get_ex(o, head, &v) && (v = get(v, dot + 1)))
			return v;
	}
	return NULL;
}

static const char *get_str(json_object *doc, const char *path)
{
	json_object *v = get(doc, path);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* The strings of an array (or of a lone string) at path, at most max. */
static size_t get_strs(json_object *doc, const char *path, const char **out, size_t max)
{
	json_object *v = get(doc, path);
	size_t n = 0;
	if (!v)
		return 0;
	if (json_object_is_type(v, json_type_string)) {
		out[0] = json_object_get_string(v);
		return 1;
	}
	if (!json_object_is_type(v, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(v) && n < max; i++) {
		json_object *c = json_object_array_get_idx(v, i);
		if (json_object_is_type(c, json_type_string))
			out[n++] = json_object_get_string(c);
	}
	return n;
}

static bool expected_type(const char *cat, const char *type)
{
	json_object *list;
	if (!json_object_object_get_ex(cat_expected, cat, &list) || !json_object_is_type(list, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(list); i++)
		if (!strcmp(json_object_get_string(json_object_array_get_idx(list, i)), type))
			return true;
	return false;
}

static void allowed(json_object *doc, const char *path, struct map *m)
{
	const char *v[64];
	char key[1200];
	json_object *o = get(doc, path);
	if (!o)
		return;
	size_t n = get_strs(doc, path, v, 64);
	for (size_t i = 0; i < n; i++) {
		if (!map_find(m, v[i], false)) {
			snprintf(key, sizeof(key), "%s=%.80s", path, v[i]);
			failure(F_VALUE, &badvalues, key, "%s: \"%.80s\" is not an ECS 8.11 allowed value", path, v[i]);
		}
	}
}

static bool unknownish(const char *s)
{
	return !s || !*s || !strcmp(s, "unknown") || !strcmp(s, "?") || !strcmp(s, "none") ||
	       !strcmp(s, "(null)") || !strcmp(s, "null");
}

static void check_schema(json_object *doc);
static void check_actions(json_object *doc, const char *mt, const char *action);

static void check_doc(json_object *doc)
{

	/* context for the messages */
	json_object *seq = get(doc, "event.sequence");
	const char *mt = get_str(doc, "auditd.message_type");
	const char *action = get_str(doc, "event.action");
	snprintf(cur_ctx, sizeof(cur_ctx), "seq %s %s %s", seq ? json_object_get_string(seq) : "-",
		 mt ? mt : "-", action ? action : "-");

	if (!opt_no_schema)
		check_schema(doc);
	if (opt_actions)
		check_actions(doc, mt, action);
}

static void check_schema(json_object *doc)
{
	char key[1200];
	const char *s;
	const char *action = get_str(doc, "event.action");

	walk(NULL, doc);

	s = get_str(doc, "@timestamp");
	if (!s)
		failure(F_VALUE, &badvalues, "@timestamp missing", "@timestamp: missing or not a string");
	else if (!timestamp_ok(s)) {
		snprintf(key, sizeof(key), "@timestamp=%.80s", s);
		failure(F_VALUE, &badvalues, key, "@timestamp: \"%.80s\" is not YYYY-MM-DDTHH:MM:SS.mmmZ", s);
	}
	s = get_str(doc, "ecs.version");
	if (!s || strcmp(s, "8.11.0")) {
		snprintf(key, sizeof(key), "ecs.version=%.80s", s ? s : "(missing)");
		failure(F_VALUE, &badvalues, key, "ecs.version: %s, not \"8.11.0\"", s ? s : "missing");
	}

	allowed(doc, "event.kind", &kinds);
	allowed(doc, "event.category", &categories);
	allowed(doc, "event.type", &types);
	allowed(doc, "event.outcome", &outcomes);
	if (!get(doc, "event.kind"))
		warning(&warnings, "no event.kind", "event.kind: missing");
	json_object *nd = get(doc, "network.direction");
	if (nd && json_object_is_type(nd, json_type_string)) {
		static const char *const dirs[] = {"ingress", "egress", "inbound", "outbound",
						   "internal", "external", "unknown"};
		bool ok = false;
		for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++)
			ok |= !strcmp(dirs[i], json_object_get_string(nd));
		if (!ok) {
			snprintf(key, sizeof(key), "network.direction=%.80s", json_object_get_string(nd));
			failure(F_VALUE, &badvalues, key, "network.direction: \"%.80s\" is not an ECS expected value",
				json_object_get_string(nd));
		}
	}
	json_object *args = get(doc, "process.args"), *argc = get(doc, "process.args_count");
	if (argc && json_object_is_type(argc, json_type_int)) {
		int64_t want = json_object_get_int64(argc);
		int64_t have = args && json_object_is_type(args, json_type_array)
				       ? (int64_t)json_object_array_length(args) : -1;
		if (have != want) {
			snprintf(key, sizeof(key), "process.args_count != length of process.args");
			failure(F_VALUE, &badvalues, key, "process.args_count: %" PRId64 ", process.args has %" PRId64
				" elements", want, have);
		}
	}

	/* category/type: each type should be expected by each category */
	const char *cats[16], *tys[16];
	size_t nc = get_strs(doc, "event.category", cats, 16);
	size_t nt = get_strs(doc, "event.type", tys, 16);
	if (nt && !nc)
		warning(&warnings, "event.type without event.category", "event.type without event.category");
	for (size_t j = 0; j < nt && nc; j++) {
		bool any = false;
		for (size_t i = 0; i < nc; i++)
			any |= expected_type(cats[i], tys[j]);
		for (size_t i = 0; i < nc; i++) {
			if (expected_type(cats[i], tys[j]) || !map_find(&categories, cats[i], false))
				continue;
			snprintf(key, sizeof(key), "%s %s/%s%s (action %.60s)", any ? "pair" : "ORPHAN", cats[i],
				 tys[j], any ? "" : ", expected by no category of the document",
				 action ? action : "-");
			if (!any && opt_strict_ct)
				failure(F_CATTYPE, &cattype, key, "event.type \"%s\" is expected by none of the "
					"document's categories (\"%s\"...)", tys[j], cats[0]);
			else
				warning(&cattype, key, "event.category \"%s\" does not expect event.type \"%s\"%s",
					cats[i], tys[j], any ? " (another category does)" : " (nor does any other)");
		}
	}

}

static void check_actions(json_object *doc, const char *mt, const char *action)
{
	char key[1200];
	{
		const char *sa = get_str(doc, "auditd.summary.action");
		const char *ek = get_str(doc, "auditd.event_kind");
		if (unknownish(action)) {
			snprintf(key, sizeof(key), "event.action=%s (%s)", action ? action : "(missing)", mt ? mt : "-");
			failure(F_ACTION, &actions, key, "event.action: %s", action ? (*action ? action : "empty") : "missing");
		}
		if (unknownish(sa)) {
			snprintf(key, sizeof(key), "auditd.summary.action=%s (%s)", sa ? sa : "(missing)", mt ? mt : "-");
			failure(F_ACTION, &actions, key, "auditd.summary.action: %s", sa ? (*sa ? sa : "empty") : "missing");
		}
		if (rd_default_action && action && !strcmp(action, rd_default_action) &&
		    (!rd_default_kind || (ek && !strcmp(ek, rd_default_kind)))) {
			snprintf(key, sizeof(key), "%s", mt ? mt : "(no auditd.message_type)");
			failure(F_ACTION, &defaults, key, "fell to record_default (message_type %s)", mt ? mt : "-");
		}
		if (sc_default_action && action && mt && !strcmp(mt, "syscall") && !strcmp(action, sc_default_action))
			n_syscall_default++;
	}
}

/* --- lines ------------------------------------------------------------------ */

static void check_line(char *line, size_t len)
{
	json_tokener *tok;
	json_object *doc;
	size_t bad;

	cur_ctx[0] = 0;
	if (!len || line[len - 1] != '\n') {
		failure(F_JSON, NULL, NULL, "not terminated by a newline");
	} else {
		line[--len] = 0;
	}
	if (!len) {
		failure(F_JSON, NULL, NULL, "empty line");
		return;
	}
	if ((bad = utf8_invalid_at((const unsigned char *)line, len)) != len) {
		failure(F_JSON, NULL, NULL, "invalid UTF-8 at byte %zu", bad);
		return;
	}
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f) {
			failure(F_JSON, NULL, NULL, "raw control byte 0x%02x at byte %zu", (unsigned char)line[i], i);
			return;
		}
	tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	doc = json_tokener_parse_ex(tok, line, (int)len);
	enum json_tokener_error err = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!doc || err != json_tokener_success) {
		failure(F_JSON, NULL, NULL, "not JSON (json-c strict): %s at byte %zu",
			json_tokener_error_desc(err), end);
		json_object_put(doc);
		return;
	}
	if (end != len) {
		failure(F_JSON, NULL, NULL, "text after the JSON value at byte %zu", end);
		json_object_put(doc);
		return;
	}
	if (!json_object_is_type(doc, json_type_object)) {
		failure(F_JSON, NULL, NULL, "a JSON %s, not an object", jtype(doc));
		json_object_put(doc);
		return;
	}
	n_docs++;
	check_doc(doc);
	json_object_put(doc);
}

static int check_file(const char *name)
{
	FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	if (!f) {
		fprintf(stderr, "ecs-conform: %s: %s\n", name, strerror(errno));
		return -1;
	}
	cur_file = name;
	cur_line = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		cur_line++;
		n_lines++;
		if (memchr(line, 0, (size_t)n)) {
			cur_ctx[0] = 0;
			failure(F_JSON, NULL, NULL, "a NUL byte");
			continue;
		}
		check_line(line, (size_t)n);
	}
	int rc = ferror(f) ? -1 : 0;
	if (rc)
		fprintf(stderr, "ecs-conform: %s: read error\n", name);
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}

static unsigned long sum(const struct map *m)
{
	unsigned long n = 0;
	for (size_t i = 0; i < m->cap; i++)
		if (m->e[i].key)
			n += m->e[i].count;
	return n;
}

static void list(const char *title, struct map *m)
{
	if (!m->n)
		return;
	struct entry **v = map_sorted(m);
	fprintf(stderr, "  %s:\n", title);
	for (size_t i = 0; i < m->n; i++)
		fprintf(stderr, "    %6lu  %s  (first: %s)\n", v[i]->count, v[i]->key, v[i]->example);
	free(v);
}

static void usage_exit(void)
{
	fputs("usage: ecs-conform [-d DIR | -F CSV -V JSON] [-n RULES] [-A] [-S] [-W] [-s] [-u] [-q] [-m N] [FILE|-]...\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *csv = NULL, *av = NULL, *rules = NULL;
	char b1[4096], b2[4096];
	int c, rc = 0;

	while ((c = getopt(argc, argv, "d:F:V:n:AWSsuqm:")) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'F': csv = optarg; break;
		case 'V': av = optarg; break;
		case 'n': rules = optarg; break;
		case 'A': opt_actions = true; break;
		case 'W': opt_strict_ct = true; break;
		case 'S': opt_no_schema = true; break;
		case 's': opt_stats = true; break;
		case 'u': opt_usage = true; break;
		case 'q': opt_quiet = true; break;
		case 'm': max_named = strtoul(optarg, NULL, 10); break;
		default: usage_exit();
		}
	}
	if (dir) {
		snprintf(b1, sizeof(b1), "%s/fields-8.11.0.csv", dir);
		snprintf(b2, sizeof(b2), "%s/allowed-values-8.11.0.json", dir);
		if (!csv)
			csv = b1;
		if (!av)
			av = b2;
	}
	if (!csv || !av)
		usage_exit();
	if (!load_fields(csv) || !load_allowed(av) || (rules && !load_rules(rules)))
		return 2;

	if (optind == argc) {
		if (check_file("-") < 0)
			rc = 2;
	}
	for (int i = optind; i < argc; i++)
		if (check_file(argv[i]) < 0)
			rc = 2;

	unsigned long nf = 0;
	for (int k = 0; k < NFAIL; k++)
		nf += n_fail[k];

	if (opt_stats) {
		printf("docs=%lu failures=%lu", n_docs, nf);
		for (int k = 0; k < NFAIL; k++)
			printf(" %s=%lu", stat_names[k], n_fail[k]);
		printf(" record_default=%lu warnings=%lu cattype_warnings=%lu syscall_default=%lu\n",
		       sum(&defaults), n_warn, sum(&cattype), n_syscall_default);
	}
	if (opt_usage) {
		struct entry **v = map_sorted(&usage);
		for (size_t i = 0; i < usage.n; i++)
			printf("%lu %s %s\n", v[i]->count, v[i]->key,
			       v[i]->type == 1 ? "auditd" : v[i]->type == 2 ? "ecs-object" : "ecs");
		free(v);
	}
	if (!opt_quiet) {
		fprintf(stderr, "ecs-conform: %lu lines, %lu documents, %lu failures (", n_lines, n_docs, nf);
		for (int k = 0; k < NFAIL; k++)
			fprintf(stderr, "%s%s %lu", k ? ", " : "", fail_names[k], n_fail[k]);
		fprintf(stderr, "), %lu warnings", n_warn);
		if (opt_actions && sc_default_action)
			fprintf(stderr, ", %lu syscall_default (%s) documents", n_syscall_default, sc_default_action);
		fputc('\n', stderr);
		if (n_named >= max_named && nf + n_warn > n_named)
			fprintf(stderr, "  (only the first %lu problems named)\n", max_named);
		list("non-ECS fields", &nonecs);
		list("wrong types", &badtypes);
		list("bad values", &badvalues);
		list("empty or unknown actions", &actions);
		list("record_default events by message_type", &defaults);
		list("category/type warnings", &cattype);
		list("other warnings", &warnings);
	}

	map_free(&schema);
	map_free(&kinds);
	map_free(&categories);
	map_free(&types);
	map_free(&outcomes);
	map_free(&nonecs);
	map_free(&badtypes);
	map_free(&badvalues);
	map_free(&cattype);
	map_free(&defaults);
	map_free(&actions);
	map_free(&warnings);
	map_free(&usage);
	json_object_put(allowed_root);
	free(rd_default_action);
	free(rd_default_kind);
	free(sc_default_action);
	if (rc)
		return rc;
	return nf ? 1 : 0;
}
