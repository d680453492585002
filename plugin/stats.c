#include "stats.h"

#include <inttypes.h>
#include <stdio.h>

struct stats stats;

size_t stats_format(char *buf, size_t len)
{
	const struct stats *s = &stats;
	int n = snprintf(buf, len,
			 "lines_in=%" PRIu64 " lines_bad=%" PRIu64 " lines_truncated=%" PRIu64
			 " records_in=%" PRIu64 " records_out=%" PRIu64 " records_failed=%" PRIu64
			 " records_eoe_alone=%" PRIu64 " records_pending=%" PRIu64
			 " events_out=%" PRIu64 " events_failed=%" PRIu64
			 " done_eoe=%" PRIu64 " done_standalone=%" PRIu64 " done_timeout=%" PRIu64
			 " done_capacity=%" PRIu64 " done_flush=%" PRIu64 " late_records=%" PRIu64
			 " orphan_eoe=%" PRIu64 " lost_possible=%" PRIu64 " output_errors=%" PRIu64
			 " output_dropped=%" PRIu64 " output_held=%" PRIu64 " output_rotations=%" PRIu64
			 " output_reopens=%" PRIu64 " pending_events=%zu",
			 s->lines_in, s->lines_bad, s->lines_truncated, s->records_in,
			 s->records_out, s->records_failed, s->records_eoe_alone, s->records_pending,
			 s->events_out, s->events_failed, s->done_eoe, s->done_standalone,
			 s->done_timeout, s->done_capacity, s->done_flush, s->late_records,
			 s->orphan_eoe, s->lost_possible, s->output_errors, s->output_dropped,
			 s->output_held, s->output_rotations, s->output_reopens, s->pending_events);
	return n < 0 ? 0 : (size_t)n;
}
