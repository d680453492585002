/* golden-diff: compares the daemon's documents with other projects' golden
 * outputs, field by field, independently of the daemon's code (only json-c
 * is shared with it).
 *
 * Two kinds of fixture under DATA (tests/data):
 *
 *  go-libaudit/aucoalesce/NAME.yaml + NAME.json.golden
 *      elastic/go-libaudit's aucoalesce test events: the yaml holds raw
 *      records under "tests:", one block scalar per test name; the golden
 *      file holds, per test name, go-libaudit's normalized event (ids not
 *      resolved). The records of every test are written to one stream, the
 *      daemon runs on it with resolve_ids = no, and each golden event is
 *      matched to the document with the same sequence and @timestamp.
 *      Golden fields are compared through the table go_map[] below.
 *
 *  auditbeat/NAME.log + NAME.log-expected.json
 *      Auditbeat's auditd module test logs and the documents it expects. Its
 *      harness resolves ids with a fixed table (vagrant=1000, alice=1001,
 *      ...); here the same table is given to the daemon the way auditd
 *      gives names to a plugin: every id field of a record gets its
 *      ENRICHED twin after a 0x1D byte (UID="vagrant"), and the daemon runs
 *      with resolve_ids = yes and include_raw = yes, as Auditbeat's test
 *      does. Documents are matched by auditd.sequence; expected fields keep
 *      their path except those in ab_map[]. The other *.log files there have
 *      no expected documents and are not used.
 *
 * Every field of a golden event (every leaf of its JSON; an array of
 * scalars is one field) is either compared or, for the matching keys only,
 * skipped. A field with no mapping is an error. A differing field must be
 * listed in divergences[] (mirrored in plugin/DIVERGENCES.md), else it is
 * "unexplained". Counts: a compared field is equal or not; an explained
 * difference still counts as not equal. A golden event without a matching
 * document counts all its fields as unexplained differences. A divergence
 * entry no difference used is reported (a note, not a failure).
 *
 * Usage:
 *   golden-diff --daemon PATH --data DIR [-v] [-v] [-k] [--min PERCENT]
 *       compare every fixture; -v prints the explained differences too,
 *       -v -v every comparison; -k keeps the scratch directory
 *   golden-diff --extract FILE.yaml     print the stream made from a yaml
 *   golden-diff --enrich FILE.log       print a log with its ENRICHED names
 *   golden-diff --mapping               print the field mapping tables
 * Exit status: 0 when at least PERCENT (default 95) of the compared fields
 * are equal and every difference is explained; 1 otherwise; 2 on a usage,
 * I/O or fixture error (including a golden field with no mapping). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* The field mapping                                                         */
/* ------------------------------------------------------------------------ */

/* How a golden value is compared with ours. */
enum cmp {
	C_KEY,   /* the matching key: not counted */
	C_STR,   /* scalars as text (a number 42 equals "42") */
	C_SET,   /* arrays as sets of text (ECS categories, tags, related) */
	C_LIST,  /* arrays, in order */
	C_UNSET, /* as C_STR, and golden "unset" equals 4294967295 */
};

/* A golden path pattern: segments separated by '.', "*" matches one key
 * (captured as $1), "name[]" matches name[N] (N reused by "[]" in ours).
 * ours: our path(s), '|' separated, the first present one is compared
 * ("-": nowhere). A path may end in "#N": part N (0..4) of the SELinux
 * label user:role:type:level:category it holds, split as go-libaudit does;
 * or in "#raw": each string cut at 0x1D (what the daemon got before the
 * ENRICHED part this tool added). "@file.obj" is the obj= of the
 * auditd.paths entry our file.* describes (same inode and dev). */
struct map {
	const char *golden;
	const char *ours;
	enum cmp cmp;
};

/* go-libaudit's aucoalesce.Event -> our document. First match wins. */
static const struct map go_map[] = {
	{"@timestamp", NULL, C_KEY},
	{"sequence", NULL, C_KEY},
	{"category", "auditd.event_kind", C_STR},
	{"record_type", "auditd.message_type", C_STR},
	{"result", "auditd.result", C_STR},
	{"session", "auditd.session", C_UNSET},
	{"tags", "tags", C_SET},
	{"summary.action", "event.action", C_STR},
	{"summary.actor.primary", "auditd.summary.actor.primary", C_STR},
	{"summary.actor.secondary", "auditd.summary.actor.secondary", C_STR},
	{"summary.object.primary", "auditd.summary.object.primary", C_STR},
	{"summary.object.secondary", "auditd.summary.object.secondary", C_STR},
	{"summary.object.type", "auditd.summary.object.type", C_STR},
	{"summary.how", "auditd.summary.how", C_STR},
	/* the process's ids: ECS 8.11 process.* names first, then where the
	 * document keeps them (user.*, auditd.user.*, auditd.data) */
	{"user.ids.auid", "auditd.user.audit.id|auditd.data.auid", C_UNSET},
	{"user.ids.old-auid", "auditd.data.old-auid", C_UNSET},
	{"user.ids.uid", "process.real_user.id|auditd.data.uid|user.id", C_STR},
	{"user.ids.euid", "process.user.id|auditd.data.euid|user.effective.id|user.id", C_STR},
	{"user.ids.suid", "process.saved_user.id|auditd.user.saved.id|auditd.data.suid", C_STR},
	{"user.ids.fsuid", "auditd.user.filesystem.id|auditd.data.fsuid", C_STR},
	{"user.ids.gid", "process.real_group.id|auditd.data.gid|user.group.id", C_STR},
	{"user.ids.egid", "auditd.data.egid|user.effective.group.id|user.group.id", C_STR},
	{"user.ids.sgid", "process.saved_group.id|auditd.user.saved.group.id|auditd.data.sgid", C_STR},
	{"user.ids.fsgid", "auditd.user.filesystem.group.id|auditd.data.fsgid", C_STR},
	{"user.selinux.user", "auditd.user.selinux.user|auditd.data.subj#0", C_STR},
	{"user.selinux.role", "auditd.user.selinux.role|auditd.data.subj#1", C_STR},
	{"user.selinux.domain", "auditd.user.selinux.domain|auditd.data.subj#2", C_STR},
	{"user.selinux.level", "auditd.user.selinux.level|auditd.data.subj#3", C_STR},
	{"user.selinux.category", "auditd.user.selinux.category|auditd.data.subj#4", C_STR},
	{"process.pid", "process.pid", C_STR},
	{"process.ppid", "process.parent.pid", C_STR},
	{"process.title", "process.title", C_STR},
	{"process.name", "process.name", C_STR},
	{"process.exe", "process.executable", C_STR},
	{"process.cwd", "process.working_directory", C_STR},
	{"process.args", "process.args", C_LIST},
	{"file.selinux.user", "auditd.file.selinux.user|@file.obj#0", C_STR},
	{"file.selinux.role", "auditd.file.selinux.role|@file.obj#1", C_STR},
	{"file.selinux.domain", "auditd.file.selinux.domain|@file.obj#2", C_STR},
	{"file.selinux.level", "auditd.file.selinux.level|@file.obj#3", C_STR},
	{"file.selinux.category", "auditd.file.selinux.category|@file.obj#4", C_STR},
	{"file.*", "file.$1", C_STR}, /* path device inode mode uid gid owner group */
	{"paths[].obj_user", "auditd.paths[].obj#0", C_STR},
	{"paths[].obj_role", "auditd.paths[].obj#1", C_STR},
	{"paths[].obj_domain", "auditd.paths[].obj#2", C_STR},
	{"paths[].obj_level", "auditd.paths[].obj#3", C_STR},
	{"paths[].obj_category", "auditd.paths[].obj#4", C_STR},
	{"paths[].*", "auditd.paths[].$1", C_STR},
	{"data.socket_addr", "auditd.data.socket.addr", C_STR},
	{"data.socket_family", "auditd.data.socket.family", C_STR},
	{"data.socket_port", "auditd.data.socket.port", C_STR},
	{"data.socket_path", "auditd.data.socket.path", C_STR},
	{"data.argc", "process.args_count", C_STR},
	{"data.uid", "process.real_user.id|auditd.data.uid|user.id", C_STR},
	{"data.gid", "process.real_group.id|auditd.data.gid|user.group.id", C_STR},
	{"data.auid", "auditd.user.audit.id|auditd.data.auid", C_UNSET},
	{"data.fsuid", "auditd.data.fsuid|auditd.user.filesystem.id", C_STR},
	{"data.ses", "auditd.session", C_UNSET},
	{"data.*", "auditd.data.$1", C_STR},
	{"source.*", "source.$1", C_STR},
	{"destination.*", "destination.$1", C_STR},
	{"network.direction", "network.direction", C_STR},
	{"ecs.event.kind", "event.kind", C_STR},
	{"ecs.event.category", "event.category", C_SET},
	{"ecs.event.type", "event.type", C_SET},
	{"ecs.user.id", "user.id", C_STR},
	{"ecs.user.name", "user.name", C_STR},
	{"ecs.user.effective.*", "user.effective.$1", C_STR},
	{"ecs.user.target.*", "user.target.$1", C_STR},
	{"ecs.user.changes.*", "user.changes.$1", C_STR},
	{"ecs.group.*", "group.$1", C_STR},
	{NULL, NULL, C_STR},
};

