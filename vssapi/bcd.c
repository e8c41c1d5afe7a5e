/*
 * vssapi.dll: the Backup Components Document (BCD).
 *
 * The document is an XML tree (xml.c) and is the only state: the setters
 * write attributes and elements into it, the getters read them back, and
 * SaveAsXML serialises it.  A loaded document therefore keeps everything
 * this model does not know (writer data, LUN descriptions, attributes of
 * later Windows versions): only what a setter touches changes.
 *
 * Names come from VSS_REFERENCE.md section 6.2 where public documents show
 * them; the others are winevss's choice, listed in docs/decisions.md.
 *
 * Portable: apart from bcd_save at the end (BSTR), this file is also built
 * natively into tests/test-bcd.c.
 */

#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);
#else
#include "bcd.h"

#define TRACE(...) do { } while (0)
#define WARN(...) do { } while (0)
#endif

struct bcd
{
    struct xml_node *document;
};

/* Attributes of BACKUP_COMPONENTS. */
#define BCD_ROOT "BACKUP_COMPONENTS"
#define BCD_SNAPSHOT_SET_ID "snapshotSetId"

/* Where each component field lives: an attribute of COMPONENT, or child
 * elements of it. */
static const struct
{
    const char *attribute;
    const char *element;
}
bcd_fields[] =
{
    [BCD_BACKUP_SUCCEEDED] = {"backupSucceeded"},
    [BCD_BACKUP_OPTIONS] = {"backupOptions"},
    [BCD_PREVIOUS_BACKUP_STAMP] = {"previousBackupStamp"},
    [BCD_SELECTED_FOR_RESTORE] = {"selectedForRestore"},
    [BCD_RESTORE_OPTIONS] = {"restoreOptions"},
    [BCD_ADDITIONAL_RESTORES] = {"additionalRestores"},
    [BCD_ALTERNATE_LOCATION] = {NULL, "ALTERNATE_LOCATION_MAPPING"},
    [BCD_RESTORE_SUBCOMPONENT] = {NULL, "RESTORE_SUBCOMPONENT"},
    [BCD_FILE_RESTORE_STATUS] = {"fileRestoreStatus"},
    [BCD_NEW_TARGET] = {NULL, "NEW_TARGET"},
    [BCD_RANGES_FILE] = {NULL, "RANGES_FILE"},
    [BCD_AUTHORITATIVE_RESTORE] = {"authoritativeRestore"},
    [BCD_ROLL_FORWARD] = {"rollForwardType"},
    [BCD_RESTORE_NAME] = {"restoreName"},
};
#define BCD_ROLL_FORWARD_POINT "rollForwardPoint"

static const char *const backup_type_names[] = {"undefined", "full", "incremental", "differential", "log",
        "copy", "other"};
static const char *const restore_type_names[] = {"undefined", "byCopy", "import", "other"};
static const char *const file_restore_status_names[] = {"undefined", "none", "all", "failed"};
static const char *const roll_forward_names[] = {"undefined", "none", "all", "partial"};

static const xml_char *wstr(const WCHAR *str)
{
    return (const xml_char *)str;
}

static struct xml_node *bcd_root(const struct bcd *bcd)
{
    return xml_root(bcd->document);
}

static HRESULT bcd_set(struct xml_node *element, const char *name, const char *value)
{
    return xml_set_attribute_ascii(element, name, value) ? E_OUTOFMEMORY : S_OK;
}

static HRESULT bcd_set_w(struct xml_node *element, const char *name, const WCHAR *value)
{
    return xml_set_attribute(element, name, wstr(value)) ? E_OUTOFMEMORY : S_OK;
}

static const char *bcd_yes_no(BOOL value)
{
    return value ? "yes" : "no";
}

