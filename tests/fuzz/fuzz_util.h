/* fuzz_util.h — shared by the fuzz targets (tests/fuzz/fuzz_*.c).
 *
 * The targets are libFuzzer entry points (LLVMFuzzerTestOneInput). Built
 * with clang -fsanitize=fuzzer they fuzz (scripts/fuzz.sh); built with gcc
 * next to replay.c they replay saved inputs as regression tests. */
#ifndef GHF_FUZZ_UTIL_H
#define GHF_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fixture the core targets use: $GHF_FUZZ_DIR/{core,exe}, else
 * $GHF_FIXTURES/go1.27/stacks, else ~/.cache/goheapflame/fixtures/go1.27/stacks.
 * Exits the process with a message when absent. */
const char *fuzz_fixture(const char *file);

/* An anonymous in-memory file (memfd); its path for open() is fuzz_fd_path(). */
int fuzz_memfd(const char *name);
const char *fuzz_fd_path(int fd, char *buf, size_t cap);

#endif
