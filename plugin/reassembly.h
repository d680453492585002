/* reassembly: the queue of open events, keyed by (node, serial, time stamp).
 *
 * Records of one event share a serial; several CPUs interleave the records
 * of different events, and even one event's records may arrive out of
 * order, so records are grouped by key, never by position. An event is
 * complete when
 *   - its EOE record arrives;
 *   - it starts with a record type that never has companions (auditd's
 *     own DAEMON_* records, KERNEL, ANOM_ABEND; see reassembly.c);
 *   - it is a lone user-space record (USER_*, CRED_*, LOGIN...) and no
 *     companion followed: these usually stand alone, but a newer kernel
 *     auditing the sending syscall adds SYSCALL.. EOE to them, so they are
 *     held until the input goes idle (reasm_idle) or REASM_TENTATIVE_RECORDS
 *     more records arrived; a companion turns them into normal events;
 *   - end_of_event_timeout seconds pass after its first record;
 *   - max_inflight events are open and a new one arrives (oldest first);
 *   - the input ends or the daemon stops (reasm_flush).
 * Completed events go to the sink at once, in completion order.
 *
 * Serials the kernel skipped are counted as possibly lost events (a window
 * of recent serials per node tells late arrivals from gaps). */
#ifndef AUDISP_ECS_REASSEMBLY_H
#define AUDISP_ECS_REASSEMBLY_H

#include <stddef.h>

#include "event.h"

struct reassembly;

/* Receives each completed event; ev is only valid during the call. */
typedef void (*reasm_sink)(struct event *ev, void *ctx);

struct reassembly *reasm_new(size_t max_inflight, double timeout, reasm_sink sink, void *ctx);
void reasm_free(struct reassembly *r);
/* New limits (config reload); a smaller max_inflight completes the excess. */
void reasm_set_limits(struct reassembly *r, size_t max_inflight, double timeout);

/* One input line, at time now (seconds, monotonic). Returns 0, or -1 when the
 * line is not an audit record (counted in stats.lines_bad). */
int reasm_push(struct reassembly *r, const char *line, size_t len, double now);
/* Completes every event older than the timeout. */
void reasm_expire(struct reassembly *r, double now);
/* When the oldest open event times out, or a negative value if none is open. */
double reasm_next_deadline(const struct reassembly *r);
/* The input has nothing more for now: lone user-space records are done. */
void reasm_idle(struct reassembly *r);
/* Completes every open event (EOF, shutdown). */
void reasm_flush(struct reassembly *r);
size_t reasm_open_events(const struct reassembly *r);
/* Records in the open events (walks the queue: for status lines). */
size_t reasm_pending_records(const struct reassembly *r);

/* Whether an event that starts with this record type is complete at once. */
int reasm_type_is_standalone(int type);
/* Whether it usually stands alone but may get companions (see above). */
int reasm_type_is_tentative(int type);

/* Records after which a lone user-space record is taken as complete. */
#define REASM_TENTATIVE_RECORDS 256

#endif
