#include "output.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static struct output *open_kind(const struct output_spec *spec, const struct config *c,
				char *err, size_t errlen)
{
	switch (spec->kind) {
	case OUTPUT_STDOUT:
		return output_stdout_open(err, errlen);
	case OUTPUT_FILE:
		return output_file_open(spec->path, c, err, errlen);
	case OUTPUT_SYSLOG:
		return output_syslog_open(c, err, errlen);
	case OUTPUT_JOURNAL:
		return output_journal_open(c, err, errlen);
	}
	snprintf(err, errlen, "unknown output kind %d", (int)spec->kind);
	return NULL;
}

struct output *output_open(const struct output_spec *spec, const struct config *c, char *err,
			   size_t errlen)
{
	struct output *o = open_kind(spec, c, err, errlen);
	if (o)
		o->kind = spec->kind;
	return o;
}

/* Whether o was opened from spec. */
static bool same_spec(const struct output *o, const struct output_spec *spec)
{
	if (o->kind != spec->kind)
		return false;
	if (spec->kind != OUTPUT_FILE)
		return true;
	return !strncmp(o->name, "file:", 5) && !strcmp(o->name + 5, spec->path);
}

int outputs_open(struct output_set *s, const struct config *c, char *err, size_t errlen)
{
	s->n = 0;
	for (size_t i = 0; i < c->n_outputs; i++) {
		struct output *o = output_open(&c->outputs[i], c, err, errlen);
		if (!o) {
			outputs_close(s);
			return -1;
		}
		s->o[s->n++] = o;
	}
	return 0;
}

/* The outputs count their drops in stats.output_dropped; what each call
 * adds there is that output's share (o->dropped). */
#define CALL(o, expr)                                            \
	do {                                                     \
		uint64_t before_ = stats.output_dropped;         \
		if ((expr) < 0) {                                \
			(o)->errors++;                           \
			stats.output_errors++;                   \
		}                                                \
		(o)->dropped += stats.output_dropped - before_;  \
	} while (0)

void outputs_write(struct output_set *s, const struct doc *d)
{
	for (size_t i = 0; i < s->n; i++)
		CALL(s->o[i], s->o[i]->ops->write(s->o[i], d));
}

void outputs_flush(struct output_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		CALL(s->o[i], s->o[i]->ops->flush(s->o[i]));
}

void outputs_reopen(struct output_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		CALL(s->o[i], s->o[i]->ops->reopen(s->o[i]));
}

size_t output_held(struct output *o)
{
	return o->ops->held ? o->ops->held(o) : 0;
}

uint64_t outputs_held(const struct output_set *s)
{
	uint64_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		n += output_held(s->o[i]);
	return n;
}

void outputs_discard(struct output_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (!s->o[i]->ops->discard)
			continue;
		size_t n = s->o[i]->ops->discard(s->o[i]);
		stats.output_dropped += n;
		s->o[i]->errors += n;
		s->o[i]->dropped += n;
	}
}

int outputs_reload(struct output_set *s, const struct config *c, char *err, size_t errlen)
{
	struct output_set next = {.n = 0};
	bool kept[CONFIG_MAX_OUTPUTS] = {false};

	for (size_t i = 0; i < c->n_outputs; i++) {
		struct output *o = NULL;
		for (size_t k = 0; k < s->n && !o; k++)
			if (!kept[k] && s->o[k]->ops->configure && same_spec(s->o[k], &c->outputs[i])) {
				kept[k] = true;
				o = s->o[k];
			}
		if (!o && !(o = output_open(&c->outputs[i], c, err, errlen))) {
			/* undo: close what was opened anew, keep s */
			for (size_t k = 0; k < next.n; k++) {
				bool old = false;
				for (size_t m = 0; m < s->n; m++)
					old |= next.o[k] == s->o[m];
				if (!old)
					next.o[k]->ops->close(next.o[k]);
			}
			return -1;
		}
		next.o[next.n++] = o;
	}
	for (size_t k = 0; k < s->n; k++) {
		if (kept[k]) {
			s->o[k]->ops->configure(s->o[k], c);
			CALL(s->o[k], s->o[k]->ops->reopen(s->o[k]));
		} else {
			s->o[k]->ops->close(s->o[k]);
		}
	}
	*s = next;
	return 0;
}

void outputs_close(struct output_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		s->o[i]->ops->close(s->o[i]);
	s->n = 0;
}

int outputs_chown(struct output_set *s, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->o[i]->kind == OUTPUT_FILE &&
		    output_file_chown(s->o[i], uid, gid, err, errlen) < 0)
			return -1;
	return 0;
}
