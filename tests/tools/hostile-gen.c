/* hostile-gen: mixes a stream of good audit records with hostile input, the
 * same way for the same seed.
 *
 * Usage: hostile-gen [-s SEED] [-k KEYFILE] GOOD_STREAM > HOSTILE_STREAM
 *
 * Every good line is copied unchanged and whole; between good lines come
 * chunks of garbage, each ending in '\n' so it cannot swallow the next good
 * line:
 *   - random bytes, runs of NUL bytes, a 3 MiB line without a header;
 *   - a 3 MiB EXECVE record inside an event of its own (SYSCALL, EXECVE, EOE);
 *   - a SYSCALL record with 600 fields;
 *   - good records moved to a fake event and cut at a random byte;
 *   - fake records with hostile bodies: invalid UTF-8, control bytes, NUL,
 *     quotes and backslashes, stray 0x1D, thousands of fields, odd hex,
 *     numbers out of range, unterminated msg='..., CRLF endings;
 *   - broken headers (numbers out of range, missing parts), orphan EOEs.
 * Fake events have keys that cannot meet a good one (time stamps from
 * 2000000000 = 2033-05-18 on, serials from 1000000 on).
 *
 * -k KEYFILE receives the keys (as audit-events prints them) of the fake
 * events whose header is intact, so they must come out as documents too. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BIG_LINE (3 * 1024 * 1024)

static uint64_t rng_state = 88172645463325252ull;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static FILE *keys;
static unsigned fake_no;

struct fake {
	uint64_t sec;
	unsigned msec, serial;
};

static struct fake new_fake(void)
{
	unsigned k = fake_no++;
	return (struct fake){2000000000ull + k, k % 1000, 1000000u + k};
}

static void note_key(const struct fake *f)
{
	if (!keys)
		return;
	struct tm tm;
	time_t t = (time_t)f->sec;
	char date[64];
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(keys, "%u@%s.%03uZ\n", f->serial, date, f->msec);
}

static void hdr(const char *type, const struct fake *f)
{
	printf("type=%s msg=audit(%llu.%03u:%u): ", type, (unsigned long long)f->sec, f->msec, f->serial);
}

static void random_bytes(size_t n)
{
	for (size_t i = 0; i < n; i++)
		putchar((int)(rnd() & 0xff));
	putchar('\n');
}

static void nul_run(size_t n)
{
	for (size_t i = 0; i < n; i++)
		putchar(0);
	putchar('\n');
}

static void big_garbage_line(void)
{
	for (size_t i = 0; i < BIG_LINE; i++)
		putchar('B');
	putchar('\n');
}

static void big_execve_event(void)
{
	struct fake f = new_fake();
	hdr("SYSCALL", &f);
	printf("arch=c000003e syscall=59 success=yes exit=0 items=1 ppid=1 pid=2 auid=0 uid=0 "
	       "gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"big\" "
	       "exe=\"/bin/big\" key=\"hostile\"\n");
	hdr("EXECVE", &f);
	printf("argc=2 a0=\"big\" a1=\"");
	for (size_t i = 0; i < BIG_LINE; i++)
		putchar('A');
	printf("\"\n");
	hdr("EOE", &f);
	putchar('\n');
	note_key(&f);
}

/* A SYSCALL record with 600 distinct fields, beyond any small table. */
static void many_fields_event(void)
{
	struct fake f = new_fake();
	hdr("SYSCALL", &f);
	printf("arch=c000003e syscall=2 success=no exit=-13");
	for (int i = 0; i < 600; i++)
		printf(" f%d=%d", i, i);
	putchar('\n');
	hdr("EOE", &f);
	putchar('\n');
	note_key(&f);
}

