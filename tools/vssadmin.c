/*
 * vssadmin.exe for winevss: lists, creates and deletes shadow copies through
 * the requester API of vssapi.dll, with the layout of Windows' vssadmin.
 *
 *   vssadmin list shadows [/for=X:] [/shadow={id}]
 *   vssadmin list providers | volumes | writers | shadowstorage
 *   vssadmin create shadow /for=X: [/autoretry=N]
 *   vssadmin delete shadows /for=X: | /oldest /for=X: | /all | /shadow={id} [/quiet]
 *
 * "create shadow" makes a VSS_CTX_CLIENT_ACCESSIBLE snapshot: persistent,
 * no auto release, no writers.  That is what Windows Server's vssadmin
 * makes (Type: ClientAccessible), and the one persistent context the DLL
 * accepts on workstations and servers alike, so the snapshot outlives
 * vssadmin.
 *
 * A create that takes more than a second shows "Creating shadow copy...
 * N s" on stderr (redrawn in place on a console, a line every few seconds
 * otherwise); stdout keeps Windows' layout.
 *
 * Exit status: 0 success, 1 invalid command or option, 2 the operation
 * failed (the message for its HRESULT is printed), 3 a deletion was not
 * confirmed.
 */

#include <stdarg.h>
#include <stdio.h>

#define COBJMACROS
#include "windef.h"
#include "winbase.h"
#include "winnls.h"
#include "objbase.h"
#include "vss.h"
#include "vswriter.h"
#include "vsbackup.h"
#include "vsserror.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define EXIT_USAGE  1
#define EXIT_FAILED 2
#define EXIT_DECLINED 3

#define CTX_TYPE_MASK (VSS_VOLSNAP_ATTR_PERSISTENT | VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE \
        | VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE | VSS_VOLSNAP_ATTR_NO_WRITERS)

struct options
{
    const WCHAR *volume;     /* /for= */
    const WCHAR *shadow;     /* /shadow= */
    GUID shadow_id;
    BOOL all, oldest, quiet;
    int autoretry;           /* minutes, -1 when absent */
};

static const struct
{
    HRESULT hr;
    const char *text;
}
messages[] =
{
    {VSS_E_BAD_STATE, "A function call was made when the object was in an incorrect state for that function."},
    {VSS_E_PROVIDER_VETO, "The shadow copy provider had an error. See $WINEPREFIX/winevss/agent.log for more information."},
    {VSS_E_OBJECT_NOT_FOUND, "Either the specified volume was not found or it is not a local volume."},
    {VSS_E_VOLUME_NOT_SUPPORTED, "Shadow copying the specified volume is not supported."},
    {VSS_E_VOLUME_NOT_SUPPORTED_BY_PROVIDER, "The shadow copy provider does not support the specified volume."},
    {VSS_E_UNEXPECTED_PROVIDER_ERROR, "The shadow copy provider had an unexpected error while trying to process the specified command."},
    {VSS_E_PROVIDER_NOT_REGISTERED, "The specified shadow copy provider is not registered."},
    {VSS_E_SNAPSHOT_SET_IN_PROGRESS, "Another shadow copy creation is already in progress. Please wait a few moments and try again."},
    {VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED, "The maximum number of shadow copies for this volume has been reached."},
    {VSS_E_MAXIMUM_NUMBER_OF_VOLUMES_REACHED, "The maximum number of volumes has been added to the shadow copy set."},
    {VSS_E_INSUFFICIENT_STORAGE, "Insufficient storage available to create either the shadow copy storage file or other shadow copy data."},
    {VSS_E_FLUSH_WRITES_TIMEOUT, "The system was unable to flush I/O writes. This can be a transient problem; try again later."},
    {VSS_E_HOLD_WRITES_TIMEOUT, "The system was unable to hold I/O writes. This can be a transient problem; try again later."},
    {VSS_E_UNSUPPORTED_CONTEXT, "The shadow copy context is not supported by this version of Windows."},
    {VSS_E_OBJECT_ALREADY_EXISTS, "The object already exists."},
    {VSS_E_UNEXPECTED, "An unexpected error occurred in the Volume Shadow Copy Service (is winevssd reachable? see $WINEPREFIX/winevss/agent.log)."},
    {E_UNEXPECTED, "An unexpected error occurred (is winevssd reachable? see $WINEPREFIX/winevss/agent.log)."},
    {E_ACCESSDENIED, "You don't have the correct permissions to run this command."},
    {E_INVALIDARG, "One of the parameters is not valid."},
    {E_OUTOFMEMORY, "Not enough memory."},
    {E_NOTIMPL, "The operation is not implemented by this version of vssapi.dll (is winevss's vssapi.dll installed and set to native?)."},
};

