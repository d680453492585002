#include "message.h"

#include <string.h>

#include "loadword.h"

/* The literals message_text() writes, at most: "At " and the time, " ",
 * ", acting as ", ",", " unsuccessfully", " ", " ", " using ". */
#define LITERALS_MAX 64

/* Appends n bytes at p: the buffer was sized for the whole sentence. Names
 * and actions are short: inline, rather than a call to memcpy. */
static inline char *put(char *p, const char *s, size_t n)
{
	if (n <= 16)
		copy_upto16(p, s, n);
	else
		memcpy(p, s, n);
	return p + n;
}

/* s a literal, or a choice of literals: its length folds at compile time */
static inline char *puts_(char *p, const char *s)
{
	return put(p, s, strlen(s));
}

struct strv message_text(struct view *v, const struct summary *s, int outcome, const char *when)
{
	size_t action_len = strlen(v->action);
	char *b = arena_alloc(&v->arena, LITERALS_MAX + action_len + s->actor[0].len +
						 s->actor[1].len + s->object[0].len + s->how.len);
	if (!b)
		return (struct strv){NULL, 0};
	char *p = puts_(b, "At ");
	p = put(p, when, 8);
	if (s->actor[0].len) {
		p = puts_(p, " ");
		p = put(p, s->actor[0].p, s->actor[0].len);
	}
	if (s->actor[1].len) {
		p = puts_(p, s->actor[0].len ? ", acting as " : " acting as ");
		p = put(p, s->actor[1].p, s->actor[1].len);
		if (s->actor[0].len)
			p = puts_(p, ",");
	}
	if (outcome >= 0)
		p = puts_(p, outcome ? " successfully" : " unsuccessfully");
	p = puts_(p, " ");
	p = put(p, v->action, action_len);
	if (s->object[0].len) {
		p = puts_(p, " ");
		p = put(p, s->object[0].p, s->object[0].len);
	}
	if (s->how.len) {
		p = puts_(p, " using ");
		p = put(p, s->how.p, s->how.len);
	}
	return (struct strv){b, (size_t)(p - b)};
}
