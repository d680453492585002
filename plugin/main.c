/* audisp-ecs: the auditd plugin's entry point. Reads the command line and
 * the configuration, wires input -> reassembly -> ECS documents -> outputs on
 * one libev loop, and handles signals. */
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "badinput.h"
#include "config.h"
#include "ecs.h"
#include "idcache.h"
#include "input.h"
#include "interpret.h"
#include "normalize.h"
#include "output.h"
#include "privs.h"
#include "reassembly.h"
#include "stats.h"

#define PROG "audisp-ecs"

struct daemon {
	struct ev_loop *loop;
	const char *config_path; /* NULL: built-in defaults */
	struct config cfg;
	struct output_spec cli_out[CONFIG_MAX_OUTPUTS]; /* -o, replacing the config's */
	size_t n_cli_out;
	struct output_set outs;
	struct normtab *nt;
	struct reassembly *reasm;
	struct ecs_writer *ecs;
	struct ecs_options eopt;
	struct input in;
	int in_fd;
	const char *unix_path;  /* -i unix:PATH: auditd's af_unix plugin socket */
	double reconnect_delay; /* seconds until the next connection attempt */
	ev_timer reconnect, housekeeping, status;
	ev_timer deadline;
	ev_prepare rearm;
	ev_signal sig_hup, sig_term, sig_int, sig_usr1;
	/* drops reported so far (report_drops) */
	uint64_t drops_seen, drops_logged, drops_streak_from;
	double drops_logged_at, drops_last_at;
	bool dropping;
};

static void usage(FILE *f)
{
	fprintf(f,
"NAME\n"
"    audisp-ecs - write Linux audit events as Elastic Common Schema JSON\n"
"\n"
"SYNOPSIS\n"
"    audisp-ecs [-c FILE] [-i FILE] [-o SPEC]... [-t]\n"
"    audisp-ecs -h | -V\n"
"\n"
"DESCRIPTION\n"
"    An auditd plugin. auditd starts it (see /etc/audit/plugins.d/audisp-ecs.conf)\n"
"    and writes every audit record to its standard input. audisp-ecs gathers the\n"
"    records of each event by serial number, normalizes the event and writes one\n"
"    ECS 8.11 JSON document per event, one per line, to its outputs.\n"
"\n"
"    With no arguments it reads " AUDISP_ECS_DEFAULT_CONFIG " if that file\n"
"    exists (built-in defaults otherwise) and records from standard input until\n"
"    end of file.\n"
"\n"
"OPTIONS\n"
"    -c FILE   Read the configuration from FILE (key = value lines, see\n"
"              audisp-ecs.conf). -c /dev/null means all defaults.\n"
"    -i FILE   Read records from FILE instead of standard input: a recorded\n"
"              plugin stream or an audit.log. Every open event is written at\n"
"              end of file, then audisp-ecs exits 0. -i - is standard input.\n"
"              -i unix:PATH connects to auditd's af_unix plugin socket\n"
"              (/var/run/audispd_events) and reconnects when auditd restarts.\n"
"    -o SPEC   Write documents to SPEC, replacing the configured outputs; may be\n"
"              repeated. SPEC is stdout, file:/absolute/path, syslog or\n"
"              journal.\n"
"    -t        Check the configuration, print it is fine, and exit.\n"
"    -h        Print this help and exit.\n"
"    -V        Print the version and exit.\n"
"\n"
"SIGNALS\n"
"    SIGHUP    Reload the configuration and reopen output files (logrotate).\n"
"              A configuration with errors is refused; the old one stays.\n"
"    SIGTERM, SIGINT\n"
"              Write every event still being gathered, then exit 0.\n"
"    SIGUSR1   Log the counters (records in, events out, drops, output\n"
"              errors) to syslog.\n"
"\n"
"EXIT STATUS\n"
"    0 on end of input or a stop signal; 1 when the configuration, an output\n"
"    or the input cannot be used; 2 on a usage error.\n"
"\n"
"FILES\n"
"    " AUDISP_ECS_DEFAULT_CONFIG "\n"
"    /etc/audit/plugins.d/audisp-ecs.conf\n"
"\n"
"SEE ALSO\n"
"    audisp-ecs(8), audisp-ecs.conf(5), auditd(8), auparse_normalize(3)\n"
"    " CONFIG_DEFAULT_OUTPUT "  (default output, without the file: prefix)\n");
}