static void print_header(void)
{
    printf("vssadmin 1.1 - Volume Shadow Copy Service administrative command-line tool\n");
    printf("(C) winevss contributors: shadow copies for Windows programs under Wine\n\n");
}

static int report_error(HRESULT hr)
{
    WCHAR *text = NULL;
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(messages); ++i)
    {
        if (messages[i].hr == hr)
        {
            printf("Error: %s\n", messages[i].text);
            return EXIT_FAILED;
        }
    }
    if (FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_IGNORE_INSERTS,
            NULL, hr, 0, (WCHAR *)&text, 0, NULL) && text)
    {
        BOOL newline = wcschr(text, '\n') != NULL;

        printf("Error: %ls%s", text, newline ? "" : "\n");
        LocalFree(text);
        return EXIT_FAILED;
    }
    printf("Error: Unexpected failure: 0x%08lx.\n", hr);
    return EXIT_FAILED;
}

static int usage_error(const char *text)
{
    printf("Error: %s\n\n", text);
    printf("---- Commands Supported ----\n\n");
    printf("Create Shadow         - Create a new volume shadow copy\n");
    printf("Delete Shadows        - Delete volume shadow copies\n");
    printf("List Providers        - List registered volume shadow copy providers\n");
    printf("List Shadows          - List existing volume shadow copies\n");
    printf("List ShadowStorage    - List volume shadow copy storage associations\n");
    printf("List Volumes          - List volumes eligible for shadow copies\n");
    printf("List Writers          - List subscribed volume shadow copy writers\n");
    return EXIT_USAGE;
}

static void format_guid(const GUID *id, char *out)
{
    sprintf(out, "{%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", id->Data1, id->Data2, id->Data3,
            id->Data4[0], id->Data4[1], id->Data4[2], id->Data4[3],
            id->Data4[4], id->Data4[5], id->Data4[6], id->Data4[7]);
}

static BOOL parse_guid(const WCHAR *text, GUID *id)
{
    WCHAR copy[40];

    if (wcslen(text) == 36)
    {
        swprintf(copy, ARRAY_SIZE(copy), L"{%ls}", text);
        text = copy;
    }
    return CLSIDFromString(text, id) == S_OK;
}

/* "C:", "c:", "C:\" -> "C:\"; anything else fails. */
static BOOL parse_volume(const WCHAR *text, WCHAR *root)
{
    size_t len = wcslen(text);

    if (len < 2 || len > 3 || text[1] != ':' || (len == 3 && text[2] != '\\'))
        return FALSE;
    if (!iswalpha(text[0]))
        return FALSE;
    root[0] = towupper(text[0]);
    root[1] = ':';
    root[2] = '\\';
    root[3] = 0;
    return TRUE;
}

/* The drive letter whose volume is @volume_name, or 0. */
static WCHAR drive_of_volume(const WCHAR *volume_name)
{
    WCHAR root[4] = L"A:\\", name[MAX_PATH];
    DWORD drives = GetLogicalDrives();
    int i;

    for (i = 0; i < 26; ++i)
    {
        if (!(drives & (1u << i)))
            continue;
        root[0] = 'A' + i;
        if (GetVolumeNameForVolumeMountPointW(root, name, ARRAY_SIZE(name)) && !wcsicmp(name, volume_name))
            return root[0];
    }
    return 0;
}

static BOOL option_value(const WCHAR *arg, const WCHAR *name, const WCHAR **value)
{
    size_t len = wcslen(name);

    if (wcsnicmp(arg, name, len) || arg[len] != '=')
        return FALSE;
    *value = arg + len + 1;
    return TRUE;
}

