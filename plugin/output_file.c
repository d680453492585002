/* The file and stdout outputs: JSON lines, written in whole lines.
 *
 * Documents are gathered in a buffer and written when it fills or when the
 * input goes idle, so a busy stream costs one write() per 64 KiB and a quiet
 * one still sees each event at once. A tailer must never read half a
 * document: writes are retried until whole, and if the disk fills in the
 * middle of one, the partial line is cut off again (ftruncate) and kept for
 * the next try. The file is opened O_APPEND|O_NOFOLLOW, created 0600, and
 * reopened on SIGHUP for logrotate, or when it was removed (a file renamed
 * away without SIGHUP keeps receiving documents: nothing is lost). With
 * rotate_size it rotates itself (FILE -> FILE.1 -> ... FILE.rotate_keep).
 *
 * A FIFO (file:PATH, or stdout when it is a pipe) is written without
 * blocking: a reader that stops must not stop the daemon, and with it the
 * other outputs and stdin. When the pipe is full a write waits for the
 * reader at most WAIT_MS in all; if it does not read, the output is failing:
 * documents are kept (up to FILE_PENDING_MAX bytes, then dropped and
 * counted) and writes no longer wait, until a try makes progress. A pipe
 * takes part of a line: the rest is written next, so the reader still sees
 * whole lines. (A regular file cannot be written without blocking: a hung
 * disk or NFS server still blocks the daemon.) */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <libgen.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "stats.h"

/* Documents are gathered into whole-line writes of up to this much: each
 * write also costs a space reservation and a removed-file check, so fewer,
 * larger ones (about 140 documents) keep the system time per event low.
 * Written at once when the input goes idle, so latency does not depend on it. */
#define FILE_BUF (256 * 1024)
/* What is kept while writes fail (disk full, file gone); beyond it documents
 * are dropped and counted. */
#define FILE_PENDING_MAX (4 * 1024 * 1024)
/* How long a write waits for a pipe's reader: in all, while the output works;
 * per step without progress, once it failed and a try made progress. */
#define WAIT_MS 1000
#define WAIT_STEP_FAILING_MS 200

struct file_output {
	struct output base;
	char *path; /* NULL for stdout */
	int fd;
	char *buf;
	size_t len, cap;
	bool failing; /* a write failed; logged once until it recovers */
	bool regular; /* a regular file: can be rotated, truncated, checked */
	off_t size;   /* of the file, as far as we wrote it */
	unsigned long long rotate_size; /* 0: never */
	unsigned rotate_keep;
	int fsync_policy;
	bool own_fd; /* stdout reopened (a pipe, non-blocking): ours to close */
};

/* How long write_lines may wait for a pipe's reader (EAGAIN). */
struct wait_budget {
	int ms;             /* left in all */
	int step_ms;        /* per poll */
	bool need_progress; /* no wait until a write took something */
};

static int open_path(const char *path, struct stat *stp, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == ENOENT) {
		/* the default directory may not exist yet: create it, one level */
		char *tmp = strdup(path);
		if (tmp) {
			if (mkdir(dirname(tmp), 0750) == 0 || errno == EEXIST)
				fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
					  0600);
			free(tmp);
		}
	}
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
			 errno == ELOOP ? " (a symbolic link: refused)" : "");
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) ||
				    S_ISCHR(st.st_mode))) {
		snprintf(err, errlen, "%s: not a regular file, FIFO or device", path);
		close(fd);
		return -1;
	}
	/* a reader that stops must not stop us (see the top) */
	if (S_ISFIFO(st.st_mode)) {
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0)
			fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	}
	if (stp)
		*stp = st;
	return fd;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* (Re)opens f->path; -1 with errno set on failure (the message is logged). */
