/* Unit tests for plugin/interpret.c. Literal field values come from real
 * records; each names the corpus file it was copied from
 * (/work/shared/corpus/...). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libaudit.h>
#include <limits.h>
#include <string.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "arena.h"
#include "interpret.h"

#define S(lit) (lit), (sizeof(lit) - 1)

static void assert_strv(struct strv v, const char *p, size_t len)
{
	assert_int_equal(v.len, len);
	assert_memory_equal(v.p, p, len);
}
#define assert_strv_str(v, lit) assert_strv((v), (lit), sizeof(lit) - 1)

/* ---- hex ---------------------------------------------------------------- */

static void test_is_hex(void **state)
{
	(void)state;
	assert_true(interp_is_hex(S("2F746D70")));
	assert_true(interp_is_hex(S("2f746d70")));
	assert_true(interp_is_hex(S("aBcD")));
	assert_false(interp_is_hex(S("")));
	assert_false(interp_is_hex(S("ABC")));   /* odd */
	assert_false(interp_is_hex(S("ABCG")));  /* invalid digit */
	assert_false(interp_is_hex(S("0x41")));
	assert_false(interp_is_hex(S("pts0")));
	assert_false(interp_is_hex("41\0" "42", 5));
}

static void test_hex_decode(void **state)
{
	char out[16];
	(void)state;

	assert_int_equal(interp_hex_decode(S("2F746D70"), out), 4);
	assert_memory_equal(out, "/tmp", 4);
	assert_int_equal(interp_hex_decode(S("ff00Aa"), out), 3);
	assert_memory_equal(out, "\xff\x00\xaa", 3);
	assert_int_equal(interp_hex_decode(S(""), out), 0);
	assert_int_equal(interp_hex_decode(S("414"), out), (size_t)-1);
	assert_int_equal(interp_hex_decode(S("41G2"), out), (size_t)-1);
	assert_int_equal(interp_hex_decode(S("4 "), out), (size_t)-1);
	assert_int_equal(interp_hex_decode(S("-1"), out), (size_t)-1);
}

/* Every length up to 80 (the vector path takes 16 digits at a time, the
 * last 16 overlapping) against a byte-at-a-time reference, with each
 * position in turn holding a character just outside the hex ranges. */
static int ref_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

static void test_hex_lengths(void **state)
{
	static const char bad[] = {'/', ':', '@', 'G', '`', 'g', ' ', '\0', '\x80', '\xc6', '\xe1'};
	const char digits[] = "0123456789abcdefABCDEF";
	char hex[80] = {0}, out[40], want[40];
	(void)state;

	for (size_t n = 0; n <= sizeof(hex); n++) {
		for (size_t i = 0; i < n; i++)
			hex[i] = digits[(i * 7 + n) % (sizeof(digits) - 1)];
		for (size_t i = 0; i + 1 < n; i += 2)
			want[i / 2] = (char)(ref_digit(hex[i]) << 4 | ref_digit(hex[i + 1]));
		bool even = n % 2 == 0;
		assert_int_equal(interp_is_hex(hex, n), even && n > 0);
		assert_int_equal(interp_hex_decode(hex, n, out), even ? n / 2 : (size_t)-1);
		if (even)
			assert_memory_equal(out, want, n / 2);
		for (size_t at = 0; even && at < n; at++) {
			char keep = hex[at];
			for (size_t b = 0; b < sizeof(bad); b++) {
				hex[at] = bad[b];
				assert_false(interp_is_hex(hex, n));
				assert_int_equal(interp_hex_decode(hex, n, out), (size_t)-1);
			}
			hex[at] = keep;
		}
	}
}

/* ---- untrusted ---------------------------------------------------------- */

