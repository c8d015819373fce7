/* Helpers shared by the kernels' registrations (nnb_kernel initialisers). */
#ifndef NNBENCH_KERNELS_H
#define NNBENCH_KERNELS_H

#include "nnbench/kernel.h"

/* workspace_bytes of a kernel that needs no scratch: 0 */
int64_t nnb_kernel_no_workspace(const nnb_layer *l, int nthreads);

#endif
