/* The journal output: one systemd journal entry per document, sent with
 * sd_journal_sendv(3). See plugin/JOURNAL.md for what an entry holds.
 *
 * An entry is
 *   SYSLOG_IDENTIFIER=audisp-ecs
 *   MESSAGE=    the document's "message" (the text summary), or
 *               "<event.action> <outcome>" when it has none, or the whole
 *               document (journal_message = json)
 *   PRIORITY=   6 (info) for successes and unknown outcomes, 5 (notice) for
 *               failures
 *   MESSAGE_ID= a stable id per event kind: the first 128 bits of
 *               SHA-256("audisp-ecs:MESSAGE_ID:" + auditd.event_kind)
 *   ECS_JSON=   the document, without its '\n'
 *   ECS_...=    every scalar of the document, flattened (scan_value() below)
 *   ECS_FIELDS_DROPPED=N   the scalars that did not fit (ENTRY_FIELDS_MAX)
 *
 * Flattening walks the JSON text with a small strict scanner (no object
 * model): "ECS_" + the dotted path in upper case, every character other than
 * [A-Z0-9] as '_', repeated '_' collapsed; names longer than 64 characters
 * are cut to 55 and end in '_' + 8 hex digits of a hash of the whole name.
 * Arrays repeat their field; the scalars of objects in arrays share the
 * array's names (auditd.paths[].name -> ECS_AUDITD_PATHS_NAME, repeated).
 * Strings are unescaped (\uXXXX and surrogate pairs to UTF-8), numbers and
 * booleans are kept as their text, nulls are left out. Each field is one
 * iovec "NAME=value"; sd_journal_sendv() sends values holding a newline in
 * the length-prefixed binary form, so no value can start another field.
 *
 * Failures. journald may be down (the socket refuses: ECONNREFUSED; or it is
 * gone: ENOENT, which sd_journal_sendv() reports as success, hence the stat()
 * before each send), or alive but not reading (stopped, stuck on a slow
 * disk). A document the journal does not take is dropped and counted
 * (stats.output_dropped, and the output's error count through the -1 we
 * return); the first failure of a streak is logged, and so is the first
 * success after it. libsystemd sends every entry to the socket's path anew,
 * so a restarted journald is used again at once.
 *
 * A journald that does not read would block sd_journal_sendv() forever: its
 * socket is a blocking one. libsystemd creates that socket at its first send
 * and keeps it; we recognise it right after that call (the lowest descriptor
 * that was free before it, now an AF_UNIX datagram socket) and give it a send
 * timeout (SO_SNDTIMEO). A full journald queue then makes a send wait at
 * most SEND_TIMEOUT_MS (twice: libsystemd retries through a memfd) and fail
 * with EAGAIN; while that lasts, documents are dropped without trying, and a
 * probe with a PROBE_TIMEOUT_MS timeout is made every PROBE_INTERVAL_MS. So
 * a slow journald slows the daemon down a little (back-pressure, nothing
 * lost) and a stuck one costs the other outputs at most ~1 s at the start
 * and 2% after. Should the socket not be found (another part of the process
 * sent to the journal first), sends keep libsystemd's blocking behaviour.
 *
 * Nothing is kept for a later try: journald being down is rare and short
 * (under systemd its socket stays and queues entries while it restarts), and
 * what it missed is still in the other outputs. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <syslog.h>
/* no CODE_FILE, CODE_LINE, CODE_FUNC fields (of this file) in the entries */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
#include <time.h>
#include <unistd.h>

#include "output.h"
#include "stats.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
/* How many fields an entry can have. journald ignores a whole entry with more
 * than 1024 (ENTRY_FIELD_COUNT_MAX). But sd_journal_sendv() sends an entry
 * with one sendmsg() of 2 iovecs per field ("NAME=value", "\n"), 5 for a
 * value with a newline (name, "\n", 64-bit length, value, "\n"), and the
 * kernel takes at most UIO_MAXIOV (1024) iovecs: a larger entry fails with
 * EINVAL. So the budget is counted in those iovecs: ours first
 * (SYSLOG_IDENTIFIER, MESSAGE (maybe with a newline), PRIORITY, MESSAGE_ID,
 * ECS_JSON, ECS_FIELDS_DROPPED or ECS_FLATTEN_ERROR: 2+5+2+2+2+2), then the
 * document's fields in document order while they fit; the rest are counted
 * in ECS_FIELDS_DROPPED. That is 504 ECS_ fields without newlines. */
