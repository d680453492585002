#include "ecs.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "idcache.h"
#include "identmemo.h"
#include "interpret.h"
#include "jsonw.h"
#include "loadword.h"
#include "stats.h"
#include "message.h"
#include "summary.h"
#include "view.h"

/* A key (at most 16 bytes) as the JSON that opens its member, "key":,
 * escaped once: len bytes of text, the rest zeros, copied whole. len 0:
 * none (too long once escaped). */
#define KEY_TEXT 24
struct key_text {
	uint8_t len;
	char text[KEY_TEXT];
};

/* A PATH record's keys when none repeats (each at most 16 bytes: its
 * length and its two words, zero-padded), and their texts. The kernel
 * writes one of a few such sets, in order: a record with one of them needs
 * no keyset, and its keys no escaping. */
#define PATH_LAYOUT_KEYS 24
#define PATH_LAYOUTS 4
/* The PATH fields file is made of, by the first field of each name. */
enum { PF_NAME, PF_INODE, PF_DEV, PF_MODE, PF_OUID, PF_OGID, PF_COUNT };
struct path_layout {
	size_t n;
	uint8_t len[PATH_LAYOUT_KEYS];
	uint64_t word[PATH_LAYOUT_KEYS][2];
	struct key_text text[PATH_LAYOUT_KEYS];
	uint8_t file_at[PF_COUNT]; /* where file's fields are: place + 1, 0 none */
};

/* A record's members of auditd.data by its layout, for the next record of
 * its type with exactly its keys in the same order (the kernel writes each
 * type's records so): which fields data_skips() leaves out is decided, each
 * member's key text composed and each unknown key hashed once. Known names
 * are matched by what view_name() said of them, the others (at most 16
 * bytes) by their words. Records with keyless words take none. */
#define DATA_LAYOUT_KEYS 48
#define DATA_LAYOUTS_BITS 4 /* direct-mapped by a hash of the type */
#define DATA_LAYOUTS (1u << DATA_LAYOUTS_BITS)
struct data_member {
	const struct name_slot *ns; /* NULL: an unknown key, load_hash() gave h */
	uint64_t h;
	uint8_t at;   /* the field's place in the record */
	bool special; /* a value data_value() may name (arch, syscall, exit) */
	struct key_text text;
};
struct data_layout {
	bool valid;
	int type;
	size_t n;
	/* the known keys' bits (enum key) it has, and those of them skipped */
	uint64_t keys, skipped;
	const struct name_slot *ns[DATA_LAYOUT_KEYS];
	size_t nunknown;
	uint8_t unknown_at[DATA_LAYOUT_KEYS], unknown_len[DATA_LAYOUT_KEYS];
	uint64_t unknown_word[DATA_LAYOUT_KEYS][2];
	size_t nout;
	struct data_member out[DATA_LAYOUT_KEYS];
};

/* A slot of a keyset (below); empty unless gen is the set's. */
struct kslot {
	const char *p;
	uint64_t h;
	uint32_t len, gen;
};

struct ecs_writer {
	struct jsonw w;
	struct view v;
	/* the keysets' slots, reused: a new set takes a new generation
	 * instead of clearing them */
	struct kslot *kslots;
	size_t nkslots;
	uint32_t kgen;
	uint64_t ts_sec;
	char ts_date[INTERP_UTC_LEN]; /* "YYYY-MM-DDTHH:MM:SS" of ts_sec */
	size_t ts_len;
	bool ts_ok; /* ts_date is ts_sec's (not the fallback) */
	struct identmemo *idm; /* recent identity sections (ident_key()) */
	struct path_layout layouts[PATH_LAYOUTS];
	unsigned next_layout; /* the one to replace next, round robin */
	/* the object's PATH record's layout, found by write_file() for
	 * write_paths(): still it while next_layout is object_layout_at */
	const struct path_layout *object_layout;
	unsigned object_layout_at;
	struct data_layout dlayouts[DATA_LAYOUTS];
	/* data's names for the last arch (machine) and syscall seen: libaudit's
	 * strings, the same event after event, their lengths taken once */
	int arch_machine;
	struct strv arch_name, syscall_name;
};

struct ecs_writer *ecs_writer_new(void)
{
	struct ecs_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->idm = identmemo_new();
	if (!w->idm) {
		free(w);
		return NULL;
	}
	jsonw_init(&w->w);
	view_init(&w->v);
	w->arch_machine = -1;
	return w;
}

void ecs_writer_free(struct ecs_writer *w)
{
	if (!w)
		return;
	jsonw_free(&w->w);
	view_free(&w->v);
	free(w->kslots);
	identmemo_free(w->idm);
	free(w);
}

struct arg {
	uint32_t argno, chunk;
	struct strv val;
	bool chunked;
};

/* --- writing -------------------------------------------------------------- */

/* key (a literal) and value */
#define kv_str(j, k, ...)                                                                        \
	do {                                                                                     \
		struct strv kv_v_ = (__VA_ARGS__);                                               \
		JSONW_KEY(j, k);                                                                 \
		jsonw_string(j, kv_v_.p, kv_v_.len);                                             \
	} while (0)
#define kv_strz(j, k, v)                                                                         \
	do {                                                                                     \
		JSONW_KEY(j, k);                                                                 \
		jsonw_stringz(j, v);                                                             \
	} while (0)

/* The run that opens a member holding an object, "key":{, or an array,
 * "key":[, and the same as the (text, length) arguments of the writers
 * below that take one. */
#define OPEN_OBJ(key) "\"" key "\":{"
#define OPEN_OBJ_ARGS(key) OPEN_OBJ(key), sizeof(OPEN_OBJ(key)) - 1
#define OPEN_ARR(key) "\"" key "\":["
#define OPEN_ARR_ARGS(key) OPEN_ARR(key), sizeof(OPEN_ARR(key)) - 1

/* Pieces of a span (jsonw_span_begin()), written in place. */

/* A literal; evaluates to the new end. */
#define PUT_LIT(p, lit) ((char *)memcpy((p), "" lit "", sizeof(lit) - 1) + sizeof(lit) - 1)

/* Room for a string left out when empty. */
static size_t opt_bound(struct strv s)
{
	return s.len ? jsonw_str_bound(s.len) : 0;
}

/* "key":"s" after sep: '{' for an object's first member, then ','. Key is
 * a literal. */
#define PUT_MEMBER(p, sep, key, s) put_member((p), (sep), "\"" key "\":", sizeof(key) + 2, (s))
static inline char *put_member(char *p, char *sep, const char *key, size_t klen, struct strv s)
{
	*p++ = *sep;
	*sep = ',';
	memcpy(p, key, klen);
	return jsonw_span_str(p + klen, s.p, s.len);
}

/* Text known to need no escaping (digits), shorter than NUMBER_TEXT_MAX;
 * stores up to 8 bytes past its end. */
static char *put_plain(char *p, struct strv s)
{
	if (s.len <= 8) {
		uint64_t x = load_upto8(s.p, s.len);
		memcpy(p, &x, 8);
	} else {
		memcpy(p, s.p, s.len);
	}
	return p + s.len;
}

/* Formats the event's second, once for all the events within it. */
static void event_date(struct ecs_writer *w, uint64_t sec)
{
	if (sec == w->ts_sec && w->ts_date[0])
		return;
	w->ts_ok = interp_utc(sec, w->ts_date);
	if (!w->ts_ok)
		strcpy(w->ts_date, "1970-01-01T00:00:00");
	w->ts_len = strnlen(w->ts_date, sizeof(w->ts_date) - 1);
	w->ts_sec = sec;
}

/* {"@timestamp":"date.mmmZ" at p (event_date() first), which opens the
 * document: digits and separators of our own formatting, nothing to
 * escape; returns the new end. */
#define TIMESTAMP_MAX (16 + INTERP_UTC_LEN + 6)
static char *put_timestamp(const struct ecs_writer *w, char *p, const struct record_hdr *h)
{
	unsigned ms = h->msec % 1000;
	p = PUT_LIT(p, "{\"@timestamp\":\"");
	memcpy(p, w->ts_date, w->ts_len);
	p += w->ts_len;
	p[0] = '.';
	p[1] = (char)('0' + ms / 100);
	p[2] = (char)('0' + ms / 10 % 10);
	p[3] = (char)('0' + ms % 10);
	p[4] = 'Z';
	p[5] = '"';
	return p + 6;
}

/* success=yes|no (SYSCALL) or res=success|failed|1|0 (others). */
static int outcome_of(struct ecs_writer *w)
{
	const struct field *f = w->v.slot[K_SUCCESS];
	if (f)
		return strv_eq(f->val, "yes") ? 1 : strv_eq(f->val, "no") ? 0 : -1;
	f = w->v.slot[K_RES] ? w->v.slot[K_RES] : w->v.slot[K_RESULT];
	if (!f)
		return -1;
	struct strv v;
	view_text(&w->v, f, &v);
	if (strv_eq(v, "success") || strv_eq(v, "1") || strv_eq(v, "yes"))
		return 1;
	if (strv_eq(v, "failed") || strv_eq(v, "0") || strv_eq(v, "no") || strv_eq(v, "fail"))
		return 0;
	return -1;
}

/* Two NULL-terminated lists (with their lengths) as one JSON array, without
 * repeats; open is the run "key":[ . */
static void write_str_lists(struct jsonw *j, const char *open, size_t n, const char *const *a,
			    const unsigned char *alen, const char *const *b,
			    const unsigned char *blen)
{
	if (!a[0] && (!b || !b[0]))
		return;
	jsonw_frag(j, open, n, 1);
	for (size_t i = 0; a[i]; i++)
		jsonw_string(j, a[i], alen[i]);
	for (size_t i = 0; b && b[i]; i++) {
		bool dup = false;
		for (const char *const *q = a; *q && !dup; q++)
			dup = !strcmp(b[i], *q);
		if (!dup)
			jsonw_string(j, b[i], blen[i]);
	}
	jsonw_array_end(j);
}

static const char *sa_direction(const struct view *g, bool *dest)
{
	const char *name = g->syscall_name;
	*dest = true;
	if (!name)
		return NULL;
	if (!strcmp(name, "connect") || !strncmp(name, "send", 4))
		return "egress";
	*dest = false;
	if (!strncmp(name, "accept", 6) || !strncmp(name, "recv", 4))
		return "ingress";
	return NULL; /* bind, listen: the local address */
}

/* event.original: the records as auditd wrote them, in arrival order. */
static void write_original(struct jsonw *j, const struct event *ev)
{
	JSONW_FRAG(j, OPEN_ARR("original"), 1);
	for (size_t i = 0; i < ev->nrec; i++)
		jsonw_string(j, ev->buf + ev->recs[i].off, ev->recs[i].len);
	jsonw_array_end(j);
}

/* Whether the rule's composed "event" (up to the action's value) serves:
 * unless a syscall rule adds to its lists. */
static bool event_head_composed(const struct view *g)
{
	const struct norm_rule *r = g->rule, *sr = g->syscall_rule;
	return r->ecs_event && (!sr || (!sr->category[0] && !sr->type[0]));
}

/* The start of "event" up to the action's value, when it was not composed
 * with the rule. */
