#include "summary.h"

#include <libaudit.h>
#include <stdio.h>
#include <string.h>

/* The summary follows libauparse's normalizer (audit-userspace 3.0.9,
 * auparse/normalize.c), the code behind `ausearch --format text|csv`; the
 * differential test tests/tools/auparse-diff.c compares the two over every
 * recorded stream, and plugin/NORMALIZATION.md lists where and why they
 * still differ ("Divergences from libauparse"). */

/* A role's candidate field names, first present wins, and each one's slot
 * in the view (enum key; 0: none; a rule's are resolved when it is loaded),
 * so that a slotted field is found without looking its name up. */
struct role {
	const char *const *names;
	const unsigned char *keys;
};

#define RULE_ROLE(rule, list) ((struct role){(rule)->list, (rule)->list##_key})

/* The defaults follow libauparse: actor auid/uid, how the executable. */
static const struct role def_subj1 = {(const char *const[]){"auid", NULL},
				      (const unsigned char[]){K_AUID, 0}};
static const struct role def_subj2 = {(const char *const[]){"uid", NULL},
				      (const unsigned char[]){K_UID, 0}};
static const struct role def_how = {(const char *const[]){"exe", NULL},
				    (const unsigned char[]){K_EXE, 0}};
static const struct role comm_role = {(const char *const[]){"comm", NULL},
				      (const unsigned char[]){K_COMM, 0}};

/* Signal names, as libauparse writes a sig= field (ANOM_ABEND's how). */
static const char *const sig_names[] = {
	"0",       "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",    "SIGTRAP", "SIGABRT",
	"SIGBUS",  "SIGFPE",  "SIGKILL",   "SIGUSR1", "SIGSEGV",   "SIGUSR2", "SIGPIPE",
	"SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",
	"SIGTTIN", "SIGTTOU", "SIGURG",    "SIGXCPU", "SIGXFSZ",   "SIGVTALRM", "SIGPROF",
	"SIGWINCH", "SIGIO",  "SIGPWR",    "SIGSYS",
};

/* libauparse names the program an interpreter runs, not the interpreter:
 * when the executable starts with one of these, "how" is comm (the
 * script's name). Prefixes, as libauparse compares them. */
static const char *const interpreters[] = {"/usr/bin/python", "/usr/bin/sh", "/usr/bin/bash",
					   "/usr/bin/perl"};

static bool is_interpreter(struct strv exe)
{
	for (size_t i = 0; i < sizeof(interpreters) / sizeof(*interpreters); i++) {
		size_t n = strlen(interpreters[i]);
		if (exe.len >= n && !memcmp(exe.p, interpreters[i], n))
			return true;
	}
	return false;
}

static bool key_is(const struct field *f, const char *name)
{
	return strv_eq(f->key, name);
}

/* A summary value: names for ids (when resolving), a socket address for
 * saddr, names for arch/syscall and signals, decoded text otherwise. */
static bool summary_value(struct view *v, const struct parsed_rec *r, const struct field *f,
			  struct strv *out)
{
	const struct name_slot *ns = view_field_name(v, f);
	struct strv val;
	uint64_t n;

	if (ns && ns->id) {
		struct ident id;
		const struct field *ef = r && r->nefields ? view_enriched_of(v, r, f) : NULL;
		if (!view_ident(v, f, ef, ns->id, &id))
			return false;
		val = (v->opt->resolve_ids || id.unset) && id.name.len ? id.name : id.id;
	} else if (ns && ns->key == K_SADDR) {
		if (!v->have_sa)
			return false;
		const char *a = v->sa.addr[0] ? v->sa.addr : v->sa.path;
		val = (struct strv){a, strlen(a)};
	} else if (ns && ns->key == K_SYSCALL && v->syscall_name) {
		val = (struct strv){v->syscall_name, strlen(v->syscall_name)};
	} else if (key_is(f, "sig") && view_u64(f, &n) &&
		   n < sizeof(sig_names) / sizeof(*sig_names)) {
		val = (struct strv){sig_names[n], strlen(sig_names[n])};
	} else if (!view_text(v, f, &val)) {
		return false;
	} else if (ns && ns->key == K_ACCT) {
		/* old PAM messages: "acct=root : exe=..." (ausearch drops the ':') */
		while (val.len && (val.p[val.len - 1] == ':' || val.p[val.len - 1] == ' '))
			val.len--;
	}
	if (!val.len)
		return false;
	*out = val;
	return true;
}

/* The field in slot key (0: none) if it is one of record r's: then it is
 * r's field of that name, as view_rec_field() finds it. */
static inline const struct field *slot_in(const struct view *v, const struct parsed_rec *r,
					  unsigned char key)
{
	const struct field *f = key ? v->slot[key] : NULL;
	return f && f >= r->fields && f < r->fields + r->nfields ? f : NULL;
}

