/* The channel-blocked pooling micro-kernel (ukr.h: nnb_pool_cb) for AVX2:
 * oneDNN's nChw8c, 4 interior outputs per register block (16 registers). */
#include "ukr/ukr.h"

#include "ukr/vec_avx2.h"

#define CB_J 4
#define CB_MAX(a, b) _mm256_max_ps(a, b)
#define CB_ADD(a, b) _mm256_add_ps(a, b)
#define CB_MUL(a, b) _mm256_mul_ps(a, b)
#define CB_DIV(a, b) _mm256_div_ps(a, b)
#define CB_STORE(p, v) _mm256_store_ps(p, v)
#define POOL_CB nnb_pool_cb_avx2
#define POOL_CB_FLOPS nnb_pool_cb_avx2_flops
#include "ukr/pool_cb_tile.h"