static int reopen_file(struct file_output *f)
{
	char err[512];
	struct stat st;

	if (f->fd >= 0)
		close(f->fd);
	f->fd = open_path(f->path, &st, err, sizeof(err));
	if (f->fd < 0) {
		int e = errno;
		syslog(LOG_ERR, "output %s: %s", f->base.name, err);
		errno = e;
		return -1;
	}
	f->regular = S_ISREG(st.st_mode);
	f->size = st.st_size;
	return 0;
}

/* FILE.(n-1) -> FILE.n ... FILE -> FILE.1, then a new FILE. */
static int rotate(struct file_output *f)
{
	size_t n = strlen(f->path) + 16;
	char from[n], to[n];

	if (f->fsync_policy != FSYNC_NEVER && fsync(f->fd) < 0)
		syslog(LOG_WARNING, "output %s: fsync before rotation: %s", f->base.name,
		       strerror(errno));
	for (unsigned k = f->rotate_keep; k > 1; k--) {
		snprintf(from, n, "%s.%u", f->path, k - 1);
		snprintf(to, n, "%s.%u", f->path, k);
		if (rename(from, to) < 0 && errno != ENOENT)
			syslog(LOG_WARNING, "output %s: rename %s: %s", f->base.name, from,
			       strerror(errno));
	}
	snprintf(to, n, "%s.1", f->path);
	if (rename(f->path, to) < 0) {
		syslog(LOG_ERR, "output %s: cannot rotate: %s", f->base.name, strerror(errno));
		return -1;
	}
	stats.output_rotations++;
	return reopen_file(f);
}

/* A file someone removed (or renamed away without SIGHUP) would swallow
 * every later document: notice it and start a new one. */
static void check_removed(struct file_output *f)
{
	struct stat st;
	if (!f->regular || f->fd < 0 || fstat(f->fd, &st) < 0 || st.st_nlink > 0)
		return;
	syslog(LOG_WARNING, "output %s: the file was removed; creating it again", f->base.name);
	stats.output_reopens++;
	reopen_file(f);
}

static void note_failure(struct file_output *f, const char *what, int err)
{
	if (!f->failing)
		syslog(LOG_ERR, "output %s: %s: %s (keeping up to %d bytes until it recovers)",
		       f->base.name, what, strerror(err), FILE_PENDING_MAX);
	f->failing = true;
}

/* Writes buf[0..len) (whole lines) at the end of the file. Returns the bytes
 * written; on failure fewer, with errno set, and no partial line left in a
 * regular file (a pipe keeps what it took: the caller writes the rest). */
static size_t write_lines(struct file_output *f, const char *buf, size_t len,
			  struct wait_budget *w)
{
	size_t done = 0;

	/* reserve the space first (without changing the size a tailer sees):
	 * on a full disk nothing is written rather than half a line */
	if (f->regular && fallocate(f->fd, FALLOC_FL_KEEP_SIZE, f->size, (off_t)len) < 0 &&
	    errno == ENOSPC)
		return 0;
	while (done < len) {
		ssize_t n = write(f->fd, buf + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			f->size += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		/* a pipe whose reader is behind (or stdout sharing a non-blocking
		 * file description with stdin): wait for it, within the budget */
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (w->ms > 0 && (!w->need_progress || done)) {
				struct pollfd p = {.fd = f->fd, .events = POLLOUT};
				int64_t t0 = now_ms();
				int r = poll(&p, 1, w->step_ms < w->ms ? w->step_ms : w->ms);
				w->ms -= (int)(now_ms() - t0);
				if (r > 0 || (r < 0 && errno == EINTR))
					continue;
			}
			errno = EAGAIN;
		}
		int e = n < 0 ? errno : EIO;
		if (!f->regular) {
			errno = e;
			return done;
		}
		/* a partial line must not stay in the file */
		const char *nl = done ? memrchr(buf, '\n', done) : NULL;
		size_t whole = nl ? (size_t)(nl - buf) + 1 : 0;
		if (done > whole && f->regular) {
			off_t end = lseek(f->fd, 0, SEEK_END);
			if (end >= (off_t)(done - whole) &&
			    ftruncate(f->fd, end - (off_t)(done - whole)) < 0)
				syslog(LOG_ERR, "output %s: cannot remove a partial line: %s",
				       f->base.name, strerror(errno));
			else
				f->size -= (off_t)(done - whole);
		}
		errno = e;
		return whole;
	}
	return done;
}