static void test_untrusted(void **state)
{
	struct arena a;
	struct strv v;
	(void)state;

	arena_init(&a, 0);

	/* quoted: the inside, no copy */
	const char comm[] = "\"php\""; /* laurel/record-connect.txt comm= */
	assert_true(interp_untrusted(S(comm), &a, &v));
	assert_ptr_equal(v.p, comm + 1);
	assert_strv_str(v, "php");

	/* hex: live/capture1-raw.txt PATH name= */
	assert_true(interp_untrusted(S("2F73686172652F67656E6572616C2F706174685F7265646163746564"), &a, &v));
	assert_strv_str(v, "/share/general/path_redacted");
	assert_int_equal(v.p[v.len], '\0');
	/* lower case too */
	assert_true(interp_untrusted(S("2f746d70"), &a, &v));
	assert_strv_str(v, "/tmp");
	/* bytes that are no text survive, NULs included */
	assert_true(interp_untrusted(S("6E63002D6C"), &a, &v));
	assert_strv(v, "nc\0-l", 5);
	/* "a b" has a space, so auditd writes hex */
	assert_true(interp_untrusted(S("612062"), &a, &v));
	assert_strv_str(v, "a b");

	/* absent */
	assert_false(interp_untrusted(S("(null)"), &a, &v));
	assert_int_equal(v.len, 0);
	assert_false(interp_untrusted(S("?"), &a, &v));
	assert_int_equal(v.len, 0);
	assert_false(interp_untrusted(S(""), &a, &v));
	assert_int_equal(v.len, 0);
	assert_false(interp_untrusted(S("\"\""), &a, &v));
	assert_int_equal(v.len, 0);

	/* bare words as they are */
	const char tty[] = "pts0";
	assert_true(interp_untrusted(S(tty), &a, &v));
	assert_ptr_equal(v.p, tty);
	assert_strv_str(v, "pts0");
	assert_true(interp_untrusted(S("(none)"), &a, &v)); /* tty=(none): a value */
	assert_strv_str(v, "(none)");
	/* laurel/record-weblogic.txt: tty="(none)" */
	assert_true(interp_untrusted(S("\"(none)\""), &a, &v));
	assert_strv_str(v, "(none)");
	assert_true(interp_untrusted(S("(nul)"), &a, &v));
	assert_strv_str(v, "(nul)");
	assert_true(interp_untrusted(S("??"), &a, &v));
	assert_strv_str(v, "??");

	/* hex-looking but odd length, or with a non-hex digit: as is */
	assert_true(interp_untrusted(S("ABC"), &a, &v));
	assert_strv_str(v, "ABC");
	assert_true(interp_untrusted(S("41G2"), &a, &v));
	assert_strv_str(v, "41G2");
	/* found not hex in the last 16 digits: the arena takes its bytes back */
	char *before = arena_alloc(&a, 1);
	assert_true(interp_untrusted(S("2F73686172652F67656E6572616C2F706174G8"), &a, &v));
	assert_strv_str(v, "2F73686172652F67656E6572616C2F706174G8");
	assert_ptr_equal(arena_alloc(&a, 1), before + 8);
	/* even-length hex is decoded (callers only ask for encoded fields) */
	assert_true(interp_untrusted(S("ffffffff"), &a, &v));
	assert_strv(v, "\xff\xff\xff\xff", 4);

	/* a quoted value truncated before its closing quote */
	assert_true(interp_untrusted(S("\"/usr/bi"), &a, &v));
	assert_strv_str(v, "/usr/bi");
	assert_true(interp_untrusted(S("\"a"), &a, &v));
	assert_strv_str(v, "a");
	/* one lone quote: nothing inside */
	assert_false(interp_untrusted(S("\""), &a, &v));
	assert_int_equal(v.len, 0);
	/* the shortest quoted value */
	assert_true(interp_untrusted(S("\"a\""), &a, &v));
	assert_strv_str(v, "a");

	arena_free(&a);
}

