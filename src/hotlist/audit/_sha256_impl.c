/* SHA-256 (FIPS 180-4) for the audit log's hashing kernel (_hashkernel.pyx).
 *
 * Written for hotlist; released under the project's licence and, at your option,
 * into the public domain (CC0-1.0).  The SHA-NI path follows the instruction
 * sequence Intel documents for the SHA extensions ("Intel SHA Extensions", 2013).
 *
 * Two block functions with one signature: a portable C one, and one that uses
 * the x86 SHA extensions (SHA-NI), chosen at run time by CPUID, so the build
 * needs no -march flag and runs on any x86-64 (or other) CPU.  Tested against
 * hashlib, both paths (tests/audit/test_kernel.py).
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef void (*hl_blocks_fn)(uint32_t state[8], const uint8_t *data, size_t blocks);

static const uint32_t HL_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t HL_H0[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

#define HL_ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void hl_blocks_portable(uint32_t state[8], const uint8_t *data, size_t blocks)
{
    uint32_t w[64];
    while (blocks--) {
        for (int i = 0; i < 16; i++) {
            w[i] = ((uint32_t)data[4 * i] << 24) | ((uint32_t)data[4 * i + 1] << 16) |
                   ((uint32_t)data[4 * i + 2] << 8) | (uint32_t)data[4 * i + 3];
        }
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = HL_ROR(w[i - 15], 7) ^ HL_ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = HL_ROR(w[i - 2], 17) ^ HL_ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int i = 0; i < 64; i++) {
            uint32_t t1 = h + (HL_ROR(e, 6) ^ HL_ROR(e, 11) ^ HL_ROR(e, 25)) + ((e & f) ^ (~e & g)) +
                          HL_K[i] + w[i];
            uint32_t t2 = (HL_ROR(a, 2) ^ HL_ROR(a, 13) ^ HL_ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
        data += 64;
    }
}

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#define HL_HAVE_SHANI 1
#include <cpuid.h>
#include <immintrin.h>

__attribute__((target("sha,sse4.1,ssse3"))) static void
hl_blocks_shani(uint32_t state[8], const uint8_t *data, size_t blocks)
{
    const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i tmp = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i s1 = _mm_loadu_si128((const __m128i *)&state[4]);
    tmp = _mm_shuffle_epi32(tmp, 0xB1);      /* CDAB */
    s1 = _mm_shuffle_epi32(s1, 0x1B);        /* EFGH */
    __m128i s0 = _mm_alignr_epi8(tmp, s1, 8); /* ABEF */
    s1 = _mm_blend_epi16(s1, tmp, 0xF0);     /* CDGH */
    while (blocks--) {
        const __m128i abef = s0, cdgh = s1;
        __m128i x0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 0)), mask);
        __m128i x1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16)), mask);
        __m128i x2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 32)), mask);
        __m128i x3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 48)), mask);
        __m128i msg;
#define HL_ROUNDS4(x, k)                                                          \
    msg = _mm_add_epi32((x), _mm_loadu_si128((const __m128i *)&HL_K[4 * (k)])); \
    s1 = _mm_sha256rnds2_epu32(s1, s0, msg);                                      \
    msg = _mm_shuffle_epi32(msg, 0x0E);                                           \
    s0 = _mm_sha256rnds2_epu32(s0, s1, msg)
/* the next 4 schedule words from the 16 before: a = W[t-16..], b, c, d = W[t-4..t-1] */
#define HL_SCHEDULE(a, b, c, d) \
    (a) = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32((a), (b)), _mm_alignr_epi8((d), (c), 4)), (d))
        HL_ROUNDS4(x0, 0);
        HL_ROUNDS4(x1, 1);
        HL_ROUNDS4(x2, 2);
        HL_ROUNDS4(x3, 3);
        for (int k = 4; k < 16; k += 4) {
            HL_SCHEDULE(x0, x1, x2, x3);
            HL_ROUNDS4(x0, k);
            HL_SCHEDULE(x1, x2, x3, x0);
            HL_ROUNDS4(x1, k + 1);
            HL_SCHEDULE(x2, x3, x0, x1);
            HL_ROUNDS4(x2, k + 2);
            HL_SCHEDULE(x3, x0, x1, x2);
            HL_ROUNDS4(x3, k + 3);
        }
