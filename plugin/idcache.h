/* idcache: uid/gid -> name, cached.
 *
 * getpwuid_r() may cost a file read or an NSS round trip; events repeat the
 * same few ids. Entries expire after a TTL so renamed or new accounts show up,
 * and the cache is bounded. Prefer the names auditd already put in the
 * ENRICHED part; this is for RAW streams. */
#ifndef AUDISP_ECS_IDCACHE_H
#define AUDISP_ECS_IDCACHE_H

#include <stdint.h>

/* The unset id (-1 as unsigned). */
#define IDCACHE_UNSET 4294967295u

/* ttl_seconds: how long a lookup (found or not) is trusted. */
void idcache_init(double ttl_seconds);
/* Drops every entry (e.g. on SIGHUP). */
void idcache_flush(void);
void idcache_free(void);
/* The name, or NULL if the id has none (or is IDCACHE_UNSET). The pointer is
 * valid until the next idcache call. */
const char *idcache_user(uint32_t uid);
const char *idcache_group(uint32_t gid);

#endif
