/* The whole identity of this machine, one line: what every cached
 * measurement (ceilings, counts) is keyed by, so that any change of the
 * machine measures again. */
#ifndef NNBENCH_MACHINE_IDENTITY_H
#define NNBENCH_MACHINE_IDENTITY_H

#include <stddef.h>

/* "host|cpu model|cores N|pus N|isa features|caches L1d size/ways/line xcount ...|
 * memory BYTES|os NAME RELEASE ARCH", newlines replaced by spaces. */
void nnb_machine_key(char *buf, size_t len);

/* What cached roofline ceilings are keyed by: the machine key and
 * "|cpuset LIST", the PUs the process may use (machine/topo.h). */
void nnb_ceilings_key(char *buf, size_t len);

#endif
