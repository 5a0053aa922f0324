#ifndef GHF_GOPKG_H
#define GHF_GOPKG_H

/* Go function symbols and the packages they belong to: which code is the
 * program's own (package main, the main module and its dependencies) and
 * which is Go's (the runtime and the standard library). `info` uses it to
 * show where a goroutine is in the program, not that it is in time.Sleep. */

#include <stdbool.h>
#include <stddef.h>

/* The import path of the package defining `func` ("net/http" for
 * "net/http.(*conn).serve", "main" for "main.main.func1"; type arguments in
 * brackets are ignored). Writes at most cap-1 bytes; returns its length
 * (0 if `func` has no package part). */
size_t gopkg_path(const char *func, char *out, size_t cap);

/* Is `func` the program's code? True for package main, for a package of one
 * of `modules` (core_exe_modules: "mod\ndep\n...", the paths the go command
 * recorded) and, when `modules` is empty (a GOPATH build), for a package whose
 * first path element has a dot (a non-standard import path). */
bool gopkg_is_program(const char *func, const char *modules);

#endif