/* Auditbeat's document -> ours: only where we use an ECS 8.11 name, or keep
 * a non-ECS value under auditd.*, instead of Auditbeat's own name; every
 * other path is compared with the same path in our document (arrays as
 * sets). */
static const struct map ab_map[] = {
	{"auditd.sequence", NULL, C_KEY},
	{"process.ppid", "process.parent.pid", C_STR},
	{"user.audit.*", "auditd.user.audit.$1", C_STR},
	{"user.saved.*", "process.saved_user.$1|auditd.user.saved.$1", C_STR},
	{"user.saved.group.*", "process.saved_group.$1|auditd.user.saved.group.$1", C_STR},
	{"user.filesystem.*", "auditd.user.filesystem.$1", C_STR},
	{"user.filesystem.group.*", "auditd.user.filesystem.group.$1", C_STR},
	{"user.selinux.*", "auditd.user.selinux.$1", C_STR},
	{"file.selinux.*", "auditd.file.selinux.$1", C_STR},
	{"auditd.paths[].obj_user", "auditd.paths[].obj#0", C_STR},
	{"auditd.paths[].obj_role", "auditd.paths[].obj#1", C_STR},
	{"auditd.paths[].obj_domain", "auditd.paths[].obj#2", C_STR},
	{"auditd.paths[].obj_level", "auditd.paths[].obj#3", C_STR},
	{"auditd.paths[].obj_category", "auditd.paths[].obj#4", C_STR},
	/* LOGIN: Auditbeat files the ids it has no ECS place for under user.* */
	{"user.old-auid.id", "auditd.data.old-auid", C_UNSET},
	{"user.old-auid.name", "-", C_STR},
	{"user.old_auid.id", "auditd.data.old_auid|auditd.data.old-auid", C_UNSET},
	{"user.new_auid.id", "auditd.data.new_auid|auditd.user.audit.id", C_UNSET},
	{"user.new_auid.name", "auditd.user.audit.name", C_STR},
	{"auditd.data.old_ses", "auditd.data.old_ses|auditd.data.old-ses", C_STR},
	{"auditd.data.new_ses", "auditd.data.new_ses|auditd.session", C_STR},
	{"process.args", "process.args", C_LIST},
	{"event.original", "event.original#raw", C_LIST},
	{NULL, NULL, C_STR},
};

/* ------------------------------------------------------------------------ */
/* The divergences: the differences we make on purpose, and those that come */
/* from the fixtures themselves. Each reason starts with its section of      */
/* plugin/DIVERGENCES.md. source: "go-libaudit", "auditbeat" or "*"; event:  */
/* the test name (go-libaudit) or the sequence number (auditbeat), or "*"    */
/* (a trailing '*' matches any rest); golden, ours: NULL for any value, or  */
/* the only value (as printed: "(absent)", "\"text\"", ["a","b"]) covered.  */
/* ------------------------------------------------------------------------ */

struct divergence {
	const char *source;
	const char *event;
	const char *path;
	const char *golden; /* NULL: any golden value; else the only one, as printed */
	const char *ours;   /* NULL: any value of ours; else the only one, as printed */
	const char *reason;
	unsigned used;
};