/* --- events out ----------------------------------------------------------- */

static void log_stats(struct daemon *d, const char *why);

/* Drops must be loud: a warning when they start, a summary every
 * DROPS_LOG_INTERVAL s while they go on, a notice once none came for that
 * long (checked every second by housekeeping). */
#define DROPS_LOG_INTERVAL 10.0

static void report_drops(struct daemon *d, bool tick)
{
	double now = ev_now(d->loop);
	uint64_t n = stats.output_dropped;

	if (n != d->drops_seen) {
		if (!d->dropping)
			d->drops_streak_from = d->drops_seen;
		d->drops_seen = n;
		d->drops_last_at = now;
		if (!d->dropping) {
			d->dropping = true;
			syslog(LOG_WARNING,
			       "documents dropped: an output does not keep up (%llu dropped in all, "
			       "output_dropped; a summary follows every %.0f s while this lasts)",
			       (unsigned long long)n, DROPS_LOG_INTERVAL);
			d->drops_logged = n;
			d->drops_logged_at = now;
			log_stats(d, "drops");
		} else if (now - d->drops_logged_at >= DROPS_LOG_INTERVAL) {
			syslog(LOG_WARNING, "documents dropped: %llu in the last %.0f s, %llu in all",
			       (unsigned long long)(n - d->drops_logged), now - d->drops_logged_at,
			       (unsigned long long)n);
			d->drops_logged = n;
			d->drops_logged_at = now;
			log_stats(d, "drops");
		}
	} else if (tick && d->dropping && now - d->drops_last_at >= DROPS_LOG_INTERVAL) {
		d->dropping = false;
		syslog(LOG_NOTICE, "documents no longer dropped (%llu in the last streak, %llu in all)",
		       (unsigned long long)(n - d->drops_streak_from),
		       (unsigned long long)n);
	}
}

static void on_event(struct event *ev, void *ctx)
{
	struct daemon *d = ctx;
	struct doc doc;
	/* the records it is made of: the EOE that completed it too */
	uint64_t nrec = ev->nrec + (ev->done == EVENT_DONE_EOE);

	if (ecs_write_event(d->ecs, ev, d->nt, &d->eopt, &doc) < 0) {
		stats.events_failed++;
		stats.records_failed += nrec;
		if (stats.events_failed <= 10 || stats.events_failed % 1000 == 0)
			syslog(LOG_ERR, "event %u: document could not be built (%llu so far)",
			       ev->serial, (unsigned long long)stats.events_failed);
		return;
	}
	stats.events_out++;
	stats.records_out += nrec;
	outputs_write(&d->outs, &doc);
	if (stats.output_dropped != d->drops_seen)
		report_drops(d, false);
}

/* --- input ---------------------------------------------------------------- */

static void on_line(const char *line, size_t len, void *ctx)
{
	struct daemon *d = ctx;
	if (reasm_push(d->reasm, line, len, ev_now(d->loop)) < 0)
		badinput_note(BAD_NOT_RECORD, line, len, ev_now(d->loop));
}

static void on_idle(void *ctx)
{
	struct daemon *d = ctx;
	reasm_idle(d->reasm);
	outputs_flush(&d->outs);
}

static void log_stats(struct daemon *d, const char *why)
{
	char buf[4096];
	stats.records_pending = d->reasm ? reasm_pending_records(d->reasm) : 0;
	stats.output_held = outputs_held(&d->outs);
	size_t n = stats_format(buf, sizeof(buf));

	/* and each output's own counts */
	for (size_t i = 0; i < d->outs.n && n < sizeof(buf); i++) {
		struct output *o = d->outs.o[i];
		int k = snprintf(buf + n, sizeof(buf) - n, " %s.errors=%llu %s.dropped=%llu %s.held=%zu",
				 o->name, (unsigned long long)o->errors, o->name,
				 (unsigned long long)o->dropped, o->name, output_held(o));
		if (k < 0)
			break;
		n += (size_t)k;
	}
	syslog(LOG_INFO, "%s: %s", why, buf);
}