/* Parses /for=, /shadow=, /all, /oldest, /quiet, /autoretry= as @allowed permits. */
static int parse_options(int argc, WCHAR **argv, const WCHAR *allowed, struct options *opts)
{
    const WCHAR *value;
    int i;

    memset(opts, 0, sizeof(*opts));
    opts->autoretry = -1;
    for (i = 0; i < argc; ++i)
    {
        const WCHAR *arg = argv[i];

        if (arg[0] != '/' && arg[0] != '-')
            return usage_error("Invalid command.");
        if (option_value(arg + 1, L"for", &value) && wcsstr(allowed, L"for"))
        {
            WCHAR root[4];

            if (!parse_volume(value, root))
                return usage_error("Invalid option value.");
            opts->volume = value;
        }
        else if (option_value(arg + 1, L"shadow", &value) && wcsstr(allowed, L"shadow"))
        {
            if (!parse_guid(value, &opts->shadow_id))
                return usage_error("Invalid option value.");
            opts->shadow = value;
        }
        else if (option_value(arg + 1, L"autoretry", &value) && wcsstr(allowed, L"autoretry"))
        {
            WCHAR *end;
            long n = wcstol(value, &end, 10);

            if (!*value || *end || n < 0 || n > 1440)
                return usage_error("Invalid option value.");
            opts->autoretry = n;
        }
        else if (!wcsicmp(arg + 1, L"all") && wcsstr(allowed, L"all"))
            opts->all = TRUE;
        else if (!wcsicmp(arg + 1, L"oldest") && wcsstr(allowed, L"oldest"))
            opts->oldest = TRUE;
        else if (!wcsicmp(arg + 1, L"quiet") && wcsstr(allowed, L"quiet"))
            opts->quiet = TRUE;
        else
            return usage_error("Invalid option.");
    }
    return 0;
}

static HRESULT create_backup(LONG context, BOOL set_context, IVssBackupComponents **backup)
{
    HRESULT hr;

    if (FAILED(hr = CreateVssBackupComponentsInternal(backup)))
        return hr;
    if (FAILED(hr = IVssBackupComponents_InitializeForBackup(*backup, NULL)))
        goto fail;
    if (set_context && FAILED(hr = IVssBackupComponents_SetContext(*backup, context)))
        goto fail;
    return S_OK;

fail:
    IVssBackupComponents_Release(*backup);
    *backup = NULL;
    return hr;
}

/* Polling intervals: short at first so that a quick snapshot costs no
 * visible delay, ~250 ms once it is clearly slow. */
#define POLL_FIRST_MS     50
#define POLL_MS           250
/* The progress line appears only after this long, so that a quick create
 * prints nothing extra. */
#define PROGRESS_AFTER_MS 1000
/* Without a console, one line every this many milliseconds (a log file
 * should not fill up with \r updates). */
#define PROGRESS_LINE_MS  3000

/* Whether stderr is a console or a terminal, where a line can be redrawn
 * in place with \r.  Under Wine a Unix tty shows up as a character device. */
static BOOL stderr_is_console(void)
{
    HANDLE handle = GetStdHandle(STD_ERROR_HANDLE);
    DWORD mode;

    if (!handle || handle == INVALID_HANDLE_VALUE)
        return FALSE;
    return GetConsoleMode(handle, &mode) || GetFileType(handle) == FILE_TYPE_CHAR;
}

struct progress
{
    const char *what;
    DWORD start, last;       /* ticks: start, last line printed */
    DWORD seconds;           /* the count last printed */
    BOOL console, shown;
};

static void progress_update(struct progress *progress)
{
    DWORD now = GetTickCount(), elapsed = now - progress->start;

    if (elapsed < PROGRESS_AFTER_MS)
        return;
    if (progress->console)
    {
        /* Redrawn only when the count changes: a console gets no flicker. */
        if (progress->shown && progress->seconds == elapsed / 1000)
            return;
        fprintf(stderr, "\r%s... %lu s", progress->what, elapsed / 1000);
    }
    else if (!progress->shown || now - progress->last >= PROGRESS_LINE_MS)
        fprintf(stderr, "%s... %lu s\n", progress->what, elapsed / 1000);
    else
        return;
    fflush(stderr);
    progress->last = now;
    progress->seconds = elapsed / 1000;
    progress->shown = TRUE;
}

/* Ends the line redrawn in place, so that later output starts on its own. */
static void progress_end(struct progress *progress)
{
    if (progress->shown && progress->console)
    {
        fprintf(stderr, "\n");
        fflush(stderr);
    }
}

/* Polls @async until it is done, showing progress on stderr when it takes
 * more than a moment.  QueryStatus rather than Wait: it never blocks, and
 * every version's IVssAsync has it (Wait's timeout does not work on XP and
 * Server 2003). */
