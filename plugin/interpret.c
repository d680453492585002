/* interpret: auditd's encoded field values -> meaning. See interpret.h.
 *
 * Everything here is on the per-event hot path: no allocation except into the
 * caller's arena, table lookups instead of string searches, no stdio. */
#include "interpret.h"

#include <arpa/inet.h>
#include <libaudit.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "loadword.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ---- hex ---------------------------------------------------------------- */

/* Digit value + 1; 0 = not a hex digit. */
static const unsigned char hexval[256] = {
	['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,
	['5'] = 6,  ['6'] = 7,  ['7'] = 8,  ['8'] = 9,  ['9'] = 10,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

#ifdef __SSE2__
/* 16 characters -> their digit values (0..15, junk where not hex), and-ing
 * into *good 0xFF for each that is a hex digit, 0 for each that is not.
 * '0'-'9' and, once 0x20 is or-ed in, 'a'-'f' (only 'A'-'F' and 'a'-'f'
 * map there): each range moved to the bottom of the signed bytes (-128
 * up), so one compare finds it. A digit's low 4 bits are its value, a
 * letter's plus 9. */
static inline __m128i hex_digits16(const char *s, __m128i *good)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i lc = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i dig = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))),
				     _mm_set1_epi8((char)(0x80 + 10)));
	__m128i alpha = _mm_cmplt_epi8(_mm_add_epi8(lc, _mm_set1_epi8((char)(0x80 - 'a'))),
				       _mm_set1_epi8((char)(0x80 + 6)));
	*good = _mm_and_si128(*good, _mm_or_si128(dig, alpha));
	return _mm_add_epi8(_mm_and_si128(v, _mm_set1_epi8(0x0f)),
			    _mm_and_si128(alpha, _mm_set1_epi8(9)));
}

/* 16 digit values (high, low, high, low, ...) -> 8 bytes, in the low
 * halves of the 16-bit lanes. */
static inline __m128i hex_pairs(__m128i d)
{
	__m128i hi = _mm_slli_epi16(_mm_and_si128(d, _mm_set1_epi16(0xff)), 4);
	return _mm_or_si128(hi, _mm_srli_epi16(d, 8));
}

static inline void hex_pack8(__m128i d, char *out)
{
	__m128i b = hex_pairs(d);
	_mm_storel_epi64((__m128i *)(void *)out, _mm_packus_epi16(b, b));
}

static inline bool all_good(__m128i good)
{
	return _mm_movemask_epi8(good) == 0xFFFF;
}
#endif

bool interp_is_hex(const char *s, size_t n)
{
	if (n == 0 || (n & 1))
		return false;
#ifdef __SSE2__
	if (n >= 16) {
		/* 16 at a time, the last 16 overlapping the ones before */
		__m128i good = _mm_set1_epi8(-1);
		for (size_t i = 0; i + 16 < n && all_good(good); i += 16)
			hex_digits16(s + i, &good);
		hex_digits16(s + n - 16, &good);
		return all_good(good);
	}
#endif
	for (size_t i = 0; i < n; i++)
		if (!hexval[(unsigned char)s[i]])
			return false;
	return true;
}

size_t interp_hex_decode(const char *hex, size_t n, char *out)
{
	if (n & 1)
		return (size_t)-1;
#ifdef __SSE2__
	if (n >= 16) {
		/* 32 digits -> 16 bytes; then 16 -> 8, the last 16 overlapping
		 * the ones before (n is even, so they start on a digit pair).
		 * Whether all were digits is asked once, at the end. */
		__m128i good = _mm_set1_epi8(-1);
		size_t i = 0;
		for (; i + 32 <= n; i += 32) {
			__m128i a = hex_pairs(hex_digits16(hex + i, &good));
			__m128i b = hex_pairs(hex_digits16(hex + i + 16, &good));
			_mm_storeu_si128((__m128i *)(void *)(out + i / 2), _mm_packus_epi16(a, b));
		}
		if (n - i > 16)
			hex_pack8(hex_digits16(hex + i, &good), out + i / 2);
		if (n - i)
			hex_pack8(hex_digits16(hex + n - 16, &good), out + (n - 16) / 2);
		return all_good(good) ? n / 2 : (size_t)-1;
	}
#endif
	for (size_t i = 0; i < n; i += 2) {
		unsigned hi = hexval[(unsigned char)hex[i]];
		unsigned lo = hexval[(unsigned char)hex[i + 1]];
		if (!hi || !lo)
			return (size_t)-1;
		out[i / 2] = (char)(((hi - 1) << 4) | (lo - 1));
	}
	return n / 2;
}