/* How much of buf[0..len) goes into the current file before it must rotate:
 * whole lines up to rotate_size, at least one line into an empty file. */
static size_t fits(const struct file_output *f, const char *buf, size_t len)
{
	if (!f->rotate_size || !f->regular)
		return len;
	unsigned long long room = f->rotate_size > (unsigned long long)f->size
					  ? f->rotate_size - (unsigned long long)f->size
					  : 0;
	if (room >= len)
		return len;
	const char *nl = room ? memrchr(buf, '\n', (size_t)room) : NULL;
	if (nl)
		return (size_t)(nl - buf) + 1;
	if (f->size > 0)
		return 0; /* rotate first */
	nl = memchr(buf, '\n', len); /* one line larger than rotate_size */
	return nl ? (size_t)(nl - buf) + 1 : len;
}

/* Writes the buffer, rotating as it goes; on failure keeps what was not
 * written (whole lines) for the next try. While failing, a pipe is waited
 * for only once it takes something again. */
static int file_flush(struct output *o)
{
	struct file_output *f = (struct file_output *)o;
	size_t done = 0;
	struct wait_budget w = {WAIT_MS, WAIT_MS, false};
	if (f->failing)
		w = (struct wait_budget){WAIT_MS, WAIT_STEP_FAILING_MS, true};

	if (f->len == 0)
		return 0;
	if (f->path) {
		if (f->fd < 0 && reopen_file(f) < 0) {
			note_failure(f, "reopen", errno ? errno : EBADF);
			return -1;
		}
		check_removed(f);
	}
	while (done < f->len) {
		size_t chunk = fits(f, f->buf + done, f->len - done);
		if (chunk == 0) {
			if (rotate(f) < 0 && f->fd < 0) {
				note_failure(f, "rotate", errno ? errno : EBADF);
				break;
			}
			if (f->size > 0) /* could not rotate: keep writing here */
				chunk = f->len - done;
			else
				continue;
		}
		size_t n = write_lines(f, f->buf + done, chunk, &w);
		done += n;
		if (n < chunk) {
			note_failure(f, "write", errno ? errno : EIO);
			break;
		}
	}
	memmove(f->buf, f->buf + done, f->len - done);
	f->len -= done;
	if (f->len)
		return -1;
	if (f->fsync_policy == FSYNC_ALWAYS && f->regular && fsync(f->fd) < 0) {
		note_failure(f, "fsync", errno);
		return -1;
	}
	if (f->failing) {
		syslog(LOG_NOTICE, "output %s: writing again", o->name);
		f->failing = false;
	}
	return 0;
}

/* Documents held: the lines in the buffer (a pipe's partly written one too). */
static size_t file_held(struct output *o)
{
	struct file_output *f = (struct file_output *)o;
	size_t n = 0;

	for (const char *p = f->buf, *end = f->buf + f->len;
	     (p = memchr(p, '\n', (size_t)(end - p))); p++)
		n++;
	return n;
}

/* Documents still held (a full disk): dropped now, counted and logged. */
static size_t file_discard(struct output *o)
{
	struct file_output *f = (struct file_output *)o;
	size_t n = file_held(o);
	if (n)
		syslog(LOG_ERR, "output %s: %zu documents could not be written and are dropped",
		       o->name, n);
	f->len = 0;
	return n;
}

/* New settings from a reloaded configuration, keeping what is held. */
static void file_configure(struct output *o, const struct config *c)
{
	struct file_output *f = (struct file_output *)o;
	if (!f->path)
		return;
	f->rotate_size = c->rotate_size;
	f->rotate_keep = c->rotate_keep;
	f->fsync_policy = c->fsync;
}