static void write_event_head(struct jsonw *j, const struct view *g)
{
	const struct norm_rule *r = g->rule, *sr = g->syscall_rule;
	JSONW_FRAG(j, "\"event\":{\"kind\":", 1);
	if (r->ecs_kind)
		jsonw_string(j, r->ecs_kind, r->ecs_kind_len);
	else
		jsonw_stringz(j, "event");
	JSONW_FRAG(j, "\"module\":\"auditd\"", 0);
	write_str_lists(j, OPEN_ARR_ARGS("category"), r->category, r->category_len,
			sr ? sr->category : NULL, sr ? sr->category_len : NULL);
	write_str_lists(j, OPEN_ARR_ARGS("type"), r->type, r->type_len, sr ? sr->type : NULL,
			sr ? sr->type_len : NULL);
	JSONW_KEY(j, "action");
}

/* event.action's length: the rule's (kept), or a refinement's. */
static size_t action_len(const struct view *g)
{
	return g->action == g->rule->action ? g->rule->action_len : strlen(g->action);
}

/* The document's opening: its time stamp, message (unless empty) and
 * "event", in one span when the rule's "event" was composed. */
static void write_doc_head(struct ecs_writer *w, const struct view *g, struct strv msg,
			   int outcome, const struct event *original)
{
	struct jsonw *j = &w->w;
	size_t alen = action_len(g);
	bool composed = event_head_composed(g);
	size_t bound = TIMESTAMP_MAX + (msg.len ? 12 + jsonw_str_bound(msg.len) : 0) +
		       (composed ? 1 + g->rule->ecs_event_len : 0) + jsonw_str_bound(alen) + 40 +
		       JSONW_UINT_BOUND;
	char *p = jsonw_span_begin(j, bound);
	if (!p)
		return;
	p = put_timestamp(w, p, &g->primary->hdr);
	if (msg.len)
		p = jsonw_span_str(PUT_LIT(p, ",\"message\":"), msg.p, msg.len);
	int open = 1; /* the document */
	if (composed) {
		*p++ = ',';
		memcpy(p, g->rule->ecs_event, g->rule->ecs_event_len);
		p += g->rule->ecs_event_len;
		open++;
	} else {
		jsonw_span_end(j, p, open);
		write_event_head(j, g);
		if (!(p = jsonw_span_begin(j, bound)))
			return;
		open = 0;
	}
	/* the action's value, the outcome and the sequence */
	p = jsonw_span_str(p, g->action, alen);
	if (outcome == 1)
		p = PUT_LIT(p, ",\"outcome\":\"success\",\"sequence\":");
	else if (outcome == 0)
		p = PUT_LIT(p, ",\"outcome\":\"failure\",\"sequence\":");
	else
		p = PUT_LIT(p, ",\"outcome\":\"unknown\",\"sequence\":");
	p = jsonw_span_uint(p, w->v.pe.ev->serial);
	if (original) {
		jsonw_span_end(j, p, open);
		write_original(j, original);
		jsonw_object_end(j);
		return;
	}
	*p++ = '}';
	jsonw_span_end(j, p, open - 1);
}

static int cmp_arg(const void *a, const void *b)
{
	const struct arg *x = a, *y = b;
	if (x->argno != y->argno)
		return x->argno < y->argno ? -1 : 1;
	return x->chunk < y->chunk ? -1 : x->chunk > y->chunk;
}

static bool args_sorted(const struct arg *args, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (cmp_arg(&args[i - 1], &args[i]) > 0)
			return false;
	return true;
}

/* EXECVE: argc=N a0=.. a1=.. and, for long arguments, aN_len=L aN[0]=..
 * aN[1]=.. possibly over several EXECVE records (in any order). */
static size_t gather_args(struct ecs_writer *w, struct arg **out, uint64_t *argc)
{
	size_t n = 0, cap = 0;
	struct arg *args = NULL;

	*argc = UINT64_MAX;
	for (size_t i = 0; i < w->v.pe.nrec; i++) {
		const struct parsed_rec *r = &w->v.pe.recs[i];
		if (r->hdr.type != AUDIT_EXECVE)
			continue;
		for (size_t f = 0; f < r->nfields; f++) {
			struct strv k = r->fields[f].key;
			if (strv_eq(k, "argc")) {
				view_u64(&r->fields[f], argc);
				continue;
			}
			if (k.len < 2 || k.p[0] != 'a' || k.p[1] < '0' || k.p[1] > '9')
				continue;
			size_t d = 1;
			uint64_t argno = 0, chunk = 0;
			while (d < k.len && k.p[d] >= '0' && k.p[d] <= '9' && argno < UINT32_MAX)
				argno = argno * 10 + (uint64_t)(k.p[d++] - '0');
			bool chunked = false;
			if (d < k.len && k.p[d] == '[') {
				const char *close = memchr(k.p + d, ']', k.len - d);
				if (!close || !interp_u64(k.p + d + 1, (size_t)(close - k.p - d - 1), 10,
							  &chunk) || chunk >= UINT32_MAX)
					continue;
				chunked = true;
			} else if (d != k.len) {
				continue; /* aN_len */
			}
			if (argno >= UINT32_MAX)
				continue;
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 16;
				struct arg *na = arena_alloc(&w->v.arena, nc * sizeof(*na));
				if (!na)
					break;
				if (n)
					memcpy(na, args, n * sizeof(*na));
				args = na;
				cap = nc;
			}
			args[n++] = (struct arg){(uint32_t)argno, (uint32_t)chunk, r->fields[f].val,
						 chunked};
		}
	}
	/* auditd writes them in order, but records may arrive in any */
	if (!args_sorted(args, n))
		qsort(args, n, sizeof(*args), cmp_arg);
	*out = args;
	return n;
}

static void write_args(struct ecs_writer *w, struct arg *args, size_t n, uint64_t argc)
{
	struct jsonw *j = &w->w;
	size_t count = 0;

	JSONW_FRAG(j, OPEN_ARR("args"), 1);
	for (size_t i = 0; i < n;) {
		/* one argument: its value, or its chunks concatenated */
		size_t e = i + 1, total = 0;
		while (e < n && args[e].argno == args[i].argno)
			e++;
		struct strv v;
		if (e - i == 1 && !args[i].chunked) {
			if (!interp_untrusted(args[i].val.p, args[i].val.len, &w->v.arena, &v))
				v = (struct strv){"", 0};
		} else {
			for (size_t k = i; k < e; k++)
				total += args[k].val.len + 1; /* hex halves, but a chunk may not be hex */
			char *buf = arena_alloc(&w->v.arena, total + 1);
			size_t len = 0;
			for (size_t k = i; buf && k < e; k++) {
				struct strv part;
				if (args[k].chunked && interp_untrusted(args[k].val.p, args[k].val.len,
									&w->v.arena, &part)) {
					memcpy(buf + len, part.p, part.len);
					len += part.len;
				}
			}
			v = (struct strv){buf ? buf : "", buf ? len : 0};
		}
		jsonw_string(j, v.p, v.len);
		count++;
		i = e;
	}
	jsonw_array_end(j);
	/* the arguments there are (argc may promise more than the records hold) */
	JSONW_KEY(j, "args_count");
	jsonw_uint(j, count);
}

/* An ECS user or group is written as one run (jsonw_span_begin): these
 * small objects are a good part of every document. */

/* Room for put_ident()'s members. */
static size_t ident_bound(const struct ident *id)
{
	return sizeof("\"id\":,\"name\":") + jsonw_str_bound(id->id.len) +
	       jsonw_str_bound(id->name.len);
}

/* "id":"..","name":"..", each left out when empty, at the start of an
 * object (just after its '{'). */
static char *put_ident(char *p, const struct ident *id)
{
	if (id->id.len && id->name.len) {
		memcpy(p, "\"id\":", 5);
		return jsonw_span_str2(p + 5, id->id.p, id->id.len, ",\"name\":", 8, id->name.p,
				       id->name.len);
	}
	if (id->id.len) {
		memcpy(p, "\"id\":", 5);
		p = jsonw_span_str(p + 5, id->id.p, id->id.len);
	}
	if (id->name.len) {
		if (id->id.len)
			*p++ = ',';
		memcpy(p, "\"name\":", 7);
		p = jsonw_span_str(p + 7, id->name.p, id->name.len);
	}
	return p;
}

/* Copies the run that opens a member: a short literal, most often 8 to 16
 * bytes, so two overlapping words rather than a memcpy call. */
static char *put_open(char *p, const char *open, size_t n)
{
	if (n >= 8 && n <= 16) {
		uint64_t a = load64(open), b = load64(open + n - 8);
		memcpy(p, &a, 8);
		memcpy(p + n - 8, &b, 8);
	} else {
		memcpy(p, open, n);
	}
	return p + n;
}

/* open: the run "key":{ (OPEN_OBJ_ARGS); then id's members and a "group"
 * object, each unless NULL; the object is closed unless keep_open. */
static void write_id_group(struct jsonw *j, const char *open, size_t n, const struct ident *id,
			   const struct ident *group, bool keep_open)
{
	static const char group_open[] = ",\"group\":{";
	size_t bound = n + 1 + (id ? ident_bound(id) : 0) +
		       (group ? sizeof(group_open) + ident_bound(group) : 0);
	char *p = jsonw_span_begin(j, bound);
	if (!p)
		return;
	p = put_open(p, open, n);
	if (id)
		p = put_ident(p, id);
	if (group) {
		/* no comma right after the '{' */
		size_t at = p[-1] == '{';
		memcpy(p, group_open + at, sizeof(group_open) - 1 - at);
		p = put_ident(p + sizeof(group_open) - 1 - at, group);
		*p++ = '}';
	}
	if (!keep_open)
		*p++ = '}';
	jsonw_span_end(j, p, keep_open);
}

/* "key":{"id":..,"name":..}; open as above */
static void write_ident_obj(struct jsonw *j, const char *open, size_t n, const struct ident *id)
{
	write_id_group(j, open, n, id, NULL, false);
}

/* UINT64_MAX's 20 digits and the NUL */
#define NUMBER_TEXT_MAX 21

/* x with its NUL bytes made spaces. */
static inline uint64_t word_nul_to_space(uint64_t x)
{
	const uint64_t lows = 0x7f7f7f7f7f7f7f7fULL;
	/* 0x80 in exactly the zero bytes (no borrow between bytes) */
	uint64_t zero = ~(((x & lows) + lows) | x | lows);
	return x | (zero >> 7) * ' ';
}

/* Copies s, NULs made spaces, a word at a time. */
static void nul_to_space(char *t, const char *s, size_t len)
{
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t x = word_nul_to_space(load64(s + i));
		memcpy(t + i, &x, 8);
	}
	for (; i < len; i++)
		t[i] = s[i] ? s[i] : ' ';
}

/* "s" at p, NULs made spaces, when nothing else in s needs escaping (most
 * command lines): two words at a time, checked as they are stored. Returns
 * the new end, or NULL (only scratch written) when something does. Stores
 * up to 8 bytes past the end: p has room for jsonw_str_bound(len). */
