/*
 * vssapi.dll: the client side of winevssd, the host agent.
 *
 * Transport: TCP on 127.0.0.1 (Wine 8 has no AF_UNIX).  The agent writes its
 * port and a random secret to $WINEPREFIX/winevss/agent.port (mode 0600);
 * a session connects, presents the secret in a HELLO and then sends one
 * request at a time.  When no agent answers, the session starts one
 * (CreateProcessW of the native binary, which Wine runs with fork and exec)
 * and retries for a bounded time.
 *
 * Where the agent binary is: the AgentPath value (a Unix path) of
 * HKLM\Software\Wine\winevss, written at installation; else the
 * WINEVSS_AGENT environment variable; else /usr/local/lib/winevss/winevssd
 * and /usr/lib/winevss/winevssd.
 *
 * Encoding and decoding use providers/proto.c, the same code the agent
 * compiles.  proto_status values become HRESULTs in agent_result() only.
 */

#include <stdlib.h>
#include <string.h>

#include "winsock2.h"
#include "ws2tcpip.h"
#include "vssapi_private.h"

#include "proto.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

/* How long a session waits for a freshly started agent. */
#define AGENT_START_TIMEOUT_MS 10000
#define AGENT_RESTART_MS 4000
/* How long an ordinary request may take; commits wait for as long as the
 * agent lives (a copy snapshot of a large volume takes a while). */
#define AGENT_REQUEST_TIMEOUT_MS 60000

struct agent_session
{
    CRITICAL_SECTION cs;   /* serialises requests on the socket */
    SOCKET socket;
    UINT32 next_id;
    BOOL broken;           /* the connection failed; every call fails */
};

static HRESULT agent_result(enum proto_status status)
{
    switch (status)
    {
    case PROTO_OK: return S_OK;
    case PROTO_E_DENIED: return E_ACCESSDENIED;
    case PROTO_E_NOT_FOUND: return VSS_E_OBJECT_NOT_FOUND;
    case PROTO_E_EXISTS: return VSS_E_OBJECT_ALREADY_EXISTS;
    case PROTO_E_SET_IN_PROGRESS: return VSS_E_SNAPSHOT_SET_IN_PROGRESS;
    case PROTO_E_MAX_VOLUMES: return VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED;
    case PROTO_E_MAX_SNAPSHOTS: return VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED;
    case PROTO_E_VOLUME_NOT_SUPPORTED: return VSS_E_VOLUME_NOT_SUPPORTED;
    case PROTO_E_NOT_SUPPORTED_BY_PROVIDER: return VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER;
    case PROTO_E_PROVIDER_NOT_REGISTERED: return VSS_E_PROVIDER_NOT_REGISTERED;
    case PROTO_E_NO_SPACE: return VSS_E_INSUFFICIENT_STORAGE;
    case PROTO_E_PROVIDER_VETO: return VSS_E_PROVIDER_VETO;
    case PROTO_E_PROVIDER_FAILED: return VSS_E_UNEXPECTED_PROVIDER_ERROR;
    case PROTO_E_HOLD_TIMEOUT: return VSS_E_HOLD_WRITES_TIMEOUT;
    case PROTO_E_BAD_TARGET: return E_INVALIDARG;
    case PROTO_E_VOLUME_IN_USE: return VSS_E_VOLUME_IN_USE;
    case PROTO_E_REVERT_IN_PROGRESS: return VSS_E_REVERT_IN_PROGRESS;
    case PROTO_E_CANNOT_REVERT: return E_NOTIMPL;
    case PROTO_E_UNSUPPORTED_CONTEXT: return VSS_E_UNSUPPORTED_CONTEXT;
    default:
        ERR("agent answered %s.\n", proto_status_name(status));
        return VSS_E_UNEXPECTED;
    }
}

/* --- strings and GUIDs --- */

static char *utf8_from_wide(const WCHAR *str)
{
    int len = WideCharToMultiByte(CP_UTF8, 0, str, -1, NULL, 0, NULL, NULL);
    char *ret;

    if (!len || !(ret = malloc(len)))
        return NULL;
    WideCharToMultiByte(CP_UTF8, 0, str, -1, ret, len, NULL, NULL);
    return ret;
}

/* A CoTaskMemAlloc'd UTF-16 copy, NULL for an empty string when
 * empty_is_null is set (unset fields of VSS_SNAPSHOT_PROP are NULL). */
static WCHAR *task_wide_from_utf8(const char *str, BOOL empty_is_null)
{
    int len;
    WCHAR *ret;

    if (empty_is_null && !*str)
        return NULL;
    len = MultiByteToWideChar(CP_UTF8, 0, str, -1, NULL, 0);
    if (!len || !(ret = CoTaskMemAlloc(len * sizeof(WCHAR))))
        return NULL;
    MultiByteToWideChar(CP_UTF8, 0, str, -1, ret, len);
    return ret;
}