static HRESULT bcd_set_number(struct xml_node *element, const char *name, LONG value)
{
    char buffer[16];
    unsigned int i = sizeof(buffer) - 1;
    uint32_t number = (uint32_t)value;

    /* Unsigned decimal, as the document writes backupSchema. */
    buffer[i] = 0;
    do
    {
        buffer[--i] = '0' + number % 10;
        number /= 10;
    } while (number);
    return bcd_set(element, name, buffer + i);
}

static BOOL bcd_parse_number(const xml_char *str, LONG *value)
{
    uint64_t number = 0;

    if (!str || !*str)
        return FALSE;
    for (; *str; ++str)
    {
        if (*str < '0' || *str > '9')
            return FALSE;
        number = number * 10 + (*str - '0');
        if (number > 0xffffffffu)
            return FALSE;
    }
    *value = (LONG)(uint32_t)number;
    return TRUE;
}

/* The index of value in names, or -1. */
static int bcd_lookup(const xml_char *value, const char *const *names, unsigned int count)
{
    unsigned int i;

    for (i = 0; value && i < count; ++i)
    {
        if (xml_is_ascii(value, names[i]))
            return i;
    }
    return -1;
}

static int bcd_hex(xml_char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

BOOL bcd_parse_guid(const WCHAR *str, VSS_ID *id)
{
    static const unsigned char dashes[] = {8, 13, 18, 23};
    uint8_t bytes[16];
    unsigned int i, n = 0;
    int high, low;

    if (!str)
        return FALSE;
    for (i = 0; i < 36; )
    {
        if (n < 4 && i == dashes[n])
        {
            if (str[i] != '-')
                return FALSE;
            ++n;
            ++i;
            continue;
        }
        if ((high = bcd_hex(str[i])) < 0 || (low = bcd_hex(str[i + 1])) < 0)
            return FALSE;
        bytes[(i - n) / 2] = high << 4 | low;
        i += 2;
    }
    if (str[36])
        return FALSE;
    id->Data1 = (uint32_t)bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3];
    id->Data2 = bytes[4] << 8 | bytes[5];
    id->Data3 = bytes[6] << 8 | bytes[7];
    memcpy(id->Data4, bytes + 8, 8);
    return TRUE;
}

void bcd_format_guid(const VSS_ID *id, WCHAR *buffer)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t bytes[16];
    unsigned int i, j = 0;

    bytes[0] = id->Data1 >> 24;
    bytes[1] = id->Data1 >> 16;
    bytes[2] = id->Data1 >> 8;
    bytes[3] = id->Data1;
    bytes[4] = id->Data2 >> 8;
    bytes[5] = id->Data2;
    bytes[6] = id->Data3 >> 8;
    bytes[7] = id->Data3;
    memcpy(bytes + 8, id->Data4, 8);
    for (i = 0; i < 16; ++i)
    {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            buffer[j++] = '-';
        buffer[j++] = hex[bytes[i] >> 4];
        buffer[j++] = hex[bytes[i] & 0xf];
    }
    buffer[j] = 0;
}

static BOOL bcd_guid_equal(const VSS_ID *a, const VSS_ID *b)
{
    return !memcmp(a, b, sizeof(*a));
}

static HRESULT bcd_set_guid(struct xml_node *element, const char *name, const VSS_ID *id)
{
    WCHAR buffer[40];

    bcd_format_guid(id, buffer);
    return bcd_set_w(element, name, buffer);
}

static BOOL bcd_get_guid(const struct xml_node *element, const char *name, VSS_ID *id)
{
    return bcd_parse_guid((const WCHAR *)xml_get_attribute(element, name), id);
}

/* Creating, loading, saving. */

static HRESULT bcd_new(struct bcd **out)
{
    struct xml_node *root;
    struct bcd *bcd;
    HRESULT hr;

    if (!(bcd = calloc(1, sizeof(*bcd))))
        return E_OUTOFMEMORY;
    if (!(bcd->document = xml_new_document(BCD_ROOT)))
    {
        free(bcd);
        return E_OUTOFMEMORY;
    }
    root = bcd_root(bcd);
    if ((hr = bcd_set(root, "xmlns", "x-schema:#VssComponentMetadata")) != S_OK
            || (hr = bcd_set(root, "version", "1.2")) != S_OK
            || (hr = bcd_set_backup_state(bcd, FALSE, FALSE, VSS_BT_FULL, FALSE)) != S_OK)
    {
        bcd_destroy(bcd);
        return hr;
    }
    *out = bcd;
    return S_OK;
}