#undef HL_ROUNDS4
#undef HL_SCHEDULE
        s0 = _mm_add_epi32(s0, abef);
        s1 = _mm_add_epi32(s1, cdgh);
        data += 64;
    }
    tmp = _mm_shuffle_epi32(s0, 0x1B);      /* FEBA */
    s1 = _mm_shuffle_epi32(s1, 0xB1);       /* DCHG */
    s0 = _mm_blend_epi16(tmp, s1, 0xF0);    /* DCBA */
    s1 = _mm_alignr_epi8(s1, tmp, 8);       /* HGFE */
    _mm_storeu_si128((__m128i *)&state[0], s0);
    _mm_storeu_si128((__m128i *)&state[4], s1);
}

/* One block of each of two independent hashes, interleaved: SHA-NI's round
 * instruction has a latency of several cycles and can start a new round every
 * cycle or two, so two chains run in about the time of one. */
__attribute__((target("sha,sse4.1,ssse3"))) static void
hl_block2_shani(uint32_t sa[8], const uint8_t *da, uint32_t sb[8], const uint8_t *db)
{
    const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i ta = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&sa[0]), 0xB1);
    __m128i tb = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&sb[0]), 0xB1);
    __m128i a1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&sa[4]), 0x1B);
    __m128i b1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&sb[4]), 0x1B);
    __m128i a0 = _mm_alignr_epi8(ta, a1, 8);
    __m128i b0 = _mm_alignr_epi8(tb, b1, 8);
    a1 = _mm_blend_epi16(a1, ta, 0xF0);
    b1 = _mm_blend_epi16(b1, tb, 0xF0);
    const __m128i abef_a = a0, cdgh_a = a1, abef_b = b0, cdgh_b = b1;
    __m128i xa0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(da + 0)), mask);
    __m128i xa1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(da + 16)), mask);
    __m128i xa2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(da + 32)), mask);
    __m128i xa3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(da + 48)), mask);
    __m128i xb0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(db + 0)), mask);
    __m128i xb1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(db + 16)), mask);
    __m128i xb2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(db + 32)), mask);
    __m128i xb3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(db + 48)), mask);
    __m128i ma, mb;
#define HL_ROUNDS4X2(xa, xb, k)                                                       \
    do {                                                                              \
        const __m128i kk = _mm_loadu_si128((const __m128i *)&HL_K[4 * (k)]);          \
        ma = _mm_add_epi32((xa), kk);                                                 \
        mb = _mm_add_epi32((xb), kk);                                                 \
        a1 = _mm_sha256rnds2_epu32(a1, a0, ma);                                       \
        b1 = _mm_sha256rnds2_epu32(b1, b0, mb);                                       \
        ma = _mm_shuffle_epi32(ma, 0x0E);                                             \
        mb = _mm_shuffle_epi32(mb, 0x0E);                                             \
        a0 = _mm_sha256rnds2_epu32(a0, a1, ma);                                       \
        b0 = _mm_sha256rnds2_epu32(b0, b1, mb);                                       \
    } while (0)
#define HL_SCHEDULE(a, b, c, d) \
    (a) = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32((a), (b)), _mm_alignr_epi8((d), (c), 4)), (d))
    HL_ROUNDS4X2(xa0, xb0, 0);
    HL_ROUNDS4X2(xa1, xb1, 1);
    HL_ROUNDS4X2(xa2, xb2, 2);
    HL_ROUNDS4X2(xa3, xb3, 3);
    for (int k = 4; k < 16; k += 4) {
        HL_SCHEDULE(xa0, xa1, xa2, xa3);
        HL_SCHEDULE(xb0, xb1, xb2, xb3);
        HL_ROUNDS4X2(xa0, xb0, k);
        HL_SCHEDULE(xa1, xa2, xa3, xa0);
        HL_SCHEDULE(xb1, xb2, xb3, xb0);
        HL_ROUNDS4X2(xa1, xb1, k + 1);
        HL_SCHEDULE(xa2, xa3, xa0, xa1);
        HL_SCHEDULE(xb2, xb3, xb0, xb1);
        HL_ROUNDS4X2(xa2, xb2, k + 2);
        HL_SCHEDULE(xa3, xa0, xa1, xa2);
        HL_SCHEDULE(xb3, xb0, xb1, xb2);
        HL_ROUNDS4X2(xa3, xb3, k + 3);
    }
