#include "view.h"

#include <libaudit.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "idcache.h"
#include "loadword.h"

static const char *const key_names[K_COUNT] = {
	NULL,
#define X(e, s) s,
	VIEW_KEYS(X)
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
	/* first those gather() asks about most (the others have their case) */
	AUDIT_EOE,      AUDIT_EXECVE,   AUDIT_BPRM_FCAPS, AUDIT_SYSCALL, AUDIT_PATH, AUDIT_IPC,
	AUDIT_SOCKETCALL, AUDIT_SOCKADDR, AUDIT_CWD,     AUDIT_IPC_SET_PERM, AUDIT_MQ_OPEN,
	AUDIT_MQ_SENDRECV, AUDIT_MQ_NOTIFY, AUDIT_MQ_GETSETATTR, AUDIT_FD_PAIR, AUDIT_OBJ_PID,
	AUDIT_CAPSET,   AUDIT_MMAP,     AUDIT_PROCTITLE,
};

/* Names are short: hashed from their first word (load_upto8) by a
 * multiplier view_init picks so that no two known names share a slot. */
static inline uint32_t hash_name(uint64_t word, size_t n, uint64_t mult)
{
	return (uint32_t)(((word ^ n) * mult) >> (64 - VIEW_HT_BITS));
}

/* Names compare exactly: the table's names and the raw part's keys are
 * lower case. Any other name lands on the empty entry 0 (length 0) or on
 * a known name that its words or length tell apart. */
static inline __attribute__((always_inline)) const struct name_slot *
ht_find_word(const struct view *w, uint64_t word, const char *s, size_t n)
{
	const struct name_slot *e = &w->names[w->ht[hash_name(word, n, w->ht_mult)]];
	if (e->word != word || e->len != n || (n > 8 && e->word2 != load_upto8(s + 8, n - 8)))
		return NULL;
	return e;
}

static inline const struct name_slot *ht_find(const struct view *w, const char *s, size_t n)
{
	return ht_find_word(w, load_upto8(s, n), s, n);
}

/* The ENRICHED part names fields in upper case (AUID for auid): the
 * mask that or-s 0x20 into each of a word's first n (1..8) bytes. */
static inline uint64_t case_mask(size_t n)
{
	return 0x2020202020202020ULL >> (64 - 8 * n);
}

/* Adds a known name (or more flags for one already known) to w->names. */
static void names_add(struct view *w, size_t *count, const char *name, int key, int encoded,
		      int id)
{
	size_t i = 1;
	while (i < *count && strcmp(w->names[i].name, name))
		i++;
	struct name_slot *e = &w->names[i];
	if (i == *count) {
		size_t n = strlen(name);
		*e = (struct name_slot){.name = name,
					.word = load_upto8(name, n),
					.word2 = n > 8 ? load_upto8(name + 8, n - 8) : 0,
					.len = (uint8_t)n};
		++*count;
	}
	if (key)
		e->key = (uint8_t)key;
	if (encoded)
		e->encoded = 1;
	if (id)
		e->id = (uint8_t)id;
	e->twin = e->key && e->id && e->len <= 8 && (e->word | case_mask(e->len)) == e->word;
}

/* Places names 1..count-1 in w->ht with multiplier mult; false if two
 * share a slot. */
static bool ht_place(struct view *w, size_t count, uint64_t mult)
{
	memset(w->ht, 0, sizeof(w->ht));
	for (size_t i = 1; i < count; i++) {
		uint8_t *at = &w->ht[hash_name(w->names[i].word, w->names[i].len, mult)];
		if (*at)
			return false;
		*at = (uint8_t)i;
	}
	w->ht_mult = mult;
	return true;
}

static inline const struct name_slot *lookup_name(const struct view *w, struct strv k)
{
	return k.len && k.len < 64 ? ht_find(w, k.p, k.len) : NULL;
}

const struct name_slot *view_name(const struct view *w, struct strv k)
{
	return lookup_name(w, k);
}

