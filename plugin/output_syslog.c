/* The syslog output: one message per document to the local syslog socket.
 *
 * Own socket, not syslog(3). glibc's syslog() would be the least code, but
 *   - it blocks: it writes with a blocking send(), so a syslog daemon that
 *     stops reading (hung, SIGSTOPped, its queue full; /dev/log as a stream
 *     socket whose reader is stuck) stops this daemon, and with it every
 *     other output and, once the pipe is full, auditd;
 *   - it fails silently: a lost message is not reported, so it can be
 *     neither counted nor logged;
 *   - it is one per process: the daemon already uses it (openlog) for its
 *     own messages, with its own ident and facility.
 * So this output keeps its own non-blocking AF_UNIX socket to /dev/log
 * (SOCK_DGRAM, as rsyslog's imuxsock and journald listen; SOCK_STREAM when
 * the socket is one, with a NUL after each message as glibc does) and sends
 * what glibc sends: "<PRI>Mmm dd hh:mm:ss IDENT[PID]: MSG", RFC 3164 without
 * host name.
 *
 * Never blocking, never losing silently:
 *   - a message that the socket does not take at once (EAGAIN: the reader
 *     is behind; its queue is only net.unix.max_dgram_qlen = 10 datagrams
 *     deep) or that cannot be sent (socket gone: rsyslog restarting) is kept
 *     in a FIFO of at most SL_QUEUE_MAX bytes, sent before newer ones, in
 *     order. When the FIFO is full the new document is dropped and counted
 *     (struct output .errors, stats.output_errors and stats.output_dropped);
 *   - writes never wait: waiting for a slow syslog daemon would slow every
 *     output down to its pace and push back into auditd, whose queue, when
 *     full, loses events for all outputs. Only when the input goes idle
 *     (flush) is the FIFO drained waiting for the socket, as long as it
 *     takes messages (SL_FLUSH_WAIT_MS without progress, SL_FLUSH_CAP_MS in
 *     all; the daemon also flushes every second); in a streak of failures
 *     only once it takes messages again. At exit what is still held is
 *     dropped and counted (discard); a reload keeps the output, its socket
 *     and what it holds (configure, reopen);
 *   - a socket that goes away (ECONNREFUSED, ENOENT, ...) is reconnected at
 *     once, then at most every SL_RECONNECT_MS, on the next write or flush;
 *   - a streak of failures is logged once when it starts and once when the
 *     output sends again (with the number dropped meanwhile).
 *
 * Message bodies (syslog_format): json, the document without its '\n'; cee,
 * "@cee: " and the document (rsyslog's mmjsonparse); summary, the text
 * summary with control characters (C0, DEL, C1, U+2028/9) replaced by
 * spaces and invalid UTF-8 by U+FFFD (a short fallback when there is none).
 * The JSON is one line: jsonw escapes every control byte.
 *
 * syslog_max_size bounds the whole datagram (header included), as rsyslog's
 * maxMessageSize bounds what imuxsock reads. A larger document is never cut
 * (that would be invalid JSON): a short valid document is sent instead with
 * @timestamp, message, event.{action,outcome,sequence,kind,category,type},
 * ecs.version, auditd.truncated = true and auditd.original_size, taken from
 * the document's text by a small strict scanner (no object model). Those are
 * counted and logged once per 1000. A summary longer than the limit is cut
 * at a character boundary and ends in "...".
 *
 * The socket path is /dev/log; the environment variable
 * AUDISP_ECS_SYSLOG_SOCKET replaces it, for tests (a private rsyslogd). */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "stats.h"

#define SL_DEFAULT_PATH "/dev/log"
#define SL_ENV_PATH "AUDISP_ECS_SYSLOG_SOCKET"
/* What is kept while the socket does not take messages; beyond it new
 * documents are dropped (as much as the file output keeps). */
#define SL_QUEUE_MAX (4 * 1024 * 1024)
/* How long flush and close wait for a reader that is behind: per step
 * (without progress), and in all */
#define SL_FLUSH_WAIT_MS 200
#define SL_FLUSH_CAP_MS 1000
#define SL_CLOSE_WAIT_MS 1000
#define SL_CLOSE_CAP_MS 2000
#define SL_RECONNECT_MS 200
/* "<191>Mmm dd hh:mm:ss " + ident (< 64) + "[4294967295]: " */
#define SL_HEADER_MAX 112
#define SL_CEE "@cee: "