static void guid_to_proto(const GUID *guid, struct proto_guid *out)
{
    C_ASSERT(sizeof(*guid) == sizeof(out->bytes));
    memcpy(out->bytes, guid, sizeof(out->bytes));
}

static void guid_from_proto(const struct proto_guid *in, GUID *guid)
{
    memcpy(guid, in->bytes, sizeof(*guid));
}

/* --- finding and starting the agent --- */

static char *(CDECL *p_wine_get_unix_file_name)(const WCHAR *);
static WCHAR *(CDECL *p_wine_get_dos_file_name)(const char *);

static BOOL load_wine_path_functions(void)
{
    HMODULE kernel32 = GetModuleHandleW(L"kernel32.dll");

    p_wine_get_unix_file_name = (void *)GetProcAddress(kernel32, "wine_get_unix_file_name");
    p_wine_get_dos_file_name = (void *)GetProcAddress(kernel32, "wine_get_dos_file_name");
    return p_wine_get_unix_file_name && p_wine_get_dos_file_name;
}

/* The prefix's Unix directory, from where Wine puts the C: drive
 * ($WINEPREFIX/dosdevices/c:), else from WINEPREFIX.  HeapAlloc'd. */
static char *find_prefix(void)
{
    char *path, *cut, *ret;
    DWORD len;

    if ((path = p_wine_get_unix_file_name(L"C:\\")))
    {
        if ((cut = strstr(path, "/dosdevices/")))
        {
            *cut = 0;
            return path;
        }
        HeapFree(GetProcessHeap(), 0, path);
    }
    if ((len = GetEnvironmentVariableA("WINEPREFIX", NULL, 0))
            && (ret = HeapAlloc(GetProcessHeap(), 0, len)))
    {
        GetEnvironmentVariableA("WINEPREFIX", ret, len);
        return ret;
    }
    return NULL;
}

static HANDLE open_unix_file(const char *unix_path)
{
    WCHAR *dos;
    HANDLE file;

    if (!(dos = p_wine_get_dos_file_name(unix_path)))
        return INVALID_HANDLE_VALUE;
    file = CreateFileW(dos, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
            OPEN_EXISTING, 0, NULL);
    HeapFree(GetProcessHeap(), 0, dos);
    return file;
}

/* Reads "<port> <secret hex>\n". */
static BOOL read_port_file(const char *prefix, USHORT *port, BYTE secret[PROTO_SECRET_SIZE])
{
    char path[MAX_PATH * 3], text[128];
    unsigned int value, i;
    HANDLE file;
    DWORD size;
    BOOL ret;

    snprintf(path, sizeof(path), "%s/winevss/agent.port", prefix);
    if ((file = open_unix_file(path)) == INVALID_HANDLE_VALUE)
        return FALSE;
    ret = ReadFile(file, text, sizeof(text) - 1, &size, NULL);
    CloseHandle(file);
    if (!ret)
        return FALSE;
    text[size] = 0;

    if (sscanf(text, "%u ", &value) != 1 || !value || value > 65535)
        return FALSE;
    *port = value;
    if (!(size = strcspn(text, " ")) || strlen(text + size + 1) < 2 * PROTO_SECRET_SIZE)
        return FALSE;
    for (i = 0; i < PROTO_SECRET_SIZE; ++i)
    {
        if (sscanf(text + size + 1 + 2 * i, "%2x", &value) != 1)
            return FALSE;
        secret[i] = value;
    }
    return TRUE;
}

static BOOL unix_file_exists(const char *path)
{
    WCHAR *dos;
    DWORD attributes;

    if (!(dos = p_wine_get_dos_file_name(path)))
        return FALSE;
    attributes = GetFileAttributesW(dos);
    HeapFree(GetProcessHeap(), 0, dos);
    return attributes != INVALID_FILE_ATTRIBUTES && !(attributes & FILE_ATTRIBUTE_DIRECTORY);
}

static BOOL find_agent_binary(char *path, DWORD size)
{
    static const char * const defaults[] = { "/usr/local/lib/winevss/winevssd", "/usr/lib/winevss/winevssd" };
    DWORD type, len = size;
    int i;

    if (!RegGetValueA(HKEY_LOCAL_MACHINE, "Software\\Wine\\winevss", "AgentPath", RRF_RT_REG_SZ, &type,
            path, &len) && unix_file_exists(path))
        return TRUE;
    if (GetEnvironmentVariableA("WINEVSS_AGENT", path, size) && unix_file_exists(path))
        return TRUE;
    for (i = 0; i < (int)(sizeof(defaults) / sizeof(defaults[0])); ++i)
    {
        if (unix_file_exists(defaults[i]))
        {
            lstrcpynA(path, defaults[i], size);
            return TRUE;
        }
    }
    return FALSE;
}

