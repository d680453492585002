/* auparse-diff: a differential test of audisp-ecs's event summary against
 * libauparse's normalizer (auparse_normalize(3)), the code behind
 * `ausearch --format text|csv`.
 *
 * Usage: auparse-diff [-t PCT] [-n NAME] [-a] [-x] [-v] [-d] STREAM OURS
 *   STREAM  a raw audit stream: a plugin stream or an audit.log, RAW or
 *           ENRICHED (fed to libauparse as it is, AUSOURCE_FILE)
 *   OURS    the JSON lines audisp-ecs wrote for STREAM (resolve_ids = yes)
 *   -t PCT  the per-event agreement required (default 98): an event agrees
 *           when every compared field agrees
 *   -n NAME the name printed in the report (default: STREAM's file name)
 *   -a      list every disagreement group (default: the 40 largest)
 *   -x      do not exclude the documented divergences (see below)
 *   -v      print every disagreeing event
 *   -d      print libauparse's values of every event, one line each
 *           (serial,kind,actor1,actor2,action,object1,object2,type,how; a
 *           check of this tool against `ausearch --format csv`), and exit
 * Exit status: 0 the threshold is met, 1 it is not, 2 usage or I/O error.
 *
 * For every event libauparse reads, auparse_normalize(au, NORM_OPT_NO_ATTRS)
 * is called and each value is read as ausearch's text_event()/csv_event()
 * read it: the auparse_normalize_subject_primary/_secondary,
 * _object_primary/_secondary positioning calls followed by
 * auparse_interpret_field() (names for ids, decoded strings), and the
 * auparse_normalize_get_action, _object_kind, _how and _get_event_kind
 * strings (the normalizer is called before the tool reads anything else of
 * the event: reading the records moves libauparse's cursors, and its
 * normalizer depends on them). The event is matched to our document by
 * (node, serial, time stamp to the millisecond), and when several documents
 * share that key, by our message_type among the event's record types. These
 * fields are compared:
 *
 *   event_kind        auditd.event_kind
 *   action            auditd.summary.action
 *   actor.primary     auditd.summary.actor.primary
 *   actor.secondary   auditd.summary.actor.secondary
 *   object.primary    auditd.summary.object.primary
 *   object.secondary  auditd.summary.object.secondary
 *   object.type       auditd.summary.object.type
 *   how               auditd.summary.how
 *
 * What "agree" means where the representations differ legitimately:
 *   - a value libauparse leaves unset and a key we omit agree (both absent);
 *   - libauparse's "?", "(null)" and "" (a field present with no value, as
 *     auditd writes addr=? or hostname=?) count as absent: we omit a key
 *     rather than write a placeholder;
 *   - object kind "unknown" (libauparse always answers one) agrees with an
 *     absent auditd.summary.object.type;
 *   - an unset login uid is compared as libauparse interprets it ("unset");
 *     ausearch's text and csv output print "system" in its place, a display
 *     choice of ausearch, not of the normalizer;
 *   - values are compared unescaped (AUPARSE_ESC_RAW): escaping is a matter
 *     of presentation (ours is JSON's);
 *   - an id without a name: libauparse writes "unknown(1001)" (an id above
 *     2^31 as a negative int, "unknown(-2500001)"), we write the id, "1001";
 *   - a socket address: libauparse's object is the interpreted sockaddr,
 *     "{ saddr_fam=inet laddr=127.0.0.1 lport=43228 }"; ours is its address
 *     (or the unix socket's path) as the primary and its port as the
 *     secondary object, go-libaudit's layout. The structure is split into
 *     those two parts before the comparison (a family without an address,
 *     netlink, leaves both absent);
 *   - a lone AVC record: libauparse names its object (tcontext) only under
 *     NORM_OPT_ALL ("it messes up text format otherwise", normalize.c);
 *     for a single-record AVC event the object is read under NORM_OPT_ALL;
 *   - names that differ only by spelling are compared through the vocabulary
 *     table below (go-libaudit's "filesystem" is libauparse's "file-system");
 *   - a disagreement that plugin/NORMALIZATION.md lists under "Divergences
 *     from libauparse" (a deliberate choice, with its reason) is excluded
 *     by the divergence table below, by name: it is counted apart, printed,
 *     and -x turns the exclusion off.
 * Events only one side has count as disagreeing events, except the parts of
 * an event libauparse cuts in two that we keep whole (divergence
 * "libauparse-split", counted apart). libauparse events without a time
 * stamp or record type (comment lines in a fixture) are ignored.
 *
 * ausearch --format csv differs from the library itself in two places this
 * tool does not follow: it makes relative PATH names absolute and names a
 * CONFIG_CHANGE object by its field name; both come from ausearch's own
 * copy of the records (-d prints the library's values for a comparison). */
#include <auparse.h>
#include <errno.h>
#include <json-c/json.h>
#include <libaudit.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* --- the compared fields ------------------------------------------------- */

enum fld {
	F_KIND,
	F_ACTION,
	F_ACTOR1,
	F_ACTOR2,
	F_OBJ1,
	F_OBJ2,
	F_OTYPE,
	F_HOW,
	F_COUNT
};

static const char *const fld_name[F_COUNT] = {
	"event_kind", "action", "actor.primary", "actor.secondary",
	"object.primary", "object.secondary", "object.type", "how",
};

/* Where each field is in our document. */
static const char *const fld_path[F_COUNT] = {
	"auditd.event_kind",
	"auditd.summary.action",
	"auditd.summary.actor.primary",
	"auditd.summary.actor.secondary",
	"auditd.summary.object.primary",
	"auditd.summary.object.secondary",
	"auditd.summary.object.type",
	"auditd.summary.how",
};

