#include "util/atomic_file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/temps.h"
#include "util/util.h"

FILE *nnb_atomic_open(nnb_atomic_file *af, const char *path, char *err, size_t len)
{
    memset(af, 0, sizeof *af);
    if (!path || !path[0]) {
        nnb_errf(err, len, "empty output file name");
        return NULL;
    }
    if (strlen(path) >= sizeof af->path) {
        nnb_errf(err, len, "%.64s...: output file name too long", path);
        return NULL;
    }
    nnb_copy_str(af->path, sizeof af->path, path);
    snprintf(af->tmp, sizeof af->tmp, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(af->tmp);
    if (fd < 0) {
        nnb_errf(err, len, "%s: cannot write: %s", path, strerror(errno));
        return NULL;
    }
    /* mkstemp creates 0600; give the file fopen's mode (0666 less umask) */
    mode_t um = umask(022);
    umask(um);
    fchmod(fd, 0666 & ~um);
    af->f = fdopen(fd, "w");
    if (!af->f) {
        nnb_errf(err, len, "%s: cannot write: %s", path, strerror(errno));
        close(fd);
        unlink(af->tmp);
        return NULL;
    }
    nnb_temps_track(af->tmp);
    return af->f;
}

int nnb_atomic_commit(nnb_atomic_file *af, char *err, size_t len)
{
    if (!af->f) return nnb_errf(err, len, "%s: not open", af->path);
    bool ok = !ferror(af->f) && fflush(af->f) == 0 && fsync(fileno(af->f)) == 0;
    int e = errno;
    if (fclose(af->f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    af->f = NULL;
    if (ok && rename(af->tmp, af->path) != 0) {
        ok = false;
        e = errno;
    }
    if (!ok) unlink(af->tmp);
    nnb_temps_untrack(af->tmp);
    if (!ok) return nnb_errf(err, len, "%s: cannot write: %s", af->path, strerror(e ? e : EIO));
    return 0;
}

void nnb_atomic_abort(nnb_atomic_file *af)
{
    if (af->f) fclose(af->f);
    af->f = NULL;
    if (af->tmp[0]) {
        unlink(af->tmp);
        nnb_temps_untrack(af->tmp);
    }
}