static BOOL start_agent(const char *prefix)
{
    char binary[MAX_PATH * 3];
    PROCESS_INFORMATION info;
    STARTUPINFOW startup;
    WCHAR *dos, *cmdline, *wide_prefix;
    int len;
    BOOL ret;

    if (!find_agent_binary(binary, sizeof(binary)))
    {
        ERR("winevssd not found: install winevss or set WINEVSS_AGENT.\n");
        return FALSE;
    }
    if (!(dos = p_wine_get_dos_file_name(binary)))
        return FALSE;
    memset(&startup, 0, sizeof(startup));
    startup.cb = sizeof(startup);
    len = MultiByteToWideChar(CP_UTF8, 0, prefix, -1, NULL, 0);
    wide_prefix = malloc(len * sizeof(WCHAR));
    len += lstrlenW(dos) + 32;
    if (!wide_prefix || !(cmdline = malloc(len * sizeof(WCHAR))))
    {
        free(wide_prefix);
        HeapFree(GetProcessHeap(), 0, dos);
        return FALSE;
    }
    MultiByteToWideChar(CP_UTF8, 0, prefix, -1, wide_prefix, len);
    _snwprintf(cmdline, len, L"\"%ls\" --prefix \"%ls\"", dos, wide_prefix);
    free(wide_prefix);
    TRACE("starting %s.\n", debugstr_w(cmdline));
    /* Wine runs a native binary with fork and exec and returns no handle. */
    ret = CreateProcessW(dos, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &info);
    if (!ret)
        ERR("cannot start %s, error %lu.\n", debugstr_w(dos), GetLastError());
    free(cmdline);
    HeapFree(GetProcessHeap(), 0, dos);
    return ret;
}

/* --- the connection --- */

static BOOL send_all(SOCKET s, const BYTE *data, size_t size)
{
    int done;

    while (size)
    {
        if ((done = send(s, (const char *)data, size > INT_MAX ? INT_MAX : size, 0)) <= 0)
            return FALSE;
        data += done;
        size -= done;
    }
    return TRUE;
}

static BOOL recv_all(SOCKET s, BYTE *data, size_t size)
{
    int done;

    while (size)
    {
        if ((done = recv(s, (char *)data, size > INT_MAX ? INT_MAX : size, 0)) <= 0)
            return FALSE;
        data += done;
        size -= done;
    }
    return TRUE;
}

static void set_timeout(SOCKET s, DWORD ms)
{
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof(ms));
}

/* Sends the request in w and reads the answer.  On S_OK, *payload is the
 * malloc'd payload and r reads it after the status word. */
static HRESULT agent_call(struct agent_session *session, struct proto_writer *w, DWORD timeout,
        struct proto_reader *r, BYTE **payload)
{
    BYTE raw[PROTO_HEADER_SIZE];
    struct proto_header request, response;
    HRESULT hr = VSS_E_UNEXPECTED;

    *payload = NULL;
    if (proto_writer_finish(w))
        return E_OUTOFMEMORY;
    proto_header_parse(w->data, &request);

    EnterCriticalSection(&session->cs);
    if (session->broken)
        goto done;
    set_timeout(session->socket, timeout);
    if (!send_all(session->socket, w->data, w->size) || !recv_all(session->socket, raw, sizeof(raw)))
        goto broken;
    if (proto_header_parse(raw, &response) || response.id != request.id || response.type != request.type
            || response.length < 4)
        goto broken;
    if (!(*payload = malloc(response.length)))
    {
        hr = E_OUTOFMEMORY;
        goto broken;
    }
    if (!recv_all(session->socket, *payload, response.length))
        goto broken;
    proto_reader_init(r, *payload, response.length);
    hr = agent_result(proto_get_u32(r));
    goto done;

broken:
    ERR("lost the connection to winevssd during %s.\n", proto_type_name(request.type));
    session->broken = TRUE;
    free(*payload);
    *payload = NULL;
done:
    LeaveCriticalSection(&session->cs);
    return hr;
}

static void request_begin(struct agent_session *session, struct proto_writer *w, enum proto_type type)
{
    proto_writer_init(w);
    proto_writer_begin(w, type, InterlockedIncrement((LONG *)&session->next_id));
}

/* A request about one object (a set, a snapshot): its id comes first. */
static void request_begin_for(struct agent_session *session, struct proto_writer *w, enum proto_type type,
        const GUID *object)
{
    struct proto_guid id;

    request_begin(session, w, type);
    guid_to_proto(object, &id);
    proto_put_guid(w, &id);
}

