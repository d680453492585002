/* interpret: turning auditd's encoded field values into meaning, on the hot
 * path, without libauparse.
 *
 * auditd writes an untrusted string either quoted ("text") when it is plain
 * printable ASCII without spaces or quotes, or as bare upper-case hex of its
 * bytes otherwise; "(null)" and "?" mean absent. Numbers are decimal or hex
 * depending on the field. */
#ifndef AUDISP_ECS_INTERPRET_H
#define AUDISP_ECS_INTERPRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

/* A byte string that is not NUL-terminated. */
struct strv {
	const char *p;
	size_t len;
};

/* True if s is a non-empty, even-length run of hex digits (either case). */
bool interp_is_hex(const char *s, size_t n);
/* Decodes n hex digits (n even) into out (n/2 bytes). Returns bytes written,
 * or (size_t)-1 if n is odd or a non-hex digit is found (out may then hold
 * some bytes already). n == 0 decodes nothing and returns 0. */
size_t interp_hex_decode(const char *hex, size_t n, char *out);

/* An untrusted string field: "quoted" -> the inside (no copy); HEX -> the
 * decoded bytes (in arena); anything else -> as it is. Returns false (and an
 * empty value) for "(null)", "?" and an empty value (also "" quoted).
 *   - "(none)" (tty) and other bare non-hex words are returned as they are;
 *   - hex of either case and even length is decoded; odd length or a non-hex
 *     character means "not hex" and the value is returned as it is. Only call
 *     this on fields known to be encoded strings (a bare "ffffffff" decodes);
 *   - decoded bytes may contain NULs; they are followed by an extra NUL
 *     (not counted in len) for convenience; valid until arena_reset();
 *   - a quoted value cut short (no closing quote) gives what follows '"';
 *   - false too if the arena cannot allocate.
 * Inline: most such values are quoted (exe, comm, name, key: ~7 per event),
 * given back without a copy; the others go to interp_untrusted_any(). */
bool interp_untrusted_any(const char *v, size_t n, struct arena *a, struct strv *out);
static inline bool interp_untrusted(const char *v, size_t n, struct arena *a, struct strv *out)
{
	if (n == 0 || v[0] != '"')
		return interp_untrusted_any(v, n, a, out);
	/* a value cut short by truncation may lack the closing quote */
	size_t len = n >= 2 && v[n - 1] == '"' ? n - 2 : n - 1;
	*out = len ? (struct strv){v + 1, len} : (struct strv){"", 0};
	return len > 0;
}

/* Splits NUL-separated bytes (proctitle) into at most max parts; a trailing
 * NUL does not make an empty last part. Returns the number of parts. Inner
 * empty parts ("a\0\0b" -> "a", "", "b") are kept; parts past max are
 * dropped; n == 0 (or just "\0") gives 0 parts. Parts point into p. */
size_t interp_split_nul(const char *p, size_t n, struct strv *out, size_t max);

/* A decoded socket address (SOCKADDR's saddr). */
struct sockaddr_info {
	int family;              /* AF_*; -1 if not even the family could be read */
	const char *family_name; /* "inet", "inet6", "unix", "netlink", "unspec",
	                          * "packet", ... (Linux AF_* names, lower case,
	                          * AF_UNIX is "unix"), or "unknown" */
	char addr[64];           /* inet/inet6: the address as text; else "" */
	int port;                /* inet/inet6: the port; else -1 */
	char path[112];          /* unix: the path; abstract names start with '@' */
	uint32_t nl_pid;         /* netlink: port id */
	uint32_t nl_groups;      /* netlink: multicast groups */
};
/* Decodes the hex of a struct sockaddr. Returns 0, or -1 when it is not
 * hex or too short for its family (out->family_name then says "unknown").
 *
 * Byte order: sa_family, nl_pid and nl_groups are in the recorded machine's
 * order. Little-endian is assumed, except that a first byte 0 followed by a
 * non-zero byte is read as big-endian (no AF_* number reaches 256, so this is
 * unambiguous: s390x/ppc64 records decode too). Ports are network order.
 * Minimum lengths: inet 8 bytes, inet6 24 (scope id optional, not shown),
 * netlink 12, unix 2 (an unnamed socket: path ""). Other families return 0
 * with only family/family_name set. The unix path stops at the first NUL;
 * an abstract name is '@' + its bytes up to the length, other NULs shown as
 * '@' (as in /proc/net/unix) and trailing NUL padding dropped; other bytes
 * are kept raw (the JSON writer escapes them). Only the first 128 bytes
 * (sizeof(struct sockaddr_storage)) are looked at. */