struct sl_output {
	struct output base;
	struct sockaddr_un addr;
	socklen_t addrlen;
	int fd;      /* -1 while not connected */
	bool stream; /* the socket is SOCK_STREAM: messages end with '\0' */
	int facility, priority, format;
	size_t max_size;
	size_t limit; /* the socket's largest datagram, when below max_size; 0: none */
	char ident[64];
	long pid;
	/* the header's time stamp, remade once a second */
	time_t stamp_time;
	char stamp[64];
	/* a shortened document or a cleaned summary */
	char *scratch;
	size_t scratch_cap;
	/* the FIFO: records of a 4-byte length and the bytes; qoff bytes of the
	 * first one are already sent (a stream socket takes part of a message) */
	char *q;
	size_t qhead, qtail, qcap, qoff, qcount;
	/* failures */
	bool failing;
	int64_t next_connect; /* ms, CLOCK_MONOTONIC */
	uint64_t sent, shortened, dropped, streak_dropped;
};

/* --- time ----------------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "Mmm dd hh:mm:ss", local time, as glibc's syslog() writes it (the C
 * locale's month names whatever the locale). */
static const char *stamp(struct sl_output *s)
{
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = time(NULL);
	if (t != s->stamp_time) {
		struct tm tm;
		if (!localtime_r(&t, &tm))
			memset(&tm, 0, sizeof(tm));
		snprintf(s->stamp, sizeof(s->stamp), "%s %2d %02d:%02d:%02d",
			 months[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		s->stamp_time = t;
	}
	return s->stamp;
}

/* --- the socket ----------------------------------------------------------- */

static void note_failure(struct sl_output *s, const char *what, int err)
{
	if (s->failing)
		return;
	syslog(LOG_ERR,
	       "output %s: %s: %s%s%s; documents are held (up to %d bytes), then dropped and "
	       "counted, until it recovers",
	       s->base.name, s->addr.sun_path, what, err ? ": " : "", err ? strerror(err) : "",
	       SL_QUEUE_MAX);
	s->streak_dropped = 0;
	s->failing = true;
}

static void note_recovery(struct sl_output *s)
{
	if (!s->failing || s->qcount)
		return;
	syslog(LOG_NOTICE, "output %s: %s: sending again (%llu documents dropped meanwhile)",
	       s->base.name, s->addr.sun_path, (unsigned long long)s->streak_dropped);
	s->failing = false;
}

static void disconnect(struct sl_output *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->qoff = 0; /* a stream's partial message is sent again whole */
}

static int try_socket(struct sl_output *s, int type)
{
	int fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&s->addr, s->addrlen) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Connects when not connected, at most every SL_RECONNECT_MS (the first
 * attempt after a working period is immediate). Returns 0 when connected. */
static int ensure_connected(struct sl_output *s)
{
	if (s->fd >= 0)
		return 0;
	int64_t now = now_ms();
	if (now < s->next_connect)
		return -1;
	s->next_connect = now + SL_RECONNECT_MS;
	bool stream = false;
	int fd = try_socket(s, SOCK_DGRAM);
	if (fd < 0 && errno == EPROTOTYPE) {
		stream = true;
		fd = try_socket(s, SOCK_STREAM);
	}
	if (fd < 0) {
		note_failure(s, "connect", errno);
		return -1;
	}
	if (!stream) {
		/* a datagram must fit in the send buffer; the kernel caps this
		 * at net.core.wmem_max, larger ones are shortened (EMSGSIZE) */
		int want = s->max_size > (1 << 30) / 2 ? 1 << 30 : (int)s->max_size * 2;
		int have = 0;
		socklen_t l = sizeof(have);
		if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &have, &l) == 0 && have < want) {
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
			l = sizeof(have);
			getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &have, &l);
		}
		/* what unix_dgram_sendmsg() takes at most */
		s->limit = have > 1024 ? (size_t)have - 32 : 0;
	} else {
		s->limit = 0;
	}
	s->fd = fd;
	s->stream = stream;
	s->qoff = 0;
	return 0;
}

enum send_result { SENT, PARTIAL, AGAIN, TOO_BIG, LOST };

static enum send_result classify(int err)
{
	switch (err) {
	case EAGAIN:
#if EWOULDBLOCK != EAGAIN
	case EWOULDBLOCK:
#endif
	case ENOBUFS:
	case ENOMEM:
		return AGAIN;
	case EMSGSIZE:
		return TOO_BIG;
	default: /* ECONNREFUSED, ENOENT, ENOTCONN, EPIPE, ECONNRESET, ... */
		return LOST;
	}
}

/* One non-blocking send of iov (total bytes), skipping the first `skip`
 * bytes. *n gets the bytes taken. */
