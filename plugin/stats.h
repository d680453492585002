/* stats: the daemon's counters. Every record that comes in is accounted for:
 * it goes out in an event, or it is counted as dropped with a reason, or it
 * is still pending in the reassembly queue:
 *
 *   records_in = records_out + records_failed + records_eoe_alone
 *                + records_pending
 *
 * and every document handed to an output (events_out, per output) is written,
 * dropped (output_dropped, NAME.dropped) or still held (output_held,
 * NAME.held). The status line prints both sides. */
#ifndef AUDISP_ECS_STATS_H
#define AUDISP_ECS_STATS_H

#include <stddef.h>
#include <stdint.h>

struct stats {
	uint64_t lines_in;        /* lines read */
	uint64_t lines_bad;       /* not an audit record: dropped */
	uint64_t lines_truncated; /* longer than the input bound: cut, still processed */
	uint64_t records_in;      /* audit records accepted (EOE included) */
	uint64_t records_out;     /* in events handed to the outputs (their EOE included) */
	uint64_t records_failed;  /* in events dropped: no document (events_failed) */
	uint64_t records_eoe_alone; /* EOE records of no open event (orphan or late) */
	uint64_t events_out;      /* documents handed to the outputs */
	uint64_t events_failed;   /* documents that could not be built: dropped */
	/* why events completed */
	uint64_t done_eoe, done_standalone, done_timeout, done_capacity, done_flush;
	uint64_t late_records;    /* records for an event already written */
	uint64_t orphan_eoe;      /* EOE for an event never seen */
	uint64_t lost_possible;   /* serials skipped by the kernel's sequence */
	uint64_t output_errors;   /* failed writes, all outputs */
	uint64_t output_dropped;  /* documents an output could not keep */
	uint64_t output_rotations; /* files rotated at rotate_size */
	uint64_t output_reopens;   /* files found removed and created again */
	size_t pending_events;    /* open in the reassembly queue now */
	/* set when the status line is made (not kept up to date) */
	uint64_t records_pending; /* in the events open now */
	uint64_t output_held;     /* documents the outputs hold now, all outputs */
};

extern struct stats stats;

/* One line, "key=value ..." , for logs and status reports. */
size_t stats_format(char *buf, size_t len);

#endif
