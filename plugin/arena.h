/* arena: bump allocation for one event's decoded values.
 *
 * Decoding (hex, proctitle, sockaddr text) needs somewhere to put bytes that
 * live until the event's document is written. Chunks never move, so pointers
 * stay valid until arena_reset(); reset keeps the first chunk, so a steady
 * stream allocates nothing. */
#ifndef AUDISP_ECS_ARENA_H
#define AUDISP_ECS_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t chunk_size;
};

void arena_init(struct arena *a, size_t chunk_size);
/* n bytes, 8-aligned; NULL only when memory is exhausted. */
void *arena_alloc(struct arena *a, size_t n);
/* Gives back p, the last allocation: the next one reuses its bytes. */
void arena_unalloc(struct arena *a, void *p);
void arena_reset(struct arena *a);
void arena_free(struct arena *a);

#endif