HRESULT bcd_load(const WCHAR *xml, size_t len, struct bcd **out)
{
    struct xml_node *document, *root;
    enum xml_error error;
    struct bcd *bcd;

    if (!(document = xml_parse(wstr(xml), len, &error)))
    {
        WARN("not well-formed XML (error %d).\n", error);
        return error == XML_E_MEMORY ? E_OUTOFMEMORY : VSS_E_INVALID_XML_DOCUMENT;
    }
    root = xml_root(document);
    if (!xml_is_ascii(root->name, BCD_ROOT))
    {
        WARN("the root element is not " BCD_ROOT ".\n");
        xml_free(document);
        return VSS_E_INVALID_XML_DOCUMENT;
    }
    if (!(bcd = calloc(1, sizeof(*bcd))))
    {
        xml_free(document);
        return E_OUTOFMEMORY;
    }
    bcd->document = document;
    *out = bcd;
    return S_OK;
}

HRESULT bcd_create(const WCHAR *xml, struct bcd **out)
{
    if (!xml)
        return bcd_new(out);
    return bcd_load(xml, xml_strlen(wstr(xml)), out);
}

void bcd_destroy(struct bcd *bcd)
{
    xml_free(bcd->document);
    free(bcd);
}

HRESULT bcd_save_text(const struct bcd *bcd, WCHAR **xml, size_t *len)
{
    xml_char *text;

    if (!(text = xml_serialize(bcd->document, len)))
        return E_OUTOFMEMORY;
    *xml = (WCHAR *)text;
    return S_OK;
}

/* The requester's state. */

HRESULT bcd_set_backup_state(struct bcd *bcd, BOOL select_components, BOOL bootable_state,
        VSS_BACKUP_TYPE type, BOOL partial_files)
{
    struct xml_node *root = bcd_root(bcd);
    HRESULT hr;

    if ((unsigned int)type >= sizeof(backup_type_names) / sizeof(backup_type_names[0]))
        return E_INVALIDARG;
    if ((hr = bcd_set(root, "bootableSystemStateBackup", bcd_yes_no(bootable_state))) != S_OK
            || (hr = bcd_set(root, "selectComponents", bcd_yes_no(select_components))) != S_OK
            || (hr = bcd_set(root, "backupType", backup_type_names[type])) != S_OK)
        return hr;
    return bcd_set(root, "partialFileSupport", bcd_yes_no(partial_files));
}

HRESULT bcd_set_restore_type(struct bcd *bcd, VSS_RESTORE_TYPE type)
{
    if ((unsigned int)type >= sizeof(restore_type_names) / sizeof(restore_type_names[0]))
        return E_INVALIDARG;
    return bcd_set(bcd_root(bcd), "restoreType", restore_type_names[type]);
}

HRESULT bcd_set_snapshot_set(struct bcd *bcd, const VSS_ID *set_id)
{
    return bcd_set_guid(bcd_root(bcd), BCD_SNAPSHOT_SET_ID, set_id);
}

/* Transportable snapshot sets. */

#define BCD_SET_DESCRIPTION "SNAPSHOT_SET_DESCRIPTION"
#define BCD_SNAPSHOT_DESCRIPTION "SNAPSHOT_DESCRIPTION"
#define BCD_HOST_SNAPSHOT "WINEVSS_HOST_SNAPSHOT"

