/* libFuzzer harness for the reassembly queue (plugin/reassembly.c): arbitrary
 * sequences of records and queue operations, checked against a model of the
 * open events that the harness keeps itself.
 *
 * Input: byte 0 picks max_inflight, byte 1 the timeout (and, bit 7, whether
 * documents are written); then operations,
 * each an opcode byte and its operands (missing bytes read as 0):
 *   push      type, serial, node and time stamp from small tables: real
 *             kernel, user-space and auditd types, unknown numbers; serials
 *             near the current one (duplicates, out of order), fresh, 0,
 *             near 2^32 (wrap), jumps past the window and past a reset
 *   eoe       the EOE of the last record pushed
 *   burst     up to 240, or 4000..4240, records of one key (the 256-record
 *             limit of lone user records, the per-event cut at 4096)
 *   raw       a length-prefixed line as it is (the seeds from tests/data
 *             use it); a line that is not a record must be refused
 *   bad       a broken or truncated record line
 *   clock     advance the (monotonic) clock; expire; idle; flush;
 *   limits    reasm_set_limits with a tiny max_inflight and timeout
 * Every line the harness accepts gets a unique " fz=ID" field at its end, so
 * each delivered record can be traced back to its push.
 *
 * Checked, exactly:
 *   - a line is accepted iff record_parse_header accepts it; a refused line
 *     delivers nothing and counts in stats.lines_bad;
 *   - every delivered event has 1..4096 records, never an EOE, all with the
 *     event's key (node, serial, seconds, milliseconds; nodes numbered as
 *     the queue does: in order of appearance, the 256th and later names
 *     sharing the last slot), in push order;
 *   - the model: a record joins the open event of its key, or opens one
 *     (auditd's DAEMON_*, KERNEL and ANOM_ABEND are delivered at once
 *     instead, alone); every delivered event is the model's open event of
 *     its key with exactly the records pushed to it (so each accepted
 *     non-EOE record is delivered in exactly one event), for the one reason
 *     the operation allows: EOE (the EOE of its key), STANDALONE (a lone
 *     user record: the oldest such, on idle, when 256 more records came, or
 *     to make room), CAPACITY (the oldest event when max_inflight are open
 *     and no lone user record is, on a smaller limit, or the event cut at
 *     4096 records), TIMEOUT (the oldest, created + timeout <= now), FLUSH
 *     (the oldest); reasm_open_events() equals the model's count and never
 *     exceeds max_inflight (no slack: a new event first makes room; only
 *     while reasm_set_limits completes the excess does the sink see more);
 *     after expire the next deadline is the oldest's; after flush nothing
 *     is open;
 *   - the counters: records_in, lines_bad, done_* per reason equal what the
 *     sink saw; events_failed stays 0; an EOE either completes its event or
 *     counts as orphan_eoe or late_records, and every other late record
 *     makes one event marked late, so
 *       EOEs + late events = done_eoe + orphan_eoe + late_records;
 *   - with bit 7 of byte 1, each delivered event of up to 32 records makes an ECS document that
 *     is valid JSON in valid UTF-8 (bigger ones are left to fuzz_pipeline:
 *     the writer would dominate the run time).
 *
 * Build and run: README.md, "Fuzzing" (CC=clang cmake -DBUILD_FUZZERS=ON,
 * target fuzzers, ctest -L fuzz: tests/fuzz/run.sh, seeds from tests/data by
 * mkseeds reasm); reproducers that once failed: tests/data/regress/fuzz_reassembly/. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libaudit.h>

#include "../tools/utf8.h"
#include "reasm_ops.h"
#include "ecs.h"
#include "normalize.h"
#include "reassembly.h"
#include "record.h"
#include "stats.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


/* the queue's own bounds (reassembly.c, reassembly.h) */
#define EVENT_MAX_RECORDS 4096
#define MAX_NODES 256
#define MAX_PUSHES 12000 /* per input: keeps one input fast */

/* --- the input ------------------------------------------------------------ */

struct in {
	const uint8_t *p, *end;
};

static uint8_t byte(struct in *in)
{
	return in->p < in->end ? *in->p++ : 0;
}

static uint32_t u32(struct in *in)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v = v << 8 | byte(in);
	return v;
}

static const size_t inflight_tab[] = {1, 2, 3, 4, 8, 16, 64, 0};
static const double timeout_tab[] = {0, 0.5, 2, 5, 30, 1e9, 0.001, 1};
static const double step_tab[] = {0, 0.001, 0.1, 0.5, 1, 2.5, 10, 1000};