static char *put_spaced_plain(char *p, const char *s, size_t len)
{
	char *d = p + 1;
	size_t i = 0;
	*p = '"';
	for (; i + 16 <= len; i += 16) {
		uint64_t a = word_nul_to_space(load64(s + i));
		uint64_t b = word_nul_to_space(load64(s + i + 8));
		if (jsonw__special2(a, b))
			return NULL;
		memcpy(d + i, &a, 8);
		memcpy(d + i + 8, &b, 8);
	}
	/* the last 0..15 bytes, as one or two words (jsonw__tail pads with
	 * plain bytes); those stored end at most 8 bytes past them */
	size_t k = len - i;
	uint64_t a = word_nul_to_space(k >= 8 ? load64(s + i) : jsonw__tail(s + i, k));
	uint64_t b = k >= 8 ? word_nul_to_space(jsonw__tail(s + i + 8, k - 8)) : a;
	if (jsonw__special2(a, b))
		return NULL;
	memcpy(d + i, &a, 8);
	if (k >= 8)
		memcpy(d + i + 8, &b, 8);
	d[len] = '"';
	return d + len + 1;
}

/* The identities of an event, each looked up once: the process's
 * credentials and, after the rule's mappings, ECS's user fields. */
struct people {
	struct ident uid, euid; /* the process's own, before any mapping */
	bool has_uid, has_euid;
	struct ident user, effective, group, target, changes, xgroup, effective_group;
	bool has_user, has_effective, has_group, has_target, has_changes, has_xgroup,
		has_effective_group;
	/* not ECS: under auditd.user */
	struct ident audit, saved, saved_group, fs, fs_group;
	bool has_audit, has_saved, has_saved_group, has_fs, has_fs_group;
};

/* The identity sections, kept in w->idm for the events after (identmemo.h):
 * the process's credentials, user (and a mapped group), auditd.user's ids
 * and the ids' names in related.user. They are rendered from people alone,
 * and people from the event's nine id slots (uid..fsgid) and their ENRICHED
 * twins, resolve_ids, the rule's mappings and idcache. ident_key() makes a
 * key of resolve_ids and the slots' and twins' exact bytes (absent ones
 * told apart), and makes none (no memo) for an event whose rule maps a field
 * it found, or whose id might be named by idcache (its answers expire): so
 * equal keys render equal bytes. The table is fixed, and long values take
 * no memo. */
enum { IDS_PROCESS, IDS_USER, IDS_AUDITD, IDS_NAMES, IDS_NNAMES = IDENTMEMO_PARTS - IDS_NAMES };
_Static_assert(IDS_NNAMES == 4, "user, effective, target, changes");

/* A key value's bytes at most (hostile ones are longer: no memo) */
#define IDKEY_VAL_MAX 48
/* resolve_ids, then each slot and its twin as a length and the bytes;
 * and 8 bytes for the last word stored */
#define IDKEY_MAX (1 + 18 * (1 + IDKEY_VAL_MAX) + 8)

struct idsecs {
	bool hit; /* part holds the sections; else p does */
	struct people p;
	/* the sections' text (a hit) or where in the document they went (a
	 * miss); IDS_NAMES on: the names, empty when none */
	struct strv part[IDENTMEMO_PARTS];
	size_t at[IDS_NAMES], end[IDS_NAMES];
	size_t klen; /* 0: no memo for this event */
	uint64_t hash;
	char key[IDKEY_MAX];
};

typedef void section_fn(struct jsonw *j, const struct people *p);

/* A section, copied from the memo or rendered (and its place noted). */
static void ident_section(struct ecs_writer *w, struct idsecs *s, int which, section_fn *render)
{
	struct jsonw *j = &w->w;
	if (s->hit) {
		if (s->part[which].len)
			jsonw_frag(j, s->part[which].p, s->part[which].len, 0);
		return;
	}
	s->at[which] = j->len;
	render(j, &s->p);
	s->end[which] = j->len;
}

/* Whether s holds only decimal digits: up to 8 at once (most numbers). */
static bool all_digits(struct strv s)
{
	if (s.len <= 8) {
		const uint64_t f0 = 0xf0f0f0f0f0f0f0f0ULL, d0 = 0x3030303030303030ULL;
		/* the bytes past the end made '0's */
		uint64_t x = load_upto8(s.p, s.len) | (s.len < 8 ? d0 << (8 * s.len) : 0);
		/* each byte 0x30..0x3f, then none past '9' (no carries: all are
		 * below 0x40) */
		return (x & f0) == d0 && ((x + 0x0606060606060606ULL) & f0) == d0;
	}
	for (size_t i = 0; i < s.len; i++)
		if ((unsigned char)(s.p[i] - '0') > 9)
			return false;
	return true;
}

/* A decimal field as JSON writes the number: the field's own digits when
 * they are already in that form (no leading zero: pid=1234), else its value
 * formatted in buf. False when it is not a number. */
static bool number_text_slow(const struct field *f, char buf[NUMBER_TEXT_MAX], struct strv *out)
{
	uint64_t v;
	if (!view_u64(f, &v))
		return false;
	*out = (struct strv){buf, (size_t)snprintf(buf, NUMBER_TEXT_MAX, "%" PRIu64, v)};
	return true;
}

static inline bool number_text(const struct field *f, char buf[NUMBER_TEXT_MAX], struct strv *out)
{
	if (!f)
		return false;
	struct strv s = f->val;
	if (s.len && s.len < 20 && (s.p[0] != '0' || s.len == 1) && all_digits(s)) {
		*out = s;
		return true;
	}
	return number_text_slow(f, buf, out);
}

/* The process's credentials, by ECS 8.11's names. */
static void write_creds(struct jsonw *j, const struct people *p)
{
	if (p->has_uid)
		write_ident_obj(j, OPEN_OBJ_ARGS("real_user"), &p->uid);
	if (p->has_euid)
		write_ident_obj(j, OPEN_OBJ_ARGS("user"), &p->euid);
	if (p->has_saved)
		write_ident_obj(j, OPEN_OBJ_ARGS("saved_user"), &p->saved);
	if (p->has_group)
		write_ident_obj(j, OPEN_OBJ_ARGS("real_group"), &p->group);
	if (p->has_saved_group)
		write_ident_obj(j, OPEN_OBJ_ARGS("saved_group"), &p->saved_group);
}

/* "process":{ and its first members (pid, parent, executable, name and
 * working directory, each when known) in one span; "process" is left open. */
static void write_process_head(struct jsonw *j, const struct strv *pid, const struct strv *ppid,
			       const struct strv *exe, const struct strv *comm,
			       const struct strv *cwd)
{
	/* the literals (under 80 bytes), the numbers with their word stores */
	size_t bound = 80 + 2 * (NUMBER_TEXT_MAX + 8) + (exe ? jsonw_str_bound(exe->len) : 0) +
		       (comm ? jsonw_str_bound(comm->len) : 0) +
		       (cwd ? jsonw_str_bound(cwd->len) : 0);
	char sep = '{';
	char *p = jsonw_span_begin(j, bound);
	if (!p)
		return;
	p = PUT_LIT(p, "\"process\":");
	if (pid) {
		*p++ = sep;
		sep = ',';
		p = put_plain(PUT_LIT(p, "\"pid\":"), *pid);
	}
	if (ppid) {
		*p++ = sep;
		sep = ',';
		p = put_plain(PUT_LIT(p, "\"parent\":{\"pid\":"), *ppid);
		*p++ = '}';
	}
	if (exe)
		p = PUT_MEMBER(p, &sep, "executable", *exe);
	if (comm)
		p = PUT_MEMBER(p, &sep, "name", *comm);
	if (cwd)
		p = PUT_MEMBER(p, &sep, "working_directory", *cwd);
	if (sep == '{')
		*p++ = '{';
	jsonw_span_end(j, p, 1);
}

/* A slot's text, or NULL when absent. */
static const struct strv *slot_text(struct view *v, enum key k, struct strv *s)
{
	return v->slot[k] && view_text(v, v->slot[k], s) ? s : NULL;
}

/* "title": the command line, its arguments NUL-separated. */
static void write_title(struct ecs_writer *w, struct strv s)
{
	struct jsonw *j = &w->w;
	size_t len = s.len;
	while (len && s.p[len - 1] == 0)
		len--;
	char *p = jsonw_span_begin(j, 8 + jsonw_str_bound(len));
	if (!p)
		return;
	p = PUT_LIT(p, "\"title\":");
	char *end = put_spaced_plain(p, s.p, len);
	if (!end) {
		/* something to escape: the spaced copy escaped */
		char *t = arena_alloc(&w->v.arena, s.len + 1);
		if (!t)
			return jsonw_span_cancel(j);
		nul_to_space(t, s.p, len);
		end = jsonw_span_str(p, t, len);
	}
	jsonw_span_end(j, end, 0);
}

static void write_process(struct ecs_writer *w, struct idsecs *ids)
{
	struct jsonw *j = &w->w;
	struct strv s, pid, ppid, exe, comm, cwd;
	char pidbuf[NUMBER_TEXT_MAX], ppidbuf[NUMBER_TEXT_MAX];
	struct arg *args;
	uint64_t argc;
	size_t nargs = gather_args(w, &args, &argc);
	bool has_pid = number_text(w->v.slot[K_PID], pidbuf, &pid);
	bool has_ppid = number_text(w->v.slot[K_PPID], ppidbuf, &ppid);
	const struct strv *exep = slot_text(&w->v, K_EXE, &exe);
	const struct strv *commp = slot_text(&w->v, K_COMM, &comm);
	const struct strv *cwdp = slot_text(&w->v, K_CWD, &cwd);
	const struct strv *title = slot_text(&w->v, K_PROCTITLE, &s);
	if (!nargs && !has_pid && !has_ppid && !exep && !commp && !cwdp && !title)
		return; /* no "process": {} for records that name no process */

	write_process_head(j, has_pid ? &pid : NULL, has_ppid ? &ppid : NULL, exep, commp, cwdp);
	if (nargs)
		write_args(w, args, nargs, argc);
	ident_section(w, ids, IDS_PROCESS, write_creds);
	if (title)
		write_title(w, s);
	jsonw_object_end(j);
}

/* A summary value as an ECS user/group: an id field gives id and name, a
 * name field (acct) gives the name. */
static bool mapped_ident(struct ecs_writer *w, const struct parsed_rec *r, const struct field *f,
			 const struct ecs_options *o, int want_group, struct ident *out)
{
	const struct name_slot *ns = view_field_name(&w->v, f);
	memset(out, 0, sizeof(*out));
	if (ns && ns->id) {
		const struct field *ef = r && r->nefields ? view_enriched(r, f->key) : NULL;
		return view_ident(&w->v, f, ef, want_group ? 2 : ns->id, out);
	}
	struct strv v;
	if (!view_text(&w->v, f, &v))
		return false;
	uint64_t num;
	if (interp_u64(v.p, v.len, 10, &num)) {
		out->id = v;
		if (o->resolve_ids && num != IDCACHE_UNSET) {
			const char *n = want_group ? idcache_group((uint32_t)num)
						   : idcache_user((uint32_t)num);
			if (n)
				view_copy(&w->v, n, &out->name);
		}
	} else {
		out->name = v;
	}
	return true;
}


static bool same_value(const struct field *a, const struct field *b)
{
	return a && b && a->val.len == b->val.len && !memcmp(a->val.p, b->val.p, a->val.len);
}

