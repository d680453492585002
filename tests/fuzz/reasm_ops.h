/* The operations of fuzz_reassembly's input (see fuzz_reassembly.c), shared
 * with mkseeds, which writes seeds in this encoding. An opcode byte is taken
 * modulo OP_COUNT; its operands follow. */
#ifndef AUDISP_ECS_FUZZ_REASM_OPS_H
#define AUDISP_ECS_FUZZ_REASM_OPS_H

enum op {
	OP_PUSH,     /* type byte, serial byte, key byte [, node byte] */
	OP_PUSH2,    /* the same */
	OP_PUSH3,    /* the same */
	OP_PUSH4,    /* the same */
	OP_EOE,      /* none: the EOE of the last record accepted */
	OP_EOE2,     /* the same */
	OP_CLOCK,    /* step byte */
	OP_EXPIRE,   /* none */
	OP_IDLE,     /* none */
	OP_FLUSH,    /* none */
	OP_LIMITS,   /* byte: max_inflight (bits 0-2), timeout (bits 3-5) */
	OP_BURST,    /* count byte, type byte, serial byte, key byte [, node byte] */
	OP_RAW,      /* length (2 bytes, little endian, at most 8191), the line */
	OP_BAD,      /* byte [, type, serial, key [, node], cut when bit 7 is set] */
	OP_SERIAL32, /* type byte, serial (4 bytes, big endian), key byte [, node byte] */
	OP_COUNT
};

/* serial bytes (the high nibble picks, the low one is "small") */
#define SER_NEAR(d) (0x08 + (d)) /* the current serial + d, d in -8..7 */
#define SER_NEXT 0x60            /* ++current */
#define SER_LAST 0x90            /* the last record's serial */
#define SER_ZERO 0xa0
#define SER_WRAP 0xb8            /* current = 2^32 - 8: the next ones wrap */
#define SER_RESET 0xc0           /* current += 2^24: a counter reset */
#define SER_BACK 0xd0            /* current -= 4096: behind the window */
#define SER_GAP 0xe0             /* current += 4096: a gap past the window */

/* key bytes: bits 0-2 the node (0 none, 1-2 "a", 3 "host-b.example",
 * 4 "node= ", 5 "n<next byte + 256 * bit 7>", 6 "c"), bits 3-6 the time
 * stamp (12: second + 1, 13: 0.000, 14: the largest, 15: ms + 1, else a
 * function of the serial) */
#define KEY_PLAIN 0x00
#define KEY_NODE_A 0x01

/* type bytes: indexes into fuzz_reassembly's table (checked there); + 32
 * adds an ENRICHED part */
#define T_SYSCALL 0
#define T_EXECVE 1
#define T_PATH 2
#define T_CWD 3
#define T_PROCTITLE 4
#define T_EOE 5
#define T_USER_START 7
#define T_USER_LOGIN 9
#define T_LOGIN 12
#define T_DAEMON_START 13
#define T_KERNEL 16
#define T_ANOM_ABEND 17
#define T_AVC 18
#define T_NTYPES 32

#endif