/* --- vocabulary: the same thing under two names --------------------------- */

struct synonym {
	enum fld field;
	const char *ours, *theirs;
};

/* Names that differ only by spelling. Each pair means the same thing. */
static const struct synonym synonyms[] = {
	/* go-libaudit's object type name for a file system */
	{F_OTYPE, "filesystem", "file-system"},
	/* libauparse's typos (ANOM_LINK, ROLE_REMOVE) */
	{F_ACTION, "used-suspicious-link", "used-suspcious-link"},
	{F_ACTION, "removed-user-role-from", "removed-use-role-from"},
};

/* --- divergences: documented, deliberate disagreements --------------------- */

/* A disagreement excluded by name. Each one is listed, with the same name
 * and reason, in plugin/NORMALIZATION.md, "Divergences from libauparse".
 * An entry matches when the event's group matches one of its patterns (the
 * first record's type, "/syscall" when the event has a SYSCALL record;
 * "*" any, "x*" starting with x, "*x" ending with x), the field is one of
 * its fields, our value and libauparse's match its patterns ("*" any, "-"
 * absent, "+" any present value, "x*" starting with x) and its condition
 * on the event (when) holds. */
struct evinfo {
	const char *group;
	const char *theirs_action; /* libauparse's action, NULL when none */
	const char *ours_action;   /* ours (auditd.summary.action) */
	unsigned nrec;
	bool first_is_syscall, has_syscall, has_execve, has_avc, failed, only_aux, has_acct;
	bool old_login; /* a LOGIN record without old-auid= (before Linux 2.6.3x) */
	bool path_no_nametype;
	char *const *theirs; /* libauparse's values, by enum fld */
};

struct divergence {
	const char *name;
	const char *groups; /* comma-separated patterns */
	unsigned fields;    /* 1 << enum fld */
	const char *ours, *theirs;
	bool (*when)(const struct evinfo *);
	const char *reason;
};

#define FB(f) (1u << (f))
#define F_ACTOR (FB(F_ACTOR1) | FB(F_ACTOR2))
#define F_OBJECT (FB(F_OBJ1) | FB(F_OBJ2) | FB(F_OTYPE))
#define F_ALL ((1u << F_COUNT) - 1)

/* libauparse has no class for the syscall: "triggered-audit-rule" (or an
 * AVC's action), the rule's key as the object, kind admin-defined-rule;
 * ours names what the syscall did */
static bool unclassified(const struct evinfo *e)
{
	const char *k = e->theirs[F_OTYPE];
	return k && !strcmp(k, "admin-defined-rule") && e->ours_action &&
	       strncmp(e->ours_action, "triggered-", 10);
}

/* a PATH record without nametype= (kernels before 2.6.3x) */
static bool path_without_nametype(const struct evinfo *e)
{
	return e->path_no_nametype;
}

/* a syscall event: a failed execve (no EXECVE record), or records not in
 * the kernel's order */
static bool path_by_position(const struct evinfo *e)
{
	return e->has_syscall && ((e->failed && !e->has_execve) || !e->first_is_syscall);
}

/* no acct= with a value: the account is named by id= */
static bool account_by_id(const struct evinfo *e)
{
	return !e->has_acct;
}

static bool avc_after_syscall(const struct evinfo *e)
{
	return e->has_avc && e->first_is_syscall;
}

static bool has_avc(const struct evinfo *e)
{
	return e->has_avc;
}

static bool opened_file(const struct evinfo *e)
{
	return e->ours_action && !strcmp(e->ours_action, "opened-file") && e->theirs_action &&
	       !strcmp(e->theirs_action, "opened-file");
}

static bool old_login(const struct evinfo *e)
{
	return e->old_login;
}

static bool foreign_sockaddr(const struct evinfo *e)
{
	const char *o = e->theirs[F_OBJ1];
	return o && !strncmp(o, "unknown-family(", 15);
}

static bool only_aux(const struct evinfo *e)
{
	return e->only_aux;
}

/* Syscalls we classify (normalizations.json) that libauparse 3.0.9 does not:
 * it answers "triggered-audit-rule" for them (checked one by one with
 * auparse_normalize() on a synthetic x86_64 SYSCALL record). */
#define UNCLASSIFIED_SYSCALLS                                                                      \
	"*/open_by_handle_at,*/memfd_secret,*/pidfd_getfd,*/read,*/pread,*/pread64,*/readv,"         \
	"*/preadv,*/preadv2,*/write,*/pwrite,*/pwrite64,*/writev,*/pwritev,*/pwritev2,"               \
	"*/mount_setattr,*/fsopen,*/fsconfig,*/getxattr,*/lgetxattr,*/fgetxattr,*/listxattr,"         \
	"*/llistxattr,*/flistxattr,*/link,*/linkat,*/listen,*/recvmmsg,*/sendmmsg,*/socket,"          \
	"*/rt_sigqueueinfo,*/rt_tgsigqueueinfo,*/pidfd_send_signal,*/ptrace,*/setgroups,*/capset,"   \
	"*/unshare,*/setns,*/chroot,*/pivot_root,*/exit_group,*/clock_adjtime,*/reboot,"             \
	"*/kexec_load,*/kexec_file_load,*/swapon,*/swapoff"

