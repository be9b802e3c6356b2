/* wire.c — a bounded pre-scan of protobuf wire format, run before
 * protobuf-c unpacks an untrusted file.
 *
 * protobuf-c recurses into nested messages with no depth limit (a model of
 * deeply nested subgraphs exhausts the stack), keeps strings as C strings
 * (an embedded NUL silently truncates a name, so two different names can
 * become one) and allocates far more than the bytes it reads for some
 * inputs (a 2-byte empty message becomes a struct of a hundred bytes plus
 * bookkeeping).  This walk follows the generated descriptors: it refuses
 * nesting deeper than MAX_NESTING and NUL bytes in string fields, checks
 * that every length stays inside its parent, and adds up an upper estimate
 * of what unpacking and then building the IR will allocate, so the loader
 * can refuse a file that would expand far beyond its own size. */
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

/* Estimated bytes per field occurrence (protobuf-c's scan record and the
 * IR's share), per message beyond its struct (the IR node, value or
 * attribute made from it), per unknown field (its record). */
#define FIELD_COST 64
#define MESSAGE_COST 256
#define UNKNOWN_COST 32

/* Bytes of one element of a scalar field in protobuf-c's structs. */
static size_t scalar_size(ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
    case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
        return 8;
    case PROTOBUF_C_TYPE_BYTES:
        return sizeof(ProtobufCBinaryData);
    case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_MESSAGE:
        return sizeof(void *);
    default:
        return 4;
    }
}

/* Elements in a packed repeated scalar field of n bytes at p. */
static uint64_t packed_count(const uint8_t *p, size_t n, ProtobufCType t)
{
    switch (t) {
    case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_SFIXED32: case PROTOBUF_C_TYPE_FLOAT:
        return n / 4;
    case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_SFIXED64: case PROTOBUF_C_TYPE_DOUBLE:
        return n / 8;
    default: { /* varints: one ends at every byte without the high bit */
        uint64_t c = 0;
        for (size_t i = 0; i < n; i++)
            c += !(p[i] & 0x80);
        return c;
    }
    }
}

static const char *walk(const uint8_t *p, size_t len, const ProtobufCMessageDescriptor *d, int depth,
                        uint64_t *cost)
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
        const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field(d, field);
        bool repeated = fd && fd->label == PROTOBUF_C_LABEL_REPEATED;
        size_t start = pos;
        *cost += FIELD_COST + (fd ? 0 : UNKNOWN_COST);
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
            start = pos;
            if (fd && fd->type == PROTOBUF_C_TYPE_MESSAGE) {
                const ProtobufCMessageDescriptor *sub = fd->descriptor;
                *cost += sub->sizeof_message + MESSAGE_COST;
                const char *why = walk(p + pos, (size_t)n, sub, depth + 1, cost);
                if (why)
                    return why;
            } else if (fd && (fd->type == PROTOBUF_C_TYPE_STRING || fd->type == PROTOBUF_C_TYPE_BYTES)) {
                if (fd->type == PROTOBUF_C_TYPE_STRING && memchr(p + pos, 0, (size_t)n))
                    return "a name or string contains a NUL byte";
                *cost += n + 1;
            } else if (repeated) { /* packed scalars */
                *cost += packed_count(p + pos, (size_t)n, fd->type) * scalar_size(fd->type);
                repeated = false;
            }
            pos += (size_t)n;
            break;
        }
        default:
            return "not a valid ONNX model (bad protobuf wire type)";
        }
        if (repeated)
            *cost += scalar_size(fd->type);
        if (!fd) /* kept by protobuf-c as a copy */
            *cost += pos - start;
    }
    return NULL;
}

const char *wire_check(const uint8_t *buf, size_t len, const void *descriptor, uint64_t *unpacked_bytes)
{
    const ProtobufCMessageDescriptor *d = descriptor;
    *unpacked_bytes = d->sizeof_message + MESSAGE_COST;
    return walk(buf, len, d, 0, unpacked_bytes);
}