#define ANY NULL
static struct divergence divergences[] = {
	{"go-libaudit", "AUDIT_TIME_ADJNTPVAL *", "tags", "[\"x86_64\"]", "[\"(null)ARCH=x86_64\"]",
	 "F1 the fixture lost the 0x1D byte before its ENRICHED part", 0},
	{"*", "*", "file.device", ANY, ANY,
	 "D1 file.device is the PATH's dev= (the file system), not rdev=", 0},
	{"auditbeat", "263", "file.path", "\"test\"", "\"/home/vagrant/test\"",
	 "D2 file.path is made absolute with the working directory", 0},
	{"go-libaudit", "TIME_INJOFFSET", "category", "\"unknown\"", "\"configuration\"",
	 "D3 auditd.event_kind is libauparse's event kind, not go-libaudit's category", 0},
	{"go-libaudit", "AUDIT_TIME_ADJNTPVAL *", "category", "\"unknown\"", "\"configuration\"",
	 "D3 auditd.event_kind is libauparse's event kind, not go-libaudit's category", 0},
	{"go-libaudit", "LOGIN success", "category", "\"unknown\"", "\"user-login\"",
	 "D3 auditd.event_kind is libauparse's event kind, not go-libaudit's category", 0},
	{"go-libaudit", "CONFIG_CHANGE remove rule", "tags", "[\"container-create\"]", "[\"key=container-create\"]",
	 "D4 tags are the rule keys as the kernel wrote them (go-libaudit cuts key=\"key=net\" to net)", 0},
	{"go-libaudit", "EXECVE", "tags", "[\"user_commands\"]", "[\"key=user_commands\"]",
	 "D4 tags are the rule keys as the kernel wrote them (go-libaudit cuts key=\"key=net\" to net)", 0},
	{"go-libaudit", "accept syscall", "tags", "[\"net\"]", "[\"key=net\"]",
	 "D4 tags are the rule keys as the kernel wrote them (go-libaudit cuts key=\"key=net\" to net)", 0},
	{"go-libaudit", "connect syscall", "tags", "[\"net\"]", "[\"key=net\"]",
	 "D4 tags are the rule keys as the kernel wrote them (go-libaudit cuts key=\"key=net\" to net)", 0},
	{"go-libaudit", "listen syscall", "tags", "[\"net\"]", "[\"key=net\"]",
	 "D4 tags are the rule keys as the kernel wrote them (go-libaudit cuts key=\"key=net\" to net)", 0},
	{"go-libaudit", "changed-system-time", "tags", "[\"time-change\"]", "[\"key=time-change\"]",
	 "D4 tags are the rule keys as the kernel wrote them (go-libaudit cuts key=\"key=net\" to net)", 0},
	{"go-libaudit", "*", "data.socket_family", "\"ipv4\"", "\"inet\"",
	 "D5 auditd.data.socket.family uses libaudit's names (inet, inet6, unix)", 0},
	{"go-libaudit", "*", "data.items", ANY, "(absent)",
	 "D6 items is not kept: the PATH records are auditd.paths", 0},
	{"go-libaudit", "*", "ecs.user.id", "\"unset\"", ANY,
	 "D7 an unset (4294967295) id mapped to user.* leaves user.* the process's uid", 0},
	{"auditbeat", "1414", "related.user", "[\"vagrant\"]", "[\"root\",\"vagrant\"]",
	 "D7 an unset (4294967295) id mapped to user.* leaves user.* the process's uid", 0},
	{"auditbeat", "1414", "auditd.summary.object.primary", "\"1000\"", "\"vagrant\"",
	 "D8 with resolve_ids, every id of the summary is a name (Auditbeat: the actor only)", 0},
	{"auditbeat", "1465", "auditd.summary.object.primary", "\"1001\"", "\"alice\"",
	 "D8 with resolve_ids, every id of the summary is a name (Auditbeat: the actor only)", 0},
	{"auditbeat", "7734", "auditd.summary.object.primary", "\"0\"", "\"root\"",
	 "D8 with resolve_ids, every id of the summary is a name (Auditbeat: the actor only)", 0},
	{"auditbeat", "7734", "auditd.summary.actor.primary", "\"4294967295\"", "\"unset\"",
	 "D9 4294967295 is written \"unset\" in the summary for every id field", 0},
	{"auditbeat", "7734", "auditd.session", "\"\"", "\"1172\"",
	 "D10 the legacy LOGIN format's \"new ses=\" is the session (go-libaudit: none, \"\")", 0},
	{"go-libaudit", "make-device", "summary.object.primary", ANY, "\"/run/systemd/sessions/23.ref\"",
	 "D11 mknod's object is the node made (PATH item 1), not its directory", 0},
	{"go-libaudit", "make-device", "file.path", ANY, "\"/run/systemd/sessions/23.ref\"",
	 "D11 mknod's object is the node made (PATH item 1), not its directory", 0},
	{"go-libaudit", "make-device", "file.inode", ANY, "\"98040\"",
	 "D11 mknod's object is the node made (PATH item 1), not its directory", 0},
	{"go-libaudit", "make-device", "file.mode", ANY, "\"0600\"",
	 "D11 mknod's object is the node made (PATH item 1), not its directory", 0},
	{"go-libaudit", "mount syscall", "summary.object.type", "\"file\"", ANY,
	 "D12 summary.object.type is the rule's, or the object's kind from its mode (go-libaudit: \"file\" for every mode)", 0},
	{"go-libaudit", "make-device", "summary.object.type", "\"file\"", ANY,
	 "D12 summary.object.type is the rule's, or the object's kind from its mode (go-libaudit: \"file\" for every mode)", 0},
	{"auditbeat", "*", "user.old-auid.name", ANY, "(absent)",
	 "D13 the name of old-auid is not written (no ECS field; the summary has it)", 0},
	{"auditbeat", "*", "service.type", "\"auditd\"", "(absent)",
	 "D14 service.type is not written; event.module is auditd", 0},
	{"go-libaudit", "ANOM_ABEND*", "summary.how", "\"11\"", "\"SIGSEGV\"",
	 "D15 a signal is named as libauparse names it (go-libaudit keeps the number)", 0},
	/* D16: the summary follows libauparse's normalizer (the rule for
	 * auditd.summary), where go-libaudit lays it out otherwise */
	{"go-libaudit", "USER_ACCT", "summary.*.*", ANY, ANY,
	 "D16 the summary follows libauparse: actor secondary the uid, object the account", 0},
	{"go-libaudit", "USER_AUTH", "summary.*.*", ANY, ANY,
	 "D16 the summary follows libauparse: actor secondary the uid, object the account", 0},
	{"go-libaudit", "CRED_ACQ", "summary.*.*", ANY, ANY,
	 "D16 the summary follows libauparse: actor secondary the uid, object the account", 0},
	{"go-libaudit", "CRED_DISP", "summary.*.*", ANY, ANY,
	 "D16 the summary follows libauparse: actor secondary the uid, object the account", 0},
	{"go-libaudit", "USER_CHAUTHTOK *", "summary.*.*", ANY, ANY,
	 "D16 the summary follows libauparse: actor secondary the uid, object the account", 0},
	{"go-libaudit", "CONFIG_CHANGE *", "summary.object.primary", ANY, ANY,
	 "D16 the summary follows libauparse: CONFIG_CHANGE's object is the rule key (or the setting)", 0},
	{"go-libaudit", "ANOM_ABEND *", "summary.object.*", ANY, ANY,
	 "D16 the summary follows libauparse: ANOM_ABEND's object is the executable", 0},
	{"go-libaudit", "AVC_AppArmor*", "summary.object.*", ANY, ANY,
	 "D16 the summary follows libauparse: an AVC with its SYSCALL takes the syscall's object", 0},
	{"go-libaudit", "USER_CHAUTHTOK *", "ecs.user.effective.id", ANY, "(absent)",
	 "D17 go-libaudit's uid -> user.effective mapping for password/account changes is not carried: the uid is process.real_user", 0},
	{NULL, NULL, NULL, NULL, NULL, NULL, 0},
};

/* Auditbeat's harness's user and group table (golden_files_test.go). */
static const struct {
	unsigned long id;
	const char *user, *group;
} ab_ids[] = {
	{0, "root", "root"},          {1000, "vagrant", "vagrant"}, {1001, "alice", "alice"},
	{1002, "oldbob", "oldbob"},   {1003, "charlie", "charlie"}, {1004, "testuser", "testgroup"},
	{9999, "bob", "bob"},
};