static void apply_map(struct people *p, enum norm_map m, const struct ident *id)
{
	switch (m) {
	case NORM_MAP_USER: p->user = *id; p->has_user = true; break;
	case NORM_MAP_USER_EFFECTIVE: p->effective = *id; p->has_effective = true; break;
	case NORM_MAP_USER_TARGET: p->target = *id; p->has_target = true; break;
	case NORM_MAP_USER_CHANGES: p->changes = *id; p->has_changes = true; break;
	case NORM_MAP_GROUP: p->xgroup = *id; p->has_xgroup = true; break;
	case NORM_MAP_NONE: break;
	}
}


static void write_user(struct jsonw *j, const struct people *p)
{
	if (!p->has_user && !p->has_effective && !p->has_group && !p->has_target &&
	    !p->has_changes && !p->has_effective_group)
		goto xgroup;
	write_id_group(j, OPEN_OBJ_ARGS("user"), p->has_user ? &p->user : NULL, NULL, true);
	if (p->has_effective || p->has_effective_group)
		write_id_group(j, OPEN_OBJ_ARGS("effective"), p->has_effective ? &p->effective : NULL,
			       p->has_effective_group ? &p->effective_group : NULL, false);
	if (p->has_target)
		write_ident_obj(j, OPEN_OBJ_ARGS("target"), &p->target);
	if (p->has_changes)
		write_ident_obj(j, OPEN_OBJ_ARGS("changes"), &p->changes);
	if (p->has_group)
		write_ident_obj(j, OPEN_OBJ_ARGS("group"), &p->group);
	jsonw_object_end(j);
xgroup:
	if (p->has_xgroup)
		write_ident_obj(j, OPEN_OBJ_ARGS("group"), &p->xgroup);
}

static void gather_people(struct ecs_writer *w, const struct view *g, struct people *p,
			  const struct summary *sum)
{
	struct view *v = &w->v;
	const struct field *const *sl = v->slot, *const *es = v->eslot;

	/* each ident is read only under its flag: the flags the code below
	 * may leave alone are cleared, not the whole struct (~0.5 KB) */
	p->has_effective = p->has_effective_group = false;
	p->has_target = p->has_changes = p->has_xgroup = false;
	/* the process's identity: uid (and euid, egid where they differ), gid */
	p->has_uid = view_ident(v, sl[K_UID], es[K_UID], 1, &p->uid);
	p->has_euid = view_ident(v, sl[K_EUID], es[K_EUID], 1, &p->euid);
	p->user = p->uid;
	p->has_user = p->has_uid;
	if (p->has_euid && sl[K_UID] && !same_value(sl[K_EUID], sl[K_UID])) {
		p->effective = p->euid;
		p->has_effective = true;
	}
	if (sl[K_EGID] && sl[K_GID] && !same_value(sl[K_EGID], sl[K_GID]))
		p->has_effective_group = view_ident(v, sl[K_EGID], es[K_EGID], 2, &p->effective_group);
	p->has_group = view_ident(v, sl[K_GID], es[K_GID], 2, &p->group);
	/* the login user and the saved and file-system ids have no ECS name */
	p->has_audit = view_ident(v, sl[K_AUID], es[K_AUID], 1, &p->audit);
	p->has_saved = view_ident(v, sl[K_SUID], es[K_SUID], 1, &p->saved);
	p->has_saved_group = view_ident(v, sl[K_SGID], es[K_SGID], 2, &p->saved_group);
	p->has_fs = view_ident(v, sl[K_FSUID], es[K_FSUID], 1, &p->fs);
	p->has_fs_group = view_ident(v, sl[K_FSGID], es[K_FSGID], 2, &p->fs_group);

	/* the rule's mappings (e.g. USER_LOGIN: actor -> user, account -> effective) */
	struct ident id;
	enum norm_map maps[4] = {g->rule->map_subject_primary, g->rule->map_subject_secondary,
				 g->rule->map_object_primary, g->rule->map_object_secondary};
	const struct field *src[4] = {sum->subj[0], sum->subj[1], sum->obj[0], sum->obj[1]};
	const struct parsed_rec *rec[4] = {sum->subj_rec[0], sum->subj_rec[1], sum->obj_rec[0],
					   sum->obj_rec[1]};
	for (int i = 0; i < 4; i++)
		if (maps[i] && src[i] &&
		    mapped_ident(w, rec[i], src[i], g->opt, maps[i] == NORM_MAP_GROUP, &id) && !id.unset)
			apply_map(p, maps[i], &id);
}

/* The id slots people is made of. */
static const enum key ident_slots[] = {K_UID,  K_EUID, K_GID,   K_EGID, K_AUID,
				       K_SUID, K_SGID, K_FSUID, K_FSGID};

/* Appends f's value (its length, 255 when absent, then its bytes) to the key
 * at k, and its length and first 7 bytes to the hash h (memcmp checks the
 * rest); NULL when it is too long to be worth keeping. Values lie in the
 * event's buffer, r: mostly whole-word loads. */
static inline __attribute__((always_inline)) char *idkey_put(char *k, const struct field *f,
							     struct readable r, uint64_t *h)
{
	uint64_t x = 0xff;
	size_t n = 0;
	if (f) {
		n = f->val.len;
		if (__builtin_expect(n > 7, 0)) {
			if (n > IDKEY_VAL_MAX)
				return NULL;
			for (size_t at = 7; at < n; at += 8) {
				uint64_t y = load_upto8_in(f->val.p + at, n - at, r);
				memcpy(k + 1 + at, &y, 8);
			}
		}
		x = load_upto8_in(f->val.p, n, r) << 8 | n;
	}
	memcpy(k, &x, 8);
	*h = (*h ^ x) * 0x9e3779b97f4a7c15ULL;
	return k + 1 + n;
}

/* Whether idcache may name id f: its twin ef gives no name (view_twin_name()).
 * Covers every case view_ident() asks idcache in, and a few it does not
 * (ids that are not numbers, or unset). */
static bool idcache_may_name(const struct field *f, const struct field *ef)
{
	struct strv name;
	return f && !view_twin_name(ef, &name);
}

/* The memo's key for this event, in key, and its hash; 0 when it takes no
 * memo. */
static size_t ident_key(const struct view *v, const struct summary *sum, char *key, uint64_t *h)
{
	const struct norm_rule *r = v->rule;
	bool resolve = v->opt->resolve_ids;
	if ((r->map_subject_primary && sum->subj[0]) || (r->map_subject_secondary && sum->subj[1]) ||
	    (r->map_object_primary && sum->obj[0]) || (r->map_object_secondary && sum->obj[1]))
		return 0;
	struct readable in = readable_of(v->pe.ev->buf, v->pe.ev->len);
	char *k = key;
	*k++ = resolve;
	uint64_t hash = resolve; /* not *h: the key's bytes may alias it */
	for (size_t i = 0; i < sizeof(ident_slots) / sizeof(*ident_slots); i++) {
		const struct field *f = v->slot[ident_slots[i]], *ef = v->eslot[ident_slots[i]];
		if ((resolve && idcache_may_name(f, ef)) || !(k = idkey_put(k, f, in, &hash)) ||
		    !(k = idkey_put(k, ef, in, &hash)))
			return 0;
	}
	*h = hash;
	return (size_t)(k - key);
}

/* The names related.user takes from people, in order. */
static void ident_names(const struct people *p, struct strv out[IDS_NNAMES])
{
	const struct ident *ids[IDS_NNAMES] = {p->has_user ? &p->user : NULL,
					       p->has_effective ? &p->effective : NULL,
					       p->has_target ? &p->target : NULL,
					       p->has_changes ? &p->changes : NULL};
	for (size_t i = 0; i < IDS_NNAMES; i++)
		out[i] = ids[i] && !ids[i]->unset ? ids[i]->name : (struct strv){NULL, 0};
}

/* The event's identity sections from the memo, else its people gathered. */
static void ident_sections_begin(struct ecs_writer *w, const struct summary *sum,
				 struct idsecs *s)
{
	s->klen = ident_key(&w->v, sum, s->key, &s->hash);
	s->hit = s->klen && identmemo_get(w->idm, s->hash, s->key, s->klen, s->part);
	if (s->hit)
		return;
	gather_people(w, &w->v, &s->p, sum);
	ident_names(&s->p, s->part + IDS_NAMES);
	/* user is always written, auditd.user's ids unless there are none;
	 * process only when other fields name one */
	memset(s->at, 0, sizeof(s->at));
	memset(s->end, 0, sizeof(s->end));
	s->at[IDS_PROCESS] = SIZE_MAX;
}

/* Keeps the sections just rendered (the document is complete). */
static void ident_sections_keep(struct ecs_writer *w, struct idsecs *s)
{
	if (s->hit || !s->klen || s->at[IDS_PROCESS] == SIZE_MAX)
		return;
	for (int i = 0; i < IDS_NAMES; i++) {
		/* a section's text begins with a key; before it, maybe a comma */
		size_t at = s->at[i] + (s->end[i] > s->at[i] && w->w.buf[s->at[i]] == ',');
		s->part[i] = (struct strv){w->w.buf + at, s->end[i] > at ? s->end[i] - at : 0};
	}
	identmemo_put(w->idm, s->hash, s->key, s->klen, s->part);
}

/* "user:role:type:level[:category]" -> an object; false (nothing written)
 * when the label is not SELinux-shaped (AppArmor profiles stay in data). */
static bool write_selinux(struct jsonw *j, struct strv label)
{
	struct strv part[4];
	if (interp_label(label.p, label.len, part) < 4)
		return false;
	JSONW_FRAG(j, OPEN_OBJ("selinux"), 1);
	kv_str(j, "user", part[0]);
	kv_str(j, "role", part[1]);
	kv_str(j, "domain", part[2]);
	const char *colon = memchr(part[3].p, ':', part[3].len);
	if (colon) {
		kv_str(j, "level", (struct strv){part[3].p, (size_t)(colon - part[3].p)});
		kv_str(j, "category",
		       (struct strv){colon + 1, part[3].len - (size_t)(colon - part[3].p) - 1});
	} else {
		kv_str(j, "level", part[3]);
	}
	jsonw_object_end(j);
	return true;
}

/* auditd.user: the identities ECS has no name for (Auditbeat's user.audit,
 * user.saved, user.filesystem, user.selinux). Returns whether subj was
 * written as a SELinux label. */
static bool auditd_ids_any(const struct people *p)
{
	return p->has_audit || p->has_saved || p->has_saved_group || p->has_fs || p->has_fs_group;
}

static void write_auditd_ids(struct jsonw *j, const struct people *p)
{
	if (p->has_audit)
		write_ident_obj(j, OPEN_OBJ_ARGS("audit"), &p->audit);
	if (p->has_saved || p->has_saved_group)
		write_id_group(j, OPEN_OBJ_ARGS("saved"), p->has_saved ? &p->saved : NULL,
			       p->has_saved_group ? &p->saved_group : NULL, false);
	if (p->has_fs || p->has_fs_group)
		write_id_group(j, OPEN_OBJ_ARGS("filesystem"), p->has_fs ? &p->fs : NULL,
			       p->has_fs_group ? &p->fs_group : NULL, false);
}