static HRESULT wait_async_progress(IVssAsync *async, const char *what)
{
    struct progress progress = {what, GetTickCount(), 0, 0, stderr_is_console(), FALSE};
    HRESULT hr, status = E_FAIL;

    for (;;)
    {
        if (FAILED(hr = IVssAsync_QueryStatus(async, &status, NULL)) || status != VSS_S_ASYNC_PENDING)
            break;
        progress_update(&progress);
        Sleep(GetTickCount() - progress.start < PROGRESS_AFTER_MS ? POLL_FIRST_MS : POLL_MS);
    }
    progress_end(&progress);
    IVssAsync_Release(async);
    if (FAILED(hr))
        return hr;
    return status == VSS_S_ASYNC_FINISHED ? S_OK : status;
}

/* Every snapshot of every context, in the agent's order. */
struct snapshot_list
{
    VSS_SNAPSHOT_PROP *items;
    unsigned int count;
};

static void free_snapshots(struct snapshot_list *list)
{
    unsigned int i;

    for (i = 0; i < list->count; ++i)
        VssFreeSnapshotPropertiesInternal(&list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

static HRESULT query_snapshots(IVssBackupComponents *backup, struct snapshot_list *list)
{
    IVssEnumObject *enumerator = NULL;
    VSS_OBJECT_PROP prop;
    ULONG fetched;
    HRESULT hr;

    list->items = NULL;
    list->count = 0;
    hr = IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_SNAPSHOT, &enumerator);
    if (FAILED(hr))
        return hr;
    if (!enumerator)
        return S_OK;
    while (IVssEnumObject_Next(enumerator, 1, &prop, &fetched) == S_OK && fetched == 1)
    {
        VSS_SNAPSHOT_PROP *items;

        if (prop.Type != VSS_OBJECT_SNAPSHOT)
            continue;
        if (!(items = realloc(list->items, (list->count + 1) * sizeof(*items))))
        {
            VssFreeSnapshotPropertiesInternal(&prop.Obj.Snap);
            hr = E_OUTOFMEMORY;
            break;
        }
        list->items = items;
        list->items[list->count++] = prop.Obj.Snap;
    }
    IVssEnumObject_Release(enumerator);
    return FAILED(hr) ? hr : S_OK;
}

/* The \\?\Volume{...}\ name of the drive in @text ("C:"). */
static BOOL volume_name_of(const WCHAR *text, WCHAR *name, DWORD size)
{
    WCHAR root[4];

    return parse_volume(text, root) && GetVolumeNameForVolumeMountPointW(root, name, size);
}

static BOOL snapshot_matches(const VSS_SNAPSHOT_PROP *snap, const struct options *opts, const WCHAR *volume_name)
{
    if (opts->shadow && !IsEqualGUID(&snap->m_SnapshotId, &opts->shadow_id))
        return FALSE;
    if (volume_name && wcsicmp(snap->m_pwszOriginalVolumeName, volume_name))
        return FALSE;
    return TRUE;
}

static void format_timestamp(VSS_TIMESTAMP stamp, char *out, size_t size)
{
    FILETIME utc, local;
    SYSTEMTIME time;
    char date[64], clock[64];

    utc.dwLowDateTime = (DWORD)stamp;
    utc.dwHighDateTime = (DWORD)((ULONGLONG)stamp >> 32);
    if (!FileTimeToLocalFileTime(&utc, &local) || !FileTimeToSystemTime(&local, &time)
            || !GetDateFormatA(LOCALE_USER_DEFAULT, DATE_SHORTDATE, &time, NULL, date, sizeof(date))
            || !GetTimeFormatA(LOCALE_USER_DEFAULT, 0, &time, NULL, clock, sizeof(clock)))
    {
        snprintf(out, size, "(unknown)");
        return;
    }
    snprintf(out, size, "%s %s", date, clock);
}

static const char *snapshot_type(LONG attributes)
{
    switch (attributes & CTX_TYPE_MASK)
    {
    case VSS_CTX_BACKUP: return "Backup";
    case VSS_CTX_FILE_SHARE_BACKUP: return "FileShareBackup";
    case VSS_CTX_NAS_ROLLBACK: return "DataVolumeRollback";
    case VSS_CTX_APP_ROLLBACK: return "ApplicationRollback";
    case VSS_CTX_CLIENT_ACCESSIBLE: return "ClientAccessible";
    case VSS_CTX_CLIENT_ACCESSIBLE_WRITERS: return "ClientAccessibleWriters";
    default: return "Unknown";
    }
}

static void print_attributes(LONG attributes)
{
    static const struct
    {
        LONG bit;
        const char *name;
    }
    names[] =
    {
        {VSS_VOLSNAP_ATTR_PERSISTENT, "Persistent"},
        {VSS_VOLSNAP_ATTR_NO_AUTORECOVERY, "No auto-recovery"},
        {VSS_VOLSNAP_ATTR_CLIENT_ACCESSIBLE, "Client-accessible"},
        {VSS_VOLSNAP_ATTR_NO_AUTO_RELEASE, "No auto release"},
        {VSS_VOLSNAP_ATTR_NO_WRITERS, "No writers"},
        {VSS_VOLSNAP_ATTR_TRANSPORTABLE, "Transportable"},
        {VSS_VOLSNAP_ATTR_NOT_SURFACED, "Not surfaced"},
        {VSS_VOLSNAP_ATTR_NOT_TRANSACTED, "Not transacted"},
        {VSS_VOLSNAP_ATTR_HARDWARE_ASSISTED, "Hardware assisted"},
        {VSS_VOLSNAP_ATTR_DIFFERENTIAL, "Differential"},
        {VSS_VOLSNAP_ATTR_PLEX, "Plex"},
        {VSS_VOLSNAP_ATTR_IMPORTED, "Imported"},
        {VSS_VOLSNAP_ATTR_EXPOSED_LOCALLY, "Exposed locally"},
        {VSS_VOLSNAP_ATTR_EXPOSED_REMOTELY, "Exposed remotely"},
        {VSS_VOLSNAP_ATTR_AUTORECOVER, "Auto recovered"},
        {VSS_VOLSNAP_ATTR_ROLLBACK_RECOVERY, "Rollback recovery"},
        {VSS_VOLSNAP_ATTR_DELAYED_POSTSNAPSHOT, "Delayed post-snapshot"},
        {VSS_VOLSNAP_ATTR_TXF_RECOVERY, "TxF recovery"},
    };
    const char *sep = "";
    unsigned int i;

    printf("         Attributes: ");
    for (i = 0; i < ARRAY_SIZE(names); ++i)
    {
        if (attributes & names[i].bit)
        {
            printf("%s%s", sep, names[i].name);
            sep = ", ";
        }
    }
    printf("\n");
}

/* Provider names by id, for "Provider: '...'". */
static void provider_name(IVssBackupComponents *backup, const GUID *id, WCHAR *out, size_t size)
{
    IVssEnumObject *enumerator = NULL;
    VSS_OBJECT_PROP prop;
    ULONG fetched;

    swprintf(out, size, L"(unknown)");
    if (FAILED(IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER, &enumerator))
            || !enumerator)
        return;
    while (IVssEnumObject_Next(enumerator, 1, &prop, &fetched) == S_OK && fetched == 1)
    {
        if (prop.Type != VSS_OBJECT_PROVIDER)
            continue;
        if (IsEqualGUID(&prop.Obj.Prov.m_ProviderId, id) && prop.Obj.Prov.m_pwszProviderName)
            swprintf(out, size, L"%ls", prop.Obj.Prov.m_pwszProviderName);
        CoTaskMemFree(prop.Obj.Prov.m_pwszProviderName);
        CoTaskMemFree(prop.Obj.Prov.m_pwszProviderVersion);
    }
    IVssEnumObject_Release(enumerator);
}