#undef HL_ROUNDS4X2
#undef HL_SCHEDULE
    a0 = _mm_add_epi32(a0, abef_a);
    a1 = _mm_add_epi32(a1, cdgh_a);
    b0 = _mm_add_epi32(b0, abef_b);
    b1 = _mm_add_epi32(b1, cdgh_b);
    ta = _mm_shuffle_epi32(a0, 0x1B);
    tb = _mm_shuffle_epi32(b0, 0x1B);
    a1 = _mm_shuffle_epi32(a1, 0xB1);
    b1 = _mm_shuffle_epi32(b1, 0xB1);
    _mm_storeu_si128((__m128i *)&sa[0], _mm_blend_epi16(ta, a1, 0xF0));
    _mm_storeu_si128((__m128i *)&sa[4], _mm_alignr_epi8(a1, ta, 8));
    _mm_storeu_si128((__m128i *)&sb[0], _mm_blend_epi16(tb, b1, 0xF0));
    _mm_storeu_si128((__m128i *)&sb[4], _mm_alignr_epi8(b1, tb, 8));
}

static int hl_cpu_has_shani(void)
{
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    if (!(c & (1u << 19)) || !(c & (1u << 9))) /* SSE4.1, SSSE3 */
        return 0;
    if (__get_cpuid_max(0, NULL) < 7)
        return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b >> 29) & 1u; /* SHA */
}
#else
#define HL_HAVE_SHANI 0
static int hl_cpu_has_shani(void) { return 0; }
#endif

typedef void (*hl_block2_fn)(uint32_t sa[8], const uint8_t *da, uint32_t sb[8], const uint8_t *db);

static void hl_block2_portable(uint32_t sa[8], const uint8_t *da, uint32_t sb[8], const uint8_t *db)
{
    hl_blocks_portable(sa, da, 1);
    hl_blocks_portable(sb, db, 1);
}

static hl_blocks_fn hl_blocks = hl_blocks_portable;
static hl_block2_fn hl_block2 = hl_block2_portable;

/* Select the block function: 1 = SHA-NI when the CPU has it, 0 = portable.
 * Returns whether SHA-NI is now used. */
/* Each byte's two lowercase hex characters (filled by hl_sha256_select, at import). */
static char HL_HEX2[512];

static int hl_sha256_select(int want_shani)
{
    static const char digits[] = "0123456789abcdef";
    for (int b = 0; b < 256; b++) {
        HL_HEX2[2 * b] = digits[b >> 4];
        HL_HEX2[2 * b + 1] = digits[b & 15];
    }
#if HL_HAVE_SHANI
    if (want_shani && hl_cpu_has_shani()) {
        hl_blocks = hl_blocks_shani;
        hl_block2 = hl_block2_shani;
        return 1;
    }
#endif
    (void)want_shani;
    hl_blocks = hl_blocks_portable;
    hl_block2 = hl_block2_portable;
    return 0;
}

/* A running hash: the state after `total` bytes, of which `used` wait in `buf`. */
typedef struct {
    uint32_t state[8];
    uint64_t total;
    uint8_t buf[64];
    size_t used;
} hl_sha256_ctx;

static void hl_sha256_init(hl_sha256_ctx *ctx)
{
    memcpy(ctx->state, HL_H0, sizeof HL_H0);
    ctx->total = 0;
    ctx->used = 0;
}

