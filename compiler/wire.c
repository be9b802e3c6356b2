/* wire.c — a bounded pre-scan of protobuf wire format, run before
 * protobuf-c unpacks an untrusted file.
 *
 * protobuf-c recurses into nested messages with no depth limit (a model of
 * deeply nested subgraphs exhausts the stack) and keeps strings as C strings
 * (an embedded NUL silently truncates a name, so two different names can
 * become one).  This walk follows the generated descriptors: it refuses
 * nesting deeper than MAX_NESTING and NUL bytes in string fields, and checks
 * that every length stays inside its parent.  Returns NULL or a reason. */
#include "onnxcc.h"

#include <protobuf-c/protobuf-c.h>
#include <string.h>

static bool read_varint(const uint8_t *p, size_t len, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (*pos >= len)
            return false;
        uint8_t b = p[(*pos)++];
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

static const char *walk(const uint8_t *p, size_t len, const ProtobufCMessageDescriptor *d, int depth)
{
    if (depth > MAX_NESTING)
        return "messages nested too deeply (subgraphs or types deeper than the supported limit)";
    size_t pos = 0;
    while (pos < len) {
        uint64_t key, n;
        if (!read_varint(p, len, &pos, &key))
            return "not a valid ONNX model (truncated or not protobuf)";
        uint32_t field = (uint32_t)(key >> 3);
        if (field == 0 || (key >> 3) > 0x1fffffff)
            return "not a valid ONNX model (bad protobuf field number)";
        switch (key & 7) {
        case 0:
            if (!read_varint(p, len, &pos, &n))
                return "not a valid ONNX model (truncated or not protobuf)";
            break;
        case 1:
        case 5: {
            size_t w = (key & 7) == 1 ? 8 : 4;
            if (len - pos < w)
                return "not a valid ONNX model (truncated or not protobuf)";
            pos += w;
            break;
        }
        case 2: {
            if (!read_varint(p, len, &pos, &n) || n > len - pos)
                return "not a valid ONNX model (truncated or not protobuf)";
            const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field(d, field);
            if (fd && fd->type == PROTOBUF_C_TYPE_MESSAGE) {
                const char *why = walk(p + pos, (size_t)n, fd->descriptor, depth + 1);
                if (why)
                    return why;
            } else if (fd && fd->type == PROTOBUF_C_TYPE_STRING) {
                if (memchr(p + pos, 0, (size_t)n))
                    return "a name or string contains a NUL byte";
            }
            pos += (size_t)n;
            break;
        }
        default:
            return "not a valid ONNX model (bad protobuf wire type)";
        }
    }
    return NULL;
}

const char *wire_check(const uint8_t *buf, size_t len, const void *descriptor)
{
    return walk(buf, len, descriptor, 0);
}
