/* util.c — the compilation arena, user-error reporting and checked size
 * arithmetic.  Nothing here knows about ONNX. */
#include "onnxcc.h"

#include <stdlib.h>
#include <string.h>

struct ArenaBlock {
    ArenaBlock *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

void *arena_alloc(Arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->head->size - a->head->used < n) {
        size_t size = n > (1u << 20) ? n : (1u << 20);
        ArenaBlock *b = malloc(sizeof *b + size);
        if (!b)
            fatal("out of memory (%zu bytes)", n);
        b->next = a->head;
        b->size = size;
        b->used = 0;
        a->head = b;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += n;
    a->total += n;
    memset(p, 0, n);
    return p;
}

char *arena_strdup(Arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(arena_alloc(a, n), s, n);
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char probe[1];
    int n = vsnprintf(probe, sizeof probe, fmt, ap);
    va_end(ap);
    char *s = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

void arena_free_all(Arena *a)
{
    while (a->head) {
        ArenaBlock *next = a->head->next;
        free(a->head);
        a->head = next;
    }
    a->total = 0;
}

jmp_buf *fatal_jmp;
const char *fatal_path;
bool fatal_silent;

_Noreturn void fatal(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (fatal_silent)
        ;
    else if (fatal_path)
        fprintf(stderr, "onnxcc: %s: %s\n", printable(fatal_path), msg);
    else
        fprintf(stderr, "onnxcc: %s\n", msg);
    fflush(stderr);
    if (fatal_jmp)
        longjmp(*fatal_jmp, 1);
    exit(1);
}

const char *printable(const char *s)
{
    static char bufs[4][256];
    static int next;
    char *out = bufs[next++ & 3];
    size_t o = 0;
    if (!s)
        s = "";
    for (; *s && o < sizeof bufs[0] - 8; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out[o++] = (char)c;
        } else if (c == '\\') {
            out[o++] = '\\';
            out[o++] = '\\';
        } else {
            o += (size_t)snprintf(out + o, 5, "\\x%02x", c);
        }
    }
    if (*s) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = 0;
    return out;
}

int64_t mul_ck(int64_t a, int64_t b)
{
    if (a < 0 || b < 0)
        return -1;
    if (a != 0 && b > INT64_MAX / a)
        return -1;
    return a * b;
}

int64_t add_ck(int64_t a, int64_t b)
{
    if (a < 0 || b < 0 || b > INT64_MAX - a)
        return -1;
    return a + b;
}