static bool is_aux(int type)
{
	for (size_t i = 0; i < sizeof(aux_types) / sizeof(*aux_types); i++)
		if (aux_types[i] == type)
			return true;
	return false;
}

/* --- values --------------------------------------------------------------- */

/* A value that says something: not empty, "?", "\"?\"" or "(null)". */
static bool has_value(struct strv v)
{
	if (v.len >= 2 && v.p[0] == '"' && v.p[v.len - 1] == '"') {
		v.p++;
		v.len -= 2;
	}
	return v.len && !strv_eq(v, "?") && !strv_eq(v, "(null)");
}

bool view_text_any(struct view *w, const struct field *f, const struct name_slot *ns,
		   struct strv *out)
{
	struct strv v = f->val;

	if (ns && ns->encoded) {
		if (!interp_untrusted(f->val.p, f->val.len, &w->arena, &v))
			return false;
	} else if (v.len >= 2 && (v.p[0] == '"' || v.p[0] == '\'') && v.p[v.len - 1] == v.p[0]) {
		v.p++;
		v.len -= 2;
	}
	*out = v;
	return has_value(v); /* auditd's "no value", bare or quoted (acct="?") */
}

void view_copy(struct view *w, const char *s, struct strv *out)
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

/* The ENRICHED part names fields in upper case (AUID for auid). */
static bool same_name_caseless(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((a[i] | 0x20) != (b[i] | 0x20))
			return false;
	return true;
}

const struct field *view_enriched(const struct parsed_rec *r, struct strv key)
{
	for (size_t i = 0; i < r->nefields; i++)
		if (r->efields[i].key.len == key.len &&
		    same_name_caseless(r->efields[i].key.p, key.p, key.len))
			return &r->efields[i];
	return NULL;
}

/* PATH and EXECVE records' fields (one per path or argument) have no slots. */
static bool fills_slots(const struct parsed_rec *r)
{
	return r->hdr.type != AUDIT_PATH && r->hdr.type != AUDIT_EXECVE;
}

/* Whether f is one of record r's raw fields. */
static bool rec_holds(const struct parsed_rec *r, const struct field *f)
{
	return f >= r->fields && f < r->fields + r->nfields;
}

const struct field *view_enriched_of(const struct view *w, const struct parsed_rec *r,
				     const struct field *f)
{
	const struct name_slot *ns = view_field_name(w, f);
	/* a slot's twin was found in the slot field's own record */
	if (ns && ns->key && w->slot[ns->key] == f && rec_holds(r, f))
		return w->eslot[ns->key];
	return view_enriched(r, f->key);
}

const struct field *view_rec_field(const struct view *w, const struct parsed_rec *r,
				   const char *name)
{
	const struct name_slot *ns = lookup_name(w, (struct strv){name, strlen(name)});
	if (!ns)
		return record_field(r->fields, r->nfields, name);
	if (ns->key) {
		/* a slot in r is r's first such field (fill_slots takes the
		 * first); the primary record, filled first, has none when its
		 * slot is elsewhere or empty */
		const struct field *f = w->slot[ns->key];
		if (f && rec_holds(r, f))
			return f;
		if (r == w->primary && fills_slots(r))
			return NULL;
	}
	/* the field whose name lookup gave the same entry */
	const struct name_slot *const *fns = view_rec_names(w, r);
	for (size_t i = 0; i < r->nfields; i++)
		if (fns[i] == ns)
			return &r->fields[i];
	return NULL;
}

static bool ident_of(struct view *w, const struct field *f, const struct field *ef, int kind,
		     struct ident *out)
{
	uint64_t v;

	memset(out, 0, sizeof(*out));
	out->id = f->val;
	/* the unset id (a process outside any login session: daemons, cron)
	 * is common: compared before parsing */
	_Static_assert(IDCACHE_UNSET == 4294967295u, "the unset id's digits");
	if (strv_eq(f->val, "4294967295"))
		v = IDCACHE_UNSET;
	else if (!interp_u64(f->val.p, f->val.len, 10, &v))
		return out->id.len > 0;
	out->unset = v == IDCACHE_UNSET;
	if (view_twin_name(ef, &out->name))
		return true;
	if (out->unset) {
		out->name = (struct strv){"unset", 5};
		return true;
	}
	if (w->opt->resolve_ids) {
		const char *n = kind == 2 ? idcache_group((uint32_t)v) : idcache_user((uint32_t)v);
		if (n)
			view_copy(w, n, &out->name);
	}
	return true;
}

