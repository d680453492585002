#include "message.h"

#include <string.h>

struct sbuf {
	char *p;
	size_t len, cap;
};

static void put(struct sbuf *b, const char *s, size_t n)
{
	if (!b->p || b->len + n > b->cap)
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* s a literal, or a choice of literals: its length folds at compile time */
static inline void puts_(struct sbuf *b, const char *s)
{
	put(b, s, strlen(s));
}

struct strv message_text(struct view *v, const struct summary *s, int outcome, const char *when)
{
	size_t action_len = strlen(v->action);
	size_t cap = 64 + action_len + s->actor[0].len + s->actor[1].len + s->object[0].len +
		     s->how.len;
	struct sbuf b = {arena_alloc(&v->arena, cap), 0, cap};
	puts_(&b, "At ");
	put(&b, when, 8);
	if (s->actor[0].len) {
		puts_(&b, " ");
		put(&b, s->actor[0].p, s->actor[0].len);
	}
	if (s->actor[1].len) {
		puts_(&b, s->actor[0].len ? ", acting as " : " acting as ");
		put(&b, s->actor[1].p, s->actor[1].len);
		if (s->actor[0].len)
			puts_(&b, ",");
	}
	if (outcome >= 0)
		puts_(&b, outcome ? " successfully" : " unsuccessfully");
	puts_(&b, " ");
	put(&b, v->action, action_len);
	if (s->object[0].len) {
		puts_(&b, " ");
		put(&b, s->object[0].p, s->object[0].len);
	}
	if (s->how.len) {
		puts_(&b, " using ");
		put(&b, s->how.p, s->how.len);
	}
	return (struct strv){b.p, b.len};
}
