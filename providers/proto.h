/*
 * winevss wire protocol between vssapi.dll (the client, PE) and winevssd
 * (the agent, native Linux).  This file and proto.c are compiled into both,
 * so they use only fixed-width C99 types and no operating-system headers.
 *
 * Framing: every message is a 16-byte header followed by `length` bytes of
 * payload, all little-endian:
 *
 *     u32 magic     PROTO_MAGIC
 *     u16 version   PROTO_VERSION
 *     u16 type      enum proto_type (requests; a response repeats it)
 *     u32 id        request id, echoed in the response
 *     u32 length    payload size, at most PROTO_MAX_PAYLOAD
 *
 * A response payload starts with a u32 enum proto_status.  Payload fields are
 * encoded one after the other by the proto_put_* functions and read back by
 * the proto_get_* functions, which check every bound: a reader that runs
 * past the end, meets a malformed string or sees trailing bytes marks itself
 * failed, and the message is rejected whole.  Nothing is ever copied as a
 * raw structure.
 *
 * Compatibility: a version only ever grows.  New message types and new
 * trailing fields come with a new PROTO_VERSION; existing messages are never
 * redefined.
 */

#ifndef WINEVSS_PROTO_H
#define WINEVSS_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_MAGIC         0x53535657u   /* "WVSS" */
#define PROTO_VERSION       2
#define PROTO_HEADER_SIZE   16
#define PROTO_MAX_PAYLOAD   (4u << 20)
#define PROTO_MAX_STRING    4096          /* bytes of UTF-8 */
#define PROTO_SECRET_SIZE   32

enum proto_type
{
    PROTO_HELLO = 1,            /* secret[32], u32 pid -> u32 agent pid */
    PROTO_RESOLVE_VOLUME,       /* volume, guid provider (zero: any) -> guid provider, u32 supported,
                                   string volume name (the agent's name of a mount folder) */
    PROTO_BEGIN_SET,            /* guid set, u32 context -> */
    PROTO_ADD_VOLUME,           /* guid set, volume, guid provider, guid snapshot -> */
    PROTO_COMMIT_SET,           /* guid set -> */
    PROTO_ABORT_SET,            /* guid set, u32 delete_created -> */
    PROTO_GET_SNAPSHOT,         /* guid snapshot, u32 context -> snapshot */
    PROTO_QUERY_SNAPSHOTS,      /* u32 context -> u32 n, snapshot[n] */
    PROTO_QUERY_PROVIDERS,      /* -> u32 n, provider[n] */
    PROTO_DELETE_SNAPSHOTS,     /* guid id, u32 object type, u32 context, u32 force -> u32 deleted, guid failed */
    /* Version 2: persistent snapshots beyond one backup. */
    PROTO_EXPOSE_SNAPSHOT,      /* guid snapshot, u32 context, string target ("X:" or a DOS folder "X:\\dir")
                                   -> string exposed name, string host directory of the snapshot */
    PROTO_UNEXPOSE_SNAPSHOT,    /* guid snapshot, u32 context -> string exposed name it had */
    PROTO_GET_LOCATOR,          /* guid snapshot, u32 context -> string locator (transportable snapshots) */
    PROTO_IMPORT_SNAPSHOTS,     /* guid set, u32 context, u32 n, import[n] -> u32 imported */
    PROTO_BREAK_SET,            /* guid set, u32 context, u32 flags -> u32 broken */
    PROTO_REVERT,               /* guid snapshot, u32 force -> */
    PROTO_REVERT_STATUS,        /* volume -> u32 revert in progress */
    PROTO_TYPE_COUNT
};

/* Results as the agent reports them; vssapi/agent.c alone turns them into
 * HRESULTs. */
enum proto_status
{
    PROTO_OK = 0,
    PROTO_E_BAD_REQUEST,            /* malformed or out-of-sequence request */
    PROTO_E_DENIED,                 /* wrong secret, or the host refused (EACCES/EPERM) */
    PROTO_E_NOT_FOUND,              /* no such volume, set or snapshot */
    PROTO_E_EXISTS,                 /* volume already in the set */
    PROTO_E_SET_IN_PROGRESS,        /* another session is creating a set */
    PROTO_E_MAX_VOLUMES,            /* 64 volumes in the set already */
    PROTO_E_MAX_SNAPSHOTS,          /* the volume has 512 snapshots */
    PROTO_E_VOLUME_NOT_SUPPORTED,   /* no provider can snapshot the volume */
    PROTO_E_NOT_SUPPORTED_BY_PROVIDER,
    PROTO_E_PROVIDER_NOT_REGISTERED,
    PROTO_E_NO_SPACE,
    PROTO_E_PROVIDER_VETO,          /* the provider refused or failed in a known way */
    PROTO_E_PROVIDER_FAILED,        /* the provider failed unexpectedly */
    PROTO_E_HOLD_TIMEOUT,           /* the set could not be taken within the hold window */
    PROTO_E_INTERNAL,               /* the agent itself failed */
    /* Version 2. */
    PROTO_E_BAD_TARGET,             /* an exposure target that is malformed, in use or not an empty folder */
    PROTO_E_VOLUME_IN_USE,          /* a revert without force found the volume in use */
    PROTO_E_REVERT_IN_PROGRESS,
    PROTO_E_CANNOT_REVERT,          /* the snapshot's provider cannot revert */
    PROTO_E_UNSUPPORTED_CONTEXT,    /* the snapshot's context does not allow the request */
    PROTO_STATUS_COUNT
};

