/* x86 instruction weights (FLOPs, bytes) from a Zydis decode. See x86_flops.h. */
#include "counters/x86_flops.h"

#include <ctype.h>
#include <string.h>

#include <Zydis/Zydis.h>

/* Base names (mnemonic without a leading 'v' and without the ss/sd/ps/pd/
 * sh/ph suffix) that perform one floating-point operation per lane. */
static const char *const one_op_bases[] = {
    "add", "sub", "mul", "div", "sqrt", "min", "max", "addsub", "hadd", "hsub",
    "rcp", "rsqrt", "rcp14", "rsqrt14", "rcp28", "rsqrt28", NULL,
};

/* Fused multiply-add families (FMA3 with 132/213/231 digits, FMA4 without):
 * two operations per lane. */
static const char *const fma_bases[] = {
    "fmadd", "fmsub", "fnmadd", "fnmsub", "fmaddsub", "fmsubadd", NULL,
};

/* x87 arithmetic: one operation per execution (80-bit; counted as dp). */
static const char *const x87_ops[] = {
    "fadd", "faddp", "fiadd", "fsub", "fsubp", "fsubr", "fsubrp", "fisub", "fisubr",
    "fmul", "fmulp", "fimul", "fdiv", "fdivp", "fdivr", "fdivrp", "fidiv", "fidivr",
    "fsqrt", NULL,
};

static bool in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0) return true;
    return false;
}

/* FMA base: one of fma_bases, optionally followed by exactly 3 digits. */
static bool is_fma_base(const char *base)
{
    char tmp[32];
    size_t n = strlen(base);
    if (n >= sizeof tmp) return false;
    memcpy(tmp, base, n + 1);
    if (n > 3 && isdigit((unsigned char)tmp[n - 1]) && isdigit((unsigned char)tmp[n - 2]) &&
        isdigit((unsigned char)tmp[n - 3]))
        tmp[n - 3] = '\0';
    return in_list(tmp, fma_bases);
}

/* Classifies a mnemonic: returns ops per lane (0: not a FLOP instruction),
 * *elem_bits (16/32/64), *scalar. */
static int classify(const char *mn, ZydisInstructionEncoding enc, int *elem_bits, bool *scalar,
                    bool *fma)
{
    *fma = false;
    *scalar = true;
    *elem_bits = 64;
    if (in_list(mn, x87_ops)) return 1;

    const char *s = mn;
    if (s[0] == 'v' && enc != ZYDIS_INSTRUCTION_ENCODING_LEGACY) s++;
    size_t n = strlen(s);
    if (n < 4) return 0;
    const char *suf = s + n - 2;
    if (strcmp(suf, "ss") == 0) { *scalar = true; *elem_bits = 32; }
    else if (strcmp(suf, "sd") == 0) { *scalar = true; *elem_bits = 64; }
    else if (strcmp(suf, "sh") == 0) { *scalar = true; *elem_bits = 16; }
    else if (strcmp(suf, "ps") == 0) { *scalar = false; *elem_bits = 32; }
    else if (strcmp(suf, "pd") == 0) { *scalar = false; *elem_bits = 64; }
    else if (strcmp(suf, "ph") == 0) { *scalar = false; *elem_bits = 16; }
    else return 0;

    char base[32];
    size_t bn = n - 2;
    if (bn >= sizeof base) return 0;
    memcpy(base, s, bn);
    base[bn] = '\0';
    if (in_list(base, one_op_bases)) return 1;
    if (is_fma_base(base)) { *fma = true; return 2; }
    return 0;
}

static bool skip_memory_operands(const ZydisDecodedInstruction *in)
{
    switch (in->meta.category) {
    case ZYDIS_CATEGORY_NOP:
    case ZYDIS_CATEGORY_WIDENOP:
    case ZYDIS_CATEGORY_PREFETCH:
    case ZYDIS_CATEGORY_PREFETCHWT1:
    case ZYDIS_CATEGORY_CLFLUSHOPT:
    case ZYDIS_CATEGORY_CLWB:
        return true;
    default:
        break;
    }
    return in->mnemonic == ZYDIS_MNEMONIC_LEA || in->mnemonic == ZYDIS_MNEMONIC_NOP ||
           in->mnemonic == ZYDIS_MNEMONIC_CLFLUSH;
}