/* ---- untrusted strings -------------------------------------------------- */

/* interp_untrusted() for a value that is empty or not quoted. */
bool interp_untrusted_any(const char *v, size_t n, struct arena *a, struct strv *out)
{
	out->p = "";
	out->len = 0;
	if (n == 0)
		return false;
	if ((n == 1 && v[0] == '?') || (n == 6 && memcmp(v, "(null)", 6) == 0))
		return false;
	/* hex: decoded in one pass, straight into the arena, which takes the
	 * bytes back when a digit says it was not hex after all */
	char *buf = n & 1 ? NULL : arena_alloc(a, n / 2 + 1);
	if (buf && interp_hex_decode(v, n, buf) == n / 2) {
		buf[n / 2] = '\0';
		out->p = buf;
		out->len = n / 2;
		return true;
	}
	if (buf)
		arena_unalloc(a, buf);
	else if (!(n & 1) && interp_is_hex(v, n))
		return false; /* no memory */
	out->p = v;
	out->len = n;
	return true;
}

size_t interp_split_nul(const char *p, size_t n, struct strv *out, size_t max)
{
	size_t count = 0;
	size_t start = 0;

	if (max == 0)
		return 0;
	if (n > 0 && p[n - 1] == '\0')
		n--; /* a trailing NUL ends the last part, it does not start one */
	if (n == 0)
		return 0;
	while (count < max) {
		const char *nul = memchr(p + start, '\0', n - start);
		size_t end = nul ? (size_t)(nul - p) : n;
		out[count].p = p + start;
		out[count].len = end - start;
		count++;
		if (!nul)
			break;
		start = end + 1;
	}
	return count;
}

/* ---- sockaddr ----------------------------------------------------------- */

/* Linux AF_* numbers -> names (auditd's spelling, except AF_UNIX is "unix"
 * where auditd says "local"). */
static const char *const family_names[] = {
	[0] = "unspec",     [1] = "unix",       [2] = "inet",
	[3] = "ax25",       [4] = "ipx",        [5] = "appletalk",
	[6] = "netrom",     [7] = "bridge",     [8] = "atmpvc",
	[9] = "x25",        [10] = "inet6",     [11] = "rose",
	[12] = "decnet",    [13] = "netbeui",   [14] = "security",
	[15] = "key",       [16] = "netlink",   [17] = "packet",
	[18] = "ash",       [19] = "econet",    [20] = "atmsvc",
	[21] = "rds",       [22] = "sna",       [23] = "irda",
	[24] = "pppox",     [25] = "wanpipe",   [26] = "llc",
	[27] = "ib",        [28] = "mpls",      [29] = "can",
	[30] = "tipc",      [31] = "bluetooth", [32] = "iucv",
	[33] = "rxrpc",     [34] = "isdn",      [35] = "phonet",
	[36] = "ieee802154", [37] = "caif",     [38] = "alg",
	[39] = "nfc",       [40] = "vsock",     [41] = "kcm",
	[42] = "qipcrtr",   [43] = "smc",       [44] = "xdp",
	[45] = "mctp",
};

#define SOCKADDR_MAX 128 /* sizeof(struct sockaddr_storage): what the kernel logs at most */