static void print_snapshot(IVssBackupComponents *backup, const VSS_SNAPSHOT_PROP *snap)
{
    WCHAR provider[256];
    char id[40];
    WCHAR drive;

    format_guid(&snap->m_SnapshotId, id);
    printf("      Shadow Copy ID: %s\n", id);
    drive = drive_of_volume(snap->m_pwszOriginalVolumeName);
    if (drive)
        printf("         Original Volume: (%lc:)%ls\n", drive, snap->m_pwszOriginalVolumeName);
    else
        printf("         Original Volume: %ls\n", snap->m_pwszOriginalVolumeName);
    printf("         Shadow Copy Volume: %ls\n", snap->m_pwszSnapshotDeviceObject);
    printf("         Originating Machine: %ls\n", snap->m_pwszOriginatingMachine);
    printf("         Service Machine: %ls\n", snap->m_pwszServiceMachine);
    if (snap->m_pwszExposedName)
        printf("         Exposed Name: %ls\n", snap->m_pwszExposedName);
    provider_name(backup, &snap->m_ProviderId, provider, ARRAY_SIZE(provider));
    printf("         Provider: '%ls'\n", provider);
    printf("         Type: %s\n", snapshot_type(snap->m_lSnapshotAttributes));
    print_attributes(snap->m_lSnapshotAttributes);
    printf("\n");
}