/* The answer must have been read completely; anything else is a protocol
 * error, which breaks the session. */
static HRESULT request_end(struct agent_session *session, struct proto_writer *w, struct proto_reader *r,
        BYTE *payload, HRESULT hr)
{
    if (SUCCEEDED(hr) && proto_reader_end(r))
    {
        ERR("malformed answer from winevssd.\n");
        session->broken = TRUE;
        hr = VSS_E_UNEXPECTED;
    }
    free(payload);
    proto_writer_free(w);
    return hr;
}

static SOCKET connect_loopback(USHORT port)
{
    struct sockaddr_in addr = { 0 };
    SOCKET s;
    BOOL nodelay = TRUE;

    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)) == INVALID_SOCKET)
        return s;
    if (connect(s, (struct sockaddr *)&addr, sizeof(addr)))
    {
        closesocket(s);
        return INVALID_SOCKET;
    }
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&nodelay, sizeof(nodelay));
    return s;
}

static HRESULT session_hello(struct agent_session *session, const BYTE secret[PROTO_SECRET_SIZE])
{
    struct proto_writer w;
    struct proto_reader r;
    BYTE *payload;
    HRESULT hr;

    request_begin(session, &w, PROTO_HELLO);
    proto_put_bytes(&w, secret, PROTO_SECRET_SIZE);
    proto_put_u32(&w, GetCurrentProcessId());
    if (SUCCEEDED(hr = agent_call(session, &w, AGENT_REQUEST_TIMEOUT_MS, &r, &payload)))
        proto_get_u32(&r);
    return request_end(session, &w, &r, payload, hr);
}

static BOOL try_connect(struct agent_session *session, const char *prefix)
{
    BYTE secret[PROTO_SECRET_SIZE];
    USHORT port;

    if (!read_port_file(prefix, &port, secret))
        return FALSE;
    if ((session->socket = connect_loopback(port)) == INVALID_SOCKET)
        return FALSE;
    session->broken = FALSE;
    if (SUCCEEDED(session_hello(session, secret)))
        return TRUE;
    closesocket(session->socket);
    session->socket = INVALID_SOCKET;
    return FALSE;
}

static HRESULT session_connect(struct agent_session *session)
{
    DWORD start, last_start, now;
    char *prefix;
    BOOL started = FALSE, ok = FALSE;

    if (!load_wine_path_functions() || !(prefix = find_prefix()))
    {
        ERR("cannot find the Wine prefix.\n");
        return VSS_E_UNEXPECTED;
    }
    start = last_start = GetTickCount();
    while (!(ok = try_connect(session, prefix)))
    {
        now = GetTickCount();
        /* Again from time to time: an agent may have been exiting (idle)
         * just as we connected, and the one we started left the prefix
         * to it. */
        if (!started || now - last_start > AGENT_RESTART_MS)
        {
            if (!(started = start_agent(prefix)))
                break;
            last_start = now;
        }
        if (now - start > AGENT_START_TIMEOUT_MS)
            break;
        Sleep(20);
    }
    HeapFree(GetProcessHeap(), 0, prefix);
    if (!ok)
    {
        ERR("winevssd is not available.\n");
        return VSS_E_UNEXPECTED;
    }
    return S_OK;
}

HRESULT agent_session_open(struct agent_session **out)
{
    struct agent_session *session;
    WSADATA wsa;
    HRESULT hr;

    if (WSAStartup(MAKEWORD(2, 2), &wsa))
        return VSS_E_UNEXPECTED;
    if (!(session = calloc(1, sizeof(*session))))
    {
        WSACleanup();
        return E_OUTOFMEMORY;
    }
    InitializeCriticalSection(&session->cs);
    session->socket = INVALID_SOCKET;
    if (FAILED(hr = session_connect(session)))
    {
        agent_session_close(session);
        return hr;
    }
    *out = session;
    return S_OK;
}

void agent_session_close(struct agent_session *session)
{
    if (!session)
        return;
    /* The agent ends the session, and releases what it held, when the
     * connection closes. */
    if (session->socket != INVALID_SOCKET)
        closesocket(session->socket);
    DeleteCriticalSection(&session->cs);
    free(session);
    WSACleanup();
}

/* --- requests --- */

static HRESULT put_volume_names(struct proto_writer *w, const WCHAR *guid_name, const WCHAR *root)
{
    struct proto_volume v;
    char *utf8_name, *utf8_root;
    HRESULT hr = S_OK;

    utf8_name = utf8_from_wide(guid_name);
    utf8_root = utf8_from_wide(root);
    if (utf8_name && utf8_root)
    {
        v.name = utf8_name;
        v.root = utf8_root;
        proto_put_volume(w, &v);
    }
    else
        hr = E_OUTOFMEMORY;
    free(utf8_name);
    free(utf8_root);
    return hr;
}