static uint32_t get_u32(const unsigned char *b, bool big_endian)
{
	if (big_endian)
		return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

/* Dotted quad, as inet_ntop writes it (which costs ~100 ns via sprintf). */
static void format_ipv4(const unsigned char *ip, char *out)
{
	for (int i = 0; i < 4; i++) {
		unsigned v = ip[i];
		if (v >= 100)
			*out++ = (char)('0' + v / 100);
		if (v >= 10)
			*out++ = (char)('0' + v / 10 % 10);
		*out++ = (char)('0' + v % 10);
		*out++ = i < 3 ? '.' : '\0';
	}
}

int interp_sockaddr(const char *hex, size_t n, struct sockaddr_info *out)
{
	unsigned char b[SOCKADDR_MAX];
	size_t len;
	bool be = false;

	out->family = -1;
	out->family_name = "unknown";
	out->addr[0] = '\0';
	out->port = -1;
	out->path[0] = '\0';
	out->nl_pid = 0;
	out->nl_groups = 0;

	if (n < 4 || (n & 1))
		return -1;
	/* only the first SOCKADDR_MAX bytes mean anything, but all must be hex */
	if (n > 2 * SOCKADDR_MAX && !interp_is_hex(hex + 2 * SOCKADDR_MAX, n - 2 * SOCKADDR_MAX))
		return -1;
	len = interp_hex_decode(hex, n > 2 * SOCKADDR_MAX ? 2 * SOCKADDR_MAX : n, (char *)b);
	if (len == (size_t)-1)
		return -1;

	/* sa_family is in the recorded machine's byte order. No family number
	 * reaches 256, so a zero first byte followed by a non-zero one can only
	 * be a big-endian machine (s390x, ppc64); otherwise little-endian. */
	if (b[0] == 0 && b[1] != 0)
		be = true;
	int family = be ? b[1] : (b[1] << 8 | b[0]);
	out->family = family;

	switch (family) {
	case AF_INET:
		/* family, port (network order), address; sin_zero is optional */
		if (len < 8)
			return -1;
		format_ipv4(b + 4, out->addr);
		out->port = b[2] << 8 | b[3];
		break;
	case AF_INET6:
		/* family, port, flowinfo, address; sin6_scope_id is optional
		 * (a 24-byte sockaddr_in6 is valid) and not shown */
		if (len < 24)
			return -1;
		if (!inet_ntop(AF_INET6, b + 8, out->addr, sizeof(out->addr)))
			return -1;
		out->port = b[2] << 8 | b[3];
		break;
	case AF_UNIX: {
		/* sun_path: up to 108 bytes after the family; an unnamed socket
		 * (autobind) has only the family and an empty path */
		const unsigned char *sp = b + 2;
		size_t plen = len - 2;
		if (plen > 108)
			plen = 108;
		if (plen > 0 && sp[0] == '\0') {
			/* abstract: every byte up to the length is the name; show
			 * it as /proc/net/unix does, '@' for each NUL, but drop
			 * the NUL padding of callers that pass sizeof(sun) */
			while (plen > 1 && sp[plen - 1] == '\0')
				plen--;
			for (size_t i = 0; i < plen; i++)
				out->path[i] = sp[i] ? (char)sp[i] : '@';
			out->path[plen] = '\0';
		} else {
			size_t i = 0;
			for (; i < plen && sp[i]; i++)
				out->path[i] = (char)sp[i];
			out->path[i] = '\0';
		}
		break;
	}
	case AF_NETLINK:
		/* family, pad (2), nl_pid, nl_groups in host order */
		if (len < 12)
			return -1;
		out->nl_pid = get_u32(b + 4, be);
		out->nl_groups = get_u32(b + 8, be);
		break;
	default:
		break;
	}
	if ((size_t)family < sizeof(family_names) / sizeof(family_names[0]) && family_names[family])
		out->family_name = family_names[family];
	return 0;
}

/* ---- mode --------------------------------------------------------------- */

const char *interp_mode_kind(unsigned long mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "file";
	case S_IFDIR:
		return "directory";
	case S_IFCHR:
		return "character-device";
	case S_IFBLK:
		return "block-device";
	case S_IFIFO:
		return "fifo";
	case S_IFLNK:
		return "symlink";
	case S_IFSOCK:
		return "socket";
	default:
		return NULL;
	}
}

