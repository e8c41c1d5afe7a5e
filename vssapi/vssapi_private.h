/*
 * vssapi.dll: declarations shared between the files of the DLL.
 *
 * This header is the only contract between the files: each object family
 * (backup components, writer entry points, ...) lives in its own file and
 * exposes nothing but what is declared here.
 */

#ifndef __VSSAPI_PRIVATE_H
#define __VSSAPI_PRIVATE_H

#include <stdarg.h>

#define COBJMACROS
#include "windef.h"
#include "winbase.h"
#include "objbase.h"
#include "oleauto.h"

#include "vss.h"
#include "vswriter.h"
#include "vsbackup.h"
#include "vsserror.h"

#include "wine/debug.h"

/* Counts live objects handed to callers, for DllCanUnloadNow. */
void vssapi_lock_module(void);
void vssapi_unlock_module(void);

#include "agent.h"

HRESULT backup_components_create(IVssBackupComponents **out);

#endif /* __VSSAPI_PRIVATE_H */
