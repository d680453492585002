/* The journal output: placeholder until implemented. */
#include <stdio.h>

#include "output.h"

struct output *output_journal_open(const struct config *c, char *err, size_t errlen)
{
	(void)c;
	snprintf(err, errlen, "output journal is not available in this version");
	return NULL;
}
