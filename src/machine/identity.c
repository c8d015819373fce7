/* See identity.h. */
#include "machine/identity.h"

#include <string.h>
#include <sys/utsname.h>

#include "machine/isa.h"
#include "machine/topo.h"
#include "util/appendf.h"

void nnb_machine_key(char *buf, size_t len)
{
    const nnb_topo *t = nnb_topo_get();
    struct utsname u;
    if (uname(&u) != 0) memset(&u, 0, sizeof u);
    size_t off = 0;
    /* everything that moves a ceiling: the host, the CPU and its ISA, the
     * caches, the memory, and the OS kernel (mitigations, scheduler) */
    nnb_appendf(buf, len, &off, "%s|%s|cores %d|pus %d|%s|caches", t->hostname, t->cpu_model, t->cores, t->pus,
                nnb_isa_features_str());
    for (int i = 0; i < t->ncaches; i++) {
        const nnb_cache_level *c = &t->caches[i];
        nnb_appendf(buf, len, &off, " L%d%c %lld/%dw/%dB x%d", c->level, c->type, (long long)c->geom.size,
                    c->geom.assoc, c->geom.line, c->count);
    }
    nnb_appendf(buf, len, &off, "|memory %lld|os %s %s %s", (long long)t->system_memory_bytes, u.sysname, u.release,
                u.machine);
    /* the key is one line of a cache file */
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
}

void nnb_ceilings_key(char *buf, size_t len)
{
    nnb_machine_key(buf, len);
    size_t off = strlen(buf);
    /* ceilings on cores 0-1 are not those on core 1 (shared caches, memory bandwidth) */
    nnb_appendf(buf, len, &off, "|cpuset %s", nnb_topo_get()->cpuset);
}
