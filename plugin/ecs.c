#include "ecs.h"

#include <arpa/inet.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "idcache.h"
#include "interpret.h"
#include "jsonw.h"
#include "stats.h"

/* --- the fields the document is built from -------------------------------
 *
 * One pass over an event's fields drops each known key into a slot, so the
 * writer never searches by name. First occurrence wins, records visited in
 * priority order (the primary record, then SYSCALL, then the rest). */

#define KEYS(X)                                                                                  \
	X(PID, "pid") X(PPID, "ppid") X(AUID, "auid") X(UID, "uid") X(GID, "gid")               \
	X(EUID, "euid") X(SUID, "suid") X(FSUID, "fsuid") X(EGID, "egid") X(SGID, "sgid")      \
	X(FSGID, "fsgid") X(SES, "ses") X(COMM, "comm") X(EXE, "exe") X(KEY, "key")             \
	X(SUCCESS, "success") X(EXIT, "exit") X(ARCH, "arch") X(SYSCALL, "syscall")             \
	X(ITEMS, "items") X(RES, "res") X(RESULT, "result") X(CWD, "cwd") X(ARGC, "argc")        \
	X(SADDR, "saddr") X(PROCTITLE, "proctitle") X(ADDR, "addr") X(HOSTNAME, "hostname")     \
	X(TERMINAL, "terminal") X(ACCT, "acct") X(ID, "id")

enum key {
	K_NONE,
#define X(e, s) K_##e,
	KEYS(X)
#undef X
	K_COUNT
};

static const char *const key_names[K_COUNT] = {
	NULL,
#define X(e, s) s,
	KEYS(X)
#undef X
};

/* Keys whose values auditd writes as untrusted strings (quoted or hex). */
static const char *const encoded_keys[] = {
	"name", "cwd", "exe", "comm", "path", "dir", "proctitle", "key", "acct", "cmd", "watch",
	"data", "ocomm", "new-disk", "old-disk", "new-fs", "old-fs", "new-chardev", "old-chardev",
	"new-net", "old-net", "new-rng", "old-rng", "vm", "root_dir", "grp", "new_group",
	"old_group", "unit", "sw", "cgroup", "table", "subj", "obj",
};

/* Keys that hold a user or group id, shown with their name. */
static const char *const uid_keys[] = {"auid", "uid", "euid", "suid", "fsuid", "ouid",
				       "old-auid", "new-auid", "old_auid", "new_auid",
				       "sauid", "id", "inode_uid", "iuid", "obj_uid"};
static const char *const gid_keys[] = {"gid", "egid", "sgid", "fsgid", "ogid", "new_gid",
				       "old_gid", "inode_gid", "igid", "obj_gid"};

/* Record types that only complete another record (the SYSCALL or the
 * record written during it): they never name the event. */
static const int aux_types[] = {
	AUDIT_SYSCALL,  AUDIT_PATH,     AUDIT_IPC,     AUDIT_SOCKETCALL, AUDIT_SOCKADDR,
	AUDIT_CWD,      AUDIT_EXECVE,   AUDIT_IPC_SET_PERM, AUDIT_MQ_OPEN, AUDIT_MQ_SENDRECV,
	AUDIT_MQ_NOTIFY, AUDIT_MQ_GETSETATTR, AUDIT_FD_PAIR, AUDIT_OBJ_PID, AUDIT_BPRM_FCAPS,
	AUDIT_CAPSET,   AUDIT_MMAP,     AUDIT_PROCTITLE, AUDIT_EOE,
};

#define HT_SIZE 256 /* power of two, > 2x the number of names below */

struct name_slot {
	const char *name;
	uint8_t len;
	uint8_t key;     /* enum key, or 0 */
	uint8_t encoded; /* an untrusted string */
	uint8_t id;      /* 1 uid, 2 gid */
};

struct ecs_writer {
	struct jsonw w;
	struct arena arena;
	struct parsed_event pe;
	struct name_slot ht[HT_SIZE];
	/* per event */
	const struct field *slot[K_COUNT];
	const struct field *eslot[K_COUNT]; /* the ENRICHED value, if any */
	uint64_t ts_sec;
	char ts_date[32]; /* "YYYY-MM-DDTHH:MM:SS" of ts_sec */
};

static uint32_t hash_key(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)(s[i] | 0x20)) * 16777619u; /* case-blind */
	return h;
}

static struct name_slot *ht_find(struct ecs_writer *w, const char *s, size_t n, bool add)
{
	uint32_t h = hash_key(s, n);
	for (uint32_t i = 0; i < HT_SIZE; i++) {
		struct name_slot *e = &w->ht[(h + i) & (HT_SIZE - 1)];
		if (!e->name)
			return add ? e : NULL;
		if (e->len == n && !strncasecmp(e->name, s, n))
			return e;
	}
	return NULL;
}

static void ht_add(struct ecs_writer *w, const char *name, int key, int encoded, int id)
{
	struct name_slot *e = ht_find(w, name, strlen(name), true);
	if (!e->name) {
		e->name = name;
		e->len = (uint8_t)strlen(name);
	}
	if (key)
		e->key = (uint8_t)key;
	if (encoded)
		e->encoded = 1;
	if (id)
		e->id = (uint8_t)id;
}

struct ecs_writer *ecs_writer_new(void)
{
	struct ecs_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	jsonw_init(&w->w);
	arena_init(&w->arena, 65536);
	for (int k = 1; k < K_COUNT; k++)
		ht_add(w, key_names[k], k, 0, 0);
	for (size_t i = 0; i < sizeof(encoded_keys) / sizeof(*encoded_keys); i++)
		ht_add(w, encoded_keys[i], 0, 1, 0);
	for (size_t i = 0; i < sizeof(uid_keys) / sizeof(*uid_keys); i++)
		ht_add(w, uid_keys[i], 0, 0, 1);
	for (size_t i = 0; i < sizeof(gid_keys) / sizeof(*gid_keys); i++)
		ht_add(w, gid_keys[i], 0, 0, 2);
	return w;
}

