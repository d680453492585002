/* idcache: uid/gid -> name, cached. See idcache.h.
 *
 * Each of the two tables is set-associative: an id hashes to one bucket of
 * IDCACHE_WAYS entries; a miss takes a free entry of that bucket, else an
 * expired one, else the least recently used. So a lookup touches at most
 * IDCACHE_WAYS entries and the table never grows past IDCACHE_ENTRIES.
 * Names are copied to the heap on a miss only; a hit allocates nothing. */
#include "idcache.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define IDCACHE_WAYS 4
#define IDCACHE_BUCKETS (IDCACHE_ENTRIES / IDCACHE_WAYS)
#define IDCACHE_DEFAULT_TTL 600.0

struct entry {
	uint32_t id;
	bool used;
	uint32_t last_use;   /* table tick at the last hit, for LRU */
	int64_t expires_ns;  /* monotonic */
	char *name;          /* NULL: the id has no name (negative entry) */
};

struct table {
	struct entry e[IDCACHE_ENTRIES];
	uint32_t tick;
	size_t entries;
};

static struct table users, groups;
static int64_t ttl_ns = (int64_t)(IDCACHE_DEFAULT_TTL * 1e9);
static struct idcache_stats stats;
static char *nss_buf;       /* getpwuid_r/getgrgid_r scratch, grows on ERANGE */
static size_t nss_buf_len;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void table_clear(struct table *t)
{
	for (size_t i = 0; i < IDCACHE_ENTRIES; i++) {
		free(t->e[i].name);
		t->e[i].name = NULL;
		t->e[i].used = false;
	}
	t->entries = 0;
}

void idcache_init(double ttl_seconds)
{
	if (!(ttl_seconds > 0)) /* also NaN */
		ttl_seconds = 0;
	if (ttl_seconds > 1e9)
		ttl_seconds = 1e9;
	ttl_ns = (int64_t)(ttl_seconds * 1e9);
	idcache_flush();
}

void idcache_flush(void)
{
	table_clear(&users);
	table_clear(&groups);
}

void idcache_free(void)
{
	idcache_flush();
	free(nss_buf);
	nss_buf = NULL;
	nss_buf_len = 0;
}

void idcache_get_stats(struct idcache_stats *out)
{
	*out = stats;
	out->entries = users.entries + groups.entries;
}

static bool grow_buf(void)
{
	size_t len = nss_buf_len ? nss_buf_len * 2 : 1024;
	char *p;

	if (len > 1024 * 1024)
		return false;
	p = realloc(nss_buf, len);
	if (!p)
		return false;
	nss_buf = p;
	nss_buf_len = len;
	return true;
}

/* The name from NSS (a fresh heap copy) or NULL when there is none. Errors
 * count as "none": the entry then expires like any other. */
static char *lookup(bool group, uint32_t id)
{
	if (!nss_buf && !grow_buf())
		return NULL;
	for (;;) {
		const char *name = NULL;
		int rc;
		if (group) {
			struct group gr, *res = NULL;
			rc = getgrgid_r((gid_t)id, &gr, nss_buf, nss_buf_len, &res);
			if (rc == 0 && res)
				name = res->gr_name;
		} else {
			struct passwd pw, *res = NULL;
			rc = getpwuid_r((uid_t)id, &pw, nss_buf, nss_buf_len, &res);
			if (rc == 0 && res)
				name = res->pw_name;
		}
		if (rc == ERANGE && grow_buf())
			continue;
		return name ? strdup(name) : NULL;
	}
}

static uint32_t bucket_of(uint32_t id)
{
	/* Fibonacci hashing: nearby ids (1000, 1001...) land in different buckets */
	return (uint32_t)(id * 2654435761u) % IDCACHE_BUCKETS;
}

static const char *get(struct table *t, bool group, uint32_t id)
{
	struct entry *b, *victim = NULL;
	int64_t now;

	if (id == IDCACHE_UNSET)
		return NULL;
	now = now_ns();
	t->tick++;
	b = &t->e[bucket_of(id) * IDCACHE_WAYS];
	for (int i = 0; i < IDCACHE_WAYS; i++) {
		struct entry *e = &b[i];
		if (e->used && e->id == id) {
			if (now < e->expires_ns) {
				stats.hits++;
				e->last_use = t->tick;
				return e->name;
			}
			victim = e; /* expired: look it up again in place */
			break;
		}
	}
	if (!victim) {
		/* a free entry, else an expired one, else the least recently used */
		for (int i = 0; i < IDCACHE_WAYS && !victim; i++)
			if (!b[i].used)
				victim = &b[i];
		for (int i = 0; i < IDCACHE_WAYS && !victim; i++)
			if (now >= b[i].expires_ns)
				victim = &b[i];
		if (!victim) {
			victim = &b[0];
			for (int i = 1; i < IDCACHE_WAYS; i++)
				if ((uint32_t)(t->tick - b[i].last_use) > (uint32_t)(t->tick - victim->last_use))
					victim = &b[i];
			stats.evictions++;
		}
	}
	stats.misses++;
	free(victim->name);
	victim->name = lookup(group, id);
	if (!victim->used)
		t->entries++;
	victim->used = true;
	victim->id = id;
	victim->last_use = t->tick;
	/* the clock is read before the lookup, so a slow NSS shortens the TTL */
	victim->expires_ns = now + ttl_ns;
	return victim->name;
}

const char *idcache_user(uint32_t uid)
{
	return get(&users, false, uid);
}

const char *idcache_group(uint32_t gid)
{
	return get(&groups, true, gid);
}