static enum send_result send_iov(struct sl_output *s, const struct iovec *iov, int niov,
				 size_t skip, size_t total, size_t *n, int *err)
{
	struct iovec v[5];
	int nv = 0;
	for (int i = 0; i < niov; i++) {
		if (skip >= iov[i].iov_len) {
			skip -= iov[i].iov_len;
			continue;
		}
		v[nv].iov_base = (char *)iov[i].iov_base + skip;
		v[nv++].iov_len = iov[i].iov_len - skip;
		skip = 0;
	}
	struct msghdr mh = {.msg_iov = v, .msg_iovlen = (size_t)nv};
	ssize_t r;
	do
		r = sendmsg(s->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		*err = errno;
		*n = 0;
		return classify(errno);
	}
	*n = (size_t)r;
	return (size_t)r < total ? PARTIAL : SENT;
}

/* --- the FIFO ------------------------------------------------------------- */

static int enqueue(struct sl_output *s, const struct iovec *iov, int niov, size_t total,
		   size_t already)
{
	size_t need = 4 + total;
	if (s->qtail - s->qhead + need > SL_QUEUE_MAX)
		return -1;
	if (s->qtail + need > s->qcap) {
		if (s->qhead) { /* move the live part to the front */
			memmove(s->q, s->q + s->qhead, s->qtail - s->qhead);
			s->qtail -= s->qhead;
			s->qhead = 0;
		}
		if (s->qtail + need > s->qcap) {
			size_t cap = s->qcap ? s->qcap : 65536;
			while (cap < s->qtail + need)
				cap *= 2;
			char *nq = realloc(s->q, cap);
			if (!nq)
				return -1;
			s->q = nq;
			s->qcap = cap;
		}
	}
	uint32_t len = (uint32_t)total;
	memcpy(s->q + s->qtail, &len, 4);
	s->qtail += 4;
	for (int i = 0; i < niov; i++) {
		memcpy(s->q + s->qtail, iov[i].iov_base, iov[i].iov_len);
		s->qtail += iov[i].iov_len;
	}
	if (s->qcount == 0)
		s->qoff = already;
	s->qcount++;
	return 0;
}

static void dequeue(struct sl_output *s, uint32_t len)
{
	s->qhead += 4 + len;
	s->qoff = 0;
	s->qcount--;
	if (s->qcount == 0) {
		s->qhead = s->qtail = 0;
		if (s->qcap > 262144) { /* a long outage is over: give it back */
			free(s->q);
			s->q = NULL;
			s->qcap = 0;
		}
	}
}

static void drop(struct sl_output *s, uint64_t n)
{
	s->dropped += n;
	s->streak_dropped += n;
	stats.output_dropped += n;
}

/* Sends what the FIFO holds, until it is empty (returns 0) or the socket
 * does not take more (-1). */
static int drain(struct sl_output *s)
{
	while (s->qcount) {
		if (ensure_connected(s) < 0)
			return -1;
		uint32_t len;
		memcpy(&len, s->q + s->qhead, 4);
		struct iovec v[2] = {{s->q + s->qhead + 4, len}, {(char *)"", 1}};
		size_t n;
		int err = 0;
		int nv = s->stream ? 2 : 1;
		switch (send_iov(s, v, nv, s->qoff, len + (size_t)nv - 1 - s->qoff, &n, &err)) {
		case SENT:
			s->sent++;
			dequeue(s, len);
			break;
		case PARTIAL:
			s->qoff += n;
			break;
		case AGAIN:
			return -1;
		case TOO_BIG: /* the kernel's limit is below syslog_max_size */
			note_failure(s, "send", err);
			drop(s, 1);
			dequeue(s, len);
			break;
		case LOST:
			note_failure(s, "send", err);
			disconnect(s);
			break;
		}
	}
	note_recovery(s);
	return 0;
}

/* Drains the FIFO waiting for the socket as long as it takes messages: gives
 * up after `idle` ms without progress, or `cap` ms in all. 0 when empty. */
static int drain_wait(struct sl_output *s, int idle, int cap)
{
	int64_t until = now_ms() + cap;
	while (drain(s) < 0) {
		int64_t left = until - now_ms();
		if (s->fd < 0 || left <= 0)
			return -1;
		struct pollfd p = {.fd = s->fd, .events = POLLOUT};
		int r = poll(&p, 1, left < idle ? (int)left : idle);
		if (r == 0 || (r < 0 && errno != EINTR))
			return -1;
	}
	return 0;
}

/* --- the strict scanner ----------------------------------------------------
 * Walks the document's JSON text, checking it as it goes (strings with only
 * valid escapes and no raw control bytes, numbers, literals, nesting), and
 * notes where a few members' values are: the raw JSON text of each, copied
 * as it is into the short document. Any departure from JSON fails it. */

struct span {
	const char *p;
	size_t n;
};

struct picked {
	struct span timestamp, message, action, outcome, sequence, kind, category, type, version;
};

struct scan {
	const char *p, *end;
};