static void hl_sha256_update(hl_sha256_ctx *ctx, const uint8_t *data, size_t len)
{
    ctx->total += len;
    if (ctx->used) {
        size_t take = 64 - ctx->used;
        if (take > len)
            take = len;
        memcpy(ctx->buf + ctx->used, data, take);
        ctx->used += take;
        data += take;
        len -= take;
        if (ctx->used < 64)
            return;
        hl_blocks(ctx->state, ctx->buf, 1);
        ctx->used = 0;
    }
    if (len >= 64) {
        hl_blocks(ctx->state, data, len / 64);
        data += len - len % 64;
        len %= 64;
    }
    if (len) {
        memcpy(ctx->buf, data, len);
        ctx->used = len;
    }
}

/* The big-endian bytes of a state. */
static void hl_digest(const uint32_t state[8], uint8_t out[32])
{
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(state[i] >> 24);
        out[4 * i + 1] = (uint8_t)(state[i] >> 16);
        out[4 * i + 2] = (uint8_t)(state[i] >> 8);
        out[4 * i + 3] = (uint8_t)state[i];
    }
}

static void hl_sha256_final(hl_sha256_ctx *ctx, uint8_t out[32])
{
    uint64_t bits = ctx->total * 8;
    uint8_t *buf = ctx->buf;
    size_t used = ctx->used;
    buf[used++] = 0x80;
    if (used > 56) {
        memset(buf + used, 0, 64 - used);
        hl_blocks(ctx->state, buf, 1);
        used = 0;
    }
    memset(buf + used, 0, 56 - used);
    for (int i = 0; i < 8; i++)
        buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
    hl_blocks(ctx->state, buf, 1);
    hl_digest(ctx->state, out);
}

/* The last `n` (< 64) bytes of a message of `total` bytes, padded: one or two
 * blocks written to `out`; returns how many. */
static int hl_pad(const uint8_t *tail, size_t n, uint64_t total, uint8_t *out)
{
    int blocks = n < 56 ? 1 : 2;
    uint64_t bits = total * 8;
    if (out != tail)
        memcpy(out, tail, n);
    out[n] = 0x80;
    memset(out + n + 1, 0, 64 * blocks - n - 1 - 8);
    for (int i = 0; i < 8; i++)
        out[64 * blocks - 8 + i] = (uint8_t)(bits >> (56 - 8 * i));
    return blocks;
}

static void hl_sha256(const uint8_t *data, size_t len, uint8_t out[32])
{
    hl_sha256_ctx ctx;
    hl_sha256_init(&ctx);
    hl_sha256_update(&ctx, data, len);
    hl_sha256_final(&ctx, out);
}

/* `n` bytes as 2n lowercase hex characters. */
static void hl_hex(const uint8_t *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        memcpy(out + 2 * i, HL_HEX2 + 2 * in[i], 2);
}

/* The SHA-256 of two messages at once (two lanes of hl_block2). */
static void hl_sha256_x2(const uint8_t *a, size_t la, uint8_t outa[32], const uint8_t *b, size_t lb,
                         uint8_t outb[32])
{
    uint32_t sa[8], sb[8];
    uint8_t pa[128], pb[128];
    size_t na = la / 64, nb = lb / 64;
    size_t ta = na + (size_t)hl_pad(a + 64 * na, la % 64, la, pa);
    size_t tb = nb + (size_t)hl_pad(b + 64 * nb, lb % 64, lb, pb);
    size_t t = 0;
    memcpy(sa, HL_H0, sizeof HL_H0);
    memcpy(sb, HL_H0, sizeof HL_H0);
    for (; t < ta && t < tb; t++)
        hl_block2(sa, t < na ? a + 64 * t : pa + 64 * (t - na), sb, t < nb ? b + 64 * t : pb + 64 * (t - nb));
    for (; t < ta; t++)
        hl_blocks(sa, t < na ? a + 64 * t : pa + 64 * (t - na), 1);
    for (; t < tb; t++)
        hl_blocks(sb, t < nb ? b + 64 * t : pb + 64 * (t - nb), 1);
    hl_digest(sa, outa);
    hl_digest(sb, outb);
}
