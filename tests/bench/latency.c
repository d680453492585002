/* latency: how long an event takes from its last record to its document.
 *
 *   latency [-E] [-n EVENTS] [-g GAP_MS] [-w TIMEOUT_MS] [-W WARMUP] STREAM -- CMD [ARG...]
 *
 * Starts CMD (audisp-ecs -c /dev/null -o stdout) with pipes on its stdin and
 * stdout, as auditd starts a plugin. STREAM is an in-order plugin stream
 * (stream-grow -k 1); its records are grouped into events by their stamp,
 * and WARMUP + EVENTS of them are taken evenly across it (all of them, in
 * order, if it holds no more), so that every kind of event in the stream is
 * measured. For each, it
 *   - writes the event's records one write() each, as auditd does,
 *   - takes the time just before the write() of the last one (the EOE, or
 *     the single record of a lone user-space event),
 *   - reads CMD's stdout until the event's document line is complete and
 *     takes the time again,
 *   - leaves the stream idle for GAP_MS (default 5) before the next event.
 * The first WARMUP (default 5) events are not counted (start-up).
 * -E takes only EOE-terminated events: for a control CMD that answers each
 * EOE with a line (grep --line-buffered type=EOE), the floor that pipes and
 * the scheduler set on this machine.
 *
 * It prints the latency distribution (min, median, p90, p99, max, and how
 * many were above 1 ms) for EOE-terminated events and, separately, for lone
 * records (which have no EOE: audisp-ecs writes them when its input goes
 * idle). A document not seen within TIMEOUT_MS (default 5000) counts as a
 * timeout. Exit status 0 if every EOE-terminated event's document came
 * within 1 ms, 1 otherwise, 2 on an error.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct ev {
	char **lines;
	size_t *lens;
	size_t n;
	bool eoe;
	double lat; /* us; < 0: no document in time */
};

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write to the daemon");
		p += w;
		n -= (size_t)w;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void report(const char *what, double *v, size_t n, size_t timeouts)
{
	if (!n && !timeouts) {
		printf("%-22s none\n", what);
		return;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	size_t over = 0;
	for (size_t i = 0; i < n; i++)
		over += v[i] > 1000.0;
#define PCT(p) (n ? v[(size_t)((double)(n - 1) * (p) + 0.5)] : 0.0)
	printf("%-22s n=%zu  min=%.0fus  median=%.0fus  p90=%.0fus  p99=%.0fus  max=%.0fus  "
	       "over_1ms=%zu  timeouts=%zu\n",
	       what, n, n ? v[0] : 0.0, PCT(0.5), PCT(0.9), PCT(0.99), n ? v[n - 1] : 0.0, over,
	       timeouts);
#undef PCT
}

int main(int argc, char **argv)
{
	size_t want = 200, warmup = 5;
	int gap_ms = 5, timeout_ms = 5000, c;
	bool eoe_only = false;

	while ((c = getopt(argc, argv, "+En:g:w:W:h")) != -1) {
		switch (c) {
		case 'E':
			eoe_only = true;
			break;
		case 'n':
			want = strtoul(optarg, NULL, 10);
			break;
		case 'g':
			gap_ms = atoi(optarg);
			break;
		case 'w':
			timeout_ms = atoi(optarg);
			break;
		case 'W':
			warmup = strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: latency [-E] [-n EVENTS] [-g GAP_MS] [-w "
			                "TIMEOUT_MS] [-W WARMUP] "
			                "STREAM -- CMD [ARG...]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (argc - optind < 2) {
		fprintf(stderr, "latency: STREAM and CMD expected (see -h)\n");
		return 2;
	}
	const char *path = argv[optind];
	if (strcmp(argv[optind + 1], "--") == 0)
		optind++;
	char **cmd = &argv[optind + 1];

	/* the events: consecutive records with the same stamp */
	FILE *f = fopen(path, "r");
	if (!f)
		die(path);
	size_t total = want + warmup, nev = 0, cap_ev = 0;
	struct ev *evs = NULL;
	char *line = NULL, prev[64] = "";
	size_t cap = 0;
	ssize_t len;
	while ((len = getline(&line, &cap, f)) > 0) {
		char *m = strstr(line, "msg=audit(");
		if (!m)
			continue;
		char *e = strchr(m, ')');
		if (!e || (size_t)(e - m) >= sizeof(prev))
			continue;
		char key[64];
		memcpy(key, m, (size_t)(e - m));
		key[e - m] = 0;
		if (strcmp(key, prev) != 0) {
			if (nev == cap_ev) {
				cap_ev = cap_ev ? 2 * cap_ev : 1024;
				evs = realloc(evs, cap_ev * sizeof(*evs));
			}
			evs[nev++] = (struct ev){0};
			strcpy(prev, key);
		}
		struct ev *ev = &evs[nev - 1];
		ev->lines = realloc(ev->lines, (ev->n + 1) * sizeof(*ev->lines));
		ev->lens = realloc(ev->lens, (ev->n + 1) * sizeof(*ev->lens));
		if (line[len - 1] != '\n') {
			line = realloc(line, (size_t)len + 2);
			line[len++] = '\n';
			line[len] = 0;
		}
		ev->lines[ev->n] = strndup(line, (size_t)len);
		ev->lens[ev->n++] = (size_t)len;
		ev->eoe = strncmp(line, "type=EOE ", 9) == 0 || strstr(line, " type=EOE ") != NULL;
	}
	fclose(f);
	free(line);
	if (eoe_only) {
		size_t kept = 0;
		for (size_t i = 0; i < nev; i++)
			if (evs[i].eoe)
				evs[kept++] = evs[i];
		nev = kept;
	}
	if (nev < total) {
		fprintf(stderr, "latency: %s holds %zu events, %zu wanted\n", path, nev, total);
		return 2;
	}
	/* evenly across the stream */
	struct ev *pick = calloc(total, sizeof(*pick));
	for (size_t i = 0; i < total; i++)
		pick[i] = evs[i * nev / total];
	evs = pick;

	int in[2], out[2];
	if (pipe(in) < 0 || pipe(out) < 0)
		die("pipe");
	signal(SIGPIPE, SIG_IGN);
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		execvp(cmd[0], cmd);
		perror(cmd[0]);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);

	double *lat_eoe = calloc(total, sizeof(double)), *lat_lone = calloc(total, sizeof(double));
	size_t n_eoe = 0, n_lone = 0, to_eoe = 0, to_lone = 0, docs = 0;
	static char rbuf[1 << 20];
	struct timespec gap = {gap_ms / 1000, (long)(gap_ms % 1000) * 1000000L};

	for (size_t i = 0; i < total; i++) {
		struct ev *ev = &evs[i];
		for (size_t r = 0; r + 1 < ev->n; r++)
			write_all(in[1], ev->lines[r], ev->lens[r]);
		double t0 = now_us();
		write_all(in[1], ev->lines[ev->n - 1], ev->lens[ev->n - 1]);
		/* read until a newline: the event's document is complete */
		double t1 = -1;
		for (;;) {
			int left = timeout_ms - (int)((now_us() - t0) / 1000.0);
			struct pollfd p = {out[0], POLLIN, 0};
			int k = left > 0 ? poll(&p, 1, left) : 0;
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			ssize_t n = read(out[0], rbuf, sizeof(rbuf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				fprintf(stderr, "latency: the daemon closed its output\n");
				return 2;
			}
			double t = now_us();
			size_t nl = 0;
			for (ssize_t j = 0; j < n; j++)
				nl += rbuf[j] == '\n';
			docs += nl;
			if (nl && rbuf[n - 1] == '\n') {
				t1 = t;
				break;
			}
		}
		ev->lat = t1 < 0 ? -1 : t1 - t0;
		if (i >= warmup) {
			if (t1 < 0)
				*(ev->eoe ? &to_eoe : &to_lone) += 1;
			else if (ev->eoe)
				lat_eoe[n_eoe++] = t1 - t0;
			else
				lat_lone[n_lone++] = t1 - t0;
		}
		nanosleep(&gap, NULL);
	}
	close(in[1]);
	/* the rest of the output, then the daemon's exit */
	for (;;) {
		ssize_t n = read(out[0], rbuf, sizeof(rbuf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t j = 0; j < n; j++)
			docs += rbuf[j] == '\n';
	}
	int st;
	waitpid(pid, &st, 0);

	printf("events=%zu (after %zu warm-up) idle_gap=%dms documents=%zu daemon_exit=%d\n", want,
	       warmup, gap_ms, docs, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	report("EOE-terminated", lat_eoe, n_eoe, to_eoe);
	report("lone (no EOE, idle)", lat_lone, n_lone, to_lone);
	/* the slowest events, to tell a slow kind of event from scheduling noise */
	printf("slowest:");
	for (int top = 0; top < 5; top++) {
		size_t best = total;
		for (size_t i = warmup; i < total; i++)
			if (evs[i].lat >= 0 && (best == total || evs[i].lat > evs[best].lat))
				best = i;
		if (best == total)
			break;
		struct ev *ev = &evs[best];
		size_t bytes = 0;
		for (size_t r = 0; r < ev->n; r++)
			bytes += ev->lens[r];
		const char *t = strstr(ev->lines[0], "type=");
		int tl = t ? (int)strcspn(t + 5, " ") : 1;
		printf(" %.0fus (%.*s, %zu records, %zu bytes)%s", ev->lat, tl, t ? t + 5 : "?",
		       ev->n, bytes, top < 4 ? ";" : "");
		ev->lat = -2;
	}
	printf("\n");
	bool ok = to_eoe == 0 && docs == total;
	for (size_t i = 0; i < n_eoe; i++)
		ok &= lat_eoe[i] <= 1000.0;
	return ok ? 0 : 1;
}