void ecs_writer_free(struct ecs_writer *w)
{
	if (!w)
		return;
	jsonw_free(&w->w);
	arena_free(&w->arena);
	parsed_event_free(&w->pe);
	free(w);
}

static const struct name_slot *lookup_name(struct ecs_writer *w, struct strv k)
{
	return k.len && k.len < 64 ? ht_find(w, k.p, k.len, false) : NULL;
}

static bool is_aux(int type)
{
	for (size_t i = 0; i < sizeof(aux_types) / sizeof(*aux_types); i++)
		if (aux_types[i] == type)
			return true;
	return false;
}

static bool streq(struct strv s, const char *lit)
{
	size_t n = strlen(lit);
	return s.len == n && !memcmp(s.p, lit, n);
}

/* --- values --------------------------------------------------------------- */

/* A field's value as text: quotes stripped, hex decoded for encoded keys.
 * False when absent ("(null)", "?", empty). */
static bool value_text(struct ecs_writer *w, const struct field *f, struct strv *out)
{
	const struct name_slot *ns = lookup_name(w, f->key);
	if (ns && ns->encoded)
		return interp_untrusted(f->val.p, f->val.len, &w->arena, out);
	struct strv v = f->val;
	if (v.len >= 2 && (v.p[0] == '"' || v.p[0] == '\'') && v.p[v.len - 1] == v.p[0]) {
		v.p++;
		v.len -= 2;
	}
	*out = v;
	return v.len > 0 && !streq(v, "?") && !streq(v, "(null)");
}

static void enriched_text(const struct field *f, struct strv *out)
{
	struct strv v = f->val;
	if (v.len >= 2 && v.p[0] == '"' && v.p[v.len - 1] == '"') {
		v.p++;
		v.len -= 2;
	}
	*out = v;
}

static bool field_u64(const struct field *f, uint64_t *v)
{
	return f && interp_u64(f->val.p, f->val.len, 10, v);
}

/* An id and its name. The name comes from the ENRICHED part when auditd
 * wrote one, else from the cache (when resolving), else it is absent. */
struct ident {
	struct strv id;
	struct strv name;
	bool unset;
};

static void copy_to_arena(struct ecs_writer *w, const char *s, struct strv *out)
{
	size_t n = strlen(s);
	char *p = arena_alloc(&w->arena, n + 1);
	if (!p) {
		*out = (struct strv){NULL, 0};
		return;
	}
	memcpy(p, s, n + 1);
	*out = (struct strv){p, n};
}

static const struct field *enriched_for(const struct parsed_rec *r, struct strv key)
{
	for (size_t i = 0; i < r->nefields; i++)
		if (r->efields[i].key.len == key.len &&
		    !strncasecmp(r->efields[i].key.p, key.p, key.len))
			return &r->efields[i];
	return NULL;
}

static bool ident_of(struct ecs_writer *w, const struct field *f, const struct field *ef,
		     int kind, const struct ecs_options *o, struct ident *out)
{
	uint64_t v;

	memset(out, 0, sizeof(*out));
	if (!f)
		return false;
	out->id = f->val;
	if (!interp_u64(f->val.p, f->val.len, 10, &v))
		return out->id.len > 0;
	out->unset = v == IDCACHE_UNSET;
	if (ef) {
		enriched_text(ef, &out->name);
		/* auditd writes "unknown(1001)" for ids without a name */
		if (out->name.len >= 8 && !memcmp(out->name.p, "unknown(", 8))
			out->name = (struct strv){NULL, 0};
		else
			return true;
	}
	if (out->unset) {
		out->name = (struct strv){"unset", 5};
		return true;
	}
	if (o->resolve_ids) {
		const char *n = kind == 2 ? idcache_group((uint32_t)v) : idcache_user((uint32_t)v);
		if (n)
			copy_to_arena(w, n, &out->name);
	}
	return true;
}

/* --- the event, gathered -------------------------------------------------- */

struct arg {
	uint32_t argno, chunk;
	struct strv val;
	bool chunked;
};

struct gathered {
	const struct parsed_rec *primary; /* names the event */
	const struct parsed_rec *syscall;
	const struct parsed_rec *cwd, *proctitle, *sockaddr;
	const struct norm_rule *rule;
	const char *action; /* the rule's, refined by action_field */
	int machine;
	int nr;
	const struct parsed_rec *paths[64];
	size_t npaths;
	const struct parsed_rec *object_path;
	struct sockaddr_info sa;
	bool have_sa;
	const char *syscall_name; /* NULL if unknown */
	struct strv type_lower;
};

static void fill_slots(struct ecs_writer *w, const struct parsed_rec *r)
{
	if (r->hdr.type == AUDIT_PATH || r->hdr.type == AUDIT_EXECVE)
		return;
	for (size_t i = 0; i < r->nfields; i++) {
		const struct name_slot *ns = lookup_name(w, r->fields[i].key);
		if (ns && ns->key && !w->slot[ns->key]) {
			w->slot[ns->key] = &r->fields[i];
			w->eslot[ns->key] = r->nefields ? enriched_for(r, r->fields[i].key) : NULL;
		}
	}
}

static const struct field *find_any(struct ecs_writer *w, const struct gathered *g,
				    const char *const *names, const struct parsed_rec **in);

