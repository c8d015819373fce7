/* The channel-blocked pooling micro-kernel (ukr.h: nnb_pool_cb) for
 * AVX-512F: oneDNN's nChw16c, 8 interior outputs per register block. */
#include "ukr/ukr.h"

#include "ukr/vec_avx512.h"

#define CB_J 8
#define CB_MAX(a, b) _mm512_max_ps(a, b)
#define CB_ADD(a, b) _mm512_add_ps(a, b)
#define CB_MUL(a, b) _mm512_mul_ps(a, b)
#define CB_DIV(a, b) _mm512_div_ps(a, b)
#define CB_STORE(p, v) _mm512_store_ps(p, v)
#define POOL_CB nnb_pool_cb_avx512
#define POOL_CB_FLOPS nnb_pool_cb_avx512_flops
#include "ukr/pool_cb_tile.h"
