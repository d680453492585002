/* idcache: uid/gid -> name, cached.
 *
 * getpwuid_r() may cost a file read or an NSS round trip; events repeat the
 * same few ids. Entries expire after a TTL so renamed or new accounts show up,
 * and the cache is bounded. Prefer the names auditd already put in the
 * ENRICHED part; this is for RAW streams. */
#ifndef AUDISP_ECS_IDCACHE_H
#define AUDISP_ECS_IDCACHE_H

#include <stddef.h>
#include <stdint.h>

/* The unset id (-1 as unsigned). */
#define IDCACHE_UNSET 4294967295u
/* Bound on cached entries per table (users, groups); a full table evicts
 * (an expired entry first, else the least recently used of the few an id can
 * go to). */
#define IDCACHE_ENTRIES 1024

/* ttl_seconds: how long a lookup (found or not) is trusted, measured on the
 * monotonic clock; <= 0 means every call looks up again. Calling it again
 * changes the TTL and flushes. Without a call the TTL is 600 s. */
void idcache_init(double ttl_seconds);
/* Drops every entry (e.g. on SIGHUP). */
void idcache_flush(void);
/* Frees all memory (at exit); later calls start over with the same TTL. */
void idcache_free(void);
/* The name, or NULL if the id has none (or is IDCACHE_UNSET, which is never
 * looked up). The pointer is valid until the next idcache call; copy it (or
 * write it out) before asking again. A failing lookup (NSS error) counts as
 * "no name" and is cached like one. Not thread-safe. */
const char *idcache_user(uint32_t uid);
const char *idcache_group(uint32_t gid);

/* Counters since start (for stats and tests). */
struct idcache_stats {
	uint64_t hits;       /* answered from the cache */
	uint64_t misses;     /* not cached or expired: one getpwuid_r/getgrgid_r */
	uint64_t evictions;  /* live entries dropped to make room */
	size_t entries;      /* cached now, users + groups */
};
void idcache_get_stats(struct idcache_stats *out);

#endif