/* A good record moved to a fake event, cut at a random byte. */
static void truncated(const char *good, size_t len)
{
	const char *close = strstr(good, "): ");
	if (!close || (size_t)(close - good) + 3 > len)
		return;
	const char *body = close + 3;
	size_t bodylen = len - (size_t)(body - good);
	const char *t = good + 5; /* "type=" */
	size_t tlen = strcspn(t, " ");
	if (strncmp(good, "type=", 5) != 0 || (tlen == 3 && !memcmp(t, "EOE", 3)))
		return;
	struct fake f = new_fake();
	char head[160];
	int hl = snprintf(head, sizeof(head), "type=%.*s msg=audit(%llu.%03u:%u): ", (int)tlen, t,
			  (unsigned long long)f.sec, f.msec, f.serial);
	size_t total = (size_t)hl + bodylen;
	size_t cut = 1 + below((unsigned)total - 1); /* 1 .. total-1 bytes kept */
	if (cut <= (size_t)hl) {
		fwrite(head, 1, cut, stdout);
	} else {
		fwrite(head, 1, (size_t)hl, stdout);
		fwrite(body, 1, cut - (size_t)hl, stdout);
		note_key(&f); /* the header is whole: an event */
	}
	putchar('\n');
}

static const char *const types[] = {"SYSCALL", "EXECVE", "PATH", "CWD", "SOCKADDR", "PROCTITLE",
				    "USER_LOGIN", "USER_CMD", "AVC", "CONFIG_CHANGE", "UNKNOWN[1234]",
				    "USER_AVC", "ANOM_ABEND", "SECCOMP", "NETFILTER_CFG", "BPF"};

/* A record with an intact header and a hostile body. */
static void nasty(void)
{
	struct fake f = new_fake();
	const char *type = types[below(sizeof(types) / sizeof(types[0]))];
	bool eoe = below(2);
	hdr(type, &f);
	switch (below(16)) {
	case 0: /* invalid UTF-8 in quoted and bare values */
		printf("comm=\"\xff\xfe\xc0\xaf\" exe=\"/bin/\xed\xa0\x80x\" name=\xf8\x88\x80\x80\x80 "
		       "cwd=\"\xe2\x82\" msg='op=\xc3 acct=\"\x80\" res=success'");
		break;
	case 1: /* control bytes */
		printf("comm=\"a\x01\x02\x1b[31mred\" key=\"\x7f\x1f\t\v\f\" uid=0 res=success");
		break;
	case 2: /* an embedded NUL */
		printf("comm=\"nul");
		putchar(0);
		printf("byte\" uid=0");
		putchar(0);
		printf(" res=success");
		break;
	case 3: /* quotes and backslashes */
		printf("comm=\"\\\"\\\\\" exe=\"a\"b\"c\" name=\"\\u0000\\ud800\" msg='a='b' c=\"' key=\"\\\"");
		break;
	case 4: /* stray and repeated 0x1D, enriched part without a raw part */
		printf("\x1d\x1dUID=\"root\x1d\" AUID=\x1d ARCH=x86_64\x1d SYSCALL=");
		break;
	case 5: { /* thousands of fields */
		unsigned n = 5000 + below(5000);
		for (unsigned i = 0; i < n; i++)
			printf("f%u=%u ", i, i);
		break;
	}
	case 6: /* odd and bad hex */
		printf("proctitle=ABC saddr=ZZ0200 a0=\"\" a1=0x cwd=4 name=0123456789ABCDEF0 data=FFFFFFFF");
		break;
	case 7: /* numbers out of range */
		printf("arch=ffffffffffffffffffff syscall=-1 uid=99999999999999999999999 gid=-5 "
		       "auid=18446744073709551616 ses=4294967296 pid=0x10 exit=-99999999999999999999 "
		       "items=99999 success=maybe");
		break;
	case 8: /* unterminated user message */
		printf("pid=1 uid=0 auid=0 ses=1 msg='op=login acct=\"root exe=\"/bin/login");
		break;
	case 9: /* CRLF ending */
		printf("pid=1 uid=0 res=success\r");
		break;
	case 10: /* keys without values, '=' alone, spaces */
		printf("= == a= =b    c  =d e=\"\" \"\"=x ' ' \" ");
		break;
	case 11: /* EXECVE with absurd counts and split arguments */
		printf("argc=1000000 a0_len=99999999999 a0[0]=41 a0[99999]=42 a7[1]=\"x\" a-1=y a99999999999=z");
		break;
	case 12: /* empty body */
		break;
	case 13: /* a very long value (but under the 1 MiB line bound) */
		printf("comm=\"");
		for (unsigned i = 0; i < 200000; i++)
			putchar('a' + (int)(i % 26));
		printf("\" res=success");
		break;
	case 14: /* random bytes after a good header */
		for (unsigned i = 0, n = 1 + below(300); i < n; i++) {
			int c = (int)(rnd() & 0xff);
			putchar(c == '\n' ? ' ' : c);
		}
		break;
	case 15: /* a hex-encoded string with invalid UTF-8 and NULs inside */
		printf("proctitle=FFFE00C0AF00ED A080 comm=FFFE exe=2F62696E2F0073680A name=C3");
		break;
	}
	putchar('\n');
	note_key(&f);
	if (eoe) {
		hdr("EOE", &f);
		putchar('\n');
	}
}

