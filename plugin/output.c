#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

struct output *output_open(const struct output_spec *spec, const struct config *c, char *err,
			   size_t errlen)
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

void outputs_write(struct output_set *s, const struct doc *d)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->o[i]->ops->write(s->o[i], d) < 0) {
			s->o[i]->errors++;
			stats.output_errors++;
		}
}

void outputs_flush(struct output_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->o[i]->ops->flush(s->o[i]) < 0) {
			s->o[i]->errors++;
			stats.output_errors++;
		}
}

void outputs_reopen(struct output_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->o[i]->ops->reopen(s->o[i]) < 0) {
			s->o[i]->errors++;
			stats.output_errors++;
		}
}

void outputs_close(struct output_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		s->o[i]->ops->close(s->o[i]);
	s->n = 0;
}
