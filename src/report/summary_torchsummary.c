/* torchsummary 1.5.1 (torchsummary.py): a forward hook on every module but
 * nn.Sequential, nn.ModuleList and the model itself, so one row per module
 * call as its forward returns (a block after its children), named
 * "<class>-<row number>"; the output shape with the batch shown as
 * batch_size (-1 unless given); params: weight + bias of a module that has
 * a weight (containers: 0). Sizes in MiB (1024**2) of 4-byte floats: the
 * input, twice (forward and backward) the sum of every row's output, the
 * parameters; abs() of products over the shown batch. */
#include <math.h>
#include <stdlib.h>

#include "report/summary.h"

static const char *RULE = "----------------------------------------------------------------";
static const char *DOUBLE_RULE = "================================================================";

int nnb_summary_torchsummary(FILE *f, const nnb_torch_view *v, bool batch_given, char *err, size_t len)
{
    (void)err;
    (void)len;
    int64_t batch = batch_given ? v->mb : -1;
    fprintf(f, "%s\n%20s  %25s %15s\n%s\n", RULE, "Layer (type)", "Output Shape", "Param #", DOUBLE_RULE);
    int64_t total_params = 0, trainable = 0, row_no = 0;
    double total_output = 0; /* np.prod of the shown shapes, summed */
    for (size_t k = 0; k < v->nrows; k++) {
        const nnb_torch_row *r = &v->rows[v->post[k]];
        if (r->depth == 0 || r->sequential) continue;
        int64_t dim[4];
        int rank = nnb_torch_out_shape(v, r->out, dim);
        char name[64], shape[80], params[32];
        snprintf(name, sizeof name, "%s-%lld", r->cls, (long long)++row_no);
        int64_t own = r->container ? 0 : r->params, elems = batch;
        for (int i = 1; i < rank; i++) elems *= dim[i];
        fprintf(f, "%20s  %25s %15s\n", name, nnb_torch_shape_str(dim, rank, batch, shape, sizeof shape),
                nnb_py_commas(own, params, sizeof params));
        total_params += own;
        if (!r->container) trainable += own; /* every parameter here requires grad */
        total_output += (double)elems;
    }
    const double mib = 1024.0 * 1024.0;
    int64_t in_elems = batch * v->layers[0].layer.c * v->layers[0].layer.h * v->layers[0].layer.w;
    double in_mb = fabs((double)in_elems * 4.0 / mib), out_mb = fabs(2.0 * total_output * 4.0 / mib);
    double params_mb = fabs((double)total_params * 4.0 / mib);
    char a[32], b[32], c[32];
    fprintf(f, "%s\nTotal params: %s\nTrainable params: %s\nNon-trainable params: %s\n%s\n", DOUBLE_RULE,
            nnb_py_commas(total_params, a, sizeof a), nnb_py_commas(trainable, b, sizeof b),
            nnb_py_commas(total_params - trainable, c, sizeof c), RULE);
    fprintf(f, "Input size (MB): %0.2f\nForward/backward pass size (MB): %0.2f\nParams size (MB): %0.2f\n"
               "Estimated Total Size (MB): %0.2f\n%s\n",
            in_mb, out_mb, params_mb, params_mb + out_mb + in_mb, RULE);
    return 0;
}