/* Asks the agent about a volume: the provider it would use (or whether the
 * given one can), and the volume's name. */
static HRESULT resolve_call(struct agent_session *session, const WCHAR *guid_name, const WCHAR *root,
        const VSS_ID *provider, VSS_ID *chosen, BOOL *supported, WCHAR canonical[VOLUME_NAME_SIZE])
{
    struct proto_writer w;
    struct proto_reader r;
    struct proto_guid id;
    BYTE *payload = NULL;
    const char *name;
    HRESULT hr;

    request_begin(session, &w, PROTO_RESOLVE_VOLUME);
    if (SUCCEEDED(hr = put_volume_names(&w, guid_name, root)))
    {
        guid_to_proto(provider, &id);
        proto_put_guid(&w, &id);
        if (SUCCEEDED(hr = agent_call(session, &w, AGENT_REQUEST_TIMEOUT_MS, &r, &payload)))
        {
            proto_get_guid(&r, &id);
            guid_from_proto(&id, chosen);
            *supported = proto_get_u32(&r) != 0;
            name = proto_get_string(&r);
            if (!MultiByteToWideChar(CP_UTF8, 0, name, -1, canonical, VOLUME_NAME_SIZE))
                canonical[0] = 0;
        }
    }
    return request_end(session, &w, &r, payload, hr);
}

/* The names the agent needs for a requester's volume name; mount folders
 * are named by the agent. */
static HRESULT volume_names(struct agent_session *session, const WCHAR *name,
        WCHAR guid_name[VOLUME_NAME_SIZE], WCHAR root[MAX_PATH])
{
    VSS_ID chosen;
    BOOL supported;
    HRESULT hr;

    if ((hr = volume_from_name(name, guid_name, root)) != S_FALSE)
        return hr;
    return resolve_call(session, guid_name, root, &GUID_NULL, &chosen, &supported, guid_name);
}

HRESULT agent_resolve_volume(struct agent_session *session, const WCHAR *name, struct agent_volume *volume)
{
    WCHAR root[MAX_PATH];
    HRESULT hr;

    if (FAILED(hr = volume_from_name(name, volume->name, root)))
        return hr;
    return resolve_call(session, volume->name, root, &GUID_NULL, &volume->provider_id, &volume->supported,
            volume->name);
}

HRESULT agent_is_volume_supported(struct agent_session *session, const VSS_ID *provider,
        const WCHAR *name, BOOL *supported)
{
    WCHAR guid_name[VOLUME_NAME_SIZE], root[MAX_PATH];
    VSS_ID chosen;
    HRESULT hr;

    if (FAILED(hr = volume_from_name(name, guid_name, root)))
        return hr;
    return resolve_call(session, guid_name, root, provider, &chosen, supported, guid_name);
}

/* A request whose answer is the status alone. */
static HRESULT simple_call(struct agent_session *session, struct proto_writer *w, DWORD timeout)
{
    struct proto_reader r;
    BYTE *payload;
    HRESULT hr;

    hr = agent_call(session, w, timeout, &r, &payload);
    return request_end(session, w, &r, payload, hr);
}

HRESULT agent_begin_set(struct agent_session *session, const VSS_ID *set_id, LONG context)
{
    struct proto_writer w;

    request_begin_for(session, &w, PROTO_BEGIN_SET, set_id);
    proto_put_u32(&w, context);
    return simple_call(session, &w, AGENT_REQUEST_TIMEOUT_MS);
}

HRESULT agent_add_volume(struct agent_session *session, const VSS_ID *set_id, const WCHAR *name,
        const VSS_ID *provider, const VSS_ID *snapshot_id)
{
    WCHAR guid_name[VOLUME_NAME_SIZE], root[MAX_PATH];
    struct proto_writer w;
    struct proto_guid id;
    HRESULT hr;

    if (FAILED(hr = volume_names(session, name, guid_name, root)))
        return hr;
    request_begin_for(session, &w, PROTO_ADD_VOLUME, set_id);
    if (FAILED(hr = put_volume_names(&w, guid_name, root)))
    {
        proto_writer_free(&w);
        return hr;
    }
    guid_to_proto(provider, &id);
    proto_put_guid(&w, &id);
    guid_to_proto(snapshot_id, &id);
    proto_put_guid(&w, &id);
    return simple_call(session, &w, AGENT_REQUEST_TIMEOUT_MS);
}