static void test_split_nul(void **state)
{
	struct arena a;
	struct strv v, parts[16];
	size_t n;
	(void)state;

	arena_init(&a, 0);
	/* live/capture1-raw.txt PROCTITLE (auditctl -a always,exit ...) */
	assert_true(interp_untrusted(S("617564697463746C002D6100616C776179732C65786974002D4600617263683D623634002D53006F70656E61742C6F70656E2C63726561742C7472756E636174652C667472756E63617465002D4600657869743D2D454143434553002D6B00616363657373"), &a, &v));
	n = interp_split_nul(v.p, v.len, parts, 16);
	assert_int_equal(n, 11);
	assert_strv_str(parts[0], "auditctl");
	assert_strv_str(parts[1], "-a");
	assert_strv_str(parts[2], "always,exit");
	assert_strv_str(parts[3], "-F");
	assert_strv_str(parts[4], "arch=b64");
	assert_strv_str(parts[5], "-S");
	assert_strv_str(parts[6], "openat,open,creat,truncate,ftruncate");
	assert_strv_str(parts[7], "-F");
	assert_strv_str(parts[8], "exit=-EACCES");
	assert_strv_str(parts[9], "-k");
	assert_strv_str(parts[10], "access");

	/* laurel/record-bind-ipv4-bigendian.txt PROCTITLE: nc -l -p 55555 */
	assert_true(interp_untrusted(S("6E63002D6C002D70003535353535"), &a, &v));
	n = interp_split_nul(v.p, v.len, parts, 16);
	assert_int_equal(n, 4);
	assert_strv_str(parts[0], "nc");
	assert_strv_str(parts[1], "-l");
	assert_strv_str(parts[2], "-p");
	assert_strv_str(parts[3], "55555");

	/* at most max parts */
	n = interp_split_nul(v.p, v.len, parts, 2);
	assert_int_equal(n, 2);
	assert_strv_str(parts[0], "nc");
	assert_strv_str(parts[1], "-l");
	assert_int_equal(interp_split_nul(v.p, v.len, parts, 0), 0);

	/* a trailing NUL makes no empty part; inner empty parts stay */
	n = interp_split_nul("a\0b\0", 4, parts, 16);
	assert_int_equal(n, 2);
	assert_strv_str(parts[0], "a");
	assert_strv_str(parts[1], "b");
	n = interp_split_nul("a\0\0b", 4, parts, 16);
	assert_int_equal(n, 3);
	assert_strv_str(parts[0], "a");
	assert_strv_str(parts[1], "");
	assert_strv_str(parts[2], "b");
	n = interp_split_nul("a\0\0", 3, parts, 16);
	assert_int_equal(n, 2);
	assert_strv_str(parts[1], "");
	/* no NUL at all: one part */
	n = interp_split_nul("bash", 4, parts, 16);
	assert_int_equal(n, 1);
	assert_strv_str(parts[0], "bash");
	/* nothing */
	assert_int_equal(interp_split_nul("", 0, parts, 16), 0);
	assert_int_equal(interp_split_nul("\0", 1, parts, 16), 0);
	/* two empty NUL-terminated arguments */
	n = interp_split_nul("\0\0", 2, parts, 16);
	assert_int_equal(n, 2);
	assert_strv_str(parts[0], "");
	assert_strv_str(parts[1], "");

	arena_free(&a);
}

/* ---- sockaddr ----------------------------------------------------------- */

static void test_sockaddr_inet(void **state)
{
	struct sockaddr_info si;
	(void)state;

	/* laurel/record-connect.txt: php connect() to 127.0.0.1:11211 */
	assert_int_equal(interp_sockaddr(S("02002BCB7F0000010000000000000000"), &si), 0);
	assert_int_equal(si.family, AF_INET);
	assert_string_equal(si.family_name, "inet");
	assert_string_equal(si.addr, "127.0.0.1");
	assert_int_equal(si.port, 11211);
	assert_string_equal(si.path, "");

	/* go-libaudit/auparse/testdata/audit-rhel7.log: 169.254.169.254:80 */
	assert_int_equal(interp_sockaddr(S("02000050A9FEA9FE0000000000000000"), &si), 0);
	assert_string_equal(si.addr, "169.254.169.254");
	assert_int_equal(si.port, 80);

	/* live/capture1-raw.txt (auditd: laddr=127.0.0.1 lport=60784) */
	assert_int_equal(interp_sockaddr(S("0200ED707F0000010000000000000000"), &si), 0);
	assert_string_equal(si.addr, "127.0.0.1");
	assert_int_equal(si.port, 60784);
	/* live/capture1-raw.txt (auditd: lport=0) */
	assert_int_equal(interp_sockaddr(S("020000007F0000010000000000000000"), &si), 0);
	assert_int_equal(si.port, 0);
	/* go-libaudit/auparse/testdata/audit-rhel7.log */
	assert_int_equal(interp_sockaddr(S("0200EB203624D6450000000000000000"), &si), 0);
	assert_string_equal(si.addr, "54.36.214.69");
	assert_int_equal(si.port, 60192);
	/* lower-case hex, and without sin_zero (8 bytes is enough) */
	assert_int_equal(interp_sockaddr(S("02002bcb0a000001"), &si), 0);
	assert_string_equal(si.addr, "10.0.0.1");
	assert_int_equal(si.port, 11211);

	/* laurel/record-bind-ipv4-bigendian.txt: arch=80000015 (ppc64), family
	 * is 00 02; nc -l -p 55555 binds 0.0.0.0:55555 */
	assert_int_equal(interp_sockaddr(S("0002D903000000000000000000000000"), &si), 0);
	assert_int_equal(si.family, AF_INET);
	assert_string_equal(si.family_name, "inet");
	assert_string_equal(si.addr, "0.0.0.0");
	assert_int_equal(si.port, 55555);
}