struct rtype {
	const char *name;
	const char *body;
};

static const struct rtype types[] = {
	{"SYSCALL", "arch=c000003e syscall=59 success=yes exit=0 a0=55d1 a1=55d2 a2=55d3 a3=8 "
		    "items=2 ppid=1 pid=4242 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 "
		    "sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"ls\" exe=\"/usr/bin/ls\" key=\"exec\""},
	{"EXECVE", "argc=3 a0=\"ls\" a1=\"-l\" a2=2F746D70"},
	{"PATH", "item=0 name=\"/usr/bin/ls\" inode=1234 dev=08:01 mode=0100755 ouid=0 ogid=0 "
		 "rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0"},
	{"CWD", "cwd=\"/root\""},
	{"PROCTITLE", "proctitle=6C73002D6C"},
	{"EOE", ""},
	{"SOCKADDR", "saddr=02000050C0A80001000000000000000000"},
	{"USER_START", "pid=77 uid=0 auid=1000 ses=3 msg='op=PAM:session_open "
		       "grantors=pam_unix acct=\"root\" exe=\"/usr/bin/su\" hostname=? addr=? "
		       "terminal=pts/0 res=success'"},
	{"USER_END", "pid=77 uid=0 auid=1000 ses=3 msg='op=PAM:session_close acct=\"root\" "
		     "exe=\"/usr/bin/su\" hostname=? addr=? terminal=pts/0 res=success'"},
	{"USER_LOGIN", "pid=78 uid=0 auid=1000 ses=4 msg='op=login id=1000 exe=\"/usr/sbin/sshd\" "
		       "hostname=10.0.0.1 addr=10.0.0.1 terminal=/dev/pts/1 res=success'"},
	{"USER_AUTH", "pid=77 uid=1000 auid=1000 ses=3 msg='op=PAM:authentication "
		      "acct=\"root\" exe=\"/usr/bin/su\" hostname=? addr=? terminal=pts/0 res=failed'"},
	{"CRED_ACQ", "pid=77 uid=0 auid=1000 ses=3 msg='op=PAM:setcred acct=\"root\" "
		     "exe=\"/usr/bin/su\" hostname=? addr=? terminal=pts/0 res=success'"},
	{"LOGIN", "pid=78 uid=0 subj=unconfined old-auid=4294967295 auid=1000 tty=(none) "
		  "old-ses=4294967295 ses=4 res=1"},
	{"DAEMON_START", "op=start ver=3.0.9 format=enriched kernel=6.1.0 auid=4294967295 "
			 "pid=600 uid=0 ses=4294967295 subj=unconfined res=success"},
	{"DAEMON_END", "op=terminate auid=0 uid=0 ses=4294967295 subj=unconfined pid=1 res=success"},
	{"DAEMON_ROTATE", "op=rotate-logs auid=0 uid=0 pid=1 res=success"},
	{"KERNEL", "state=initialized audit_enabled=1 res=1"},
	{"ANOM_ABEND", "auid=1000 uid=1000 gid=1000 ses=3 subj=unconfined pid=999 comm=\"crash\" "
		       "exe=\"/tmp/crash\" sig=11 res=1"},
	{"AVC", "apparmor=\"DENIED\" operation=\"open\" profile=\"/usr/sbin/cupsd\" "
		"name=\"/etc/shadow\" pid=100 comm=\"cupsd\" requested_mask=\"r\" denied_mask=\"r\""},
	{"CONFIG_CHANGE", "auid=1000 ses=3 subj=unconfined op=add_rule key=\"x\" list=4 res=1"},
	{"SERVICE_START", "pid=1 uid=0 auid=4294967295 ses=4294967295 msg='unit=cron comm=\"systemd\" "
			  "exe=\"/usr/lib/systemd/systemd\" hostname=? addr=? terminal=? res=success'"},
	{"USER_AVC", "pid=1 uid=0 auid=4294967295 ses=4294967295 msg='avc:  denied  { start } for "
		     "auid=0 uid=0 gid=0 path=\"/x\" cmdline=\"\" exe=\"/x\" sauid=0 hostname=? "
		     "addr=? terminal=?'"},
	{"ANOM_PROMISCUOUS", "dev=eth0 prom=256 old_prom=0 auid=1000 uid=0 gid=0 ses=3"},
	{"NETFILTER_CFG", "table=filter family=2 entries=4 op=xt_replace pid=5 comm=\"iptables\""},
	{"URINGOP", "uring_op=18 success=yes exit=0 items=0 ppid=1 pid=3 uid=0 gid=0 euid=0 "
		    "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 subj=unconfined key=(null)"},
	{"UNKNOWN[1250]", "op=daemon-range res=1"},      /* auditd's range: alone */
	{"UNKNOWN[2150]", "pid=1 uid=0 msg='op=user2'"}, /* user range 2: tentative */
	{"UNKNOWN[1399]", "data=1"},
	{"UNKNOWN[9999]", "data=2"},
	{"UNKNOWN[0]", "data=3"},
	{"NOTATYPE", "data=4"}, /* a name libaudit does not know: type 0 */
	{"TTY", "tty_pid=1 uid=0 auid=1000 ses=3 major=136 minor=0 comm=\"bash\" data=6C730D"},
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

/* the indexes mkseeds uses (reasm_ops.h) */
static void check_type_table(void)
{
	CHECK(NTYPES == T_NTYPES);
	CHECK(!strcmp(types[T_SYSCALL].name, "SYSCALL") && !strcmp(types[T_EXECVE].name, "EXECVE"));
	CHECK(!strcmp(types[T_PATH].name, "PATH") && !strcmp(types[T_CWD].name, "CWD"));
	CHECK(!strcmp(types[T_PROCTITLE].name, "PROCTITLE") && !strcmp(types[T_EOE].name, "EOE"));
	CHECK(!strcmp(types[T_USER_START].name, "USER_START"));
	CHECK(!strcmp(types[T_USER_LOGIN].name, "USER_LOGIN"));
	CHECK(!strcmp(types[T_LOGIN].name, "LOGIN"));
	CHECK(!strcmp(types[T_DAEMON_START].name, "DAEMON_START"));
	CHECK(!strcmp(types[T_KERNEL].name, "KERNEL"));
	CHECK(!strcmp(types[T_ANOM_ABEND].name, "ANOM_ABEND") && !strcmp(types[T_AVC].name, "AVC"));
}

static const char *enriched_tab[] = {
	"",
	"\x1d" "ARCH=x86_64 SYSCALL=execve AUID=\"user\" UID=\"root\" GID=\"root\"",
	"\x1d" "UID=\"root\" AUID=\"unset\"",
	"\x1d",
};

static const char *bad_tab[] = {
	"",
	"type=",
	"node=a",
	"garbage",
	"type=SYSCALL",
	"type=SYSCALL msg=audit(1.2:3)",
	"type=SYSCALL msg=audit(1.1000:3): a=1",
	"type=SYSCALL msg=audit(1.002:4294967296): a=1",
	"type=SYSCALL msg=audit(18446744073709551615.000:1): a=1",
	"type=SYSCALL msg=audit(:1): a=1",
	"node=x  type=EOE msg=audit(1.000:1",
	"msg=audit(1.000:1): type=SYSCALL",
};
#define NBAD (sizeof(bad_tab) / sizeof(bad_tab[0]))

/* --- the model ------------------------------------------------------------ */

struct key {
	uint16_t node;
	uint32_t serial, msec;
	uint64_t sec;
};

struct mev {
	struct key k;
	double created;
	bool tentative;
	uint64_t tentative_at;
	uint32_t *ids;
	size_t nids, cap;
};

enum { ID_NONE, ID_PENDING, ID_DELIVERED, ID_CURRENT };

static struct {
	struct reassembly *r;
	size_t max_inflight; /* as the queue sees it (0 -> 1) */
	double timeout, now;
	bool documents; /* write each small event's document too */
	enum op op;
	/* the record being pushed */
	uint32_t cur_id;
	struct key cur_key;
	int cur_type;
	bool cur_delivered;
	bool cur_eoe_done;
	/* open events, oldest first */
	struct mev *open;
	size_t nopen, capopen;
	/* every record id: ID_* */
	uint8_t *ids;
	size_t nids, capids;
	/* node names as the queue numbers them */
	char *nodes[MAX_NODES];
	size_t nodelen[MAX_NODES];
	size_t nnodes;
	uint64_t nrecords; /* records accepted (the queue's count) */
	uint64_t pushes;
	/* tallies */
	uint64_t accepted, refused, eoes, late_events, delivered_recs, nondone_recs;
	uint64_t done[5];
	/* the last record accepted, for OP_EOE */
	uint32_t last_serial, last_msec, cur_serial;
	uint64_t last_sec;
	char last_node[200];
	size_t last_node_len;
} m;

static struct normtab *nt;
static struct ecs_writer *ew;
static const struct ecs_options opt = {
	.resolve_ids = false,
	.include_raw = true,
	.include_warnings = true,
	.message = true,
};

static bool key_eq(const struct key *a, const struct key *b)
{
	return a->node == b->node && a->serial == b->serial && a->msec == b->msec &&
	       a->sec == b->sec;
}

static uint16_t node_of(struct strv name)
{
	if (name.len == 0)
		return 0;
	for (size_t i = 1; i < m.nnodes; i++)
		if (m.nodelen[i] == name.len && !memcmp(m.nodes[i], name.p, name.len))
			return (uint16_t)i;
	if (m.nnodes == MAX_NODES)
		return MAX_NODES - 1;
	m.nodes[m.nnodes] = malloc(name.len);
	CHECK(m.nodes[m.nnodes]);
	memcpy(m.nodes[m.nnodes], name.p, name.len);
	m.nodelen[m.nnodes] = name.len;
	return (uint16_t)m.nnodes++;
}

/* node_of without numbering a new name (for records already numbered) */
static uint16_t node_known(struct strv name)
{
	if (name.len == 0)
		return 0;
	for (size_t i = 1; i < m.nnodes; i++)
		if (m.nodelen[i] == name.len && !memcmp(m.nodes[i], name.p, name.len))
			return (uint16_t)i;
	CHECK(m.nnodes == MAX_NODES);
	return MAX_NODES - 1;
}

static struct mev *find_open(const struct key *k, size_t *at)
{
	for (size_t i = 0; i < m.nopen; i++)
		if (key_eq(&m.open[i].k, k)) {
			if (at)
				*at = i;
			return &m.open[i];
		}
	return NULL;
}

static struct mev *oldest_tentative(void)
{
	for (size_t i = 0; i < m.nopen; i++)
		if (m.open[i].tentative)
			return &m.open[i];
	return NULL;
}

static void drop_open(size_t i)
{
	free(m.open[i].ids);
	memmove(&m.open[i], &m.open[i + 1], (m.nopen - i - 1) * sizeof(*m.open));
	m.nopen--;
}

static uint32_t new_id(void)
{
	if (m.nids == m.capids) {
		m.capids = m.capids ? 2 * m.capids : 1024;
		m.ids = realloc(m.ids, m.capids);
		CHECK(m.ids);
	}
	m.ids[m.nids] = ID_NONE;
	return (uint32_t)m.nids++;
}

static void add_id(struct mev *e, uint32_t id)
{
	if (e->nids == e->cap) {
		e->cap = e->cap ? 2 * e->cap : 8;
		e->ids = realloc(e->ids, e->cap * sizeof(*e->ids));
		CHECK(e->ids);
	}
	e->ids[e->nids++] = id;
}

/* The id the harness appended: the last " fz=" of the line. */
static uint32_t id_of(const char *line, size_t len)
{
	const char *hit = NULL;
	for (const char *p = line; p + 4 <= line + len; p++) {
		p = memmem(p, (size_t)(line + len - p), " fz=", 4);
		if (!p)
			break;
		hit = p;
	}
	CHECK(hit);
	uint64_t v = 0;
	const char *p = hit + 4;
	CHECK(p < line + len && *p >= '0' && *p <= '9');
	while (p < line + len && *p >= '0' && *p <= '9')
		v = v * 10 + (uint64_t)(*p++ - '0');
	CHECK(p == line + len); /* it is the line's end */
	CHECK(v < m.nids);
	return (uint32_t)v;
}

/* --- the sink: every delivered event -------------------------------------- */

static void check_doc(const struct doc *d)
{
	CHECK(d->len >= 3 && d->json[d->len - 1] == '\n');
	CHECK(memchr(d->json, '\n', d->len - 1) == NULL);
	CHECK(utf8_invalid_at((const unsigned char *)d->json, d->len) == d->len);
	struct json_tokener *tok = json_tokener_new();
	CHECK(tok);
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *o = json_tokener_parse_ex(tok, d->json, (int)(d->len - 1));
	CHECK(o && json_tokener_get_error(tok) == json_tokener_success);
	CHECK(json_object_is_type(o, json_type_object));
	json_object_put(o);
	json_tokener_free(tok);
}

static void sink(struct event *ev, void *ctx)
{
	CHECK(ctx == &m);
	CHECK(ev->nrec >= 1 && ev->nrec <= EVENT_MAX_RECORDS);
	CHECK(ev->done >= EVENT_DONE_EOE && ev->done <= EVENT_DONE_FLUSH);
	struct key k = {ev->node_id, ev->serial, ev->msec, ev->sec};
	/* the queue's count: out of the bound only while a smaller limit
	 * completes the excess */
	size_t open_now = reasm_open_events(m.r);
	CHECK(open_now <= m.max_inflight || m.op == OP_LIMITS);

	/* the records: the event's key, no EOE, in push order */
	static uint32_t *ids;
	static size_t capids;
	if (ev->nrec > capids) {
		capids = ev->nrec * 2;
		ids = realloc(ids, capids * sizeof(*ids));
		CHECK(ids);
	}
	for (size_t i = 0; i < ev->nrec; i++) {
		const struct event_rec *er = &ev->recs[i];
		CHECK((size_t)er->off + er->len <= ev->len);
		const char *line = ev->buf + er->off;
		struct record_hdr h;
		CHECK(record_parse_header(line, er->len, &h) == 0);
		CHECK(h.type == er->type && h.serial == er->serial && h.sec == er->sec &&
		      h.msec == er->msec);
		CHECK(h.type != AUDIT_EOE);
		struct key rk = {node_known(h.node), h.serial, h.msec, h.sec};
		CHECK(key_eq(&rk, &k));
		ids[i] = id_of(line, er->len);
		CHECK(i == 0 || ids[i] > ids[i - 1]);
	}

	m.done[ev->done]++;
	if (ev->late)
		m.late_events++;
	m.delivered_recs += ev->nrec;

	if (ev->nrec == 1 && m.ids[ids[0]] == ID_CURRENT) {
		/* the record being pushed, delivered at once: one of auditd's
		 * own or another type that never has companions */
		CHECK(m.op == OP_PUSH && m.cur_type != AUDIT_EOE);
		CHECK(reasm_type_is_standalone(ev->recs[0].type));
		CHECK(ev->done == EVENT_DONE_STANDALONE);
		CHECK(!find_open(&k, NULL)); /* else it would have joined that event */
		CHECK(open_now == m.nopen);  /* it never took a place in the queue */
		m.ids[ids[0]] = ID_DELIVERED;
		m.cur_delivered = true;
	} else {
		size_t at;
		struct mev *e = find_open(&k, &at);
		CHECK(e); /* only open events are delivered */
		CHECK(open_now == m.nopen - 1); /* out of the queue already */
		CHECK(e->nids == ev->nrec);
		for (size_t i = 0; i < ev->nrec; i++) {
			CHECK(e->ids[i] == ids[i]);
			CHECK(m.ids[ids[i]] == ID_PENDING);
			m.ids[ids[i]] = ID_DELIVERED;
		}
		CHECK(ev->created == e->created);
		bool oldest = at == 0;
		switch (ev->done) {
		case EVENT_DONE_EOE:
			CHECK(m.op == OP_PUSH && m.cur_type == AUDIT_EOE);
			CHECK(key_eq(&k, &m.cur_key) && !m.cur_eoe_done);
			m.cur_eoe_done = true;
			break;
		case EVENT_DONE_STANDALONE:
			/* a lone user-space record: idle, 256 records later, or
			 * to make room; oldest first */
			CHECK(m.op == OP_PUSH || m.op == OP_IDLE);
			CHECK(e->tentative && e == oldest_tentative() && e->nids == 1);
			if (m.op == OP_PUSH)
				CHECK(m.nrecords - e->tentative_at > REASM_TENTATIVE_RECORDS ||
				      (m.cur_type != AUDIT_EOE && m.nopen >= m.max_inflight));
			break;
		case EVENT_DONE_CAPACITY:
			if (m.op == OP_LIMITS) {
				CHECK(oldest && m.nopen > m.max_inflight);
			} else {
				CHECK(m.op == OP_PUSH && m.cur_type != AUDIT_EOE);
				if (key_eq(&k, &m.cur_key))
					CHECK(e->nids == EVENT_MAX_RECORDS); /* cut */
				else
					CHECK(oldest && !oldest_tentative() &&
					      m.nopen >= m.max_inflight);
			}
			break;
		case EVENT_DONE_TIMEOUT:
			CHECK(m.op == OP_EXPIRE && oldest);
			CHECK(e->created + m.timeout <= m.now);
			break;
		case EVENT_DONE_FLUSH:
			CHECK(m.op == OP_FLUSH && oldest);
			break;
		}
		drop_open(at);
	}

	/* the document (fuzz_pipeline covers the writer; here the small events
	 * only, to keep the big ones fast) */
	struct doc d;
	if (m.documents && ev->nrec <= 32 && ecs_write_event(ew, ev, nt, &opt, &d) == 0)
		check_doc(&d);
}

/* --- operations ----------------------------------------------------------- */

static void check_queue(void)
{
	CHECK(reasm_open_events(m.r) == m.nopen);
	CHECK(stats.pending_events == m.nopen);
	CHECK(m.nopen <= m.max_inflight);
	double d = reasm_next_deadline(m.r);
	if (m.nopen == 0)
		CHECK(d < 0);
	else
		CHECK(d == m.open[0].created + m.timeout);
}

/* Pushes one line (the harness appends " fz=ID" to it) and follows the
 * model. */
static void push(char *line, size_t len, size_t room)
{
	if (m.pushes >= MAX_PUSHES)
		return;
	m.pushes++;
	uint32_t id = new_id();
	int n = snprintf(line + len, room - len, " fz=%u", id);
	CHECK(n > 0 && (size_t)n < room - len);
	len += (size_t)n;

	struct record_hdr h;
	bool valid = record_parse_header(line, len, &h) == 0;
	m.op = OP_PUSH;
	m.cur_id = id;
	m.cur_delivered = m.cur_eoe_done = false;
	m.cur_type = valid ? h.type : -1;
	if (valid) {
		m.cur_key = (struct key){node_of(h.node), h.serial, h.msec, h.sec};
		m.nrecords++;
		m.ids[id] = ID_CURRENT;
	}
	uint64_t done_before = m.done[0] + m.done[1] + m.done[2] + m.done[3] + m.done[4];
	int rc = reasm_push(m.r, line, len, m.now);
	if (!valid) {
		CHECK(rc == -1);
		m.refused++;
		CHECK(m.done[0] + m.done[1] + m.done[2] + m.done[3] + m.done[4] == done_before);
		check_queue();
		return;
	}
	CHECK(rc == 0);
	m.accepted++;
	m.last_serial = h.serial;
	m.last_sec = h.sec;
	m.last_msec = h.msec;
	m.last_node_len = h.node.len <= sizeof(m.last_node) ? h.node.len : 0;
	if (m.last_node_len)
		memcpy(m.last_node, h.node.p, m.last_node_len);
	if (h.type == AUDIT_EOE) {
		m.eoes++;
		m.ids[id] = ID_NONE; /* an EOE is never delivered */
		CHECK(!find_open(&m.cur_key, NULL));
	} else if (!m.cur_delivered) {
		m.ids[id] = ID_PENDING;
		struct mev *e = find_open(&m.cur_key, NULL);
		if (e) {
			CHECK(e->nids < EVENT_MAX_RECORDS);
			e->tentative = false; /* a companion */
		} else {
			CHECK(!reasm_type_is_standalone(h.type));
			if (m.nopen == m.capopen) {
				m.capopen = m.capopen ? 2 * m.capopen : 16;
				m.open = realloc(m.open, m.capopen * sizeof(*m.open));
				CHECK(m.open);
			}
			e = &m.open[m.nopen++];
			*e = (struct mev){.k = m.cur_key, .created = m.now};
			if (reasm_type_is_tentative(h.type)) {
				e->tentative = true;
				e->tentative_at = m.nrecords;
			}
		}
		add_id(e, id);
	}
	/* lone user records are kept for 256 records at most */
	for (size_t i = 0; i < m.nopen; i++)
		if (m.open[i].tentative)
			CHECK(m.nrecords - m.open[i].tentative_at <= REASM_TENTATIVE_RECORDS);
	check_queue();
}

/* The node part of a line: none, fixed names, "node= " (empty: no node), or
 * one of 512 (more than the queue numbers). */
static void node_part(struct in *in, uint8_t kb, char *out, size_t room)
{
	switch (kb & 7) {
	case 1: case 2: snprintf(out, room, "node=a "); break;
	case 3: snprintf(out, room, "node=host-b.example "); break;
	case 4: snprintf(out, room, "node= "); break;
	case 5: snprintf(out, room, "node=n%u ", byte(in) + 256u * (kb >> 7)); break;
	case 6: snprintf(out, room, "node=c "); break;
	default: out[0] = '\0'; break;
	}
}

static size_t header(char *out, size_t room, const char *node, int type, uint32_t serial,
		     uint8_t kb)
{
	/* time stamp: mostly a function of the serial, as a real event's */
	uint64_t sec = 1700000000u + serial / 1000;
	uint32_t msec = serial % 1000;
	switch ((kb >> 3) & 15) {
	case 12: sec++; break;
	case 13: sec = 0; msec = 0; break;
	case 14: sec = UINT64_MAX / 10; msec = 999; break;
	case 15: msec = (msec + 1) % 1000; break;
	default: break;
	}
	int n = snprintf(out, room, "%stype=%s msg=audit(%llu.%03u:%u): %s", node,
			 types[type].name, (unsigned long long)sec, msec, serial, types[type].body);
	CHECK(n > 0 && (size_t)n < room);
	return (size_t)n;
}

static uint32_t pick_serial(uint8_t s)
{
	uint32_t small = s & 15;
	switch (s >> 4) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		return m.cur_serial + small - 8; /* near: duplicates, out of order */
	case 6: case 7: case 8:
		return ++m.cur_serial;
	case 9:
		return m.last_serial;
	case 10:
		return 0;
	case 11:
		return m.cur_serial = 0xfffffff8u + small; /* ++ wraps soon */
	case 12:
		return m.cur_serial += (1u << 24) + small; /* a counter reset */
	case 13:
		return m.cur_serial -= 4096 + small; /* behind the window */
	case 14:
		return m.cur_serial += 4096 + small; /* a gap past the window */
	default:
		return small;
	}
}