HRESULT agent_commit_set(struct agent_session *session, const VSS_ID *set_id)
{
    struct proto_writer w;

    request_begin_for(session, &w, PROTO_COMMIT_SET, set_id);
    return simple_call(session, &w, 0);
}

HRESULT agent_abort_set(struct agent_session *session, const VSS_ID *set_id, BOOL delete_created)
{
    struct proto_writer w;

    request_begin_for(session, &w, PROTO_ABORT_SET, set_id);
    proto_put_u32(&w, !!delete_created);
    return simple_call(session, &w, AGENT_REQUEST_TIMEOUT_MS);
}

static HRESULT snapshot_from_proto(const struct proto_snapshot *in, VSS_SNAPSHOT_PROP *prop)
{
    memset(prop, 0, sizeof(*prop));
    guid_from_proto(&in->id, &prop->m_SnapshotId);
    guid_from_proto(&in->set_id, &prop->m_SnapshotSetId);
    prop->m_lSnapshotsCount = in->set_count;
    prop->m_pwszSnapshotDeviceObject = task_wide_from_utf8(in->device, FALSE);
    prop->m_pwszOriginalVolumeName = task_wide_from_utf8(in->original_volume, FALSE);
    prop->m_pwszOriginatingMachine = task_wide_from_utf8(in->originating_machine, FALSE);
    prop->m_pwszServiceMachine = task_wide_from_utf8(in->service_machine, FALSE);
    prop->m_pwszExposedName = task_wide_from_utf8(in->exposed_name, TRUE);
    prop->m_pwszExposedPath = task_wide_from_utf8(in->exposed_path, TRUE);
    guid_from_proto(&in->provider_id, &prop->m_ProviderId);
    prop->m_lSnapshotAttributes = in->attributes;
    prop->m_tsCreationTimestamp = in->created;
    prop->m_eStatus = in->state;
    if (!prop->m_pwszSnapshotDeviceObject || !prop->m_pwszOriginalVolumeName
            || !prop->m_pwszOriginatingMachine || !prop->m_pwszServiceMachine)
    {
        VssFreeSnapshotPropertiesInternal(prop);
        return E_OUTOFMEMORY;
    }
    return S_OK;
}

HRESULT agent_get_snapshot(struct agent_session *session, const VSS_ID *snapshot_id, LONG context,
        VSS_SNAPSHOT_PROP *prop)
{
    struct proto_snapshot snapshot;
    struct proto_writer w;
    struct proto_reader r;
    BYTE *payload;
    HRESULT hr;

    request_begin_for(session, &w, PROTO_GET_SNAPSHOT, snapshot_id);
    proto_put_u32(&w, context);
    if (SUCCEEDED(hr = agent_call(session, &w, AGENT_REQUEST_TIMEOUT_MS, &r, &payload)))
    {
        proto_get_snapshot(&r, &snapshot);
        if (!r.failed)
            hr = snapshot_from_proto(&snapshot, prop);
    }
    hr = request_end(session, &w, &r, payload, hr);
    return hr;
}

HRESULT agent_query_snapshots(struct agent_session *session, LONG context, VSS_SNAPSHOT_PROP **props,
        ULONG *count)
{
    struct proto_snapshot snapshot;
    VSS_SNAPSHOT_PROP *array = NULL;
    struct proto_writer w;
    struct proto_reader r;
    BYTE *payload;
    UINT32 n = 0, i;
    HRESULT hr;

    request_begin(session, &w, PROTO_QUERY_SNAPSHOTS);
    proto_put_u32(&w, context);
    if (SUCCEEDED(hr = agent_call(session, &w, AGENT_REQUEST_TIMEOUT_MS, &r, &payload)))
    {
        n = proto_get_u32(&r);
        if (n > PROTO_MAX_PAYLOAD / 64 || !(array = calloc(n ? n : 1, sizeof(*array))))
            hr = r.failed ? VSS_E_UNEXPECTED : E_OUTOFMEMORY;
        for (i = 0; SUCCEEDED(hr) && i < n; ++i)
        {
            proto_get_snapshot(&r, &snapshot);
            if (r.failed)
                break;
            hr = snapshot_from_proto(&snapshot, &array[i]);
        }
        if (FAILED(hr) || r.failed)
        {
            while (i--)
                VssFreeSnapshotPropertiesInternal(&array[i]);
            free(array);
            array = NULL;
            n = 0;
        }
    }
    hr = request_end(session, &w, &r, payload, hr);
    *props = array;
    *count = n;
    return hr;
}

