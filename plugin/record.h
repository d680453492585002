/* record: one audit record (one line) -> type, node, time stamp, serial, and
 * its fields, without copying: everything points into the line.
 *
 * A line looks like
 *   [node=NAME ]type=TYPE msg=audit(SEC.MSEC:SERIAL): k=v k="v" ...[\x1dK=V ...]
 * where the part after 0x1D exists in auditd's ENRICHED format and carries
 * interpreted values (names for ids, arch and syscall names). */
#ifndef AUDISP_ECS_RECORD_H
#define AUDISP_ECS_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "interpret.h"

#define RECORD_ENRICHED_SEP '\x1d'

struct record_hdr {
	int type;           /* numeric type, 0 if the name is unknown */
	struct strv type_name;
	struct strv node;   /* empty without node= */
	uint64_t sec;
	uint32_t msec;
	uint32_t serial;
	struct strv body;     /* the fields after "): " up to 0x1D or the end */
	struct strv enriched; /* the fields after 0x1D; empty in RAW format */
};

/* Parses the header of a line. Returns 0, or -1 when it is not an audit
 * record (the line is then counted and dropped by the caller). The last time
 * stamp is kept as text, so the next record of the same event need not parse
 * its numbers (one thread, like the type names' cache). */
int record_parse_header(const char *line, size_t len, struct record_hdr *h);

struct field {
	struct strv key;
	struct strv val; /* as written: may still carry quotes or hex */
};

/* Splits "k=v k2=\"v 2\" msg='a=b c=d'" into fields, at most max. A quoted
 * msg='...' (user-space records) is flattened into its own fields. Inside
 * it, user-space writers leave spaces in bare values ("op=adding user
 * id=1001", "text=free words"): a word without '=' after a bare value
 * extends that value. Free text with no value before it (USER_AVC's
 * "avc:  denied ...") keeps the whole text as field "msg" too. Elsewhere,
 * words without '=' (AVC's "avc:  denied  { read } for") are kept with an
 * empty key so nothing is lost. Returns the number of fields; *truncated is
 * set when more than max were present. */
size_t record_fields(struct strv body, struct field *out, size_t max, bool *truncated);

/* The first field named key, or NULL. Inline: with a literal key, the
 * length and the compare are settled at compile time. */
static inline const struct field *record_field(const struct field *f, size_t n, const char *key)
{
	size_t kl = __builtin_strlen(key);
	for (size_t i = 0; i < n; i++)
		if (f[i].key.len == kl && !__builtin_memcmp(f[i].key.p, key, kl))
			return &f[i];
	return NULL;
}

/* Record type name -> number via libaudit, cached by name (no string search
 * per record once a name has been seen). "UNKNOWN[1234]" -> 1234. */
int record_type_number(const char *name, size_t len);

#endif