/* Auxiliary records: they complete a SYSCALL record */
#define AUX_TYPES                                                                                  \
	"PATH,CWD,EXECVE,SOCKADDR,SOCKETCALL,IPC,IPC_SET_PERM,MQ_OPEN,MQ_SENDRECV,MQ_NOTIFY,"        \
	"MQ_GETSETATTR,FD_PAIR,OBJ_PID,BPRM_FCAPS,CAPSET,MMAP,PROCTITLE,KERNEL_OTHER,URINGOP,"      \
	"OPENAT2,EOE"

static const struct divergence divergences[] = {
	/* names libauparse 3.0.9 lacks or chose differently */
	{"unclassified-syscall", UNCLASSIFIED_SYSCALLS, FB(F_ACTION) | F_OBJECT, "*", "*",
	 unclassified, "libauparse 3.0.9 has no class for the syscall"},
	{"go-libaudit-action", "CONFIG_CHANGE*", FB(F_ACTION), "changed-audit-configuration", "*",
	 NULL, "go-libaudit's action; libauparse's is the op= value"},
	{"go-libaudit-action", "*", FB(F_ACTION), "violated-selinux-policy",
	 "accessed-mac-policy-controlled-object", has_avc, "go-libaudit's AVC action"},
	{"go-libaudit-action", "*", FB(F_ACTION), "violated-apparmor-policy",
	 "accessed-mac-policy-controlled-object", has_avc, "go-libaudit's AVC action"},
	{"go-libaudit-action", "USER_AVC", FB(F_ACTION), "access-permission",
	 "accessed-mac-policy-controlled-object", NULL, "go-libaudit's USER_AVC action"},
	{"go-libaudit-action", "USER_ERR", FB(F_ACTION), "error", "caused-account-error", NULL,
	 "go-libaudit's USER_ERR action"},
	{"go-libaudit-action", "SOFTWARE_UPDATE", FB(F_ACTION), "package-updated", "installed-software",
	 NULL, "go-libaudit's SOFTWARE_UPDATE action"},
	{"go-libaudit-action", "USYS_CONFIG", FB(F_ACTION) | FB(F_OBJ1), "*", "*", NULL,
	 "go-libaudit's fixed action; libauparse's is the op= value, ours keeps op as the object"},
	{"go-libaudit-action", "MAC_STATUS*,USER_MAC_STATUS", FB(F_ACTION), "changed-selinux-enforcement",
	 "*", NULL, "go-libaudit's action"},
	{"go-libaudit-action", "ANOM_PROMISCUOUS*", FB(F_ACTION) | FB(F_OBJ2) | FB(F_OTYPE), "*", "*",
	 NULL, "go-libaudit's static action, prom= as the object's secondary, network-device"},
	{"kill", "*/kill,*/tkill,*/tgkill", FB(F_ACTION), "killed-pid", "killed-list-of-pids", NULL,
	 "libauparse counts records, and PROCTITLE makes every kill a list"},
	{"kill", "*/kill,*/tkill,*/tgkill", FB(F_OBJ1) | FB(F_OBJ2), "+", "-", NULL,
	 "ours is the OBJ_PID's pid and comm; libauparse looks for a saddr"},
	{"own-action", "CRYPTO_TEST_USER,CRYPTO_PARAM_CHANGE_USER,CRYPTO_FAILURE_USER,"
	 "CRYPTO_REPLAY_USER,CRYPTO_IKE_SA,CRYPTO_IPSEC_SA,NETFILTER_PKT,INTEGRITY_*,RESP_*,"
	 "ANOM_LOGIN_ROOT,ANOM_ORIGIN_FAILURES,ANOM_SESSION,DEV_ALLOC,DEV_DEALLOC,"
	 "USER_LABELED_EXPORT,USER_UNLABELED_EXPORT,APPARMOR*,MAC_CIPSOV4_*,MAC_IPSEC_*,"
	 "MAC_UNLBL_STC*,MAC_CALIPSO_*",
	 FB(F_ACTION), "+", "-", NULL, "libauparse has no action for the record type"},
	/* layouts */
	{"user-session-layout", "USER_START,USER_END,USER_ERR,USER_LOGIN,USER_LOGOUT,GRP_AUTH",
	 F_ACTOR | FB(F_OBJ2), "*", "*", NULL,
	 "go-libaudit's layout (acct as the actor's secondary, feeding user.effective)"},
	{"path-without-nametype", "*", F_OBJECT, "*", "*", path_without_nametype,
	 "a PATH without nametype= (kernels before 2.6.3x): libauparse takes none as the object"},
	{"event-kind", "*", FB(F_KIND), "mac-decision", "audit-rule", avc_after_syscall,
	 "the AVC names the event wherever it is; libauparse goes by the first record"},
	{"event-kind", "USER", FB(F_KIND), "user-space", "unknown", NULL,
	 "libauparse 3.0.9 has no kind for the record type"},
	{"event-kind", "DAC_CHECK,MAC_CHECK,APPARMOR_KILL,KERNEL_OTHER,PROCTITLE*,URINGOP*,OPENAT2*,"
	 "KERN_MODULE*", FB(F_KIND), "+", "*", NULL,
	 "libauparse 3.0.9 has no kind for the record type"},
	{"account-by-id", "USER_AUTH,USER_ACCT,CRED_ACQ,CRED_DISP,CRED_REFR,USER_CHAUTHTOK,GRP_CHAUTHTOK",
	 FB(F_OBJ1), "+", "-", account_by_id,
	 "the account given as id= (no acct=): ours names it, as go-libaudit (user.effective, "
	 "user.target); libauparse looks for acct only"},
	{"path-by-position", "*", FB(F_OBJ1) | FB(F_OBJ2), "+", "-", path_by_position,
	 "libauparse picks the PATH by record position"},
	{"opened-file-kind", "*", FB(F_OTYPE), "+", "file", opened_file,
	 "libauparse overwrites the open family's object kind with file"},
	{"orphan-aux-record", AUX_TYPES, F_ALL, "+", "-", only_aux,
	 "an event of auxiliary records only (its SYSCALL lost): libauparse has nothing to say"},
	{"old-login-format", "LOGIN*", FB(F_ACTOR1) | FB(F_OBJ1), "*", "*", old_login,
	 "LOGIN of an old kernel (\"old auid=… new auid=…\"): libauparse reads auid= of the "
	 "old one as the new, and no old-auid"},
	{"login-how", "LOGIN", FB(F_HOW), "+", "-", NULL,
	 "libauparse has no how for LOGIN (\"currently missing\"); ours is the program"},
	{"tty-keystrokes", "TTY,USER_TTY", FB(F_OBJ1), "*", "*", NULL,
	 "ours is the bytes typed, libauparse's a rendering with key names"},
	{"foreign-sockaddr", "*", FB(F_OBJ1) | FB(F_OBJ2), "+", "*", foreign_sockaddr,
	 "a sockaddr of a machine of the other byte order: libauparse reads its family in ours"},
	{NULL, NULL, 0, NULL, NULL, NULL, NULL},
};