#define ENTRY_FIELDS_MAX 1024
#define FIXED_FIELDS 6
#define ECS_FIELDS_MAX (ENTRY_FIELDS_MAX - FIXED_FIELDS)
#define IOV_MAX_SENDMSG 1024 /* UIO_MAXIOV */
#define FIXED_IOVS 15
#define ECS_IOVS_MAX (IOV_MAX_SENDMSG - FIXED_IOVS)
#define NAME_MAX_LEN 64     /* journald's limit on a field name */
#define NAME_CUT 55         /* a longer name keeps this much, then '_' + 8 hex digits */
#define SCAN_DEPTH_MAX 64   /* nesting of the document (jsonw stops at 32) */
#define SEND_TIMEOUT_MS 500 /* a send waits this long for a full journald queue */
#define PROBE_TIMEOUT_MS 10 /* ... and this long while journald does not read */
#define PROBE_INTERVAL_MS 1000
#define ACTION_MAX 128

struct field {
	size_t off, len; /* "NAME=value" in buf */
};

struct journal_output {
	struct output base;
	bool json_message;
	/* the entry being built */
	char *buf; /* the ECS_ fields, "NAME=value" back to back */
	size_t len, cap;
	struct field *f;
	size_t nf;
	size_t iovs;           /* what the kept fields cost in sd_journal_sendv's iovecs */
	size_t fields_dropped; /* did not fit; so did every later one */
	char *path;            /* the current field name, "ECS_..." */
	size_t plen, pcap;
	char action[ACTION_MAX]; /* event.action, for a MESSAGE when there is no summary */
	size_t action_len;
	bool have_action;
	size_t message_off, message_len; /* the document's "message", in buf */
	bool have_message;
	char *msg; /* MESSAGE=... */
	size_t msg_cap;
	char *jsonf; /* ECS_JSON=... */
	size_t jsonf_cap;
	struct iovec *iov;
	/* failures */
	bool failing;
	uint64_t streak;            /* documents dropped since the failure began */
	bool stalled;               /* the last failure was a timeout */
	struct timespec next_probe; /* while stalled, no try before this */
	uint64_t scan_errors;
	char kind[64]; /* the last event kind seen, and its MESSAGE_ID */
	char kind_id[33];
};

/* --- libsystemd's socket ---------------------------------------------------- */

static int lib_fd = -1;      /* libsystemd's journal socket, once recognised */
static int lib_probes = 3;   /* sends left during which we look for it */
static int lib_timeout = -1; /* the send timeout set on it (ms) */

static int lowest_free_fd(void)
{
	int fd = open("/", O_PATH | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	return fd;
}

static bool is_unix_dgram(int fd)
{
	struct stat st;
	int v;
	socklen_t l = sizeof(v);

	if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return false;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l) < 0 || v != SOCK_DGRAM)
		return false;
	l = sizeof(v);
	return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) == 0 && v == AF_UNIX;
}

static void set_timeout(int ms)
{
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};

	if (lib_fd < 0 || lib_timeout == ms)
		return;
	if (setsockopt(lib_fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0)
		lib_timeout = ms;
}

/* One entry to journald: 0, or -errno. */
static int send_entry(const struct iovec *iov, int n)
{
	struct stat st;
	int rc, cand = -1, tries = 0;

	/* libsystemd reports success when the socket does not exist */
	if (stat(JOURNAL_SOCKET, &st) < 0)
		return -errno;
	if (lib_fd < 0 && lib_probes > 0)
		cand = lowest_free_fd();
	do
		rc = sd_journal_sendv(iov, n);
	while (rc == -EINTR && ++tries < 3);
	if (cand >= 0) {
		lib_probes--;
		if (is_unix_dgram(cand)) {
			lib_fd = cand;
			lib_probes = 0;
			set_timeout(SEND_TIMEOUT_MS);
		}
	}
	return rc;
}

/* --- MESSAGE_ID ----------------------------------------------------------- */

/* SHA-256 (FIPS 180-4), for the one short string per event kind. */
static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2};

static uint32_t ror(uint32_t x, int n)
{
	return x >> n | x << (32 - n);
}

