/*
 * winevss: the Backup Components Document model (bcd.c).
 *
 * Portable like xml.h: in the DLL it is included by vssapi_private.h after
 * Windows' headers; natively (tests/test-bcd.c) the few Windows types it
 * uses are defined here with the same sizes and values.
 */

#ifndef __WINEVSS_BCD_H
#define __WINEVSS_BCD_H

#include "xml.h"

#ifndef _WIN32
typedef uint16_t WCHAR;
typedef int32_t LONG;
typedef int32_t HRESULT;
typedef int BOOL;
typedef unsigned int UINT;
typedef struct
{
    uint32_t Data1;
    uint16_t Data2;
    uint16_t Data3;
    uint8_t Data4[8];
} VSS_ID;
#ifndef TRUE
#define TRUE 1
#define FALSE 0
#endif
#define S_OK ((HRESULT)0)
#define E_INVALIDARG ((HRESULT)0x80070057)
#define E_OUTOFMEMORY ((HRESULT)0x8007000e)
#define VSS_E_OBJECT_NOT_FOUND ((HRESULT)0x80042308)
#define VSS_E_INVALID_XML_DOCUMENT ((HRESULT)0x80042311)
typedef enum { VSS_BT_UNDEFINED, VSS_BT_FULL, VSS_BT_INCREMENTAL, VSS_BT_DIFFERENTIAL, VSS_BT_LOG,
        VSS_BT_COPY, VSS_BT_OTHER } VSS_BACKUP_TYPE;
typedef enum { VSS_RTYPE_UNDEFINED, VSS_RTYPE_BY_COPY, VSS_RTYPE_IMPORT, VSS_RTYPE_OTHER } VSS_RESTORE_TYPE;
typedef enum { VSS_CT_UNDEFINED, VSS_CT_DATABASE, VSS_CT_FILEGROUP } VSS_COMPONENT_TYPE;
typedef enum { VSS_RS_UNDEFINED, VSS_RS_NONE, VSS_RS_ALL, VSS_RS_FAILED } VSS_FILE_RESTORE_STATUS;
typedef enum { VSS_RF_UNDEFINED, VSS_RF_NONE, VSS_RF_ALL, VSS_RF_PARTIAL } VSS_ROLLFORWARD_TYPE;
typedef enum { VSS_RT_UNDEFINED, VSS_RT_ORIGINAL, VSS_RT_ALTERNATE, VSS_RT_DIRECTED,
        VSS_RT_ORIGINAL_LOCATION } VSS_RESTORE_TARGET;
#endif

struct bcd;

/* xml NULL: a new document for a backup.  VSS_E_INVALID_XML_DOCUMENT when
 * xml is not a well-formed Backup Components Document (root element
 * BACKUP_COMPONENTS) within the limits of xml.h. */
HRESULT bcd_create(const WCHAR *xml, struct bcd **out);
/* The same for len code units, which need not end with a NUL. */
HRESULT bcd_load(const WCHAR *xml, size_t len, struct bcd **out);
void bcd_destroy(struct bcd *bcd);
/* The document as text (malloc, NUL-terminated; *len without the NUL). */
HRESULT bcd_save_text(const struct bcd *bcd, WCHAR **xml, size_t *len);

/* The requester's state, as attributes of BACKUP_COMPONENTS. */
HRESULT bcd_set_backup_state(struct bcd *bcd, BOOL select_components, BOOL bootable_state,
        VSS_BACKUP_TYPE type, BOOL partial_files);
HRESULT bcd_set_restore_type(struct bcd *bcd, VSS_RESTORE_TYPE type);
HRESULT bcd_set_snapshot_set(struct bcd *bcd, const VSS_ID *set_id);

/* GUIDs as the document writes them: 36 characters, no braces; read in
 * any case, written in lower case.  buffer holds at least 37 WCHARs. */
BOOL bcd_parse_guid(const WCHAR *str, VSS_ID *id);
void bcd_format_guid(const VSS_ID *id, WCHAR *buffer);

/* Transportable snapshot sets: SNAPSHOT_SET_DESCRIPTION, one child of
 * BACKUP_COMPONENTS, with one SNAPSHOT_DESCRIPTION per snapshot.  The
 * strings of struct bcd_snapshot may be NULL (attribute absent). */
