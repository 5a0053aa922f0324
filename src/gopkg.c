#include "gopkg.h"

#include <string.h>

size_t gopkg_path(const char *func, char *out, size_t cap)
{
    /* The package ends at the first '.' after the last '/' (the linker
     * escapes dots of the last element, "yaml%2ev3"), looking only before
     * the type arguments, which may name other packages. */
    size_t n = strcspn(func, "[");
    size_t start = 0;
    for (size_t i = 0; i < n; i++)
        if (func[i] == '/')
            start = i + 1;
    const char *dot = memchr(func + start, '.', n - start);
    size_t len = dot ? (size_t)(dot - func) : 0;
    if (cap == 0)
        return 0;
    if (len >= cap)
        len = cap - 1;
    memcpy(out, func, len);
    out[len] = '\0';
    return len;
}

/* Is package path `pkg` module `mod` or inside it? */
static bool in_module(const char *pkg, const char *mod, size_t modlen)
{
    return strncmp(pkg, mod, modlen) == 0 && (pkg[modlen] == '\0' || pkg[modlen] == '/');
}

bool gopkg_is_program(const char *func, const char *modules)
{
    char pkg[512];
    if (gopkg_path(func, pkg, sizeof pkg) == 0)
        return false;
    if (strcmp(pkg, "main") == 0)
        return true;
    if (modules == NULL || modules[0] == '\0') {
        size_t first = strcspn(pkg, "/");
        return memchr(pkg, '.', first) != NULL;
    }
    for (const char *m = modules; *m;) {
        size_t len = strcspn(m, "\n");
        if (len > 0 && in_module(pkg, m, len))
            return true;
        m += len + (m[len] == '\n');
    }
    return false;
}
