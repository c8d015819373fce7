/* x86-64 instruction weights for the valgrind counter backend: decodes one
 * instruction with Zydis and says how many floating-point operations and
 * how many bytes of memory one execution of it performs.
 *
 * FLOPs = lanes x (2 for FMA, 1 for add/sub/mul/div/sqrt/min/max, hadd/hsub,
 * addsub, rcp/rsqrt approximations), lanes from the mnemonic suffix
 * (ss/sd/sh scalar = 1, ps/pd/ph packed = vector bits / element bits) and
 * the encoded vector length (legacy SSE 128, VEX/EVEX 128/256/512). x87
 * arithmetic counts 1. EVEX op-masked FLOP instructions are counted at full
 * width (the mask is a run-time value) and flagged `masked`.
 * Bytes: every explicit or implicit memory operand (not LEA/prefetch/NOP
 * address forms); read -> load bytes, written -> store bytes; a broadcast
 * memory source counts one element; masked moves count full width. */
#ifndef NNB_X86_FLOPS_H
#define NNB_X86_FLOPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct nnb_x86_weight {
    int length;          /* instruction bytes */
    double flops;        /* per execution, all precisions */
    double flops_sp;     /* fp32 part */
    double flops_dp;     /* fp64 part (x87 counts here too) */
    int lanes;           /* FLOP instructions: lanes operated on, else 0 */
    int vec_bits;        /* FLOP instructions: 0 scalar, 128/256/512 packed */
    bool fma;            /* fused multiply-add family */
    bool masked;         /* EVEX op-mask other than k0 on a FLOP instruction */
    int load_bytes;      /* per execution */
    int store_bytes;
    bool guarded_mem;    /* a per-lane conditional access (vmaskmov*, vpmaskmov*, xsave*,
                            xrstor*): VEX translates these to guarded loads/stores, which
                            callgrind 3.19's cache simulator files as instruction fetches */
    bool may_straddle;   /* a vector memory operand (>= 16 bytes) with no alignment
                            requirement: it can cross a cache line */
    bool stack_mem;      /* a memory operand addressed from rsp (frames, push/pop, call/ret) */
    bool rep_string;     /* a REP-prefixed string instruction (rep stos/movs): callgrind
                            counts one execution per step, not per time the code ran */
    char mnemonic[32];
} nnb_x86_weight;

/* Decodes the instruction at code[0..len) (64-bit mode). Returns 0 with *w
 * filled, or -1 when the bytes do not decode (w->length = 0). */
int nnb_x86_weigh(const uint8_t *code, size_t len, nnb_x86_weight *w);

#endif