static HRESULT bcd_describe_snapshot(struct xml_node *set, const struct bcd_snapshot *snapshot)
{
    struct xml_node *element, *host;
    HRESULT hr;

    if (!(element = xml_append_element(set, BCD_SNAPSHOT_DESCRIPTION)))
        return E_OUTOFMEMORY;
    if ((hr = bcd_set_guid(element, "snapshotId", &snapshot->id)) != S_OK
            || (hr = bcd_set_guid(element, "providerId", &snapshot->provider_id)) != S_OK
            || (hr = bcd_set_number(element, "snapshotAttributes", snapshot->attributes)) != S_OK
            || (hr = bcd_set_w(element, "originatingMachine", snapshot->originating_machine)) != S_OK
            || (hr = bcd_set_w(element, "serviceMachine", snapshot->service_machine)) != S_OK
            || (hr = bcd_set_w(element, "originalVolumeName", snapshot->original_volume)) != S_OK)
        return hr;
    if (!snapshot->locator)
        return S_OK;
    if (!(host = xml_append_element(element, BCD_HOST_SNAPSHOT)))
        return E_OUTOFMEMORY;
    return bcd_set_w(host, "locator", snapshot->locator);
}

HRESULT bcd_describe_snapshot_set(struct bcd *bcd, const VSS_ID *set_id, LONG context,
        const struct bcd_snapshot *snapshots, unsigned int count)
{
    struct xml_node *root = bcd_root(bcd), *set;
    unsigned int i;
    HRESULT hr;

    TRACE("%u snapshots.\n", count);

    if (!(set = xml_append_element(root, BCD_SET_DESCRIPTION)))
        return E_OUTOFMEMORY;
    if ((hr = bcd_set_guid(set, BCD_SNAPSHOT_SET_ID, set_id)) != S_OK
            || (hr = bcd_set_number(set, "context", context)) != S_OK)
        goto failed;
    for (i = 0; i < count; ++i)
    {
        if ((hr = bcd_describe_snapshot(set, &snapshots[i])) != S_OK)
            goto failed;
    }
    /* Only now that the new description is complete does the old one go. */
    while (xml_first_element(root, BCD_SET_DESCRIPTION) != set)
        xml_free(xml_first_element(root, BCD_SET_DESCRIPTION));
    return S_OK;

failed:
    xml_free(set);
    return hr;
}

static const struct xml_node *bcd_set_description(const struct bcd *bcd)
{
    return xml_first_element(bcd_root(bcd), BCD_SET_DESCRIPTION);
}

static HRESULT bcd_copy_string(const struct xml_node *element, const char *name, WCHAR **out)
{
    const xml_char *value = xml_get_attribute(element, name);

    *out = NULL;
    if (value && !(*out = (WCHAR *)xml_strdup(value)))
        return E_OUTOFMEMORY;
    return S_OK;
}

static HRESULT bcd_read_snapshot(const struct xml_node *element, struct bcd_snapshot *snapshot)
{
    const struct xml_node *host;
    HRESULT hr;

    if (!bcd_get_guid(element, "snapshotId", &snapshot->id))
        return VSS_E_INVALID_XML_DOCUMENT;
    if (!bcd_get_guid(element, "providerId", &snapshot->provider_id))
        memset(&snapshot->provider_id, 0, sizeof(snapshot->provider_id));
    if (!bcd_parse_number(xml_get_attribute(element, "snapshotAttributes"), &snapshot->attributes))
        snapshot->attributes = 0;
    if ((hr = bcd_copy_string(element, "originalVolumeName", &snapshot->original_volume)) != S_OK
            || (hr = bcd_copy_string(element, "originatingMachine", &snapshot->originating_machine)) != S_OK
            || (hr = bcd_copy_string(element, "serviceMachine", &snapshot->service_machine)) != S_OK)
        return hr;
    snapshot->locator = NULL;
    if ((host = xml_first_element(element, BCD_HOST_SNAPSHOT)))
        return bcd_copy_string(host, "locator", &snapshot->locator);
    return S_OK;
}

