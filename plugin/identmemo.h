/* identmemo: a small fixed table from a key's bytes to a few byte strings.
 *
 * ecs.c keeps the identity sections of recent documents here (the process's
 * credentials, user, auditd.user), keyed by the field values they were
 * rendered from: a server's events repeat the same few credential sets, and
 * a repeated set is copied rather than looked up and escaped again. The
 * table is direct-mapped with IDENTMEMO_SLOTS entries of at most
 * IDENTMEMO_DATA bytes (key and parts together): what does not fit is simply
 * not kept, so the memory is fixed whatever the input. */
#ifndef AUDISP_ECS_IDENTMEMO_H
#define AUDISP_ECS_IDENTMEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "interpret.h"

#define IDENTMEMO_SLOTS 64
#define IDENTMEMO_DATA 1024
#define IDENTMEMO_PARTS 7

struct identmemo;

struct identmemo *identmemo_new(void);
void identmemo_free(struct identmemo *m);
/* The parts kept for key, pointing into the table (valid until the next
 * identmemo_put()); false when the key is not there. hash is any function
 * of the key's bytes (the same one for every call on m, its high bits
 * mixed: callers hash a key as they build it, e.g. load_hash()); the key is
 * compared whole all the same. */
bool identmemo_get(const struct identmemo *m, uint64_t hash, const char *key, size_t klen,
		   struct strv part[IDENTMEMO_PARTS]);
/* Keeps copies of key and the parts (empty ones may have a NULL p), in place
 * of whatever held key's entry; nothing when they do not fit. */
void identmemo_put(struct identmemo *m, uint64_t hash, const char *key, size_t klen,
		   const struct strv part[IDENTMEMO_PARTS]);

#endif
