/* parallel.c — shares of work on threads (see include/parallel.h). */
#include "parallel.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

unsigned ghf_threads(void)
{
    const char *env = getenv("GHF_THREADS");
    if (env != NULL && *env != '\0') {
        char *end;
        unsigned long v = strtoul(env, &end, 10);
        if (*end == '\0' && v >= 1)
            return v < GHF_MAX_THREADS ? (unsigned)v : GHF_MAX_THREADS;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1)
        cpus = 1;
    return (unsigned long)cpus < GHF_MAX_THREADS ? (unsigned)cpus : GHF_MAX_THREADS;
}

void ghf_run_shares(void *(*fn)(void *share), void *shares, size_t size, unsigned n)
{
    pthread_t tid[GHF_MAX_THREADS];
    bool started[GHF_MAX_THREADS] = {false};
    char *base = shares;
    for (unsigned i = 1; i < n && i < GHF_MAX_THREADS; i++)
        started[i] = pthread_create(&tid[i], NULL, fn, base + i * size) == 0;
    if (n > 0)
        fn(base);
    for (unsigned i = 1; i < n; i++) {
        if (i < GHF_MAX_THREADS && started[i])
            pthread_join(tid[i], NULL);
        else
            fn(base + i * size); /* no thread for it: run it here */
    }
}