/* The hand-written IPv4 formatter agrees with inet_ntop. */
static void test_sockaddr_inet_vs_ntop(void **state)
{
	static const unsigned char oct[] = { 0, 1, 9, 10, 11, 99, 100, 101, 199, 200, 254, 255 };
	const size_t k = sizeof(oct);
	struct sockaddr_info si;
	char hex[17], want[INET_ADDRSTRLEN];
	(void)state;

	for (size_t i = 0; i < k * k * k * k; i++) {
		unsigned char ip[4] = { oct[i % k], oct[i / k % k], oct[i / k / k % k], oct[i / k / k / k] };
		snprintf(hex, sizeof(hex), "0200FFFF%02X%02X%02X%02X", ip[0], ip[1], ip[2], ip[3]);
		assert_int_equal(interp_sockaddr(hex, 16, &si), 0);
		assert_non_null(inet_ntop(AF_INET, ip, want, sizeof(want)));
		assert_string_equal(si.addr, want);
		assert_int_equal(si.port, 65535);
	}
}

static void test_sockaddr_inet6(void **state)
{
	struct sockaddr_info si;
	(void)state;

	/* laurel/record-connect.txt: php connect() to [::1]:11211 */
	assert_int_equal(interp_sockaddr(S("0A002BCB000000000000000000000000000000000000000100000000"), &si), 0);
	assert_int_equal(si.family, AF_INET6);
	assert_string_equal(si.family_name, "inet6");
	assert_string_equal(si.addr, "::1");
	assert_int_equal(si.port, 11211);

	/* go-libaudit/auparse/testdata/audit-rhel7.log: [::]:22 */
	assert_int_equal(interp_sockaddr(S("0A000016000000000000000000000000000000000000000000000000"), &si), 0);
	assert_string_equal(si.addr, "::");
	assert_int_equal(si.port, 22);

	/* IPv4-mapped, as inet_ntop writes it; flowinfo and scope id ignored */
	assert_int_equal(interp_sockaddr(S("0A0001BB12345678" "00000000000000000000FFFFC0A80101" "02000000"), &si), 0);
	assert_string_equal(si.addr, "::ffff:192.168.1.1");
	assert_int_equal(si.port, 443);
	/* link-local, 24-byte sockaddr_in6 (no scope id) */
	assert_int_equal(interp_sockaddr(S("0A000035" "00000000" "FE800000000000000000000000000001"), &si), 0);
	assert_string_equal(si.addr, "fe80::1");
	assert_int_equal(si.port, 53);
	/* one byte short */
	assert_int_equal(interp_sockaddr(S("0A000035" "00000000" "FE8000000000000000000000000000"), &si), -1);
	assert_string_equal(si.family_name, "unknown");
}

