/*
 * vssapi.dll: the backup components object (IVssBackupComponents and its
 * extensions Ex to Ex4).
 *
 * One object implements all five interfaces: they inherit linearly, so a
 * single IVssBackupComponentsEx4 vtable serves every IID and QueryInterface
 * returns the same pointer for each.
 */

#include <stdlib.h>

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

struct backup_components
{
    IVssBackupComponentsEx4 IVssBackupComponentsEx4_iface;
    LONG refcount;
};

static inline struct backup_components *impl_from_IVssBackupComponentsEx4(IVssBackupComponentsEx4 *iface)
{
    return CONTAINING_RECORD(iface, struct backup_components, IVssBackupComponentsEx4_iface);
}

static HRESULT WINAPI backup_components_QueryInterface(IVssBackupComponentsEx4 *iface, REFIID riid, void **out)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);

    TRACE("%p, %s, %p.\n", iface, debugstr_guid(riid), out);

    if (!out)
        return E_POINTER;

    if (IsEqualIID(riid, &IID_IUnknown)
            || IsEqualIID(riid, &IID_IVssBackupComponents)
            || IsEqualIID(riid, &IID_IVssBackupComponentsEx)
            || IsEqualIID(riid, &IID_IVssBackupComponentsEx2)
            || IsEqualIID(riid, &IID_IVssBackupComponentsEx3)
            || IsEqualIID(riid, &IID_IVssBackupComponentsEx4))
    {
        *out = &backup->IVssBackupComponentsEx4_iface;
        IVssBackupComponentsEx4_AddRef(iface);
        return S_OK;
    }

    *out = NULL;
    WARN("interface %s not supported.\n", debugstr_guid(riid));
    return E_NOINTERFACE;
}

static ULONG WINAPI backup_components_AddRef(IVssBackupComponentsEx4 *iface)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    ULONG refcount = InterlockedIncrement(&backup->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);
    return refcount;
}

static ULONG WINAPI backup_components_Release(IVssBackupComponentsEx4 *iface)
{
    struct backup_components *backup = impl_from_IVssBackupComponentsEx4(iface);
    ULONG refcount = InterlockedDecrement(&backup->refcount);

    TRACE("%p, refcount %lu.\n", iface, refcount);

    if (!refcount)
    {
        free(backup);
        vssapi_unlock_module();
    }
    return refcount;
}