/* Fields auditd interprets as a user or group id (libauparse's typetab.h)
 * and so writes with their names in ENRICHED format. */
static const char *const uid_fields[] = {"auid", "uid", "euid", "suid", "fsuid", "ouid",
					 "oauid", "old-auid", "iuid", "id", "inode_uid",
					 "sauid", "obj_uid", NULL};
static const char *const gid_fields[] = {"gid", "egid", "sgid", "fsgid", "ogid", "igid",
					 "inode_gid", "new_gid", "obj_gid", NULL};

/* ------------------------------------------------------------------------ */
/* small helpers                                                             */
/* ------------------------------------------------------------------------ */

static int verbose;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("golden-diff: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	return s;
}

/* A growing string. */
struct buf {
	char *p;
	size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 256;
		while (nc < b->len + n + 1)
			nc *= 2;
		char *np = realloc(b->p, nc);
		if (!np)
			die("out of memory");
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("%s: %s", path, strerror(errno));
	struct buf b = {0};
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	if (!b.p)
		buf_add(&b, "", 0);
	if (len)
		*len = b.len;
	return b.p;
}

static void write_file(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(s, 1, n, f) != n || fclose(f))
		die("%s: cannot write", path);
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && !strcmp(s + n - m, suf);
}

/* ------------------------------------------------------------------------ */
/* go-libaudit's yaml: a "tests:" mapping of names to block scalars          */
/* ------------------------------------------------------------------------ */

/* What the 8 files use: a "---" line, "tests:", then at two spaces of
 * indentation "# comments" and "NAME: |" (literal) or "NAME: >" (folded)
 * keys, each followed by its more-indented lines; blank lines inside a block
 * are kept (literal) or become line breaks (folded); trailing blank lines are
 * clipped to the one final newline. Anything else is an error. */
static char *yaml_extract(const char *path, size_t *ntests)
{
	char *text = read_file(path, NULL);
	struct buf out = {0};
	bool in_tests = false;
	char style = 0; /* '|' or '>' while in a block */
	size_t block_indent = 0, pending_blank = 0;
	struct buf block = {0};
	bool folded_line_open = false;
	size_t lineno = 0;

	*ntests = 0;
	buf_add(&out, "", 0);
	for (char *line = text, *next; line && *line; line = next) {
		char *nl = strchr(line, '\n');
		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = 0;
		lineno++;
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[--len] = 0;
		size_t ind = strspn(line, " ");
		bool blank = ind == len;

		if (style) {
			if (blank) {
				pending_blank++;
				continue;
			}
			if (!block_indent && ind > 2)
				block_indent = ind;
			if (block_indent && ind >= block_indent) {
				for (; pending_blank; pending_blank--) {
					buf_adds(&block, "\n");
					folded_line_open = false;
				}
				const char *content = line + block_indent;
				if (style == '|') {
					buf_adds(&block, content);
					buf_adds(&block, "\n");
				} else {
					if (folded_line_open)
						buf_adds(&block, " ");
					buf_adds(&block, content);
					folded_line_open = true;
				}
				continue;
			}
			/* the block ends: clip to one final newline */
			while (block.len && block.p[block.len - 1] == '\n')
				block.p[--block.len] = 0;
			if (block.len) {
				buf_add(&out, block.p, block.len);
				buf_adds(&out, "\n");
			}
			block.len = 0;
			style = 0;
			pending_blank = 0;
			folded_line_open = false;
		}
		if (blank)
			continue;
		if (!in_tests) {
			if (!strcmp(line, "---"))
				continue;
			if (!strcmp(line, "tests:")) {
				in_tests = true;
				continue;
			}
			die("%s:%zu: unsupported yaml (expected \"tests:\")", path, lineno);
		}
		if (ind != 2)
			die("%s:%zu: unsupported yaml (indentation %zu)", path, lineno, ind);
		if (line[2] == '#')
			continue;
		/* NAME: | or NAME: > (with an optional chomping indicator) */
		char *colon = strrchr(line, ':');
		const char *ind_s = colon ? colon + 1 : "";
		ind_s += strspn(ind_s, " ");
		if (!colon || colon == line + 2 ||
		    !(ind_s[0] == '|' || ind_s[0] == '>') ||
		    !(ind_s[1] == 0 || ((ind_s[1] == '-' || ind_s[1] == '+') && ind_s[2] == 0)))
			die("%s:%zu: unsupported yaml (expected \"NAME: |\" or \"NAME: >\")", path,
			    lineno);
		style = ind_s[0];
		block_indent = 0;
		(*ntests)++;
	}
	if (style) {
		while (block.len && block.p[block.len - 1] == '\n')
			block.p[--block.len] = 0;
		if (block.len) {
			buf_add(&out, block.p, block.len);
			buf_adds(&out, "\n");
		}
	}
	free(block.p);
	free(text);
	return out.p;
}

/* ------------------------------------------------------------------------ */
/* Auditbeat's logs with the names of its harness, as auditd ENRICHED        */
/* ------------------------------------------------------------------------ */

static const char *ab_name(unsigned long id, bool group, char *tmp, size_t tmplen)
{
	if (id == 4294967295UL)
		return "unset";
	for (size_t i = 0; i < sizeof(ab_ids) / sizeof(*ab_ids); i++)
		if (ab_ids[i].id == id)
			return group ? ab_ids[i].group : ab_ids[i].user;
	snprintf(tmp, tmplen, "unknown(%lu)", id);
	return tmp;
}

static bool in_list(const char *const *list, const char *k, size_t n)
{
	for (; *list; list++)
		if (strlen(*list) == n && !memcmp(*list, k, n))
			return true;
	return false;
}

/* How many times " key=" (or "'key=") occurs in line. */
static int key_count(const char *line, const char *k, size_t klen)
{
	int n = 0;
	for (const char *p = strstr(line, "): "); p && *p; p++)
		if ((*p == ' ' || *p == '\'') && !strncmp(p + 1, k, klen) && p[1 + klen] == '=')
			n++;
	return n;
}

/* Each line gets 0x1D and KEY="name" for every id field in it (key=value
 * words, also inside msg='...'), as auditd writes with log_format=ENRICHED.
 * A key that occurs twice in a line (the pre-2.6.3x LOGIN format "old
 * auid=X new auid=Y") gets no name: ENRICHED would repeat AUID= and a
 * reader could not tell which is which; the daemon looks such ids up
 * itself (0 and 4294967295 are the only ones there, root and unset on
 * every machine). */
