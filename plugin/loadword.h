/* loadword: unaligned little loads, and the first bytes of a short string
 * as one word without reading past its end (overlapping loads). For the
 * hot loops that compare or check a few bytes at a time (jsonw, view). */
#ifndef AUDISP_ECS_LOADWORD_H
#define AUDISP_ECS_LOADWORD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t load64(const void *s)
{
	uint64_t x;
	memcpy(&x, s, 8);
	return x;
}

static inline uint32_t load32(const void *s)
{
	uint32_t x;
	memcpy(&x, s, 4);
	return x;
}

static inline uint16_t load16(const void *s)
{
	uint16_t x;
	memcpy(&x, s, 2);
	return x;
}

/* The first min(n, 8) bytes at s as a little-endian word, zero above them,
 * never reading s[n] or beyond. */
static inline uint64_t load_upto8(const void *p, size_t n)
{
	const unsigned char *s = p;
	if (n >= 8)
		return load64(s);
	if (n >= 4)
		return load32(s) | (uint64_t)load32(s + n - 4) << (8 * (n - 4));
	if (n >= 2)
		return load16(s) | (uint64_t)load16(s + n - 2) << (8 * (n - 2));
	return n ? s[0] : 0;
}

/* memcpy(d, s, n) for n <= 16, inline: two overlapping loads and stores */
static inline void copy_upto16(void *d, const void *s, size_t n)
{
	unsigned char *o = d;
	const unsigned char *i = s;
	if (n >= 8) {
		uint64_t a = load64(i), b = load64(i + n - 8);
		memcpy(o, &a, 8);
		memcpy(o + n - 8, &b, 8);
	} else if (n >= 4) {
		uint32_t a = load32(i), b = load32(i + n - 4);
		memcpy(o, &a, 4);
		memcpy(o + n - 4, &b, 4);
	} else if (n) {
		o[0] = i[0];
		o[n / 2] = i[n / 2];
		o[n - 1] = i[n - 1];
	}
}

/* The first min(n, 8) bytes of a word, by n (n < 64). */
static const uint64_t load_mask[64] = {
	0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff, 0xffffffffffff, 0xffffffffffffff,
	[8 ... 63] = UINT64_MAX,
};

/* Where whole words may be loaded: p with p - lo < n has 8 readable bytes
 * (readable_of() a buffer: all but its last 7 bytes). */
struct readable {
	uintptr_t lo;
	size_t n;
};

static inline struct readable readable_of(const void *buf, size_t len)
{
	return (struct readable){(uintptr_t)buf, len >= 8 ? len - 7 : 0};
}

/* load_upto8(p, n) for n < 64, as one load and a mask where r allows. */
static inline uint64_t load_upto8_in(const void *p, size_t n, struct readable r)
{
	return (uintptr_t)p - r.lo < r.n ? load64(p) & load_mask[n] : load_upto8(p, n);
}

/* n and the n bytes at k folded into a word, 8 bytes per step. Up to 8
 * bytes (xor, then an odd multiplier) different (n, k) give different
 * results, so an equal one means an equal key without a compare. */
static inline uint64_t load_hash(const void *p, size_t n)
{
	const unsigned char *k = p;
	uint64_t h = n;
	size_t at = 0;
	for (; at + 8 <= n; at += 8)
		h = (h ^ load64(k + at)) * 0x9e3779b97f4a7c15ULL;
	return (h ^ load_upto8(k + at, n - at)) * 0x9e3779b97f4a7c15ULL;
}

#endif