static HRESULT WINAPI backup_components_GetWriterComponentsCount(IVssBackupComponentsEx4 *iface, UINT *pcComponents)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_GetWriterComponents(IVssBackupComponentsEx4 *iface, UINT iWriter, IVssWriterComponentsExt **ppWriter)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_InitializeForBackup(IVssBackupComponentsEx4 *iface, BSTR bstrXML)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SetBackupState(IVssBackupComponentsEx4 *iface, boolean bSelectComponents, boolean bBackupBootableSystemState, VSS_BACKUP_TYPE backupType, boolean bPartialFileSupport)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_InitializeForRestore(IVssBackupComponentsEx4 *iface, BSTR bstrXML)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SetRestoreState(IVssBackupComponentsEx4 *iface, VSS_RESTORE_TYPE restoreType)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_GatherWriterMetadata(IVssBackupComponentsEx4 *iface, IVssAsync **pAsync)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_GetWriterMetadataCount(IVssBackupComponentsEx4 *iface, UINT *pcWriters)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_GetWriterMetadata(IVssBackupComponentsEx4 *iface, UINT iWriter, VSS_ID *pidInstance, IVssExamineWriterMetadata **ppMetadata)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_FreeWriterMetadata(IVssBackupComponentsEx4 *iface)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_AddComponent(IVssBackupComponentsEx4 *iface, VSS_ID instanceId, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_PrepareForBackup(IVssBackupComponentsEx4 *iface, IVssAsync **ppAsync)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_AbortBackup(IVssBackupComponentsEx4 *iface)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_GatherWriterStatus(IVssBackupComponentsEx4 *iface, IVssAsync **pAsync)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_GetWriterStatusCount(IVssBackupComponentsEx4 *iface, UINT *pcWriters)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_FreeWriterStatus(IVssBackupComponentsEx4 *iface)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_GetWriterStatus(IVssBackupComponentsEx4 *iface, UINT iWriter, VSS_ID *pidInstance, VSS_ID *pidWriter, BSTR *pbstrWriter, VSS_WRITER_STATE *pnStatus, HRESULT *phResultFailure)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SetBackupSucceeded(IVssBackupComponentsEx4 *iface, VSS_ID instanceId, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, boolean bSucceded)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SetBackupOptions(IVssBackupComponentsEx4 *iface, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, LPCWSTR wszBackupOptions)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SetSelectedForRestore(IVssBackupComponentsEx4 *iface, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, boolean bSelectedForRestore)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SetRestoreOptions(IVssBackupComponentsEx4 *iface, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, LPCWSTR wszRestoreOptions)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SetAdditionalRestores(IVssBackupComponentsEx4 *iface, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, boolean bAdditionalRestores)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SetPreviousBackupStamp(IVssBackupComponentsEx4 *iface, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, LPCWSTR wszPreviousBackupStamp)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SaveAsXML(IVssBackupComponentsEx4 *iface, BSTR *pbstrXML)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_BackupComplete(IVssBackupComponentsEx4 *iface, IVssAsync **ppAsync)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_AddAlternativeLocationMapping(IVssBackupComponentsEx4 *iface, VSS_ID writerId, VSS_COMPONENT_TYPE componentType, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, LPCWSTR wszPath, LPCWSTR wszFilespec, boolean bRecursive, LPCWSTR wszDestination)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_AddRestoreSubcomponent(IVssBackupComponentsEx4 *iface, VSS_ID writerId, VSS_COMPONENT_TYPE componentType, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, LPCWSTR wszSubComponentLogicalPath, LPCWSTR wszSubComponentName, boolean bRepair)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SetFileRestoreStatus(IVssBackupComponentsEx4 *iface, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, VSS_FILE_RESTORE_STATUS status)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_AddNewTarget(IVssBackupComponentsEx4 *iface, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, LPCWSTR wszPath, LPCWSTR wszFileName, boolean bRecursive, LPCWSTR wszAlternatePath)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SetRangesFilePath(IVssBackupComponentsEx4 *iface, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, UINT iPartialFile, LPCWSTR wszRangesFile)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_PreRestore(IVssBackupComponentsEx4 *iface, IVssAsync **ppAsync)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_PostRestore(IVssBackupComponentsEx4 *iface, IVssAsync **ppAsync)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SetContext(IVssBackupComponentsEx4 *iface, LONG lContext)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_StartSnapshotSet(IVssBackupComponentsEx4 *iface, VSS_ID *pSnapshotSetId)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_AddToSnapshotSet(IVssBackupComponentsEx4 *iface, VSS_PWSZ pwszVolumeName, VSS_ID ProviderId, VSS_ID *pidSnapshot)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_DoSnapshotSet(IVssBackupComponentsEx4 *iface, IVssAsync **ppAsync)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_DeleteSnapshots(IVssBackupComponentsEx4 *iface, VSS_ID SourceObjectId, VSS_OBJECT_TYPE eSourceObjectType, BOOL bForceDelete, LONG *plDeletedSnapshots, VSS_ID *pNondeletedSnapshotID)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_ImportSnapshots(IVssBackupComponentsEx4 *iface, IVssAsync **ppAsync)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_BreakSnapshotSet(IVssBackupComponentsEx4 *iface, VSS_ID SnapshotSetId)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_GetSnapshotProperties(IVssBackupComponentsEx4 *iface, VSS_ID SnapshotId, VSS_SNAPSHOT_PROP *pProp)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_Query(IVssBackupComponentsEx4 *iface, VSS_ID QueriedObjectId, VSS_OBJECT_TYPE eQueriedObjectType, VSS_OBJECT_TYPE eReturnedObjectsType, IVssEnumObject **ppEnum)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_IsVolumeSupported(IVssBackupComponentsEx4 *iface, VSS_ID ProviderId, VSS_PWSZ pwszVolumeName, BOOL *pbSupportedByThisProvider)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_DisableWriterClasses(IVssBackupComponentsEx4 *iface, const VSS_ID *rgWriterClassId, UINT cClassId)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_EnableWriterClasses(IVssBackupComponentsEx4 *iface, const VSS_ID *rgWriterClassId, UINT cClassId)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_DisableWriterInstances(IVssBackupComponentsEx4 *iface, const VSS_ID *rgWriterInstanceId, UINT cInstanceId)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_ExposeSnapshot(IVssBackupComponentsEx4 *iface, VSS_ID SnapshotId, VSS_PWSZ wszPathFromRoot, LONG lAttributes, VSS_PWSZ wszExpose, VSS_PWSZ *pwszExposed)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_RevertToSnapshot(IVssBackupComponentsEx4 *iface, VSS_ID SnapshotId, BOOL bForceDismount)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_QueryRevertStatus(IVssBackupComponentsEx4 *iface, VSS_PWSZ pwszVolume, IVssAsync **ppAsync)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_GetWriterMetadataEx(IVssBackupComponentsEx4 *iface, UINT iWriter, VSS_ID *pidInstance, IVssExamineWriterMetadataEx **ppMetadata)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SetSelectedForRestoreEx(IVssBackupComponentsEx4 *iface, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, boolean bSelectedForRestore, VSS_ID instanceId)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_UnexposeSnapshot(IVssBackupComponentsEx4 *iface, VSS_ID snapshotId)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SetAuthoritativeRestore(IVssBackupComponentsEx4 *iface, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, boolean bAuth)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SetRollForward(IVssBackupComponentsEx4 *iface, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, VSS_ROLLFORWARD_TYPE rollType, LPCWSTR wszRollForwardPoint)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_SetRestoreName(IVssBackupComponentsEx4 *iface, VSS_ID writerId, VSS_COMPONENT_TYPE ct, LPCWSTR wszLogicalPath, LPCWSTR wszComponentName, LPCWSTR wszRestoreName)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_BreakSnapshotSetEx(IVssBackupComponentsEx4 *iface, VSS_ID SnapshotSetID, DWORD dwBreakFlags, IVssAsync **ppAsync)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_PreFastRecovery(IVssBackupComponentsEx4 *iface, VSS_ID SnapshotSetID, DWORD dwPreFastRecoveryFlags, IVssAsync **ppAsync)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_FastRecovery(IVssBackupComponentsEx4 *iface, VSS_ID SnapshotSetID, DWORD dwFastRecoveryFlags, IVssAsync **ppAsync)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_GetWriterStatusEx(IVssBackupComponentsEx4 *iface, UINT iWriter, VSS_ID *pidInstance, VSS_ID *pidWriter, BSTR *pbstrWriter, VSS_WRITER_STATE *pnStatus, HRESULT *phrFailureWriter, HRESULT *phrApplication, BSTR *pbstrApplicationMessage)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_AddSnapshotToRecoverySet(IVssBackupComponentsEx4 *iface, VSS_ID snapshotId, DWORD dwFlags, VSS_PWSZ pwszDestinationVolume)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_RecoverSet(IVssBackupComponentsEx4 *iface, DWORD dwFlags, IVssAsync **ppAsync)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_GetSessionId(IVssBackupComponentsEx4 *iface, VSS_ID *idSession)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static HRESULT WINAPI backup_components_GetRootAndLogicalPrefixPaths(IVssBackupComponentsEx4 *iface, VSS_PWSZ pwszFilePath, VSS_PWSZ *ppwszRootPath, VSS_PWSZ *ppwszLogicalPrefix, BOOL bNormalizeFQDNforRootPath)
{
    FIXME("%p: stub.\n", iface);
    return E_NOTIMPL;
}

static const IVssBackupComponentsEx4Vtbl backup_components_vtbl =
{
    backup_components_QueryInterface,
    backup_components_AddRef,
    backup_components_Release,
    backup_components_GetWriterComponentsCount,
    backup_components_GetWriterComponents,
    backup_components_InitializeForBackup,
    backup_components_SetBackupState,
    backup_components_InitializeForRestore,
    backup_components_SetRestoreState,
    backup_components_GatherWriterMetadata,
    backup_components_GetWriterMetadataCount,
    backup_components_GetWriterMetadata,
    backup_components_FreeWriterMetadata,
    backup_components_AddComponent,
    backup_components_PrepareForBackup,
    backup_components_AbortBackup,
    backup_components_GatherWriterStatus,
    backup_components_GetWriterStatusCount,
    backup_components_FreeWriterStatus,
    backup_components_GetWriterStatus,
    backup_components_SetBackupSucceeded,
    backup_components_SetBackupOptions,
    backup_components_SetSelectedForRestore,
    backup_components_SetRestoreOptions,
    backup_components_SetAdditionalRestores,
    backup_components_SetPreviousBackupStamp,
    backup_components_SaveAsXML,
    backup_components_BackupComplete,
    backup_components_AddAlternativeLocationMapping,
    backup_components_AddRestoreSubcomponent,
    backup_components_SetFileRestoreStatus,
    backup_components_AddNewTarget,
    backup_components_SetRangesFilePath,
    backup_components_PreRestore,
    backup_components_PostRestore,
    backup_components_SetContext,
    backup_components_StartSnapshotSet,
    backup_components_AddToSnapshotSet,
    backup_components_DoSnapshotSet,
    backup_components_DeleteSnapshots,
    backup_components_ImportSnapshots,
    backup_components_BreakSnapshotSet,
    backup_components_GetSnapshotProperties,
    backup_components_Query,
    backup_components_IsVolumeSupported,
    backup_components_DisableWriterClasses,
    backup_components_EnableWriterClasses,
    backup_components_DisableWriterInstances,
    backup_components_ExposeSnapshot,
    backup_components_RevertToSnapshot,
    backup_components_QueryRevertStatus,
    backup_components_GetWriterMetadataEx,
    backup_components_SetSelectedForRestoreEx,
    backup_components_UnexposeSnapshot,
    backup_components_SetAuthoritativeRestore,
    backup_components_SetRollForward,
    backup_components_SetRestoreName,
    backup_components_BreakSnapshotSetEx,
    backup_components_PreFastRecovery,
    backup_components_FastRecovery,
    backup_components_GetWriterStatusEx,
    backup_components_AddSnapshotToRecoverySet,
    backup_components_RecoverSet,
    backup_components_GetSessionId,
    backup_components_GetRootAndLogicalPrefixPaths,
};

HRESULT backup_components_create(IVssBackupComponents **out)
{
    struct backup_components *backup;

    if (!(backup = calloc(1, sizeof(*backup))))
        return E_OUTOFMEMORY;

    backup->IVssBackupComponentsEx4_iface.lpVtbl = &backup_components_vtbl;
    backup->refcount = 1;
    vssapi_lock_module();

    TRACE("created %p.\n", backup);
    *out = (IVssBackupComponents *)&backup->IVssBackupComponentsEx4_iface;
    return S_OK;
}