HRESULT agent_query_providers(struct agent_session *session, VSS_PROVIDER_PROP **props, ULONG *count)
{
    struct proto_provider provider;
    VSS_PROVIDER_PROP *array = NULL;
    struct proto_writer w;
    struct proto_reader r;
    BYTE *payload;
    UINT32 n = 0, i;
    HRESULT hr;

    request_begin(session, &w, PROTO_QUERY_PROVIDERS);
    if (SUCCEEDED(hr = agent_call(session, &w, AGENT_REQUEST_TIMEOUT_MS, &r, &payload)))
    {
        n = proto_get_u32(&r);
        if (n > 64 || !(array = calloc(n ? n : 1, sizeof(*array))))
            hr = r.failed || n > 64 ? VSS_E_UNEXPECTED : E_OUTOFMEMORY;
        for (i = 0; SUCCEEDED(hr) && i < n && !r.failed; ++i)
        {
            proto_get_provider(&r, &provider);
            guid_from_proto(&provider.id, &array[i].m_ProviderId);
            array[i].m_pwszProviderName = task_wide_from_utf8(provider.name, FALSE);
            array[i].m_eProviderType = provider.type;
            array[i].m_pwszProviderVersion = task_wide_from_utf8(provider.version, FALSE);
            guid_from_proto(&provider.version_id, &array[i].m_ProviderVersionId);
            guid_from_proto(&provider.class_id, &array[i].m_ClassId);
        }
        if (FAILED(hr) || r.failed)
        {
            for (i = 0; array && i < n; ++i)
            {
                CoTaskMemFree(array[i].m_pwszProviderName);
                CoTaskMemFree(array[i].m_pwszProviderVersion);
            }
            free(array);
            array = NULL;
            n = 0;
        }
    }
    hr = request_end(session, &w, &r, payload, hr);
    *props = array;
    *count = n;
    return hr;
}

HRESULT agent_delete_snapshots(struct agent_session *session, const VSS_ID *id, VSS_OBJECT_TYPE type,
        LONG context, BOOL force, LONG *deleted, VSS_ID *nondeleted)
{
    struct proto_writer w;
    struct proto_reader r;
    struct proto_guid pid;
    BYTE *payload;
    HRESULT hr;

    *deleted = 0;
    *nondeleted = GUID_NULL;
    request_begin_for(session, &w, PROTO_DELETE_SNAPSHOTS, id);
    proto_put_u32(&w, type);
    proto_put_u32(&w, context);
    proto_put_u32(&w, !!force);
    hr = agent_call(session, &w, 0, &r, &payload);
    if (payload)
    {
        *deleted = proto_get_u32(&r);
        proto_get_guid(&r, &pid);
        guid_from_proto(&pid, nondeleted);
    }
    return request_end(session, &w, &r, payload, hr);
}

HRESULT agent_revert(struct agent_session *session, const VSS_ID *snapshot_id, BOOL force)
{
    struct proto_writer w;

    request_begin_for(session, &w, PROTO_REVERT, snapshot_id);
    proto_put_u32(&w, !!force);
    /* Like a commit, it takes as long as the host needs. */
    return simple_call(session, &w, 0);
}

HRESULT agent_revert_status(struct agent_session *session, const WCHAR *name, BOOL *in_progress)
{
    WCHAR guid_name[VOLUME_NAME_SIZE], root[MAX_PATH];
    struct proto_writer w;
    struct proto_reader r;
    BYTE *payload = NULL;
    HRESULT hr;

    *in_progress = FALSE;
    if (FAILED(hr = volume_names(session, name, guid_name, root)))
        return hr;
    request_begin(session, &w, PROTO_REVERT_STATUS);
    if (SUCCEEDED(hr = put_volume_names(&w, guid_name, root))
            && SUCCEEDED(hr = agent_call(session, &w, AGENT_REQUEST_TIMEOUT_MS, &r, &payload)))
        *in_progress = proto_get_u32(&r) != 0;
    return request_end(session, &w, &r, payload, hr);
}

HRESULT agent_expose_snapshot(struct agent_session *session, const VSS_ID *snapshot_id, LONG context,
        const WCHAR *target, WCHAR **exposed, char **host_dir)
{
    struct proto_writer w;
    struct proto_reader r;
    BYTE *payload;
    char *target_utf8;
    HRESULT hr;

    *exposed = NULL;
    *host_dir = NULL;
    if (!(target_utf8 = utf8_from_wide(target)))
        return E_OUTOFMEMORY;
    request_begin_for(session, &w, PROTO_EXPOSE_SNAPSHOT, snapshot_id);
    proto_put_u32(&w, context);
    proto_put_string(&w, target_utf8);
    free(target_utf8);
    hr = agent_call(session, &w, AGENT_REQUEST_TIMEOUT_MS, &r, &payload);
    if (hr == S_OK)
    {
        const char *name = proto_get_string(&r), *dir = proto_get_string(&r);

        *exposed = task_wide_from_utf8(name, FALSE);
        *host_dir = strdup(dir);
        if (!*exposed || !*host_dir)
            hr = E_OUTOFMEMORY;
    }
    hr = request_end(session, &w, &r, payload, hr);
    if (hr != S_OK)
    {
        CoTaskMemFree(*exposed);
        free(*host_dir);
        *exposed = NULL;
        *host_dir = NULL;
    }
    return hr;
}

