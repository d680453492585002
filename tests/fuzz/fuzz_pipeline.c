/* libFuzzer harness for the whole pipeline: bytes -> lines -> reassembly ->
 * ECS document. Every document must parse strictly with json-c, be valid
 * UTF-8 and end in one newline; nothing may crash, leak or read out of
 * bounds (ASan, UBSan). The input is split into lines as input.c does; the
 * clock advances a little per line so timeouts fire too.
 *
 * Build and run: README.md, "Fuzzing" (CC=clang cmake -DBUILD_FUZZERS=ON,
 * target fuzzers, ctest -L fuzz: tests/fuzz/run.sh, seeds from tests/data by
 * mkseeds MODE); reproducers that once failed: tests/data/regress/ (the
 * files at the top are byte streams, this harness's inputs). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../tools/utf8.h"
#include "ecs.h"
#include "normalize.h"
#include "reassembly.h"
#include "stats.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static struct normtab *nt;
static struct ecs_writer *ew;
static const struct ecs_options opt = {
	.resolve_ids = false, /* no NSS lookups in a fuzzer */
	.include_raw = true,
	.include_warnings = true,
	.message = true,
};

static void check_doc(const struct doc *d)
{
	CHECK(d->len >= 3 && d->json[d->len - 1] == '\n');
	CHECK(memchr(d->json, '\n', d->len - 1) == NULL);
	CHECK(utf8_invalid_at((const unsigned char *)d->json, d->len) == d->len);
	struct json_tokener *tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *o = json_tokener_parse_ex(tok, d->json, (int)(d->len - 1));
	CHECK(o && json_tokener_get_error(tok) == json_tokener_success);
	CHECK(json_object_is_type(o, json_type_object));
	CHECK(json_object_object_get_ex(o, "@timestamp", NULL));
	json_object_put(o);
	json_tokener_free(tok);
}

static void sink(struct event *ev, void *ctx)
{
	struct doc d;
	(void)ctx;
	if (ecs_write_event(ew, ev, nt, &opt, &d) == 0)
		check_doc(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];

	if (!nt) {
		nt = normtab_load(NULL, err, sizeof(err));
		ew = ecs_writer_new();
		CHECK(nt && ew);
	}
	struct reassembly *r = reasm_new(8, 2.0, sink, NULL);
	CHECK(r);
	const char *p = (const char *)data, *end = p + size;
	double now = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);
		if (len)
			reasm_push(r, p, len, now);
		now += 0.25;
		if (((uintptr_t)p & 7) == 0)
			reasm_idle(r);
		reasm_expire(r, now);
		p += len + 1;
	}
	reasm_flush(r);
	reasm_free(r);
	return 0;
}
