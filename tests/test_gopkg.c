/* Unit tests for Go function names and their packages (include/gopkg.h). */
#include <criterion/criterion.h>
#include "gopkg.h"

static const char *pkg(const char *func)
{
    static char out[256];
    gopkg_path(func, out, sizeof out);
    return out;
}

Test(gopkg, package_paths)
{
    cr_assert_str_eq(pkg("main.main"), "main");
    cr_assert_str_eq(pkg("main.(*Server).serve.func1"), "main");
    cr_assert_str_eq(pkg("net/http.(*conn).serve"), "net/http");
    cr_assert_str_eq(pkg("time.Sleep"), "time");
    cr_assert_str_eq(pkg("github.com/acme/gw/internal/proxy.(*Pool).get"), "github.com/acme/gw/internal/proxy");
    /* the linker escapes dots of the last element */
    cr_assert_str_eq(pkg("gopkg.in/yaml%2ev3.(*decoder).unmarshal"), "gopkg.in/yaml%2ev3");
    /* type arguments may name other packages */
    cr_assert_str_eq(pkg("main.Map[go.shape.*github.com/x/y.T]"), "main");
    cr_assert_str_eq(pkg("slices.SortFunc[go.shape.[]*net/http.Request]"), "slices");
    cr_assert_str_eq(pkg("nodot"), "");
    char small[5];
    cr_assert_eq(gopkg_path("net/http.Serve", small, sizeof small), 4);
    cr_assert_str_eq(small, "net/");
}

Test(gopkg, program_code_by_modules)
{
    const char *mods = "ghffixtures\ngithub.com/acme/lib\n";
    cr_assert(gopkg_is_program("main.stuckWorker", mods));
    cr_assert(gopkg_is_program("ghffixtures/internal/truth.Finish", mods));
    cr_assert(gopkg_is_program("github.com/acme/lib/pool.(*P).Get", mods));
    cr_assert(gopkg_is_program("github.com/acme/lib.New", mods));
    cr_assert_not(gopkg_is_program("github.com/acme/library.New", mods)); /* not a path prefix */
    cr_assert_not(gopkg_is_program("ghffixturesX.F", mods));
    cr_assert_not(gopkg_is_program("time.Sleep", mods));
    cr_assert_not(gopkg_is_program("sync.(*WaitGroup).Wait", mods));
    cr_assert_not(gopkg_is_program("runtime.gopark", mods));
    cr_assert_not(gopkg_is_program("vendor/golang.org/x/net/http2/hpack.(*Decoder).Write", mods));
    cr_assert_not(gopkg_is_program("golang.org/x/other.F", mods)); /* not a module of this program */
}

Test(gopkg, program_code_without_build_info)
{
    cr_assert(gopkg_is_program("main.main", ""));
    cr_assert(gopkg_is_program("github.com/acme/lib.New", ""));
    cr_assert(gopkg_is_program("example.com/x.F", NULL));
    cr_assert_not(gopkg_is_program("net/http.(*conn).serve", ""));
    cr_assert_not(gopkg_is_program("encoding/json.Marshal", ""));
    cr_assert_not(gopkg_is_program("nodot", ""));
}
