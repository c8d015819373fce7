/* depthwise's rows x width tile (ukr.h) for AVX-512F: up to 4 rows x 4 zmm
 * vectors, 64 columns. The whole-plane 3x3 paths are in ukr/dw3_avx512.c. */
#include "ukr/ukr.h"

#include "ukr/vec_avx512.h"

#define DW_NAME nnb_dw_tile_avx512
#define DW_VW 4
#include "ukr/dw_tile.h"
