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

static void puts_(struct sbuf *b, const char *s)
{
	put(b, s, strlen(s));
}

struct strv message_text(struct view *v, const struct summary *s, int outcome)
{
	size_t cap = 64 + strlen(v->action) + s->actor[0].len + s->actor[1].len + s->object[0].len +
		     s->how.len;
	struct sbuf b = {arena_alloc(&v->arena, cap), 0, cap};
	char utc[INTERP_UTC_LEN];
	const char *when = "??:??:??";
	if (interp_utc(v->primary->hdr.sec, utc))
		when = utc + strlen(utc) - 8; /* HH:MM:SS */
	puts_(&b, "At ");
	puts_(&b, when);
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
	puts_(&b, v->action);
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
