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

/* True if s is a non-empty, even-length run of hex digits. */
bool interp_is_hex(const char *s, size_t n);
/* Decodes n hex digits (n even) into out (n/2 bytes). Returns bytes written,
 * or (size_t)-1 if a non-hex digit is found. */
size_t interp_hex_decode(const char *hex, size_t n, char *out);

/* An untrusted string field: "quoted" -> the inside (no copy); HEX -> the
 * decoded bytes (in arena); anything else -> as it is. Returns false (and an
 * empty value) for "(null)", "?" and an empty value. */
bool interp_untrusted(const char *v, size_t n, struct arena *a, struct strv *out);

/* Splits NUL-separated bytes (proctitle) into at most max parts; a trailing
 * NUL does not make an empty last part. Returns the number of parts. */
size_t interp_split_nul(const char *p, size_t n, struct strv *out, size_t max);

/* A decoded socket address (SOCKADDR's saddr). */
struct sockaddr_info {
	int family;              /* AF_* */
	const char *family_name; /* "inet", "inet6", "unix", "netlink", or "unknown" */
	char addr[64];           /* inet/inet6: the address as text; else "" */
	int port;                /* inet/inet6: the port; else -1 */
	char path[112];          /* unix: the path; abstract names start with '@' */
	uint32_t nl_pid;         /* netlink: port id */
	uint32_t nl_groups;      /* netlink: multicast groups */
};
/* Decodes the hex of a struct sockaddr. Returns 0, or -1 when it is not
 * hex or too short for its family (out->family_name then says "unknown"). */
int interp_sockaddr(const char *hex, size_t n, struct sockaddr_info *out);

/* st_mode -> the normalizer's object kind: "file", "directory",
 * "character-device", "block-device", "fifo", "symlink", "socket", or NULL
 * if the type bits are unknown. */
const char *interp_mode_kind(unsigned long mode);
/* st_mode -> permission bits as 4 octal digits, e.g. "0644", "4755". */
void interp_mode_perm(unsigned long mode, char out[5]);

/* errno number (positive) -> "EACCES"; NULL if unknown. */
const char *interp_errno_name(long err);

/* AUDIT_ARCH_* value (the hex in arch=) -> libaudit machine (MACH_*), or -1. */
int interp_arch_machine(const char *hex, size_t n);
/* Machine -> "x86_64", "i386", "aarch64"...; NULL if unknown. */
const char *interp_machine_name(int machine);
/* Syscall number -> name for a machine; NULL if unknown. Cached. */
const char *interp_syscall_name(int machine, int nr);

/* An SELinux/AppArmor label "user:role:type:level" (level may contain ':').
 * Fills up to 4 parts; returns how many were found (1 for an AppArmor
 * profile name without ':'). */
size_t interp_label(const char *s, size_t n, struct strv parts[4]);

/* Parses a decimal (base 10) or hex (base 16) unsigned number filling the
 * whole of s. Returns false when s is not such a number. */
bool interp_u64(const char *s, size_t n, int base, uint64_t *out);
bool interp_i64(const char *s, size_t n, int64_t *out);

#endif
