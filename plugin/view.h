/* view: one reassembled event, parsed and indexed for the writers.
 *
 * One pass over an event's fields drops each known key into a slot, so the
 * writers never search by name; the view also picks the record that names
 * the event (the primary record), the normalization rule, the object's PATH
 * record and the decoded socket address. Values are decoded on demand into
 * the view's arena, which lives until the next event. */
#ifndef AUDISP_ECS_VIEW_H
#define AUDISP_ECS_VIEW_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "ecs.h"
#include "event.h"
#include "interpret.h"
#include "normalize.h"

/* Keys the writers use, each given a slot. */
#define VIEW_KEYS(X)                                                                             \
	X(PID, "pid") X(PPID, "ppid") X(AUID, "auid") X(UID, "uid") X(GID, "gid")               \
	X(EUID, "euid") X(SUID, "suid") X(FSUID, "fsuid") X(EGID, "egid") X(SGID, "sgid")      \
	X(FSGID, "fsgid") X(SES, "ses") X(COMM, "comm") X(EXE, "exe") X(KEY, "key")             \
	X(SUCCESS, "success") X(EXIT, "exit") X(ARCH, "arch") X(SYSCALL, "syscall")             \
	X(ITEMS, "items") X(RES, "res") X(RESULT, "result") X(CWD, "cwd") X(ARGC, "argc")        \
	X(SADDR, "saddr") X(PROCTITLE, "proctitle") X(ADDR, "addr") X(HOSTNAME, "hostname")     \
	X(TERMINAL, "terminal") X(ACCT, "acct") X(ID, "id") X(SUBJ, "subj")

enum key {
	K_NONE,
#define X(e, s) K_##e,
	VIEW_KEYS(X)
#undef X
	K_COUNT
};

/* What the view knows about a field name. */
struct name_slot {
	const char *name;
	uint64_t word;  /* the name's first 8 bytes, zero-padded: compared first */
	uint64_t word2; /* bytes 8..15, zero-padded (no known name is longer) */
	uint8_t len;
	uint8_t key;     /* enum key, or 0 */
	uint8_t encoded; /* an untrusted string: quoted or hex */
	uint8_t id;      /* 1 a user id, 2 a group id */
	/* a slotted id whose name or-ing 0x20 into each byte leaves alone
	 * (lower-case letters): its ENRICHED twin is found by hashing */
	uint8_t twin;
};

/* The known names, in a perfect hash: each name's own slot of
 * VIEW_HT_SIZE, so a lookup is one hash and one compare. */
#define VIEW_HT_BITS 9
#define VIEW_HT_SIZE (1u << VIEW_HT_BITS)
#define VIEW_NAMES_MAX 128 /* entry 0 is the empty one */

/* An id and its name. */
struct ident {
	struct strv id;
	struct strv name; /* empty when unknown */
	bool unset;       /* 4294967295 */
};

/* view_ident()'s answer for one field, remembered for the event. */
struct ident_memo {
	const struct field *f, *ef;
	uint64_t gen; /* the event's view.gen */
	int kind;
	bool ok;
	struct ident id;
};

/* Direct-mapped by the field's place in pe.fields: an event's id fields
 * are a few consecutive ones (auid..fsgid), so they do not collide. */
#define VIEW_IDENT_MEMO 16

/* A record type's name, lower case, remembered for the daemon's life. */
struct type_lower {
	int type; /* 0: none yet */
	uint8_t len;
	char lower[31];
};
#define VIEW_TYPE_MEMO 64 /* direct-mapped by type */

/* What indexing a primary record gave (its raw fields' names, the slots and
 * ENRICHED twins it filled, by position), remembered with its keys: the
 * kernel writes a type's records (SYSCALL) with the same keys in the same
 * order, so the next one with exactly these keys is indexed by position.
 * Only names of up to 16 bytes, as two zero-padded words. */
#define VIEW_LAYOUT_KEYS 48 /* raw and ENRICHED fields */
#define VIEW_LAYOUT_MEMO 4  /* direct-mapped by type */
/* A key as a memo keeps it: its first 16 bytes as two zero-padded words,
 * and the masks that keep a key's first len bytes of two whole words
 * loaded from it (precomputed: the check is a load, an and, a compare). */