static void test_sockaddr_unix(void **state)
{
	struct sockaddr_info si;
	(void)state;

	/* live/capture1-raw.txt (auditd: saddr_fam=local path=/dev/log) */
	assert_int_equal(interp_sockaddr(S("01002F6465762F6C6F6700"), &si), 0);
	assert_int_equal(si.family, AF_UNIX);
	assert_string_equal(si.family_name, "unix");
	assert_string_equal(si.path, "/dev/log");
	assert_string_equal(si.addr, "");
	assert_int_equal(si.port, -1);

	/* live/capture1-raw.txt: sizeof(sun) with stack garbage after the NUL
	 * (auditd: path=/var/run/nscd/socket) */
	assert_int_equal(interp_sockaddr(S("01002F7661722F72756E2F6E7363642F736F636B65740000603B7B47FC7F0000303C7B47FC7F0000020000000000000014000000160001030800000000000000C03B7B47FC7F0000103B7B47FC7F00002000000000000000303C7B47FC7F0000C0FB39861C7F0000787F2F861C7F"), &si), 0);
	assert_string_equal(si.path, "/var/run/nscd/socket");

	/* go-libaudit/auparse/testdata/audit-rhel7.log: postfix's relative path */
	assert_int_equal(interp_sockaddr(S("01007075626C69632F7069636B75700000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"), &si), 0);
	assert_string_equal(si.path, "public/pickup");

	/* no NUL at the end: the length ends the path */
	assert_int_equal(interp_sockaddr(S("01002F746D702F73"), &si), 0);
	assert_string_equal(si.path, "/tmp/s");

	/* unnamed (autobind): only the family */
	assert_int_equal(interp_sockaddr(S("0100"), &si), 0);
	assert_string_equal(si.family_name, "unix");
	assert_string_equal(si.path, "");

	/* abstract "\0/org/freedesktop/..." as systemd uses them, exact length */
	assert_int_equal(interp_sockaddr(S("0100002F6F72672F667265656465736B746F70"), &si), 0);
	assert_string_equal(si.path, "@/org/freedesktop");
	/* abstract with sizeof(sun) NUL padding: padding dropped; inner NUL -> '@';
	 * other bytes raw */
	assert_int_equal(interp_sockaddr(S("0100006100620A00000000"), &si), 0);
	assert_string_equal(si.path, "@a@b\n");
	/* just the leading NUL */
	assert_int_equal(interp_sockaddr(S("010000"), &si), 0);
	assert_string_equal(si.path, "@");
}

static void test_sockaddr_other(void **state)
{
	struct sockaddr_info si;
	char hex[600];
	(void)state;

	/* live/capture1-raw.txt (auditd: saddr_fam=netlink nlnk-pid=0) */
	assert_int_equal(interp_sockaddr(S("100000000000000000000000"), &si), 0);
	assert_int_equal(si.family, AF_NETLINK);
	assert_string_equal(si.family_name, "netlink");
	assert_int_equal(si.nl_pid, 0);
	assert_int_equal(si.nl_groups, 0);
	assert_int_equal(si.port, -1);
	assert_string_equal(si.addr, "");
	/* pid 1234 (0x4d2), groups 0x11, little-endian */
	assert_int_equal(interp_sockaddr(S("10000000D204000011000000"), &si), 0);
	assert_int_equal(si.nl_pid, 1234);
	assert_int_equal(si.nl_groups, 0x11);
	/* the same from a big-endian machine */
	assert_int_equal(interp_sockaddr(S("00100000000004D200000011"), &si), 0);
	assert_int_equal(si.family, AF_NETLINK);
	assert_int_equal(si.nl_pid, 1234);
	assert_int_equal(si.nl_groups, 0x11);
	/* too short for netlink */
	assert_int_equal(interp_sockaddr(S("1000000000000000"), &si), -1);
	assert_string_equal(si.family_name, "unknown");

	/* go-libaudit/auparse/testdata/audit-rhel7.log: AF_UNSPEC (connect to
	 * dissolve a UDP association) */
	assert_int_equal(interp_sockaddr(S("00000000000000000000000000000000"), &si), 0);
	assert_int_equal(si.family, AF_UNSPEC);
	assert_string_equal(si.family_name, "unspec");
	assert_string_equal(si.addr, "");

	/* AF_PACKET: named, nothing else decoded */
	assert_int_equal(interp_sockaddr(S("1100000302000000010000060000000000000000"), &si), 0);
	assert_int_equal(si.family, AF_PACKET);
	assert_string_equal(si.family_name, "packet");
	assert_string_equal(si.addr, "");
	assert_int_equal(si.port, -1);
	/* an unknown family number */
	assert_int_equal(interp_sockaddr(S("C8000000"), &si), 0);
	assert_int_equal(si.family, 200);
	assert_string_equal(si.family_name, "unknown");

	/* not a sockaddr */
	assert_int_equal(interp_sockaddr(S(""), &si), -1);
	assert_string_equal(si.family_name, "unknown");
	assert_int_equal(interp_sockaddr(S("02"), &si), -1);
	assert_int_equal(interp_sockaddr(S("020"), &si), -1);
	assert_int_equal(interp_sockaddr(S("02002BCB7F00000"), &si), -1);  /* odd */
	assert_int_equal(interp_sockaddr(S("02002BCB7F0000"), &si), -1);   /* inet, 7 bytes */
	assert_string_equal(si.family_name, "unknown");
	assert_int_equal(interp_sockaddr(S("02002BCB7F0000XY0000000000000000"), &si), -1);
	assert_int_equal(interp_sockaddr(S("(null)"), &si), -1);

	/* longer than sockaddr_storage: the rest is ignored but must be hex */
	memset(hex, '0', sizeof(hex));
	memcpy(hex, "01002F78", 8);
	assert_int_equal(interp_sockaddr(hex, 598, &si), 0);
	assert_string_equal(si.path, "/x");
	hex[500] = 'Z';
	assert_int_equal(interp_sockaddr(hex, 598, &si), -1);
	/* an unterminated 108-byte path fits */
	memset(hex, '4', 4 + 216);
	memcpy(hex, "0100", 4);
	assert_int_equal(interp_sockaddr(hex, 4 + 216, &si), 0);
	assert_int_equal(strlen(si.path), 108);
	assert_int_equal(si.path[0], 'D');
}