static int list_shadows(int argc, WCHAR **argv)
{
    IVssBackupComponents *backup;
    struct snapshot_list list;
    struct options opts;
    WCHAR volume_name[MAX_PATH];
    BOOL *printed;
    unsigned int i, j, found = 0;
    HRESULT hr;
    int ret;

    if ((ret = parse_options(argc, argv, L"for shadow", &opts)))
        return ret;
    if (opts.volume && !volume_name_of(opts.volume, volume_name, ARRAY_SIZE(volume_name)))
        return report_error(VSS_E_OBJECT_NOT_FOUND);
    if (FAILED(hr = create_backup(VSS_CTX_ALL, TRUE, &backup)))
        return report_error(hr);
    if (FAILED(hr = query_snapshots(backup, &list)))
    {
        IVssBackupComponents_Release(backup);
        return report_error(hr);
    }
    printed = calloc(list.count + 1, sizeof(*printed));
    /* Grouped by set, in the order the first member of each set came. */
    for (i = 0; i < list.count; ++i)
    {
        char set_id[40], created[128];

        if (printed[i] || !snapshot_matches(&list.items[i], &opts, opts.volume ? volume_name : NULL))
            continue;
        format_guid(&list.items[i].m_SnapshotSetId, set_id);
        format_timestamp(list.items[i].m_tsCreationTimestamp, created, sizeof(created));
        printf("Contents of shadow copy set ID: %s\n", set_id);
        printf("   Contained %ld shadow copies at creation time: %s\n", list.items[i].m_lSnapshotsCount, created);
        for (j = i; j < list.count; ++j)
        {
            if (printed[j] || !IsEqualGUID(&list.items[j].m_SnapshotSetId, &list.items[i].m_SnapshotSetId)
                    || !snapshot_matches(&list.items[j], &opts, opts.volume ? volume_name : NULL))
                continue;
            print_snapshot(backup, &list.items[j]);
            printed[j] = TRUE;
            ++found;
        }
    }
    if (!found)
        printf("No items found that satisfy the query.\n");
    free(printed);
    free_snapshots(&list);
    IVssBackupComponents_Release(backup);
    return 0;
}

static int list_providers(int argc, WCHAR **argv)
{
    static const char *types[] = {"Unknown", "System", "Software", "Hardware", "FileShare"};
    IVssBackupComponents *backup;
    IVssEnumObject *enumerator = NULL;
    VSS_OBJECT_PROP prop;
    ULONG fetched;
    unsigned int found = 0;
    HRESULT hr;
    char id[40];

    if (argc)
        return usage_error("Invalid option.");
    if (FAILED(hr = create_backup(VSS_CTX_ALL, FALSE, &backup)))
        return report_error(hr);
    hr = IVssBackupComponents_Query(backup, GUID_NULL, VSS_OBJECT_NONE, VSS_OBJECT_PROVIDER, &enumerator);
    if (FAILED(hr))
    {
        IVssBackupComponents_Release(backup);
        return report_error(hr);
    }
    while (enumerator && IVssEnumObject_Next(enumerator, 1, &prop, &fetched) == S_OK && fetched == 1)
    {
        VSS_PROVIDER_PROP *prov = &prop.Obj.Prov;

        if (prop.Type != VSS_OBJECT_PROVIDER)
            continue;
        format_guid(&prov->m_ProviderId, id);
        printf("Provider name: '%ls'\n", prov->m_pwszProviderName ? prov->m_pwszProviderName : L"");
        printf("   Provider type: %s\n", (unsigned)prov->m_eProviderType < ARRAY_SIZE(types)
                ? types[prov->m_eProviderType] : "Unknown");
        printf("   Provider Id: %s\n", id);
        printf("   Version: %ls\n\n", prov->m_pwszProviderVersion ? prov->m_pwszProviderVersion : L"");
        CoTaskMemFree(prov->m_pwszProviderName);
        CoTaskMemFree(prov->m_pwszProviderVersion);
        ++found;
    }
    if (enumerator)
        IVssEnumObject_Release(enumerator);
    if (!found)
        printf("No items found that satisfy the query.\n");
    IVssBackupComponents_Release(backup);
    return 0;
}