static char *enrich(const char *path)
{
	char *text = read_file(path, NULL);
	struct buf out = {0};

	buf_add(&out, "", 0);
	for (char *line = text, *next; line && *line; line = next) {
		char *nl = strchr(line, '\n');
		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = 0;
		struct buf extra = {0};
		const char *p = strstr(line, "): ");
		p = p ? p + 3 : line;
		while (*p) {
			while (*p == ' ' || *p == '\'')
				p++;
			const char *k = p;
			while (*p && *p != '=' && *p != ' ')
				p++;
			if (*p != '=')
				continue;
			size_t klen = (size_t)(p - k);
			const char *v = ++p;
			if (klen == 3 && !strncmp(k, "msg", 3) && *v == '\'') {
				p = v; /* descend into msg='...' */
				continue;
			}
			if (*p == '"') {
				const char *q = strchr(p + 1, '"');
				p = q ? q + 1 : p + strlen(p);
			} else {
				while (*p && *p != ' ' && *p != '\'')
					p++;
			}
			bool u = in_list(uid_fields, k, klen), g = !u && in_list(gid_fields, k, klen);
			if ((u || g) && key_count(line, k, klen) > 1)
				continue; /* ambiguous: see enrich() */
			char *end;
			errno = 0;
			unsigned long id = strtoul(v, &end, 10);
			if ((!u && !g) || end != p || end == v || errno)
				continue;
			char tmp[32];
			const char *name = ab_name(id, g, tmp, sizeof(tmp));
			buf_adds(&extra, extra.len ? " " : "\x1d");
			for (size_t i = 0; i < klen; i++) {
				char c = k[i];
				buf_add(&extra, &(char){c >= 'a' && c <= 'z' ? (char)(c - 32) : c}, 1);
			}
			buf_adds(&extra, "=\"");
			buf_adds(&extra, name);
			buf_adds(&extra, "\"");
		}
		buf_adds(&out, line);
		if (extra.len)
			buf_add(&out, extra.p, extra.len);
		buf_adds(&out, "\n");
		free(extra.p);
	}
	free(text);
	return out.p;
}

/* ------------------------------------------------------------------------ */
/* running the daemon                                                        */
/* ------------------------------------------------------------------------ */

/* go-libaudit's goldens have ids, not names; Auditbeat's harness resolves
 * them and keeps the raw records (include_raw_message: true). */
#define GO_CONFIG "resolve_ids = no\n"
#define AB_CONFIG "resolve_ids = yes\ninclude_raw = yes\n"

static const char *daemon_path;
static char *scratch;

/* Runs the daemon on stream (a file in the scratch directory) and returns
 * its documents as an array. */
static struct json_object *run_daemon(const char *tag, const char *stream, size_t n,
				      const char *cfg)
{
	char *in = xasprintf("%s/%s.stream", scratch, tag);
	char *out = xasprintf("%s/%s.out.json", scratch, tag);
	char *conf = xasprintf("%s/%s.conf", scratch, tag);
	char *log = xasprintf("%s/%s.log", scratch, tag);
	char *ospec = xasprintf("file:%s", out);

	write_file(in, stream, n);
	write_file(conf, cfg, strlen(cfg));
	unlink(out);
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(daemon_path, "audisp-ecs", "-c", conf, "-i", in, "-o", ospec, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char *l = read_file(log, NULL);
		die("%s: the daemon failed (status %d):\n%s", tag, st, l);
	}
	size_t len;
	char *docs = read_file(out, &len);
	struct json_object *arr = json_object_new_array();
	size_t lineno = 0;
	for (char *line = docs, *next; line && *line; line = next) {
		char *nl = strchr(line, '\n');
		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = 0;
		lineno++;
		struct json_object *o = json_tokener_parse(line);
		if (!o || !json_object_is_type(o, json_type_object))
			die("%s:%zu: not a JSON object", out, lineno);
		json_object_array_add(arr, o);
	}
	free(docs);
	free(in);
	free(out);
	free(conf);
	free(log);
	free(ospec);
	return arr;
}

/* ------------------------------------------------------------------------ */
/* JSON paths                                                                */
/* ------------------------------------------------------------------------ */

/* "a.b[2].c" in o, or NULL. */
static struct json_object *jget(struct json_object *o, const char *path)
{
	char *p = xstrdup(path), *save = NULL;
	struct json_object *cur = o;
	for (char *seg = strtok_r(p, ".", &save); seg && cur; seg = strtok_r(NULL, ".", &save)) {
		char *br = strchr(seg, '[');
		if (br)
			*br = 0;
		if (*seg) {
			struct json_object *next;
			if (!json_object_is_type(cur, json_type_object) ||
			    !json_object_object_get_ex(cur, seg, &next))
				cur = NULL;
			else
				cur = next;
		}
		while (br && cur) {
			char *close;
			unsigned long idx = strtoul(br + 1, &close, 10);
			if (*close != ']' || !json_object_is_type(cur, json_type_array) ||
			    idx >= json_object_array_length(cur))
				cur = NULL;
			else
				cur = json_object_array_get_idx(cur, idx);
			br = cur && close[1] == '[' ? close + 1 : NULL;
		}
	}
	free(p);
	return cur;
}

/* A scalar as text; NULL for objects and arrays. */
static const char *scalar_text(struct json_object *v)
{
	if (!v)
		return NULL;
	switch (json_object_get_type(v)) {
	case json_type_string:
	case json_type_int:
	case json_type_double:
	case json_type_boolean:
		return json_object_get_string(v);
	case json_type_null:
		return "null";
	default:
		return NULL;
	}
}

static const char *show(struct json_object *v)
{
	if (!v)
		return "(absent)";
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
}

struct leaf {
	char *path;
	struct json_object *val;
};

struct leaves {
	struct leaf *v;
	size_t n, cap;
};

static bool all_scalars(struct json_object *a)
{
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		enum json_type t = json_object_get_type(json_object_array_get_idx(a, i));
		if (t == json_type_object || t == json_type_array)
			return false;
	}
	return true;
}

/* Every leaf of o: scalars, and arrays of scalars as one leaf. Empty objects
 * and arrays have none. */
static void flatten(struct json_object *o, const char *prefix, struct leaves *out)
{
	enum json_type t = json_object_get_type(o);
	if (t == json_type_object) {
		json_object_object_foreach(o, k, v) {
			char *p = *prefix ? xasprintf("%s.%s", prefix, k) : xstrdup(k);
			flatten(v, p, out);
			free(p);
		}
		return;
	}
	if (t == json_type_array && !all_scalars(o)) {
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			char *p = xasprintf("%s[%zu]", prefix, i);
			flatten(json_object_array_get_idx(o, i), p, out);
			free(p);
		}
		return;
	}
	if (t == json_type_array && json_object_array_length(o) == 0)
		return;
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 64;
		out->v = realloc(out->v, out->cap * sizeof(*out->v));
		if (!out->v)
			die("out of memory");
	}
	out->v[out->n++] = (struct leaf){xstrdup(prefix), o};
}

/* Pattern matching: segments split on '.'; "*" matches one key (captured),
 * "k[]" matches "k[N]" (N captured). */
struct caps {
	char star[4][128];
	int nstar;
	unsigned long idx[4];
	int nidx;
};