bool view_ident_slow(struct view *w, const struct field *f, const struct field *ef, int kind,
		     struct ident *out)
{
	if (!f) {
		memset(out, 0, sizeof(*out));
		return false;
	}
	struct ident_memo *m = view__memo(w, f);
	m->f = f;
	m->ef = ef;
	m->gen = w->gen;
	m->kind = kind;
	m->ok = ident_of(w, f, ef, kind, &m->id);
	*out = m->id;
	return m->ok;
}

/* --- the event, gathered -------------------------------------------------- */

/* Where the event's buffer lets a name be loaded as one whole word: a raw
 * key with 8 bytes of the buffer from its start ('=' and the value follow
 * it). Keys from elsewhere (record.c's literal "msg") or near the buffer's
 * end take load_upto8. */
static struct readable event_words(const struct view *w)
{
	return readable_of(w->pe.ev->buf, w->pe.ev->len);
}

/* Raw key k's first min(len, 8) bytes as a zero-padded word (k.len < 64). */
static inline uint64_t name_word(struct strv k, struct readable lw)
{
	return load_upto8_in(k.p, k.len, lw);
}

static inline const struct name_slot *raw_name(const struct view *w, struct strv k,
					       struct readable lw)
{
	if (!k.len || k.len >= 64)
		return NULL;
	return ht_find_word(w, name_word(k, lw), k.p, k.len);
}

/* Sets each newly slotted id's ENRICHED twin (ids in mask, by key): the
 * first ENRICHED field of r with its name, case aside, as view_enriched()
 * answers, in one backwards pass. Such a name is unchanged by or-ing 0x20
 * into its bytes, so an ENRICHED name matches it exactly when or-ing 0x20
 * into the ENRICHED name's bytes gives it. */
static void enriched_twins(struct view *w, const struct parsed_rec *r, uint64_t mask)
{
	for (size_t i = r->nefields; i-- > 0;) {
		struct strv k = r->efields[i].key;
		if (!k.len || k.len > 8)
			continue;
		const struct name_slot *ns =
			ht_find_word(w, load_upto8(k.p, k.len) | case_mask(k.len), k.p, k.len);
		if (ns && ns->twin && mask >> ns->key & 1)
			w->eslot[ns->key] = &r->efields[i];
	}
}

/* Whether key k is mk's. rd: where 8 bytes may be loaded (the event's
 * buffer); a key outside it (record.c's literal "msg", one at the buffer's
 * end) is never one, which only costs its record the memo. */
static inline bool key_is(const struct memo_key *mk, struct strv k, struct readable rd)
{
	if (k.len != mk->len || (uintptr_t)k.p - rd.lo >= rd.n || (load64(k.p) & mk->mask) != mk->word)
		return false;
	return k.len <= 8 || ((uintptr_t)k.p + 8 - rd.lo < rd.n &&
			      (load64(k.p + 8) & mk->mask2) == mk->word2);
}

/* Remembers key k (k.len <= 16) in mk. */
static void key_note(struct memo_key *mk, struct strv k)
{
	mk->len = k.len;
	mk->word = load_upto8(k.p, k.len);
	mk->mask = load_mask[k.len];
	mk->word2 = k.len > 8 ? load_upto8(k.p + 8, k.len - 8) : 0;
	mk->mask2 = k.len > 8 ? load_mask[k.len - 8] : 0;
}

/* Whether the n fields at f have the keys at mk. */
static bool keys_are(const struct memo_key *mk, const struct field *f, size_t n,
		     struct readable rd)
{
	/* unrolled: the loop's own steps cost a fifth of a key's check */
#pragma GCC unroll 8
	for (size_t i = 0; i < n; i++)
		if (!key_is(&mk[i], f[i].key, rd))
			return false;
	return true;
}