static void finish(struct daemon *d)
{
	reasm_flush(d->reasm);
	outputs_flush(&d->outs);
	ev_break(d->loop, EVBREAK_ALL);
}

static int connect_unix(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void on_line(const char *line, size_t len, void *ctx);
static void on_idle(void *ctx);
static void on_eof(void *ctx, int err);

static int start_input(struct daemon *d)
{
	struct input_handlers h = {on_line, on_idle, on_eof, d};
	return input_start(&d->in, d->loop, d->in_fd, INPUT_MAX_LINE, &h);
}

/* Standalone mode: auditd restarted (or is not up yet); try again, waiting
 * a little longer each time, up to 10 s. Open events still complete by
 * their timeout meanwhile. */
static void on_reconnect(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = w->data;
	int fd = connect_unix(d->unix_path);

	if (fd < 0) {
		d->reconnect_delay = d->reconnect_delay < 5 ? d->reconnect_delay * 2 : 10;
		ev_timer_set(w, d->reconnect_delay, 0);
		ev_timer_start(loop, w);
		return;
	}
	d->in_fd = fd;
	if (start_input(d) < 0) {
		syslog(LOG_ERR, "out of memory");
		finish(d);
		return;
	}
	syslog(LOG_NOTICE, "connected to %s", d->unix_path);
	d->reconnect_delay = 0.25;
}

static void on_eof(void *ctx, int err)
{
	struct daemon *d = ctx;
	if (err)
		syslog(LOG_ERR, "reading records: %s", strerror(err));
	if (!d->unix_path) {
		finish(d);
		return;
	}
	syslog(LOG_WARNING, "%s closed; reconnecting", d->unix_path);
	input_stop(&d->in);
	close(d->in_fd);
	d->in_fd = -1;
	outputs_flush(&d->outs);
	ev_timer_set(&d->reconnect, d->reconnect_delay, 0);
	ev_timer_start(d->loop, &d->reconnect);
}

/* Every second: retry outputs that hold documents after a failure. */
static void on_housekeeping(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = w->data;
	outputs_flush(&d->outs);
	badinput_tick(ev_now(loop));
	report_drops(d, true);
}

static void on_status(struct ev_loop *loop, ev_timer *w, int revents)
{
	log_stats(w->data, "status");
}

/* The reassembly deadline: re-armed before the loop sleeps, so it always
 * matches the oldest open event. */
static void on_deadline(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct daemon *d = w->data;
	/* records already waiting may complete the events about to expire
	 * (we were stopped, or busy): read them first */
	input_pump(&d->in);
	ev_now_update(loop);
	reasm_expire(d->reasm, ev_now(loop));
	outputs_flush(&d->outs);
}

static void on_prepare(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct daemon *d = w->data;
	double at = reasm_next_deadline(d->reasm);

	if (at < 0) {
		ev_timer_stop(loop, &d->deadline);
		return;
	}
	double in = at - ev_now(loop);
	if (ev_is_active(&d->deadline) && ev_timer_remaining(loop, &d->deadline) <= in + 0.001 &&
	    ev_timer_remaining(loop, &d->deadline) >= in - 0.05)
		return;
	ev_timer_stop(loop, &d->deadline);
	ev_timer_set(&d->deadline, in > 0 ? in : 0, 0);
	ev_timer_start(loop, &d->deadline);
}

/* --- configuration -------------------------------------------------------- */

static int load_config(struct daemon *d, struct config *c, char *err, size_t errlen)
{
	if (d->config_path && config_load(c, d->config_path, err, errlen) < 0)
		return -1;
	if (d->n_cli_out && config_set_outputs(c, d->cli_out, d->n_cli_out) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* The status timer follows status_interval (0: off). It never keeps the
 * loop alive on its own, so it is unref'd while active (and ref'd again
 * before stopping, as libev wants). */
static void set_status_interval(struct daemon *d)
{
	if (ev_is_active(&d->status)) {
		ev_ref(d->loop);
		ev_timer_stop(d->loop, &d->status);
	}
	if (d->cfg.status_interval > 0) {
		ev_timer_set(&d->status, d->cfg.status_interval, d->cfg.status_interval);
		ev_timer_start(d->loop, &d->status);
		ev_unref(d->loop);
	}
}

static void apply_config(struct daemon *d)
{
	d->eopt.resolve_ids = d->cfg.resolve_ids;
	d->eopt.include_raw = d->cfg.include_raw;
	d->eopt.include_warnings = d->cfg.include_warnings;
	d->eopt.message = d->cfg.message;
	if (d->reasm)
		reasm_set_limits(d->reasm, d->cfg.max_inflight, d->cfg.end_of_event_timeout);
}

static bool same_user(const struct config *a, const struct config *b)
{
	return a->user ? b->user && strcmp(a->user, b->user) == 0 : !b->user;
}

/* The user is taken once, at start (privileges are gone after that): a
 * reloaded configuration keeps the one in force. */
static void keep_user(struct daemon *d, struct config *c)
{
	if (same_user(&d->cfg, c))
		return;
	syslog(LOG_WARNING, "reload: user = %s is not applied (running as %s); it takes a restart",
	       c->user ? c->user : "(none)", d->cfg.user ? d->cfg.user : "root");
	char *t = c->user;
	c->user = d->cfg.user;
	d->cfg.user = t;
	c->uid = d->cfg.uid;
	c->gid = d->cfg.gid;
}

static void on_sighup(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon *d = w->data;
	struct config c;
	char err[512];

	config_defaults(&c);
	if (load_config(d, &c, err, sizeof(err)) < 0) {
		syslog(LOG_ERR, "reload refused, keeping the running configuration: %s", err);
		config_free(&c);
		return;
	}
	struct normtab *nt = normtab_load(c.normalizations, err, sizeof(err));
	if (!nt) {
		syslog(LOG_ERR, "reload refused, keeping the running configuration: "
				"normalizations: %s", err);
		config_free(&c);
		outputs_reopen(&d->outs);
		return;
	}
	/* outputs that stay are reconfigured and reopened, keeping what they
	 * hold (a full disk); new ones open before old ones close */
	outputs_flush(&d->outs);
	if (outputs_reload(&d->outs, &c, err, sizeof(err)) < 0) {
		syslog(LOG_ERR, "reload refused, keeping the running configuration: %s", err);
		normtab_free(nt);
		config_free(&c);
		outputs_reopen(&d->outs);
		return;
	}
	normtab_free(d->nt);
	d->nt = nt;
	keep_user(d, &c);
	config_free(&d->cfg);
	d->cfg = c;
	apply_config(d);
	set_status_interval(d);
	idcache_flush();
	syslog(LOG_NOTICE, "configuration reloaded, outputs reopened");
}

static void on_stop(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct daemon *d = w->data;
	syslog(LOG_NOTICE, "signal %d: writing open events and stopping", w->signum);
	input_drain(&d->in, 256 * 1024 * 1024);
	input_stop(&d->in);
	finish(d);
}

static void on_sigusr1(struct ev_loop *loop, ev_signal *w, int revents)
{
	log_stats(w->data, "status");
}

/*
 * auditd 3.0 starts plugins with signals blocked and an odd umask. SIGHUP
 * and SIGUSR1 stay blocked until their watchers are in place
 * (release_held_signals): one sent during start-up (auditd reconfiguring, a
 * status asked for) waits instead of killing the daemon. SIGTERM and SIGINT
 * do not wait: start-up may block on a FIFO or socket, and they must still
 * stop it.
 */
static void reset_process_state(void)
{
	sigset_t held;
	sigemptyset(&held);
	sigaddset(&held, SIGHUP);
	sigaddset(&held, SIGUSR1);
	sigprocmask(SIG_SETMASK, &held, NULL);
	signal(SIGPIPE, SIG_IGN);
	umask(077);
}

static void release_held_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void start_signal(struct daemon *d, ev_signal *w, void (*cb)(struct ev_loop *, ev_signal *, int),
			 int sig)
{
	ev_signal_init(w, cb, sig);
	w->data = d;
	ev_signal_start(d->loop, w);
}

static void daemon_free(struct daemon *d)
{
	input_stop(&d->in);
	outputs_close(&d->outs);
	reasm_free(d->reasm);
	ecs_writer_free(d->ecs);
	normtab_free(d->nt);
	idcache_free();
	interp_free();
	config_free(&d->cfg);
	for (size_t i = 0; i < d->n_cli_out; i++)
		free(d->cli_out[i].path);
	if (d->in_fd >= 0 && d->in_fd != STDIN_FILENO)
		close(d->in_fd);
	if (d->loop)
		ev_loop_destroy(d->loop);
	closelog();
}

int main(int argc, char **argv)
{
	struct daemon d = {.in_fd = STDIN_FILENO};
	const char *input_path = NULL;
	bool check_only = false, config_given = false;
	char err[512];
	int opt, rc = 1;

	reset_process_state();
	config_defaults(&d.cfg);
	while ((opt = getopt(argc, argv, "c:i:o:tVh")) != -1) {
		switch (opt) {
		case 'c':
			d.config_path = optarg;
			config_given = true;
			break;
		case 'i':
			input_path = optarg;
			break;
		case 'o':
			if (d.n_cli_out == CONFIG_MAX_OUTPUTS) {
				fprintf(stderr, PROG ": at most %d outputs\n", CONFIG_MAX_OUTPUTS);
				rc = 2;
				goto out;
			}
			if (config_parse_output(optarg, &d.cli_out[d.n_cli_out], err, sizeof(err)) < 0) {
				fprintf(stderr, PROG ": -o %s: %s\n", optarg, err);
				rc = 2;
				goto out;
			}
			d.n_cli_out++;
			break;
		case 't':
			check_only = true;
			break;
		case 'V':
			printf(PROG " %s\n", AUDISP_ECS_VERSION);
			rc = 0;
			goto out;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		default:
			usage(stderr);
			rc = 2;
			goto out;
		}
	}
	if (optind != argc) {
		fprintf(stderr, PROG ": unexpected argument '%s' (see -h)\n", argv[optind]);
		rc = 2;
		goto out;
	}
	if (!config_given && access(AUDISP_ECS_DEFAULT_CONFIG, F_OK) == 0)
		d.config_path = AUDISP_ECS_DEFAULT_CONFIG;

	/* messages go to syslog; also to stderr when a person is watching */
	int logopt = LOG_PID;
	if (input_path || check_only || isatty(STDERR_FILENO))
		logopt |= LOG_PERROR;
	openlog(PROG, logopt, LOG_DAEMON);
	/* root's files are trusted; so are the user's own when not started as root */
	if (geteuid() != 0)
		config_trust_owner(geteuid());

	if (load_config(&d, &d.cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, PROG ": %s\n", err);
		goto out;
	}
	d.nt = normtab_load(d.cfg.normalizations, err, sizeof(err));
	if (!d.nt) {
		fprintf(stderr, PROG ": normalizations: %s\n", err);
		goto out;
	}
	if (check_only) {
		printf(PROG ": configuration %s is fine\n", d.config_path ? d.config_path : "(built-in)");
		rc = 0;
		goto out;
	}
	if (input_path && !strncmp(input_path, "unix:", 5)) {
		/* auditd may not be up yet: then keep trying (on_reconnect) */
		d.unix_path = input_path + 5;
		d.in_fd = connect_unix(d.unix_path);
		if (d.in_fd < 0)
			syslog(LOG_WARNING, "%s: %s; retrying", input_path, strerror(errno));
		else
			syslog(LOG_NOTICE, "connected to %s", d.unix_path);
	} else if (input_path && strcmp(input_path, "-") != 0) {
		d.in_fd = open(input_path, O_RDONLY | O_CLOEXEC);
		if (d.in_fd < 0) {
			fprintf(stderr, PROG ": %s: %s\n", input_path, strerror(errno));
			goto out;
		}
	}
	if (outputs_open(&d.outs, &d.cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, PROG ": %s\n", err);
		goto out;
	}
	/* from here on nothing needs a privilege: see privs.h */
	struct privs_target pt = {.switch_user = d.cfg.user != NULL, .user = d.cfg.user,
				  .uid = d.cfg.uid, .gid = d.cfg.gid};
	char msg[512];
	if (privs_check(&pt, err, sizeof(err)) < 0) {
		fprintf(stderr, PROG ": cannot drop privileges: %s\n", err);
		syslog(LOG_ERR, "cannot drop privileges: %s", err);
		goto out;
	}
	if (d.cfg.user && outputs_chown(&d.outs, d.cfg.uid, d.cfg.gid, err, sizeof(err)) < 0) {
		fprintf(stderr, PROG ": user = %s: %s\n", d.cfg.user, err);
		goto out;
	}
	if (privs_drop(&pt, msg, sizeof(msg), err, sizeof(err)) < 0) {
		fprintf(stderr, PROG ": cannot drop privileges: %s\n", err);
		syslog(LOG_ERR, "cannot drop privileges: %s", err);
		goto out;
	}
	syslog(LOG_NOTICE, "%s", msg);

	d.loop = ev_default_loop(EVFLAG_AUTO);
	idcache_init(600);
	d.ecs = ecs_writer_new();
	d.reasm = reasm_new(d.cfg.max_inflight, d.cfg.end_of_event_timeout, on_event, &d);
	if (!d.loop || !d.ecs || !d.reasm || (d.in_fd >= 0 && start_input(&d) < 0)) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out;
	}
	apply_config(&d);
	ev_timer_init(&d.deadline, on_deadline, 0, 0);
	d.deadline.data = &d;
	ev_prepare_init(&d.rearm, on_prepare);
	d.rearm.data = &d;
	ev_prepare_start(d.loop, &d.rearm);
	ev_unref(d.loop); /* the prepare watcher alone must not keep the loop alive */
	d.reconnect_delay = 0.25;
	ev_timer_init(&d.reconnect, on_reconnect, d.reconnect_delay, 0);
	d.reconnect.data = &d;
	if (d.in_fd < 0)
		ev_timer_start(d.loop, &d.reconnect);
	ev_timer_init(&d.housekeeping, on_housekeeping, 1, 1);
	d.housekeeping.data = &d;
	ev_timer_start(d.loop, &d.housekeeping);
	ev_unref(d.loop); /* housekeeping alone must not keep the loop alive */
	ev_timer_init(&d.status, on_status, d.cfg.status_interval, d.cfg.status_interval);
	d.status.data = &d;
	set_status_interval(&d);
	start_signal(&d, &d.sig_hup, on_sighup, SIGHUP);
	start_signal(&d, &d.sig_term, on_stop, SIGTERM);
	start_signal(&d, &d.sig_int, on_stop, SIGINT);
	start_signal(&d, &d.sig_usr1, on_sigusr1, SIGUSR1);
	for (ev_signal *s = &d.sig_hup; s <= &d.sig_usr1; s++)
		ev_unref(d.loop); /* nor the signal watchers: input decides */
	release_held_signals(); /* any that came during start-up run now */

	ev_run(d.loop, 0);

	/* what the outputs could not write by now is lost: count it first */
	outputs_flush(&d.outs);
	outputs_discard(&d.outs);
	badinput_flush();
	log_stats(&d, "stopped");
	rc = 0;
out:
	daemon_free(&d);
	return rc;
}
