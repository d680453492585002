#include "summary.h"

#include <stdio.h>
#include <string.h>

/* The defaults follow libauparse: actor auid/uid, how the executable. */
static const char *const def_subj1[] = {"auid", NULL};
static const char *const def_subj2[] = {"uid", NULL};
static const char *const def_how[] = {"exe", NULL};

/* A summary value: names for ids (when resolving), a socket address for
 * saddr, names for arch/syscall, decoded text otherwise. */
static bool summary_value(struct view *v, const struct parsed_rec *r, const struct field *f,
			  struct strv *out)
{
	const struct name_slot *ns = view_name(v, f->key);
	struct strv val;

	if (ns && ns->id) {
		struct ident id;
		const struct field *ef = r && r->nefields ? view_enriched(r, f->key) : NULL;
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
	} else if (!view_text(v, f, &val)) {
		return false;
	}
	if (!val.len)
		return false;
	*out = val;
	return true;
}

void summary_build(struct view *v, struct summary *s)
{
	const struct norm_rule *rule = v->rule;
	const struct parsed_rec *how_rec = NULL;

	memset(s, 0, sizeof(*s));
	const char *const *subj1 = rule->subject_primary[0] ? rule->subject_primary : def_subj1;
	const char *const *subj2 = rule->subject_secondary[0] ? rule->subject_secondary : def_subj2;
	const char *const *howl = rule->how[0] ? rule->how : def_how;
	s->subj[0] = view_find(v, subj1, &s->subj_rec[0]);
	s->subj[1] = view_find(v, subj2, &s->subj_rec[1]);
	s->obj[0] = view_find(v, rule->object_primary, &s->obj_rec[0]);
	s->obj[1] = view_find(v, rule->object_secondary, &s->obj_rec[1]);
	const struct field *howf = view_find(v, howl, &how_rec);
	for (int i = 0; i < 2; i++) {
		if (s->subj[i])
			summary_value(v, s->subj_rec[i], s->subj[i], &s->actor[i]);
		if (s->obj[i])
			summary_value(v, s->obj_rec[i], s->obj[i], &s->object[i]);
	}
	if (howf)
		summary_value(v, how_rec, howf, &s->how);

	const struct name_slot *ons = s->obj[0] ? view_name(v, s->obj[0]->key) : NULL;
	/* a socket object: its port is the secondary object */
	if (ons && ons->key == K_SADDR && !s->object[1].len && v->have_sa && v->sa.port >= 0) {
		char *port = arena_alloc(&v->arena, 8);
		if (port)
			s->object[1] = (struct strv){port, (size_t)snprintf(port, 8, "%d", v->sa.port)};
	}
	/* no object field named: the object's PATH, else the socket address */
	if (!s->obj[0] && v->object_path) {
		const struct field *f =
			record_field(v->object_path->fields, v->object_path->nfields, "name");
		struct strv name;
		if (f && view_text(v, f, &name))
			s->object[0] = name;
	}
	if (!s->obj[0] && !s->object[0].len && v->have_sa) {
		const char *a = v->sa.addr[0] ? v->sa.addr : v->sa.path;
		s->object[0] = (struct strv){a, strlen(a)};
	}
	s->object_type = rule->object_type;
	if (!s->object_type && v->object_path) {
		const struct field *f =
			record_field(v->object_path->fields, v->object_path->nfields, "mode");
		uint64_t mode;
		if (f && interp_u64(f->val.p, f->val.len, 8, &mode))
			s->object_type = interp_mode_kind((unsigned long)mode);
	}
	const struct name_slot *ans = s->subj[0] ? view_name(v, s->subj[0]->key) : NULL;
	s->actor_is_user = ans && (ans->id || ans->key == K_ACCT);
}
