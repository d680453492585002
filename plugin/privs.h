/* privs: least privilege, once the daemon has opened what it needs.
 *
 * auditd starts its plugins as root with every capability. Once the inputs
 * and outputs are open, the daemon needs none of them: everything it does
 * later (reopening and rotating its files in a root-owned directory,
 * reconnecting to syslog, the journal or auditd's root-owned 0640 socket,
 * reading the configuration again, NSS lookups) is plain file access by
 * uid 0, the owner of all of those. So privs_drop() keeps no capability:
 *   - the bounding set is emptied (when the process may: CAP_SETPCAP), so
 *     nothing executed later could get any back, not even from uid 0;
 *   - the ambient set is cleared;
 *   - with `user = NAME`, the process switches to that user and its primary
 *     group (setgroups, setgid, setuid, in that order) and checks that the
 *     switch holds (real, effective and saved ids, and setuid(0) fails);
 *   - the effective, permitted and inheritable sets are emptied (capset);
 *   - PR_SET_NO_NEW_PRIVS: no execve can ever add a privilege.
 * All of it is checked afterwards (capget, PR_GET_NO_NEW_PRIVS). */
#ifndef AUDISP_ECS_PRIVS_H
#define AUDISP_ECS_PRIVS_H

#include <stddef.h>
#include <stdbool.h>
#include <sys/types.h>

struct privs_target {
	bool switch_user; /* user = NAME was given */
	const char *user; /* its name, for messages */
	uid_t uid;
	gid_t gid;
};

/* Whether the switch to t's user can be made (0), or -1 with the reason in
 * err: before anything is changed for it (the output files' owner). */
int privs_check(const struct privs_target *t, char *err, size_t errlen);

/* Drops every capability (and switches user when asked). On success returns
 * 0 and puts a one-line account of what was dropped into msg (to log once);
 * on failure -1 with the reason in err (the caller must not go on: a
 * configured user that could not be taken must not leave the daemon root). */
int privs_drop(const struct privs_target *t, char *msg, size_t msglen, char *err, size_t errlen);

#endif
