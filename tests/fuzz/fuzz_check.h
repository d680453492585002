/* CHECK for the libFuzzer harnesses: a failed property aborts, so libFuzzer
 * keeps the input as a reproducer. */
#ifndef AUDISP_ECS_FUZZ_CHECK_H
#define AUDISP_ECS_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                     \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                 \
			abort();                                                        \
		}                                                                       \
	} while (0)

#endif