/* The names of the fields of record r, a PATH or EXECVE record, into fns:
 * from the memo when it has r's keys, else looked up (and remembered when
 * the keys fit). */
static void names_only(struct view *w, const struct parsed_rec *r, const struct name_slot **fns,
		       struct readable rd)
{
	uint32_t h = ((uint32_t)r->hdr.type * 64 + (uint32_t)r->nfields) * 0x9e3779b1u;
	struct names_memo *m = &w->names_memo[h >> 29];
	_Static_assert(VIEW_NAMES_MEMO == 8, "the memo's index: the hash's top 3 bits");

	if (m->type == r->hdr.type && m->n == r->nfields && keys_are(m->key, r->fields, m->n, rd)) {
		memcpy(fns, m->ns, m->n * sizeof(*fns));
		return;
	}
	bool fit = r->nfields <= VIEW_NAMES_KEYS;
	for (size_t i = 0; i < r->nfields; i++) {
		struct strv k = r->fields[i].key;
		fns[i] = raw_name(w, k, rd);
		fit = fit && k.len <= 16;
	}
	m->type = 0;
	if (!fit)
		return;
	for (size_t i = 0; i < r->nfields; i++)
		key_note(&m->key[i], r->fields[i].key);
	memcpy(m->ns, fns, r->nfields * sizeof(*fns));
	m->n = r->nfields;
	m->type = r->hdr.type;
}

/* Looks up the names of record r's raw fields into w->fns and, unless r is
 * a PATH or EXECVE record, gives each key not yet slotted its first field
 * in r. ENRICHED fields are never asked for by name (their upper-case
 * names are no known ones): NULL. */
static void index_record(struct view *w, const struct parsed_rec *r)
{
	_Static_assert(K_COUNT <= 64, "keys as bits of a word");
	const struct name_slot **fns = view_rec_names(w, r);
	struct readable lw = event_words(w);
	uint64_t twins = 0; /* ids slotted here whose twin is still to find */

	for (size_t i = 0; i < r->nefields; i++)
		fns[r->nfields + i] = NULL;
	if (!fills_slots(r)) {
		names_only(w, r, fns, lw);
		return;
	}
	for (size_t i = 0; i < r->nfields; i++) {
		const struct name_slot *ns = raw_name(w, r->fields[i].key, lw);
		fns[i] = ns;
		if (!ns || !ns->key || w->slot[ns->key])
			continue;
		w->slot[ns->key] = &r->fields[i];
		/* only ids take their name from the ENRICHED part */
		if (!ns->id || !r->nefields)
			continue;
		if (ns->twin)
			twins |= 1ULL << ns->key;
		else
			w->eslot[ns->key] = view_enriched(r, r->fields[i].key);
	}
	if (twins)
		enriched_twins(w, r, twins);
}

/* Whether record r has exactly memo m's type and keys (raw, then ENRICHED:
 * event.c stores them one after the other). */
static bool layout_is(const struct layout_memo *m, const struct parsed_rec *r, struct readable rd)
{
	if (!m->valid || m->type != r->hdr.type || m->nfields != r->nfields ||
	    m->nefields != r->nefields)
		return false;
	return keys_are(m->key, r->fields, (size_t)m->nfields + m->nefields, rd);
}

/* index_record() for the primary record, the first one indexed (no slot is
 * filled yet), from m: what the last record with its keys gave. */
static void layout_apply(struct view *w, const struct layout_memo *m, const struct parsed_rec *r)
{
	uintptr_t base = (uintptr_t)r->fields;

	memcpy(view_rec_names(w, r), m->ns, ((size_t)m->nfields + m->nefields) * sizeof(*m->ns));
	for (size_t k = 0; k < K_COUNT; k++)
		w->slot[k] = (const struct field *)((base + m->slot_at[k]) & m->slot_mask[k]);
	for (size_t k = 0; k < K_COUNT; k++)
		w->eslot[k] = (const struct field *)((base + m->eslot_at[k]) & m->eslot_mask[k]);
}

