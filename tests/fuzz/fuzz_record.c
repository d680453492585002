/* libFuzzer harness for the record parser (plugin/record.c): any bytes as
 * one line. A parsed header and every field must lie inside the line; the
 * field count never exceeds the room given; and header and fields are exactly
 * those of the previous parser (record_reference.c), kept as the oracle.
 *
 * Build and run: README.md, "Fuzzing" (CC=clang cmake -DBUILD_FUZZERS=ON,
 * target fuzzers, ctest -L fuzz: tests/fuzz/run.sh, seeds from tests/data by
 * mkseeds MODE); reproducers that once failed: tests/data/regress/ */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "record.h"
#include "record_reference.c" /* the oracle: one translation unit, no build change */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INSIDE(v, base, n) ((v).len == 0 || ((v).p >= (base) && (v).p + (v).len <= (base) + (n)))

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "check failed: %s\n", what);
		abort();
	}
}

static bool same(struct strv a, struct strv b)
{
	return a.len == b.len && (a.len == 0 || a.p == b.p || !memcmp(a.p, b.p, a.len));
}

/* record_fields() against the reference on one text, with room for max fields:
 * the same count, truncation, and every key and value the same bytes at the
 * same place (keys may be the parser's own literals, old-auid). */
static size_t split_checked(struct strv text, struct field *f, size_t max)
{
	struct field r[64];
	bool trunc, rtrunc;
	size_t n = record_fields(text, f, max, &trunc);
	size_t rn = ref_record_fields(text, r, max, &rtrunc);

	check(n == rn && trunc == rtrunc, "same field count as the reference");
	for (size_t i = 0; i < n; i++) {
		check(same(f[i].key, r[i].key), "same key as the reference");
		check(f[i].val.p == r[i].val.p && f[i].val.len == r[i].val.len,
		      "same value as the reference");
	}
	return n;
}

static bool same_at(struct strv a, struct strv b)
{
	return a.len == b.len && (a.len == 0 || a.p == b.p);
}

/* record_parse_header() against the reference: the same verdict, and every
 * part the same. */
static int header_checked(const char *line, size_t size, struct record_hdr *h)
{
	struct record_hdr r;
	int rc = record_parse_header(line, size, h);

	check(rc == ref_parse_header(line, size, &r), "same verdict as the reference");
	if (rc == 0) {
		check(h->type == r.type && h->sec == r.sec && h->msec == r.msec &&
			      h->serial == r.serial,
		      "same numbers as the reference");
		check(same_at(h->type_name, r.type_name) && same_at(h->node, r.node) &&
			      same_at(h->body, r.body) && same_at(h->enriched, r.enriched),
		      "same parts as the reference");
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct record_hdr h;
	struct field f[64];

	if (header_checked(line, size, &h) == 0) {
		check(INSIDE(h.type_name, line, size), "type name inside");
		check(INSIDE(h.node, line, size), "node inside");
		check(INSIDE(h.body, line, size), "body inside");
		check(INSIDE(h.enriched, line, size), "enriched inside");
		if (h.enriched.len) /* else NULL, which event_parse() never passes */
			split_checked(h.enriched, f, 64);
		size_t n = split_checked(h.body, f, 64);
		check(n <= 64, "field count");
		for (size_t i = 0; i < n; i++) {
			/* keys may be the parser's own literals (old-auid) */
			check(INSIDE(f[i].val, line, size), "value inside");
		}
	}
	/* the field splitter alone, on the whole input */
	size_t n = split_checked((struct strv){line, size}, f, 64);
	check(n <= 64, "field count (whole)");
	for (size_t i = 0; i < n; i++)
		check(INSIDE(f[i].val, line, size), "value inside (whole)");
	/* truncation at a small room, taken from the input's length */
	split_checked((struct strv){line, size}, f, size % 8);
	return 0;
}