#define SCAN_MAX_DEPTH 64

static void ws(struct scan *sc)
{
	while (sc->p < sc->end &&
	       (*sc->p == ' ' || *sc->p == '\t' || *sc->p == '\n' || *sc->p == '\r'))
		sc->p++;
}

static bool hex4(const char *p)
{
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

static bool scan_string(struct scan *sc, struct span *out)
{
	const char *start = sc->p;
	if (sc->p >= sc->end || *sc->p != '"')
		return false;
	sc->p++;
	while (sc->p < sc->end) {
		unsigned char c = (unsigned char)*sc->p;
		if (c == '"') {
			sc->p++;
			if (out)
				*out = (struct span){start, (size_t)(sc->p - start)};
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (sc->end - sc->p < 2)
				return false;
			char e = sc->p[1];
			if (e == 'u') {
				if (sc->end - sc->p < 6 || !hex4(sc->p + 2))
					return false;
				sc->p += 6;
			} else if (strchr("\"\\/bfnrt", e) && e) {
				sc->p += 2;
			} else {
				return false;
			}
			continue;
		}
		sc->p++;
	}
	return false;
}

static bool digits(struct scan *sc)
{
	const char *s = sc->p;
	while (sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9')
		sc->p++;
	return sc->p > s;
}

static bool scan_number(struct scan *sc)
{
	if (sc->p < sc->end && *sc->p == '-')
		sc->p++;
	if (sc->p < sc->end && *sc->p == '0')
		sc->p++;
	else if (!(sc->p < sc->end && *sc->p >= '1' && *sc->p <= '9') || !digits(sc))
		return false;
	if (sc->p < sc->end && *sc->p == '.') {
		sc->p++;
		if (!digits(sc))
			return false;
	}
	if (sc->p < sc->end && (*sc->p == 'e' || *sc->p == 'E')) {
		sc->p++;
		if (sc->p < sc->end && (*sc->p == '+' || *sc->p == '-'))
			sc->p++;
		if (!digits(sc))
			return false;
	}
	return true;
}

static bool literal(struct scan *sc, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, word, n) != 0)
		return false;
	sc->p += n;
	return true;
}

/* A value of any kind; *kind gets its first character ('"', '{', '[', '0'
 * for a number, 't', 'f', 'n'). */
static bool scan_value(struct scan *sc, int depth, char *kind);

static bool scan_container(struct scan *sc, int depth, char close)
{
	if (depth >= SCAN_MAX_DEPTH)
		return false;
	sc->p++; /* '{' or '[' */
	ws(sc);
	if (sc->p < sc->end && *sc->p == close) {
		sc->p++;
		return true;
	}
	for (;;) {
		char k;
		if (close == '}') {
			if (!scan_string(sc, NULL))
				return false;
			ws(sc);
			if (sc->p >= sc->end || *sc->p != ':')
				return false;
			sc->p++;
			ws(sc);
		}
		if (!scan_value(sc, depth + 1, &k))
			return false;
		ws(sc);
		if (sc->p >= sc->end)
			return false;
		if (*sc->p == close) {
			sc->p++;
			return true;
		}
		if (*sc->p != ',')
			return false;
		sc->p++;
		ws(sc);
	}
}

static bool scan_value(struct scan *sc, int depth, char *kind)
{
	if (sc->p >= sc->end)
		return false;
	*kind = *sc->p;
	switch (*sc->p) {
	case '"':
		return scan_string(sc, NULL);
	case '{':
		return scan_container(sc, depth, '}');
	case '[':
		return scan_container(sc, depth, ']');
	case 't':
		return literal(sc, "true");
	case 'f':
		return literal(sc, "false");
	case 'n':
		return literal(sc, "null");
	default:
		*kind = '0';
		return scan_number(sc);
	}
}

struct want {
	const char *key; /* with its quotes */
	char kind;       /* what the value must be */
	struct span *at;
};

/* An object whose members named in w are noted (the first of each);
 * members named "sub" are handed to the nested list instead. */