static int list_volumes(int argc, WCHAR **argv)
{
    IVssBackupComponents *backup;
    WCHAR root[4] = L"A:\\", name[MAX_PATH];
    DWORD drives = GetLogicalDrives();
    unsigned int found = 0;
    BOOL supported;
    HRESULT hr;
    int i;

    if (argc)
        return usage_error("Invalid option.");
    if (FAILED(hr = create_backup(VSS_CTX_ALL, FALSE, &backup)))
        return report_error(hr);
    for (i = 0; i < 26; ++i)
    {
        if (!(drives & (1u << i)))
            continue;
        root[0] = 'A' + i;
        if (GetDriveTypeW(root) != DRIVE_FIXED || !GetVolumeNameForVolumeMountPointW(root, name, ARRAY_SIZE(name)))
            continue;
        supported = FALSE;
        hr = IVssBackupComponents_IsVolumeSupported(backup, GUID_NULL, root, &supported);
        if (FAILED(hr))
        {
            IVssBackupComponents_Release(backup);
            return report_error(hr);
        }
        if (!supported)
            continue;
        printf("Volume path: %ls\n", root);
        printf("    Volume name: %ls\n", name);
        ++found;
    }
    if (!found)
        printf("No items found that satisfy the query.\n");
    IVssBackupComponents_Release(backup);
    return 0;
}

static HRESULT create_once(const WCHAR *root, VSS_SNAPSHOT_PROP *prop)
{
    IVssBackupComponents *backup;
    IVssAsync *async;
    VSS_ID set_id, snapshot_id;
    HRESULT hr;

    if (FAILED(hr = create_backup(VSS_CTX_CLIENT_ACCESSIBLE, TRUE, &backup)))
        return hr;
    if (FAILED(hr = IVssBackupComponents_StartSnapshotSet(backup, &set_id)))
        goto done;
    if (FAILED(hr = IVssBackupComponents_AddToSnapshotSet(backup, (WCHAR *)root, GUID_NULL, &snapshot_id)))
        goto done;
    if (FAILED(hr = IVssBackupComponents_DoSnapshotSet(backup, &async)))
        goto done;
    if (FAILED(hr = wait_async_progress(async, "Creating shadow copy")))
        goto done;
    hr = IVssBackupComponents_GetSnapshotProperties(backup, snapshot_id, prop);

done:
    if (FAILED(hr))
        IVssBackupComponents_AbortBackup(backup);
    IVssBackupComponents_Release(backup);
    return hr;
}

static int create_shadow(int argc, WCHAR **argv)
{
    VSS_SNAPSHOT_PROP prop;
    struct options opts;
    WCHAR root[4];
    DWORD deadline;
    char id[40];
    HRESULT hr;
    int ret;

    if ((ret = parse_options(argc, argv, L"for autoretry", &opts)))
        return ret;
    if (!opts.volume)
        return usage_error("Invalid command: /for= is required.");
    parse_volume(opts.volume, root);
    deadline = GetTickCount() + (opts.autoretry > 0 ? opts.autoretry : 0) * 60000u;
    memset(&prop, 0, sizeof(prop));
    while ((hr = create_once(root, &prop)) == VSS_E_SNAPSHOT_SET_IN_PROGRESS
            && opts.autoretry > 0 && (LONG)(deadline - GetTickCount()) > 0)
        Sleep(1000);
    if (FAILED(hr))
        return report_error(hr);
    format_guid(&prop.m_SnapshotId, id);
    printf("Successfully created shadow copy for '%ls'\n", root);
    printf("    Shadow Copy ID: %s\n", id);
    printf("    Shadow Copy Volume Name: %ls\n", prop.m_pwszSnapshotDeviceObject);
    VssFreeSnapshotPropertiesInternal(&prop);
    return 0;
}

static BOOL confirm(unsigned int count)
{
    char answer[16];

    printf("Do you really want to delete %u shadow copies (Y/N): [N]? ", count);
    fflush(stdout);
    if (!fgets(answer, sizeof(answer), stdin))
        answer[0] = 0;
    printf("\n");
    return answer[0] == 'y' || answer[0] == 'Y';
}