/* Field role.names[i] of record r: from its slot, else looked up. */
static const struct field *role_field(const struct view *v, const struct parsed_rec *r,
				      struct role role, size_t i)
{
	const struct field *f = slot_in(v, r, role.keys[i]);
	return f ? f : view_rec_field(v, r, role.names[i]);
}

/* The first field of record r with one of the role's names. */
static const struct field *rec_find(const struct view *v, const struct parsed_rec *r,
				    struct role role)
{
	for (size_t i = 0; role.names[i]; i++) {
		const struct field *f = role_field(v, r, role, i);
		if (f)
			return f;
	}
	return NULL;
}

/* Whether field f holds a value (not "?", "(null)" or empty). */
static bool has_value(struct view *v, const struct field *f)
{
	struct strv val;
	return view_text(v, f, &val);
}

/* find_role() past a first name that is not a slotted field of the
 * primary record with a value. */
static __attribute__((noinline)) const struct field *
find_role_slow(struct view *v, struct role role, const struct parsed_rec **in)
{
	for (size_t n = 0; role.names[n]; n++) {
		const struct field *f = role_field(v, v->primary, role, n);
		if (f && has_value(v, f)) {
			*in = v->primary;
			return f;
		}
	}
	for (size_t n = 0; role.names[n]; n++)
		for (size_t i = 0; i < v->pe.nrec; i++) {
			const struct parsed_rec *r = &v->pe.recs[i];
			if (r == v->primary || r->hdr.type == AUDIT_PATH || r->hdr.type == AUDIT_EXECVE)
				continue;
			const struct field *f = role_field(v, r, role, n);
			if (f && has_value(v, f)) {
				*in = r;
				return f;
			}
		}
	return NULL;
}

/* The field a role names: the first of the names the primary record has
 * with a value, else the first name another record has with a value (the
 * records in order, PATH and EXECVE records aside). Inline, the usual case:
 * the first name (auid, uid, exe) is a slotted field of the primary. */
static inline const struct field *find_role(struct view *v, struct role role,
					    const struct parsed_rec **in)
{
	const struct field *f = slot_in(v, v->primary, role.keys[0]);
	if (f && has_value(v, f)) {
		*in = v->primary;
		return f;
	}
	return role.names[0] ? find_role_slow(v, role, in) : NULL;
}

/* "how" from field f of record r: an interpreter's script (comm) rather
 * than the interpreter. */
static void how_value(struct view *v, const struct parsed_rec *r, const struct field *f,
		      struct strv *out)
{
	if (!summary_value(v, r, f, out))
		return;
	if (key_is(f, "exe") && is_interpreter(*out)) {
		const struct parsed_rec *cr = r;
		const struct field *c = r ? rec_find(v, r, comm_role) : NULL;
		if (!c)
			c = view_find(v, comm_role.names, &cr);
		struct strv s;
		if (c && summary_value(v, cr, c, &s))
			*out = s;
	}
}

/* Kernel records written during a syscall that libauparse reads through
 * their SYSCALL record (normalize_compound() in normalize.c): the actor
 * and "how" are the SYSCALL's. Others (LOGIN, ...) name their own. */
static bool through_syscall(int type)
{
	switch (type) {
	case AUDIT_AVC:
	case AUDIT_SELINUX_ERR:
	case AUDIT_CONFIG_CHANGE:
	case AUDIT_NETFILTER_CFG:
	case AUDIT_ANOM_PROMISCUOUS:
	case AUDIT_ANOM_LINK:
	case AUDIT_MAC_POLICY_LOAD:
	case AUDIT_MAC_STATUS:
	case AUDIT_MAC_CONFIG_CHANGE:
	case AUDIT_FANOTIFY:
	case AUDIT_TIME_INJOFFSET:
	case AUDIT_TIME_ADJNTPVAL:
	case AUDIT_BPF:
	case AUDIT_EVENT_LISTENER:
		return true;
	default:
		return false;
	}
}

/* auditd's own records: libauparse's "how" is how auditd came to write
 * them (started by init, stopped or reconfigured by a signal). */
static const char *daemon_how(int type)
{
	if (type == AUDIT_DAEMON_START)
		return "init";
	if (type > AUDIT_DAEMON_START && type < AUDIT_DAEMON_ACCEPT && type != AUDIT_DAEMON_ABORT)
		return "signal";
	return NULL;
}

static const struct field *path_field(const struct parsed_rec *r, const char *name)
{
	return record_field(r->fields, r->nfields, name);
}

/* The object's PATH record, as libauparse picks it: the one with item=N,
 * or, when that one is the parent directory (nametype=PARENT), the first
 * PATH after it that is not; when there is none, the first PARENT. */
static const struct parsed_rec *object_path(const struct view *v, int want)
{
	size_t start = v->npaths;
	for (size_t i = 0; i < v->npaths; i++) {
		uint64_t item;
		if (view_u64(v->path_item[i], &item) && item == (uint64_t)want) {
			start = i;
			break;
		}
	}
	const struct parsed_rec *parent = NULL;
	for (size_t i = start; i < v->npaths; i++) {
		const struct field *nt = v->path_nametype[i];
		if (!nt || !strv_eq(nt->val, "PARENT"))
			return v->paths[i];
		if (!parent)
			parent = v->paths[i];
	}
	return parent;
}