static bool write_auditd_user(struct ecs_writer *w, struct idsecs *ids)
{
	struct jsonw *j = &w->w;
	struct strv subj = {0};
	bool label = w->v.slot[K_SUBJ] && view_text(&w->v, w->v.slot[K_SUBJ], &subj);
	struct strv part[4];
	bool selinux = label && interp_label(subj.p, subj.len, part) >= 4;
	bool any = ids->hit ? ids->part[IDS_AUDITD].len : auditd_ids_any(&ids->p);

	if (!any && !selinux)
		return false;
	JSONW_FRAG(j, OPEN_OBJ("user"), 1);
	ident_section(w, ids, IDS_AUDITD, write_auditd_ids);
	if (selinux)
		write_selinux(j, subj);
	jsonw_object_end(j);
	return selinux;
}

static void take_field(const struct field *fs[PF_COUNT], int which, const struct field *f,
		       int *left)
{
	if (!fs[which]) {
		fs[which] = f;
		(*left)--;
	}
}

/* One pass over r's fields for all of them (rather than a search for each),
 * ending when all were found: the kernel writes them among the first. */
static void path_file_fields(const struct parsed_rec *r, const struct field *fs[PF_COUNT])
{
	int left = PF_COUNT;
	memset(fs, 0, PF_COUNT * sizeof(*fs));
	for (size_t i = 0; i < r->nfields && left; i++) {
		const struct field *f = &r->fields[i];
		const char *k = f->key.p;
		switch (f->key.len) {
		case 3:
			if (!memcmp(k, "dev", 3))
				take_field(fs, PF_DEV, f, &left);
			break;
		case 4:
			if (!memcmp(k, "name", 4))
				take_field(fs, PF_NAME, f, &left);
			else if (!memcmp(k, "mode", 4))
				take_field(fs, PF_MODE, f, &left);
			else if (!memcmp(k, "ouid", 4))
				take_field(fs, PF_OUID, f, &left);
			else if (!memcmp(k, "ogid", 4))
				take_field(fs, PF_OGID, f, &left);
			break;
		case 5:
			if (!memcmp(k, "inode", 5))
				take_field(fs, PF_INODE, f, &left);
			break;
		}
	}
}

static const struct path_layout *path_layout_of(struct ecs_writer *w, const struct parsed_rec *r);

/* The fields file is made of, by r's layout when it has one. */
static void file_fields(struct ecs_writer *w, const struct parsed_rec *r,
			const struct field *fs[PF_COUNT])
{
	const struct path_layout *l = path_layout_of(w, r);
	w->object_layout = l;
	w->object_layout_at = w->next_layout;
	if (!l)
		return path_file_fields(r, fs);
	for (int i = 0; i < PF_COUNT; i++)
		fs[i] = l->file_at[i] ? &r->fields[l->file_at[i] - 1] : NULL;
}

static void write_file(struct ecs_writer *w, const struct view *g, const struct ecs_options *o)
{
	const struct parsed_rec *r = g->object_path;
	struct jsonw *j = &w->w;
	const struct field *fs[PF_COUNT], *f;
	struct strv s;
	uint64_t v;

	if (!r)
		return;
	file_fields(w, r, fs);
	if (!fs[PF_NAME] || !view_text(&w->v, fs[PF_NAME], &s))
		return;
	/* a relative name is relative to the working directory */
	struct strv cwd;
	if (s.p[0] != '/' && w->v.slot[K_CWD] && view_text(&w->v, w->v.slot[K_CWD], &cwd) &&
	    cwd.len && cwd.p[0] == '/') {
		char *full = arena_alloc(&w->v.arena, cwd.len + s.len + 2);
		if (full) {
			size_t n = cwd.len;
			memcpy(full, cwd.p, n);
			if (full[n - 1] != '/')
				full[n++] = '/';
			memcpy(full + n, s.p, s.len);
			s = (struct strv){full, n + s.len};
		}
	}
	struct strv name = s, inode = {0}, dev = {0}, type = {0};
	const char *slash = memrchr(s.p, '/', s.len);
	if (slash)
		name = (struct strv){slash + 1, s.len - (size_t)(slash - s.p) - 1};
	if (fs[PF_INODE] && !view_text(&w->v, fs[PF_INODE], &inode))
		inode.p = NULL;
	if (fs[PF_DEV] && !view_text(&w->v, fs[PF_DEV], &dev))
		dev.p = NULL;
	char perm[5];
	bool mode = (f = fs[PF_MODE]) && interp_u64(f->val.p, f->val.len, 8, &v);
	if (mode) {
		interp_mode_perm((unsigned long)v, perm);
		const char *kind = interp_mode_kind((unsigned long)v);
		if (kind)
			type = !strcmp(kind, "directory") ? (struct strv){"dir", 3}
							  : (struct strv){kind, strlen(kind)};
	}
	struct ident uid, gid;
	bool has_uid = (f = fs[PF_OUID]) &&
		       view_ident(&w->v, f, r->nefields ? view_enriched(r, f->key) : NULL, 1, &uid);
	bool has_gid = (f = fs[PF_OGID]) &&
		       view_ident(&w->v, f, r->nefields ? view_enriched(r, f->key) : NULL, 2, &gid);

	/* the literals (under 128 bytes) and the strings, in one span */
	size_t bound = 128 + jsonw_str_bound(s.len) + jsonw_str_bound(name.len) +
		       jsonw_str_bound(inode.len) + jsonw_str_bound(dev.len) + jsonw_str_bound(4) +
		       jsonw_str_bound(type.len) +
		       (has_uid ? ident_bound(&uid) : 0) + (has_gid ? ident_bound(&gid) : 0);
	char sep = '{';
	char *p = jsonw_span_begin(j, bound);
	if (!p)
		return;
	p = PUT_MEMBER(PUT_LIT(p, "\"file\":"), &sep, "path", s);
	/* a name unless the path ends in '/' */
	if (name.len || !slash)
		p = PUT_MEMBER(p, &sep, "name", name);
	if (inode.p)
		p = PUT_MEMBER(p, &sep, "inode", inode);
	if (dev.p)
		p = PUT_MEMBER(p, &sep, "device", dev);
	if (mode)
		p = PUT_MEMBER(p, &sep, "mode", ((struct strv){perm, 4}));
	if (type.p)
		p = PUT_MEMBER(p, &sep, "type", type);
	if (has_uid) {
		p = PUT_MEMBER(p, &sep, "uid", uid.id);
		if (uid.name.len)
			p = PUT_MEMBER(p, &sep, "owner", uid.name);
	}
	if (has_gid) {
		p = PUT_MEMBER(p, &sep, "gid", gid.id);
		if (gid.name.len)
			p = PUT_MEMBER(p, &sep, "group", gid.name);
	}
	*p++ = '}';
	jsonw_span_end(j, p, 0);
}

/* User-space records (logins, sshd's crypto sessions) name the remote end
 * in addr=: the source of an incoming connection. */
static void write_remote_addr(struct ecs_writer *w, const struct view *g, struct strv *ip_out)
{
	struct jsonw *j = &w->w;
	struct strv a;
	char tmp[64];
	unsigned char bin[16];

	if (g->syscall || !w->v.slot[K_ADDR] || !view_text(&w->v, w->v.slot[K_ADDR], &a) ||
	    a.len >= sizeof(tmp))
		return;
	memcpy(tmp, a.p, a.len);
	tmp[a.len] = 0;
	if (inet_pton(AF_INET, tmp, bin) != 1 && inet_pton(AF_INET6, tmp, bin) != 1)
		return;
	JSONW_FRAG(j, OPEN_OBJ("source"), 1);
	kv_str(j, "ip", a);
	kv_str(j, "address", a);
	jsonw_object_end(j);
	JSONW_FRAG(j, OPEN_OBJ("network"), 1);
	kv_strz(j, "direction", "ingress");
	jsonw_object_end(j);
	*ip_out = a;
}

static void write_network(struct ecs_writer *w, const struct view *g, struct strv *ip_out)
{
	struct jsonw *j = &w->w;
	bool dest;

	ip_out->len = 0;
	if (!g->have_sa || !g->sa.addr[0]) {
		write_remote_addr(w, g, ip_out);
		return;
	}
	const char *dir = sa_direction(g, &dest);
	if (dest)
		JSONW_FRAG(j, OPEN_OBJ("destination"), 1);
	else
		JSONW_FRAG(j, OPEN_OBJ("source"), 1);
	kv_strz(j, "ip", g->sa.addr);
	kv_strz(j, "address", g->sa.addr);
	if (g->sa.port >= 0) {
		JSONW_KEY(j, "port");
		jsonw_uint(j, (uint64_t)g->sa.port);
	}
	jsonw_object_end(j);
	if (dir) {
		JSONW_FRAG(j, OPEN_OBJ("network"), 1);
		kv_strz(j, "direction", dir);
		jsonw_object_end(j);
	}
	*ip_out = (struct strv){g->sa.addr, strlen(g->sa.addr)};
}

/* Room for put_str_array()'s strings. */
static size_t strs_bound(const struct strv *s, size_t n)
{
	size_t b = 0;
	for (size_t i = 0; i < n; i++)
		b += 1 + jsonw_str_bound(s[i].len);
	return b;
}

/* The run open ("key":[ : OPEN_ARR_ARGS), the n strings and the ']' at p;
 * returns the new end. */
static char *put_str_array(char *p, const char *open, size_t olen, const struct strv *s, size_t n)
{
	p = put_open(p, open, olen);
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		p = jsonw_span_str(p, s[i].p, s[i].len);
	}
	*p++ = ']';
	return p;
}

static void write_tags(struct ecs_writer *w)
{
	struct jsonw *j = &w->w;
	struct strv k;

	if (!w->v.slot[K_KEY] || !view_text(&w->v, w->v.slot[K_KEY], &k))
		return;
	/* the literals and each key's string and comma: there are at most
	 * k.len + 1 of them, k.len bytes in all */
	char *q = jsonw_span_begin(j, 16 + 6 * k.len + 11 * (k.len + 1));
	if (!q)
		return;
	q = PUT_LIT(q, OPEN_ARR("tags"));
	char *first = q;
	/* several keys on one rule are joined by AUDIT_KEY_SEPARATOR (0x01) */
	const char *p = k.p, *end = k.p + k.len;
	while (p <= end) {
		const char *sep = memchr(p, AUDIT_KEY_SEPARATOR, (size_t)(end - p));
		const char *e = sep ? sep : end;
		if (e > p) {
			if (q != first)
				*q++ = ',';
			q = jsonw_span_str(q, p, (size_t)(e - p));
		}
		p = e + 1;
	}
	*q++ = ']';
	jsonw_span_end(j, q, 0);
}

/* idn: the names of the ids related.user takes (IDS_NAMES), empty ones
 * left out */