struct memo_key {
	uint64_t word, mask, word2, mask2;
	size_t len;
};
struct layout_memo {
	bool valid;
	int type;
	uint8_t nfields, nefields;
	struct memo_key key[VIEW_LAYOUT_KEYS];
	const struct name_slot *ns[VIEW_LAYOUT_KEYS]; /* the raw fields' */
	/* every slot[key] and eslot[key], empty or not, in a loop without
	 * branches: the record's fields' address plus at, and-ed with mask
	 * (all ones, or zero for NULL) */
	uintptr_t slot_at[K_COUNT], slot_mask[K_COUNT];
	uintptr_t eslot_at[K_COUNT], eslot_mask[K_COUNT];
};

/* The names of a PATH or EXECVE record's fields, remembered with its keys:
 * such records repeat a few layouts (PATH's with and without an inode),
 * and checking a key is cheaper than hashing it. */
#define VIEW_NAMES_KEYS 16
#define VIEW_NAMES_MEMO 8 /* direct-mapped by type and number of fields */
struct names_memo {
	int type; /* 0: none */
	size_t n;
	struct memo_key key[VIEW_NAMES_KEYS];
	const struct name_slot *ns[VIEW_NAMES_KEYS];
};

struct view {
	/* for the daemon's life */
	struct name_slot names[VIEW_NAMES_MAX];
	uint8_t ht[VIEW_HT_SIZE]; /* index into names; 0 none */
	uint64_t ht_mult;         /* the hash's multiplier, found by view_init */
	struct arena arena;
	struct parsed_event pe;
	/* what view_name() said of each of pe.fields' raw fields, looked up
	 * once per event; NULL for the ENRICHED ones */
	const struct name_slot **fns;
	size_t capfns;
	/* view_ident()'s answers (asked ~14 times per event for ~9 fields):
	 * an entry holds for the event whose number, gen, it carries */
	struct ident_memo memo[VIEW_IDENT_MEMO];
	uint64_t gen; /* view_build() counts the events */
	/* message_type for the types seen (libaudit's name, lower-cased) */
	struct type_lower type_lower_memo[VIEW_TYPE_MEMO];
	struct layout_memo layouts[VIEW_LAYOUT_MEMO];
	struct names_memo names_memo[VIEW_NAMES_MEMO];
	/* the event's PATH records (npaths of them) and decoded socket address
	 * (when have_sa): left out of the per-event clearing (~0.7 KB) */
	const struct parsed_rec *paths[64];
	/* each one's first item and nametype field (NULL: none), as
	 * record_field() finds them */
	const struct field *path_item[64], *path_nametype[64];
	struct sockaddr_info sa;
	/* for one event; the slots are all set by indexing the primary
	 * record, the members after opt cleared first */
	const struct field *slot[K_COUNT];
	const struct field *eslot[K_COUNT]; /* the ENRICHED value, if any */
	const struct ecs_options *opt;
	const struct parsed_rec *primary; /* names the event */
	const struct parsed_rec *syscall;
	const struct parsed_rec *cwd, *proctitle, *sockaddr;
	size_t npaths;
	const struct parsed_rec *object_path; /* the object's PATH record */
	const struct norm_rule *rule;
	/* the SYSCALL's own rule when another record names the event (its ECS
	 * categorization is added, as go-libaudit does); else NULL */
	const struct norm_rule *syscall_rule;
	const char *action; /* the rule's, refined by action_field */
	int machine;        /* MACH_*, or -1 */
	int nr;             /* syscall number, or -1 */
	const char *syscall_name; /* NULL if unknown */
	bool have_sa;
	struct strv type_lower; /* the primary record's type, lower case */
};

int view_init(struct view *v);
void view_free(struct view *v);
/* Parses ev and indexes it. Returns -1 when memory is exhausted. */
int view_build(struct view *v, const struct event *ev, const struct normtab *nt,
	       const struct ecs_options *o);

const struct name_slot *view_name(const struct view *v, struct strv key);
/* The same for a field of the event, remembered: each field's name is
 * looked up once per event however many writers ask (inline: asked ~100
 * times per event). NULL for the event's ENRICHED fields, whose upper-case
 * names no writer asks about. */
static inline const struct name_slot *view_field_name(const struct view *v, const struct field *f)
{
	/* a field of this event's storage, or (rarely) one from elsewhere:
	 * below the storage, the unsigned difference wraps to a huge i */
	size_t i = ((uintptr_t)f - (uintptr_t)v->pe.fields) / sizeof(*f);
	return i < v->pe.nfields ? v->fns[i] : view_name(v, f->key);
}
/* What view_name() said of each of record r's fields, in step with them
 * (r is one of the event's records): event.c stores each record's raw fields
 * then its ENRICHED ones, record after record, in pe.fields, and fns is
 * indexed the same way. */