static char linebuf[16384];

static void op_push(struct in *in, bool serial32)
{
	uint8_t tb = byte(in);
	uint32_t serial = serial32 ? u32(in) : pick_serial(byte(in));
	uint8_t kb = byte(in);
	int type = tb % NTYPES;
	char node[32];
	node_part(in, kb, node, sizeof(node));
	size_t len = header(linebuf, sizeof(linebuf) - 64, node, type, serial, kb);
	const char *enr = enriched_tab[(tb / NTYPES) % 4];
	size_t el = strlen(enr);
	memcpy(linebuf + len, enr, el);
	push(linebuf, len + el, sizeof(linebuf));
}

/* the EOE of the last record accepted */
static void op_eoe(void)
{
	int n = snprintf(linebuf, sizeof(linebuf) - 64, "%s%.*s%stype=EOE msg=audit(%llu.%03u:%u): ",
			 m.last_node_len ? "node=" : "", (int)m.last_node_len, m.last_node,
			 m.last_node_len ? " " : "", (unsigned long long)m.last_sec, m.last_msec,
			 m.last_serial);
	CHECK(n > 0 && (size_t)n < sizeof(linebuf) - 64);
	push(linebuf, (size_t)n, sizeof(linebuf));
}

static void op_burst(struct in *in)
{
	/* mostly short; the long ones (past the 4096 cut) are slow */
	uint8_t nb = byte(in);
	size_t n = nb < 240 ? 1 + nb : 4000 + (size_t)(nb - 240) * 16;
	uint8_t tb = byte(in);
	uint32_t serial = pick_serial(byte(in));
	uint8_t kb = byte(in);
	char node[32];
	node_part(in, kb, node, sizeof(node));
	for (size_t i = 0; i < n && m.pushes < MAX_PUSHES; i++) {
		/* mostly one type; every 64th record the next type in the table */
		int type = (tb + (i % 64 == 63)) % NTYPES;
		size_t len = header(linebuf, sizeof(linebuf) - 64, node, type, serial, kb);
		push(linebuf, len, sizeof(linebuf));
	}
}

