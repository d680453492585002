/* summary: who did what to which object, and how - libauparse's
 * normalizer model (auparse_normalize(3)), driven by the event's rule.
 *
 *   actor   primary: the login (audit) user, secondary: the acting user
 *   action  the rule's (view.action)
 *   object  primary/secondary and its kind (file, socket, process, ...);
 *           a file object is the PATH's name, its inode and its mode's kind
 *   how     the program (or terminal, or syscall) it was done with
 *
 * plugin/NORMALIZATION.md ("The summary") says how each part is chosen, and
 * where it still differs from libauparse 3.0.9 and why ("Divergences from
 * libauparse"); tests/tools/auparse-diff.c checks it on every recorded
 * stream. */
#ifndef AUDISP_ECS_SUMMARY_H
#define AUDISP_ECS_SUMMARY_H

#include <stdbool.h>

#include "view.h"

struct summary {
	struct strv actor[2];
	struct strv object[2];
	const char *object_type; /* NULL when unknown */
	struct strv how;
	/* the fields the actor and object came from (a file object: the
	 * PATH's name and inode fields), for the ECS user mappings */
	const struct field *subj[2], *obj[2];
	const struct parsed_rec *subj_rec[2], *obj_rec[2];
	bool actor_is_user; /* the actor is a user (not a label or such) */
};

void summary_build(struct view *v, struct summary *s);

#endif