static void write_related(struct ecs_writer *w, const struct strv *idn, struct strv ip,
			  const struct strv *actor)
{
	struct jsonw *j = &w->w;
	struct strv names[8];
	size_t n = 0;

	if (actor->len && !strv_eq(*actor, "unset"))
		names[n++] = *actor;
	for (size_t i = 0; i < IDS_NNAMES; i++) {
		if (!idn[i].len)
			continue;
		bool dup = false;
		for (size_t k = 0; k < n; k++)
			dup |= names[k].len == idn[i].len && !memcmp(names[k].p, idn[i].p, idn[i].len);
		if (!dup)
			names[n++] = idn[i];
	}
	/* hosts: the node that wrote the event, and a remote host name */
	struct strv hosts[2];
	size_t nh = 0;
	if (w->v.primary->hdr.node.len)
		hosts[nh++] = w->v.primary->hdr.node;
	struct strv hn;
	if (w->v.slot[K_HOSTNAME] && view_text(&w->v, w->v.slot[K_HOSTNAME], &hn) &&
	    !(nh && hn.len == hosts[0].len && !memcmp(hn.p, hosts[0].p, hn.len)))
		hosts[nh++] = hn;
	if (!n && !ip.len && !nh)
		return;
	/* one span: the literals (under 64 bytes) and the strings */
	size_t nip = ip.len != 0;
	char *p = jsonw_span_begin(j, 64 + strs_bound(hosts, nh) + strs_bound(names, n) +
					      strs_bound(&ip, nip));
	if (!p)
		return;
	char sep = '{';
	p = PUT_LIT(p, "\"related\":");
	if (nh) {
		*p++ = sep;
		sep = ',';
		p = put_str_array(p, OPEN_ARR_ARGS("hosts"), hosts, nh);
	}
	if (n) {
		*p++ = sep;
		sep = ',';
		p = put_str_array(p, OPEN_ARR_ARGS("user"), names, n);
	}
	if (nip) {
		*p++ = sep;
		p = put_str_array(p, OPEN_ARR_ARGS("ip"), &ip, 1);
	}
	*p++ = '}';
	jsonw_span_end(j, p, 0);
}

/* A set of keys already written into one JSON object: hostile input may
 * repeat a key any number of times, and a document never repeats one. */
struct keyset {
	struct kslot *slot;
	size_t mask;
	uint32_t gen;
};

static bool keyset_init(struct ecs_writer *w, struct keyset *ks, size_t n)
{
	size_t cap = 16;
	while (cap < n * 2)
		cap *= 2;
	if (cap > w->nkslots) {
		struct kslot *s = realloc(w->kslots, cap * sizeof(*s));
		if (!s)
			return false;
		memset(s + w->nkslots, 0, (cap - w->nkslots) * sizeof(*s));
		w->kslots = s;
		w->nkslots = cap;
	}
	if (++w->kgen == 0) { /* wrapped: old generations would look current */
		memset(w->kslots, 0, w->nkslots * sizeof(*w->kslots));
		w->kgen = 1;
	}
	ks->slot = w->kslots;
	ks->mask = cap - 1;
	ks->gen = w->kgen;
	return true;
}

/* True if key k, hashed to h by load_hash(), was not in the set (and is
 * now). */
static inline __attribute__((always_inline)) bool
keyset_add_hashed(struct keyset *ks, const char *k, size_t n, uint64_t h)
{
	/* field names are short, most fit in one word: up to 8 bytes, equal
	 * hashes mean equal keys without a compare */
	for (size_t i = (size_t)(h >> 32) & ks->mask;; i = (i + 1) & ks->mask) {
		struct kslot *e = &ks->slot[i];
		if (e->gen != ks->gen) {
			*e = (struct kslot){k, h, (uint32_t)n, ks->gen};
			return true;
		}
		if (e->h == h && e->len == n && (n <= 8 || !memcmp(e->p, k, n)))
			return false;
	}
}

/* True if key was not in the set (and is now). */
static inline __attribute__((always_inline)) bool
keyset_add(struct keyset *ks, const char *k, size_t n)
{
	return keyset_add_hashed(ks, k, n, load_hash(k, n));
}

/* auditd.data's keys so far. A known name (view.h) is a bit for its entry,
 * cheaper than a keyset's hash and probe; the others are in a keyset. A key
 * is known or not whatever its record, so each has one place. */
struct datakeys {
	struct keyset ks;
	const struct name_slot *names; /* the view's */
	uint64_t known[VIEW_NAMES_MAX / 64];
};
_Static_assert(VIEW_NAMES_MAX % 64 == 0, "the known names' bits fill the words");

/* True if key k (ns: view_name() of it) was not in d (and is now). */
static inline __attribute__((always_inline)) bool
datakeys_add(struct datakeys *d, const struct name_slot *ns, const char *k, size_t n)
{
	if (!ns)
		return keyset_add(&d->ks, k, n);
	size_t i = (size_t)(ns - d->names);
	uint64_t bit = (uint64_t)1 << (i % 64);
	if (d->known[i / 64] & bit)
		return false;
	d->known[i / 64] |= bit;
	return true;
}

/* The same for one of our own keys. */
static bool datakeys_add_lit(struct ecs_writer *w, struct datakeys *d, const char *k, size_t n)
{
	return datakeys_add(d, view_name(&w->v, (struct strv){k, n}), k, n);
}

/* Members written in place into one span of jsonw's buffer, renewed when
 * the next would not fit (a usual PATH record needs ~1.5 KB): one bound
 * check per member and one commit per span instead of a call and a commit
 * per member. end keeps a byte for a closing '}'. */
#define MEMBER_SPAN 2048
#define MEMBER_SHORT 32 /* key and value lengths below this take a fixed bound */
struct mspan {
	char *p, *end;
	int open; /* containers the span opened */
	bool comma;
};

/* A span of room bytes; p NULL once the writer failed: nothing more goes
 * in. By value, so that the loops keep theirs in registers. */
static struct mspan mspan_begin(struct jsonw *j, size_t room)
{
	/* the span begins with the comma, if any */
	struct mspan s = {jsonw_span_begin(j, room), NULL, 0, false};
	if (s.p)
		s.end = s.p + room - 1;
	return s;
}

/* Room for b more bytes in s, renewed if need be (only once s holds
 * something: an empty span's comma would stay); false once the writer
 * failed. */
static inline bool mspan_room(struct jsonw *j, struct mspan *s, size_t b)
{
	if (b > (size_t)(s->end - s->p)) {
		jsonw_span_end(j, s->p, s->open);
		if (!(*s = mspan_begin(j, b > MEMBER_SPAN ? b : MEMBER_SPAN)).p)
			return false;
	}
	return true;
}

/* "k":"v" into s; false once the writer failed. */
static inline bool mspan_member(struct jsonw *j, struct mspan *s, struct strv k, struct strv v)
{
	/* most members are short, their bound a constant: one compare (the
	 * sum cannot wrap, both are lengths of objects in memory) */
	size_t b = k.len + v.len < MEMBER_SHORT ? jsonw_member_bound(0, MEMBER_SHORT)
						 : jsonw_member_bound(k.len, v.len);
	if (!mspan_room(j, s, b))
		return false;
	*s->p = ',';
	s->p = jsonw_span_member(s->p + s->comma, k.p, k.len, v.p, v.len);
	s->comma = true;
	return true;
}

/* The same with the key's text composed. */
static inline bool mspan_member_text(struct jsonw *j, struct mspan *s, const struct key_text *t,
				     struct strv v)
{
	size_t b = 1 + KEY_TEXT +
		   jsonw_str_bound(v.len < MEMBER_SHORT ? MEMBER_SHORT : v.len);
	if (!mspan_room(j, s, b))
		return false;
	char *p = s->p;
	*p = ',';
	p += s->comma;
	memcpy(p, t->text, KEY_TEXT);
	s->p = jsonw_span_str(p + t->len, v.p, v.len);
	s->comma = true;
	return true;
}

/* One PATH record's fields as an object of strings, each key once: with
 * layout l's composed key texts when it has one (its keys are distinct),
 * else through the keyset ks. Inline: each call below gets its own loop. */
static inline __attribute__((always_inline)) void
write_path(struct ecs_writer *w, const struct parsed_rec *r, const struct path_layout *l,
	   struct keyset *ks)
{
	struct jsonw *j = &w->w;
	struct mspan s = mspan_begin(j, MEMBER_SPAN);
	if (!s.p)
		return;
	*s.p++ = '{';
	s.open = 1;
	for (size_t f = 0; f < r->nfields; f++) {
		struct strv k = r->fields[f].key, v;
		if (!(l ? l->len[f] : k.len) || !view_text(&w->v, &r->fields[f], &v))
			continue;
		if (l ? !mspan_member_text(j, &s, &l->text[f], v)
		      : keyset_add(ks, k.p, k.len) && !mspan_member(j, &s, k, v))
			return;
	}
	*s.p++ = '}';
	jsonw_span_end(j, s.p, s.open - 1);
}

/* A key's bytes 8 * at.. at most 8 * at + 7, zero-padded; it has more */
static uint64_t key_word(struct strv k, size_t at)
{
	size_t n = k.len - 8 * at;
	return load_upto8(k.p + 8 * at, n < 8 ? n : 8);
}

static bool layout_matches(const struct path_layout *l, const struct parsed_rec *r)
{
	if (l->n != r->nfields)
		return false;
	for (size_t i = 0; i < l->n; i++) {
		struct strv k = r->fields[i].key;
		if (k.len != l->len[i] || key_word(k, 0) != l->word[i][0] ||
		    (k.len > 8 && key_word(k, 1) != l->word[i][1]))
			return false;
	}
	return true;
}

/* Composes k's text (k at most 16 bytes) in t. */
static void key_text_set(struct key_text *t, struct strv k)
{
	char buf[6 * 16 + 10]; /* jsonw_str_bound(16) */
	size_t n = (size_t)(jsonw_span_str(buf, k.p, k.len) - buf);
	memset(t->text, 0, KEY_TEXT);
	t->len = 0;
	if (n + 1 > KEY_TEXT)
		return;
	memcpy(t->text, buf, n);
	t->text[n] = ':';
	t->len = (uint8_t)(n + 1);
}

/* r's layout: one of those kept, else r's keys checked (distinct, at most
 * 16 bytes) and kept as a layout; NULL when they fail. */
static const struct path_layout *path_layout_of(struct ecs_writer *w, const struct parsed_rec *r)
{
	for (size_t i = 0; i < PATH_LAYOUTS; i++)
		if (layout_matches(&w->layouts[i], r))
			return &w->layouts[i];
	struct keyset ks;
	if (r->nfields > PATH_LAYOUT_KEYS || !keyset_init(w, &ks, r->nfields))
		return NULL;
	for (size_t i = 0; i < r->nfields; i++) {
		struct strv k = r->fields[i].key;
		if (k.len > 16 || (k.len && !keyset_add(&ks, k.p, k.len)))
			return NULL;
	}
	struct path_layout *l = &w->layouts[w->next_layout++ % PATH_LAYOUTS];
	for (size_t i = 0; i < r->nfields; i++) {
		struct strv k = r->fields[i].key;
		l->len[i] = (uint8_t)k.len;
		l->word[i][0] = key_word(k, 0);
		l->word[i][1] = k.len > 8 ? key_word(k, 1) : 0;
		key_text_set(&l->text[i], k);
		if (!l->text[i].len) {
			l->n = SIZE_MAX; /* matches no record */
			return NULL;
		}
	}
	const struct field *fs[PF_COUNT];
	path_file_fields(r, fs);
	for (int i = 0; i < PF_COUNT; i++)
		l->file_at[i] = fs[i] ? (uint8_t)(fs[i] - r->fields + 1) : 0;
	l->n = r->nfields;
	return l;
}