static void gather(struct ecs_writer *w, const struct normtab *nt, struct gathered *g)
{
	const struct parsed_event *pe = &w->pe;

	memset(g, 0, sizeof(*g));
	memset(w->slot, 0, sizeof(w->slot));
	memset(w->eslot, 0, sizeof(w->eslot));
	g->machine = -1;
	g->nr = -1;
	for (size_t i = 0; i < pe->nrec; i++) {
		const struct parsed_rec *r = &pe->recs[i];
		switch (r->hdr.type) {
		case AUDIT_SYSCALL: if (!g->syscall) g->syscall = r; break;
		case AUDIT_CWD: if (!g->cwd) g->cwd = r; break;
		case AUDIT_PROCTITLE: if (!g->proctitle) g->proctitle = r; break;
		case AUDIT_SOCKADDR: if (!g->sockaddr) g->sockaddr = r; break;
		case AUDIT_PATH:
			if (g->npaths < sizeof(g->paths) / sizeof(*g->paths))
				g->paths[g->npaths++] = r;
			break;
		default:
			if (!g->primary && !is_aux(r->hdr.type))
				g->primary = r;
		}
	}
	if (!g->primary)
		g->primary = g->syscall ? g->syscall : &pe->recs[0];

	fill_slots(w, g->primary);
	if (g->syscall && g->syscall != g->primary)
		fill_slots(w, g->syscall);
	for (size_t i = 0; i < pe->nrec; i++)
		if (&pe->recs[i] != g->primary && &pe->recs[i] != g->syscall)
			fill_slots(w, &pe->recs[i]);

	if (g->syscall && w->slot[K_ARCH] && w->slot[K_SYSCALL]) {
		uint64_t nr;
		g->machine = interp_arch_machine(w->slot[K_ARCH]->val.p, w->slot[K_ARCH]->val.len);
		if (field_u64(w->slot[K_SYSCALL], &nr) && nr < 100000)
			g->nr = (int)nr;
	}
	if (g->machine >= 0 && g->nr >= 0)
		g->syscall_name = interp_syscall_name(g->machine, g->nr);
	if (g->primary == g->syscall && g->syscall)
		g->rule = normtab_syscall(nt, g->machine, g->nr);
	else
		g->rule = normtab_record(nt, g->primary->hdr.type);

	g->action = g->rule->action;
	if (g->rule->action_field) {
		const char *names[2] = {g->rule->action_field, NULL};
		const struct field *f = find_any(w, g, names, NULL);
		struct strv v = f ? f->val : (struct strv){NULL, 0};
		if (v.len >= 2 && v.p[0] == '"' && v.p[v.len - 1] == '"') {
			v.p++;
			v.len -= 2;
		}
		for (const struct norm_action_value *av = g->rule->action_values; f && av->value; av++)
			if (!strcmp(av->value, "*") || streq(v, av->value)) {
				g->action = av->action;
				break;
			}
	}

	if (w->slot[K_SADDR])
		g->have_sa = interp_sockaddr(w->slot[K_SADDR]->val.p, w->slot[K_SADDR]->val.len,
					     &g->sa) == 0;

	/* the object's PATH: the rule's item, else the first that is not the
	 * parent directory of the object */
	int want = g->rule->object_path_index;
	for (size_t i = 0; i < g->npaths && want >= 0; i++) {
		const struct field *it = record_field(g->paths[i]->fields, g->paths[i]->nfields, "item");
		uint64_t v;
		if (field_u64(it, &v) && v == (uint64_t)want)
			g->object_path = g->paths[i];
	}
	for (size_t i = 0; i < g->npaths && !g->object_path; i++) {
		const struct field *nt2 =
			record_field(g->paths[i]->fields, g->paths[i]->nfields, "nametype");
		if (!nt2 || !streq(nt2->val, "PARENT"))
			g->object_path = g->paths[i];
	}
	if (!g->object_path && g->npaths)
		g->object_path = g->paths[0];

	/* message_type: the primary record's type name, lower case */
	struct strv tn = g->primary->hdr.type_name;
	char *lower = arena_alloc(&w->arena, tn.len + 1);
	if (lower) {
		for (size_t i = 0; i < tn.len; i++)
			lower[i] = (char)(tn.p[i] >= 'A' && tn.p[i] <= 'Z' ? tn.p[i] + 32 : tn.p[i]);
		g->type_lower = (struct strv){lower, tn.len};
	}
}

/* The first field in the event with one of the names, in slot order for
 * known keys, else searching the primary record, then all. */
static const struct field *find_any(struct ecs_writer *w, const struct gathered *g,
				    const char *const *names, const struct parsed_rec **in)
{
	for (; names && *names; names++) {
		struct strv k = {*names, strlen(*names)};
		for (int pass = 0; pass < 2; pass++) {
			for (size_t i = 0; i < w->pe.nrec; i++) {
				const struct parsed_rec *r = pass ? &w->pe.recs[i] : g->primary;
				if (r->hdr.type == AUDIT_PATH || r->hdr.type == AUDIT_EXECVE)
					continue;
				for (size_t j = 0; j < r->nfields; j++)
					if (r->fields[j].key.len == k.len &&
					    !memcmp(r->fields[j].key.p, k.p, k.len)) {
						if (in)
							*in = r;
						return &r->fields[j];
					}
				if (!pass)
					break;
			}
		}
	}
	return NULL;
}

/* A summary value: names for ids (when resolving), a socket address for
 * saddr, names for arch/syscall, decoded text otherwise. */
static bool summary_value(struct ecs_writer *w, const struct gathered *g, const struct parsed_rec *r,
			  const struct field *f, const struct ecs_options *o, struct strv *out)
{
	const struct name_slot *ns = lookup_name(w, f->key);
	struct strv v;

	if (ns && ns->id) {
		struct ident id;
		const struct field *ef = r && r->nefields ? enriched_for(r, f->key) : NULL;
		if (!ident_of(w, f, ef, ns->id, o, &id))
			return false;
		v = (o->resolve_ids || id.unset) && id.name.len ? id.name : id.id;
	} else if (ns && ns->key == K_SADDR) {
		if (!g->have_sa)
			return false;
		const char *a = g->sa.addr[0] ? g->sa.addr : g->sa.path;
		v = (struct strv){a, strlen(a)};
	} else if (ns && ns->key == K_SYSCALL && g->syscall_name) {
		v = (struct strv){g->syscall_name, strlen(g->syscall_name)};
	} else if (!value_text(w, f, &v)) {
		return false;
	}
	if (!v.len)
		return false;
	*out = v;
	return true;
}

/* --- writing -------------------------------------------------------------- */

static void kv_str(struct jsonw *j, const char *k, struct strv v)
{
	jsonw_keyz(j, k);
	jsonw_string(j, v.p, v.len);
}

static void kv_strz(struct jsonw *j, const char *k, const char *v)
{
	jsonw_keyz(j, k);
	jsonw_stringz(j, v);
}