static bool match_path(const char *pat, const char *path, struct caps *c)
{
	memset(c, 0, sizeof(*c));
	while (*pat && *path) {
		size_t pl = strcspn(pat, "."), sl = strcspn(path, ".");
		if (pl == 1 && pat[0] == '*') {
			if (memchr(path, '[', sl) || c->nstar == 4 || sl >= sizeof(c->star[0]))
				return false;
			memcpy(c->star[c->nstar], path, sl);
			c->star[c->nstar++][sl] = 0;
		} else if (pl >= 2 && pat[pl - 2] == '[' && pat[pl - 1] == ']') {
			size_t kl = pl - 2;
			if (sl <= kl + 2 || memcmp(pat, path, kl) || path[kl] != '[' ||
			    path[sl - 1] != ']' || c->nidx == 4)
				return false;
			char *end;
			c->idx[c->nidx++] = strtoul(path + kl + 1, &end, 10);
			if (end != path + sl - 1)
				return false;
		} else if (pl != sl || memcmp(pat, path, pl)) {
			return false;
		}
		pat += pl;
		path += sl;
		if (*pat == '.')
			pat++;
		if (*path == '.')
			path++;
	}
	return !*pat && !*path;
}

/* Wildcards in an event selector: a trailing '*' matches any rest. */
static bool match_glob(const char *pat, const char *s)
{
	size_t n = strlen(pat);
	if (n && pat[n - 1] == '*')
		return !strncmp(pat, s, n - 1);
	return !strcmp(pat, s);
}

static char *expand(const char *tmpl, size_t tlen, const struct caps *c)
{
	struct buf b = {0};
	int ii = 0;
	buf_add(&b, "", 0);
	for (size_t i = 0; i < tlen; i++) {
		if (tmpl[i] == '$' && i + 1 < tlen && tmpl[i + 1] >= '1' && tmpl[i + 1] <= '4') {
			int k = tmpl[i + 1] - '1';
			buf_adds(&b, k < c->nstar ? c->star[k] : "");
			i++;
		} else if (tmpl[i] == '[' && i + 1 < tlen && tmpl[i + 1] == ']') {
			char ix[32];
			snprintf(ix, sizeof(ix), "[%lu]", ii < c->nidx ? c->idx[ii] : 0);
			ii++;
			buf_adds(&b, ix);
			i++;
		} else {
			buf_add(&b, &tmpl[i], 1);
		}
	}
	return b.p;
}

/* ------------------------------------------------------------------------ */
/* comparing                                                                 */
/* ------------------------------------------------------------------------ */

struct counts {
	unsigned long compared, equal, explained, unexplained, skipped;
};

static struct counts total;

/* part n of a SELinux context split as go-libaudit does (at most 5 parts,
 * the last keeps its colons) */
static bool sel_part(const char *ctx, int n, char *out, size_t outlen)
{
	const char *p = ctx;
	for (int i = 0; i < n; i++) {
		p = strchr(p, ':');
		if (!p)
			return false;
		p++;
	}
	size_t len = n == 4 ? strlen(p) : strcspn(p, ":");
	if (len >= outlen)
		return false;
	memcpy(out, p, len);
	out[len] = 0;
	return true;
}

/* The obj= of the auditd.paths entry that our file.* describes. */
static struct json_object *file_obj(struct json_object *doc)
{
	const char *inode = scalar_text(jget(doc, "file.inode"));
	const char *dev = scalar_text(jget(doc, "file.device"));
	struct json_object *paths = jget(doc, "auditd.paths");
	if (!inode || !paths || !json_object_is_type(paths, json_type_array))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(paths); i++) {
		struct json_object *p = json_object_array_get_idx(paths, i);
		const char *pi = scalar_text(jget(p, "inode")), *pd = scalar_text(jget(p, "dev"));
		if (pi && !strcmp(pi, inode) && (!dev || (pd && !strcmp(pd, dev))))
			return jget(p, "obj");
	}
	return NULL;
}

static struct json_object *cut_enriched(struct json_object *v)
{
	const char *s = json_object_get_string(v);
	return json_object_new_string_len(s, (int)strcspn(s, "\x1d"));
}

/* Our value at one alternative (path[#transform]); a new reference, or
 * NULL when absent. */
static struct json_object *resolve(struct json_object *doc, const char *alt)
{
	char *path = xstrdup(alt);
	char *hash = strchr(path, '#');
	if (hash)
		*hash++ = 0;
	struct json_object *v = !strcmp(path, "-") ? NULL
				: !strcmp(path, "@file.obj") ? file_obj(doc) : jget(doc, path);
	struct json_object *out = NULL;
	if (v && !hash) {
		out = json_object_get(v);
	} else if (v && !strcmp(hash, "raw")) {
		if (json_object_is_type(v, json_type_array)) {
			out = json_object_new_array();
			for (size_t i = 0; i < json_object_array_length(v); i++)
				json_object_array_add(out, cut_enriched(json_object_array_get_idx(v, i)));
		} else if (json_object_is_type(v, json_type_string)) {
			out = cut_enriched(v);
		}
	} else if (v && hash[0] >= '0' && hash[0] <= '4' && !hash[1]) {
		char part[512];
		const char *t = scalar_text(v);
		if (t && sel_part(t, hash[0] - '0', part, sizeof(part)))
			out = json_object_new_string(part);
	} else if (v) {
		die("bad transform in mapping: %s", alt);
	}
	free(path);
	return out;
}

/* Collects the text of an array's elements (or of one scalar). */
static size_t texts(struct json_object *v, const char **out, size_t max)
{
	size_t n = 0;
	if (v && json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v) && n < max; i++) {
			const char *t = scalar_text(json_object_array_get_idx(v, i));
			out[n++] = t ? t : "";
		}
	} else if (v && scalar_text(v) && max) {
		out[n++] = scalar_text(v);
	}
	return n;
}

static bool in_set(const char *s, const char **set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(set[i], s))
			return true;
	return false;
}

/* Compares golden value g with ours (o, or NULL when absent). */
static bool compare(struct json_object *g, struct json_object *o, enum cmp cmp)
{
	const char *gs = scalar_text(g), *os = scalar_text(o);

	switch (cmp) {
	case C_KEY:
		return true;
	case C_STR:
		return gs && os && !strcmp(gs, os);
	case C_UNSET:
		if (gs && os && !strcmp(gs, "unset"))
			return !strcmp(os, "unset") || !strcmp(os, "4294967295");
		return gs && os && !strcmp(gs, os);
	case C_SET:
	case C_LIST: {
		const char *ga[64], *oa[64];
		size_t gn = texts(g, ga, 64), on = texts(o, oa, 64);
		if (!o)
			return false;
		if (cmp == C_LIST) {
			if (gn != on)
				return false;
			for (size_t i = 0; i < gn; i++)
				if (strcmp(ga[i], oa[i]))
					return false;
			return true;
		}
		for (size_t i = 0; i < gn; i++)
			if (!in_set(ga[i], oa, on))
				return false;
		for (size_t i = 0; i < on; i++)
			if (!in_set(oa[i], ga, gn))
				return false;
		return true;
	}
	}
	return false;
}