static int file_write(struct output *o, const struct doc *d)
{
	struct file_output *f = (struct file_output *)o;
	int rc = 0;

	if (f->len + d->len > FILE_BUF && f->len)
		rc = file_flush(o);
	if (f->len + d->len > f->cap) {
		size_t cap = f->cap;
		while (cap < f->len + d->len)
			cap *= 2;
		char *nb = cap <= FILE_PENDING_MAX ? realloc(f->buf, cap) : NULL;
		if (!nb) {
			stats.output_dropped++;
			return -1;
		}
		f->buf = nb;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, d->json, d->len);
	f->len += d->len;
	return rc;
}

static int file_reopen(struct output *o)
{
	struct file_output *f = (struct file_output *)o;

	if (!f->path)
		return 0;
	file_flush(o);
	return reopen_file(f);
}

static void file_close(struct output *o)
{
	struct file_output *f = (struct file_output *)o;

	file_flush(o);
	stats.output_dropped += file_discard(o);
	if (f->fd >= 0 && (f->path || f->own_fd))
		close(f->fd);
	free(f->buf);
	free(f->path);
	free(o->name);
	free(f);
}

static const struct output_ops file_ops = {
	.write = file_write,
	.flush = file_flush,
	.reopen = file_reopen,
	.close = file_close,
	.discard = file_discard,
	.configure = file_configure,
	.held = file_held,
};

static struct output *make(const char *path, int fd, const struct stat *st,
			   const struct config *c, char *err, size_t errlen)
{
	struct file_output *f = calloc(1, sizeof(*f));
	if (!f || !(f->buf = malloc(FILE_BUF)) ||
	    !(f->base.name = path ? malloc(strlen(path) + 6) : strdup("stdout")) ||
	    (path && !(f->path = strdup(path)))) {
		if (f) {
			free(f->buf);
			free(f->base.name);
			free(f);
		}
		snprintf(err, errlen, "out of memory");
		if (path)
			close(fd);
		return NULL;
	}
	if (path)
		sprintf(f->base.name, "file:%s", path);
	f->base.ops = &file_ops;
	f->fd = fd;
	f->cap = FILE_BUF;
	if (path && st) {
		f->regular = S_ISREG(st->st_mode);
		f->size = st->st_size;
	}
	if (c) {
		f->rotate_size = c->rotate_size;
		f->rotate_keep = c->rotate_keep;
		f->fsync_policy = c->fsync;
	}
	return &f->base;
}

struct output *output_file_open(const char *path, const struct config *c, char *err,
				size_t errlen)
{
	struct stat st;
	int fd = open_path(path, &st, err, errlen);
	return fd < 0 ? NULL : make(path, fd, &st, c, err, errlen);
}

int output_file_chown(struct output *o, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	struct file_output *f = (struct file_output *)o;
	struct stat st;

	if (!f->path || f->fd < 0 || fstat(f->fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_uid == uid && st.st_gid == gid))
		return 0;
	if (fchown(f->fd, uid, gid) < 0) {
		snprintf(err, errlen, "%s: chown to uid %lu gid %lu: %s", f->path,
			 (unsigned long)uid, (unsigned long)gid, strerror(errno));
		return -1;
	}
	return 0;
}

struct output *output_stdout_open(char *err, size_t errlen)
{
	/* a pipe: written through a file description of our own, non-blocking
	 * (O_NONBLOCK on the inherited one would change it for the other
	 * processes that share it); without a reader, or on any failure, the
	 * inherited one as it is */
	struct stat st;
	int fd = -1;
	if (fstat(STDOUT_FILENO, &st) == 0 && S_ISFIFO(st.st_mode))
		fd = open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	struct output *o = make(NULL, fd >= 0 ? fd : STDOUT_FILENO, NULL, NULL, err, errlen);
	if (o && fd >= 0)
		((struct file_output *)o)->own_fd = true;
	else if (fd >= 0)
		close(fd);
	return o;
}