static void op_raw(struct in *in)
{
	size_t n = byte(in);
	n |= (size_t)byte(in) << 8;
	n &= 8191;
	if (n > (size_t)(in->end - in->p))
		n = (size_t)(in->end - in->p);
	const uint8_t *nl = memchr(in->p, '\n', n); /* the daemon's lines never hold one */
	size_t len = nl ? (size_t)(nl - in->p) : n;
	memcpy(linebuf, in->p, len);
	in->p += n;
	push(linebuf, len, sizeof(linebuf));
}

static void op_bad(struct in *in)
{
	uint8_t b = byte(in);
	size_t len;
	if (b & 0x80) {
		/* a record line cut short (some cuts still parse) */
		int type = byte(in) % NTYPES;
		uint32_t serial = pick_serial(byte(in));
		uint8_t kb = byte(in);
		char node[32];
		node_part(in, kb, node, sizeof(node));
		len = header(linebuf, sizeof(linebuf) - 64, node, type, serial, kb);
		size_t cut = byte(in);
		if (cut < len)
			len = cut;
	} else {
		const char *s = bad_tab[b % NBAD];
		len = strlen(s);
		memcpy(linebuf, s, len);
	}
	push(linebuf, len, sizeof(linebuf));
}

static void run_op(enum op op, struct in *in)
{
	switch (op) {
	case OP_PUSH: case OP_PUSH2: case OP_PUSH3: case OP_PUSH4:
		op_push(in, false);
		break;
	case OP_SERIAL32:
		op_push(in, true);
		break;
	case OP_EOE: case OP_EOE2:
		op_eoe();
		break;
	case OP_BURST:
		op_burst(in);
		break;
	case OP_RAW:
		op_raw(in);
		break;
	case OP_BAD:
		op_bad(in);
		break;
	case OP_CLOCK:
		m.now += step_tab[byte(in) % 8];
		break;
	case OP_EXPIRE:
		m.op = OP_EXPIRE;
		reasm_expire(m.r, m.now);
		if (m.nopen)
			CHECK(m.open[0].created + m.timeout > m.now);
		check_queue();
		break;
	case OP_IDLE:
		m.op = OP_IDLE;
		reasm_idle(m.r);
		CHECK(!oldest_tentative());
		check_queue();
		break;
	case OP_FLUSH:
		m.op = OP_FLUSH;
		reasm_flush(m.r);
		CHECK(m.nopen == 0);
		check_queue();
		break;
	case OP_LIMITS: {
		uint8_t b = byte(in);
		size_t mi = inflight_tab[b & 7];
		m.op = OP_LIMITS;
		m.max_inflight = mi ? mi : 1;
		m.timeout = timeout_tab[(b >> 3) & 7];
		reasm_set_limits(m.r, mi, m.timeout);
		check_queue();
		break;
	}
	default:
		CHECK(0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];

	if (!nt) {
		nt = normtab_load(NULL, err, sizeof(err));
		ew = ecs_writer_new();
		CHECK(nt && ew);
		check_type_table();
	}
	struct in in = {data, data + size};
	struct stats before = stats;
	memset(&m, 0, sizeof(m));
	m.nnodes = 1;
	m.cur_serial = 1000;
	m.last_serial = 1000;
	uint8_t b0 = byte(&in), b1 = byte(&in);
	size_t mi = inflight_tab[b0 & 7];
	m.max_inflight = mi ? mi : 1;
	m.timeout = timeout_tab[b1 & 7];
	m.documents = b1 & 0x80;
	m.r = reasm_new(mi, m.timeout, sink, &m);
	CHECK(m.r);
	check_queue();

	while (in.p < in.end && m.pushes < MAX_PUSHES)
		run_op((enum op)(byte(&in) % OP_COUNT), &in);

	m.op = OP_FLUSH;
	reasm_flush(m.r);
	CHECK(m.nopen == 0);
	check_queue();

	/* every accepted record but the EOEs was delivered, once */
	uint64_t delivered = 0;
	for (size_t i = 0; i < m.nids; i++) {
		CHECK(m.ids[i] != ID_CURRENT && m.ids[i] != ID_PENDING);
		delivered += m.ids[i] == ID_DELIVERED;
	}
	CHECK(delivered == m.accepted - m.eoes && delivered == m.delivered_recs);

	/* the counters agree */
	CHECK(stats.records_in - before.records_in == m.accepted);
	CHECK(stats.lines_bad - before.lines_bad == m.refused);
	CHECK(stats.events_failed == before.events_failed);
	CHECK(stats.done_eoe - before.done_eoe == m.done[EVENT_DONE_EOE]);
	CHECK(stats.done_standalone - before.done_standalone == m.done[EVENT_DONE_STANDALONE]);
	CHECK(stats.done_timeout - before.done_timeout == m.done[EVENT_DONE_TIMEOUT]);
	CHECK(stats.done_capacity - before.done_capacity == m.done[EVENT_DONE_CAPACITY]);
	CHECK(stats.done_flush - before.done_flush == m.done[EVENT_DONE_FLUSH]);
	CHECK(m.eoes + m.late_events == m.done[EVENT_DONE_EOE] +
					   (stats.orphan_eoe - before.orphan_eoe) +
					   (stats.late_records - before.late_records));

	reasm_free(m.r);
	for (size_t i = 1; i < m.nnodes; i++)
		free(m.nodes[i]);
	free(m.open);
	free(m.ids);
	return 0;
}