void interp_mode_perm(unsigned long mode, char out[5])
{
	out[0] = (char)('0' + ((mode >> 9) & 7));
	out[1] = (char)('0' + ((mode >> 6) & 7));
	out[2] = (char)('0' + ((mode >> 3) & 7));
	out[3] = (char)('0' + (mode & 7));
	out[4] = '\0';
}

/* ---- errno, arch, syscall ----------------------------------------------- */

const char *interp_errno_name(long err)
{
	if (err <= 0 || err > INT_MAX)
		return NULL;
	return strerrorname_np((int)err);
}

static int arch_machine(const char *hex, size_t n)
{
	uint64_t v;

	if (!interp_u64(hex, n, 16, &v) || v > UINT32_MAX)
		return -1;
	return audit_elf_to_machine((unsigned int)v);
}

/* A host's SYSCALL records nearly all name one arch: the last answer is
 * kept, keyed by its (at most 8) digits as one word. */
static struct {
	uint64_t word;
	size_t n;
	int machine;
} last_arch;

int interp_arch_machine(const char *hex, size_t n)
{
	if (n - 1 >= 8)
		return arch_machine(hex, n);
	uint64_t word = load_upto8(hex, n);
	if (n != last_arch.n || word != last_arch.word) {
		last_arch.machine = arch_machine(hex, n);
		last_arch.word = word;
		last_arch.n = n;
	}
	return last_arch.machine;
}

const char *interp_machine_name(int machine)
{
	if (machine < 0)
		return NULL;
	return audit_machine_to_name(machine);
}

#define SYSCALL_CACHE_MACHINES 16
#define SYSCALL_CACHE_NR 2048

/* Per machine, lazily: NULL = not looked up yet, no_name = libaudit has none. */
static const char **syscall_cache[SYSCALL_CACHE_MACHINES];
static const char no_name[] = "";

const char *interp_syscall_name(int machine, int nr)
{
	if (machine < 0 || nr < 0)
		return NULL;
	if (machine >= SYSCALL_CACHE_MACHINES || nr >= SYSCALL_CACHE_NR)
		return audit_syscall_to_name(nr, machine); /* rare: uncached */

	const char **names = syscall_cache[machine];
	if (!names) {
		names = calloc(SYSCALL_CACHE_NR, sizeof(*names));
		if (!names)
			return audit_syscall_to_name(nr, machine);
		syscall_cache[machine] = names;
	}
	const char *name = names[nr];
	if (!name) {
		name = audit_syscall_to_name(nr, machine);
		names[nr] = name ? name : no_name;
		return name;
	}
	return name == no_name ? NULL : name;
}

void interp_free(void)
{
	for (size_t i = 0; i < SYSCALL_CACHE_MACHINES; i++) {
		free(syscall_cache[i]);
		syscall_cache[i] = NULL;
	}
}

/* ---- labels ------------------------------------------------------------- */

size_t interp_label(const char *s, size_t n, struct strv parts[4])
{
	size_t count = 0;
	size_t start = 0;

	if (n == 0)
		return 0;
	while (count < 3) {
		const char *colon = memchr(s + start, ':', n - start);
		if (!colon)
			break;
		parts[count].p = s + start;
		parts[count].len = (size_t)(colon - s) - start;
		count++;
		start = (size_t)(colon - s) + 1;
	}
	/* the rest, ':' and all, is the last part (an MLS level "s0-s0:c0.c1023") */
	parts[count].p = s + start;
	parts[count].len = n - start;
	return count + 1;
}

/* ---- numbers ------------------------------------------------------------ */

