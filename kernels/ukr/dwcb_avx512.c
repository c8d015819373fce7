/* depthwise's channel-blocked micro-kernel (ukr.h nnb_dw_cb) for AVX-512F:
 * nChw16c, tiles of up to 14 pixels (14 accumulators + the 9 weight vectors
 * + an input = 24 of 32 zmm). */
#include "ukr/ukr.h"

#include "ukr/vec_avx512.h"

#define DWCB_NAME nnb_dw_cb_avx512
#define DWCB_NB 14
#define DWCB_WREG 1
#include "ukr/dwcb_tile.h"
