/* Decoder weights: a table of encoded instructions (bytes from GNU as,
 * `objdump -d`) with the FLOPs and bytes one execution performs. */
#include "counters/x86_flops.h"
#include "nnb_test.h"

typedef struct {
    uint8_t b[15];
    int len;
    const char *text;
    double flops, sp, dp;
    int load, store;
    bool masked;
} row;

static const row table[] = {
    {{0xc4, 0xe2, 0x75, 0xb8, 0xc2}, 5, "vfmadd231ps %ymm2,%ymm1,%ymm0", 16, 16, 0, 0, 0, false},
    {{0x62, 0xf2, 0x75, 0x48, 0xb8, 0xc2}, 6, "vfmadd231ps %zmm2,%zmm1,%zmm0", 32, 32, 0, 0, 0, false},
    {{0xc4, 0xe2, 0x71, 0xb9, 0xc2}, 5, "vfmadd231ss %xmm2,%xmm1,%xmm0", 2, 2, 0, 0, 0, false},
    {{0xc5, 0xf0, 0x58, 0xc2}, 4, "vaddps %xmm2,%xmm1,%xmm0", 4, 4, 0, 0, 0, false},
    {{0xf2, 0x0f, 0x59, 0xc1}, 4, "mulsd %xmm1,%xmm0", 1, 0, 1, 0, 0, false},
    {{0xc5, 0xf5, 0x5e, 0xc2}, 4, "vdivpd %ymm2,%ymm1,%ymm0", 4, 0, 4, 0, 0, false},
    {{0xc5, 0xf4, 0x5f, 0xc2}, 4, "vmaxps %ymm2,%ymm1,%ymm0", 8, 8, 0, 0, 0, false},
    {{0xf3, 0x0f, 0x51, 0xc1}, 4, "sqrtss %xmm1,%xmm0", 1, 1, 0, 0, 0, false},
    {{0x0f, 0x28, 0x00}, 3, "movaps (%rax),%xmm0", 0, 0, 0, 16, 0, false},
    {{0x48, 0x01, 0xd8}, 3, "add %rbx,%rax", 0, 0, 0, 0, 0, false},
    {{0x62, 0xf2, 0x75, 0x58, 0xb8, 0x00}, 6, "vfmadd231ps (%rax){1to16},%zmm1,%zmm0", 32, 32, 0, 4, 0, false},
    {{0x62, 0xf1, 0x74, 0x49, 0x58, 0xc2}, 6, "vaddps %zmm2,%zmm1,%zmm0{%k1}", 16, 16, 0, 0, 0, true},
    {{0xc5, 0xfc, 0x11, 0x07}, 4, "vmovups %ymm0,(%rdi)", 0, 0, 0, 0, 32, false},
    {{0xc4, 0xe2, 0xf5, 0xa8, 0x46, 0x20}, 6, "vfmadd213pd 0x20(%rsi),%ymm1,%ymm0", 8, 0, 8, 32, 0, false},
    {{0x0f, 0x58, 0x00}, 3, "addps (%rax),%xmm0", 4, 4, 0, 16, 0, false},
    {{0xc4, 0xe2, 0x7d, 0x18, 0x00}, 5, "vbroadcastss (%rax),%ymm0", 0, 0, 0, 4, 0, false},
    {{0x48, 0x8d, 0x58, 0x08}, 4, "lea 0x8(%rax),%rbx", 0, 0, 0, 0, 0, false},
    {{0x0f, 0x18, 0x08}, 3, "prefetcht0 (%rax)", 0, 0, 0, 0, 0, false},
    {{0x66, 0x0f, 0x1f, 0x04, 0x00}, 5, "nopw (%rax,%rax,1)", 0, 0, 0, 0, 0, false},
    {{0xc5, 0xf5, 0xfe, 0xc2}, 4, "vpaddd %ymm2,%ymm1,%ymm0", 0, 0, 0, 0, 0, false},
    {{0xc4, 0xe2, 0x75, 0x3d, 0xc2}, 5, "vpmaxsd %ymm2,%ymm1,%ymm0", 0, 0, 0, 0, 0, false},
    {{0xc5, 0xfb, 0x5a, 0xc1}, 4, "vcvtsd2ss %xmm1,%xmm0,%xmm0", 0, 0, 0, 0, 0, false},
    {{0xc5, 0xf2, 0x59, 0x00}, 4, "vmulss (%rax),%xmm1,%xmm0", 1, 1, 0, 4, 0, false},
    {{0xde, 0xc1}, 2, "faddp %st,%st(1)", 1, 0, 1, 0, 0, false},
    {{0xf2, 0x0f, 0x7c, 0xc1}, 4, "haddps %xmm1,%xmm0", 4, 4, 0, 0, 0, false},
    {{0x62, 0xf2, 0xf5, 0x48, 0xbc, 0xc2}, 6, "vfnmadd231pd %zmm2,%zmm1,%zmm0", 16, 0, 16, 0, 0, false},
    {{0xc4, 0xe2, 0x75, 0xb6, 0xc2}, 5, "vfmaddsub231ps %ymm2,%ymm1,%ymm0", 16, 16, 0, 0, 0, false},
    {{0x53}, 1, "push %rbx", 0, 0, 0, 0, 8, false},
    {{0xc5, 0xfc, 0x57, 0xc0}, 4, "vxorps %ymm0,%ymm0,%ymm0", 0, 0, 0, 0, 0, false},
    {{0xc5, 0xf2, 0x58, 0xc2}, 4, "vaddss %xmm2,%xmm1,%xmm0", 1, 1, 0, 0, 0, false},
    {{0x62, 0xf1, 0x7c, 0x49, 0x11, 0x07}, 6, "vmovups %zmm0,(%rdi){%k1}", 0, 0, 0, 0, 64, false},
    {{0xc5, 0xf9, 0x5c, 0xc1}, 4, "vsubpd %xmm1,%xmm0,%xmm0", 2, 0, 2, 0, 0, false},
    {{0xc5, 0xf2, 0x5d, 0xc2}, 4, "vminss %xmm2,%xmm1,%xmm0", 1, 1, 0, 0, 0, false},
};

