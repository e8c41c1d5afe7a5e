/*
 * winevss wire protocol: encoding and decoding, shared by vssapi.dll and
 * winevssd.  See proto.h for the format.
 */

#include <stdlib.h>
#include <string.h>

#include "proto.h"

static void put_le(uint8_t *p, uint64_t v, int n)
{
    int i;

    for (i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

void proto_writer_init(struct proto_writer *w)
{
    memset(w, 0, sizeof(*w));
}

void proto_writer_free(struct proto_writer *w)
{
    free(w->data);
    proto_writer_init(w);
}

static uint8_t *writer_reserve(struct proto_writer *w, size_t n)
{
    uint8_t *p;
    size_t capacity;

    if (w->failed)
        return NULL;
    if (n > PROTO_HEADER_SIZE + PROTO_MAX_PAYLOAD - w->size)
    {
        w->failed = 1;
        return NULL;
    }
    if (w->size + n > w->capacity)
    {
        capacity = w->capacity ? w->capacity : 256;
        while (capacity < w->size + n)
            capacity *= 2;
        if (!(p = realloc(w->data, capacity)))
        {
            w->failed = 1;
            return NULL;
        }
        w->data = p;
        w->capacity = capacity;
    }
    p = w->data + w->size;
    w->size += n;
    return p;
}

void proto_writer_begin(struct proto_writer *w, enum proto_type type, uint32_t id)
{
    uint8_t *p;

    w->size = 0;
    w->failed = 0;
    if (!(p = writer_reserve(w, PROTO_HEADER_SIZE)))
        return;
    put_le(p, PROTO_MAGIC, 4);
    put_le(p + 4, PROTO_VERSION, 2);
    put_le(p + 6, type, 2);
    put_le(p + 8, id, 4);
    put_le(p + 12, 0, 4);
}

int proto_writer_finish(struct proto_writer *w)
{
    if (w->failed || w->size < PROTO_HEADER_SIZE)
        return -1;
    put_le(w->data + 12, w->size - PROTO_HEADER_SIZE, 4);
    return 0;
}

void proto_put_u32(struct proto_writer *w, uint32_t v)
{
    uint8_t *p = writer_reserve(w, 4);

    if (p)
        put_le(p, v, 4);
}

void proto_put_u64(struct proto_writer *w, uint64_t v)
{
    uint8_t *p = writer_reserve(w, 8);

    if (p)
        put_le(p, v, 8);
}

void proto_put_bytes(struct proto_writer *w, const void *data, size_t n)
{
    uint8_t *p = writer_reserve(w, n);

    if (p && n)
        memcpy(p, data, n);
}

void proto_put_guid(struct proto_writer *w, const struct proto_guid *g)
{
    proto_put_bytes(w, g->bytes, sizeof(g->bytes));
}

void proto_put_string(struct proto_writer *w, const char *s)
{
    size_t len = s ? strlen(s) : 0;

    if (len > PROTO_MAX_STRING)
    {
        w->failed = 1;
        return;
    }
    proto_put_u32(w, (uint32_t)len);
    proto_put_bytes(w, s ? s : "", len);
    proto_put_bytes(w, "", 1);
}

void proto_put_snapshot(struct proto_writer *w, const struct proto_snapshot *s)
{
    proto_put_guid(w, &s->id);
    proto_put_guid(w, &s->set_id);
    proto_put_u32(w, s->set_count);
    proto_put_string(w, s->device);
    proto_put_string(w, s->original_volume);
    proto_put_string(w, s->originating_machine);
    proto_put_string(w, s->service_machine);
    proto_put_string(w, s->exposed_name);
    proto_put_string(w, s->exposed_path);
    proto_put_guid(w, &s->provider_id);
    proto_put_u32(w, s->attributes);
    proto_put_u64(w, s->created);
    proto_put_u32(w, s->state);
}

void proto_put_provider(struct proto_writer *w, const struct proto_provider *p)
{
    proto_put_guid(w, &p->id);
    proto_put_string(w, p->name);
    proto_put_u32(w, p->type);
    proto_put_string(w, p->version);
    proto_put_guid(w, &p->version_id);
    proto_put_guid(w, &p->class_id);
}

void proto_put_volume(struct proto_writer *w, const struct proto_volume *v)
{
    proto_put_string(w, v->name);
    proto_put_string(w, v->root);
}

void proto_put_import(struct proto_writer *w, const struct proto_import *i)
{
    proto_put_guid(w, &i->id);
    proto_put_guid(w, &i->provider_id);
    proto_put_u32(w, i->attributes);
    proto_put_u64(w, i->created);
    proto_put_string(w, i->original_volume);
    proto_put_string(w, i->originating_machine);
    proto_put_string(w, i->locator);
}

int proto_header_parse(const uint8_t raw[PROTO_HEADER_SIZE], struct proto_header *h)
{
    h->magic = (uint32_t)get_le(raw, 4);
    h->version = (uint16_t)get_le(raw + 4, 2);
    h->type = (uint16_t)get_le(raw + 6, 2);
    h->id = (uint32_t)get_le(raw + 8, 4);
    h->length = (uint32_t)get_le(raw + 12, 4);

    if (h->magic != PROTO_MAGIC || h->version != PROTO_VERSION)
        return -1;
    if (h->type == 0 || h->type >= PROTO_TYPE_COUNT)
        return -1;
    if (h->length > PROTO_MAX_PAYLOAD)
        return -1;
    return 0;
}

void proto_reader_init(struct proto_reader *r, const void *payload, size_t size)
{
    r->data = payload;
    r->size = size;
    r->offset = 0;
    r->failed = 0;
}

static const uint8_t *reader_take(struct proto_reader *r, size_t n)
{
    const uint8_t *p;

    if (r->failed || n > r->size - r->offset)
    {
        r->failed = 1;
        return NULL;
    }
    p = r->data + r->offset;
    r->offset += n;
    return p;
}

uint32_t proto_get_u32(struct proto_reader *r)
{
    const uint8_t *p = reader_take(r, 4);

    return p ? (uint32_t)get_le(p, 4) : 0;
}

uint64_t proto_get_u64(struct proto_reader *r)
{
    const uint8_t *p = reader_take(r, 8);

    return p ? get_le(p, 8) : 0;
}

void proto_get_bytes(struct proto_reader *r, void *out, size_t n)
{
    const uint8_t *p = reader_take(r, n);

    if (p)
        memcpy(out, p, n);
    else
        memset(out, 0, n);
}

void proto_get_guid(struct proto_reader *r, struct proto_guid *g)
{
    proto_get_bytes(r, g->bytes, sizeof(g->bytes));
}

/* Well-formed UTF-8 without NUL, overlong forms or surrogates. */
static int utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0, k, len;
    uint32_t c, min;

    while (i < n)
    {
        c = s[i];
        if (c == 0)
            return 0;
        if (c < 0x80) { i++; continue; }
        if ((c & 0xe0) == 0xc0) { len = 2; c &= 0x1f; min = 0x80; }
        else if ((c & 0xf0) == 0xe0) { len = 3; c &= 0x0f; min = 0x800; }
        else if ((c & 0xf8) == 0xf0) { len = 4; c &= 0x07; min = 0x10000; }
        else return 0;
        if (len > n - i)
            return 0;
        for (k = 1; k < len; k++)
        {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            c = (c << 6) | (s[i + k] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return 0;
        i += len;
    }
    return 1;
}

const char *proto_get_string(struct proto_reader *r)
{
    uint32_t len = proto_get_u32(r);
    const uint8_t *p;

    if (r->failed || len > PROTO_MAX_STRING)
    {
        r->failed = 1;
        return "";
    }
    if (!(p = reader_take(r, (size_t)len + 1)))
        return "";
    if (p[len] != 0 || !utf8_valid(p, len))
    {
        r->failed = 1;
        return "";
    }
    return (const char *)p;
}

void proto_get_snapshot(struct proto_reader *r, struct proto_snapshot *s)
{
    proto_get_guid(r, &s->id);
    proto_get_guid(r, &s->set_id);
    s->set_count = proto_get_u32(r);
    s->device = proto_get_string(r);
    s->original_volume = proto_get_string(r);
    s->originating_machine = proto_get_string(r);
    s->service_machine = proto_get_string(r);
    s->exposed_name = proto_get_string(r);
    s->exposed_path = proto_get_string(r);
    proto_get_guid(r, &s->provider_id);
    s->attributes = proto_get_u32(r);
    s->created = proto_get_u64(r);
    s->state = proto_get_u32(r);
}

void proto_get_provider(struct proto_reader *r, struct proto_provider *p)
{
    proto_get_guid(r, &p->id);
    p->name = proto_get_string(r);
    p->type = proto_get_u32(r);
    p->version = proto_get_string(r);
    proto_get_guid(r, &p->version_id);
    proto_get_guid(r, &p->class_id);
}

void proto_get_volume(struct proto_reader *r, struct proto_volume *v)
{
    v->name = proto_get_string(r);
    v->root = proto_get_string(r);
}

void proto_get_import(struct proto_reader *r, struct proto_import *i)
{
    proto_get_guid(r, &i->id);
    proto_get_guid(r, &i->provider_id);
    i->attributes = proto_get_u32(r);
    i->created = proto_get_u64(r);
    i->original_volume = proto_get_string(r);
    i->originating_machine = proto_get_string(r);
    i->locator = proto_get_string(r);
}

int proto_reader_end(struct proto_reader *r)
{
    return (r->failed || r->offset != r->size) ? -1 : 0;
}

const char *proto_status_name(enum proto_status status)
{
    static const char * const names[PROTO_STATUS_COUNT] =
    {
        "ok", "bad request", "denied", "not found", "already exists", "set in progress",
        "maximum number of volumes", "maximum number of snapshots", "volume not supported",
        "volume not supported by provider", "provider not registered", "no space",
        "provider veto", "provider failed", "hold timeout", "internal error",
        "bad exposure target", "volume in use", "revert in progress", "cannot revert",
        "unsupported context",
    };

    return (unsigned int)status < PROTO_STATUS_COUNT ? names[status] : "unknown status";
}

const char *proto_type_name(enum proto_type type)
{
    static const char * const names[PROTO_TYPE_COUNT] =
    {
        "(none)", "hello", "resolve-volume", "begin-set", "add-volume", "commit-set", "abort-set",
        "get-snapshot", "query-snapshots", "query-providers", "delete-snapshots",
        "expose-snapshot", "unexpose-snapshot", "get-locator", "import-snapshots", "break-set",
        "revert", "revert-status",
    };

    return (unsigned int)type < PROTO_TYPE_COUNT ? names[type] : "unknown type";
}