static bool scan_object(struct scan *sc, int depth, const struct want *w, size_t nw,
			const char *sub1, const struct want *w1, size_t nw1, const char *sub2,
			const struct want *w2, size_t nw2)
{
	if (sc->p >= sc->end || *sc->p != '{' || depth >= SCAN_MAX_DEPTH)
		return false;
	sc->p++;
	ws(sc);
	if (sc->p < sc->end && *sc->p == '}') {
		sc->p++;
		return true;
	}
	for (;;) {
		struct span key;
		if (!scan_string(sc, &key))
			return false;
		ws(sc);
		if (sc->p >= sc->end || *sc->p != ':')
			return false;
		sc->p++;
		ws(sc);
		const char *vstart = sc->p;
		bool done = false;
		if (sc->p < sc->end && *sc->p == '{') {
			if (sub1 && key.n == strlen(sub1) && memcmp(key.p, sub1, key.n) == 0) {
				if (!scan_object(sc, depth + 1, w1, nw1, NULL, NULL, 0, NULL, NULL,
						 0))
					return false;
				done = true;
			} else if (sub2 && key.n == strlen(sub2) &&
				   memcmp(key.p, sub2, key.n) == 0) {
				if (!scan_object(sc, depth + 1, w2, nw2, NULL, NULL, 0, NULL, NULL,
						 0))
					return false;
				done = true;
			}
		}
		if (!done) {
			char kind;
			if (!scan_value(sc, depth + 1, &kind))
				return false;
			for (size_t i = 0; i < nw; i++)
				if (kind == w[i].kind && !w[i].at->p && key.n == strlen(w[i].key) &&
				    memcmp(key.p, w[i].key, key.n) == 0)
					*w[i].at = (struct span){vstart, (size_t)(sc->p - vstart)};
		}
		ws(sc);
		if (sc->p >= sc->end)
			return false;
		if (*sc->p == '}') {
			sc->p++;
			return true;
		}
		if (*sc->p != ',')
			return false;
		sc->p++;
		ws(sc);
	}
}

/* Fills *pk from a whole document; false when it is not one JSON object
 * (then *pk holds what was found before the fault). */
static bool pick(const char *json, size_t len, struct picked *pk)
{
	memset(pk, 0, sizeof(*pk));
	const struct want top[] = {
	    {"\"@timestamp\"", '"', &pk->timestamp},
	    {"\"message\"", '"', &pk->message},
	};
	const struct want event[] = {
	    {"\"action\"", '"', &pk->action},     {"\"outcome\"", '"', &pk->outcome},
	    {"\"sequence\"", '0', &pk->sequence}, {"\"kind\"", '"', &pk->kind},
	    {"\"category\"", '[', &pk->category}, {"\"type\"", '[', &pk->type},
	};
	const struct want ecs[] = {{"\"version\"", '"', &pk->version}};
	struct scan sc = {json, json + len};
	ws(&sc);
	if (!scan_object(&sc, 0, top, 2, "\"event\"", event, 6, "\"ecs\"", ecs, 1))
		return false;
	ws(&sc);
	return sc.p == sc.end;
}

/* --- the short document ----------------------------------------------------- */

