/* ecs: one reassembled event -> one ECS 8.11 JSON document.
 *
 * The shape follows Auditbeat's auditd module (what Elastic users know):
 * ECS fields where ECS has a name (event.*, process.*, user.*, file.*,
 * source/destination.*, tags, host.name), everything else under auditd.*
 * (message_type, sequence, result, session, summary, paths, data). The
 * summary (actor / action / object / how) follows libauparse's normalizer,
 * with the rules from normalize.h. */
#ifndef AUDISP_ECS_ECS_H
#define AUDISP_ECS_ECS_H

#include <stdbool.h>

#include "event.h"
#include "normalize.h"
#include "output.h"

struct ecs_options {
	bool resolve_ids;      /* uid/gid -> names (from ENRICHED records, else NSS) */
	bool include_raw;      /* event.original */
	bool include_warnings; /* error.message */
	bool message;          /* message: the text summary */
};

struct ecs_writer;

struct ecs_writer *ecs_writer_new(void);
void ecs_writer_free(struct ecs_writer *w);

/* Writes ev's document, followed by '\n', into *out (valid until the next
 * call). Returns -1 when the document could not be built (out of memory). */
int ecs_write_event(struct ecs_writer *w, const struct event *ev, const struct normtab *nt,
		    const struct ecs_options *o, struct doc *out);

#endif
