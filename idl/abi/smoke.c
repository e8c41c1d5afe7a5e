/*
 * Compile test of the generated headers, built several ways by idl/rules.mk:
 *   SMOKE_INITGUID=0  plain: windows.h, then the VSS headers
 *   SMOKE_INITGUID=1  initguid.h before everything (defines the IIDs)
 *   SMOKE_INITGUID=2  initguid.h after windows.h, before the VSS headers
 * and once as C++ (the class declarations instead of the C vtables).
 * Nothing here runs; it only has to compile cleanly with -Werror.
 */

#define COBJMACROS

#if SMOKE_INITGUID == 1
#include <initguid.h>
#endif
#include <windows.h>
#if SMOKE_INITGUID == 2
#include <initguid.h>
#endif
#include "vss.h"
#include "vswriter.h"
#include "vsbackup.h"
#include "vsmgmt.h"
#include <vsserror.h>

HRESULT smoke_backup(IVssBackupComponents *backup, VSS_SNAPSHOT_PROP *prop);
HRESULT smoke_enum(IVssEnumObject *objects, IVssEnumMgmtObject *mgmt);
ULONG smoke_writer_components(IVssWriterComponentsExt *ext, IVssExamineWriterMetadataEx2 *wmd);

HRESULT smoke_backup(IVssBackupComponents *backup, VSS_SNAPSHOT_PROP *prop)
{
    IVssBackupComponentsEx4 *ex4 = NULL;
    IVssAsync *async = NULL;
    VSS_ID set_id, snap_id, provider;
    HRESULT hr, status;

    ZeroMemory(&provider, sizeof(provider));

#ifdef __cplusplus
    hr = backup->QueryInterface(IID_IVssBackupComponentsEx4, (void **)&ex4);
    if (FAILED(hr)) return hr;
    ex4->SetBackupState(TRUE, FALSE, VSS_BT_FULL, FALSE);
    ex4->SetContext(VSS_CTX_BACKUP | VSS_VOLSNAP_ATTR_NO_AUTORECOVERY);
    ex4->StartSnapshotSet(&set_id);
    ex4->AddToSnapshotSet((VSS_PWSZ)L"C:\\", provider, &snap_id);
    ex4->DoSnapshotSet(&async);
    async->Wait();
    async->QueryStatus(&status, NULL);
    async->Release();
    hr = ex4->GetSnapshotProperties(snap_id, prop);
    ex4->Release();
#else
    hr = IVssBackupComponents_QueryInterface(backup, &IID_IVssBackupComponentsEx4, (void **)&ex4);
    if (FAILED(hr)) return hr;
    IVssBackupComponentsEx4_SetBackupState(ex4, TRUE, FALSE, VSS_BT_FULL, FALSE);
    IVssBackupComponentsEx4_SetContext(ex4, VSS_CTX_BACKUP | VSS_VOLSNAP_ATTR_NO_AUTORECOVERY);
    IVssBackupComponentsEx4_StartSnapshotSet(ex4, &set_id);
    IVssBackupComponentsEx4_AddToSnapshotSet(ex4, (VSS_PWSZ)L"C:\\", provider, &snap_id);
    IVssBackupComponentsEx4_DoSnapshotSet(ex4, &async);
    IVssAsync_Wait(async, INFINITE);
    IVssAsync_QueryStatus(async, &status, NULL);
    IVssAsync_Release(async);
    hr = IVssBackupComponentsEx4_GetSnapshotProperties(ex4, snap_id, prop);
    IVssBackupComponentsEx4_Release(ex4);
#endif
    if (status != VSS_S_ASYNC_FINISHED) return status;
    VssFreeSnapshotProperties(prop);
    return hr;
}

HRESULT smoke_enum(IVssEnumObject *objects, IVssEnumMgmtObject *mgmt)
{
    VSS_OBJECT_PROP prop;
    VSS_MGMT_OBJECT_PROP mprop;
    ULONG fetched = 0;
    HRESULT hr;

#ifdef __cplusplus
    hr = objects->Next(1, &prop, &fetched);
    if (hr == S_OK && prop.Type == VSS_OBJECT_PROVIDER)
        CoTaskMemFree(prop.Obj.Prov.m_pwszProviderName);
    hr = mgmt->Next(1, &mprop, &fetched);
#else
    hr = IVssEnumObject_Next(objects, 1, &prop, &fetched);
    if (hr == S_OK && prop.Type == VSS_OBJECT_PROVIDER)
        CoTaskMemFree(prop.Obj.Prov.m_pwszProviderName);
    hr = IVssEnumMgmtObject_Next(mgmt, 1, &mprop, &fetched);
#endif
    if (hr == S_OK && mprop.Type == VSS_MGMT_OBJECT_DIFF_AREA)
        return mprop.Obj.DiffArea.m_llUsedDiffSpace ? S_OK : S_FALSE;
    return hr;
}

ULONG smoke_writer_components(IVssWriterComponentsExt *ext, IVssExamineWriterMetadataEx2 *wmd)
{
    UINT count = 0;
    DWORD major = 0, minor = 0;

#ifdef __cplusplus
    ext->GetComponentCount(&count);
    wmd->GetVersion(&major, &minor);
#else
    IVssWriterComponentsExt_GetComponentCount(ext, &count);
    IVssExamineWriterMetadataEx2_GetVersion(wmd, &major, &minor);
#endif
    return count + major + minor + VSS_SW_BOOTABLE_STATE;
}
