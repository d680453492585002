#include "badinput.h"

#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>

/* the escaped sample: 4 bytes per byte at most, quotes, "..." */
#define SAMPLE_BUF (BADINPUT_SAMPLE * 4 + 8)

static const char *const what[BAD_NREASONS] = {
    [BAD_NOT_RECORD] = "not an audit record, dropped",
    [BAD_TOO_LONG] = "line longer than the input bound, cut",
};

struct reason {
	uint64_t total;   /* seen in all */
	uint64_t pending; /* seen since the last message, not reported yet */
	double next;      /* no message before this (monotonic seconds) */
	char sample[SAMPLE_BUF]; /* of the first pending line */
};

static struct reason reasons[BAD_NREASONS];
static double interval = BADINPUT_INTERVAL;
static void (*logger)(const char *msg);

void badinput_set_interval(double seconds)
{
	interval = seconds;
}

void badinput_set_logger(void (*log)(const char *msg))
{
	logger = log;
}

static void emit(const char *msg)
{
	if (logger)
		logger(msg);
	else
		syslog(LOG_WARNING, "%s", msg);
}

char *badinput_escape(const char *s, size_t len, size_t max, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, n = len < max ? len : max;

	if (outlen == 0)
		return out;
	for (size_t i = 0; i < n && o + 8 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\' || c == '"') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	if (len > n && o + 4 <= outlen) {
		out[o++] = '.';
		out[o++] = '.';
		out[o++] = '.';
	}
	out[o < outlen ? o : outlen - 1] = '\0';
	return out;
}

static void summary(enum bad_reason r)
{
	struct reason *st = &reasons[r];
	char msg[SAMPLE_BUF + 256];

	snprintf(msg, sizeof(msg),
		 "bad input: %llu more line%s: %s (%llu so far); the first of them: \"%s\"",
		 (unsigned long long)st->pending, st->pending == 1 ? "" : "s", what[r],
		 (unsigned long long)st->total, st->sample);
	emit(msg);
	st->pending = 0;
}

void badinput_note(enum bad_reason r, const char *line, size_t len, double now)
{
	struct reason *st = &reasons[r];

	st->total++;
	if (st->pending == 0 && now >= st->next) {
		char msg[SAMPLE_BUF + 256], sample[SAMPLE_BUF];
		snprintf(msg, sizeof(msg), "bad input: %s (%llu so far): \"%s\"", what[r],
			 (unsigned long long)st->total,
			 badinput_escape(line, len, BADINPUT_SAMPLE, sample, sizeof(sample)));
		emit(msg);
		st->next = now + interval;
		return;
	}
	if (st->pending++ == 0)
		badinput_escape(line, len, BADINPUT_SAMPLE, st->sample, sizeof(st->sample));
}

void badinput_tick(double now)
{
	for (int r = 0; r < BAD_NREASONS; r++) {
		if (reasons[r].next > now + interval) /* the clock went back */
			reasons[r].next = now;
		if (reasons[r].pending && now >= reasons[r].next) {
			summary((enum bad_reason)r);
			reasons[r].next = now + interval;
		}
	}
}

void badinput_flush(void)
{
	for (int r = 0; r < BAD_NREASONS; r++)
		if (reasons[r].pending)
			summary((enum bad_reason)r);
}

uint64_t badinput_count(enum bad_reason r)
{
	return reasons[r].total;
}