HRESULT bcd_get_snapshot_set(const struct bcd *bcd, VSS_ID *set_id, LONG *context,
        struct bcd_snapshot **snapshots, unsigned int *count)
{
    const struct xml_node *set = bcd_set_description(bcd), *element;
    struct bcd_snapshot *array;
    unsigned int n = 0;
    HRESULT hr;

    *snapshots = NULL;
    *count = 0;
    if (!set)
        return VSS_E_OBJECT_NOT_FOUND;
    if (!bcd_get_guid(set, BCD_SNAPSHOT_SET_ID, set_id))
        return VSS_E_INVALID_XML_DOCUMENT;
    if (!bcd_parse_number(xml_get_attribute(set, "context"), context))
        *context = 0;
    if (!(array = calloc(xml_count_elements(set, BCD_SNAPSHOT_DESCRIPTION) + 1, sizeof(*array))))
        return E_OUTOFMEMORY;
    for (element = xml_first_element(set, BCD_SNAPSHOT_DESCRIPTION); element;
            element = xml_next_element(element, BCD_SNAPSHOT_DESCRIPTION))
    {
        if ((hr = bcd_read_snapshot(element, &array[n++])) != S_OK)
        {
            bcd_free_snapshots(array, n);
            return hr;
        }
    }
    *snapshots = array;
    *count = n;
    return S_OK;
}

void bcd_free_snapshots(struct bcd_snapshot *snapshots, unsigned int count)
{
    unsigned int i;

    for (i = 0; snapshots && i < count; ++i)
    {
        free(snapshots[i].original_volume);
        free(snapshots[i].originating_machine);
        free(snapshots[i].service_machine);
        free(snapshots[i].locator);
    }
    free(snapshots);
}

BOOL bcd_describes_snapshot_set(const struct bcd *bcd)
{
    return bcd_set_description(bcd) != NULL;
}

BOOL bcd_describes_snapshot(const struct bcd *bcd, const VSS_ID *snapshot_id)
{
    const struct xml_node *set = bcd_set_description(bcd), *element;
    VSS_ID id;

    if (!set)
        return FALSE;
    for (element = xml_first_element(set, BCD_SNAPSHOT_DESCRIPTION); element;
            element = xml_next_element(element, BCD_SNAPSHOT_DESCRIPTION))
    {
        if (bcd_get_guid(element, "snapshotId", &id) && bcd_guid_equal(&id, snapshot_id))
            return TRUE;
    }
    return FALSE;
}

/* Writer components. */

#define BCD_WRITER "WRITER_COMPONENTS"
#define BCD_COMPONENT "COMPONENT"

static struct xml_node *bcd_writer(const struct bcd *bcd, unsigned int index)
{
    struct xml_node *writer;

    for (writer = xml_first_element(bcd_root(bcd), BCD_WRITER); writer; writer = xml_next_element(writer, BCD_WRITER))
    {
        if (xml_first_element(writer, BCD_COMPONENT) && !index--)
            return writer;
    }
    return NULL;
}

unsigned int bcd_writer_count(const struct bcd *bcd)
{
    unsigned int count = 0;

    while (bcd_writer(bcd, count))
        ++count;
    return count;
}

struct xml_node *bcd_writer_components(const struct bcd *bcd, unsigned int index)
{
    struct xml_node *writer = bcd_writer(bcd, index);

    return writer ? xml_clone(writer) : NULL;
}

VSS_COMPONENT_TYPE bcd_component_type(const struct xml_node *component)
{
    const xml_char *type = xml_get_attribute(component, "componentType");

    if (type && xml_is_ascii(type, "database"))
        return VSS_CT_DATABASE;
    if (type && xml_is_ascii(type, "filegroup"))
        return VSS_CT_FILEGROUP;
    return VSS_CT_UNDEFINED;
}

/* NULL and "" are both "no logical path", as is a missing attribute. */
static BOOL bcd_same_string(const xml_char *a, const WCHAR *b)
{
    static const xml_char empty[1];

    return !xml_strcmp(a ? a : empty, b ? wstr(b) : empty);
}