static void sha256_block(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a[8];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3;
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10;
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(a, h, sizeof(a));
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = a[7] + (ror(a[4], 6) ^ ror(a[4], 11) ^ ror(a[4], 25)) +
			      ((a[4] & a[5]) ^ (~a[4] & a[6])) + sha_k[i] + w[i];
		uint32_t t2 = (ror(a[0], 2) ^ ror(a[0], 13) ^ ror(a[0], 22)) +
			      ((a[0] & a[1]) ^ (a[0] & a[2]) ^ (a[1] & a[2]));
		memmove(a + 1, a, 7 * sizeof(a[0]));
		a[4] += t1;
		a[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		h[i] += a[i];
}

static void sha256(const void *data, size_t len, uint8_t out[32])
{
	uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	const uint8_t *p = data;
	uint8_t last[128] = {0};
	size_t n = len;

	for (; n >= 64; n -= 64, p += 64)
		sha256_block(h, p);
	memcpy(last, p, n);
	last[n] = 0x80;
	size_t tail = n < 56 ? 64 : 128;
	for (int i = 0; i < 8; i++)
		last[tail - 1 - i] = (uint8_t)((uint64_t)len * 8 >> (8 * i));
	sha256_block(h, last);
	if (tail == 128)
		sha256_block(h, last + 64);
	for (int i = 0; i < 32; i++)
		out[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
}

#define MESSAGE_ID_NAMESPACE "audisp-ecs:MESSAGE_ID:"

/* The MESSAGE_ID of an event kind: the first 128 bits of
 * SHA-256("audisp-ecs:MESSAGE_ID:" + kind), as 32 lowercase hex digits; in a
 * shell: printf %s "audisp-ecs:MESSAGE_ID:$kind" | sha256sum | cut -c1-32.
 * Stable across versions and machines: never change the namespace or the
 * function (plugin/JOURNAL.md lists the ids). */
static void message_id(const char *kind, char out[33])
{
	char small[sizeof(MESSAGE_ID_NAMESPACE) + 64], *in = small;
	size_t nl = sizeof(MESSAGE_ID_NAMESPACE) - 1, kl = strlen(kind);
	uint8_t d[32];

	if (nl + kl > sizeof(small) && !(in = malloc(nl + kl)))
		kind = "", kl = 0, in = small; /* out of memory: the id of "" */
	memcpy(in, MESSAGE_ID_NAMESPACE, nl);
	memcpy(in + nl, kind, kl);
	sha256(in, nl + kl, d);
	if (in != small)
		free(in);
	for (int i = 0; i < 16; i++) {
		out[2 * i] = "0123456789abcdef"[d[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[d[i] & 15];
	}
	out[32] = '\0';
}

/* --- flattening ------------------------------------------------------------ */

static bool grow(char **b, size_t *cap, size_t need)
{
	if (need <= *cap)
		return true;
	size_t c = *cap ? *cap : 4096;
	while (c < need)
		c *= 2;
	char *nb = realloc(*b, c);
	if (!nb)
		return false;
	*b = nb;
	*cap = c;
	return true;
}

struct scan {
	const unsigned char *p, *end;
	struct journal_output *j;
	bool nomem;
};

/* Per byte of a JSON string: the character it adds to a field name, or
 * NAME_END ('"'), NAME_ESC ('\\'), NAME_BAD (a control byte); and whether it
 * is copied as it is into a value (plain). Filled once, by init_tables(). */
enum { NAME_END = 1, NAME_ESC, NAME_BAD };
static char name_char[256];
static bool plain[256];

static void init_tables(void)
{
	for (int b = 0; b < 256; b++) {
		if (b >= 'a' && b <= 'z')
			name_char[b] = (char)(b - 'a' + 'A');
		else if ((b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9'))
			name_char[b] = (char)b;
		else if (b == '"')
			name_char[b] = NAME_END;
		else if (b == '\\')
			name_char[b] = NAME_ESC;
		else if (b < 0x20)
			name_char[b] = NAME_BAD;
		else
			name_char[b] = '_';
		plain[b] = b >= 0x20 && b != '"' && b != '\\';
	}
}

static void skip_ws(struct scan *s)
{
	while (s->p < s->end && *s->p <= ' ' &&
	       (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int hex4(const unsigned char *p, const unsigned char *end, unsigned *out)
{
	unsigned v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		unsigned c = p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* After the backslash of an escape: the code point (a surrogate pair
 * combined), s->p past the escape; -1 when invalid (lone surrogates too). */
static long scan_escape(struct scan *s)
{
	unsigned u, lo;

	if (s->p >= s->end)
		return -1;
	switch (*s->p++) {
	case '"': return '"';
	case '\\': return '\\';
	case '/': return '/';
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'u':
		if (hex4(s->p, s->end, &u) < 0)
			return -1;
		s->p += 4;
		if (u >= 0xdc00 && u <= 0xdfff)
			return -1;
		if (u < 0xd800 || u > 0xdbff)
			return u;
		if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' ||
		    hex4(s->p + 2, s->end, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
			return -1;
		s->p += 6;
		return 0x10000 + ((long)(u - 0xd800) << 10) + (lo - 0xdc00);
	default:
		return -1;
	}
}

static size_t put_utf8(char *o, unsigned long cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A key, s->p after its opening quote: appended to the path as '_' and the
 * key, [a-z] in upper case, [A-Z0-9] kept, anything else '_', no '_' twice. */
static int scan_key(struct scan *s)
{
	struct journal_output *j = s->j;

	/* at most one path byte per key byte, plus the separator */
	if (!grow(&j->path, &j->pcap, j->plen + 2 + (size_t)(s->end - s->p))) {
		s->nomem = true;
		return -1;
	}
	char *o = j->path;
	size_t n = j->plen;
	if (o[n - 1] != '_')
		o[n++] = '_';
	for (;;) {
		if (s->p >= s->end)
			return -1;
		char c = name_char[*s->p++];
		if (c < ' ') {
			if (c == NAME_END)
				break;
			if (c == NAME_BAD)
				return -1;
			long e = scan_escape(s);
			if (e < 0)
				return -1;
			c = e < 128 ? name_char[e] : '_';
			if (c < ' ')
				c = '_'; /* an escaped quote, backslash or control character */
		}
		if (c != '_' || o[n - 1] != '_')
			o[n++] = c;
	}
	j->plen = n;
	return 0;
}

static uint32_t fnv32(const char *p, size_t n)
{
	uint32_t h = 2166136261u;
	while (n--) {
		h ^= (uint8_t)*p++;
		h *= 16777619u;
	}
	return h;
}

/* Starts a field: its name and '=' at the end of buf (room is there). */
static void put_name(struct journal_output *j)
{
	char *o = j->buf + j->len;

	if (j->plen <= NAME_MAX_LEN) {
		memcpy(o, j->path, j->plen);
		j->len += j->plen;
	} else {
		size_t keep = NAME_CUT;
		if (j->path[keep - 1] == '_')
			keep--;
		memcpy(o, j->path, keep);
		snprintf(o + keep, 10, "_%08X", (unsigned)fnv32(j->path, j->plen));
		j->len += keep + 9;
	}
	j->buf[j->len++] = '=';
}

/* Ends the field that starts at off: kept, or counted when it does not fit
 * (nor does any after it). newline: the value holds a '\n'. */
static void end_field(struct journal_output *j, size_t off, bool newline)
{
	size_t cost = newline ? 5 : 2;

	if (j->fields_dropped || j->nf == ECS_FIELDS_MAX || j->iovs + cost > ECS_IOVS_MAX) {
		j->fields_dropped++;
		j->len = off;
		return;
	}
	j->iovs += cost;
	j->f[j->nf].off = off;
	j->f[j->nf].len = j->len - off;
	j->nf++;
}

static bool start_field(struct scan *s, size_t value_max, size_t *off)
{
	struct journal_output *j = s->j;

	if (!grow(&j->buf, &j->cap, j->len + NAME_MAX_LEN + 1 + value_max)) {
		s->nomem = true;
		return false;
	}
	*off = j->len;
	put_name(j);
	return true;
}

/* A string value, s->p after its opening quote. */
static int scan_string_value(struct scan *s)
{
	struct journal_output *j = s->j;
	size_t off;

	/* unescaped, a string is never longer than its JSON text */
	if (!start_field(s, (size_t)(s->end - s->p), &off))
		return -1;
	char *o = j->buf + j->len;
	size_t vstart = j->len;
	bool newline = false;
	for (;;) {
		if (s->p >= s->end)
			return -1;
		const unsigned char *q = s->p;
		/* the plain run up to the next quote, backslash or control byte */
		while (q < s->end && plain[*q])
			q++;
		memcpy(o, s->p, (size_t)(q - s->p));
		o += q - s->p;
		s->p = q;
		if (q >= s->end || *q < 0x20)
			return -1;
		s->p++;
		if (*q == '"')
			break;
		long c = scan_escape(s);
		if (c < 0)
			return -1;
		newline |= c == '\n';
		o += put_utf8(o, (unsigned long)c);
	}
	j->len = (size_t)(o - j->buf);
	if (!j->have_action && j->plen == 16 && !memcmp(j->path, "ECS_EVENT_ACTION", 16)) {
		j->action_len = j->len - vstart < ACTION_MAX ? j->len - vstart : ACTION_MAX;
		memcpy(j->action, j->buf + vstart, j->action_len);
		j->have_action = true;
	}
	size_t nf = j->nf;
	end_field(j, off, newline);
	if (!j->have_message && j->nf > nf && j->plen == 11 &&
	    !memcmp(j->path, "ECS_MESSAGE", 11)) {
		j->message_off = vstart;
		j->message_len = j->len - vstart;
		j->have_message = true;
	}
	return 0;
}

static int scan_literal(struct scan *s, const char *lit, size_t n, bool emit)
{
	size_t off;

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return -1;
	s->p += n;
	if (!emit)
		return 0;
	if (!start_field(s, n, &off))
		return -1;
	memcpy(s->j->buf + s->j->len, lit, n);
	s->j->len += n;
	end_field(s->j, off, false);
	return 0;
}

static bool digit(const struct scan *s)
{
	return s->p < s->end && *s->p >= '0' && *s->p <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, kept as it is written */
static int scan_number(struct scan *s)
{
	const unsigned char *start = s->p;

	if (*s->p == '-')
		s->p++;
	if (!digit(s))
		return -1;
	if (*s->p++ != '0')
		while (digit(s))
			s->p++;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (!digit(s))
			return -1;
		while (digit(s))
			s->p++;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (!digit(s))
			return -1;
		while (digit(s))
			s->p++;
	}
	size_t n = (size_t)(s->p - start), off;
	if (!start_field(s, n, &off))
		return -1;
	memcpy(s->j->buf + s->j->len, start, n);
	s->j->len += n;
	end_field(s->j, off, false);
	return 0;
}

static int scan_value(struct scan *s, int depth)
{
	struct journal_output *j = s->j;

	skip_ws(s);
	if (s->p >= s->end || depth > SCAN_DEPTH_MAX)
		return -1;
	switch (*s->p) {
	case '{': {
		size_t plen = j->plen;
		s->p++;
		skip_ws(s);
		if (s->p < s->end && *s->p == '}') {
			s->p++;
			return 0;
		}
		for (;;) {
			skip_ws(s);
			if (s->p >= s->end || *s->p++ != '"' || scan_key(s) < 0)
				return -1;
			skip_ws(s);
			if (s->p >= s->end || *s->p++ != ':' || scan_value(s, depth + 1) < 0)
				return -1;
			j->plen = plen;
			skip_ws(s);
			if (s->p >= s->end)
				return -1;
			if (*s->p == '}') {
				s->p++;
				return 0;
			}
			if (*s->p++ != ',')
				return -1;
		}
	}
	case '[':
		s->p++;
		skip_ws(s);
		if (s->p < s->end && *s->p == ']') {
			s->p++;
			return 0;
		}
		for (;;) {
			if (scan_value(s, depth + 1) < 0)
				return -1;
			skip_ws(s);
			if (s->p >= s->end)
				return -1;
			if (*s->p == ']') {
				s->p++;
				return 0;
			}
			if (*s->p++ != ',')
				return -1;
		}
	case '"':
		s->p++;
		return scan_string_value(s);
	case 't':
		return scan_literal(s, "true", 4, true);
	case 'f':
		return scan_literal(s, "false", 5, true);
	case 'n':
		return scan_literal(s, "null", 4, false);
	default:
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
			return scan_number(s);
		return -1;
	}
}

/* Flattens one document into j->buf / j->f. Returns 0, or -1 (invalid JSON,
 * or out of memory: s->nomem) with *at the offset where it stopped. */
static int flatten(struct journal_output *j, const char *json, size_t len, size_t *at)
{
	struct scan s = {(const unsigned char *)json, (const unsigned char *)json + len, j, false};

	j->len = 0;
	j->nf = 0;
	j->fields_dropped = 0;
	j->iovs = 0;
	j->have_action = false;
	j->action_len = 0;
	j->have_message = false;
	memcpy(j->path, "ECS", 3);
	j->plen = 3;
	int rc = scan_value(&s, 0);
	if (rc == 0) {
		skip_ws(&s);
		if (s.p != s.end)
			rc = -1;
	}
	*at = (size_t)(s.p - (const unsigned char *)json);
	if (rc < 0)
		errno = s.nomem ? ENOMEM : EINVAL;
	return rc;
}

/* --- the output ------------------------------------------------------------- */

static void note_failure(struct journal_output *j, int err)
{
	if (!j->failing)
		syslog(LOG_ERR,
		       "output journal: cannot send to journald: %s; dropping documents "
		       "(counted in output_dropped) until it takes them again",
		       strerror(err));
	j->failing = true;
	j->streak++;
	stats.output_dropped++;
	j->stalled = err == EAGAIN || err == ETIMEDOUT;
	if (j->stalled) {
		set_timeout(PROBE_TIMEOUT_MS);
		clock_gettime(CLOCK_MONOTONIC, &j->next_probe);
		j->next_probe.tv_sec += PROBE_INTERVAL_MS / 1000;
		j->next_probe.tv_nsec += (PROBE_INTERVAL_MS % 1000) * 1000000L;
		if (j->next_probe.tv_nsec >= 1000000000L) {
			j->next_probe.tv_sec++;
			j->next_probe.tv_nsec -= 1000000000L;
		}
	}
}

static bool before_probe(const struct journal_output *j)
{
	struct timespec now;

	if (!j->stalled)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec < j->next_probe.tv_sec ||
	       (now.tv_sec == j->next_probe.tv_sec && now.tv_nsec < j->next_probe.tv_nsec);
}

/* "PREFIX" + a + b into *dst (grown), as an iovec. */
static bool make_field(char **dst, size_t *cap, const char *prefix, const char *a, size_t alen,
		       const char *b, size_t blen, struct iovec *iov)
{
	size_t pl = strlen(prefix);

	if (!grow(dst, cap, pl + alen + blen))
		return false;
	memcpy(*dst, prefix, pl);
	memcpy(*dst + pl, a, alen);
	memcpy(*dst + pl + alen, b, blen);
	iov->iov_base = *dst;
	iov->iov_len = pl + alen + blen;
	return true;
}

static int journal_write(struct output *o, const struct doc *d)
{
	struct journal_output *j = (struct journal_output *)o;
	static const char *const priority[] = {"PRIORITY=5", "PRIORITY=6"};
	char msgid[sizeof("MESSAGE_ID=") + 32] = "MESSAGE_ID=";
	char extra[64];
	size_t jlen = d->len && d->json[d->len - 1] == '\n' ? d->len - 1 : d->len;
	size_t at;
	int n = 0;

	if (before_probe(j)) {
		j->streak++;
		stats.output_dropped++;
		return -1;
	}

	bool flat = flatten(j, d->json, jlen, &at) == 0;
	if (!flat) {
		int e = errno;
		j->nf = 0;
		j->len = 0;
		j->have_message = false;
		if (j->scan_errors++ < 10)
			syslog(LOG_WARNING,
			       "output journal: document not flattened (%s at byte %zu); "
			       "sent with ECS_JSON only",
			       e == ENOMEM ? "out of memory" : "invalid JSON", at);
		snprintf(extra, sizeof(extra), "ECS_FLATTEN_ERROR=%s at byte %zu",
			 e == ENOMEM ? "out of memory" : "invalid JSON", at);
	}

	struct iovec *v = j->iov;
	v[n++] = (struct iovec){(char *)"SYSLOG_IDENTIFIER=audisp-ecs", 28};
	bool ok;
	if (j->json_message) {
		ok = make_field(&j->msg, &j->msg_cap, "MESSAGE=", d->json, jlen, "", 0, &v[n++]);
	} else if (j->have_message) {
		/* the summary as the document has it: valid UTF-8, where d->message
		 * may hold the raw bytes of a name */
		ok = make_field(&j->msg, &j->msg_cap, "MESSAGE=", j->buf + j->message_off,
				j->message_len, "", 0, &v[n++]);
	} else if (d->message && d->message_len) {
		ok = make_field(&j->msg, &j->msg_cap, "MESSAGE=", d->message, d->message_len, "", 0,
				&v[n++]);
	} else {
		/* no summary (message = no): "<event.action> <outcome>" */
		const char *what = j->have_action ? j->action
				   : d->event_kind && *d->event_kind ? d->event_kind
								      : "event";
		size_t wlen = j->have_action ? j->action_len : strlen(what);
		const char *oc = d->outcome == 1   ? " success"
				 : d->outcome == 0 ? " failure"
						   : " unknown";
		ok = make_field(&j->msg, &j->msg_cap, "MESSAGE=", what, wlen, oc, strlen(oc),
				&v[n++]);
	}
	v[n++] = (struct iovec){(char *)priority[d->outcome != 0], 10};
	const char *kind = d->event_kind && *d->event_kind ? d->event_kind : "unknown";
	if (strcmp(kind, j->kind) != 0) {
		message_id(kind, j->kind_id);
		/* a kind too long for the cache is worked out each time */
		snprintf(j->kind, sizeof(j->kind), "%s",
			 strlen(kind) < sizeof(j->kind) ? kind : "");
	}
	memcpy(msgid + 11, j->kind_id, 33);
	v[n++] = (struct iovec){msgid, sizeof(msgid) - 1};
	ok = ok && make_field(&j->jsonf, &j->jsonf_cap, "ECS_JSON=", d->json, jlen, "", 0,
			      &v[n++]);
	if (!ok) {
		note_failure(j, ENOMEM);
		return -1;
	}
	if (flat && j->fields_dropped)
		snprintf(extra, sizeof(extra), "ECS_FIELDS_DROPPED=%zu", j->fields_dropped);
	if (!flat || j->fields_dropped)
		v[n++] = (struct iovec){extra, strlen(extra)};
	for (size_t i = 0; i < j->nf; i++)
		v[n++] = (struct iovec){j->buf + j->f[i].off, j->f[i].len};

	int rc = send_entry(v, n);
	if (rc < 0) {
		note_failure(j, -rc);
		return -1;
	}
	if (j->failing) {
		syslog(LOG_NOTICE,
		       "output journal: journal output recovered, %llu documents dropped",
		       (unsigned long long)j->streak);
		j->failing = false;
		j->stalled = false;
		j->streak = 0;
	}
	if (lib_timeout != SEND_TIMEOUT_MS)
		set_timeout(SEND_TIMEOUT_MS);
	return 0;
}

static int journal_flush(struct output *o)
{
	return 0; /* nothing is kept */
}

static int journal_reopen(struct output *o)
{
	return 0;
}

static void journal_close(struct output *o)
{
	struct journal_output *j = (struct journal_output *)o;

	if (j->failing)
		syslog(LOG_NOTICE, "output journal: closed while failing, %llu documents dropped",
		       (unsigned long long)j->streak);
	free(j->buf);
	free(j->f);
	free(j->path);
	free(j->msg);
	free(j->jsonf);
	free(j->iov);
	free(o->name);
	free(j);
}

static const struct output_ops journal_ops = {
	.write = journal_write,
	.flush = journal_flush,
	.reopen = journal_reopen,
	.close = journal_close,
};

struct output *output_journal_open(const struct config *c, char *err, size_t errlen)
{
	struct journal_output *j = calloc(1, sizeof(*j));

	if (!j || !(j->base.name = strdup("journal")) ||
	    !(j->f = malloc(ECS_FIELDS_MAX * sizeof(*j->f))) ||
	    !(j->iov = malloc(ENTRY_FIELDS_MAX * sizeof(*j->iov))) ||
	    !grow(&j->path, &j->pcap, 256) || !grow(&j->buf, &j->cap, 16384)) {
		if (j) {
			free(j->base.name);
			free(j->f);
			free(j->iov);
			free(j->path);
			free(j);
		}
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (!plain['a'])
		init_tables();
	j->base.ops = &journal_ops;
	j->json_message = c->journal_message == JOURNAL_MESSAGE_JSON;
	return &j->base;
}