/* A slot's field f (NULL: none) as a layout memo keeps it, from base. */
static void slot_note(uintptr_t *at, uintptr_t *mask, const struct field *f, uintptr_t base)
{
	*at = f ? (uintptr_t)f - base : 0;
	*mask = f ? UINTPTR_MAX : 0;
}

/* Remembers in m what index_record() just gave for the primary record r
 * (every slot filled was empty before, so it is r's), when it fits. */
static void layout_note(const struct view *w, struct layout_memo *m, const struct parsed_rec *r)
{
	const struct name_slot *const *fns = view_rec_names(w, r);
	size_t n = r->nfields + r->nefields;

	m->valid = false;
	if (n > VIEW_LAYOUT_KEYS)
		return;
	for (size_t i = 0; i < n; i++) {
		struct strv k = r->fields[i].key;
		if (k.len > 16)
			return;
		key_note(&m->key[i], k);
		m->ns[i] = fns[i];
	}
	for (size_t k = 0; k < K_COUNT; k++) {
		slot_note(&m->slot_at[k], &m->slot_mask[k], w->slot[k], (uintptr_t)r->fields);
		slot_note(&m->eslot_at[k], &m->eslot_mask[k], w->eslot[k], (uintptr_t)r->fields);
	}
	m->type = r->hdr.type;
	m->nfields = (uint8_t)r->nfields;
	m->nefields = (uint8_t)r->nefields;
	m->valid = true;
}

/* index_record() for the primary record, by its layout's memo when the
 * memo has its keys. */
static void index_primary(struct view *w, const struct parsed_rec *r)
{
	struct layout_memo *m = &w->layouts[(unsigned)r->hdr.type % VIEW_LAYOUT_MEMO];

	if (layout_is(m, r, event_words(w))) {
		layout_apply(w, m, r);
		return;
	}
	memset(w->slot, 0, sizeof(w->slot));
	memset(w->eslot, 0, sizeof(w->eslot));
	index_record(w, r);
	layout_note(w, m, r);
}

/* Every record indexed: the primary first, then the SYSCALL, then the
 * rest in order, so the first of a key in that order gets its slot. */
static void index_event(struct view *w)
{
	const struct parsed_event *pe = &w->pe;
	index_primary(w, w->primary);
	if (w->syscall && w->syscall != w->primary)
		index_record(w, w->syscall);
	for (size_t i = 0; i < pe->nrec; i++)
		if (&pe->recs[i] != w->primary && &pe->recs[i] != w->syscall)
			index_record(w, &pe->recs[i]);
}

/* A record type the table knows (unknown ones, e.g. MAC_TASK_CONTEXTS on a
 * newer kernel, only complete another record and must not name the event). */
static bool has_rule(const struct normtab *nt, int type)
{
	return strcmp(normtab_record(nt, type)->event_kind, "unknown") != 0;
}

static void lower_case(char *out, struct strv s)
{
	for (size_t i = 0; i < s.len; i++)
		out[i] = (char)(s.p[i] >= 'A' && s.p[i] <= 'Z' ? s.p[i] + 32 : s.p[i]);
}

/* message_type: the record's type name, lower case; libaudit's name when
 * it knows the number (a log may say UNKNOWN[1334]), then remembered. */
static struct strv type_lower(struct view *w, const struct record_hdr *h)
{
	struct type_lower *e = &w->type_lower_memo[(unsigned)h->type % VIEW_TYPE_MEMO];
	if (h->type && e->type == h->type)
		return (struct strv){e->lower, e->len};
	const char *known = h->type ? audit_msg_type_to_name(h->type) : NULL;
	struct strv tn = known ? (struct strv){known, strlen(known)} : h->type_name;
	if (known && tn.len <= sizeof(e->lower)) {
		lower_case(e->lower, tn);
		e->type = h->type;
		e->len = (uint8_t)tn.len;
		return (struct strv){e->lower, e->len};
	}
	char *lower = arena_alloc(&w->arena, tn.len + 1);
	if (!lower)
		return (struct strv){NULL, 0};
	lower_case(lower, tn);
	return (struct strv){lower, tn.len};
}

