/* auparse-baseline: the "plugin built straight on libauparse" baseline.
 *
 *   auparse-baseline [-q] [FILE]
 *
 * Reads an auditd plugin stream (FILE, or stdin as auditd's plugins do) in
 * 64 KiB reads and feeds it to libauparse (auparse_init(AUSOURCE_FEED) +
 * auparse_feed, auparse_flush_feed at the end). For every event libauparse
 * hands back it
 *   - runs auparse_normalize (subject, action, object, how, results, key) and
 *     interprets what it names, as ausearch --format text does;
 *   - walks every field of every record and interprets it
 *     (auparse_interpret_field: uid -> name, hex -> text, syscall numbers,
 *     sockaddr, ...);
 * and writes one text line per event to stdout, "name=value" for every
 * interpreted field (so that it pays for output as the JSON writers do; -q
 * writes nothing). The number of events goes to stderr: "events=N".
 *
 * It builds no JSON and does no ECS mapping: a lower bound for a plugin that
 * would use libauparse for reassembly, parsing and interpretation.
 */
#include <auparse.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long long events, fields;
static bool quiet;
static FILE *out;

static void put(const char *name, const char *val)
{
	fields++;
	if (quiet)
		return;
	fputs(name, out);
	putc('=', out);
	fputs(val ? val : "?", out);
	putc(' ', out);
}

/* the field the normalizer moved the cursor to, interpreted */
static void put_norm(auparse_state_t *au, const char *what, int rc)
{
	if (rc == 1)
		put(what, auparse_interpret_field(au));
}

static void on_event(auparse_state_t *au, auparse_cb_event_t type, void *data)
{
	if (type != AUPARSE_CB_EVENT_READY)
		return;
	events++;
	if (auparse_normalize(au, NORM_OPT_ALL) == 0) {
		const char *s = auparse_normalize_get_event_kind(au);
		if (s)
			put("kind", s);
		put_norm(au, "subj", auparse_normalize_subject_primary(au));
		put_norm(au, "subj2", auparse_normalize_subject_secondary(au));
		if ((s = auparse_normalize_get_action(au)))
			put("action", s);
		put_norm(au, "obj", auparse_normalize_object_primary(au));
		put_norm(au, "obj2", auparse_normalize_object_secondary(au));
		if ((s = auparse_normalize_object_kind(au)))
			put("objkind", s);
		if ((s = auparse_normalize_how(au)))
			put("how", s);
		put_norm(au, "res", auparse_normalize_get_results(au));
		put_norm(au, "key", auparse_normalize_key(au));
	}
	if (auparse_first_record(au) <= 0)
		goto done;
	do {
		/* the first field is type= (its name interpreted) */
		if (auparse_first_field(au) <= 0)
			continue;
		do {
			const char *name = auparse_get_field_name(au);
			put(name ? name : "?", auparse_interpret_field(au));
		} while (auparse_next_field(au) > 0);
	} while (auparse_next_record(au) > 0);
done:
	if (!quiet)
		putc('\n', out);
}

int main(int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "qh")) != -1) {
		if (c == 'q') {
			quiet = true;
		} else {
			fprintf(stderr, "usage: auparse-baseline [-q] [FILE]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	int fd = 0;
	if (optind < argc && (fd = open(argv[optind], O_RDONLY)) < 0) {
		perror(argv[optind]);
		return 2;
	}
	out = stdout;
	static char obuf[1 << 16];
	setvbuf(out, obuf, _IOFBF, sizeof(obuf));

	auparse_state_t *au = auparse_init(AUSOURCE_FEED, NULL);
	if (!au) {
		perror("auparse_init");
		return 2;
	}
	auparse_add_callback(au, on_event, NULL, NULL);

	static char buf[1 << 16];
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("read");
			return 2;
		}
		if (n == 0)
			break;
		auparse_feed(au, buf, (size_t)n);
	}
	auparse_flush_feed(au);
	auparse_destroy(au);
	if (fflush(out) != 0) {
		perror("write");
		return 2;
	}
	fprintf(stderr, "events=%llu fields=%llu\n", events, fields);
	return 0;
}
