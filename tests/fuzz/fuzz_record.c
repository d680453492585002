/* libFuzzer harness for the record parser (plugin/record.c): any bytes as
 * one line. A parsed header and every field must lie inside the line; the
 * field count never exceeds the room given.
 *
 * Build and run: README.md, "Fuzzing" (CC=clang cmake -DBUILD_FUZZERS=ON,
 * target fuzzers, ctest -L fuzz: tests/fuzz/run.sh, seeds from tests/data by
 * mkseeds MODE); reproducers that once failed: tests/data/regress/ */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INSIDE(v, base, n) ((v).len == 0 || ((v).p >= (base) && (v).p + (v).len <= (base) + (n)))

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "check failed: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data;
	struct record_hdr h;
	struct field f[64];
	bool trunc;

	if (record_parse_header(line, size, &h) == 0) {
		check(INSIDE(h.type_name, line, size), "type name inside");
		check(INSIDE(h.node, line, size), "node inside");
		check(INSIDE(h.body, line, size), "body inside");
		check(INSIDE(h.enriched, line, size), "enriched inside");
		size_t n = record_fields(h.body, f, 64, &trunc);
		check(n <= 64, "field count");
		for (size_t i = 0; i < n; i++) {
			/* keys may be the parser's own literals (old-auid) */
			check(INSIDE(f[i].val, line, size), "value inside");
		}
	}
	/* the field splitter alone, on the whole input */
	size_t n = record_fields((struct strv){line, size}, f, 64, &trunc);
	check(n <= 64, "field count (whole)");
	for (size_t i = 0; i < n; i++)
		check(INSIDE(f[i].val, line, size), "value inside (whole)");
	return 0;
}