/* auditd.paths: every PATH record, its fields as strings. */
static void write_paths(struct ecs_writer *w, const struct view *g)
{
	struct jsonw *j = &w->w;
	if (!g->npaths)
		return;
	JSONW_FRAG(j, OPEN_ARR("paths"), 1);
	for (size_t i = 0; i < g->npaths; i++) {
		struct keyset ks;
		const struct path_layout *l =
			g->paths[i] == g->object_path && w->next_layout == w->object_layout_at
				? w->object_layout
				: path_layout_of(w, g->paths[i]);
		if (l)
			write_path(w, g->paths[i], l, NULL);
		else if (keyset_init(w, &ks, g->paths[i]->nfields))
			write_path(w, g->paths[i], NULL, &ks);
	}
	jsonw_array_end(j);
}

/* A socket address fully shown in auditd.data.socket (and source or
 * destination); other families keep their raw saddr too. */
static bool sa_decoded(const struct view *g)
{
	return g->have_sa && (g->sa.addr[0] || g->sa.path[0] || !strcmp(g->sa.family_name, "netlink"));
}

/* Keys already shown elsewhere in the document, so not repeated in data. */
#define KEY_BIT(k) ((uint64_t)1 << K_##k)
static const uint64_t consumed = KEY_BIT(PID) | KEY_BIT(PPID) | KEY_BIT(UID) | KEY_BIT(GID) |
				 KEY_BIT(EUID) | KEY_BIT(COMM) | KEY_BIT(EXE) | KEY_BIT(KEY) |
				 KEY_BIT(SUCCESS) | KEY_BIT(RES) | KEY_BIT(SES) | KEY_BIT(CWD) |
				 KEY_BIT(ITEMS) | KEY_BIT(ARGC) | KEY_BIT(PROCTITLE) | KEY_BIT(AUID) |
				 KEY_BIT(SUID) | KEY_BIT(FSUID) | KEY_BIT(EGID) | KEY_BIT(SGID) |
				 KEY_BIT(FSGID);
_Static_assert(K_COUNT <= 64, "a key's bit in a uint64_t");

/* The known keys data leaves out of this event (a bit per enum key),
 * decided once rather than per field: the consumed ones, subj when it was
 * written as a SELinux label, saddr when it was decoded in full. */
static uint64_t data_skips(const struct view *g, bool subj_written)
{
	return consumed | (subj_written ? KEY_BIT(SUBJ) : 0) | (sa_decoded(g) ? KEY_BIT(SADDR) : 0);
}

/* A field's value in data: names for arch, syscall and errno exits, else
 * its text. */
static inline __attribute__((always_inline)) struct strv
data_value(struct ecs_writer *w, const struct view *g, const struct field *f,
	   const struct name_slot *ns)
{
	struct strv v;
	const char *name = NULL;
	int64_t iv;

	if (ns && ns->key == K_ARCH && g->machine >= 0) {
		if (g->machine != w->arch_machine) {
			name = interp_machine_name(g->machine);
			w->arch_name = (struct strv){name, name ? strlen(name) : 0};
			w->arch_machine = g->machine;
		}
		if (w->arch_name.p)
			return w->arch_name;
	} else if (ns && ns->key == K_SYSCALL && (name = g->syscall_name)) {
		if (name != w->syscall_name.p)
			w->syscall_name = (struct strv){name, strlen(name)};
		return w->syscall_name;
	} else if (ns && ns->key == K_EXIT && g->syscall && f->val.len && f->val.p[0] == '-' &&
		   interp_i64(f->val.p, f->val.len, &iv) && iv < 0 && iv > -4096 &&
		   (name = interp_errno_name((long)-iv))) {
		/* only negative numbers name one */
		return (struct strv){name, strlen(name)};
	}
	if (!view_text(&w->v, f, &v))
		v = f->val;
	return v;
}

static void data_open(struct jsonw *j, bool *open)
{
	if (!*open) {
		JSONW_FRAG(j, OPEN_OBJ("data"), 1);
		*open = true;
	}
}

/* Words without '=' in a record: AVC's "avc:  denied  { read write } for"
 * becomes seresult=denied and seperms=read,write (as go-libaudit names
 * them); any other words are kept, joined, as "unparsed", never dropped.
 * total: their lengths plus one each. */
static void write_keyless(struct ecs_writer *w, const struct parsed_rec *r, size_t total,
			  struct datakeys *dk, bool *open)
{
	struct jsonw *j = &w->w;
	size_t n = 0;
	const struct field *prev = NULL;

	char *rest = arena_alloc(&w->v.arena, total);
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		if (f->key.len)
			continue;
		struct strv v = f->val;
		if (v.len >= 2 && v.p[0] == '{' && v.p[v.len - 1] == '}' &&
		    datakeys_add_lit(w, dk, "seperms", 7)) {
			/* "{ read write }" -> "read,write" */
			char *perms = arena_alloc(&w->v.arena, v.len);
			size_t pn = 0;
			for (size_t k = 1; perms && k + 1 < v.len; k++) {
				if (v.p[k] != ' ')
					perms[pn++] = v.p[k];
				else if (pn && perms[pn - 1] != ',')
					perms[pn++] = ',';
			}
			while (pn && perms[pn - 1] == ',')
				pn--;
			data_open(j, open);
			JSONW_KEY(j, "seperms");
			jsonw_string(j, perms ? perms : "", pn);
		} else if (prev && strv_eq(prev->val, "avc:") && datakeys_add_lit(w, dk, "seresult", 8)) {
			data_open(j, open);
			JSONW_KEY(j, "seresult");
			jsonw_string(j, v.p, v.len);
		} else if (!strv_eq(v, "avc:") && !strv_eq(v, "for") && rest) {
			if (n)
				rest[n++] = ' ';
			memcpy(rest + n, v.p, v.len);
			n += v.len;
		}
		prev = f;
	}
	if (n && datakeys_add_lit(w, dk, "unparsed", 8)) {
		data_open(j, open);
		JSONW_KEY(j, "unparsed");
		jsonw_string(j, rest, n);
	}
}

static bool data_layout_is(const struct data_layout *l, const struct parsed_rec *r,
			   const struct name_slot *const *fns, uint64_t skip)
{
	if (!l->valid || l->type != r->hdr.type || l->n != r->nfields ||
	    (skip & l->keys) != l->skipped || memcmp(fns, l->ns, l->n * sizeof(*fns)))
		return false;
	for (size_t i = 0; i < l->nunknown; i++) {
		struct strv k = r->fields[l->unknown_at[i]].key;
		if (k.len != l->unknown_len[i] || key_word(k, 0) != l->unknown_word[i][0] ||
		    (k.len > 8 && key_word(k, 1) != l->unknown_word[i][1]))
			return false;
	}
	return true;
}

/* Makes l record r's layout under skip; false when r takes none. */
static bool data_layout_note(struct data_layout *l, const struct parsed_rec *r,
			     const struct name_slot *const *fns, uint64_t skip)
{
	l->valid = false;
	if (r->nfields > DATA_LAYOUT_KEYS)
		return false;
	l->keys = 0;
	l->nunknown = l->nout = 0;
	for (size_t i = 0; i < r->nfields; i++) {
		const struct name_slot *ns = fns[i];
		struct strv k = r->fields[i].key;
		if (!k.len || k.len > 16)
			return false;
		l->ns[i] = ns;
		if (ns) {
			l->keys |= (uint64_t)1 << ns->key;
			if (skip >> ns->key & 1)
				continue;
		} else {
			l->unknown_at[l->nunknown] = (uint8_t)i;
			l->unknown_len[l->nunknown] = (uint8_t)k.len;
			l->unknown_word[l->nunknown][0] = key_word(k, 0);
			l->unknown_word[l->nunknown++][1] = k.len > 8 ? key_word(k, 1) : 0;
		}
		struct data_member *m = &l->out[l->nout++];
		m->ns = ns;
		m->h = ns ? 0 : load_hash(k.p, k.len);
		m->at = (uint8_t)i;
		m->special = ns && (ns->key == K_ARCH || ns->key == K_SYSCALL || ns->key == K_EXIT);
		key_text_set(&m->text, k);
		if (!m->text.len)
			return false;
	}
	l->type = r->hdr.type;
	l->n = r->nfields;
	l->skipped = skip & l->keys;
	l->valid = true;
	return true;
}

/* data_record() for a record of layout l. */
static void data_record_layout(struct ecs_writer *w, const struct view *g,
			       const struct parsed_rec *r, const struct data_layout *l,
			       struct datakeys *dk, bool *open)
{
	struct jsonw *j = &w->w;
	struct mspan s = {.p = NULL}; /* begun at the first member */
	for (size_t i = 0; i < l->nout; i++) {
		const struct data_member *d = &l->out[i];
		const struct field *f = &r->fields[d->at];
		struct strv v;
		if (!(d->ns ? datakeys_add(dk, d->ns, NULL, 0)
			    : keyset_add_hashed(&dk->ks, f->key.p, f->key.len, d->h)))
			continue;
		if (d->special)
			v = data_value(w, g, f, d->ns);
		else if (!view_text(&w->v, f, &v))
			v = f->val;
		if (!s.p) {
			/* as in data_record() */
			size_t b = 2 + KEY_TEXT + jsonw_str_bound(v.len);
			data_open(j, open);
			if (!(s = mspan_begin(j, b > MEMBER_SPAN ? b : MEMBER_SPAN)).p)
				return;
		}
		if (!mspan_member_text(j, &s, &d->text, v))
			return;
	}
	if (s.p)
		jsonw_span_end(j, s.p, s.open);
}

/* Whether record r has members in data: not the records shown elsewhere
 * whole. Asked before the call (most records of an event have none). */
static inline bool data_has(const struct parsed_rec *r)
{
	return r && r->nfields && r->hdr.type != AUDIT_PATH && r->hdr.type != AUDIT_EXECVE &&
	       r->hdr.type != AUDIT_PROCTITLE && r->hdr.type != AUDIT_EOE;
}

/* Record r's members of data (data_has(r)), its keyless words last. */
static void data_record(struct ecs_writer *w, const struct view *g, const struct parsed_rec *r,
			uint64_t skip, struct datakeys *dk, bool *open)
{
	struct jsonw *j = &w->w;
	const struct name_slot *const *fns = view_rec_names(&w->v, r);
	/* the usual types (SYSCALL, CWD, SOCKADDR, BPRM_FCAPS, CONFIG_CHANGE)
	 * each get their own */
	uint32_t slot = (uint32_t)r->hdr.type * 0x9e3779b9u >> (32 - DATA_LAYOUTS_BITS);
	struct data_layout *l = &w->dlayouts[slot];
	if (data_layout_is(l, r, fns, skip) || data_layout_note(l, r, fns, skip))
		return data_record_layout(w, g, r, l, dk, open);
	size_t keyless = 0;
	const struct field *fields = r->fields;
	struct mspan s = {.p = NULL}; /* begun at the first member */
	for (size_t i = 0, n = r->nfields; i < n; i++) {
		const struct field *f = &fields[i];
		const struct name_slot *ns = fns[i];
		if (ns && (skip >> ns->key & 1))
			continue;
		if (!f->key.len) {
			keyless += f->val.len + 1;
			continue;
		}
		if (!datakeys_add(dk, ns, f->key.p, f->key.len))
			continue;
		struct strv v = data_value(w, g, f, ns);
		if (!s.p) {
			/* room for the first member whatever its size: a span renewed
			 * before any member would leave its comma behind (",,") */
			size_t b = jsonw_member_bound(f->key.len, v.len) + 1;
			data_open(j, open);
			if (!(s = mspan_begin(j, b > MEMBER_SPAN ? b : MEMBER_SPAN)).p)
				return;
		}
		if (!mspan_member(j, &s, f->key, v))
			return;
	}
	if (s.p)
		jsonw_span_end(j, s.p, s.open);
	if (keyless)
		write_keyless(w, r, keyless, dk, open);
}