struct buf {
	char *p;
	size_t len, cap;
	bool over;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n > b->cap) {
		b->over = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* A member "key":value with the raw value; sep says whether a ',' comes first. */
static void member(struct buf *b, bool *first, const char *key, struct span v)
{
	if (!v.p)
		return;
	if (!*first)
		put(b, ",", 1);
	*first = false;
	put(b, "\"", 1);
	puts_(b, key);
	put(b, "\":", 2);
	put(b, v.p, v.n);
}

/* The length of the JSON string token str cut to at most max bytes (both
 * quotes included, plus "..."), at a character boundary: never inside an
 * escape, a surrogate pair or a UTF-8 sequence. */
static size_t cut_string(struct span str, size_t max, size_t *keep)
{
	const char *p = str.p + 1, *end = str.p + str.n - 1;
	size_t room = max > 5 ? max - 5 : 0; /* two quotes and "..." */
	const char *ok = p;
	while (p < end) {
		size_t step = 1;
		unsigned char c = (unsigned char)*p;
		if (c == '\\') {
			step = p[1] == 'u' ? 6 : 2;
			/* a high surrogate escape takes its low half along */
			if (p[1] == 'u' && end - p >= 12 && (p[2] == 'd' || p[2] == 'D') &&
			    strchr("89abAB", p[3]) && p[6] == '\\' && p[7] == 'u')
				step = 12;
		} else if (c >= 0xf0) {
			step = 4;
		} else if (c >= 0xe0) {
			step = 3;
		} else if (c >= 0xc0) {
			step = 2;
		}
		if ((size_t)(p + step - (str.p + 1)) > room || p + step > end)
			break;
		p += step;
		ok = p;
	}
	*keep = (size_t)(ok - (str.p + 1));
	return *keep + 5;
}

/* The short document for one that is too large, into b; its message cut so
 * that the whole fits in b->cap. */
static void short_doc(struct buf *b, const struct picked *pk, size_t original, bool with_msg,
		      size_t msg_room)
{
	char num[32];
	bool first = true, efirst = true;

	puts_(b, "{");
	member(b, &first, "@timestamp", pk->timestamp);
	if (with_msg && pk->message.p) {
		size_t keep;
		if (pk->message.n <= msg_room) {
			member(b, &first, "message", pk->message);
		} else if (cut_string(pk->message, msg_room, &keep) <= msg_room && keep) {
			puts_(b, first ? "\"message\":\"" : ",\"message\":\"");
			first = false;
			put(b, pk->message.p + 1, keep);
			puts_(b, "...\"");
		}
	}
	if (pk->action.p || pk->outcome.p || pk->sequence.p || pk->kind.p || pk->category.p ||
	    pk->type.p) {
		puts_(b, first ? "\"event\":{" : ",\"event\":{");
		first = false;
		member(b, &efirst, "action", pk->action);
		member(b, &efirst, "outcome", pk->outcome);
		member(b, &efirst, "sequence", pk->sequence);
		member(b, &efirst, "kind", pk->kind);
		member(b, &efirst, "category", pk->category);
		member(b, &efirst, "type", pk->type);
		puts_(b, "}");
	}
	if (pk->version.p) {
		bool vfirst = true;
		puts_(b, first ? "\"ecs\":{" : ",\"ecs\":{");
		first = false;
		member(b, &vfirst, "version", pk->version);
		puts_(b, "}");
	}
	snprintf(num, sizeof(num), "%zu", original);
	puts_(b, first ? "\"auditd\":{\"truncated\":true,\"original_size\":"
		       : ",\"auditd\":{\"truncated\":true,\"original_size\":");
	puts_(b, num);
	puts_(b, "}}");
}

static int reserve_scratch(struct sl_output *s, size_t n)
{
	if (n <= s->scratch_cap)
		return 0;
	char *p = realloc(s->scratch, n);
	if (!p)
		return -1;
	s->scratch = p;
	s->scratch_cap = n;
	return 0;
}

/* Builds the short version of d's JSON into scratch, at most room bytes;
 * returns its length, 0 on failure. */
static size_t shorten(struct sl_output *s, const char *json, size_t len, size_t room)
{
	struct picked pk;
	if (!pick(json, len, &pk)) {
		/* not our JSON: keep nothing of it (a value might be cut off) */
		memset(&pk, 0, sizeof(pk));
	}
	if (reserve_scratch(s, room) < 0)
		return 0;
	/* the fixed part first, to know the message's room */
	struct buf b = {s->scratch, 0, room, false};
	short_doc(&b, &pk, len, false, 0);
	if (b.over) {
		/* very long values (a user rule's action?): only the small ones */
		struct picked small = {0};
		const struct span *from = &pk.timestamp;
		struct span *to = &small.timestamp;
		for (size_t i = 0; i < sizeof(pk) / sizeof(struct span); i++)
			if (from[i].n <= 64)
				to[i] = from[i];
		small.message = (struct span){0};
		b = (struct buf){s->scratch, 0, room, false};
		short_doc(&b, &small, len, false, 0);
		return b.over ? 0 : b.len;
	}
	if (!pk.message.p)
		return b.len;
	size_t fixed = b.len + strlen(",\"message\":");
	b = (struct buf){s->scratch, 0, room, false};
	short_doc(&b, &pk, len, true, room > fixed ? room - fixed : 0);
	return b.over ? 0 : b.len;
}

/* --- the summary ------------------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at p (no overlongs, surrogates or
 * code points above U+10FFFF), 0 if there is none; *cp gets the code point. */
static size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned c = p[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* The text made safe for one syslog line, at most room bytes (cut at a
 * character boundary, then "..."). Returns its length; *cut when cut. */
static size_t clean_text(char *out, size_t room, const char *text, size_t len, bool *cut)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t o = 0, i = 0;
	*cut = false;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_seq(p + i, len - i, &cp);
		const char *rep;
		size_t rn;
		if (n == 0) { /* an invalid byte: U+FFFD */
			rep = "\xef\xbf\xbd", rn = 3, n = 1;
		} else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 ||
			   cp == 0x2029) {
			rep = " ", rn = 1;
		} else {
			rep = (const char *)p + i, rn = n;
		}
		if (o + rn > room || (i + n < len && o + rn + 3 > room)) {
			*cut = true;
			break;
		}
		memcpy(out + o, rep, rn);
		o += rn;
		i += n;
	}
	if (*cut) {
		while (o + 3 > room && o > 0) { /* back to a character boundary */
			o--;
			while (o > 0 && ((unsigned char)out[o] & 0xc0) == 0x80)
				o--;
		}
		memcpy(out + o, "...", room - o < 3 ? room - o : 3);
		o += room - o < 3 ? room - o : 3;
	}
	return o;
}