/* ---- mode --------------------------------------------------------------- */

static void test_mode(void **state)
{
	uint64_t m;
	char perm[5];
	(void)state;

	/* live/capture1-raw.txt PATH mode= values */
	assert_true(interp_u64(S("0100755"), 8, &m));
	assert_int_equal(m, 0100755);
	assert_string_equal(interp_mode_kind(m), "file");
	interp_mode_perm(m, perm);
	assert_string_equal(perm, "0755");

	assert_true(interp_u64(S("040755"), 8, &m));
	assert_string_equal(interp_mode_kind(m), "directory");
	interp_mode_perm(m, perm);
	assert_string_equal(perm, "0755");

	assert_true(interp_u64(S("0104755"), 8, &m)); /* setuid */
	assert_string_equal(interp_mode_kind(m), "file");
	interp_mode_perm(m, perm);
	assert_string_equal(perm, "4755");

	assert_true(interp_u64(S("041777"), 8, &m)); /* /tmp: sticky */
	assert_string_equal(interp_mode_kind(m), "directory");
	interp_mode_perm(m, perm);
	assert_string_equal(perm, "1777");

	assert_true(interp_u64(S("0120777"), 8, &m));
	assert_string_equal(interp_mode_kind(m), "symlink");
	interp_mode_perm(m, perm);
	assert_string_equal(perm, "0777");

	assert_true(interp_u64(S("0100000"), 8, &m));
	interp_mode_perm(m, perm);
	assert_string_equal(perm, "0000");

	assert_string_equal(interp_mode_kind(0020620), "character-device");
	assert_string_equal(interp_mode_kind(0060660), "block-device");
	assert_string_equal(interp_mode_kind(0010644), "fifo");
	assert_string_equal(interp_mode_kind(0140777), "socket");
	assert_null(interp_mode_kind(0644));
	assert_null(interp_mode_kind(0030644));
	interp_mode_perm(02750, perm);
	assert_string_equal(perm, "2750");
	interp_mode_perm(07777, perm);
	assert_string_equal(perm, "7777");
}

/* ---- errno, arch, syscalls ---------------------------------------------- */

static void test_errno(void **state)
{
	(void)state;
	assert_string_equal(interp_errno_name(13), "EACCES");
	assert_string_equal(interp_errno_name(2), "ENOENT");
	assert_string_equal(interp_errno_name(115), "EINPROGRESS");
	assert_string_equal(interp_errno_name(1), "EPERM");
	assert_null(interp_errno_name(0));
	assert_null(interp_errno_name(-13));
	assert_null(interp_errno_name(100000));
	assert_null(interp_errno_name((long)INT_MAX + 14));
}

static void test_arch(void **state)
{
	(void)state;
	int x86_64 = interp_arch_machine(S("c000003e"));
	assert_int_equal(x86_64, MACH_86_64);
	assert_string_equal(interp_machine_name(x86_64), "x86_64");
	assert_int_equal(interp_arch_machine(S("C000003E")), MACH_86_64);
	assert_int_equal(interp_arch_machine(S("40000003")), MACH_X86);
	assert_string_equal(interp_machine_name(MACH_X86), "i386");
	assert_int_equal(interp_arch_machine(S("c00000b7")), MACH_AARCH64);
	assert_string_equal(interp_machine_name(MACH_AARCH64), "aarch64");
	/* laurel/record-bind-ipv4-bigendian.txt */
	assert_int_equal(interp_arch_machine(S("80000015")), MACH_PPC64);
	assert_string_equal(interp_machine_name(MACH_PPC64), "ppc64");
	assert_int_equal(interp_arch_machine(S("80000016")), MACH_S390X);
	assert_string_equal(interp_machine_name(MACH_S390X), "s390x");

	assert_int_equal(interp_arch_machine(S("1234")), -1);
	assert_int_equal(interp_arch_machine(S("")), -1);
	assert_int_equal(interp_arch_machine(S("x86_64")), -1);
	assert_int_equal(interp_arch_machine(S("1c000003e")), -1); /* > 32 bits */
	assert_null(interp_machine_name(-1));
	assert_null(interp_machine_name(1000));
}

