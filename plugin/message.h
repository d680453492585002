/* message: the one-line human sentence of an event, as `ausearch --format
 * text` writes it:
 *   At 09:17:38 alice, acting as root, successfully opened-file /etc/shadow
 *   using /usr/bin/cat
 * The time is the event's, UTC. The document carries it as `message`; the
 * journal output uses it as MESSAGE. */
#ifndef AUDISP_ECS_MESSAGE_H
#define AUDISP_ECS_MESSAGE_H

#include "summary.h"
#include "view.h"

/* The sentence, in the view's arena (valid until the next event). outcome:
 * 1 success, 0 failure, -1 unknown; when: the event's time of day, "HH:MM:SS"
 * (the caller has it formatted already). */
struct strv message_text(struct view *v, const struct summary *s, int outcome, const char *when);

#endif
