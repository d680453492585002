/* config: the daemon's settings, from built-in defaults and an auditd-style
 * `key = value` file. Parsing is all-or-nothing: a file with any error leaves
 * the caller's current configuration untouched (so SIGHUP with a bad file
 * keeps the old one running). */
#ifndef AUDISP_ECS_CONFIG_H
#define AUDISP_ECS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define CONFIG_MAX_OUTPUTS 16
#define CONFIG_DEFAULT_OUTPUT "file:/var/log/audisp-ecs/audisp-ecs.json"

enum output_kind {
	OUTPUT_STDOUT,
	OUTPUT_FILE,
	OUTPUT_SYSLOG,
	OUTPUT_JOURNAL,
};

struct output_spec {
	enum output_kind kind;
	char *path; /* OUTPUT_FILE only; malloc'ed */
};

struct config {
	struct output_spec outputs[CONFIG_MAX_OUTPUTS];
	size_t n_outputs;
	bool resolve_ids;          /* uid/gid -> names; default yes */
	double end_of_event_timeout; /* seconds; default 2 */
	size_t max_inflight;       /* events held for reassembly; default 4096 */
};

/* Built-in defaults: one output, CONFIG_DEFAULT_OUTPUT. */
void config_defaults(struct config *c);

/* Reads FILE into *c (starting from defaults). On error returns -1 and puts
 * "FILE:LINE: what is wrong" into err; *c is then unchanged. A file that
 * lists no `output` keeps the default output. */
int config_load(struct config *c, const char *path, char *err, size_t errlen);

/* Parses one output SPEC ("stdout", "file:/abs/path", "syslog", "journal").
 * Returns -1 with a message in err when it is not one of those. */
int config_parse_output(const char *spec, struct output_spec *out, char *err, size_t errlen);

/* Replaces c's outputs with a copy of specs. */
int config_set_outputs(struct config *c, const struct output_spec *specs, size_t n);

void config_free(struct config *c);

#endif