struct bcd_snapshot
{
    VSS_ID id;
    VSS_ID provider_id;
    LONG attributes;
    WCHAR *original_volume;
    WCHAR *originating_machine;
    WCHAR *service_machine;
    WCHAR *locator;             /* opaque host snapshot locator from the agent */
};
/* Written at the end of a transportable DoSnapshotSet; replaces an earlier
 * description.  Appears in bcd_save_text / SaveAsXML. */
HRESULT bcd_describe_snapshot_set(struct bcd *bcd, const VSS_ID *set_id, LONG context,
        const struct bcd_snapshot *snapshots, unsigned int count);
/* From a loaded document.  VSS_E_OBJECT_NOT_FOUND when it describes no set,
 * VSS_E_INVALID_XML_DOCUMENT when an identifier is missing or malformed.
 * Free *snapshots with bcd_free_snapshots. */
HRESULT bcd_get_snapshot_set(const struct bcd *bcd, VSS_ID *set_id, LONG *context,
        struct bcd_snapshot **snapshots, unsigned int *count);
void bcd_free_snapshots(struct bcd_snapshot *snapshots, unsigned int count);
/* Whether the document describes a transportable snapshot set, and
 * whether that description holds a given snapshot. */
BOOL bcd_describes_snapshot_set(const struct bcd *bcd);
BOOL bcd_describes_snapshot(const struct bcd *bcd, const VSS_ID *snapshot_id);

/* Writers with components: WRITER_COMPONENTS children of the root that
 * hold at least one COMPONENT.  bcd_writer_components is the index'th of
 * them, a copy (xml_free) that does not change with the document. */
unsigned int bcd_writer_count(const struct bcd *bcd);
struct xml_node *bcd_writer_components(const struct bcd *bcd, unsigned int index);

/* What the requester writes into a component (the component methods of
 * IVssBackupComponents).  Each field names the arguments it uses. */
enum bcd_field
{
    BCD_FIELD_NONE,             /* only find the component */
    BCD_BACKUP_SUCCEEDED,       /* flag */
    BCD_BACKUP_OPTIONS,         /* strings[0] */
    BCD_PREVIOUS_BACKUP_STAMP,  /* strings[0] */
    BCD_SELECTED_FOR_RESTORE,   /* flag */
    BCD_RESTORE_OPTIONS,        /* strings[0] */
    BCD_ADDITIONAL_RESTORES,    /* flag */
    BCD_ALTERNATE_LOCATION,     /* strings: path, filespec, destination; flag: recursive */
    BCD_RESTORE_SUBCOMPONENT,   /* strings: logical path, name; flag: repair */
    BCD_FILE_RESTORE_STATUS,    /* number: VSS_FILE_RESTORE_STATUS */
    BCD_NEW_TARGET,             /* strings: path, file name, alternate path; flag: recursive */
    BCD_RANGES_FILE,            /* number: partial file index; strings[0]: ranges file */
    BCD_AUTHORITATIVE_RESTORE,  /* flag */
    BCD_ROLL_FORWARD,           /* number: VSS_ROLLFORWARD_TYPE; strings[0]: point, or NULL */
    BCD_RESTORE_NAME,           /* strings[0] */
};

struct bcd_annotation
{
    /* The component: writer class, type, logical path (NULL or "" for
     * none) and name. */
    VSS_ID writer;
    VSS_COMPONENT_TYPE type;
    const WCHAR *logical_path;
    const WCHAR *name;
    enum bcd_field field;
    BOOL flag;
    LONG number;
    const WCHAR *strings[3];
};
/* VSS_E_OBJECT_NOT_FOUND when the document has no such component. */
HRESULT bcd_annotate(struct bcd *bcd, const struct bcd_annotation *annotation);

/* Reading a COMPONENT element (from bcd_writer_components). */
const WCHAR *bcd_component_string(const struct xml_node *component, enum bcd_field field);
BOOL bcd_component_flag(const struct xml_node *component, enum bcd_field field);
LONG bcd_component_number(const struct xml_node *component, enum bcd_field field);
VSS_COMPONENT_TYPE bcd_component_type(const struct xml_node *component);

#endif /* __WINEVSS_BCD_H */
