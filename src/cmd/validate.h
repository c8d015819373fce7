/* `nnbench validate`: which FLOP formula matches what the machine executed.
 * A built-in suite of small layers (conv, padded, strided, dilated,
 * grouped, depthwise, no-bias, deconv, fc, max/avg pool) is run under the
 * valgrind counter backend with the reference kernel and every other
 * kernel that supports each layer; the executed FLOPs (decoded
 * instructions) are compared with every named convention of the model
 * (nnb_conventions(): nnbench, torch, benchdnn, fvcore, ptflops, thop and
 * the seeds) and PASS/FAIL is printed per formula and kernel.
 *
 * Ours passes on a layer when the reference kernel (plain loops, the
 * oracle) executes either our dense count (a->flops) or our valid-tap
 * count (a->flops minus 2 x the padding MACs, what a kernel that skips
 * padding executes); the report says which. Exit 0 when ours passes on
 * every layer, 1 when it fails on one, 2 on bad options or when valgrind
 * cannot run (one line on stderr). */
#ifndef NNBENCH_VALIDATE_H
#define NNBENCH_VALIDATE_H

/* argv[0] is the subcommand name ("validate"). Options:
 *   --layer SPEC     validate this layer instead of the suite (repeatable)
 *   --kernels LIST   comma-separated kernels besides reference (default:
 *                    every kernel that supports the layer; "none": reference only)
 *   --quiet          no valgrind progress lines */
int nnb_validate_main(int argc, char **argv);

#endif
