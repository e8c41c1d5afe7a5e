/*
 * vssapi.dll: instantiates the interface identifiers of the VSS headers.
 */

#include <stdarg.h>

#include "windef.h"
#include "winbase.h"
#include "objbase.h"

#include "initguid.h"

#include "vss.h"
#include "vswriter.h"
#include "vsbackup.h"
#include "vsmgmt.h"