static void test_syscall(void **state)
{
	(void)state;
	/* laurel/record-connect.txt: syscall=42 on c000003e */
	const char *a = interp_syscall_name(MACH_86_64, 42);
	assert_string_equal(a, "connect");
	/* cached: the same pointer again */
	assert_ptr_equal(interp_syscall_name(MACH_86_64, 42), a);
	assert_string_equal(interp_syscall_name(MACH_86_64, 59), "execve");
	assert_string_equal(interp_syscall_name(MACH_86_64, 0), "read");
	assert_string_equal(interp_syscall_name(MACH_86_64, 257), "openat");
	/* the same number means something else elsewhere */
	assert_string_equal(interp_syscall_name(MACH_X86, 11), "execve");
	assert_string_equal(interp_syscall_name(MACH_X86, 0), "restart_syscall");
	/* laurel/record-bind-ipv4-bigendian.txt: syscall=327 on ppc64 */
	assert_string_equal(interp_syscall_name(MACH_PPC64, 327), "bind");
	assert_string_equal(interp_syscall_name(MACH_AARCH64, 221), "execve");

	/* unknown: NULL, and still NULL from the cache */
	assert_null(interp_syscall_name(MACH_86_64, 2000));
	assert_null(interp_syscall_name(MACH_86_64, 2000));
	assert_null(interp_syscall_name(MACH_86_64, 5000)); /* past the cache */
	assert_null(interp_syscall_name(MACH_86_64, -1));
	assert_null(interp_syscall_name(-1, 42));
	assert_null(interp_syscall_name(100, 42));
	assert_null(interp_syscall_name(MACH_IA64, 42)); /* libaudit dropped it */

	interp_free();
	assert_string_equal(interp_syscall_name(MACH_86_64, 42), "connect");
	interp_free();
}

/* ---- labels ------------------------------------------------------------- */

static void test_label(void **state)
{
	struct strv p[4];
	(void)state;

	/* live/capture1-raw.txt subj= */
	assert_int_equal(interp_label(S("unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023"), p), 4);
	assert_strv_str(p[0], "unconfined_u");
	assert_strv_str(p[1], "unconfined_r");
	assert_strv_str(p[2], "unconfined_t");
	assert_strv_str(p[3], "s0-s0:c0.c1023");

	assert_int_equal(interp_label(S("system_u:system_r:init_t:s0"), p), 4);
	assert_strv_str(p[0], "system_u");
	assert_strv_str(p[1], "system_r");
	assert_strv_str(p[2], "init_t");
	assert_strv_str(p[3], "s0");

	/* AppArmor */
	assert_int_equal(interp_label(S("unconfined"), p), 1);
	assert_strv_str(p[0], "unconfined");
	assert_int_equal(interp_label(S("/usr/sbin/cupsd"), p), 1);
	assert_strv_str(p[0], "/usr/sbin/cupsd");
	/* laurel/record-perl-reverse-shell.txt: subj==unconfined, value "=unconfined" */
	assert_int_equal(interp_label(S("=unconfined"), p), 1);
	assert_strv_str(p[0], "=unconfined");

	/* no MLS level */
	assert_int_equal(interp_label(S("user_u:user_r:user_t"), p), 3);
	assert_strv_str(p[2], "user_t");
	assert_int_equal(interp_label(S("a:"), p), 2);
	assert_strv_str(p[0], "a");
	assert_strv_str(p[1], "");
	assert_int_equal(interp_label(S(""), p), 0);
}

/* ---- numbers ------------------------------------------------------------ */