/* --- small helpers ------------------------------------------------------- */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("auparse-diff: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		die("out of memory");
	return p;
}

/* A libauparse value as we compare it: NULL when absent. */
static char *norm_value(const char *s)
{
	if (!s || !*s || !strcmp(s, "?") || !strcmp(s, "(null)"))
		return NULL;
	return xstrdup(s);
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* --- our documents --------------------------------------------------------- */

struct doc {
	unsigned long serial;
	int64_t sec;
	unsigned ms;
	char *node;   /* NULL when none */
	char *val[F_COUNT];
	char *msgtype;
	bool matched;
};

static struct doc *docs;
static size_t ndocs;

static const char *json_path_str(struct json_object *o, const char *path)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *save = NULL, *k = strtok_r(buf, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
		if (!o || !json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, k, &o))
			return NULL;
	}
	return o && json_object_is_type(o, json_type_string) ? json_object_get_string(o) : NULL;
}

static int cmp_doc(const void *a, const void *b)
{
	const struct doc *x = a, *y = b;
	if (x->serial != y->serial)
		return x->serial < y->serial ? -1 : 1;
	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->ms != y->ms)
		return x->ms < y->ms ? -1 : 1;
	return strcmp(x->node ? x->node : "", y->node ? y->node : "");
}

static void load_docs(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: %s", path, strerror(errno));
	size_t cap = 0, lineno = 0;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t n;
	while ((n = getline(&line, &lcap, f)) > 0) {
		lineno++;
		struct json_object *o = json_tokener_parse(line);
		if (!o)
			die("%s:%zu: not a JSON document", path, lineno);
		if (ndocs == cap) {
			cap = cap ? cap * 2 : 1024;
			docs = realloc(docs, cap * sizeof(*docs));
			if (!docs)
				die("out of memory");
		}
		struct doc *d = &docs[ndocs++];
		memset(d, 0, sizeof(*d));
		struct json_object *a, *seq;
		if (!json_object_object_get_ex(o, "auditd", &a) ||
		    !json_object_object_get_ex(a, "sequence", &seq))
			die("%s:%zu: no auditd.sequence", path, lineno);
		d->serial = (unsigned long)json_object_get_int64(seq);
		const char *ts = json_path_str(o, "@timestamp");
		struct tm tm;
		memset(&tm, 0, sizeof(tm));
		const char *rest = ts ? strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
		if (!rest || rest[0] != '.')
			die("%s:%zu: bad @timestamp", path, lineno);
		d->sec = (int64_t)timegm(&tm);
		d->ms = (unsigned)strtoul(rest + 1, NULL, 10);
		const char *node = json_path_str(o, "host.name");
		d->node = node ? xstrdup(node) : NULL;
		for (int i = 0; i < F_COUNT; i++) {
			const char *v = json_path_str(o, fld_path[i]);
			d->val[i] = v ? xstrdup(v) : NULL;
		}
		const char *mt = json_path_str(o, "auditd.message_type");
		d->msgtype = xstrdup(mt ? mt : "?");
		json_object_put(o);
	}
	free(line);
	fclose(f);
	if (ndocs)
		qsort(docs, ndocs, sizeof(*docs), cmp_doc);
}

/* Our document for a libauparse event: same (serial, time, node); when
 * several have that key (a record written apart, a split event), the one
 * whose message_type is one of the event's record types. */
