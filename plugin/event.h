/* event: the records of one audit event, as reassembled.
 *
 * The reassembly queue copies each record's line once into its event's
 * buffer (a record must outlive the read buffer it arrived in); everything
 * later points into that buffer. */
#ifndef AUDISP_ECS_EVENT_H
#define AUDISP_ECS_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

enum event_done {
	EVENT_DONE_EOE,        /* its EOE record arrived */
	EVENT_DONE_STANDALONE, /* a record type that never has companions */
	EVENT_DONE_TIMEOUT,    /* end_of_event_timeout passed without EOE */
	EVENT_DONE_CAPACITY,   /* max_inflight (or the per-event bound) exceeded */
	EVENT_DONE_FLUSH,      /* EOF or shutdown */
};

/* A record's line in the event's buffer, and its header, parsed once when
 * it arrived (as offsets from the line's start). */
struct event_rec {
	uint32_t off, len;
	int type;
	uint32_t type_name[2], node[2], body[2], enriched[2]; /* offset, length */
	uint64_t sec;
	uint32_t msec, serial;
};

struct event {
	/* identity */
	uint32_t serial;
	uint32_t msec;
	uint64_t sec;
	uint16_t node_id;
	/* records, in arrival order */
	char *buf;
	size_t len, cap;
	struct event_rec *recs;
	size_t nrec, caprec;
	size_t maxfields; /* the most fields its records' parts can split into */
	/* bookkeeping for the queue */
	double created;
	enum event_done done;
	bool late; /* its serial had already been written once */
	/* a lone user-space record: complete unless companions follow soon */
	bool tentative;
	uint64_t tentative_at;       /* the queue's record count when opened */
	struct event *hnext;         /* hash chain */
	struct event *older, *newer; /* creation order */
	struct event *tolder, *tnewer; /* tentative events, creation order */
};

/* Appends one record line and its header (parsed from that line). Returns
 * -1 when memory is exhausted. */
int event_add_record(struct event *ev, const char *line, size_t len,
		     const struct record_hdr *h);
void event_clear(struct event *ev);
void event_release(struct event *ev);

/* A completed event with every record parsed: what the document writer reads. */
#define EVENT_MAX_FIELDS 512

struct parsed_rec {
	struct record_hdr hdr;
	struct field *fields; /* raw part */
	size_t nfields;
	struct field *efields; /* enriched part */
	size_t nefields;
	struct strv line;
};

struct parsed_event {
	const struct event *ev;
	struct parsed_rec *recs;
	size_t nrec, caprec;
	struct field *fields; /* storage for all records' fields */
	size_t nfields, capfields;
	bool fields_truncated;
};

/* Parses every record of ev into pe (reusing pe's storage). Returns -1 when
 * memory is exhausted. One thread: a memo of the parts last split is kept
 * from call to call. */
int event_parse(const struct event *ev, struct parsed_event *pe);
void parsed_event_free(struct parsed_event *pe);

/* The first record of a type, or NULL. */
const struct parsed_rec *event_find(const struct parsed_event *pe, int type);

#endif