static inline const struct name_slot **view_rec_names(const struct view *v,
						      const struct parsed_rec *r)
{
	return v->fns + (r->fields - v->pe.fields);
}
/* A field's value as text: quotes stripped, hex decoded for encoded keys.
 * False when absent ("(null)", "?", empty). ns: view_field_name(v, f). */
bool view_text_any(struct view *v, const struct field *f, const struct name_slot *ns,
		   struct strv *out);
/* Inline: most values asked for (~25 per event: numbers, PATH's inode, dev,
 * mode...) are bare words of a key that is not encoded, given back as they
 * are. One that is empty or starts with a quote, '(' ("(null)") or '?'
 * may need more. */
static inline bool view_text(struct view *v, const struct field *f, struct strv *out)
{
	const struct name_slot *ns = view_field_name(v, f);
	char c = f->val.len ? f->val.p[0] : '"';
	if ((ns && ns->encoded) || c == '"' || c == '\'' || c == '(' || c == '?')
		return view_text_any(v, f, ns, out);
	*out = f->val;
	return true;
}
/* The name an id's ENRICHED twin ef gives it (none when ef is NULL or
 * auditd's "unknown(N)"): true if it gives one. Otherwise view_ident() asks
 * the id cache, when resolving ids. */
static inline bool view_twin_name(const struct field *ef, struct strv *name)
{
	*name = (struct strv){NULL, 0};
	if (!ef)
		return false;
	struct strv n = ef->val; /* unquoted */
	if (n.len >= 2 && n.p[0] == '"' && n.p[n.len - 1] == '"') {
		n.p++;
		n.len -= 2;
	}
	/* auditd writes "unknown(1001)" for ids without a name */
	if (n.len >= 8 && !memcmp(n.p, "unknown(", 8))
		return false;
	*name = n;
	return true;
}
/* An id field (kind 1 user, 2 group) and its name: from the ENRICHED part
 * (ef) when auditd wrote one, else looked up when resolving ids. Inline:
 * a field asked for again in the same event is answered from the memo. */
bool view_ident_slow(struct view *v, const struct field *f, const struct field *ef, int kind,
		     struct ident *out);
/* Where view_ident()'s answer for f is remembered. */
static inline struct ident_memo *view__memo(struct view *v, const struct field *f)
{
	return &v->memo[(uintptr_t)f / sizeof(*f) % VIEW_IDENT_MEMO];
}
static inline bool view_ident(struct view *v, const struct field *f, const struct field *ef,
			      int kind, struct ident *out)
{
	const struct ident_memo *m = view__memo(v, f);
	if (!f || m->f != f || m->ef != ef || m->gen != v->gen || m->kind != kind)
		return view_ident_slow(v, f, ef, kind, out);
	*out = m->id;
	return m->ok;
}
/* The ENRICHED field of record r with the same (case-blind) name, or NULL. */
const struct field *view_enriched(const struct parsed_rec *r, struct strv key);
/* The same for field f of record r, from the slots when f has one. */
const struct field *view_enriched_of(const struct view *v, const struct parsed_rec *r,
				     const struct field *f);
/* record_field() for a record of this event, by the names looked up once
 * per event when name is a known one (no byte compares). */
const struct field *view_rec_field(const struct view *v, const struct parsed_rec *r,
				   const char *name);
/* The first field with one of the names (primary record first, then all
 * but PATH and EXECVE); *in gets its record. */
const struct field *view_find(const struct view *v, const char *const *names,
			      const struct parsed_rec **in);
/* A field's decimal value. Inline: asked ~6 times per event (pid, ppid,
 * ses, syscall, PATH's item). */
static inline bool view_u64(const struct field *f, uint64_t *out)
{
	return f && interp_u64(f->val.p, f->val.len, 10, out);
}
/* Copies s into the arena. */
void view_copy(struct view *v, const char *s, struct strv *out);
/* Inline: with a literal, the length and the compare are settled at
 * compile time. */
static inline bool strv_eq(struct strv s, const char *lit)
{
	size_t n = __builtin_strlen(lit);
	return s.len == n && !__builtin_memcmp(s.p, lit, n);
}

#endif