HRESULT agent_unexpose_snapshot(struct agent_session *session, const VSS_ID *snapshot_id, LONG context)
{
    struct proto_writer w;
    struct proto_reader r;
    BYTE *payload;
    HRESULT hr;

    request_begin_for(session, &w, PROTO_UNEXPOSE_SNAPSHOT, snapshot_id);
    proto_put_u32(&w, context);
    hr = agent_call(session, &w, AGENT_REQUEST_TIMEOUT_MS, &r, &payload);
    if (hr == S_OK)
        proto_get_string(&r);   /* the name it had; the caller knows it */
    return request_end(session, &w, &r, payload, hr);
}

HRESULT agent_get_locator(struct agent_session *session, const VSS_ID *snapshot_id, LONG context,
        WCHAR **locator)
{
    struct proto_writer w;
    struct proto_reader r;
    BYTE *payload;
    HRESULT hr;

    *locator = NULL;
    request_begin_for(session, &w, PROTO_GET_LOCATOR, snapshot_id);
    proto_put_u32(&w, context);
    hr = agent_call(session, &w, AGENT_REQUEST_TIMEOUT_MS, &r, &payload);
    if (hr == S_OK && !(*locator = task_wide_from_utf8(proto_get_string(&r), FALSE)))
        hr = E_OUTOFMEMORY;
    hr = request_end(session, &w, &r, payload, hr);
    if (hr != S_OK)
    {
        CoTaskMemFree(*locator);
        *locator = NULL;
    }
    return hr;
}

static void free_import_strings(struct proto_import *items, ULONG count)
{
    ULONG i;

    for (i = 0; i < count; i++)
    {
        free((char *)items[i].original_volume);
        free((char *)items[i].originating_machine);
        free((char *)items[i].locator);
    }
    free(items);
}

HRESULT agent_import_snapshots(struct agent_session *session, const VSS_ID *set_id, LONG context,
        const struct agent_import *snapshots, ULONG count, ULONG *imported)
{
    struct proto_import *items;
    struct proto_writer w;
    struct proto_reader r;
    BYTE *payload;
    HRESULT hr;
    ULONG i;

    *imported = 0;
    if (!(items = calloc(max(count, 1), sizeof(*items))))
        return E_OUTOFMEMORY;
    for (i = 0; i < count; i++)
    {
        guid_to_proto(&snapshots[i].id, &items[i].id);
        guid_to_proto(&snapshots[i].provider_id, &items[i].provider_id);
        items[i].attributes = snapshots[i].attributes;
        items[i].created = snapshots[i].created;
        items[i].original_volume = utf8_from_wide(snapshots[i].original_volume ? snapshots[i].original_volume : L"");
        items[i].originating_machine = utf8_from_wide(snapshots[i].originating_machine
                ? snapshots[i].originating_machine : L"");
        items[i].locator = utf8_from_wide(snapshots[i].locator ? snapshots[i].locator : L"");
        if (!items[i].original_volume || !items[i].originating_machine || !items[i].locator)
        {
            free_import_strings(items, i + 1);
            return E_OUTOFMEMORY;
        }
    }

    request_begin_for(session, &w, PROTO_IMPORT_SNAPSHOTS, set_id);
    proto_put_u32(&w, context);
    proto_put_u32(&w, count);
    for (i = 0; i < count; i++)
        proto_put_import(&w, &items[i]);
    free_import_strings(items, count);
    hr = agent_call(session, &w, 0, &r, &payload);
    if (hr == S_OK)
        *imported = proto_get_u32(&r);
    return request_end(session, &w, &r, payload, hr);
}

HRESULT agent_break_set(struct agent_session *session, const VSS_ID *set_id, LONG context, DWORD flags,
        ULONG *broken)
{
    struct proto_writer w;
    struct proto_reader r;
    BYTE *payload;
    HRESULT hr;

    *broken = 0;
    request_begin_for(session, &w, PROTO_BREAK_SET, set_id);
    proto_put_u32(&w, context);
    proto_put_u32(&w, flags);
    hr = agent_call(session, &w, AGENT_REQUEST_TIMEOUT_MS, &r, &payload);
    if (hr == S_OK)
        *broken = proto_get_u32(&r);
    return request_end(session, &w, &r, payload, hr);
}