/* Years up to 9999 by the civil-from-days algorithm (H. Hinnant): gmtime_r
 * and strftime cost ~700 instructions and busy streams see a new second
 * every few events. False beyond 9999. */
static bool utc_fast(uint64_t sec, char out[20])
{
	if (sec >= 253402300800ULL) /* 10000-01-01 */
		return false;
	uint64_t days = sec / 86400, rem = sec % 86400;
	uint64_t z = days + 719468, era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	unsigned y = (unsigned)(yoe + era * 400) + (m <= 2);
	unsigned hh = (unsigned)(rem / 3600), mm = (unsigned)(rem / 60 % 60), ss = (unsigned)(rem % 60);
	const unsigned v[6] = {y / 100, y % 100, m, d, hh, mm};
	char *p = out;
	for (int i = 0; i < 6; i++) {
		p[0] = (char)('0' + v[i] / 10);
		p[1] = (char)('0' + v[i] % 10);
		p[2] = "\0--T::"[i];
		p += i == 0 ? 2 : 3;
	}
	p[0] = (char)('0' + ss / 10);
	p[1] = (char)('0' + ss % 10);
	p[2] = '\0';
	return true;
}

bool interp_utc(uint64_t sec, char out[INTERP_UTC_LEN])
{
	if (utc_fast(sec, out))
		return true;
	struct tm tm;
	time_t t = (time_t)sec;
	return gmtime_r(&t, &tm) && strftime(out, INTERP_UTC_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
}

/* The 8 decimal digits at s, or false if one is not: each byte must be
 * 0x30..0x39 (high nibble 3, still 3 once 6 is added to the low one), then
 * pairs, fours and the eight are combined in place, the first digit being
 * the lowest byte. */
static inline bool digits8(const char *s, uint64_t *out)
{
	const uint64_t high = 0xF0F0F0F0F0F0F0F0ULL, threes = 0x3030303030303030ULL;
	uint64_t x = load64(s);
	if ((x & high) != threes || ((x + 0x0606060606060606ULL) & high) != threes)
		return false;
	x -= threes;
	x = (x * 10 + (x >> 8)) & 0x00FF00FF00FF00FFULL;
	x = (x * 100 + (x >> 16)) & 0x0000FFFF0000FFFFULL;
	*out = (x * 10000 + (x >> 32)) & 0xFFFFFFFFULL;
	return true;
}

bool interp_u64_any(const char *s, size_t n, int base, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0)
		return false;
	switch (base) {
	case 10:
		if (n <= 19) { /* cannot overflow */
			size_t i = 0;
			if (n >= 8) {
				if (!digits8(s, &v))
					return false;
				i = 8;
			}
			for (; i < n; i++) {
				unsigned d = (unsigned char)s[i] - '0';
				if (d > 9)
					return false;
				v = v * 10 + d;
			}
			break;
		}
		for (size_t i = 0; i < n; i++) {
			unsigned d = (unsigned char)s[i] - '0';
			if (d > 9)
				return false;
			if (v > (UINT64_MAX - d) / 10)
				return false;
			v = v * 10 + d;
		}
		break;
	case 16:
		for (size_t i = 0; i < n; i++) {
			unsigned d = hexval[(unsigned char)s[i]];
			if (!d)
				return false;
			if (v >> 60)
				return false;
			v = v << 4 | (d - 1);
		}
		break;
	case 8:
		for (size_t i = 0; i < n; i++) {
			unsigned d = (unsigned char)s[i] - '0';
			if (d > 7)
				return false;
			if (v >> 61)
				return false;
			v = v << 3 | d;
		}
		break;
	default:
		return false;
	}
	*out = v;
	return true;
}

bool interp_i64(const char *s, size_t n, int64_t *out)
{
	uint64_t v;
	bool neg = n > 0 && s[0] == '-';

	if (neg) {
		s++;
		n--;
	}
	if (!interp_u64(s, n, 10, &v))
		return false;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return false;
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > INT64_MAX)
			return false;
		*out = (int64_t)v;
	}
	return true;
}
