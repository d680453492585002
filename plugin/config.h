/* config: the daemon's settings, from built-in defaults and an auditd-style
 * `key = value` file. Parsing is all-or-nothing: a file with any error leaves
 * the caller's current configuration untouched (so SIGHUP with a bad file
 * keeps the old one running).
 *
 * File syntax (see conf/audisp-ecs.conf):
 *   - one `key = value` per line; whitespace around key and value is ignored;
 *     the value runs to the end of the line and may itself contain '=';
 *   - blank lines, and comment lines whose first non-blank character is '#';
 *     there are no trailing comments: a value containing whitespace followed
 *     by '#' is rejected rather than silently taken as part of the value;
 *   - keys are case-sensitive; every key except `output` may appear once,
 *     and the same output may not be listed twice;
 *   - lines are at most CONFIG_MAX_LINE bytes (not counting the line end);
 *     LF and CRLF line ends are both accepted, the last line needs no line end;
 *     other control characters (except tab) are rejected.
 * Errors are reported as "FILE:LINE: key: what is wrong; expected ...", or
 * "FILE: strerror" when the file cannot be opened or read. */
#ifndef AUDISP_ECS_CONFIG_H
#define AUDISP_ECS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define CONFIG_MAX_OUTPUTS 16
#define CONFIG_DEFAULT_OUTPUT "file:/var/log/audisp-ecs/audisp-ecs.json"
/* Longest accepted line of the configuration file, in bytes, without "\n". */
#define CONFIG_MAX_LINE 4096

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
	bool resolve_ids;            /* uid/gid -> names; default yes */
	double end_of_event_timeout; /* seconds; default 2 */
	size_t max_inflight;         /* events held for reassembly; default 4096 */
	char *normalizations;        /* user rule file (absolute path) or NULL; malloc'ed */
	bool include_raw;            /* event.original: the records as received; default no */
	bool include_warnings;       /* error.message: what could not be parsed; default no */
	bool message;                /* message: the one-line text summary; default yes */
	/* the journal output */
	enum { JOURNAL_MESSAGE_SUMMARY, JOURNAL_MESSAGE_JSON } journal_message; /* MESSAGE= */
	/* the syslog output */
	enum { SYSLOG_FORMAT_JSON, SYSLOG_FORMAT_CEE, SYSLOG_FORMAT_SUMMARY } syslog_format;
	int syslog_facility;      /* LOG_AUTHPRIV by default */
	int syslog_priority;      /* of successes; failures one level higher; LOG_INFO */
	char syslog_ident[64];    /* "audisp-ecs" */
	size_t syslog_max_size;   /* bytes of a message at most; 8192 */
	/* file outputs */
	unsigned long long rotate_size; /* rotate a file at this size; 0 = never (default) */
	unsigned rotate_keep;           /* rotated files kept: FILE.1 ... FILE.N; 5 */
	enum { FSYNC_NEVER, FSYNC_ROTATE, FSYNC_ALWAYS } fsync; /* default rotate */
	/* counters to syslog/journal every status_interval seconds; 0 = off; 3600 */
	double status_interval;
	/* user = NAME: run as this user (and its primary group) once the
	 * outputs are open; NULL: stay uid 0 (without capabilities). malloc'ed */
	char *user;
	uid_t uid; /* its ids, looked up when the file is read */
	gid_t gid;
};

/* Built-in defaults: one output, CONFIG_DEFAULT_OUTPUT (its path is an owned
 * copy, so config_free works on the result). *c is overwritten without being
 * freed: use it to initialise. Aborts if that small allocation fails. */
void config_defaults(struct config *c);

/* Reads FILE into *c (starting from defaults). On error returns -1 and puts
 * "FILE:LINE: what is wrong" into err; *c is then unchanged. A file that
 * lists no `output` keeps the default output. *c must already hold a config
 * (from config_defaults, an earlier config_load, or all zero bytes): on
 * success its old outputs are freed. err may be NULL or errlen 0. */
int config_load(struct config *c, const char *path, char *err, size_t errlen);

/* Parses one output SPEC ("stdout", "file:/abs/path", "syslog", "journal").
 * Returns -1 with a message in err when it is not one of those (file paths
 * must be absolute and must not end in '/'); *out is then unchanged. On
 * success out->path is a malloc'ed copy for OUTPUT_FILE, NULL otherwise; the
 * caller frees it. */
int config_parse_output(const char *spec, struct output_spec *out, char *err, size_t errlen);

/* Replaces c's outputs with a copy of specs (deep: paths are duplicated; specs
 * may be c->outputs itself). Returns 0, or -1 with errno EINVAL (n greater than
 * CONFIG_MAX_OUTPUTS, or an OUTPUT_FILE spec without a path) or ENOMEM; c is
 * then unchanged. */
int config_set_outputs(struct config *c, const struct output_spec *specs, size_t n);

/* The file check (config and normalizations files, like auditd's check of
 * its plugins): fd, opened from path, must be owned by root (or by the
 * owner set with config_trust_owner) and must not be writable by its group
 * or others. Only regular files are checked (-c /dev/null stays usable);
 * fstat on the open descriptor, so a file swapped after the check is never
 * the one read, and a symbolic link is judged by the file it names. Returns
 * 0, or -1 with "PATH: owned by uid N, mode 0NNN; ..." in err. */
int config_check_file(int fd, const char *path, char *err, size_t errlen);

/* Besides root, files owned by uid are trusted too: the daemon's own euid at
 * start when that is not root (a user converting a log with his own
 * configuration). Root files are always trusted. */
void config_trust_owner(uid_t uid);

/* Frees the output paths and leaves c with no outputs (safe to call twice). */
void config_free(struct config *c);

#endif