int nnb_x86_weigh(const uint8_t *code, size_t len, nnb_x86_weight *w)
{
    memset(w, 0, sizeof *w);
    ZydisDecoder dec;
    if (ZYAN_FAILED(ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)))
        return -1;
    ZydisDecodedInstruction in;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    if (ZYAN_FAILED(ZydisDecoderDecodeFull(&dec, code, len, &in, ops))) return -1;

    w->length = in.length;
    const char *mn = ZydisMnemonicGetString(in.mnemonic);
    if (!mn) mn = "?";
    size_t mlen = strlen(mn);
    if (mlen >= sizeof w->mnemonic) mlen = sizeof w->mnemonic - 1;
    memcpy(w->mnemonic, mn, mlen);
    w->mnemonic[mlen] = '\0';

    int elem_bits;
    bool scalar, fma;
    int per_lane = classify(w->mnemonic, in.encoding, &elem_bits, &scalar, &fma);
    if (per_lane > 0) {
        int lanes = 1, vbits = 0;
        if (!scalar) {
            vbits = 128;
            if (in.encoding == ZYDIS_INSTRUCTION_ENCODING_VEX ||
                in.encoding == ZYDIS_INSTRUCTION_ENCODING_EVEX ||
                in.encoding == ZYDIS_INSTRUCTION_ENCODING_XOP)
                vbits = in.avx.vector_length ? in.avx.vector_length : 128;
            lanes = vbits / elem_bits;
        }
        w->lanes = lanes;
        w->vec_bits = vbits;
        w->fma = fma;
        w->flops = (double)lanes * per_lane;
        if (elem_bits == 32) w->flops_sp = w->flops;
        else if (elem_bits == 64) w->flops_dp = w->flops;
        if (in.encoding == ZYDIS_INSTRUCTION_ENCODING_EVEX &&
            (in.avx.mask.mode == ZYDIS_MASK_MODE_MERGING ||
             in.avx.mask.mode == ZYDIS_MASK_MODE_ZEROING))
            w->masked = true;
    }

    w->rep_string = (in.attributes & ZYDIS_ATTRIB_HAS_REP) != 0;
    w->guarded_mem = strncmp(mn, "vmaskmov", 8) == 0 || strncmp(mn, "vpmaskmov", 9) == 0 ||
                     strncmp(mn, "xsave", 5) == 0 || strncmp(mn, "xrstor", 6) == 0;
    if (!skip_memory_operands(&in)) {
        for (int i = 0; i < in.operand_count; i++) {
            const ZydisDecodedOperand *op = &ops[i];
            if (op->type != ZYDIS_OPERAND_TYPE_MEMORY) continue;
            int bytes;
            if (op->mem.type == ZYDIS_MEMOP_TYPE_MEM) {
                bytes = op->size / 8;
                if (in.avx.broadcast.mode != ZYDIS_BROADCAST_MODE_INVALID && op->element_size)
                    bytes = op->element_size / 8;
            } else if (op->mem.type == ZYDIS_MEMOP_TYPE_VSIB) {
                bytes = op->element_count * op->element_size / 8;
            } else {
                continue; /* AGEN (lea-like), MIB */
            }
            if (op->mem.base == ZYDIS_REGISTER_RSP) w->stack_mem = true;
            /* aligned moves (mova*, movdqa*, movnt*) fault rather than straddle */
            if (bytes >= 16 && !strstr(mn, "mova") && !strstr(mn, "movdqa") && !strstr(mn, "movnt"))
                w->may_straddle = true;
            if (op->actions & (ZYDIS_OPERAND_ACTION_READ | ZYDIS_OPERAND_ACTION_CONDREAD))
                w->load_bytes += bytes;
            if (op->actions & (ZYDIS_OPERAND_ACTION_WRITE | ZYDIS_OPERAND_ACTION_CONDWRITE))
                w->store_bytes += bytes;
        }
    }
    return 0;
}