/* The fallback summary when the document has no message. */
static size_t fallback_text(char *out, size_t room, const struct doc *d)
{
	struct picked pk;
	pick(d->json, d->len, &pk); /* what it finds, even on a fault */
	char seq[24] = "?", act[64] = "event";
	if (pk.sequence.p && pk.sequence.n < sizeof(seq))
		snprintf(seq, sizeof(seq), "%.*s", (int)pk.sequence.n, pk.sequence.p);
	if (pk.action.p && pk.action.n >= 2 && pk.action.n - 2 < sizeof(act))
		snprintf(act, sizeof(act), "%.*s", (int)pk.action.n - 2, pk.action.p + 1);
	char tmp[256];
	int n = snprintf(tmp, sizeof(tmp), "audit event %s: %s, %s (%s)", seq, act,
			 d->outcome == 0 ? "failed" : d->outcome == 1 ? "succeeded" : "unknown outcome",
			 d->event_kind ? d->event_kind : "unknown kind");
	bool cut;
	return clean_text(out, room, tmp, n < 0 ? 0 : (size_t)n, &cut);
}

/* --- the output ------------------------------------------------------------- */

static int sl_write(struct output *o, const struct doc *d)
{
	struct sl_output *s = (struct sl_output *)o;
	char header[SL_HEADER_MAX];
	int level = s->priority;
	if (d->outcome == 0 && level > LOG_EMERG)
		level--; /* failures one level more severe: info -> notice */
	int hl = snprintf(header, sizeof(header), "<%d>%s %s[%ld]: ", s->facility | level,
			  stamp(s), s->ident, s->pid);
	if (hl < 0 || (size_t)hl >= sizeof(header))
		hl = (int)sizeof(header) - 1;

	struct iovec iov[4];
	int niov = 0;
	iov[niov++] = (struct iovec){header, (size_t)hl};
	size_t max = s->limit && s->limit < s->max_size ? s->limit : s->max_size;
	size_t room = max > (size_t)hl + (s->stream ? 1 : 0) ? max - (size_t)hl - (s->stream ? 1 : 0)
							     : 0;
	bool shortened = false;

	if (s->format == SYSLOG_FORMAT_SUMMARY) {
		if (reserve_scratch(s, room) < 0) {
			drop(s, 1);
			return -1;
		}
		bool cut = false;
		size_t n = d->message && d->message_len
				   ? clean_text(s->scratch, room, d->message, d->message_len, &cut)
				   : fallback_text(s->scratch, room, d);
		shortened = cut;
		iov[niov++] = (struct iovec){s->scratch, n};
	} else {
		size_t jl = d->len && d->json[d->len - 1] == '\n' ? d->len - 1 : d->len;
		size_t pl = s->format == SYSLOG_FORMAT_CEE ? strlen(SL_CEE) : 0;
		if (pl)
			iov[niov++] = (struct iovec){(char *)SL_CEE, pl};
		if (pl + jl <= room) {
			iov[niov++] = (struct iovec){(char *)d->json, jl};
		} else {
			size_t n = room > pl ? shorten(s, d->json, jl, room - pl) : 0;
			if (n == 0) {
				drop(s, 1);
				note_failure(s, "shortening a document", EMSGSIZE);
				return -1;
			}
			iov[niov++] = (struct iovec){s->scratch, n};
			shortened = true;
		}
	}
	/* the FIFO keeps messages without the stream's '\0': the socket they
	 * go out on may be another one */
	int nbody = niov;
	size_t body = 0;
	for (int i = 0; i < nbody; i++)
		body += iov[i].iov_len;
	if (s->stream)
		iov[niov++] = (struct iovec){(char *)"", 1};
	if (shortened) {
		size_t orig = s->format == SYSLOG_FORMAT_SUMMARY ? d->message_len
				: d->len ? d->len - 1 : 0;
		s->shortened++;
		if (s->shortened % 1000 == 1)
			syslog(LOG_WARNING,
			       "output %s: a message of %zu bytes does not fit syslog_max_size = "
			       "%zu: sent shortened (auditd.truncated) (%llu so far; logged once "
			       "per 1000)",
			       o->name, orig, s->max_size,
			       (unsigned long long)s->shortened);
	}
	size_t total = 0;
	for (int i = 0; i < niov; i++)
		total += iov[i].iov_len;

	/* older messages first */
	if (s->qcount)
		drain(s);
	if (s->qcount == 0 && ensure_connected(s) == 0) {
		size_t n;
		int err = 0;
		for (int attempt = 0; attempt < 2; attempt++) {
			enum send_result r = send_iov(s, iov, niov, 0, total, &n, &err);
			if (r == SENT) {
				s->sent++;
				note_recovery(s);
				return 0;
			}
			if (r == PARTIAL) { /* a stream: keep the rest, first in line */
				if (enqueue(s, iov, nbody, body, n < body ? n : body) == 0)
					return 0;
				disconnect(s); /* cannot keep it: a cut line must not stay */
				drop(s, 1);
				return -1;
			}
			if (r == AGAIN)
				break;
			if (r == TOO_BIG) {
				note_failure(s, "send", err);
				drop(s, 1);
				return -1;
			}
			/* lost: reconnect (rsyslog restarted) and try once more */
			note_failure(s, "send", err);
			disconnect(s);
			if (ensure_connected(s) < 0)
				break;
		}
	}
	if (enqueue(s, iov, nbody, body, 0) < 0) {
		note_failure(s, "the syslog daemon does not keep up, queue full", 0);
		drop(s, 1);
		return -1;
	}
	return 0;
}

