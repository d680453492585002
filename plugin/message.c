#include "message.h"

#include <string.h>
#include <time.h>

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
	char when[16];
	uint64_t sec = v->primary->hdr.sec;

	if (sec < 253402300800ULL) {
		/* UTC time of day, as gmtime would say (no leap seconds in
		 * time_t), without its cost */
		unsigned r = (unsigned)(sec % 86400);
		unsigned f[3] = {r / 3600, r / 60 % 60, r % 60};
		for (int i = 0; i < 3; i++) {
			when[3 * i] = (char)('0' + f[i] / 10);
			when[3 * i + 1] = (char)('0' + f[i] % 10);
			when[3 * i + 2] = i < 2 ? ':' : '\0';
		}
	} else {
		struct tm tm;
		time_t t = (time_t)sec;
		if (!gmtime_r(&t, &tm) || !strftime(when, sizeof(when), "%H:%M:%S", &tm))
			strcpy(when, "??:??:??");
	}
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