/* A file object: its name, its inode (the secondary, as libauparse), and
 * its kind from the mode. */
static void path_object(struct view *v, const struct parsed_rec *r, struct summary *s)
{
	const struct field *f = path_field(r, "name");
	struct strv val;
	uint64_t mode;

	if (f && view_text(v, f, &val)) {
		s->object[0] = val;
		s->obj[0] = f;
		s->obj_rec[0] = r;
	}
	f = path_field(r, "inode");
	if (f && view_text(v, f, &val)) {
		s->object[1] = val;
		s->obj[1] = f;
		s->obj_rec[1] = r;
	}
	f = path_field(r, "mode");
	if (f && interp_u64(f->val.p, f->val.len, 8, &mode) && interp_mode_kind((unsigned long)mode))
		s->object_type = interp_mode_kind((unsigned long)mode);
}

void summary_build(struct view *v, struct summary *s)
{
	const struct norm_rule *rule = v->rule;
	const struct parsed_rec *how_rec = NULL;
	const int type = v->primary->hdr.type;

	memset(s, 0, sizeof(*s));

	/* An access decision (AVC, FANOTIFY) taken during a syscall is about
	 * the syscall's object: libauparse normalizes the syscall and keeps the
	 * decision's action; so does the summary, with the syscall's rule. */
	const struct norm_rule *orule = rule;
	if ((type == AUDIT_AVC || type == AUDIT_FANOTIFY) && v->syscall_rule)
		orule = v->syscall_rule;
	s->object_type = orule->object_type;

	struct role subj1 = rule->subject_primary[0] ? RULE_ROLE(rule, subject_primary) : def_subj1;
	struct role subj2 =
		rule->subject_secondary[0] ? RULE_ROLE(rule, subject_secondary) : def_subj2;
	struct role howl = rule->how[0] ? RULE_ROLE(rule, how) : def_how;
	const struct field *howf = NULL;

	if (v->syscall && v->syscall != v->primary && through_syscall(type)) {
		/* a record written during a syscall that names no actor of
		 * its own (AVC, CONFIG_CHANGE, NETFILTER_CFG, ...): the actor
		 * and the means are the SYSCALL record's process, as
		 * libauparse takes them */
		s->subj[0] = rec_find(v, v->syscall, def_subj1);
		s->subj[1] = rec_find(v, v->syscall, def_subj2);
		s->subj_rec[0] = s->subj_rec[1] = v->syscall;
		howf = rec_find(v, v->syscall, def_how);
		how_rec = v->syscall;
	} else {
		s->subj[0] = find_role(v, subj1, &s->subj_rec[0]);
		s->subj[1] = find_role(v, subj2, &s->subj_rec[1]);
		howf = find_role(v, howl, &how_rec);
	}
	for (int i = 0; i < 2; i++)
		if (s->subj[i])
			summary_value(v, s->subj_rec[i], s->subj[i], &s->actor[i]);

	const char *dh = daemon_how(type);
	if (dh)
		s->how = (struct strv){dh, strlen(dh)};
	else if (howf && type != AUDIT_SECCOMP && type != AUDIT_FEATURE_CHANGE)
		how_value(v, how_rec, howf, &s->how);
	else if (howf)
		summary_value(v, how_rec, howf, &s->how);

	/* the object: the rule's fields, else the rule's PATH record */
	s->obj[0] = find_role(v, RULE_ROLE(orule, object_primary), &s->obj_rec[0]);
	s->obj[1] = find_role(v, RULE_ROLE(orule, object_secondary), &s->obj_rec[1]);
	for (int i = 0; i < 2; i++) {
		if (!s->obj[i])
			continue;
		if (orule->how[0] && !strcmp(orule->how[0], "syscall") && key_is(s->obj[i], "exe"))
			how_value(v, s->obj_rec[i], s->obj[i], &s->object[i]); /* the program */
		else
			summary_value(v, s->obj_rec[i], s->obj[i], &s->object[i]);
	}
	if (!s->obj[0] && orule->object_path_index >= 0) {
		const struct parsed_rec *p = object_path(v, orule->object_path_index);
		if (p)
			path_object(v, p, s);
	}

	const struct name_slot *ons = s->obj[0] ? view_field_name(v, s->obj[0]) : NULL;
	/* a socket object: its port is the secondary object */
	if (ons && ons->key == K_SADDR && !s->object[1].len && v->have_sa && v->sa.port >= 0) {
		char *port = arena_alloc(&v->arena, 8);
		if (port)
			s->object[1] = (struct strv){port, (size_t)snprintf(port, 8, "%d", v->sa.port)};
	}
	const struct name_slot *ans = s->subj[0] ? view_field_name(v, s->subj[0]) : NULL;
	s->actor_is_user = ans && (ans->id || ans->key == K_ACCT);
}