static void write_timestamp(struct ecs_writer *w, const struct record_hdr *h)
{
	char buf[48];
	if (h->sec != w->ts_sec || !w->ts_date[0]) {
		struct tm tm;
		time_t t = (time_t)h->sec;
		if (!gmtime_r(&t, &tm) || !strftime(w->ts_date, sizeof(w->ts_date),
						    "%Y-%m-%dT%H:%M:%S", &tm))
			strcpy(w->ts_date, "1970-01-01T00:00:00");
		w->ts_sec = h->sec;
	}
	int n = snprintf(buf, sizeof(buf), "%s.%03uZ", w->ts_date, h->msec % 1000);
	jsonw_keyz(&w->w, "@timestamp");
	jsonw_string(&w->w, buf, (size_t)n);
}

/* success=yes|no (SYSCALL) or res=success|failed|1|0 (others). */
static int outcome_of(struct ecs_writer *w)
{
	const struct field *f = w->slot[K_SUCCESS];
	if (f)
		return streq(f->val, "yes") ? 1 : streq(f->val, "no") ? 0 : -1;
	f = w->slot[K_RES] ? w->slot[K_RES] : w->slot[K_RESULT];
	if (!f)
		return -1;
	struct strv v;
	value_text(w, f, &v);
	if (streq(v, "success") || streq(v, "1") || streq(v, "yes"))
		return 1;
	if (streq(v, "failed") || streq(v, "0") || streq(v, "no") || streq(v, "fail"))
		return 0;
	return -1;
}

static void write_str_list(struct jsonw *j, const char *key, const char *const *v)
{
	if (!v[0])
		return;
	jsonw_keyz(j, key);
	jsonw_array_begin(j);
	for (; *v; v++)
		jsonw_stringz(j, *v);
	jsonw_array_end(j);
}

static const char *sa_direction(const struct gathered *g, bool *dest)
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

static void write_event_section(struct ecs_writer *w, const struct gathered *g, int outcome)
{
	struct jsonw *j = &w->w;
	jsonw_keyz(j, "event");
	jsonw_object_begin(j);
	kv_strz(j, "kind", g->rule->ecs_kind ? g->rule->ecs_kind : "event");
	kv_strz(j, "module", "auditd");
	write_str_list(j, "category", g->rule->category);
	write_str_list(j, "type", g->rule->type);
	kv_strz(j, "action", g->action);
	kv_strz(j, "outcome", outcome == 1 ? "success" : outcome == 0 ? "failure" : "unknown");
	jsonw_keyz(j, "sequence");
	jsonw_uint(j, w->pe.ev->serial);
	jsonw_object_end(j);
}

static int cmp_arg(const void *a, const void *b)
{
	const struct arg *x = a, *y = b;
	if (x->argno != y->argno)
		return x->argno < y->argno ? -1 : 1;
	return x->chunk < y->chunk ? -1 : x->chunk > y->chunk;
}

/* EXECVE: argc=N a0=.. a1=.. and, for long arguments, aN_len=L aN[0]=..
 * aN[1]=.. possibly over several EXECVE records (in any order). */