int interp_sockaddr(const char *hex, size_t n, struct sockaddr_info *out);

/* st_mode -> the normalizer's object kind: "file", "directory",
 * "character-device", "block-device", "fifo", "symlink", "socket", or NULL
 * if the type bits are unknown. */
const char *interp_mode_kind(unsigned long mode);
/* st_mode -> permission bits as 4 octal digits, e.g. "0644", "4755". */
void interp_mode_perm(unsigned long mode, char out[5]);

/* errno number (positive, as in exit=-13 negated) -> "EACCES"; NULL if
 * unknown or <= 0. */
const char *interp_errno_name(long err);

/* AUDIT_ARCH_* value (the hex in arch=) -> libaudit machine (MACH_*), or -1.
 * Note libaudit 3.0.9 knows no RISC-V (c00000f3 -> -1). */
int interp_arch_machine(const char *hex, size_t n);
/* Machine -> "x86_64", "i386", "aarch64", "ppc64", "s390x"...; NULL if
 * unknown. (libaudit names MACH_ARM, 40000028, "armeb".) */
const char *interp_machine_name(int machine);
/* Syscall number -> name for a machine; NULL if unknown. Cached: for
 * machines 0..15 and numbers 0..2047 a repeated lookup is an array index
 * (the table is allocated on first use per machine); others go to libaudit
 * every time. Not thread-safe (the daemon is single-threaded). */
const char *interp_syscall_name(int machine, int nr);
/* Frees the syscall name cache (at exit; lookups after it start over). */
void interp_free(void);

/* An SELinux/AppArmor label "user:role:type:level" (level may contain ':').
 * Fills up to 4 parts; returns how many were found (1 for an AppArmor
 * profile name without ':'; 0 for an empty s). The 4th part is everything
 * after the 3rd ':' ("s0-s0:c0.c1023"). Parts point into s. */
size_t interp_label(const char *s, size_t n, struct strv parts[4]);

/* Parses an octal (base 8, e.g. PATH's mode=0100644), decimal (base 10) or
 * hex (base 16, either case) unsigned number filling the whole of s: no sign,
 * no whitespace, no 0x prefix. Returns false (out untouched) when s is empty,
 * not such a number, overflows 64 bits, or base is another one. */
bool interp_u64_any(const char *s, size_t n, int base, uint64_t *out);
/* Inline: most values asked for are short decimal ones (ids, pids, exit
 * codes, ~15 per event), whose loop cannot overflow; the rest (8 digits or
 * more: taken 8 at a time) are out of line. */
static inline bool interp_u64(const char *s, size_t n, int base, uint64_t *out)
{
	if (base != 10 || n - 1 >= 7)
		return interp_u64_any(s, n, base, out);
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}
/* A decimal number with an optional '-' (exit=-13), in int64 range. */
bool interp_i64(const char *s, size_t n, int64_t *out);

/* "YYYY-MM-DDTHH:MM:SS" (UTC) of a time stamp's seconds, NUL-terminated;
 * the time of day is always the last 8 characters (years past 9999 have
 * more digits). False when gmtime cannot say. */
#define INTERP_UTC_LEN 32
bool interp_utc(uint64_t sec, char out[INTERP_UTC_LEN]);

#endif