static void test_u64(void **state)
{
	uint64_t v;
	(void)state;

	assert_true(interp_u64(S("0"), 10, &v));
	assert_int_equal(v, 0);
	assert_true(interp_u64(S("4294967295"), 10, &v)); /* auid unset */
	assert_int_equal(v, 4294967295u);
	assert_true(interp_u64(S("18446744073709551615"), 10, &v));
	assert_true(v == UINT64_MAX);
	assert_false(interp_u64(S("18446744073709551616"), 10, &v));
	assert_false(interp_u64(S("99999999999999999999"), 10, &v));
	assert_true(interp_u64(S("007"), 10, &v));
	assert_int_equal(v, 7);
	/* the inline path's longest, and the first past it */
	assert_true(interp_u64(S("9999999999999999999"), 10, &v));
	assert_true(v == 9999999999999999999ull);
	assert_true(interp_u64(S("10000000000000000000"), 10, &v));
	assert_true(v == 10000000000000000000ull);
	assert_false(interp_u64(S("999999999999999999:"), 10, &v));

	/* a1= of laurel/record-connect.txt */
	assert_true(interp_u64(S("5556eca10aa0"), 16, &v));
	assert_true(v == 0x5556eca10aa0ull);
	assert_true(interp_u64(S("FFFFFFFFFFFFFFFF"), 16, &v));
	assert_true(v == UINT64_MAX);
	assert_true(interp_u64(S("0000000000000000001"), 16, &v)); /* leading zeros */
	assert_int_equal(v, 1);
	assert_false(interp_u64(S("10000000000000000"), 16, &v));

	assert_true(interp_u64(S("1777777777777777777777"), 8, &v));
	assert_true(v == UINT64_MAX);
	assert_false(interp_u64(S("2000000000000000000000"), 8, &v));
	assert_false(interp_u64(S("0100758"), 8, &v));

	/* what is not a number */
	v = 42;
	assert_false(interp_u64(S(""), 10, &v));
	assert_false(interp_u64(S("-1"), 10, &v));
	assert_false(interp_u64(S("+1"), 10, &v));
	assert_false(interp_u64(S(" 1"), 10, &v));
	assert_false(interp_u64(S("1 "), 10, &v));
	assert_false(interp_u64(S("0x10"), 16, &v));
	assert_false(interp_u64(S("12a"), 10, &v));
	assert_false(interp_u64(S("12g"), 16, &v));
	assert_false(interp_u64(S("12"), 2, &v));
	assert_false(interp_u64(S("12"), 0, &v));
	assert_int_equal(v, 42);
	/* only the n given bytes count */
	assert_true(interp_u64("123 456", 3, 10, &v));
	assert_int_equal(v, 123);
}

static void test_i64(void **state)
{
	int64_t v;
	(void)state;

	/* exit= from live/capture1-raw.txt */
	assert_true(interp_i64(S("-13"), &v));
	assert_int_equal(v, -13);
	assert_string_equal(interp_errno_name(-v), "EACCES");
	assert_true(interp_i64(S("0"), &v));
	assert_int_equal(v, 0);
	assert_true(interp_i64(S("3"), &v));
	assert_int_equal(v, 3);
	assert_true(interp_i64(S("9223372036854775807"), &v));
	assert_true(v == INT64_MAX);
	assert_true(interp_i64(S("-9223372036854775808"), &v));
	assert_true(v == INT64_MIN);
	assert_false(interp_i64(S("9223372036854775808"), &v));
	assert_false(interp_i64(S("-9223372036854775809"), &v));
	assert_false(interp_i64(S("-"), &v));
	assert_false(interp_i64(S(""), &v));
	assert_false(interp_i64(S("--1"), &v));
	assert_false(interp_i64(S("+1"), &v));
	assert_false(interp_i64(S("1-"), &v));
	assert_false(interp_i64(S("-0x1"), &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_hex),
		cmocka_unit_test(test_hex_decode),
		cmocka_unit_test(test_hex_lengths),
		cmocka_unit_test(test_untrusted),
		cmocka_unit_test(test_split_nul),
		cmocka_unit_test(test_sockaddr_inet),
		cmocka_unit_test(test_sockaddr_inet_vs_ntop),
		cmocka_unit_test(test_sockaddr_inet6),
		cmocka_unit_test(test_sockaddr_unix),
		cmocka_unit_test(test_sockaddr_other),
		cmocka_unit_test(test_mode),
		cmocka_unit_test(test_errno),
		cmocka_unit_test(test_arch),
		cmocka_unit_test(test_syscall),
		cmocka_unit_test(test_label),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_i64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
