/* output: where documents go. Each kind (file/stdout now; syslog and journal
 * later) implements the same small set of operations; the daemon holds a set
 * of outputs and hands every document to each. */
#ifndef AUDISP_ECS_OUTPUT_H
#define AUDISP_ECS_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

/* One finished document, as outputs see it. */
struct doc {
	const char *json; /* one JSON object followed by '\n' */
	size_t len;       /* bytes including the '\n' */
	const char *message; /* the one-line text summary, or NULL */
	size_t message_len;
	const char *event_kind; /* auditd.event_kind, e.g. "user-login" */
	int outcome;            /* 1 success, 0 failure, -1 unknown */
};

struct output;

struct output_ops {
	/* Takes one document; may buffer it. Returns -1 on a counted failure. */
	int (*write)(struct output *o, const struct doc *d);
	/* Pushes buffered documents out (input went idle, or shutdown). */
	int (*flush)(struct output *o);
	/* Reopens files after rotation (SIGHUP). */
	int (*reopen)(struct output *o);
	/* Writes what it still can and frees the output. Documents it still
	 * holds are dropped and counted in stats.output_dropped. */
	void (*close)(struct output *o);
	/* Optional: drops the documents held (e.g. a full disk) and says how
	 * many, so exit and status can account for them. */
	size_t (*discard)(struct output *o);
	/* Optional: takes new settings on reload without reopening, keeping
	 * what it holds; without it, a reload replaces the output. */
	void (*configure)(struct output *o, const struct config *c);
	/* Optional: how many documents it holds now, not yet written (for the
	 * status line; need not be fast). Without it: none. */
	size_t (*held)(struct output *o);
};

struct output {
	const struct output_ops *ops;
	char *name; /* the spec, for messages */
	uint64_t errors;
	uint64_t dropped; /* its share of stats.output_dropped (kept by output.c) */
	enum output_kind kind; /* set by output_open */
};

/* Opens an output from its spec, with the settings in c that apply to it;
 * NULL with a message in err on failure. */
struct output *output_open(const struct output_spec *spec, const struct config *c, char *err,
			   size_t errlen);

/* The kinds (one file each). */
struct output *output_file_open(const char *path, const struct config *c, char *err,
				size_t errlen);
struct output *output_stdout_open(char *err, size_t errlen);
/* Gives a file output's file (a regular file) to uid:gid, so that it can
 * still be reopened in place after the switch to that user (user = NAME). */
int output_file_chown(struct output *o, uid_t uid, gid_t gid, char *err, size_t errlen);
struct output *output_syslog_open(const struct config *c, char *err, size_t errlen);
struct output *output_journal_open(const struct config *c, char *err, size_t errlen);

struct output_set {
	struct output *o[CONFIG_MAX_OUTPUTS];
	size_t n;
};

/* Opens every configured output, or none: on error the set is empty and err
 * says which failed and why. */
int outputs_open(struct output_set *s, const struct config *c, char *err, size_t errlen);
void outputs_write(struct output_set *s, const struct doc *d);
void outputs_flush(struct output_set *s);
void outputs_reopen(struct output_set *s);
/* Drops what the outputs still hold (at exit, after a last flush), counting
 * it in stats.output_dropped and in each output's errors. */
void outputs_discard(struct output_set *s);
void outputs_close(struct output_set *s);
/* The files of the file outputs to uid:gid (output_file_chown); -1 with err
 * set at the first that fails. */
int outputs_chown(struct output_set *s, uid_t uid, gid_t gid, char *err, size_t errlen);
/* Documents the outputs hold now, all outputs (ops->held). */
uint64_t outputs_held(const struct output_set *s);
size_t output_held(struct output *o);
/* Reload: the outputs of c, reusing (configure + reopen) those of s with the
 * same spec, so nothing they hold is lost; the others of s are closed.
 * On error s is left as it was and -1 is returned with err set. */
int outputs_reload(struct output_set *s, const struct config *c, char *err, size_t errlen);

#endif
