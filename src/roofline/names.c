/* Names of the parts of the ceilings, as the cache file, the tables, the
 * JSON and the picture spell them. */
#include "roofline/ceilings.h"

const char *nnb_level_name(nnb_level l)
{
    static const char *const names[NNB_LVL_COUNT] = {"L1", "L2", "L3", "DRAM"};
    return (unsigned)l < NNB_LVL_COUNT ? names[l] : "?";
}

const char *nnb_bw_src_name(nnb_bw_src s)
{
    return s == NNB_BW_PLATEAU ? "plateau" : s == NNB_BW_RANGE ? "range" : "none";
}
