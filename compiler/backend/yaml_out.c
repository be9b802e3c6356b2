/* yaml_out.c — the YAML writer of yaml_out.h: one libyaml emitter, events
 * built from plain C values, model strings quoted so they read back as
 * the same strings. */
#include "yaml_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void emit(YamlOut *y, yaml_event_t *ev, int init_ok)
{
    if (y->failed)
        return;
    if (!init_ok) {
        y->failed = true;
        snprintf(y->problem, sizeof y->problem, "cannot build a YAML event");
        return;
    }
    if (!yaml_emitter_emit(&y->em, ev)) { /* the emitter frees ev either way */
        y->failed = true;
        snprintf(y->problem, sizeof y->problem, "%s",
                 y->em.problem ? y->em.problem : "write error");
    }
}

void yo_begin(YamlOut *y, FILE *f)
{
    memset(y, 0, sizeof *y);
    if (!yaml_emitter_initialize(&y->em))
        fatal("out of memory (YAML emitter)");
    yaml_emitter_set_output_file(&y->em, f);
    yaml_emitter_set_unicode(&y->em, 0); /* non-ASCII is escaped: output is ASCII */
    yaml_emitter_set_width(&y->em, -1);  /* never fold long names */
    yaml_emitter_set_indent(&y->em, 2);
    yaml_event_t ev;
    emit(y, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
    emit(y, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
}

void yo_end(YamlOut *y)
{
    yaml_event_t ev;
    emit(y, &ev, yaml_document_end_event_initialize(&ev, 1));
    emit(y, &ev, yaml_stream_end_event_initialize(&ev));
    if (!y->failed && !yaml_emitter_flush(&y->em)) {
        y->failed = true;
        snprintf(y->problem, sizeof y->problem, "write error");
    }
    yaml_emitter_delete(&y->em);
    if (y->failed)
        fatal("cannot write YAML output: %s", y->problem);
}

void yo_map(YamlOut *y, bool flow)
{
    yaml_event_t ev;
    emit(y, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
             flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE));
}

void yo_map_end(YamlOut *y)
{
    yaml_event_t ev;
    emit(y, &ev, yaml_mapping_end_event_initialize(&ev));
}

void yo_seq(YamlOut *y, bool flow)
{
    yaml_event_t ev;
    emit(y, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
             flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE));
}

void yo_seq_end(YamlOut *y)
{
    yaml_event_t ev;
    emit(y, &ev, yaml_sequence_end_event_initialize(&ev));
}

static void scalar(YamlOut *y, const char *s, size_t len, yaml_scalar_style_t style)
{
    yaml_event_t ev;
    if (len > INT32_MAX) {
        y->failed = true;
        snprintf(y->problem, sizeof y->problem, "string too long");
        return;
    }
    emit(y, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (const yaml_char_t *)s,
             (int)len, 1, 1, style));
}

void yo_key(YamlOut *y, const char *key)
{
    scalar(y, key, strlen(key), YAML_PLAIN_SCALAR_STYLE);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static int utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    int n;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0) n = 2, cp = c & 0x1f;
    else if ((c & 0xf0) == 0xe0) n = 3, cp = c & 0x0f;
    else if ((c & 0xf8) == 0xf0) n = 4, cp = c & 0x07;
    else return 0;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0; /* also stops at the terminating NUL */
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return 0;
    return n;
}

/* True if s should be double-quoted: a plain scalar could read back as
 * something other than this string (YAML 1.1 or 1.2 resolvers), or it has
 * characters that read best as escapes.  Plain are only printable-ASCII
 * words that start with a letter, '_' or '/' (paths) and are not a boolean
 * or null spelling; libyaml still quotes those plain syntax cannot hold. */
static bool needs_quotes(const char *s)
{
    static const char *const words[] = {"y", "n", "yes", "no", "true", "false",
                                        "on", "off", "null"};
    unsigned char c = (unsigned char)s[0];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '/'))
        return true;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcasecmp(s, words[i]) == 0)
            return true;
    for (const char *p = s; *p; p++) /* non-ASCII, control characters */
        if ((unsigned char)*p >= 0x7f || (unsigned char)*p < 0x20)
            return true;
    return false;
}

void yo_str(YamlOut *y, const char *s)
{
    if (!s)
        s = "";
    size_t len = strlen(s), bad = 0;
    for (size_t i = 0; i < len;) {
        int n = utf8_len((const unsigned char *)s + i);
        if (n == 0) {
            bad++;
            i++;
        } else {
            i += (size_t)n;
        }
    }
    const char *text = s;
    char *fixed = NULL;
    if (bad) { /* invalid bytes become the four characters \xNN */
        fixed = malloc(len + 3 * bad + 1);
        if (!fixed)
            fatal("out of memory");
        size_t o = 0;
        for (size_t i = 0; i < len;) {
            int n = utf8_len((const unsigned char *)s + i);
            if (n == 0) {
                o += (size_t)snprintf(fixed + o, 5, "\\x%02x", (unsigned char)s[i]);
                i++;
            } else {
                memcpy(fixed + o, s + i, (size_t)n);
                o += (size_t)n;
                i += (size_t)n;
            }
        }
        fixed[o] = 0;
        text = fixed;
        len = o;
    }
    scalar(y, text, len, needs_quotes(text) || bad ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
                                                   : YAML_PLAIN_SCALAR_STYLE);
    free(fixed);
}

void yo_int(YamlOut *y, int64_t v)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    scalar(y, buf, (size_t)n, YAML_PLAIN_SCALAR_STYLE);
}

void yo_float(YamlOut *y, double v)
{
    char buf[48];
    if (isnan(v))
        snprintf(buf, sizeof buf, ".nan");
    else if (isinf(v))
        snprintf(buf, sizeof buf, v < 0 ? "-.inf" : ".inf");
    else {
        /* %.9g round-trips a float; YAML 1.1 floats need a '.', so
         * 1 -> 1.0 and 1e-05 -> 1.0e-05. */
        char tmp[40];
        snprintf(tmp, sizeof tmp, "%.9g", v);
        char *e = strchr(tmp, 'e');
        if (strchr(tmp, '.'))
            snprintf(buf, sizeof buf, "%s", tmp);
        else if (e) {
            *e = 0;
            snprintf(buf, sizeof buf, "%s.0e%s", tmp, e + 1);
        } else
            snprintf(buf, sizeof buf, "%s.0", tmp);
    }
    scalar(y, buf, strlen(buf), YAML_PLAIN_SCALAR_STYLE);
}

void yo_null(YamlOut *y)
{
    scalar(y, "null", 4, YAML_PLAIN_SCALAR_STYLE);
}

void yo_shape(YamlOut *y, const Value *v)
{
    if (v->rank < 0) {
        yo_null(y);
        return;
    }
    yo_seq(y, true);
    for (int i = 0; i < v->rank && i < MAX_RANK; i++) {
        if (v->dims[i] >= 0)
            yo_int(y, v->dims[i]);
        else if (v->dim_param[i] && v->dim_param[i][0])
            yo_str(y, v->dim_param[i]);
        else
            yo_null(y);
    }
    yo_seq_end(y);
}