static void gather(struct view *w, const struct normtab *nt)
{
	const struct parsed_event *pe = &w->pe;

	/* forget the last event: everything after opt in struct view (the
	 * slots are set by index_primary) */
	memset(&w->opt + 1, 0, sizeof(*w) - offsetof(struct view, opt) - sizeof(w->opt));
	w->machine = -1;
	w->nr = -1;
	for (size_t i = 0; i < pe->nrec; i++) {
		const struct parsed_rec *r = &pe->recs[i];
		switch (r->hdr.type) {
		case AUDIT_SYSCALL: if (!w->syscall) w->syscall = r; break;
		case AUDIT_CWD: if (!w->cwd) w->cwd = r; break;
		case AUDIT_PROCTITLE: if (!w->proctitle) w->proctitle = r; break;
		case AUDIT_SOCKADDR: if (!w->sockaddr) w->sockaddr = r; break;
		case AUDIT_PATH:
			if (w->npaths < sizeof(w->paths) / sizeof(*w->paths))
				w->paths[w->npaths++] = r;
			break;
		default:
			if (!w->primary && !is_aux(r->hdr.type) && has_rule(nt, r->hdr.type))
				w->primary = r;
		}
	}
	if (!w->primary)
		w->primary = w->syscall ? w->syscall : &pe->recs[0];

	index_event(w);

	if (w->syscall && w->slot[K_ARCH] && w->slot[K_SYSCALL]) {
		uint64_t nr;
		w->machine = interp_arch_machine(w->slot[K_ARCH]->val.p, w->slot[K_ARCH]->val.len);
		if (view_u64(w->slot[K_SYSCALL], &nr) && nr < 100000)
			w->nr = (int)nr;
	}
	if (w->machine >= 0 && w->nr >= 0)
		w->syscall_name = interp_syscall_name(w->machine, w->nr);
	if (w->primary == w->syscall && w->syscall) {
		w->rule = normtab_syscall(nt, w->machine, w->nr);
	} else {
		w->rule = normtab_record(nt, w->primary->hdr.type);
		if (w->syscall)
			w->syscall_rule = normtab_syscall(nt, w->machine, w->nr);
	}

	w->action = w->rule->action;
	if (w->rule->action_field) {
		const char *names[2] = {w->rule->action_field, NULL};
		/* the primary record's own field first, even without a value
		 * (the catch-all refines on key=(null)) */
		const struct field *f =
			record_field(w->primary->fields, w->primary->nfields, names[0]);
		if (!f)
			f = view_find(w, names, NULL);
		struct strv v = f ? f->val : (struct strv){NULL, 0};
		if (v.len >= 2 && v.p[0] == '"' && v.p[v.len - 1] == '"') {
			v.p++;
			v.len -= 2;
		}
		for (const struct norm_action_value *av = w->rule->action_values; f && av->value; av++)
			if (!strcmp(av->value, "*") || strv_eq(v, av->value)) {
				w->action = av->action;
				break;
			}
	}

	if (w->slot[K_SADDR])
		w->have_sa = interp_sockaddr(w->slot[K_SADDR]->val.p, w->slot[K_SADDR]->val.len,
					     &w->sa) == 0;

	/* the object's PATH: from the rule's item on, the first (by item) that
	 * is not a parent directory (nametype, or objtype on old kernels, says
	 * PARENT or UNKNOWN), else the rule's item itself */
	int want = w->rule->object_path_index >= 0 ? w->rule->object_path_index : 0;
	uint64_t best = UINT64_MAX;
	for (size_t i = 0; i < w->npaths; i++) {
		const struct parsed_rec *pr = w->paths[i];
		const struct field *it = record_field(pr->fields, pr->nfields, "item");
		const struct field *nt2 = record_field(pr->fields, pr->nfields, "nametype");
		w->path_item[i] = it;
		w->path_nametype[i] = nt2;
		if (!nt2)
			nt2 = record_field(pr->fields, pr->nfields, "objtype");
		uint64_t item;
		if (!view_u64(it, &item))
			item = i;
		if (item == (uint64_t)want && best == UINT64_MAX && !w->object_path)
			w->object_path = pr; /* the fallback */
		if (item < (uint64_t)want || item >= best)
			continue;
		if (nt2 && (strv_eq(nt2->val, "PARENT") || strv_eq(nt2->val, "UNKNOWN")))
			continue;
		best = item;
		w->object_path = pr;
	}
	if (!w->object_path && w->npaths)
		w->object_path = w->paths[0];

	w->type_lower = type_lower(w, &w->primary->hdr);
}

