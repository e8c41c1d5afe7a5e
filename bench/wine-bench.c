/*
 * The Windows side of the benchmarks, run under Wine with winevss:
 *
 *   wine-bench snapshot X: RUNS     median ms of DoSnapshotSet (call to
 *                                   VSS_S_ASYNC_FINISHED) of drive X:
 *   wine-bench read X: DIR RUNS     median MB/s reading every file of X:\DIR
 *                                   through X: and through a shadow copy
 *
 * Output lines are "name value" for bench/wine-bench.sh.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define COBJMACROS
#include "windef.h"
#include "winbase.h"
#include "objbase.h"
#include "vss.h"
#include "vswriter.h"
#include "vsbackup.h"
#include "vsserror.h"

static double now_ms(void)
{
    LARGE_INTEGER counter, frequency;

    QueryPerformanceCounter(&counter);
    QueryPerformanceFrequency(&frequency);
    return counter.QuadPart * 1000.0 / frequency.QuadPart;
}

static int compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static HRESULT wait_async(IVssAsync *async)
{
    HRESULT status = E_FAIL;

    IVssAsync_Wait(async, INFINITE);
    IVssAsync_QueryStatus(async, &status, NULL);
    IVssAsync_Release(async);
    return status;
}

/* Takes a snapshot of root in the default context; returns the object
 * holding it and the time DoSnapshotSet took. */
static IVssBackupComponents *snapshot(const WCHAR *root, double *ms, WCHAR *device)
{
    IVssBackupComponents *backup;
    VSS_SNAPSHOT_PROP prop;
    IVssAsync *async;
    VSS_ID set_id, id;
    HRESULT hr;
    double start;

    if (FAILED(CreateVssBackupComponentsInternal(&backup)))
        return NULL;
    IVssBackupComponents_InitializeForBackup(backup, NULL);
    IVssBackupComponents_SetContext(backup, VSS_CTX_FILE_SHARE_BACKUP);
    IVssBackupComponents_StartSnapshotSet(backup, &set_id);
    hr = IVssBackupComponents_AddToSnapshotSet(backup, (WCHAR *)root, GUID_NULL, &id);
    if (hr == S_OK)
    {
        start = now_ms();
        hr = IVssBackupComponents_DoSnapshotSet(backup, &async);
        if (hr == S_OK)
            hr = wait_async(async);
        *ms = now_ms() - start;
    }
    if (hr != VSS_S_ASYNC_FINISHED)
    {
        fprintf(stderr, "snapshot of %ls failed: %#lx\n", root, hr);
        IVssBackupComponents_Release(backup);
        return NULL;
    }
    memset(&prop, 0, sizeof(prop));
    if (device && IVssBackupComponents_GetSnapshotProperties(backup, id, &prop) == S_OK)
    {
        lstrcpyW(device, prop.m_pwszSnapshotDeviceObject);
        VssFreeSnapshotPropertiesInternal(&prop);
    }
    return backup;
}

static int bench_snapshot(const WCHAR *root, int runs)
{
    IVssBackupComponents *backup;
    double times[64];
    int i;

    for (i = 0; i < runs; ++i)
    {
        if (!(backup = snapshot(root, &times[i], NULL)))
            return 1;
        IVssBackupComponents_Release(backup);
    }
    qsort(times, runs, sizeof(times[0]), compare);
    printf("dosnapshotset_ms %.3f\n", times[runs / 2]);
    return 0;
}

static char buffer[1 << 20];

/* Reads every file below dir; returns the bytes read. */
static ULONGLONG read_tree(const WCHAR *dir)
{
    WCHAR pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAW data;
    ULONGLONG total = 0;
    HANDLE find, file;
    DWORD got;

    swprintf(pattern, MAX_PATH, L"%ls\\*", dir);
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE)
        return 0;
    do
    {
        if (!wcscmp(data.cFileName, L".") || !wcscmp(data.cFileName, L".."))
            continue;
        swprintf(path, MAX_PATH, L"%ls\\%ls", dir, data.cFileName);
        if (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
        {
            total += read_tree(path);
            continue;
        }
        file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                FILE_FLAG_SEQUENTIAL_SCAN, NULL);
        if (file == INVALID_HANDLE_VALUE)
            continue;
        while (ReadFile(file, buffer, sizeof(buffer), &got, NULL) && got)
            total += got;
        CloseHandle(file);
    } while (FindNextFileW(find, &data));
    FindClose(find);
    return total;
}

static double throughput(const WCHAR *dir, int runs)
{
    double rates[64], start, ms;
    ULONGLONG bytes;
    int i;

    read_tree(dir);   /* warm the page cache: the paths are compared, not the disk */
    for (i = 0; i < runs; ++i)
    {
        start = now_ms();
        bytes = read_tree(dir);
        ms = now_ms() - start;
        rates[i] = bytes / 1048576.0 / (ms / 1000.0);
    }
    qsort(rates, runs, sizeof(rates[0]), compare);
    return rates[runs / 2];
}

static int bench_read(const WCHAR *root, const WCHAR *dir, int runs)
{
    IVssBackupComponents *backup;
    WCHAR device[MAX_PATH], live[MAX_PATH], shadow[MAX_PATH];
    double ms;

    if (!(backup = snapshot(root, &ms, device)))
        return 1;
    swprintf(live, MAX_PATH, L"%ls%ls", root, dir);
    swprintf(shadow, MAX_PATH, L"%ls\\%ls", device, dir);
    printf("live_mb_per_s %.1f\n", throughput(live, runs));
    printf("globalroot_mb_per_s %.1f\n", throughput(shadow, runs));
    IVssBackupComponents_Release(backup);
    return 0;
}

int wmain(int argc, WCHAR **argv)
{
    int ret = 2;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (argc >= 4 && (_wtoi(argv[argc - 1]) < 1 || _wtoi(argv[argc - 1]) > 64))
        argc = 0;
    if (argc == 4 && !wcscmp(argv[1], L"snapshot"))
        ret = bench_snapshot(argv[2], _wtoi(argv[3]));
    else if (argc == 5 && !wcscmp(argv[1], L"read"))
        ret = bench_read(argv[2], argv[3], _wtoi(argv[4]));
    else
        fprintf(stderr, "usage: wine-bench snapshot X:\\ RUNS | read X:\\ DIR RUNS\n");
    CoUninitialize();
    return ret;
}