static struct divergence *explain(const char *source, const char *event, const char *path,
				  const char *golden_shown, const char *ours_shown)
{
	struct caps c;
	for (struct divergence *d = divergences; d->path; d++)
		if ((!strcmp(d->source, "*") || !strcmp(d->source, source)) &&
		    match_glob(d->event, event) && match_path(d->path, path, &c) &&
		    (!d->golden || !strcmp(d->golden, golden_shown)) &&
		    (!d->ours || !strcmp(d->ours, ours_shown)))
			return d;
	return NULL;
}

/* Compares one golden event with our document (NULL: none matched). */
static void compare_event(const char *source, const char *event, struct json_object *golden,
			  struct json_object *doc, const struct map *map, bool identity,
			  struct counts *cnt)
{
	struct leaves lv = {0};
	flatten(golden, "", &lv);
	for (size_t i = 0; i < lv.n; i++) {
		const char *gp = lv.v[i].path;
		const struct map *m = NULL;
		struct caps c;
		for (const struct map *e = map; e->golden; e++)
			if (match_path(e->golden, gp, &c)) {
				m = e;
				break;
			}
		struct map idm = {gp, gp, json_object_is_type(lv.v[i].val, json_type_array) ? C_SET : C_STR};
		if (!m && identity) {
			m = &idm;
			memset(&c, 0, sizeof(c));
		}
		if (!m)
			die("%s \"%s\": golden field %s has no mapping", source, event, gp);
		if (m->cmp == C_KEY) {
			cnt->skipped++;
			continue;
		}
		/* our value: the first present of the '|' alternatives */
		struct json_object *o = NULL;
		char *opath = NULL;
		for (const char *alt = m->ours; alt && *alt && !o;) {
			size_t len = strcspn(alt, "|");
			free(opath);
			opath = expand(alt, len, &c);
			o = doc ? resolve(doc, opath) : NULL;
			alt += len;
			if (*alt == '|')
				alt++;
		}
		bool eq = doc && compare(lv.v[i].val, o, m->cmp);
		char *shown = xstrdup(doc ? show(o) : "(no document)");
		cnt->compared++;
		if (eq) {
			cnt->equal++;
			if (verbose >= 2)
				printf("  equal        %s \"%s\" %s = %s\n", source, event, gp,
				       show(lv.v[i].val));
		} else {
			char *gshown = xstrdup(show(lv.v[i].val));
			struct divergence *d = doc ? explain(source, event, gp, gshown, shown) : NULL;
			free(gshown);
			if (d) {
				d->used++;
				cnt->explained++;
				if (verbose)
					printf("  explained    %s \"%s\" %s: golden %s, ours %s %s  [%s]\n",
					       source, event, gp, show(lv.v[i].val),
					       opath ? opath : "", shown, d->reason);
			} else {
				cnt->unexplained++;
				printf("  UNEXPLAINED  %s \"%s\" %s: golden %s, ours %s %s\n", source,
				       event, gp, show(lv.v[i].val), opath ? opath : "", shown);
			}
		}
		free(shown);
		json_object_put(o);
		free(opath);
	}
	for (size_t i = 0; i < lv.n; i++)
		free(lv.v[i].path);
	free(lv.v);
}

static struct buf table; /* the per-fixture lines, printed at the end */

static void report(const char *name, size_t matched, size_t events, const struct counts *c)
{
	char *line = xasprintf("%-60s %2zu/%-2zu %5lu %5lu %6.1f%% %5lu %5lu\n", name, matched,
			       events, c->compared, c->equal,
			       c->compared ? 100.0 * (double)c->equal / (double)c->compared : 100.0,
			       c->explained, c->unexplained);
	buf_adds(&table, line);
	free(line);
	total.compared += c->compared;
	total.equal += c->equal;
	total.explained += c->explained;
	total.unexplained += c->unexplained;
	total.skipped += c->skipped;
}

/* ------------------------------------------------------------------------ */
/* the fixtures                                                              */
/* ------------------------------------------------------------------------ */

/* "...:SS[.f[f[f]]]Z" with the fraction as 3 digits: Go's time formatting
 * drops trailing zeros ("19.05Z" is our "19.050Z"). */
static void norm_ts(const char *ts, char *out, size_t outlen)
{
	const char *dot = strchr(ts, '.');
	size_t head = dot ? (size_t)(dot - ts) : strcspn(ts, "Z");
	char frac[4] = "000";
	for (size_t i = 0; dot && i < 3 && dot[1 + i] >= '0' && dot[1 + i] <= '9'; i++)
		frac[i] = dot[1 + i];
	snprintf(out, outlen, "%.*s.%sZ", (int)head, ts, frac);
}

static struct json_object *find_doc(struct json_object *docs, const char *seq_path,
				    const char *seq, const char *ts)
{
	char want[64], have[64];
	if (ts)
		norm_ts(ts, want, sizeof(want));
	for (size_t i = 0; i < json_object_array_length(docs); i++) {
		struct json_object *d = json_object_array_get_idx(docs, i);
		const char *s = scalar_text(jget(d, seq_path));
		const char *t = scalar_text(jget(d, "@timestamp"));
		if (!s || strcmp(s, seq))
			continue;
		if (!ts)
			return d;
		if (t) {
			norm_ts(t, have, sizeof(have));
			if (!strcmp(want, have))
				return d;
		}
	}
	return NULL;
}

static void go_fixture(const char *dir, const char *base)
{
	char *yaml = xasprintf("%s/%s.yaml", dir, base);
	char *gold = xasprintf("%s/%s.json.golden", dir, base);
	char *label = xasprintf("go-libaudit/aucoalesce/%s", base);
	size_t ntests;
	char *stream = yaml_extract(yaml, &ntests);
	printf("%s\n", label);
	struct json_object *docs = run_daemon(base, stream, strlen(stream), GO_CONFIG);
	struct json_object *g = json_object_from_file(gold);
	if (!g || !json_object_is_type(g, json_type_array))
		die("%s: not a JSON array", gold);
	struct counts c = {0};
	size_t n = json_object_array_length(g), matched = 0;
	if (n != ntests)
		die("%s: %zu tests in the yaml, %zu in the golden file", base, ntests, n);
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(g, i);
		const char *name = scalar_text(jget(e, "test_name"));
		struct json_object *ev = jget(e, "event");
		const char *seq = scalar_text(jget(ev, "sequence"));
		const char *ts = scalar_text(jget(ev, "@timestamp"));
		if (!name || !ev || !seq || !ts)
			die("%s: entry %zu lacks test_name, sequence or @timestamp", gold, i);
		struct json_object *doc = find_doc(docs, "event.sequence", seq, ts);
		if (doc)
			matched++;
		else
			printf("  UNMATCHED    go-libaudit \"%s\": no document with sequence %s at %s\n",
			       name, seq, ts);
		compare_event("go-libaudit", name, ev, doc, go_map, false, &c);
	}
	report(label, matched, n, &c);
	free(label);
	json_object_put(g);
	json_object_put(docs);
	free(stream);
	free(yaml);
	free(gold);
}