static void write_data(struct ecs_writer *w, const struct view *g, bool subj_written)
{
	struct jsonw *j = &w->w;
	struct datakeys dk = {.names = w->v.names};
	bool open = false;

	if (!keyset_init(w, &dk.ks, w->v.pe.nfields + 1))
		return;
	uint64_t skip = data_skips(g, subj_written);
	if (g->have_sa)
		datakeys_add_lit(w, &dk, "socket", 6); /* ours, written last */
	/* the record that names the event first, then the SYSCALL, then the rest */
	if (data_has(g->primary))
		data_record(w, g, g->primary, skip, &dk, &open);
	if (g->syscall != g->primary && data_has(g->syscall))
		data_record(w, g, g->syscall, skip, &dk, &open);
	for (size_t i = 0; i < w->v.pe.nrec; i++) {
		const struct parsed_rec *r = &w->v.pe.recs[i];
		if (r != g->primary && r != g->syscall && data_has(r))
			data_record(w, g, r, skip, &dk, &open);
	}
	if (g->have_sa) {
		data_open(j, &open);
		JSONW_FRAG(j, OPEN_OBJ("socket"), 1);
		kv_strz(j, "family", g->sa.family_name);
		if (g->sa.addr[0])
			kv_strz(j, "addr", g->sa.addr);
		if (g->sa.port >= 0) {
			char port[16];
			snprintf(port, sizeof(port), "%d", g->sa.port);
			kv_strz(j, "port", port);
		}
		if (g->sa.path[0])
			kv_strz(j, "path", g->sa.path);
		jsonw_object_end(j);
	}
	if (open)
		jsonw_object_end(j);
}

/* What could not be parsed, for error.message (include_warnings). */
static size_t collect_warnings(const struct view *g, const char **warn, size_t max)
{
	size_t n = 0;
	bool keyless = false;

	for (size_t i = 0; i < g->pe.nfields && !keyless; i++)
		keyless = g->pe.fields[i].key.len == 0;
	if (g->pe.fields_truncated && n < max)
		warn[n++] = "a record had more fields than can be kept; the rest were cut";
	if (g->slot[K_SADDR] && !g->have_sa && n < max)
		warn[n++] = "saddr could not be decoded; kept as hex in auditd.data";
	if (keyless && n < max)
		warn[n++] = "words outside key=value pairs (see auditd.data.unparsed)";
	if (g->pe.ev->late && n < max)
		warn[n++] = "records that arrived after their event was written (a partial event)";
	if (g->pe.ev->done == EVENT_DONE_CAPACITY && n < max)
		warn[n++] = "written before its end: too many events open (max_inflight) or too many "
			    "records";
	return n;
}

static void write_error(struct jsonw *j, const char *const *warn, size_t n)
{
	char buf[1024];
	size_t len = 0;
	for (size_t i = 0; i < n && len + strlen(warn[i]) + 2 < sizeof(buf); i++) {
		if (i) {
			memcpy(buf + len, "; ", 2);
			len += 2;
		}
		memcpy(buf + len, warn[i], strlen(warn[i]));
		len += strlen(warn[i]);
	}
	JSONW_FRAG(j, OPEN_OBJ("error"), 1);
	kv_str(j, "message", (struct strv){buf, len});
	jsonw_object_end(j);
}

/* The session id, "unset" for the usual unset one (compared, not parsed). */
static bool session_unset(const struct field *ses)
{
	uint64_t id;
	return strv_eq(ses->val, "4294967295") || (view_u64(ses, &id) && id == IDCACHE_UNSET);
}

/* "summary":{..} at p (after a member): a few short strings, each checked
 * inline. */
static char *put_summary(char *p, const struct summary *sum, struct strv action,
			 struct strv otype)
{
	char sep = '{';
	p = PUT_LIT(p, ",\"summary\":{");
	if (sum->actor[0].len || sum->actor[1].len) {
		p = PUT_LIT(p, "\"actor\":");
		if (sum->actor[0].len)
			p = PUT_MEMBER(p, &sep, "primary", sum->actor[0]);
		if (sum->actor[1].len)
			p = PUT_MEMBER(p, &sep, "secondary", sum->actor[1]);
		p = PUT_LIT(p, "},");
	}
	p = jsonw_span_str(PUT_LIT(p, "\"action\":"), action.p, action.len);
	if (sum->object[0].len || sum->object[1].len || otype.p) {
		sep = '{';
		p = PUT_LIT(p, ",\"object\":");
		if (sum->object[0].len)
			p = PUT_MEMBER(p, &sep, "primary", sum->object[0]);
		if (sum->object[1].len)
			p = PUT_MEMBER(p, &sep, "secondary", sum->object[1]);
		if (otype.p)
			p = PUT_MEMBER(p, &sep, "type", otype);
		*p++ = '}';
	}
	if (sum->how.len)
		p = jsonw_span_str(PUT_LIT(p, ",\"how\":"), sum->how.p, sum->how.len);
	*p++ = '}';
	return p;
}

/* auditd's first members and its summary, in one span; "auditd" is left
 * open. */
static void write_auditd_head(struct ecs_writer *w, const struct summary *sum, int outcome)
{
	struct jsonw *j = &w->w;
	const struct view *g = &w->v;
	const struct field *ses = g->slot[K_SES];
	bool unset = ses && session_unset(ses);
	struct strv kind = {g->rule->event_kind, g->rule->event_kind_len};
	struct strv action = {g->action, action_len(g)};
	struct strv otype = {sum->object_type, sum->object_type ? strlen(sum->object_type) : 0};
	/* the literals, under 256 bytes, and the strings */
	size_t bound = 256 + JSONW_UINT_BOUND + jsonw_str_bound(g->type_lower.len) +
		       (ses && !unset ? jsonw_str_bound(ses->val.len) : 0) +
		       jsonw_str_bound(kind.len) + opt_bound(sum->actor[0]) +
		       opt_bound(sum->actor[1]) + jsonw_str_bound(action.len) +
		       opt_bound(sum->object[0]) + opt_bound(sum->object[1]) + jsonw_str_bound(otype.len) +
		       opt_bound(sum->how);
	char *p = jsonw_span_begin(j, bound);
	if (!p)
		return;
	p = PUT_LIT(p, OPEN_OBJ("auditd") "\"message_type\":");
	p = jsonw_span_str(p, g->type_lower.p, g->type_lower.len);
	p = jsonw_span_uint(PUT_LIT(p, ",\"sequence\":"), g->pe.ev->serial);
	if (outcome == 1)
		p = PUT_LIT(p, ",\"result\":\"success\"");
	else if (outcome == 0)
		p = PUT_LIT(p, ",\"result\":\"fail\"");
	else
		p = PUT_LIT(p, ",\"result\":\"unknown\"");
	if (unset)
		p = PUT_LIT(p, ",\"session\":\"unset\"");
	else if (ses)
		p = jsonw_span_str(PUT_LIT(p, ",\"session\":"), ses->val.p, ses->val.len);
	p = jsonw_span_str(PUT_LIT(p, ",\"event_kind\":"), kind.p, kind.len);
	p = put_summary(p, sum, action, otype);
	jsonw_span_end(j, p, 1);
}

/* "host":{"name":node} */
static void write_host(struct jsonw *j, struct strv node)
{
	char *p = jsonw_span_begin(j, 16 + jsonw_str_bound(node.len));
	if (!p)
		return;
	p = jsonw_span_str(PUT_LIT(p, OPEN_OBJ("host") "\"name\":"), node.p, node.len);
	*p++ = '}';
	jsonw_span_end(j, p, 0);
}

int ecs_write_event(struct ecs_writer *w, const struct event *ev, const struct normtab *nt,
		    const struct ecs_options *o, struct doc *out)
{
	struct jsonw *j = &w->w;
	const struct view *g = &w->v;
	struct summary sum;
	struct idsecs ids;
	struct strv ip = {0};

	jsonw_reset(j);
	if (view_build(&w->v, ev, nt, o) < 0)
		return -1;
	summary_build(&w->v, &sum);

	int outcome = outcome_of(w);
	ident_sections_begin(w, &sum, &ids);
	struct strv msg = {0};
	event_date(w, g->primary->hdr.sec);
	if (o->message)
		msg = message_text(&w->v, &sum, outcome,
				   w->ts_ok ? w->ts_date + w->ts_len - 8 : "??:??:??");

	write_doc_head(w, g, msg, outcome, o->include_raw ? ev : NULL);
	if (g->primary->hdr.node.len)
		write_host(j, g->primary->hdr.node);
	write_process(w, &ids);
	ident_section(w, &ids, IDS_USER, write_user);
	write_file(w, g, o);
	write_network(w, g, &ip);
	write_related(w, ids.part + IDS_NAMES, ip,
		      sum.actor_is_user ? &sum.actor[0] : &(struct strv){NULL, 0});
	write_tags(w);
	if (o->include_warnings) {
		const char *warn[8];
		size_t nwarn = collect_warnings(g, warn, 8);
		if (nwarn)
			write_error(j, warn, nwarn);
	}

	write_auditd_head(w, &sum, outcome);
	bool subj_written = write_auditd_user(w, &ids);
	const struct field *objlabel =
		g->object_path ? record_field(g->object_path->fields, g->object_path->nfields, "obj")
			       : NULL;
	struct strv olabel;
	if (objlabel && view_text(&w->v, objlabel, &olabel)) {
		/* Auditbeat's file.selinux, not ECS */
		struct strv part[4];
		if (interp_label(olabel.p, olabel.len, part) >= 4) {
			JSONW_FRAG(j, OPEN_OBJ("file"), 1);
			write_selinux(j, olabel);
			jsonw_object_end(j);
		}
	}
	write_paths(w, g);
	write_data(w, g, subj_written);
	jsonw_object_end(j); /* auditd */

	/* ends the document, and the line */
	JSONW_FRAG(j, OPEN_OBJ("ecs") "\"version\":\"8.11.0\"}}\n", -1);

	if (jsonw_failed(j))
		return -1;
	ident_sections_keep(w, &ids);
	out->json = j->buf;
	out->len = j->len;
	out->message = msg.p;
	out->message_len = msg.len;
	out->event_kind = g->rule->event_kind;
	out->outcome = outcome;
	return 0;
}