static struct xml_node *bcd_find_component(const struct bcd *bcd, const struct bcd_annotation *annotation)
{
    struct xml_node *writer, *component;
    VSS_COMPONENT_TYPE type;
    VSS_ID id;

    for (writer = xml_first_element(bcd_root(bcd), BCD_WRITER); writer; writer = xml_next_element(writer, BCD_WRITER))
    {
        if (!bcd_get_guid(writer, "writerId", &id) || !bcd_guid_equal(&id, &annotation->writer))
            continue;
        for (component = xml_first_element(writer, BCD_COMPONENT); component;
                component = xml_next_element(component, BCD_COMPONENT))
        {
            type = bcd_component_type(component);
            if (bcd_same_string(xml_get_attribute(component, "componentName"), annotation->name)
                    && bcd_same_string(xml_get_attribute(component, "logicalPath"), annotation->logical_path)
                    && (type == VSS_CT_UNDEFINED || type == annotation->type))
                return component;
        }
    }
    return NULL;
}

/* A child element describing files: ALTERNATE_LOCATION_MAPPING, NEW_TARGET. */
static HRESULT bcd_add_files(struct xml_node *component, const char *name, const struct bcd_annotation *annotation)
{
    struct xml_node *element;
    HRESULT hr;

    if (!(element = xml_append_element(component, name)))
        return E_OUTOFMEMORY;
    if ((hr = bcd_set_w(element, "path", annotation->strings[0])) != S_OK
            || (hr = bcd_set_w(element, "filespec", annotation->strings[1])) != S_OK
            || (hr = bcd_set(element, "recursive", bcd_yes_no(annotation->flag))) != S_OK
            || (hr = bcd_set_w(element, "alternatePath", annotation->strings[2])) != S_OK)
        xml_free(element);
    return hr;
}

static HRESULT bcd_add_subcomponent(struct xml_node *component, const struct bcd_annotation *annotation)
{
    struct xml_node *element;
    HRESULT hr;

    if (!(element = xml_append_element(component, bcd_fields[BCD_RESTORE_SUBCOMPONENT].element)))
        return E_OUTOFMEMORY;
    if ((hr = bcd_set_w(element, "logicalPath", annotation->strings[0])) != S_OK
            || (hr = bcd_set_w(element, "componentName", annotation->strings[1])) != S_OK
            || (hr = bcd_set(element, "repair", bcd_yes_no(annotation->flag))) != S_OK)
        xml_free(element);
    return hr;
}

/* One ranges file per partial file: a new path replaces the old one. */
static HRESULT bcd_set_ranges_file(struct xml_node *component, const struct bcd_annotation *annotation)
{
    const char *name = bcd_fields[BCD_RANGES_FILE].element;
    struct xml_node *element;
    LONG index;

    for (element = xml_first_element(component, name); element; element = xml_next_element(element, name))
    {
        if (bcd_parse_number(xml_get_attribute(element, "partialFile"), &index) && index == annotation->number)
            return bcd_set_w(element, "rangesFile", annotation->strings[0]);
    }
    if (!(element = xml_append_element(component, name)))
        return E_OUTOFMEMORY;
    if (bcd_set_number(element, "partialFile", annotation->number) != S_OK
            || bcd_set_w(element, "rangesFile", annotation->strings[0]) != S_OK)
    {
        xml_free(element);
        return E_OUTOFMEMORY;
    }
    return S_OK;
}

static HRESULT bcd_set_named(struct xml_node *element, const char *attribute, LONG value,
        const char *const *names, unsigned int count)
{
    if (value < 0 || (unsigned int)value >= count)
        return E_INVALIDARG;
    return bcd_set(element, attribute, names[value]);
}

