/* Tests for plugin/normalize.c: the built-in rule table (lookups for known
 * cases, coverage of every record type libaudit knows and of every syscall the
 * reference normalizers map), user override files, and one test per class of
 * load error. The coverage numbers quoted in plugin/NORMALIZATION.md are the
 * ones this program prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "normalize.h"

#ifndef TEST_DATA_DIR
#error "TEST_DATA_DIR must be defined"
#endif

/* the machines the table must cover (audit_name_to_syscall's MACH_*) */
static const int machines[] = {
	MACH_86_64, MACH_X86, MACH_AARCH64, MACH_ARM, MACH_PPC64, MACH_PPC64LE, MACH_S390X,
};
#define NMACHINES (sizeof(machines) / sizeof(machines[0]))

/* ------------------------------------------------------------------ helpers */

static int group_setup(void **state)
{
	char err[512];
	struct normtab *t = normtab_load(NULL, err, sizeof err);
	if (!t) {
		fprintf(stderr, "built-in table: %s\n", err);
		return -1;
	}
	*state = t;
	return 0;
}

static int group_teardown(void **state)
{
	normtab_free(*state);
	return 0;
}

static int has(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

static const struct norm_rule *record_default(const struct normtab *t)
{
	return normtab_record(t, 999999);
}

static const struct norm_rule *syscall_default(const struct normtab *t)
{
	return normtab_syscall(t, MACH_86_64, 999999);
}

/* Writes text to a fresh temporary file; its path goes to path. */
static void write_tmp(char *path, size_t len, const char *text)
{
	snprintf(path, len, "/tmp/test_normalize.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
}

/* Loads text as a user file: the table, or NULL with the message in err. */
static struct normtab *load_user_text(const char *text, char *path, size_t pathlen,
				      char *err, size_t errlen)
{
	write_tmp(path, pathlen, text);
	struct normtab *t = normtab_load(path, err, errlen);
	unlink(path);
	return t;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* -------------------------------------------------------------- lookups */

static void test_known_syscalls(void **state)
{
	const struct normtab *t = *state;
	const struct norm_rule *r;

	r = normtab_syscall(t, MACH_86_64, 59); /* execve */
	assert_string_equal(r->action, "executed");
	assert_string_equal(r->event_kind, "audit-rule");
	assert_true(has(r->category, "process"));
	assert_true(has(r->type, "start"));
	assert_string_equal(r->object_type, "file");
	assert_int_equal(r->object_path_index, 0);
	assert_string_equal(r->subject_primary[0], "auid");
	assert_string_equal(r->subject_secondary[0], "uid");
	assert_string_equal(r->how[0], "exe");

	r = normtab_syscall(t, MACH_86_64, 257); /* openat */
	assert_string_equal(r->action, "opened-file");
	assert_true(has(r->category, "file"));
	assert_ptr_equal(r, normtab_syscall(t, MACH_86_64, 2));      /* open: same rule */
	assert_ptr_equal(r, normtab_syscall(t, MACH_AARCH64, 56));   /* openat on aarch64 */
	assert_ptr_equal(r, normtab_syscall(t, MACH_X86, 295));      /* openat on i386 */

	r = normtab_syscall(t, MACH_86_64, 42); /* connect */
	assert_string_equal(r->action, "connected-to");
	assert_true(has(r->category, "network"));
	assert_true(has(r->type, "connection"));
	assert_true(has(r->type, "start"));
	assert_string_equal(r->object_type, "socket");
	assert_int_equal(r->object_path_index, -1);

	r = normtab_syscall(t, MACH_86_64, 83); /* mkdir: the new directory is item 1 */
	assert_string_equal(r->action, "created-directory");
	assert_int_equal(r->object_path_index, 1);
	r = normtab_syscall(t, MACH_86_64, 82); /* rename */
	assert_int_equal(r->object_path_index, 2);

	r = normtab_syscall(t, MACH_86_64, 105); /* setuid: how is the syscall */
	assert_string_equal(r->action, "changed-identity-of");
	assert_string_equal(r->how[0], "syscall");
	assert_null(r->how[1]);

	r = normtab_syscall(t, MACH_X86, audit_name_to_syscall("mmap2", MACH_X86));
	assert_string_equal(r->action, "allocated-memory");

	/* unknown syscalls, machines and numbers: the catch-all, never NULL */
	r = normtab_syscall(t, MACH_86_64, 9999);
	assert_non_null(r);
	assert_string_equal(r->action, "triggered-audit-rule");
	assert_string_equal(r->event_kind, "audit-rule");
	assert_true(has(r->category, "process"));
	assert_ptr_equal(r, normtab_syscall(t, MACH_86_64, -1));
	assert_ptr_equal(r, normtab_syscall(t, MACH_86_64, 0x7fffffff));
	assert_ptr_equal(r, normtab_syscall(t, -1, 59));
	assert_ptr_equal(r, normtab_syscall(t, 1000, 59));
	assert_ptr_equal(r, normtab_syscall(t, MACH_86_64, 13)); /* rt_sigaction: no rule */
}

static void test_known_record_types(void **state)
{
	const struct normtab *t = *state;
	const struct norm_rule *r;

	r = normtab_record(t, 1112); /* USER_LOGIN */
	assert_string_equal(r->action, "logged-in");
	assert_string_equal(r->event_kind, "user-login");
	assert_true(has(r->category, "authentication"));
	assert_true(has(r->type, "start"));
	assert_string_equal(r->object_type, "user-session");
	assert_string_equal(r->subject_primary[0], "auid");
	assert_string_equal(r->object_primary[0], "terminal");
	assert_int_equal(r->map_subject_primary, NORM_MAP_USER);
	assert_int_equal(r->map_subject_secondary, NORM_MAP_USER_EFFECTIVE);
	assert_null(r->ecs_kind);

	r = normtab_record(t, audit_name_to_msg_type("ADD_USER"));
	assert_string_equal(r->action, "added-user-account");
	assert_string_equal(r->event_kind, "user-account");
	assert_true(has(r->category, "iam"));
	assert_true(has(r->type, "creation"));
	assert_true(has(r->type, "user"));
	assert_int_equal(r->map_object_primary, NORM_MAP_USER_TARGET);

	r = normtab_record(t, audit_name_to_msg_type("ADD_GROUP"));
	assert_int_equal(r->map_object_primary, NORM_MAP_GROUP);
	assert_true(has(r->type, "group"));

	r = normtab_record(t, audit_name_to_msg_type("ANOM_ABEND"));
	assert_string_equal(r->action, "crashed-program");
	assert_string_equal(r->event_kind, "anomaly");
	assert_string_equal(r->ecs_kind, "alert");
	assert_string_equal(r->how[0], "sig");

	r = normtab_record(t, audit_name_to_msg_type("CONFIG_CHANGE"));
	assert_string_equal(r->event_kind, "configuration");
	assert_string_equal(r->object_primary[5], "audit_failure");
	assert_null(r->object_primary[6]);

	r = normtab_record(t, audit_name_to_msg_type("BPF"));
	assert_string_equal(r->action_field, "op");
	assert_string_equal(r->action_values[0].value, "LOAD");
	assert_string_equal(r->action_values[0].action, "loaded-bpf-program");
	assert_string_equal(r->action_values[1].value, "UNLOAD");
	assert_null(r->action_values[2].value);

	r = normtab_record(t, 1204); /* DAEMON_RECONFIG: given by number */
	assert_string_equal(r->action, "reconfigured-auditd");

	r = normtab_record(t, audit_name_to_msg_type("PATH"));
	assert_string_equal(r->event_kind, "audit-rule");

	/* unknown and out-of-range types: the generic rule, never NULL */
	r = normtab_record(t, 1999);
	assert_non_null(r);
	assert_string_equal(r->event_kind, "unknown");
	assert_ptr_equal(r, normtab_record(t, 0));
	assert_ptr_equal(r, normtab_record(t, -5));
	assert_ptr_equal(r, normtab_record(t, 3000));
	assert_ptr_equal(r, normtab_record(t, 999));
}

static void test_null_table(void **state)
{
	(void)state;
	assert_non_null(normtab_record(NULL, 1112));
	assert_non_null(normtab_syscall(NULL, MACH_86_64, 59));
	assert_non_null(normtab_record(NULL, 1112)->action);
	normtab_free(NULL);
}

/* ------------------------------------------------------------- coverage */

static void test_record_type_coverage(void **state)
{
	const struct normtab *t = *state;
	const struct norm_rule *def = record_default(t);
	int known = 0, covered = 0;

	for (int type = 1000; type <= 2999; type++) {
		const char *name = audit_msg_type_to_name(type);
		if (!name)
			continue;
		known++;
		const struct norm_rule *r = normtab_record(t, type);
		if (r == def) {
			fprintf(stderr, "no rule for record type %s (%d)\n", name, type);
			continue;
		}
		assert_non_null(r->action);
		assert_non_null(r->event_kind);
		if (strcmp(r->event_kind, "unknown") == 0) {
			fprintf(stderr, "record type %s has event kind \"unknown\"\n", name);
			continue;
		}
		covered++;
	}
	printf("[ COVERAGE ] record types with a rule: %d of the %d libaudit knows\n", covered, known);
	assert_true(known > 150);
	assert_int_equal(covered, known);
}

/* NAME from "NAME\tSOURCES"; 0 for comments and blank lines. */
static int list_name(char *line, char **name, int *wrapper)
{
	line[strcspn(line, "\r\n")] = 0;
	if (line[0] == '#' || line[0] == 0)
		return 0;
	*wrapper = line[0] == '~';
	*name = line + *wrapper;
	(*name)[strcspn(*name, " \t")] = 0;
	return 1;
}

static void test_syscall_coverage(void **state)
{
	const struct normtab *t = *state;
	const struct norm_rule *def = syscall_default(t);
	FILE *f = fopen(TEST_DATA_DIR "/normalize-syscalls.txt", "r");
	char line[256];
	int names = 0, covered = 0, wrappers = 0, not_x86_64 = 0;

	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		char *name;
		int wrapper;
		if (!list_name(line, &name, &wrapper))
			continue;
		if (wrapper) {
			/* a libc wrapper, not a syscall: no machine knows it */
			for (size_t m = 0; m < NMACHINES; m++)
				assert_int_equal(audit_name_to_syscall(name, machines[m]), -1);
			wrappers++;
			continue;
		}
		names++;
		int ok = 1, seen = 0;
		int nr = audit_name_to_syscall(name, MACH_86_64);
		for (size_t m = 0; m < NMACHINES; m++) {
			int n = audit_name_to_syscall(name, machines[m]);
			if (n < 0 || (nr >= 0 && machines[m] != MACH_86_64))
				continue; /* on x86_64 when it has it, else everywhere */
			seen = 1;
			const struct norm_rule *r = normtab_syscall(t, machines[m], n);
			if (r == def || !r->category[0] || !r->type[0]) {
				fprintf(stderr, "syscall %s (%s %d): %s\n", name,
					audit_machine_to_name(machines[m]), n,
					r == def ? "no rule" : "no ECS category/type");
				ok = 0;
			}
		}
		if (!seen) {
			fprintf(stderr, "syscall %s: no machine knows it\n", name);
			ok = 0;
		}
		not_x86_64 += nr < 0;
		covered += ok;
	}
	fclose(f);

	/* how much of x86_64 the table covers beyond the two sources */
	int x86 = 0, x86_rules = 0;
	for (int nr = 0; nr < 1024; nr++) {
		if (!audit_syscall_to_name(nr, MACH_86_64))
			continue;
		x86++;
		x86_rules += normtab_syscall(t, MACH_86_64, nr) != def;
	}
	printf("[ COVERAGE ] syscalls from libauparse + go-libaudit with a rule: %d of %d "
	       "(%d not on x86_64, checked where they exist; %d libc wrappers skipped)\n",
	       covered, names, not_x86_64, wrappers);
	printf("[ COVERAGE ] x86_64 syscalls with a rule: %d of the %d libaudit knows\n",
	       x86_rules, x86);
	assert_true(names > 100);
	assert_int_equal(covered, names);
}

/* Every rule reachable is complete; lists the ECS category/type pairs that
 * ECS does not expect together (advisory: allowed, but worth a look). */
static void test_rules_well_formed(void **state)
{
	const struct normtab *t = *state;
	int advisories = 0;
	const struct norm_rule *uniq[1024];
	size_t nuniq = 0;

	/* every distinct rule reachable by a lookup */
	for (int i = 0; i < 2000 + (int)NMACHINES * 1024; i++) {
		const struct norm_rule *r = i < 2000
			? normtab_record(t, 1000 + i)
			: normtab_syscall(t, machines[(i - 2000) / 1024], (i - 2000) % 1024);
		size_t j;
		for (j = 0; j < nuniq && uniq[j] != r; j++)
			;
		if (j == nuniq) {
			assert_true(nuniq < sizeof(uniq) / sizeof(uniq[0]));
			uniq[nuniq++] = r;
		}
	}

	for (size_t i = 0; i < nuniq; i++) {
		const struct norm_rule *r = uniq[i];
		assert_non_null(r->action);
		assert_true(r->action[0] != 0);
		assert_non_null(r->event_kind);
		assert_true(r->object_path_index >= -1 && r->object_path_index <= 15);
		for (size_t k = 0; r->type[k]; k++) {
			int expected = 0;
			for (size_t c = 0; r->category[c]; c++)
				expected |= norm_ecs_type_expected(r->category[c], r->type[k]);
			if (!expected && r->category[0]) {
				printf("[ ADVISORY ] %s: event.type %s is not expected with event.category %s%s%s\n",
				       r->action, r->type[k], r->category[0],
				       r->category[1] ? "," : "", r->category[1] ? r->category[1] : "");
				advisories++;
			}
		}
		for (size_t k = 0; r->action_field && r->action_values[k].value; k++)
			assert_non_null(r->action_values[k].action);
	}
	printf("[ RULES    ] %zu distinct rules reachable; %d category/type pairs outside ECS's "
	       "expectations (advisory)\n", nuniq, advisories);
	assert_true(norm_ecs_type_expected("file", "creation"));
	assert_false(norm_ecs_type_expected("authentication", "denied"));
	assert_false(norm_ecs_type_expected("nope", "info"));
}

static void test_load_time(void **state)
{
	(void)state;
	char err[512];
	const int rounds = 20;
	double t0 = now_ms();
	for (int i = 0; i < rounds; i++) {
		struct normtab *t = normtab_load(NULL, err, sizeof err);
		assert_non_null(t);
		normtab_free(t);
	}
	double ms = (now_ms() - t0) / rounds;
	printf("[ TIMING   ] normtab_load(built-in) + normtab_free: %.2f ms\n", ms);
	assert_true(ms < 1000.0); /* generous: sanitizers and valgrind are slow */
}

/* ------------------------------------------------------------ user files */

static void test_user_override(void **state)
{
	(void)state;
	char path[64], err[512];
	const char *text =
		"{\n"
		" \"version\": 1,\n"
		" \"templates\": {\"mine\": {\"event_kind\": \"audit-rule\", \"how\": \"comm\"}},\n"
		" \"syscalls\": {\n"
		"  \"openat\": {\"template\": [\"syscall\", \"file\"], \"action\": \"opened-file-here\", \"type\": \"access\"}\n"
		" },\n"
		" \"record_types\": {\n"
		"  \"1350\": {\"template\": \"mine\", \"action\": \"did-a-new-thing\", \"category\": \"host\", \"type\": \"info\"},\n"
		"  \"USER_LOGIN\": {\"template\": \"user-session\", \"event_kind\": \"user-login\", \"action\": \"signed-in\"}\n"
		" }\n"
		"}\n";
	struct normtab *t = load_user_text(text, path, sizeof path, err, sizeof err);
	if (!t)
		fail_msg("%s", err);

	const struct norm_rule *r = normtab_syscall(t, MACH_86_64, 257);
	assert_string_equal(r->action, "opened-file-here");
	assert_true(has(r->type, "access"));
	assert_string_equal(r->subject_primary[0], "auid"); /* from the built-in template */
	assert_ptr_equal(r, normtab_syscall(t, MACH_AARCH64, 56)); /* every machine */
	/* open shared the built-in rule with openat and keeps it */
	assert_string_equal(normtab_syscall(t, MACH_86_64, 2)->action, "opened-file");

	r = normtab_record(t, 1350);
	assert_string_equal(r->action, "did-a-new-thing");
	assert_string_equal(r->how[0], "comm");
	assert_null(r->how[1]);
	assert_int_equal(r->object_path_index, -1);

	r = normtab_record(t, 1112);
	assert_string_equal(r->action, "signed-in");
	assert_null(r->category[0]); /* whole-rule replacement: nothing inherited */

	/* the rest is the built-in table */
	assert_string_equal(normtab_syscall(t, MACH_86_64, 59)->action, "executed");
	assert_string_equal(normtab_record(t, audit_name_to_msg_type("ADD_USER"))->action,
			    "added-user-account");
	normtab_free(t);
}

static void test_user_defaults(void **state)
{
	(void)state;
	char path[64], err[512];
	struct normtab *t = load_user_text(
		"{\"version\": 1, \"note\": \"only defaults\",\n"
		" \"syscall_default\": {\"event_kind\": \"audit-rule\", \"action\": \"did-something\"},\n"
		" \"record_default\": {\"event_kind\": \"unknown\", \"action\": \"no-idea\", \"ecs_kind\": \"event\"}}\n",
		path, sizeof path, err, sizeof err);
	if (!t)
		fail_msg("%s", err);
	assert_string_equal(normtab_syscall(t, MACH_86_64, 9999)->action, "did-something");
	assert_string_equal(normtab_record(t, 1999)->action, "no-idea");
	assert_string_equal(normtab_record(t, 1999)->ecs_kind, "event");
	assert_string_equal(normtab_syscall(t, MACH_86_64, 59)->action, "executed");
	normtab_free(t);
}

/* ---------------------------------------------------------------- errors */

struct bad_case {
	const char *text;
	const char *expect[3]; /* substrings of the message, besides the file name */
};

#define RULE(extra) "{\"template\": \"syscall\", \"action\": \"x\"" extra "}"

static const struct bad_case bad_cases[] = {
	/* unknown key in a rule */
	{"{\"version\": 1, \"syscalls\": {\"openat\": " RULE(", \"acton\": \"y\"") "}}",
	 {"entry syscalls \"openat\"", "unknown key \"acton\""}},
	/* wrong types */
	{"{\"version\": 1, \"syscalls\": {\"openat\": {\"template\": \"syscall\", \"action\": 5}}}",
	 {"entry syscalls \"openat\"", "\"action\" must be a string, not int"}},
	{"{\"version\": 1, \"syscalls\": {\"openat\": " RULE(", \"how\": {\"a\": 1}") "}}",
	 {"entry syscalls \"openat\"", "\"how\" must be a string or an array of strings"}},
	{"{\"version\": 1, \"syscalls\": {\"openat\": " RULE(", \"how\": [\"exe\", 3]") "}}",
	 {"entry syscalls \"openat\"", "\"how\" must be a string, not int"}},
	{"{\"version\": 1, \"record_types\": {\"USER\": [1, 2]}}",
	 {"entry record_types \"USER\"", "a rule must be an object, not array"}},
	{"{\"version\": 1, \"syscalls\": {\"openat\": " RULE(", \"object_path_index\": \"1\"") "}}",
	 {"entry syscalls \"openat\"", "\"object_path_index\" must be an integer or null"}},
	{"{\"version\": 1, \"syscalls\": []}", {"entry syscalls", "must be an object, not array"}},
	/* ECS values */
	{"{\"version\": 1, \"syscalls\": {\"openat\": " RULE(", \"category\": [\"file\", \"files\"]") "}}",
	 {"entry syscalls \"openat\"", "\"files\" is not an ECS 8.11 event.category value"}},
	{"{\"version\": 1, \"syscalls\": {\"openat\": " RULE(", \"category\": \"audit-rule\"") "}}",
	 {"entry syscalls \"openat\"", "\"audit-rule\" is not an ECS 8.11 event.category value"}},
	{"{\"version\": 1, \"record_types\": {\"USER_LOGIN\": {\"event_kind\": \"user-login\", "
	 "\"action\": \"x\", \"type\": \"fail\"}}}",
	 {"entry record_types \"USER_LOGIN\"", "\"fail\" is not an ECS 8.11 event.type value"}},
	{"{\"version\": 1, \"syscalls\": {\"openat\": " RULE(", \"ecs_kind\": \"alarm\"") "}}",
	 {"entry syscalls \"openat\"", "\"alarm\" is not an ECS 8.11 event.kind value"}},
	{"{\"version\": 1, \"syscalls\": {\"openat\": "
	 RULE(", \"type\": [\"info\", \"start\", \"end\", \"change\", \"access\"]") "}}",
	 {"entry syscalls \"openat\"", "too many values in \"type\" (5, at most 4)"}},
	/* names */
	{"{\"version\": 1, \"record_types\": {\"USER_LOGIN, NO_SUCH_TYPE\": "
	 "{\"event_kind\": \"unknown\", \"action\": \"x\"}}}",
	 {"entry record_types \"USER_LOGIN, NO_SUCH_TYPE\"", "unknown record type \"NO_SUCH_TYPE\""}},
	{"{\"version\": 1, \"record_types\": {\"999\": {\"event_kind\": \"unknown\", \"action\": \"x\"}}}",
	 {"entry record_types \"999\"", "is outside 1000..2999"}},
	{"{\"version\": 1, \"syscalls\": {\"open,no_such_call\": " RULE("") "}}",
	 {"entry syscalls \"open,no_such_call\"", "unknown syscall \"no_such_call\""}},
	{"{\"version\": 1, \"syscalls\": {\"open,,openat\": " RULE("") "}}",
	 {"entry syscalls \"open,,openat\"", "empty name"}},
	{"{\"version\": 1, \"syscalls\": {\"open\": " RULE("") ", \"creat,open\": " RULE("") "}}",
	 {"entry syscalls \"creat,open\"", "syscall \"open\"", "already has a rule (entry \"open\")"}},
	{"{\"version\": 1, \"record_types\": {\"1112\": {\"event_kind\": \"unknown\", \"action\": \"x\"}, "
	 "\"USER_LOGIN\": {\"event_kind\": \"unknown\", \"action\": \"y\"}}}",
	 {"entry record_types \"USER_LOGIN\"", "already has a rule (entry \"1112\")"}},
	/* object_path_index */
	{"{\"version\": 1, \"syscalls\": {\"openat\": " RULE(", \"object_path_index\": 16") "}}",
	 {"entry syscalls \"openat\"", "\"object_path_index\" 16 is out of 0..15"}},
	{"{\"version\": 1, \"syscalls\": {\"openat\": " RULE(", \"object_path_index\": -1") "}}",
	 {"entry syscalls \"openat\"", "\"object_path_index\" -1 is out of 0..15"}},
	/* too many fields */
	{"{\"version\": 1, \"syscalls\": {\"openat\": "
	 RULE(", \"subject_primary\": [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\"]") "}}",
	 {"entry syscalls \"openat\"", "too many values in \"subject_primary\" (7, at most 6)"}},
	/* mappings */
	{"{\"version\": 1, \"syscalls\": {\"openat\": "
	 RULE(", \"mappings\": {\"subject.primary\": \"user.nope\"}") "}}",
	 {"entry syscalls \"openat\"", "unknown mapping target \"user.nope\""}},
	{"{\"version\": 1, \"syscalls\": {\"openat\": "
	 RULE(", \"mappings\": {\"actor.primary\": \"user\"}") "}}",
	 {"entry syscalls \"openat\"", "unknown mapping source \"actor.primary\""}},
	/* templates, required keys, kinds */
	{"{\"version\": 1, \"syscalls\": {\"openat\": {\"template\": \"sycall\", \"action\": \"x\"}}}",
	 {"entry syscalls \"openat\"", "unknown template \"sycall\""}},
	{"{\"version\": 1, \"templates\": {\"t\": {\"template\": \"syscall\"}}}",
	 {"entry templates \"t\"", "a template cannot use \"template\""}},
	{"{\"version\": 1, \"syscalls\": {\"openat\": {\"template\": \"syscall\"}}}",
	 {"entry syscalls \"openat\"", "no \"action\""}},
	{"{\"version\": 1, \"syscalls\": {\"openat\": {\"action\": \"x\"}}}",
	 {"entry syscalls \"openat\"", "no \"event_kind\""}},
	{"{\"version\": 1, \"syscalls\": {\"openat\": {\"action\": \"x\", \"event_kind\": \"user_login\"}}}",
	 {"entry syscalls \"openat\"", "unknown event_kind \"user_login\""}},
	{"{\"version\": 1, \"syscalls\": {\"openat\": " RULE(", \"action\": \"\"") "}}",
	 {"entry syscalls \"openat\"", "\"action\" is empty"}},
	/* action_by */
	{"{\"version\": 1, \"syscalls\": {\"openat\": "
	 RULE(", \"action_by\": {\"field\": \"op\", \"value\": {}}") "}}",
	 {"entry syscalls \"openat\"", "unknown key \"value\" in \"action_by\""}},
	{"{\"version\": 1, \"syscalls\": {\"openat\": " RULE(", \"action_by\": {\"field\": \"op\"}") "}}",
	 {"entry syscalls \"openat\"", "\"action_by\" needs \"field\" and \"values\""}},
	/* the file itself */
	{"{\"version\": 2}", {"unsupported \"version\" 2"}},
	{"{\"syscalls\": {}}", {"no \"version\""}},
	{"{\"version\": 1, \"sycalls\": {}}", {"unknown top-level key \"sycalls\""}},
	{"{\"version\": 1,\n \"syscalls\": {\n  \"openat\": {,}\n }\n}", {"line 3: JSON syntax error"}},
	{"{\"version\": 1, \"syscalls\": {\"openat\"", {"line 1: JSON syntax error", "unexpected end"}},
	{"{\"version\": 1} {}", {"line 1: JSON syntax error"}},
	{"[1]", {"the top level must be an object, not array"}},
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		char path[64], err[512];
		struct normtab *t = load_user_text(c->text, path, sizeof path, err, sizeof err);
		if (t) {
			normtab_free(t);
			fail_msg("case %zu loaded: %s", i, c->text);
		}
		/* "FILE: entry NAME: what" with the file named first */
		if (strncmp(err, path, strlen(path)) != 0 || strncmp(err + strlen(path), ": ", 2) != 0)
			fail_msg("case %zu: message does not start with the file: %s", i, err);
		for (size_t k = 0; k < 3 && c->expect[k]; k++)
			if (!strstr(err, c->expect[k]))
				fail_msg("case %zu: \"%s\" not in: %s", i, c->expect[k], err);
	}
}

static void test_error_missing_file(void **state)
{
	(void)state;
	char err[512];
	assert_null(normtab_load("/nonexistent/normalizations.json", err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/normalizations.json: cannot open:"));
	/* a too-small or absent error buffer is fine */
	char tiny[8];
	assert_null(normtab_load("/nonexistent/x.json", tiny, sizeof tiny));
	assert_int_equal(strlen(tiny), sizeof tiny - 1);
	assert_null(normtab_load("/nonexistent/x.json", NULL, 0));
}

int main(void)
{
	const struct CMUnitTest builtin[] = {
		cmocka_unit_test(test_known_syscalls),
		cmocka_unit_test(test_known_record_types),
		cmocka_unit_test(test_record_type_coverage),
		cmocka_unit_test(test_syscall_coverage),
		cmocka_unit_test(test_rules_well_formed),
	};
	const struct CMUnitTest other[] = {
		cmocka_unit_test(test_null_table),
		cmocka_unit_test(test_load_time),
		cmocka_unit_test(test_user_override),
		cmocka_unit_test(test_user_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_missing_file),
	};
	int rc = cmocka_run_group_tests_name("normalize: built-in table", builtin,
					     group_setup, group_teardown);
	rc += cmocka_run_group_tests_name("normalize: loading", other, NULL, NULL);
	return rc;
}
