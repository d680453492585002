/* utf8.h: the UTF-8 validator of the tests (the checking tools, the unit
 * tests and the fuzzers). Their own, independent of the daemon's code: they
 * check what the daemon writes, so they must not share its idea of valid
 * UTF-8. Valid: no overlong forms, no surrogates (U+D800..U+DFFF), nothing
 * above U+10FFFF, no truncated sequence. */
#ifndef AUDISP_ECS_TESTS_UTF8_H
#define AUDISP_ECS_TESTS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* The length of the valid sequence that starts s[0..n), or 0 if none does:
 * decode, then judge the code point. */
static inline size_t utf8_seq_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	uint32_t cp, min;

	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0) {
		len = 2, cp = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, cp = c & 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, cp = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* Returns the offset of the first byte that is not part of valid UTF-8, or
 * len when all of it is valid. */
static inline size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		size_t k = utf8_seq_len(s + i, len - i);
		if (!k)
			return i;
		i += k;
	}
	return len;
}

#endif