HRESULT bcd_annotate(struct bcd *bcd, const struct bcd_annotation *annotation)
{
    const char *attribute = bcd_fields[annotation->field].attribute;
    struct xml_node *component;
    HRESULT hr;

    if (!(component = bcd_find_component(bcd, annotation)))
        return VSS_E_OBJECT_NOT_FOUND;

    switch (annotation->field)
    {
    case BCD_FIELD_NONE:
        return S_OK;
    case BCD_BACKUP_SUCCEEDED:
    case BCD_SELECTED_FOR_RESTORE:
    case BCD_ADDITIONAL_RESTORES:
    case BCD_AUTHORITATIVE_RESTORE:
        return bcd_set(component, attribute, bcd_yes_no(annotation->flag));
    case BCD_BACKUP_OPTIONS:
    case BCD_PREVIOUS_BACKUP_STAMP:
    case BCD_RESTORE_OPTIONS:
    case BCD_RESTORE_NAME:
        return bcd_set_w(component, attribute, annotation->strings[0]);
    case BCD_ALTERNATE_LOCATION:
    case BCD_NEW_TARGET:
        return bcd_add_files(component, bcd_fields[annotation->field].element, annotation);
    case BCD_RESTORE_SUBCOMPONENT:
        return bcd_add_subcomponent(component, annotation);
    case BCD_FILE_RESTORE_STATUS:
        return bcd_set_named(component, attribute, annotation->number, file_restore_status_names,
                sizeof(file_restore_status_names) / sizeof(file_restore_status_names[0]));
    case BCD_RANGES_FILE:
        return bcd_set_ranges_file(component, annotation);
    case BCD_ROLL_FORWARD:
        if ((hr = bcd_set_named(component, attribute, annotation->number, roll_forward_names,
                sizeof(roll_forward_names) / sizeof(roll_forward_names[0]))) != S_OK)
            return hr;
        /* A point only goes with a partial roll-forward. */
        return bcd_set_w(component, BCD_ROLL_FORWARD_POINT,
                annotation->number == VSS_RF_PARTIAL ? annotation->strings[0] : NULL);
    }
    return E_INVALIDARG;
}

const WCHAR *bcd_component_string(const struct xml_node *component, enum bcd_field field)
{
    if (field == BCD_ROLL_FORWARD)
        return (const WCHAR *)xml_get_attribute(component, BCD_ROLL_FORWARD_POINT);
    if (!bcd_fields[field].attribute)
        return NULL;
    return (const WCHAR *)xml_get_attribute(component, bcd_fields[field].attribute);
}

BOOL bcd_component_flag(const struct xml_node *component, enum bcd_field field)
{
    const xml_char *value;

    if (!bcd_fields[field].attribute || !(value = xml_get_attribute(component, bcd_fields[field].attribute)))
        return FALSE;
    return xml_is_ascii(value, "yes");
}

LONG bcd_component_number(const struct xml_node *component, enum bcd_field field)
{
    const xml_char *value;
    int index;

    if (!bcd_fields[field].attribute || !(value = xml_get_attribute(component, bcd_fields[field].attribute)))
        return 0;
    if (field == BCD_FILE_RESTORE_STATUS)
        index = bcd_lookup(value, file_restore_status_names,
                sizeof(file_restore_status_names) / sizeof(file_restore_status_names[0]));
    else if (field == BCD_ROLL_FORWARD)
        index = bcd_lookup(value, roll_forward_names, sizeof(roll_forward_names) / sizeof(roll_forward_names[0]));
    else
        index = -1;
    return index < 0 ? 0 : index;
}

#ifdef _WIN32

HRESULT bcd_save(const struct bcd *bcd, BSTR *out)
{
    size_t len;
    WCHAR *text;
    HRESULT hr;

    if ((hr = bcd_save_text(bcd, &text, &len)) != S_OK)
        return hr;
    if (len > 0x7fffffff / sizeof(WCHAR) || !(*out = SysAllocStringLen(text, len)))
        hr = E_OUTOFMEMORY;
    free(text);
    return hr;
}

#endif