static size_t gather_args(struct ecs_writer *w, struct arg **out, uint64_t *argc)
{
	size_t n = 0, cap = 0;
	struct arg *args = NULL;

	*argc = UINT64_MAX;
	for (size_t i = 0; i < w->pe.nrec; i++) {
		const struct parsed_rec *r = &w->pe.recs[i];
		if (r->hdr.type != AUDIT_EXECVE)
			continue;
		for (size_t f = 0; f < r->nfields; f++) {
			struct strv k = r->fields[f].key;
			if (streq(k, "argc")) {
				field_u64(&r->fields[f], argc);
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
				struct arg *na = arena_alloc(&w->arena, nc * sizeof(*na));
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
	if (n > 1)
		qsort(args, n, sizeof(*args), cmp_arg);
	*out = args;
	return n;
}

static void write_args(struct ecs_writer *w, struct arg *args, size_t n, uint64_t argc)
{
	struct jsonw *j = &w->w;
	size_t count = 0;

	jsonw_keyz(j, "args");
	jsonw_array_begin(j);
	for (size_t i = 0; i < n;) {
		/* one argument: its value, or its chunks concatenated */
		size_t e = i + 1, total = 0;
		while (e < n && args[e].argno == args[i].argno)
			e++;
		struct strv v;
		if (e - i == 1 && !args[i].chunked) {
			if (!interp_untrusted(args[i].val.p, args[i].val.len, &w->arena, &v))
				v = (struct strv){"", 0};
		} else {
			for (size_t k = i; k < e; k++)
				total += args[k].val.len / 2 + 1;
			char *buf = arena_alloc(&w->arena, total + 1);
			size_t len = 0;
			for (size_t k = i; buf && k < e; k++) {
				struct strv part;
				if (args[k].chunked && interp_untrusted(args[k].val.p, args[k].val.len,
									&w->arena, &part)) {
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
	jsonw_keyz(j, "args_count");
	jsonw_uint(j, argc != UINT64_MAX ? argc : count);
}

static void write_process(struct ecs_writer *w, const struct gathered *g)
{
	struct jsonw *j = &w->w;
	uint64_t v;
	struct strv s;
	struct arg *args;
	uint64_t argc;
	size_t nargs = gather_args(w, &args, &argc);

	jsonw_keyz(j, "process");
	jsonw_object_begin(j);
	if (field_u64(w->slot[K_PID], &v)) {
		jsonw_keyz(j, "pid");
		jsonw_uint(j, v);
	}
	if (field_u64(w->slot[K_PPID], &v)) {
		jsonw_keyz(j, "parent");
		jsonw_object_begin(j);
		jsonw_keyz(j, "pid");
		jsonw_uint(j, v);
		jsonw_object_end(j);
	}
	if (w->slot[K_EXE] && value_text(w, w->slot[K_EXE], &s))
		kv_str(j, "executable", s);
	if (w->slot[K_COMM] && value_text(w, w->slot[K_COMM], &s))
		kv_str(j, "name", s);
	if (w->slot[K_CWD] && value_text(w, w->slot[K_CWD], &s))
		kv_str(j, "working_directory", s);
	if (nargs)
		write_args(w, args, nargs, argc);
	if (w->slot[K_PROCTITLE] && value_text(w, w->slot[K_PROCTITLE], &s)) {
		/* the command line's arguments are NUL-separated */
		char *t = arena_alloc(&w->arena, s.len + 1);
		if (t) {
			size_t len = s.len;
			while (len && s.p[len - 1] == 0)
				len--;
			for (size_t i = 0; i < len; i++)
				t[i] = s.p[i] ? s.p[i] : ' ';
			kv_str(j, "title", (struct strv){t, len});
		}
	}
	jsonw_object_end(j);
}

/* A summary value as an ECS user/group: an id field gives id and name, a
 * name field (acct) gives the name. */
static bool mapped_ident(struct ecs_writer *w, const struct parsed_rec *r, const struct field *f,
			 const struct ecs_options *o, int want_group, struct ident *out)
{
	const struct name_slot *ns = lookup_name(w, f->key);
	memset(out, 0, sizeof(*out));
	if (ns && ns->id) {
		const struct field *ef = r && r->nefields ? enriched_for(r, f->key) : NULL;
		return ident_of(w, f, ef, want_group ? 2 : ns->id, o, out);
	}
	struct strv v;
	if (!value_text(w, f, &v))
		return false;
	uint64_t num;
	if (interp_u64(v.p, v.len, 10, &num)) {
		out->id = v;
		if (o->resolve_ids && num != IDCACHE_UNSET) {
			const char *n = want_group ? idcache_group((uint32_t)num)
						   : idcache_user((uint32_t)num);
			if (n)
				copy_to_arena(w, n, &out->name);
		}
	} else {
		out->name = v;
	}
	return true;
}

struct people {
	struct ident user, effective, group, target, changes, xgroup;
	bool has_user, has_effective, has_group, has_target, has_changes, has_xgroup;
};

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

static void write_ident_obj(struct jsonw *j, const char *key, const struct ident *id)
{
	jsonw_keyz(j, key);
	jsonw_object_begin(j);
	if (id->id.len)
		kv_str(j, "id", id->id);
	if (id->name.len)
		kv_str(j, "name", id->name);
	jsonw_object_end(j);
}

static void write_user(struct ecs_writer *w, const struct gathered *g, const struct ecs_options *o,
		       struct people *p)
{
	struct jsonw *j = &w->w;

	if (!p->has_user && !p->has_effective && !p->has_group && !p->has_target && !p->has_changes)
		return;
	jsonw_keyz(j, "user");
	jsonw_object_begin(j);
	if (p->has_user) {
		if (p->user.id.len)
			kv_str(j, "id", p->user.id);
		if (p->user.name.len)
			kv_str(j, "name", p->user.name);
	}
	if (p->has_effective)
		write_ident_obj(j, "effective", &p->effective);
	if (p->has_target)
		write_ident_obj(j, "target", &p->target);
	if (p->has_changes)
		write_ident_obj(j, "changes", &p->changes);
	if (p->has_group)
		write_ident_obj(j, "group", &p->group);
	jsonw_object_end(j);
	if (p->has_xgroup)
		write_ident_obj(j, "group", &p->xgroup);
}

static void gather_people(struct ecs_writer *w, const struct gathered *g,
			  const struct ecs_options *o, struct people *p, const struct field *subj[2],
			  const struct parsed_rec *subj_rec[2], const struct field *obj[2],
			  const struct parsed_rec *obj_rec[2])
{
	memset(p, 0, sizeof(*p));
	/* the process's identity: uid, euid, gid */
	p->has_user = ident_of(w, w->slot[K_UID], w->eslot[K_UID], 1, o, &p->user);
	if (w->slot[K_EUID] && w->slot[K_UID] &&
	    !(w->slot[K_EUID]->val.len == w->slot[K_UID]->val.len &&
	      !memcmp(w->slot[K_EUID]->val.p, w->slot[K_UID]->val.p, w->slot[K_UID]->val.len)))
		p->has_effective = ident_of(w, w->slot[K_EUID], w->eslot[K_EUID], 1, o, &p->effective);
	p->has_group = ident_of(w, w->slot[K_GID], w->eslot[K_GID], 2, o, &p->group);

	/* the rule's mappings (e.g. USER_LOGIN: actor -> user, account -> effective) */
	struct ident id;
	enum norm_map maps[4] = {g->rule->map_subject_primary, g->rule->map_subject_secondary,
				 g->rule->map_object_primary, g->rule->map_object_secondary};
	const struct field *src[4] = {subj[0], subj[1], obj[0], obj[1]};
	const struct parsed_rec *rec[4] = {subj_rec[0], subj_rec[1], obj_rec[0], obj_rec[1]};
	for (int i = 0; i < 4; i++)
		if (maps[i] && src[i] &&
		    mapped_ident(w, rec[i], src[i], o, maps[i] == NORM_MAP_GROUP, &id) && !id.unset)
			apply_map(p, maps[i], &id);
}

static void write_file(struct ecs_writer *w, const struct gathered *g, const struct ecs_options *o)
{
	const struct parsed_rec *r = g->object_path;
	struct jsonw *j = &w->w;
	const struct field *f;
	struct strv s;
	uint64_t v;

	if (!r)
		return;
	f = record_field(r->fields, r->nfields, "name");
	if (!f || !value_text(w, f, &s))
		return;
	jsonw_keyz(j, "file");
	jsonw_object_begin(j);
	/* a relative name is relative to the working directory */
	struct strv cwd;
	if (s.p[0] != '/' && w->slot[K_CWD] && value_text(w, w->slot[K_CWD], &cwd) &&
	    cwd.len && cwd.p[0] == '/') {
		char *full = arena_alloc(&w->arena, cwd.len + s.len + 2);
		if (full) {
			size_t n = cwd.len;
			memcpy(full, cwd.p, n);
			if (full[n - 1] != '/')
				full[n++] = '/';
			memcpy(full + n, s.p, s.len);
			s = (struct strv){full, n + s.len};
		}
	}
	kv_str(j, "path", s);
	const char *slash = memrchr(s.p, '/', s.len);
	if (slash && (size_t)(slash - s.p) + 1 < s.len)
		kv_str(j, "name", (struct strv){slash + 1, s.len - (size_t)(slash - s.p) - 1});
	else if (!slash)
		kv_str(j, "name", s);
	if ((f = record_field(r->fields, r->nfields, "inode")))
		kv_str(j, "inode", f->val);
	if ((f = record_field(r->fields, r->nfields, "dev")))
		kv_str(j, "device", f->val);
	if ((f = record_field(r->fields, r->nfields, "mode")) &&
	    interp_u64(f->val.p, f->val.len, 8, &v)) {
		char perm[5];
		interp_mode_perm((unsigned long)v, perm);
		kv_str(j, "mode", (struct strv){perm, 4});
		const char *kind = interp_mode_kind((unsigned long)v);
		if (kind)
			kv_strz(j, "type", !strcmp(kind, "directory") ? "dir" : kind);
	}
	struct ident id;
	if ((f = record_field(r->fields, r->nfields, "ouid")) &&
	    ident_of(w, f, r->nefields ? enriched_for(r, f->key) : NULL, 1, o, &id)) {
		kv_str(j, "uid", id.id);
		if (id.name.len)
			kv_str(j, "owner", id.name);
	}
	if ((f = record_field(r->fields, r->nfields, "ogid")) &&
	    ident_of(w, f, r->nefields ? enriched_for(r, f->key) : NULL, 2, o, &id)) {
		kv_str(j, "gid", id.id);
		if (id.name.len)
			kv_str(j, "group", id.name);
	}
	jsonw_object_end(j);
}

static void write_network(struct ecs_writer *w, const struct gathered *g, struct strv *ip_out)
{
	struct jsonw *j = &w->w;
	bool dest;

	ip_out->len = 0;
	if (!g->have_sa || !g->sa.addr[0])
		return;
	const char *dir = sa_direction(g, &dest);
	jsonw_keyz(j, dest ? "destination" : "source");
	jsonw_object_begin(j);
	kv_strz(j, "ip", g->sa.addr);
	kv_strz(j, "address", g->sa.addr);
	if (g->sa.port >= 0) {
		jsonw_keyz(j, "port");
		jsonw_uint(j, (uint64_t)g->sa.port);
	}
	jsonw_object_end(j);
	if (dir) {
		jsonw_keyz(j, "network");
		jsonw_object_begin(j);
		kv_strz(j, "direction", dir);
		jsonw_object_end(j);
	}
	*ip_out = (struct strv){g->sa.addr, strlen(g->sa.addr)};
}

static void write_tags(struct ecs_writer *w)
{
	struct jsonw *j = &w->w;
	struct strv k;

	if (!w->slot[K_KEY] || !value_text(w, w->slot[K_KEY], &k))
		return;
	jsonw_keyz(j, "tags");
	jsonw_array_begin(j);
	/* several keys on one rule are joined by AUDIT_KEY_SEPARATOR (0x01) */
	const char *p = k.p, *end = k.p + k.len;
	while (p <= end) {
		const char *sep = memchr(p, AUDIT_KEY_SEPARATOR, (size_t)(end - p));
		const char *e = sep ? sep : end;
		if (e > p)
			jsonw_string(j, p, (size_t)(e - p));
		p = e + 1;
	}
	jsonw_array_end(j);
}

static void write_related(struct ecs_writer *w, const struct people *p, struct strv ip,
			  const struct strv *actor)
{
	struct jsonw *j = &w->w;
	struct strv names[8];
	size_t n = 0;
	const struct ident *ids[] = {p->has_user ? &p->user : NULL,
				     p->has_effective ? &p->effective : NULL,
				     p->has_target ? &p->target : NULL,
				     p->has_changes ? &p->changes : NULL};

	if (actor->len && !streq(*actor, "unset"))
		names[n++] = *actor;
	for (size_t i = 0; i < 4; i++) {
		if (!ids[i] || !ids[i]->name.len || ids[i]->unset)
			continue;
		bool dup = false;
		for (size_t k = 0; k < n; k++)
			dup |= names[k].len == ids[i]->name.len &&
			       !memcmp(names[k].p, ids[i]->name.p, names[k].len);
		if (!dup)
			names[n++] = ids[i]->name;
	}
	if (!n && !ip.len)
		return;
	jsonw_keyz(j, "related");
	jsonw_object_begin(j);
	if (n) {
		jsonw_keyz(j, "user");
		jsonw_array_begin(j);
		for (size_t i = 0; i < n; i++)
			jsonw_string(j, names[i].p, names[i].len);
		jsonw_array_end(j);
	}
	if (ip.len) {
		jsonw_keyz(j, "ip");
		jsonw_array_begin(j);
		jsonw_string(j, ip.p, ip.len);
		jsonw_array_end(j);
	}
	jsonw_object_end(j);
}

/* A set of keys already written into one JSON object: hostile input may
 * repeat a key any number of times, and a document never repeats one. */
struct keyset {
	struct strv *slot;
	size_t mask;
};

static bool keyset_init(struct ecs_writer *w, struct keyset *ks, size_t n)
{
	size_t cap = 16;
	while (cap < n * 2)
		cap *= 2;
	ks->slot = arena_alloc(&w->arena, cap * sizeof(*ks->slot));
	ks->mask = cap - 1;
	if (ks->slot)
		memset(ks->slot, 0, cap * sizeof(*ks->slot));
	return ks->slot != NULL;
}

/* True if key was not in the set (and is now). */
static bool keyset_add(struct keyset *ks, const char *k, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	for (size_t i = h & ks->mask;; i = (i + 1) & ks->mask) {
		struct strv *e = &ks->slot[i];
		if (!e->p) {
			*e = (struct strv){k, n};
			return true;
		}
		if (e->len == n && !memcmp(e->p, k, n))
			return false;
	}
}

/* auditd.paths: every PATH record, its fields as strings. */
static void write_paths(struct ecs_writer *w, const struct gathered *g)
{
	struct jsonw *j = &w->w;
	if (!g->npaths)
		return;
	jsonw_keyz(j, "paths");
	jsonw_array_begin(j);
	for (size_t i = 0; i < g->npaths; i++) {
		const struct parsed_rec *r = g->paths[i];
		struct keyset ks;
		if (!keyset_init(w, &ks, r->nfields))
			continue;
		jsonw_object_begin(j);
		for (size_t f = 0; f < r->nfields; f++) {
			struct strv v;
			if (!r->fields[f].key.len || !value_text(w, &r->fields[f], &v) ||
			    !keyset_add(&ks, r->fields[f].key.p, r->fields[f].key.len))
				continue;
			jsonw_key(j, r->fields[f].key.p, r->fields[f].key.len);
			jsonw_string(j, v.p, v.len);
		}
		jsonw_object_end(j);
	}
	jsonw_array_end(j);
}

/* Keys already shown elsewhere in the document, so not repeated in data. */
static bool consumed(enum key k)
{
	switch (k) {
	case K_PID: case K_PPID: case K_UID: case K_GID: case K_EUID: case K_COMM: case K_EXE:
	case K_KEY: case K_SUCCESS: case K_RES: case K_SES: case K_CWD: case K_ITEMS:
	case K_ARGC: case K_PROCTITLE: case K_SADDR:
		return true;
	default:
		return false;
	}
}

static void write_data_value(struct ecs_writer *w, const struct gathered *g, const struct field *f,
			     const struct name_slot *ns)
{
	struct jsonw *j = &w->w;
	struct strv v;
	int64_t iv;

	if (ns && ns->key == K_ARCH && g->machine >= 0 && interp_machine_name(g->machine)) {
		jsonw_stringz(j, interp_machine_name(g->machine));
		return;
	}
	if (ns && ns->key == K_SYSCALL && g->syscall_name) {
		jsonw_stringz(j, g->syscall_name);
		return;
	}
	if (ns && ns->key == K_EXIT && g->syscall && interp_i64(f->val.p, f->val.len, &iv) &&
	    iv < 0 && iv > -4096 && interp_errno_name((long)-iv)) {
		jsonw_stringz(j, interp_errno_name((long)-iv));
		return;
	}
	if (!value_text(w, f, &v))
		v = f->val;
	jsonw_string(j, v.p, v.len);
}

static void data_open(struct jsonw *j, bool *open)
{
	if (!*open) {
		jsonw_keyz(j, "data");
		jsonw_object_begin(j);
		*open = true;
	}
}

/* Words without '=' in a record: AVC's "avc:  denied  { read write } for"
 * becomes seresult=denied and seperms=read,write (as go-libaudit names
 * them); any other words are kept, joined, as "unparsed", never dropped. */
static void write_keyless(struct ecs_writer *w, const struct parsed_rec *r, struct keyset *ks,
			  bool *open)
{
	struct jsonw *j = &w->w;
	size_t total = 0, n = 0;
	const struct field *prev = NULL;

	for (size_t i = 0; i < r->nfields; i++)
		if (!r->fields[i].key.len)
			total += r->fields[i].val.len + 1;
	if (!total)
		return;
	char *rest = arena_alloc(&w->arena, total);
	for (size_t i = 0; i < r->nfields; i++) {
		const struct field *f = &r->fields[i];
		if (f->key.len)
			continue;
		struct strv v = f->val;
		if (v.len >= 2 && v.p[0] == '{' && v.p[v.len - 1] == '}' &&
		    keyset_add(ks, "seperms", 7)) {
			/* "{ read write }" -> "read,write" */
			char *perms = arena_alloc(&w->arena, v.len);
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
			jsonw_keyz(j, "seperms");
			jsonw_string(j, perms ? perms : "", pn);
		} else if (prev && streq(prev->val, "avc:") && keyset_add(ks, "seresult", 8)) {
			data_open(j, open);
			jsonw_keyz(j, "seresult");
			jsonw_string(j, v.p, v.len);
		} else if (!streq(v, "avc:") && !streq(v, "for") && rest) {
			if (n)
				rest[n++] = ' ';
			memcpy(rest + n, v.p, v.len);
			n += v.len;
		}
		prev = f;
	}
	if (n && keyset_add(ks, "unparsed", 8)) {
		data_open(j, open);
		jsonw_keyz(j, "unparsed");
		jsonw_string(j, rest, n);
	}
}

static void write_data(struct ecs_writer *w, const struct gathered *g)
{
	struct jsonw *j = &w->w;
	struct keyset ks;
	bool open = false;

	if (!keyset_init(w, &ks, w->pe.nfields + 1))
		return;
	if (g->have_sa)
		keyset_add(&ks, "socket", 6); /* ours, written last */
	const struct parsed_rec *order[2] = {g->primary, g->syscall};

	for (size_t pass = 0; pass < 2 + w->pe.nrec; pass++) {
		const struct parsed_rec *r = pass < 2 ? order[pass] : &w->pe.recs[pass - 2];
		if (!r || (pass >= 2 && (r == g->primary || r == g->syscall)))
			continue;
		if (r->hdr.type == AUDIT_PATH || r->hdr.type == AUDIT_EXECVE ||
		    r->hdr.type == AUDIT_PROCTITLE || r->hdr.type == AUDIT_EOE)
			continue;
		for (size_t i = 0; i < r->nfields; i++) {
			const struct field *f = &r->fields[i];
			if (!f->key.len)
				continue;
			const struct name_slot *ns = lookup_name(w, f->key);
			if (ns && ns->key && consumed(ns->key))
				continue;
			if (!keyset_add(&ks, f->key.p, f->key.len))
				continue;
			data_open(j, &open);
			jsonw_key(j, f->key.p, f->key.len);
			write_data_value(w, g, f, ns);
		}
		write_keyless(w, r, &ks, &open);
	}
	if (g->have_sa) {
		if (!open) {
			jsonw_keyz(j, "data");
			jsonw_object_begin(j);
			open = true;
		}
		jsonw_keyz(j, "socket");
		jsonw_object_begin(j);
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

int ecs_write_event(struct ecs_writer *w, const struct event *ev, const struct normtab *nt,
		    const struct ecs_options *o, struct doc *out)
{
	struct jsonw *j = &w->w;
	struct gathered g;
	struct people people;
	struct strv actor[2] = {{0}}, object[2] = {{0}}, how = {0}, ip;

	jsonw_reset(j);
	arena_reset(&w->arena);
	if (event_parse(ev, &w->pe) < 0 || w->pe.nrec == 0)
		return -1;
	gather(w, nt, &g);

	/* summary: actor, object, how, as the rule says */
	static const char *const def_subj1[] = {"auid", NULL}, *const def_subj2[] = {"uid", NULL};
	static const char *const def_how[] = {"exe", NULL};
	const char *const *subj1 = g.rule->subject_primary[0] ? g.rule->subject_primary : def_subj1;
	const char *const *subj2 = g.rule->subject_secondary[0] ? g.rule->subject_secondary : def_subj2;
	const char *const *howl = g.rule->how[0] ? g.rule->how : def_how;
	const struct parsed_rec *subj_rec[2] = {0}, *obj_rec[2] = {0}, *how_rec = NULL;
	const struct field *subj[2] = {find_any(w, &g, subj1, &subj_rec[0]),
				       find_any(w, &g, subj2, &subj_rec[1])};
	const struct field *obj[2] = {find_any(w, &g, g.rule->object_primary, &obj_rec[0]),
				      find_any(w, &g, g.rule->object_secondary, &obj_rec[1])};
	const struct field *howf = find_any(w, &g, howl, &how_rec);
	for (int i = 0; i < 2; i++) {
		if (subj[i])
			summary_value(w, &g, subj_rec[i], subj[i], o, &actor[i]);
		if (obj[i])
			summary_value(w, &g, obj_rec[i], obj[i], o, &object[i]);
	}
	if (howf)
		summary_value(w, &g, how_rec, howf, o, &how);
	/* a socket object: its port is the secondary object */
	if (obj[0] && lookup_name(w, obj[0]->key) && lookup_name(w, obj[0]->key)->key == K_SADDR &&
	    !object[1].len && g.have_sa && g.sa.port >= 0) {
		char *port = arena_alloc(&w->arena, 8);
		if (port)
			object[1] = (struct strv){port, (size_t)snprintf(port, 8, "%d", g.sa.port)};
	}
	if (!obj[0] && g.object_path) {
		const struct field *f = record_field(g.object_path->fields, g.object_path->nfields, "name");
		if (f)
			value_text(w, f, &object[0]);
	}
	if (!obj[0] && !object[0].len && g.have_sa) {
		const char *a = g.sa.addr[0] ? g.sa.addr : g.sa.path;
		object[0] = (struct strv){a, strlen(a)};
	}
	const char *otype = g.rule->object_type;
	if (!otype && g.object_path) {
		const struct field *f = record_field(g.object_path->fields, g.object_path->nfields, "mode");
		uint64_t mode;
		if (f && interp_u64(f->val.p, f->val.len, 8, &mode))
			otype = interp_mode_kind((unsigned long)mode);
	}

	int outcome = outcome_of(w);
	gather_people(w, &g, o, &people, subj, subj_rec, obj, obj_rec);

	jsonw_object_begin(j);
	write_timestamp(w, &g.primary->hdr);
	write_event_section(w, &g, outcome);
	if (g.primary->hdr.node.len) {
		jsonw_keyz(j, "host");
		jsonw_object_begin(j);
		kv_str(j, "name", g.primary->hdr.node);
		jsonw_object_end(j);
	}
	write_process(w, &g);
	write_user(w, &g, o, &people);
	write_file(w, &g, o);
	write_network(w, &g, &ip);
	/* the actor is a user unless the rule names a label (scontext) or such */
	const struct name_slot *ans = subj[0] ? lookup_name(w, subj[0]->key) : NULL;
	bool actor_is_user = ans && (ans->id || ans->key == K_ACCT);
	write_related(w, &people, ip, actor_is_user ? &actor[0] : &(struct strv){NULL, 0});
	write_tags(w);

	jsonw_keyz(j, "auditd");
	jsonw_object_begin(j);
	kv_str(j, "message_type", g.type_lower);
	jsonw_keyz(j, "sequence");
	jsonw_uint(j, ev->serial);
	kv_strz(j, "result", outcome == 1 ? "success" : outcome == 0 ? "fail" : "unknown");
	if (w->slot[K_SES]) {
		uint64_t ses;
		if (field_u64(w->slot[K_SES], &ses) && ses == IDCACHE_UNSET)
			kv_strz(j, "session", "unset");
		else
			kv_str(j, "session", w->slot[K_SES]->val);
	}
	kv_strz(j, "event_kind", g.rule->event_kind);
	jsonw_keyz(j, "summary");
	jsonw_object_begin(j);
	if (actor[0].len || actor[1].len) {
		jsonw_keyz(j, "actor");
		jsonw_object_begin(j);
		if (actor[0].len)
			kv_str(j, "primary", actor[0]);
		if (actor[1].len)
			kv_str(j, "secondary", actor[1]);
		jsonw_object_end(j);
	}
	kv_strz(j, "action", g.action);
	if (object[0].len || object[1].len || otype) {
		jsonw_keyz(j, "object");
		jsonw_object_begin(j);
		if (object[0].len)
			kv_str(j, "primary", object[0]);
		if (object[1].len)
			kv_str(j, "secondary", object[1]);
		if (otype)
			kv_strz(j, "type", otype);
		jsonw_object_end(j);
	}
	if (how.len)
		kv_str(j, "how", how);
	jsonw_object_end(j);
	write_paths(w, &g);
	write_data(w, &g);
	jsonw_object_end(j); /* auditd */

	jsonw_keyz(j, "ecs");
	jsonw_object_begin(j);
	kv_strz(j, "version", "8.11.0");
	jsonw_object_end(j);
	jsonw_object_end(j);
	jsonw_raw(j, "\n", 1);

	if (jsonw_failed(j))
		return -1;
	out->json = j->buf;
	out->len = j->len;
	return 0;
}