/* The first field in the event with one of the names, in slot order for
 * known keys, else searching the primary record, then all. */


const struct field *view_find(const struct view *w, const char *const *names,
			      const struct parsed_rec **in)
{
	for (; names && *names; names++) {
		struct strv k = {*names, strlen(*names)};
		for (int pass = 0; pass < 2; pass++) {
			for (size_t i = 0; i < w->pe.nrec; i++) {
				const struct parsed_rec *r = pass ? &w->pe.recs[i] : w->primary;
				if (r->hdr.type == AUDIT_PATH || r->hdr.type == AUDIT_EXECVE)
					continue;
				for (size_t j = 0; j < r->nfields; j++)
					if (r->fields[j].key.len == k.len &&
					    !memcmp(r->fields[j].key.p, k.p, k.len) &&
					    has_value(r->fields[j].val)) {
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


int view_init(struct view *w)
{
	memset(w, 0, sizeof(*w));
	arena_init(&w->arena, 65536);
	_Static_assert(1 + K_COUNT - 1 + sizeof(encoded_keys) / sizeof(*encoded_keys) +
				       sizeof(uid_keys) / sizeof(*uid_keys) +
				       sizeof(gid_keys) / sizeof(*gid_keys) <=
			       VIEW_NAMES_MAX,
		       "more known names than VIEW_NAMES_MAX");
	size_t count = 1;
	for (int k = 1; k < K_COUNT; k++)
		names_add(w, &count, key_names[k], k, 0, 0);
	for (size_t i = 0; i < sizeof(encoded_keys) / sizeof(*encoded_keys); i++)
		names_add(w, &count, encoded_keys[i], 0, 1, 0);
	for (size_t i = 0; i < sizeof(uid_keys) / sizeof(*uid_keys); i++)
		names_add(w, &count, uid_keys[i], 0, 0, 1);
	for (size_t i = 0; i < sizeof(gid_keys) / sizeof(*gid_keys); i++)
		names_add(w, &count, gid_keys[i], 0, 0, 2);
	/* The names are fixed, so this search ends the same way every run
	 * (after a few hundred tries: ~80 names in 512 slots). */
	uint64_t mult = 0x9e3779b97f4a7c15ULL;
	while (!ht_place(w, count, mult))
		mult += 0x5851f42d4c957f2eULL; /* even: mult stays odd */
	return 0;
}

void view_free(struct view *w)
{
	free(w->fns);
	arena_free(&w->arena);
	parsed_event_free(&w->pe);
}

int view_build(struct view *w, const struct event *ev, const struct normtab *nt,
	       const struct ecs_options *o)
{
	arena_reset(&w->arena);
	w->gen++; /* forgets the memo's answers */
	if (event_parse(ev, &w->pe) < 0 || w->pe.nrec == 0)
		return -1;
	/* never NULL, even for an event without fields: the writers index it
	 * by a field's offset (NULL + 0 is undefined) */
	if (w->pe.nfields >= w->capfns) {
		size_t cap = w->pe.nfields * 2 + 16;
		const struct name_slot **n = realloc(w->fns, cap * sizeof(*n));
		if (!n)
			return -1;
		w->fns = n;
		w->capfns = cap;
	}
	w->opt = o;
	gather(w, nt);
	return 0;
}
