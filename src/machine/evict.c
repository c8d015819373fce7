#include "machine/evict.h"

#include <stdlib.h>
#include <string.h>

#include "machine/topo.h"

int64_t nnb_evict_default_bytes(void)
{
    const nnb_cache_level *llc = nnb_topo_llc(nnb_topo_get());
    if (!llc || llc->geom.size <= 0) return NNB_EVICT_FALLBACK_BYTES;
    return NNB_EVICT_LLC_FACTOR * llc->geom.size;
}

int nnb_evict_init(nnb_evict *e, int64_t bytes)
{
    e->bytes = bytes > 0 ? bytes : nnb_evict_default_bytes();
    char *p = malloc((size_t)e->bytes);
    e->buf = p;
    if (!p) {
        e->bytes = 0;
        return -1;
    }
    memset(p, 0, (size_t)e->bytes); /* first touch: the pages exist before anything is timed */
    /* written once, here, and written back now: every later sweep only
     * reads, so the lines it leaves in the caches are clean and the
     * kernel's misses never write them back (a write sweep's dirty lines
     * were counted as the kernel's DRAM/L2 traffic: issue 23) */
    for (int64_t i = 0; i < e->bytes; i += 64) __builtin_ia32_clflush(p + i);
    __builtin_ia32_mfence();
    return 0;
}

void nnb_evict_touch(nnb_evict *e)
{
    unsigned sum = 0;
    for (int64_t i = 0; i < e->bytes; i += 64) sum += (unsigned char)e->buf[i]; /* volatile: every line read */
    __asm__ volatile("" : : "r"(sum));
}

void nnb_evict_free(nnb_evict *e)
{
    free((void *)e->buf);
    e->buf = NULL;
    e->bytes = 0;
}

void nnb_evict_caches(void)
{
    nnb_evict e;
    if (nnb_evict_init(&e, 0) != 0) return;
    nnb_evict_touch(&e);
    nnb_evict_free(&e);
}
