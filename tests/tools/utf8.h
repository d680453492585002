/* utf8.h: the UTF-8 validator of the test tools (ecs-check, ecs-conform).
 * Their own, independent of the daemon's code: these tools check what the
 * daemon writes, so they must not share its idea of valid UTF-8. */
#ifndef AUDISP_ECS_TESTS_UTF8_H
#define AUDISP_ECS_TESTS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Returns the offset of the first byte that is not part of valid UTF-8, or
 * len when all of it is valid. Valid: no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence. */
static inline size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return i;
		}
		if (len - i - 1 < n)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

#endif
