/* privs: see privs.h. Raw capget/capset/prctl (three system calls and a
 * loop) rather than libcap-ng: no extra library for the daemon and its
 * packages, and every step is visible here. */
#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

struct capsets {
	uint64_t eff, prm, inh;
};

static int get_caps(struct capsets *c)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	c->eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	c->prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	c->inh = (uint64_t)d[1].inheritable << 32 | d[0].inheritable;
	return 0;
}

static int clear_caps(void)
{
	struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	memset(d, 0, sizeof(d));
	return (int)syscall(SYS_capset, &h, d);
}

/* The bounding set: every capability the kernel knows (it says EINVAL past
 * the last one, whatever this header's CAP_LAST_CAP). */
static uint64_t bounding_set(void)
{
	uint64_t b = 0;
	for (int cap = 0; cap < 64; cap++) {
		int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		if (r < 0)
			break;
		if (r)
			b |= 1ULL << cap;
	}
	return b;
}

/* The user switch, verified. */
static int switch_user(const struct privs_target *t, char *err, size_t errlen)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg, groups[2];

	if (setgroups(1, &t->gid) < 0) {
		snprintf(err, errlen, "user %s: setgroups(%lu): %s", t->user,
			 (unsigned long)t->gid, strerror(errno));
		return -1;
	}
	if (setgid(t->gid) < 0) {
		snprintf(err, errlen, "user %s: setgid(%lu): %s", t->user, (unsigned long)t->gid,
			 strerror(errno));
		return -1;
	}
	if (setuid(t->uid) < 0) {
		snprintf(err, errlen, "user %s: setuid(%lu): %s", t->user, (unsigned long)t->uid,
			 strerror(errno));
		return -1;
	}
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0 || ru != t->uid ||
	    eu != t->uid || su != t->uid || rg != t->gid || eg != t->gid || sg != t->gid ||
	    getgroups(2, groups) != 1 || groups[0] != t->gid) {
		snprintf(err, errlen, "user %s: the switch to uid %lu gid %lu did not hold", t->user,
			 (unsigned long)t->uid, (unsigned long)t->gid);
		return -1;
	}
	if (t->uid != 0 && setuid(0) == 0) {
		snprintf(err, errlen, "user %s: uid 0 could be taken back after the switch",
			 t->user);
		return -1;
	}
	return 0;
}

/* Already running as the target user and group. */
static bool already(const struct privs_target *t)
{
	uid_t ru, eu, su;
	return getresuid(&ru, &eu, &su) == 0 && ru == t->uid && eu == t->uid && su == t->uid &&
	       getgid() == t->gid && getegid() == t->gid;
}

int privs_check(const struct privs_target *t, char *err, size_t errlen)
{
	struct capsets c;
	uint64_t need = 1ULL << CAP_SETUID | 1ULL << CAP_SETGID | 1ULL << CAP_CHOWN;

	if (!t || !t->switch_user || already(t))
		return 0;
	if (get_caps(&c) < 0) {
		snprintf(err, errlen, "capget: %s", strerror(errno));
		return -1;
	}
	if ((c.eff & need) != need) {
		/* not even tried: under a unit with SystemCallFilter=~@privileged
		 * setgroups() would be fatal (SIGSYS) */
		snprintf(err, errlen,
			 "user %s: switching needs CAP_SETUID, CAP_SETGID and CAP_CHOWN, which "
			 "this process does not have (start it as root; under systemd, use "
			 "User= instead)",
			 t->user);
		return -1;
	}
	return 0;
}

int privs_drop(const struct privs_target *t, char *msg, size_t msglen, char *err, size_t errlen)
{
	struct capsets before, after;
	uint64_t bnd_before, bnd_after;
	const char *bnd_note = "";

	if (get_caps(&before) < 0) {
		snprintf(err, errlen, "capget: %s", strerror(errno));
		return -1;
	}
	bnd_before = bounding_set();
	/* the bounding set first: emptying it needs CAP_SETPCAP, which goes
	 * with the rest below */
	if (bnd_before) {
		if (before.eff & (1ULL << CAP_SETPCAP)) {
			for (int cap = 0; cap < 64; cap++) {
				if (!(bnd_before & (1ULL << cap)))
					continue;
				if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
					snprintf(err, errlen, "dropping capability %d from the "
							      "bounding set: %s",
						 cap, strerror(errno));
					return -1;
				}
			}
		} else {
			/* not ours to change (started without CAP_SETPCAP);
			 * no_new_privs below keeps execve from using it */
			bnd_note = " (bounding set left: no CAP_SETPCAP)";
		}
	}
	/* cleared by the kernel on a switch from uid 0 too; not everywhere known */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
		snprintf(err, errlen, "clearing the ambient capabilities: %s", strerror(errno));
		return -1;
	}
	if (t && t->switch_user && !already(t)) {
		if (privs_check(t, err, errlen) < 0)
			return -1;
		if (switch_user(t, err, errlen) < 0)
			return -1;
	}
	/* only when there is something to clear: a unit that starts the daemon
	 * without capabilities may also forbid capset() (@privileged) */
	if ((before.eff || before.prm || before.inh) && clear_caps() < 0) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -1;
	}
	/* it holds */
	bnd_after = bounding_set();
	if (get_caps(&after) < 0 || after.eff || after.prm || after.inh ||
	    prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1 ||
	    (before.eff & (1ULL << CAP_SETPCAP) && bnd_after)) {
		snprintf(err, errlen, "capabilities still held after dropping them");
		return -1;
	}

	char who[128];
	if (t && t->switch_user)
		snprintf(who, sizeof(who), "user %s (uid %lu, gid %lu)", t->user,
			 (unsigned long)t->uid, (unsigned long)t->gid);
	else
		snprintf(who, sizeof(who), "uid %lu", (unsigned long)geteuid());
	snprintf(msg, msglen,
		 "privileges dropped: capabilities effective %#llx, permitted %#llx, "
		 "inheritable %#llx, bounding %#llx -> none%s; no_new_privs set; running as %s",
		 (unsigned long long)before.eff, (unsigned long long)before.prm,
		 (unsigned long long)before.inh, (unsigned long long)bnd_before, bnd_note, who);
	return 0;
}