static int sl_flush(struct output *o)
{
	struct sl_output *s = (struct sl_output *)o;
	if (!s->qcount)
		return 0;
	uint64_t before = s->sent;
	if (drain(s) == 0)
		return 0;
	/* in a streak of failures, wait only for a reader that takes messages
	 * again (it came back: send what was held while the input is idle) */
	if (s->failing && s->sent == before)
		return 0;
	/* the reader is behind: the input is idle, give it a moment */
	if (drain_wait(s, SL_FLUSH_WAIT_MS, SL_FLUSH_CAP_MS) < 0)
		note_failure(s, "the syslog daemon is not reading", 0);
	return 0;
}

static int sl_reopen(struct output *o)
{
	struct sl_output *s = (struct sl_output *)o;
	/* SIGHUP: the syslog daemon may have been restarted on a new socket */
	if (s->qoff == 0) {
		disconnect(s);
		s->next_connect = 0;
		ensure_connected(s);
	}
	drain(s);
	return 0;
}

/* Exit: what is still held is dropped; the caller counts it. */
static size_t sl_discard(struct output *o)
{
	struct sl_output *s = (struct sl_output *)o;
	size_t n = s->qcount;
	s->dropped += n;
	s->streak_dropped += n;
	s->qhead = s->qtail = s->qoff = s->qcount = 0;
	return n;
}

static size_t sl_held(struct output *o)
{
	return ((struct sl_output *)o)->qcount;
}

static void sl_close(struct output *o)
{
	struct sl_output *s = (struct sl_output *)o;
	if (s->qcount) { /* a reload that no longer has this output */
		s->next_connect = 0;
		drain_wait(s, SL_CLOSE_WAIT_MS, SL_CLOSE_CAP_MS);
	}
	if (s->qcount) {
		stats.output_dropped += s->qcount;
		sl_discard(o);
	}
	syslog(s->dropped ? LOG_WARNING : LOG_INFO,
	       "output %s: closed: %llu documents sent, %llu shortened, %llu dropped", o->name,
	       (unsigned long long)s->sent, (unsigned long long)s->shortened,
	       (unsigned long long)s->dropped);
	disconnect(s);
	free(s->q);
	free(s->scratch);
	free(o->name);
	free(s);
}

static void configure(struct sl_output *s, const struct config *c)
{
	s->facility = c->syslog_facility;
	s->priority = c->syslog_priority;
	s->format = c->syslog_format;
	s->max_size = c->syslog_max_size;
	snprintf(s->ident, sizeof(s->ident), "%s", c->syslog_ident);
}

/* Reload: new settings for the next documents; what is held stays. */
static void sl_configure(struct output *o, const struct config *c)
{
	configure((struct sl_output *)o, c);
}

static const struct output_ops syslog_ops = {
	.write = sl_write,
	.flush = sl_flush,
	.reopen = sl_reopen,
	.close = sl_close,
	.discard = sl_discard,
	.configure = sl_configure,
	.held = sl_held,
};

struct output *output_syslog_open(const struct config *c, char *err, size_t errlen)
{
	const char *path = getenv(SL_ENV_PATH);
	if (!path || !*path)
		path = SL_DEFAULT_PATH;
	struct sl_output *s = calloc(1, sizeof(*s));
	if (!s || !(s->base.name = strdup("syslog"))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (strlen(path) >= sizeof(s->addr.sun_path)) {
		snprintf(err, errlen, "syslog socket %s: path too long", path);
		free(s->base.name);
		free(s);
		return NULL;
	}
	s->base.ops = &syslog_ops;
	s->addr.sun_family = AF_UNIX;
	strcpy(s->addr.sun_path, path);
	s->addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
	s->fd = -1;
	configure(s, c);
	s->pid = (long)getpid();
	s->stamp_time = (time_t)-1;
	/* the syslog daemon may start after auditd: not there yet is no error,
	 * documents are held until it is (and logged) */
	ensure_connected(s);
	return &s->base;
}
