/* yaml_out.h — a thin YAML writer over libyaml's emitter, shared by the
 * report (report.c) and the IR dump (dump.c).  Kept out of onnxcc.h so
 * that only the two YAML writers see <yaml.h>.
 *
 * Every string that comes from the model goes through yo_str(): libyaml
 * quotes and escapes it; a string that would read back as a number, a
 * boolean or null is double-quoted; bytes that are not valid UTF-8 are
 * written as the text \xNN (like printable()).  The first emitter error
 * stops all further output and is reported by yo_end() as a user error. */
#ifndef ONNXCC_YAML_OUT_H
#define ONNXCC_YAML_OUT_H

#include "onnxcc.h"

#include <yaml.h>

typedef struct {
    yaml_emitter_t em;
    bool failed;
    char problem[160];
} YamlOut;

void yo_begin(YamlOut *y, FILE *f); /* stream + one document */
void yo_end(YamlOut *y);            /* closes, flushes; fatal on any error */
void yo_map(YamlOut *y, bool flow);
void yo_map_end(YamlOut *y);
void yo_seq(YamlOut *y, bool flow);
void yo_seq_end(YamlOut *y);
void yo_key(YamlOut *y, const char *key); /* our own keys: plain ASCII words */
void yo_str(YamlOut *y, const char *s);   /* any string from the model */
void yo_int(YamlOut *y, int64_t v);
void yo_float(YamlOut *y, double v);      /* always reads back as a float */
void yo_null(YamlOut *y);
/* [d0, d1, ...] of a value; an unknown dim is its dim_param name or null;
 * an unknown rank is null. */
void yo_shape(YamlOut *y, const Value *v);

#endif
