/* nnb_result_note_blas (record.h): apart from the record writer, so that
 * the writer and reader build without the machine stage (the fuzz targets). */
#include "machine/blas.h"
#include "results/record.h"
#include "util/util.h"

void nnb_result_note_blas(nnb_result *x)
{
    const nnb_blas_info *blas = nnb_blas_info_get();
    nnb_copy_str(x->blas_core, sizeof x->blas_core, blas->core);
    nnb_copy_str(x->blas_config, sizeof x->blas_config, blas->config);
    nnb_copy_str(x->blas_remedy, sizeof x->blas_remedy, blas->weaker ? blas->remedy : "");
}
