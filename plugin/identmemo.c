/* identmemo: see identmemo.h. */
#include "identmemo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>


struct entry {
	uint64_t hash;
	uint16_t klen; /* 0: empty (keys are never empty) */
	uint16_t len[IDENTMEMO_PARTS];
	char data[IDENTMEMO_DATA]; /* the key, then the parts */
};

struct identmemo {
	struct entry e[IDENTMEMO_SLOTS];
};

struct identmemo *identmemo_new(void)
{
	return calloc(1, sizeof(struct identmemo));
}

void identmemo_free(struct identmemo *m)
{
	free(m);
}

/* The entry for hash: its high bits folded down, the slot is taken modulo a
 * small table */
static size_t slot_of(uint64_t h)
{
	return (h ^ h >> 29) % IDENTMEMO_SLOTS;
}

bool identmemo_get(const struct identmemo *m, uint64_t h, const char *key, size_t klen,
		   struct strv part[IDENTMEMO_PARTS])
{
	const struct entry *e = &m->e[slot_of(h)];
	if (!klen || e->hash != h || e->klen != klen || memcmp(e->data, key, klen))
		return false;
	const char *p = e->data + klen;
	for (size_t i = 0; i < IDENTMEMO_PARTS; i++) {
		part[i] = (struct strv){p, e->len[i]};
		p += e->len[i];
	}
	return true;
}

void identmemo_put(struct identmemo *m, uint64_t h, const char *key, size_t klen,
		   const struct strv part[IDENTMEMO_PARTS])
{
	size_t total = klen;
	for (size_t i = 0; i < IDENTMEMO_PARTS; i++)
		total += part[i].len;
	if (!klen || total > IDENTMEMO_DATA)
		return;
	struct entry *e = &m->e[slot_of(h)];
	memcpy(e->data, key, klen);
	char *p = e->data + klen;
	for (size_t i = 0; i < IDENTMEMO_PARTS; i++) {
		if (part[i].len)
			memcpy(p, part[i].p, part[i].len);
		p += part[i].len;
		e->len[i] = (uint16_t)part[i].len;
	}
	e->hash = h;
	e->klen = (uint16_t)klen;
}
