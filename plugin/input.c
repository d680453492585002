#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "badinput.h"
#include "stats.h"

#define READ_CHUNK 65536
/* Reads per wake-up before yielding to timers and signals. */
#define READS_PER_WAKE 64

static void deliver_lines(struct input *in)
{
	char *p = in->buf, *end = in->buf + in->len;

	for (;;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			break;
		if (in->skipping) {
			in->skipping = false; /* the tail of a cut line ends here */
		} else {
			size_t len = (size_t)(nl - p);
			if (len && p[len - 1] == '\r')
				len--;
			stats.lines_in++;
			if (len)
				in->h.line(p, len, in->h.ctx);
		}
		p = nl + 1;
	}
	size_t rest = (size_t)(end - p);
	if (rest > in->max_line || (in->skipping && rest)) {
		if (!in->skipping) {
			stats.lines_in++;
			stats.lines_truncated++;
			badinput_note(BAD_TOO_LONG, p, in->max_line, ev_now(in->loop));
			in->h.line(p, in->max_line, in->h.ctx);
			in->skipping = true;
		}
		rest = 0;
	}
	memmove(in->buf, p, rest);
	in->len = rest;
}

/* One read of at most READ_CHUNK, its lines delivered. The loop's clock is
 * brought up to date after each read, so events are stamped with the time
 * their records really arrived, however long a burst takes. */
static ssize_t read_some(struct input *in)
{
	size_t room = in->cap - in->len;
	ssize_t n = read(in->io.fd, in->buf + in->len, room < READ_CHUNK ? room : READ_CHUNK);
	if (n > 0) {
		ev_now_update(in->loop);
		in->len += (size_t)n;
		deliver_lines(in);
	}
	return n;
}

static void on_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct input *in = (struct input *)w;

	for (int i = 0; i < READS_PER_WAKE; i++) {
		ssize_t n = read_some(in);
		if (n > 0)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			in->h.idle(in->h.ctx);
			return;
		}
		/* end of file or a hard error: a last line without newline counts */
		int err = n < 0 ? errno : 0;
		if (in->len && !in->skipping) {
			stats.lines_in++;
			in->h.line(in->buf, in->len, in->h.ctx);
		}
		in->len = 0;
		ev_io_stop(loop, w);
		in->h.eof(in->h.ctx, err);
		return;
	}
}

void input_pump(struct input *in)
{
	if (!in->buf || !ev_is_active(&in->io))
		return;
	for (int i = 0; i < READS_PER_WAKE; i++) {
		ssize_t n = read_some(in);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* no more for now, or the end: on_readable handles it */
	}
}

void input_drain(struct input *in, size_t max_bytes)
{
	size_t got = 0;

	if (!in->buf || !ev_is_active(&in->io))
		return;
	while (got < max_bytes) {
		ssize_t n = read(in->io.fd, in->buf + in->len, in->cap - in->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		in->len += (size_t)n;
		deliver_lines(in);
	}
	/* a last line without its newline: the writer is gone or stopping */
	if (in->len && !in->skipping) {
		stats.lines_in++;
		in->h.line(in->buf, in->len, in->h.ctx);
	}
	in->len = 0;
}

int input_start(struct input *in, struct ev_loop *loop, int fd, size_t max_line,
		const struct input_handlers *h)
{
	memset(in, 0, sizeof(*in));
	in->loop = loop;
	in->h = *h;
	in->max_line = max_line;
	/* room for a whole line at the bound plus one read */
	in->cap = max_line + READ_CHUNK;
	in->buf = malloc(in->cap);
	if (!in->buf)
		return -1;
	int fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	ev_io_init(&in->io, on_readable, fd, EV_READ);
	ev_io_start(loop, &in->io);
	return 0;
}

void input_stop(struct input *in)
{
	if (in->loop)
		ev_io_stop(in->loop, &in->io);
	free(in->buf);
	in->buf = NULL;
}