static int delete_shadows(int argc, WCHAR **argv)
{
    IVssBackupComponents *backup;
    struct snapshot_list list;
    struct options opts;
    WCHAR volume_name[MAX_PATH];
    unsigned int i, count = 0, deleted = 0;
    int oldest = -1, ret;
    HRESULT hr, failure = S_OK;
    BOOL *chosen;

    if ((ret = parse_options(argc, argv, L"for shadow all oldest quiet", &opts)))
        return ret;
    if (!opts.volume && !opts.shadow && !opts.all)
        return usage_error("Invalid command: one of /for=, /shadow= or /all is required.");
    if ((opts.all && (opts.volume || opts.shadow)) || (opts.shadow && (opts.volume || opts.oldest)))
        return usage_error("Invalid command: /all, /for= and /shadow= exclude each other.");
    if (opts.oldest && !opts.volume)
        return usage_error("Invalid command: /oldest needs /for=.");
    if (opts.volume && !volume_name_of(opts.volume, volume_name, ARRAY_SIZE(volume_name)))
        return report_error(VSS_E_OBJECT_NOT_FOUND);
    if (FAILED(hr = create_backup(VSS_CTX_ALL, TRUE, &backup)))
        return report_error(hr);
    if (FAILED(hr = query_snapshots(backup, &list)))
    {
        IVssBackupComponents_Release(backup);
        return report_error(hr);
    }
    chosen = calloc(list.count + 1, sizeof(*chosen));
    for (i = 0; i < list.count; ++i)
    {
        if (!snapshot_matches(&list.items[i], &opts, opts.volume ? volume_name : NULL))
            continue;
        if (opts.oldest)
        {
            if (oldest < 0 || list.items[i].m_tsCreationTimestamp < list.items[oldest].m_tsCreationTimestamp)
                oldest = i;
            continue;
        }
        chosen[i] = TRUE;
        ++count;
    }
    if (oldest >= 0)
    {
        chosen[oldest] = TRUE;
        count = 1;
    }
    if (!count)
    {
        printf(opts.shadow ? "Error: Snapshot ID: %ls not found.\n" : "No items found that satisfy the query.\n",
                opts.shadow);
        ret = opts.shadow ? EXIT_FAILED : 0;
        goto done;
    }
    if (!opts.quiet && !confirm(count))
    {
        ret = EXIT_DECLINED;
        goto done;
    }
    for (i = 0; i < list.count; ++i)
    {
        LONG n = 0;
        VSS_ID failed_id;

        if (!chosen[i])
            continue;
        hr = IVssBackupComponents_DeleteSnapshots(backup, list.items[i].m_SnapshotId, VSS_OBJECT_SNAPSHOT,
                TRUE, &n, &failed_id);
        if (FAILED(hr))
            failure = hr;
        else
            deleted += n;
    }
    if (deleted == 1)
        printf("Successfully deleted the shadow copy.\n");
    else if (deleted)
        printf("Successfully deleted the %u shadow copies.\n", deleted);
    ret = FAILED(failure) ? report_error(failure) : 0;

done:
    free(chosen);
    free_snapshots(&list);
    IVssBackupComponents_Release(backup);
    return ret;
}

static int list_nothing(int argc, WCHAR **argv, BOOL writers)
{
    if (argc)
        return usage_error("Invalid option.");
    if (writers)
        printf("Waiting for responses.\nThese may be delayed if a shadow copy is being prepared.\n\n");
    else
        printf("No items found that satisfy the query.\n");
    return 0;
}

int wmain(int argc, WCHAR **argv)
{
    const WCHAR *verb, *object;
    int ret;

    print_header();
    if (argc < 3)
        return usage_error(argc < 2 ? "Invalid command." : "Invalid command: the object is missing.");
    verb = argv[1];
    object = argv[2];
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    argc -= 3;
    argv += 3;
    if (!wcsicmp(verb, L"list") && !wcsicmp(object, L"shadows"))
        ret = list_shadows(argc, argv);
    else if (!wcsicmp(verb, L"list") && !wcsicmp(object, L"providers"))
        ret = list_providers(argc, argv);
    else if (!wcsicmp(verb, L"list") && !wcsicmp(object, L"volumes"))
        ret = list_volumes(argc, argv);
    else if (!wcsicmp(verb, L"list") && !wcsicmp(object, L"writers"))
        ret = list_nothing(argc, argv, TRUE);
    else if (!wcsicmp(verb, L"list") && !wcsicmp(object, L"shadowstorage"))
        ret = list_nothing(argc, argv, FALSE);
    else if (!wcsicmp(verb, L"create") && !wcsicmp(object, L"shadow"))
        ret = create_shadow(argc, argv);
    else if (!wcsicmp(verb, L"delete") && !wcsicmp(object, L"shadows"))
        ret = delete_shadows(argc, argv);
    else
        ret = usage_error("Invalid command.");
    CoUninitialize();
    return ret;
}