struct proto_guid
{
    uint8_t bytes[16];              /* Windows GUID memory layout */
};

/* A snapshot as VSS_SNAPSHOT_PROP describes it; strings are UTF-8 and
 * point into the message (reader) or the caller's memory (writer). */
struct proto_snapshot
{
    struct proto_guid id;
    struct proto_guid set_id;
    uint32_t set_count;
    const char *device;             /* \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN */
    const char *original_volume;    /* \\?\Volume{GUID}\ */
    const char *originating_machine;
    const char *service_machine;
    const char *exposed_name;       /* "" when not exposed */
    const char *exposed_path;
    struct proto_guid provider_id;
    uint32_t attributes;
    uint64_t created;               /* FILETIME: 100 ns since 1601, UTC */
    uint32_t state;
};

/* One snapshot of a transportable set, as ImportSnapshots names it from the
 * Backup Components Document: the locator is what PROTO_GET_LOCATOR gave in
 * the prefix that made it. */
struct proto_import
{
    struct proto_guid id;
    struct proto_guid provider_id;
    uint32_t attributes;
    uint64_t created;
    const char *original_volume;
    const char *originating_machine;
    const char *locator;
};

struct proto_provider
{
    struct proto_guid id;
    const char *name;
    uint32_t type;                  /* VSS_PROVIDER_TYPE */
    const char *version;
    struct proto_guid version_id;
    struct proto_guid class_id;
};

/* A volume as the client names it to the agent: the canonical
 * \\?\Volume{GUID}\ name the mount manager gave it, and its root as a DOS
 * path ("C:\" for a drive, "C:\mnt\data\" for a mount folder).  The agent
 * resolves the root itself, through the prefix's dosdevices, and checks it. */
struct proto_volume
{
    const char *name;
    const char *root;
};

struct proto_header
{
    uint32_t magic;
    uint16_t version;
    uint16_t type;
    uint32_t id;
    uint32_t length;
};

/* Writer: a growable buffer that starts with room for the header.  An
 * allocation failure marks it failed; later puts do nothing. */
struct proto_writer
{
    uint8_t *data;
    size_t size;
    size_t capacity;
    int failed;
};

struct proto_reader
{
    const uint8_t *data;
    size_t size;
    size_t offset;
    int failed;
};

void proto_writer_init(struct proto_writer *w);
void proto_writer_free(struct proto_writer *w);
void proto_writer_begin(struct proto_writer *w, enum proto_type type, uint32_t id);
/* Fills in the header's length; returns 0, or -1 if the writer failed or
 * the payload exceeds PROTO_MAX_PAYLOAD. */
int proto_writer_finish(struct proto_writer *w);

void proto_put_u32(struct proto_writer *w, uint32_t v);
void proto_put_u64(struct proto_writer *w, uint64_t v);
void proto_put_guid(struct proto_writer *w, const struct proto_guid *g);
void proto_put_bytes(struct proto_writer *w, const void *p, size_t n);
void proto_put_string(struct proto_writer *w, const char *s);
void proto_put_snapshot(struct proto_writer *w, const struct proto_snapshot *s);
void proto_put_provider(struct proto_writer *w, const struct proto_provider *p);
void proto_put_volume(struct proto_writer *w, const struct proto_volume *v);
void proto_put_import(struct proto_writer *w, const struct proto_import *i);

/* Decodes and checks a header; returns 0 or -1. */
int proto_header_parse(const uint8_t raw[PROTO_HEADER_SIZE], struct proto_header *h);

void proto_reader_init(struct proto_reader *r, const void *payload, size_t size);
uint32_t proto_get_u32(struct proto_reader *r);
uint64_t proto_get_u64(struct proto_reader *r);
void proto_get_guid(struct proto_reader *r, struct proto_guid *g);
void proto_get_bytes(struct proto_reader *r, void *p, size_t n);
/* Strings travel as u32 length, the UTF-8 bytes and a NUL, so the reader
 * hands out pointers into the payload.  Returns "" once the reader failed. */
const char *proto_get_string(struct proto_reader *r);
void proto_get_snapshot(struct proto_reader *r, struct proto_snapshot *s);
void proto_get_provider(struct proto_reader *r, struct proto_provider *p);
void proto_get_volume(struct proto_reader *r, struct proto_volume *v);
void proto_get_import(struct proto_reader *r, struct proto_import *i);
/* 0 when every byte was consumed and nothing failed, -1 otherwise. */
int proto_reader_end(struct proto_reader *r);

const char *proto_status_name(enum proto_status status);
const char *proto_type_name(enum proto_type type);

#endif /* WINEVSS_PROTO_H */
