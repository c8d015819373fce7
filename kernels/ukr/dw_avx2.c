/* depthwise's rows x width tile (ukr.h) for AVX2 + FMA: up to 4 rows x 3 ymm
 * vectors (24 columns). */
#include "ukr/ukr.h"

#include "ukr/vec_avx2.h"

#define DW_NAME nnb_dw_tile_avx2
#define DW_VW 3
#include "ukr/dw_tile.h"