static void ab_fixture(const char *dir, const char *base)
{
	char *log = xasprintf("%s/%s", dir, base);
	char *exp = xasprintf("%s/%s-expected.json", dir, base);
	char *label = xasprintf("auditbeat/%s", base);
	char *stream = enrich(log);
	printf("%s\n", label);
	struct json_object *docs = run_daemon(base, stream, strlen(stream), AB_CONFIG);
	struct json_object *g = json_object_from_file(exp);
	if (!g || !json_object_is_type(g, json_type_array))
		die("%s: not a JSON array", exp);
	struct counts c = {0};
	size_t n = json_object_array_length(g), matched = 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(g, i);
		const char *seq = scalar_text(jget(e, "auditd.sequence"));
		if (!seq)
			die("%s: document %zu has no auditd.sequence", exp, i);
		struct json_object *doc = find_doc(docs, "auditd.sequence", seq, NULL);
		if (doc)
			matched++;
		else
			printf("  UNMATCHED    auditbeat \"%s\": no document with sequence %s\n", seq, seq);
		compare_event("auditbeat", seq, e, doc, ab_map, true, &c);
	}
	report(label, matched, n, &c);
	free(label);
	json_object_put(g);
	json_object_put(docs);
	free(stream);
	free(log);
	free(exp);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir ending with suffix, sorted, suffix removed. */
static size_t list_dir(const char *dir, const char *suffix, char ***out)
{
	DIR *d = opendir(dir);
	if (!d)
		die("%s: %s", dir, strerror(errno));
	char **v = NULL;
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!ends_with(de->d_name, suffix))
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		if (!v)
			die("out of memory");
		v[n] = xstrdup(de->d_name);
		v[n][strlen(v[n]) - strlen(suffix)] = 0;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	return n;
}

static const char *cmp_note(enum cmp c)
{
	return c == C_SET ? "  [as sets]" : c == C_LIST ? "  [in order]" :
	       c == C_UNSET ? "  [\"unset\" = 4294967295]" : "";
}

static void print_mapping(void)
{
	printf("go-libaudit golden field -> our document (the first present of a|b;\n"
	       "#N: part N of a SELinux label; @file.obj: obj= of our file's PATH)\n");
	for (const struct map *m = go_map; m->golden; m++)
		printf("  %-26s %s%s\n", m->golden, m->ours ? m->ours : "(matching key, not counted)",
		       cmp_note(m->cmp));
	printf("\nAuditbeat expected field -> our document (any other path: the same path;\n"
	       "arrays as sets)\n");
	for (const struct map *m = ab_map; m->golden; m++)
		printf("  %-26s %s%s\n", m->golden,
		       !m->ours ? "(matching key, not counted)" : strcmp(m->ours, "-") ? m->ours : "(nowhere)",
		       cmp_note(m->cmp));
	printf("\ndivergences (source, event, golden path: golden value -> our value)\n");
	for (const struct divergence *d = divergences; d->path; d++)
		printf("  %-11s %-24s %-30s %s -> %s\n      %s\n", d->source, d->event, d->path,
		       d->golden ? d->golden : "(any)", d->ours ? d->ours : "(any)", d->reason);
}

static void usage(void)
{
	fputs("usage: golden-diff --daemon PATH --data DIR [-v] [-v] [-k] [--min PERCENT]\n"
	      "       golden-diff --extract FILE.yaml | --enrich FILE.log | --mapping\n",
	      stderr);
	exit(2);
}

static void rm_scratch(void)
{
	DIR *d = opendir(scratch);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *p = xasprintf("%s/%s", scratch, de->d_name);
		unlink(p);
		free(p);
	}
	closedir(d);
	rmdir(scratch);
}

int main(int argc, char **argv)
{
	const char *data = NULL;
	bool keep = false;
	double min = 95.0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--extract") && i + 1 < argc) {
			size_t n;
			char *s = yaml_extract(argv[++i], &n);
			fputs(s, stdout);
			free(s);
			return 0;
		} else if (!strcmp(a, "--enrich") && i + 1 < argc) {
			char *s = enrich(argv[++i]);
			fputs(s, stdout);
			free(s);
			return 0;
		} else if (!strcmp(a, "--mapping")) {
			print_mapping();
			return 0;
		} else if (!strcmp(a, "--daemon") && i + 1 < argc) {
			daemon_path = argv[++i];
		} else if (!strcmp(a, "--data") && i + 1 < argc) {
			data = argv[++i];
		} else if (!strcmp(a, "--min") && i + 1 < argc) {
			min = strtod(argv[++i], NULL);
		} else if (!strcmp(a, "-v")) {
			verbose++;
		} else if (!strcmp(a, "-k")) {
			keep = true;
		} else {
			usage();
		}
	}
	if (!daemon_path || !data)
		usage();

	const char *tmp = getenv("TMPDIR");
	scratch = xasprintf("%s/golden-diff.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(scratch))
		die("mkdtemp: %s", strerror(errno));

	char *godir = xasprintf("%s/go-libaudit/aucoalesce", data);
	char *abdir = xasprintf("%s/auditbeat", data);
	char **names;
	size_t n = list_dir(godir, ".json.golden", &names);
	if (!n)
		die("%s: no *.json.golden", godir);
	for (size_t i = 0; i < n; i++) {
		go_fixture(godir, names[i]);
		free(names[i]);
	}
	free(names);
	size_t m = list_dir(abdir, "-expected.json", &names);
	if (!m)
		die("%s: no *-expected.json", abdir);
	for (size_t i = 0; i < m; i++) {
		ab_fixture(abdir, names[i]);
		free(names[i]);
	}
	free(names);
	free(godir);
	free(abdir);

	double pct = total.compared ? 100.0 * (double)total.equal / (double)total.compared : 0;
	printf("\n%-60s %5s %5s %5s %7s %5s %5s\n", "fixture", "events", "fields", "equal", "",
	       "expl.", "unexp.");
	fputs(table.p ? table.p : "", stdout);
	printf("%-60s       %5lu %5lu %6.1f%% %5lu %5lu   (matching keys not counted: %lu)\n",
	       "total", total.compared, total.equal, pct, total.explained, total.unexplained,
	       total.skipped);
	free(table.p);
	for (const struct divergence *d = divergences; d->path; d++)
		if (!d->used)
			printf("  note: divergence entry never used: %s %s %s\n", d->source, d->event,
			       d->path);
	if (keep)
		printf("scratch directory kept: %s\n", scratch);
	else
		rm_scratch();

	bool ok = pct >= min && total.unexplained == 0;
	if (!ok)
		printf("FAIL: %s%s\n", pct < min ? "fewer equal fields than the threshold; " : "",
		       total.unexplained ? "unexplained differences" : "");
	return ok ? 0 : 1;
}