int main(void)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const row *r = &table[i];
        nnb_x86_weight w;
        int rc = nnb_x86_weigh(r->b, sizeof r->b, &w);
        CHECK(rc == 0);
        if (rc != 0) {
            fprintf(stderr, "  %s: does not decode\n", r->text);
            continue;
        }
        int before = nnb_test_failures;
        CHECK_EQ_I64(w.length, r->len);
        CHECK_NEAR(w.flops, r->flops, 0);
        CHECK_NEAR(w.flops_sp, r->sp, 0);
        CHECK_NEAR(w.flops_dp, r->dp, 0);
        CHECK_EQ_I64(w.load_bytes, r->load);
        CHECK_EQ_I64(w.store_bytes, r->store);
        CHECK(w.masked == r->masked);
        if (nnb_test_failures != before)
            fprintf(stderr, "  ^ in row %zu: %s (decoded as %s)\n", i, r->text, w.mnemonic);
    }

    /* REP string instructions are flagged (callgrind counts their steps, not their runs) */
    const uint8_t rep_stosq[] = {0xf3, 0x48, 0xab}, stosq[] = {0x48, 0xab}, movsb_rep[] = {0xf3, 0xa4};
    nnb_x86_weight rw;
    CHECK(nnb_x86_weigh(rep_stosq, sizeof rep_stosq, &rw) == 0 && rw.rep_string && rw.length == 3);
    CHECK(nnb_x86_weigh(stosq, sizeof stosq, &rw) == 0 && !rw.rep_string);
    CHECK(nnb_x86_weigh(movsb_rep, sizeof movsb_rep, &rw) == 0 && rw.rep_string);
    CHECK(nnb_x86_weigh(table[0].b, sizeof table[0].b, &rw) == 0 && !rw.rep_string);

    /* the decode stops at the instruction boundary: two instructions back to back */
    const uint8_t two[] = {0xc5, 0xf0, 0x58, 0xc2, 0x53};
    nnb_x86_weight w;
    CHECK(nnb_x86_weigh(two, sizeof two, &w) == 0);
    CHECK_EQ_I64(w.length, 4);

    /* garbage and truncated input are refused, not guessed */
    const uint8_t bad[] = {0x06}; /* push es: invalid in 64-bit mode */
    CHECK(nnb_x86_weigh(bad, sizeof bad, &w) == -1);
    const uint8_t cut[] = {0x62, 0xf2, 0x75};
    CHECK(nnb_x86_weigh(cut, sizeof cut, &w) == -1);
    CHECK(nnb_x86_weigh(two, 0, &w) == -1);

    return nnb_test_done("test_x86_flops");
}
