/* normalize: the facts that turn an audit event into meaning, as data.
 *
 * The rules live in normalizations.json (compiled into the binary) and can be
 * extended or overridden by a user file. They are parsed once with json-c into
 * arrays indexed by record type and by (machine, syscall number), so a lookup
 * per event is an array index, never a string search.
 *
 * A rule says, for one record type or one syscall, what the event is
 * (action, ECS category/type, the normalizer's event kind) and which fields
 * name its actor, object and means ("how"), following libauparse's
 * normalizer and go-libaudit's aucoalesce. */
#ifndef AUDISP_ECS_NORMALIZE_H
#define AUDISP_ECS_NORMALIZE_H

#include <stddef.h>

#define NORM_MAX_FIELDS 6  /* candidate field names per role, first present wins */
#define NORM_MAX_ECS 4     /* ECS categories / types per rule */
#define NORM_MAX_ACTION_VALUES 8 /* value -> action refinements per rule */

/* Record types with a slot in the record-type table (user space ends at 2999). */
#define NORM_TYPE_MIN 1000
#define NORM_TYPE_MAX 2999

/* Where a summary value also goes in ECS (go-libaudit's "mappings"). */
enum norm_map {
	NORM_MAP_NONE = 0,
	NORM_MAP_USER,           /* user.{id,name} */
	NORM_MAP_USER_EFFECTIVE, /* user.effective.* */
	NORM_MAP_USER_TARGET,    /* user.target.* */
	NORM_MAP_USER_CHANGES,   /* user.changes.* */
	NORM_MAP_GROUP,          /* group.* */
};

/* One refinement of the action by a field's value (see norm_rule.action_field). */
struct norm_action_value {
	const char *value;  /* the field's raw value, quotes removed; "*" = any value */
	const char *action; /* event.action when it matches */
};

struct norm_rule {
	const char *action;      /* event.action, e.g. "opened-file"; never NULL */
	const char *event_kind;  /* auditd.event_kind, e.g. "audit-rule"; never NULL */
	const char *object_type; /* auditd.summary.object.type; NULL = derive */
	/* NULL-terminated lists of field names; first present wins */
	const char *subject_primary[NORM_MAX_FIELDS + 1];
	const char *subject_secondary[NORM_MAX_FIELDS + 1];
	const char *object_primary[NORM_MAX_FIELDS + 1];
	const char *object_secondary[NORM_MAX_FIELDS + 1];
	const char *how[NORM_MAX_FIELDS + 1];
	/* the object is the name in the PATH record with item=N; -1 = not a path.
	 * As libauparse does, a writer should skip nametype=PARENT records from
	 * item N on and fall back to the PARENT one when nothing else is left. */
	int object_path_index;
	/* NULL-terminated ECS values (event.category / event.type) */
	const char *category[NORM_MAX_ECS + 1];
	const char *type[NORM_MAX_ECS + 1];
	enum norm_map map_subject_primary;
	enum norm_map map_subject_secondary;
	enum norm_map map_object_primary;
	enum norm_map map_object_secondary;
	/* Added after the first version of this header (additive): */
	/* ECS event.kind for this rule ("alert" for anomalies); NULL = "event" */
	const char *ecs_kind;
	/* libauparse-style refinement: when the event's record has the field
	 * action_field and its raw value matches action_values[i].value, the
	 * action is action_values[i].action (first match wins). NULL = none. */
	const char *action_field;
	struct norm_action_value action_values[NORM_MAX_ACTION_VALUES + 1]; /* {NULL,NULL} ends */
	/* Each role name's slot in the event view (view.h's enum key; 0 for a
	 * name without one), in step with the lists above: the summary takes a
	 * slotted field from its slot instead of looking the name up per event. */
	unsigned char subject_primary_key[NORM_MAX_FIELDS + 1];
	unsigned char subject_secondary_key[NORM_MAX_FIELDS + 1];
	unsigned char object_primary_key[NORM_MAX_FIELDS + 1];
	unsigned char object_secondary_key[NORM_MAX_FIELDS + 1];
	unsigned char how_key[NORM_MAX_FIELDS + 1];
	/* The lengths of action, event_kind, ecs_kind (0 when NULL) and of
	 * category's and type's values (ECS names, all short), set with the
	 * rule: writers take them instead of counting bytes per event. */
	size_t action_len, event_kind_len, ecs_kind_len;
	unsigned char category_len[NORM_MAX_ECS + 1];
	unsigned char type_len[NORM_MAX_ECS + 1];
	/* ECS's "event" object up to its action's value, composed with the rule
	 * (escaped JSON), for writers to copy whole: "event":{"kind":..,
	 * "module":"auditd","category":[..],"type":[..],"action": with the
	 * rule's own lists (an empty one left out). NULL when not composed. */
	const char *ecs_event;
	size_t ecs_event_len;
};

struct normtab;

/* Loads the built-in table, then (if user_path is not NULL) a user file whose
 * entries add to or replace built-in ones (a user rule replaces the whole
 * built-in rule for each name it lists). NULL on error with "FILE: entry
 * NAME: what is wrong" in err (FILE is "built-in" for the compiled-in table).
 * The schema is described in NORMALIZATION.md. */
struct normtab *normtab_load(const char *user_path, char *err, size_t errlen);
void normtab_free(struct normtab *t);

/* The rule for a record type (the event's first/primary record); never NULL:
 * unknown types (and types outside NORM_TYPE_MIN..NORM_TYPE_MAX) get a
 * generic rule with event kind "unknown". */
const struct norm_rule *normtab_record(const struct normtab *t, int type);
/* The rule for a syscall; machine is libaudit's MACH_* (audit_elf_to_machine),
 * nr the syscall number on it. Never NULL: unknown syscalls, machines and
 * out-of-range numbers get the catch-all. */
const struct norm_rule *normtab_syscall(const struct normtab *t, int machine, int nr);

/* 1 if ECS 8.11 lists type among the event.type values expected with
 * category (advisory only: the loader accepts any allowed pair). */
int norm_ecs_type_expected(const char *category, const char *type);

#endif
