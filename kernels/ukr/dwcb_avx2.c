/* depthwise's channel-blocked micro-kernel (ukr.h nnb_dw_cb) for AVX2 + FMA:
 * nChw8c, tiles of up to 8 pixels (8 accumulators + an input of 16 ymm:
 * the weights are FMA memory operands, read from L1). */
#include "ukr/ukr.h"

#include "ukr/vec_avx2.h"

#define DWCB_NAME nnb_dw_cb_avx2
#define DWCB_NB 8
#define DWCB_WREG 0
#include "ukr/dwcb_tile.h"
