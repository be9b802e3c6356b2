/* harness.h — what the tests in tests/yaml share: EXPECT, and running a
 * piece of compiler code that may call fatal() with stderr captured. */
#ifndef HARNESS_H
#define HARNESS_H

#include "onnxcc.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;
#define EXPECT(c)                                                            \
    do {                                                                     \
        if (!(c)) {                                                          \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #c); \
            failures++;                                                      \
        }                                                                    \
    } while (0)

/* Runs fn(arg) with fatal() jumping back here and stderr going to a
 * temporary file.  Returns true if fn called fatal(); the captured text
 * is in msg (NUL-terminated, truncated to cap). */
static inline bool run_captured(void (*fn)(void *), void *arg, char *msg, size_t cap)
{
    char tmpl[] = "/tmp/onnxcc-yaml-test-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0) {
        perror("mkstemp");
        exit(2);
    }
    unlink(tmpl);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    jmp_buf jb;
    volatile bool failed = false;
    jmp_buf *volatile saved_jmp = fatal_jmp;
    if (setjmp(jb) == 0) {
        fatal_jmp = &jb;
        fn(arg);
    } else {
        failed = true;
    }
    fatal_jmp = saved_jmp;
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    ssize_t n = pread(fd, msg, cap - 1, 0);
    msg[n > 0 ? n : 0] = 0;
    close(fd);
    return failed;
}

#endif
