/* badinput: every input line that is dropped or cut is reported, without a
 * flood of garbage flooding the log.
 *
 * Per reason: the first bad line is logged at once, with a short sample of
 * it (escaped: printable ASCII as is, '\' and '"' escaped, every other byte
 * as \xNN, at most BADINPUT_SAMPLE bytes of the line); later ones are only
 * counted, and at most once per interval (60 s) a summary is logged: "N more
 * lines: REASON (TOTAL so far); the first of them: SAMPLE". A reason quiet
 * for a whole interval starts over: its next bad line is logged at once.
 * What is still uncounted at exit is logged by badinput_flush(). So a reason
 * costs at most one log line per interval, however much garbage comes in.
 *
 * The hot path costs nothing: this module is only called for a bad line (and
 * once a second by the daemon's housekeeping timer). The counters of the
 * status line (stats.lines_bad, stats.lines_truncated) are kept where the
 * lines are detected, as before. */
#ifndef AUDISP_ECS_BADINPUT_H
#define AUDISP_ECS_BADINPUT_H

#include <stddef.h>
#include <stdint.h>

enum bad_reason {
	BAD_NOT_RECORD, /* not an audit record: dropped (stats.lines_bad) */
	BAD_TOO_LONG,   /* longer than the input bound: cut (stats.lines_truncated) */
	BAD_NREASONS
};

#define BADINPUT_INTERVAL 60.0 /* seconds between two summaries of a reason */
#define BADINPUT_SAMPLE 64     /* bytes of a bad line quoted */

/* The interval (tests); BADINPUT_INTERVAL until set. */
void badinput_set_interval(double seconds);
/* Where messages go: syslog(LOG_WARNING, ...) unless set (tests). */
void badinput_set_logger(void (*log)(const char *msg));

/* One bad line (line[0..len): its bytes, for the sample) at time now
 * (seconds, monotonic). */
void badinput_note(enum bad_reason r, const char *line, size_t len, double now);
/* Logs the summaries that are due (call about once a second). */
void badinput_tick(double now);
/* Logs every summary still pending (at exit). */
void badinput_flush(void);
/* Lines of reason r seen in all. */
uint64_t badinput_count(enum bad_reason r);
/* Escapes at most max bytes of s[0..len) into out (size outlen, always
 * terminated), with "..." when cut; returns out. */
char *badinput_escape(const char *s, size_t len, size_t max, char *out, size_t outlen);

#endif
