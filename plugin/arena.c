#include "arena.h"

#include <stdint.h>
#include <stdlib.h>

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t used;
	_Alignas(8) unsigned char data[];
};

void arena_init(struct arena *a, size_t chunk_size)
{
	a->head = NULL;
	a->chunk_size = chunk_size ? chunk_size : 16384;
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t need = (n + 7) & ~(size_t)7;
	struct arena_chunk *c = a->head;

	if (need < n)
		return NULL;
	if (!c || c->size - c->used < need) {
		size_t size = need > a->chunk_size ? need : a->chunk_size;
		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += need;
	return p;
}

void arena_unalloc(struct arena *a, void *p)
{
	struct arena_chunk *c = a->head;
	uintptr_t at = (uintptr_t)p, base = c ? (uintptr_t)c->data : 0;

	if (c && at >= base && at - base < c->used)
		c->used = at - base;
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *c = a->head;

	if (!c)
		return;
	/* keep the oldest chunk (the standard size one), free the rest */
	while (c->next) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	if (c->size != a->chunk_size) {
		free(c);
		a->head = NULL;
		return;
	}
	c->used = 0;
	a->head = c;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}
