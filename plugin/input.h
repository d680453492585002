/* input: bytes from a file descriptor -> lines, on the event loop.
 *
 * A libev watcher reads whatever is there (the descriptor is made
 * non-blocking), splits it into lines and hands each to a callback. Records
 * may be split across reads. A line longer than the bound is cut at the
 * bound (counted), the rest up to its newline skipped, so one bad line can
 * neither crash the daemon nor grow its memory. When the descriptor has no
 * more data for now, the idle callback runs (outputs flush there), and at
 * end of file the eof callback. */
#ifndef AUDISP_ECS_INPUT_H
#define AUDISP_ECS_INPUT_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>

/* auditd caps a record at 8970 bytes; we accept far longer ones. */
#define INPUT_MAX_LINE (1024 * 1024)

struct input_handlers {
	void (*line)(const char *line, size_t len, void *ctx);
	void (*idle)(void *ctx);
	void (*eof)(void *ctx, int err); /* err: 0 at end of file, else errno */
	void *ctx;
};

struct input {
	ev_io io;
	struct ev_loop *loop;
	struct input_handlers h;
	char *buf;
	size_t len, cap, max_line;
	bool skipping; /* inside the tail of an over-long line */
};

/* Starts watching fd. Returns -1 on allocation failure. */
int input_start(struct input *in, struct ev_loop *loop, int fd, size_t max_line,
		const struct input_handlers *h);
/* Reads and delivers the lines already waiting (a partial last line stays
 * for later), without blocking: before events are expired by their
 * timeout, so an event whose EOE is already in the pipe is not cut. */
void input_pump(struct input *in);
/* Reads and delivers what is already waiting, without blocking, up to
 * max_bytes (on SIGTERM: records auditd already wrote must not be lost). */
void input_drain(struct input *in, size_t max_bytes);
void input_stop(struct input *in);

#endif