/* Headers that are broken: these may or may not be taken as records; no
 * document is expected, none may be invalid. */
static void broken_header(void)
{
	static const char *const lines[] = {
		"type=SYSCALL msg=audit(99999999999999999999.000:1): a=b",
		"type=SYSCALL msg=audit(1795331875.1000:1): a=b",
		"type=SYSCALL msg=audit(1795331875.763:4294967296): a=b",
		"type=SYSCALL msg=audit(1795331875.763:-1): a=b",
		"type=SYSCALL msg=audit(1795331875.763:12",
		"type=SYSCALL msg=audit(",
		"type= msg=audit(2100000000.000:5): a=b",
		"type=",
		"node= type=SYSCALL",
		"node=",
		"node=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
		"msg=audit(1795331875.763:29314): type=SYSCALL",
		"TYPE=SYSCALL MSG=AUDIT(1795331875.763:29314): A=B",
		"type=EOE msg=audit(2100000001.000:77777):",
		"type=EOE msg=audit(2100000001.000:77777): ",
		"type=EOE msg=audit(1795331875.763:29314)",
		" type=SYSCALL msg=audit(2100000002.000:1): leading space",
		"\x1d",
		"{\"not\":\"audit\"}",
		"type=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA msg=audit(2100000003.000:1): x=y",
	};
	puts(lines[below(sizeof(lines) / sizeof(lines[0]))]);
}

int main(int argc, char **argv)
{
	unsigned long seed = 1;
	const char *keyfile = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "s:k:")) != -1) {
		switch (opt) {
		case 's': seed = strtoul(optarg, NULL, 10); break;
		case 'k': keyfile = optarg; break;
		default:
			fprintf(stderr, "usage: hostile-gen [-s SEED] [-k KEYFILE] GOOD_STREAM\n");
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: hostile-gen [-s SEED] [-k KEYFILE] GOOD_STREAM\n");
		return 2;
	}
	rng_state ^= seed * 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 8; i++)
		rnd();
	FILE *in = fopen(argv[optind], "rb");
	if (!in) {
		perror(argv[optind]);
		return 2;
	}
	if (keyfile && !(keys = fopen(keyfile, "w"))) {
		perror(keyfile);
		return 2;
	}

	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	/* the 3 MiB lines and a burst of NULs right at the start */
	nul_run(4096);
	big_garbage_line();
	while ((n = getline(&line, &cap, in)) > 0) {
		fwrite(line, 1, (size_t)n, stdout);
		if (line[n - 1] != '\n')
			putchar('\n');
		lineno++;
		if (lineno == 1000)
			big_execve_event();
		if (lineno == 1500)
			many_fields_event();
		if (lineno == 2000)
			big_garbage_line();
		if (below(8) != 0)
			continue;
		switch (below(6)) {
		case 0: random_bytes(1 + below(2000)); break;
		case 1: nul_run(1 + below(3000)); break;
		case 2: {
			size_t len = (size_t)n;
			while (len && line[len - 1] == '\n')
				line[--len] = 0;
			truncated(line, len);
			break;
		}
		case 3:
		case 4: nasty(); break;
		case 5: broken_header(); break;
		}
	}
	/* and garbage to the very end: a last line without a newline */
	random_bytes(100);
	fputs("type=SYSCALL msg=audit(2100000009.000:9): no newline at the end", stdout);
	struct fake last = {2100000009ull, 0, 9};
	note_key(&last);
	free(line);
	fclose(in);
	if (keys && fclose(keys) != 0) {
		perror(keyfile);
		return 2;
	}
	return fflush(stdout) == 0 ? 0 : 2;
}