static struct doc *find_doc(unsigned long serial, int64_t sec, unsigned ms, const char *node,
			    const char *types)
{
	struct doc key = {.serial = serial, .sec = sec, .ms = ms, .node = (char *)node};
	size_t lo = 0, hi = ndocs;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cmp_doc(&docs[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	struct doc *any = NULL;
	for (size_t i = lo; i < ndocs && !cmp_doc(&docs[i], &key); i++) {
		if (docs[i].matched)
			continue;
		char t[80];
		snprintf(t, sizeof(t), " %s ", docs[i].msgtype);
		if (strcasestr(types, t))
			return &docs[i];
		if (!any)
			any = &docs[i];
	}
	return any;
}

/* Whether our documents hold an event with that key (matched or not). */
static bool have_key(unsigned long serial, int64_t sec, unsigned ms, const char *node)
{
	for (size_t i = 0; i < ndocs; i++)
		if (docs[i].serial == serial && docs[i].sec == sec && docs[i].ms == ms &&
		    !strcmp(docs[i].node ? docs[i].node : "", node ? node : ""))
			return true;
	return false;
}

/* --- libauparse's answer ---------------------------------------------------- */

struct theirs {
	char *val[F_COUNT];
	char group[96];
	struct evinfo info;
	unsigned long serial;
	int64_t sec;
	unsigned ms;
	char *node;
	char types[256]; /* " syscall avc ... ": its record types, lower case */
	struct doc *doc;
};

static char *positioned(auparse_state_t *au, int (*pos)(auparse_state_t *))
{
	if (pos(au) != 1)
		return NULL;
	return norm_value(auparse_interpret_field(au));
}

static void split_sockaddr(struct theirs *t);

/* The raw value of the field of the current record (only) with that name,
 * the cursor on it; NULL when the record has none. */
static const char *record_field_str(auparse_state_t *au, const char *name)
{
	if (auparse_first_field(au) != 1)
		return NULL;
	do {
		const char *n = auparse_get_field_name(au);
		if (n && !strcmp(n, name))
			return auparse_get_field_str(au);
	} while (auparse_next_field(au) == 1);
	return NULL;
}
static bool group_match(const char *pats, const char *group);

/* What libauparse says of the current event, then (after, as reading the
 * records moves libauparse's cursors, which its normalizer depends on)
 * what the tool needs to know of the event. */
static void normalize_event(auparse_state_t *au, struct theirs *t)
{
	memset(t, 0, sizeof(*t));
	t->info.group = t->group;
	t->info.theirs = t->val;

	const au_event_t *ev = auparse_get_timestamp(au);
	if (ev) {
		t->serial = ev->serial;
		t->sec = (int64_t)ev->sec;
		t->ms = ev->milli;
		t->node = ev->host ? xstrdup(ev->host) : NULL;
	}
	const char *first = auparse_get_type_name(au);
	int first_type = auparse_get_type(au);
	snprintf(t->group, sizeof(t->group), "%s", first ? first : "?");
	t->info.nrec = auparse_get_num_records(au);
	t->info.first_is_syscall = first_type == AUDIT_SYSCALL;

	/* the normalizer, as ausearch's text_event() calls it */
	if (auparse_normalize(au, NORM_OPT_NO_ATTRS) == 0) {
		const char *s = auparse_normalize_get_event_kind(au);
		t->val[F_KIND] = norm_value(s);
		s = auparse_normalize_get_action(au);
		t->val[F_ACTION] = norm_value(s);
		t->val[F_ACTOR1] = positioned(au, auparse_normalize_subject_primary);
		t->val[F_ACTOR2] = positioned(au, auparse_normalize_subject_secondary);
		t->val[F_OBJ1] = positioned(au, auparse_normalize_object_primary);
		t->val[F_OBJ2] = positioned(au, auparse_normalize_object_secondary);
		s = auparse_normalize_object_kind(au);
		t->val[F_OTYPE] = s && strcmp(s, "unknown") ? norm_value(s) : NULL;
		t->val[F_HOW] = norm_value(auparse_normalize_how(au));
		split_sockaddr(t);

		/* a lone AVC: its object as NORM_OPT_ALL names it */
		if (first_type == AUDIT_AVC && t->info.nrec == 1 && !t->val[F_OBJ1] &&
		    auparse_normalize(au, NORM_OPT_ALL) == 0)
			t->val[F_OBJ1] = positioned(au, auparse_normalize_object_primary);
	}
	t->info.theirs_action = t->val[F_ACTION];

	/* the event's records: the group (the first record's type and the
	 * syscall's name) and the facts the divergences look at */
	t->info.only_aux = true;
	bool sc = false;
	auparse_first_record(au);
	do {
		int type = auparse_get_type(au);
		const char *tn = auparse_get_type_name(au);
		t->info.only_aux &= tn && group_match(AUX_TYPES, tn);
		size_t tl = strlen(t->types);
		snprintf(t->types + tl, sizeof(t->types) - tl, " %s", tn ? tn : "?");
		t->info.has_syscall |= type == AUDIT_SYSCALL;
		t->info.has_execve |= type == AUDIT_EXECVE;
		t->info.has_avc |= type == AUDIT_AVC;
		if (type == AUDIT_PATH && !record_field_str(au, "nametype"))
			t->info.path_no_nametype = true;
		if (type == AUDIT_LOGIN && !record_field_str(au, "old-auid") &&
		    !record_field_str(au, "old_auid"))
			t->info.old_login = true;
		const char *acct = record_field_str(au, "acct");
		if (acct && *acct && strcmp(acct, "?") && strcmp(acct, "\"?\""))
			t->info.has_acct = true;
		if (type == AUDIT_SYSCALL && !sc) {
			sc = true;
			const char *v = record_field_str(au, "success");
			t->info.failed = v && !strcmp(v, "no");
			if (record_field_str(au, "syscall")) {
				const char *name = auparse_interpret_field(au);
				size_t l = strlen(t->group);
				snprintf(t->group + l, sizeof(t->group) - l, "/%s", name ? name : "?");
			}
		}
	} while (auparse_next_record(au) == 1);
	auparse_first_record(au);
}

/* --- comparison --------------------------------------------------------------- */

static bool synonym(enum fld f, const char *ours, const char *theirs)
{
	if (!ours || !theirs)
		return false;
	for (size_t i = 0; i < sizeof(synonyms) / sizeof(*synonyms); i++)
		if (synonyms[i].field == f && !strcmp(synonyms[i].ours, ours) &&
		    !strcmp(synonyms[i].theirs, theirs))
			return true;
	return false;
}

/* "*" any, "-" absent, "+" present, "x*" starting with x, else equal */
static bool pat_match(const char *pat, const char *v)
{
	size_t n = strlen(pat);
	if (!strcmp(pat, "*"))
		return true;
	if (!strcmp(pat, "-"))
		return v == NULL;
	if (!strcmp(pat, "+"))
		return v != NULL;
	if (n > 1 && pat[n - 1] == '*')
		return v && !strncmp(pat, v, n - 1);
	return v && !strcmp(pat, v);
}

/* One of the comma-separated patterns: "*" any, "*x" ending with x,
 * "x*" starting with x, else equal. */
static bool group_match(const char *pats, const char *group)
{
	size_t glen = strlen(group);
	for (const char *p = pats; *p;) {
		size_t n = strcspn(p, ",");
		bool ok;
		if (n == 1 && p[0] == '*')
			ok = true;
		else if (n > 1 && p[0] == '*')
			ok = glen >= n - 1 && !strncmp(group + glen - (n - 1), p + 1, n - 1);
		else if (n > 1 && p[n - 1] == '*')
			ok = !strncmp(p, group, n - 1);
		else
			ok = glen == n && !strncmp(p, group, n);
		if (ok)
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

static const struct divergence *divergence_for(const struct evinfo *e, enum fld f,
					       const char *ours, const char *theirs)
{
	for (const struct divergence *d = divergences; d->name; d++)
		if ((d->fields & FB(f)) && group_match(d->groups, e->group) &&
		    pat_match(d->ours, ours) && pat_match(d->theirs, theirs) && (!d->when || d->when(e)))
			return d;
	return NULL;
}

/* "unknown(1001)": libauparse's name for an id without one (an id above
 * 2^31 is printed as a negative int: "unknown(-2500001)"). */
static bool unknown_id(const char *ours, const char *theirs)
{
	char *end;
	if (!ours || !theirs || strncmp(theirs, "unknown(", 8) || !*ours ||
	    strspn(ours, "0123456789") != strlen(ours))
		return false;
	errno = 0;
	long long t = strtoll(theirs + 8, &end, 10);
	if (errno || strcmp(end, ")"))
		return false;
	if (t < 0)
		t += 4294967296LL;
	return (unsigned long long)t == strtoull(ours, NULL, 10);
}

/* The value of "name=" in an interpreted sockaddr "{ saddr_fam=inet
 * laddr=127.0.0.1 lport=43228 }", or NULL. */
static char *sockaddr_part(const char *sa, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = sa; (p = strstr(p, name)); p += n) {
		if (p[-1] != ' ')
			continue;
		p += n;
		size_t len = strcspn(p, " }");
		char *v = strndup(p, len);
		if (!v)
			die("out of memory");
		return v;
	}
	return NULL;
}

/* libauparse's socket object as ours: address (or path) and port. */
static void split_sockaddr(struct theirs *t)
{
	const char *sa = t->val[F_OBJ1];
	if (!sa || strncmp(sa, "{ ", 2) || !strstr(sa, "fam=") || t->val[F_OBJ2])
		return;
	char *addr = sockaddr_part(sa, "laddr=");
	if (!addr)
		addr = sockaddr_part(sa, "path=");
	char *port = sockaddr_part(sa, "lport=");
	free(t->val[F_OBJ1]);
	t->val[F_OBJ1] = addr;
	t->val[F_OBJ2] = port;
}

/* A disagreement group: (event group, field, ours, theirs). */
struct dgroup {
	char *group;
	enum fld field;
	char *ours, *theirs;
	unsigned long count, example;
	const struct divergence *div;
};

static struct dgroup *dgroups;
static size_t ndgroups, capdgroups;

static void note_disagreement(const char *group, enum fld f, const char *ours, const char *theirs,
			      unsigned long serial, const struct divergence *div)
{
	for (size_t i = 0; i < ndgroups; i++) {
		struct dgroup *g = &dgroups[i];
		if (g->field == f && !strcmp(g->group, group) && same(g->ours, ours) &&
		    same(g->theirs, theirs)) {
			g->count++;
			return;
		}
	}
	if (ndgroups == capdgroups) {
		capdgroups = capdgroups ? capdgroups * 2 : 64;
		dgroups = realloc(dgroups, capdgroups * sizeof(*dgroups));
		if (!dgroups)
			die("out of memory");
	}
	dgroups[ndgroups++] = (struct dgroup){xstrdup(group), f, ours ? xstrdup(ours) : NULL,
					      theirs ? xstrdup(theirs) : NULL, 1, serial, div};
}

static int cmp_dgroup(const void *a, const void *b)
{
	const struct dgroup *x = a, *y = b;
	if ((x->div != NULL) != (y->div != NULL))
		return x->div ? 1 : -1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	int c = strcmp(x->group, y->group);
	return c ? c : (int)x->field - (int)y->field;
}

/* Disagreements counted by (event group, field) only, largest first. */
static void print_by_field(void)
{
	struct bf {
		const char *group;
		int field;
		unsigned long count, excluded;
	} *t = calloc(ndgroups, sizeof(*t));
	size_t n = 0;
	if (!t)
		die("out of memory");
	for (size_t i = 0; i < ndgroups; i++) {
		size_t k;
		for (k = 0; k < n; k++)
			if (t[k].field == (int)dgroups[i].field && !strcmp(t[k].group, dgroups[i].group))
				break;
		if (k == n)
			t[n++] = (struct bf){dgroups[i].group, (int)dgroups[i].field, 0, 0};
		if (dgroups[i].div)
			t[k].excluded += dgroups[i].count;
		else
			t[k].count += dgroups[i].count;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && t[k].count > t[k - 1].count; k--) {
			struct bf x = t[k];
			t[k] = t[k - 1];
			t[k - 1] = x;
		}
	printf("disagreements by event and field (count; excluded as documented divergences):\n");
	for (size_t i = 0; i < n; i++) {
		printf("  %5lu  %-28s %s", t[i].count, t[i].group,
		       t[i].field == F_COUNT ? "event" : fld_name[t[i].field]);
		if (t[i].excluded)
			printf("  (+%lu excluded)", t[i].excluded);
		putchar('\n');
	}
	free(t);
}

static void print_value(const char *v)
{
	if (!v) {
		fputs("(absent)", stdout);
		return;
	}
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	putchar('"');
}

/* Events each divergence was used for. */
static struct {
	const char *name;
	unsigned long n;
} divcount[64];
static size_t ndivcount;

static void count_divergence(const char *name)
{
	for (size_t i = 0; i < ndivcount; i++)
		if (!strcmp(divcount[i].name, name)) {
			divcount[i].n++;
			return;
		}
	if (ndivcount < sizeof(divcount) / sizeof(*divcount))
		divcount[ndivcount++] = (typeof(divcount[0])){name, 1};
}

static const struct divergence split_divergence = {
	"libauparse-split", "*", 0, "*", "*", NULL,
	"libauparse cuts the event in two (after a PROCTITLE or a LOGIN record); ours keeps "
	"one event per serial"};

int main(int argc, char **argv)
{
	double threshold = 98.0;
	const char *name = NULL;
	bool all = false, no_excl = false, verbose = false, dump = false;
	int opt;

	while ((opt = getopt(argc, argv, "t:n:axvd")) != -1) {
		switch (opt) {
		case 't': threshold = strtod(optarg, NULL); break;
		case 'n': name = optarg; break;
		case 'a': all = true; break;
		case 'x': no_excl = true; break;
		case 'v': verbose = true; break;
		case 'd': dump = true; break;
		default:
			fprintf(stderr, "usage: auparse-diff [-t PCT] [-n NAME] [-a] [-x] [-v] [-d] STREAM OURS\n");
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: auparse-diff [-t PCT] [-n NAME] [-a] [-x] [-v] [-d] STREAM OURS\n");
		return 2;
	}
	const char *stream = argv[optind], *ours = argv[optind + 1];
	if (!name) {
		name = strrchr(stream, '/');
		name = name ? name + 1 : stream;
	}

	load_docs(ours);

	auparse_state_t *au = auparse_init(AUSOURCE_FILE, stream);
	if (!au)
		die("%s: %s", stream, strerror(errno));
	auparse_set_escape_mode(au, AUPARSE_ESC_RAW);
	struct theirs *ev = NULL;
	size_t nev = 0, capev = 0;
	unsigned long n_junk = 0;
	while (auparse_next_event(au) > 0) {
		const au_event_t *e = auparse_get_timestamp(au);
		if (!e || (!e->serial && !e->sec) || !auparse_get_type_name(au)) {
			n_junk++; /* lines that are not audit records (comments) */
			continue;
		}
		if (nev == capev) {
			capev = capev ? capev * 2 : 1024;
			ev = realloc(ev, capev * sizeof(*ev));
			if (!ev)
				die("out of memory");
		}
		normalize_event(au, &ev[nev]);
		size_t tl = strlen(ev[nev].types);
		snprintf(ev[nev].types + tl, sizeof(ev[nev].types) - tl, " ");
		nev++;
	}
	auparse_destroy(au);

	if (dump) {
		static const int order[] = {F_KIND, F_ACTOR1, F_ACTOR2, F_ACTION, F_OBJ1, F_OBJ2, F_OTYPE, F_HOW};
		for (size_t i = 0; i < nev; i++) {
			printf("%lu", ev[i].serial);
			for (size_t k = 0; k < sizeof(order) / sizeof(*order); k++)
				printf(",%s", ev[i].val[order[k]] ? ev[i].val[order[k]] : "");
			putchar('\n');
		}
		return 0;
	}

	/* first the events whose record types name one of ours, then the rest */
	for (size_t i = 0; i < nev; i++) {
		struct theirs *t = &ev[i];
		struct doc *d = find_doc(t->serial, t->sec, t->ms, t->node, t->types);
		if (d) {
			char tt[80];
			snprintf(tt, sizeof(tt), " %s ", d->msgtype);
			if (strcasestr(t->types, tt)) {
				t->doc = d;
				d->matched = true;
			}
		}
	}
	for (size_t i = 0; i < nev; i++) {
		struct theirs *t = &ev[i];
		if (!t->doc && (t->doc = find_doc(t->serial, t->sec, t->ms, t->node, t->types)))
			t->doc->matched = true;
	}

	unsigned long n_theirs = nev, n_matched = 0, n_only_theirs = 0, n_agree = 0, n_excluded = 0;
	unsigned long n_split = 0;
	unsigned long fld_agree[F_COUNT] = {0}, fld_excl[F_COUNT] = {0};

	for (size_t k = 0; k < nev; k++) {
		struct theirs *tp = &ev[k];
		struct theirs t = *tp;
		struct doc *d = t.doc;
		if (!d && have_key(t.serial, t.sec, t.ms, t.node)) {
			/* libauparse ends an event at its PROCTITLE record: the
			 * records after it (out of the kernel's order) make a
			 * second event with the serial of one of ours */
			n_split++;
			note_disagreement(t.group, F_COUNT, "(part of the event)", "(split)", t.serial,
					  no_excl ? NULL : &split_divergence);
			if (no_excl)
				n_only_theirs++;
			continue;
		}
		if (!d) {
			n_only_theirs++;
			note_disagreement(t.group, F_COUNT, NULL, "(no document)", t.serial, NULL);
			if (verbose)
				printf("only libauparse: %s serial %lu\n", t.group, t.serial);
			continue;
		}
		n_matched++;
		t.info.ours_action = d->val[F_ACTION];
		t.info.theirs = tp->val;
		t.info.group = tp->group;
		bool agree = true, excluded = false;
		const char *used[F_COUNT];
		size_t nused = 0;
		for (int i = 0; i < F_COUNT; i++) {
			const char *o = d->val[i], *th = t.val[i];
			if (same(o, th) || synonym(i, o, th) || unknown_id(o, th)) {
				fld_agree[i]++;
				continue;
			}
			const struct divergence *div = no_excl ? NULL : divergence_for(&t.info, i, o, th);
			note_disagreement(t.group, i, o, th, t.serial, div);
			if (div) {
				fld_agree[i]++;
				fld_excl[i]++;
				excluded = true;
				bool seen = false;
				for (size_t u = 0; u < nused; u++)
					seen |= !strcmp(used[u], div->name);
				if (!seen)
					used[nused++] = div->name;
				continue;
			}
			agree = false;
			if (verbose) {
				printf("serial %lu %s %s: ours ", t.serial, t.group, fld_name[i]);
				print_value(o);
				fputs(" libauparse ", stdout);
				print_value(th);
				putchar('\n');
			}
		}
		if (agree)
			n_agree++;
		if (agree && excluded)
			n_excluded++;
		for (size_t u = 0; u < nused; u++)
			count_divergence(used[u]);
	}
	for (size_t k = 0; k < nev; k++) {
		for (int i = 0; i < F_COUNT; i++)
			free(ev[k].val[i]);
		free(ev[k].node);
	}
	free(ev);

	unsigned long n_only_ours = 0;
	for (size_t i = 0; i < ndocs; i++)
		if (!docs[i].matched) {
			n_only_ours++;
			char g[80];
			snprintf(g, sizeof(g), "ours:%s", docs[i].msgtype);
			note_disagreement(g, F_COUNT, "(no libauparse event)", NULL, docs[i].serial, NULL);
		}

	unsigned long total = n_matched + n_only_theirs + n_only_ours;
	double pct = total ? 100.0 * (double)n_agree / (double)total : 100.0;
	bool pass = pct + 1e-9 >= threshold;

	printf("== %s\n", name);
	printf("events: libauparse %lu, ours %zu, matched %lu, only libauparse %lu, only ours %lu\n",
	       n_theirs, ndocs, n_matched, n_only_theirs, n_only_ours);
	for (int i = 0; i < F_COUNT; i++) {
		printf("  %-17s %6lu/%-6lu %7.2f%%", fld_name[i], fld_agree[i], n_matched,
		       n_matched ? 100.0 * (double)fld_agree[i] / (double)n_matched : 100.0);
		if (fld_excl[i])
			printf("  (%lu by a documented divergence)", fld_excl[i]);
		putchar('\n');
	}
	printf("all fields agree: %lu/%lu events = %.2f%% (threshold %.2f%%): %s\n", n_agree, total,
	       pct, threshold, pass ? "PASS" : "FAIL");
	if (n_excluded)
		printf("  of which %lu agree only through a documented divergence\n", n_excluded);
	for (size_t i = 0; i < ndivcount; i++)
		printf("  divergence %-22s %lu event(s)\n", divcount[i].name, divcount[i].n);
	if (n_split)
		printf("  libauparse split %lu event(s) we keep whole (divergence libauparse-split)\n",
		       n_split);
	if (!total)
		printf("  (no event in the stream)\n");
	if (n_junk)
		printf("  (%lu libauparse event(s) without a time stamp or type, not audit records, ignored)\n",
		       n_junk);

	if (ndgroups) {
		qsort(dgroups, ndgroups, sizeof(*dgroups), cmp_dgroup);
		print_by_field();
		printf("disagreements (count, event, field, ours, libauparse, example serial):\n");
		size_t shown = 0;
		for (size_t i = 0; i < ndgroups; i++) {
			const struct dgroup *g = &dgroups[i];
			if (!all && !g->div && shown >= 40)
				continue;
			if (!g->div)
				shown++;
			printf("  %5lu  %-28s %-16s ", g->count, g->group,
			       g->field == F_COUNT ? "event" : fld_name[g->field]);
			print_value(g->ours);
			fputs("  ", stdout);
			print_value(g->theirs);
			printf("  #%lu", g->example);
			if (g->div)
				printf("  [divergence: %s]", g->div->name);
			putchar('\n');
		}
		if (!all && shown < ndgroups) {
			size_t hidden = 0;
			for (size_t i = 0; i < ndgroups; i++)
				hidden += !dgroups[i].div;
			if (hidden > shown)
				printf("  ... %zu more groups (-a lists them all)\n", hidden - shown);
		}
	}

	for (size_t i = 0; i < ndocs; i++) {
		free(docs[i].node);
		free(docs[i].msgtype);
		for (int k = 0; k < F_COUNT; k++)
			free(docs[i].val[k]);
	}
	free(docs);
	for (size_t i = 0; i < ndgroups; i++) {
		free(dgroups[i].group);
		free(dgroups[i].ours);
		free(dgroups[i].theirs);
	}
	free(dgroups);
	return pass ? 0 : 1;
}
