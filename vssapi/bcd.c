/*
 * vssapi.dll: the Backup Components Document (BCD).
 *
 * What the requester core needs of the document today: the requester's
 * backup state and the snapshot set written into a new document, a check
 * that a document handed to InitializeForBackup/InitializeForRestore is a
 * well-formed BCD (element BACKUP_COMPONENTS at the root), and what a loaded
 * document says about a transportable snapshot set.  A loaded document is
 * kept as it was and saved back unchanged, so elements this model does not
 * know (writer components, LUN descriptions) survive a round trip.
 *
 * The XML reader below checks well-formedness only: balanced elements,
 * quoted attributes, entity and character references, comments, CDATA and
 * processing instructions; no DTDs.
 */

#include <stdlib.h>

#include "vssapi_private.h"

WINE_DEFAULT_DEBUG_CHANNEL(vssapi);

#define BCD_MAX_DEPTH 64
#define BCD_MAX_ATTRIBUTES 32

struct bcd
{
    WCHAR *loaded;                  /* the document given at initialisation, or NULL */
    BOOL select_components;
    BOOL bootable_state;
    BOOL partial_files;
    VSS_BACKUP_TYPE backup_type;
    VSS_RESTORE_TYPE restore_type;
    VSS_ID set_id;
    BOOL has_set_id;
    BOOL describes_set;             /* SNAPSHOT_SET_DESCRIPTION present */
    VSS_ID *snapshots;              /* snapshotId of each SNAPSHOT_DESCRIPTION */
    unsigned int snapshot_count;
};

struct xml_string
{
    const WCHAR *str;
    size_t len;
};

struct xml_attribute
{
    struct xml_string name, value;
};

struct xml_reader
{
    const WCHAR *pos;
    struct bcd *bcd;
    unsigned int depth;
};

static BOOL xml_is_space(WCHAR c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static BOOL xml_is_name_start(WCHAR c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
}

static BOOL xml_is_name_char(WCHAR c)
{
    return xml_is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static void xml_skip_space(struct xml_reader *reader)
{
    while (xml_is_space(*reader->pos))
        ++reader->pos;
}

static BOOL xml_skip_prefix(struct xml_reader *reader, const WCHAR *prefix)
{
    size_t len = wcslen(prefix);

    if (wcsncmp(reader->pos, prefix, len))
        return FALSE;
    reader->pos += len;
    return TRUE;
}

/* Skips to just past "end"; FALSE if the document ends first. */
static BOOL xml_skip_past(struct xml_reader *reader, const WCHAR *end)
{
    const WCHAR *found = wcsstr(reader->pos, end);

    if (!found)
        return FALSE;
    reader->pos = found + wcslen(end);
    return TRUE;
}

static BOOL xml_read_name(struct xml_reader *reader, struct xml_string *name)
{
    if (!xml_is_name_start(*reader->pos))
        return FALSE;
    name->str = reader->pos;
    while (xml_is_name_char(*reader->pos))
        ++reader->pos;
    name->len = reader->pos - name->str;
    return TRUE;
}

static BOOL xml_name_is(const struct xml_string *name, const WCHAR *expected)
{
    return name->len == wcslen(expected) && !wcsncmp(name->str, expected, name->len);
}

/* "&name;" or "&#123;" or "&#x1f;", with the reader on the '&'. */
static BOOL xml_skip_reference(struct xml_reader *reader)
{
    struct xml_string name;

    ++reader->pos;
    if (*reader->pos == '#')
    {
        ++reader->pos;
        if (*reader->pos == 'x')
        {
            ++reader->pos;
            if (!iswxdigit(*reader->pos))
                return FALSE;
            while (iswxdigit(*reader->pos))
                ++reader->pos;
        }
        else
        {
            if (!iswdigit(*reader->pos))
                return FALSE;
            while (iswdigit(*reader->pos))
                ++reader->pos;
        }
    }
    else if (!xml_read_name(reader, &name))
    {
        return FALSE;
    }
    return *reader->pos++ == ';';
}

/* Comments, processing instructions and white space between elements. */
static BOOL xml_skip_misc(struct xml_reader *reader)
{
    for (;;)
    {
        xml_skip_space(reader);
        if (xml_skip_prefix(reader, L"<!--"))
        {
            if (!xml_skip_past(reader, L"-->"))
                return FALSE;
        }
        else if (xml_skip_prefix(reader, L"<?"))
        {
            if (!xml_skip_past(reader, L"?>"))
                return FALSE;
        }
        else
        {
            return TRUE;
        }
    }
}

static BOOL xml_read_attributes(struct xml_reader *reader, struct xml_attribute *attributes, unsigned int *count)
{
    struct xml_attribute attribute;
    WCHAR quote;

    *count = 0;
    for (;;)
    {
        const WCHAR *before = reader->pos;

        xml_skip_space(reader);
        if (*reader->pos == '/' || *reader->pos == '>')
            return TRUE;
        if (reader->pos == before || !xml_read_name(reader, &attribute.name))
            return FALSE;
        xml_skip_space(reader);
        if (*reader->pos++ != '=')
            return FALSE;
        xml_skip_space(reader);
        quote = *reader->pos++;
        if (quote != '"' && quote != '\'')
            return FALSE;
        attribute.value.str = reader->pos;
        while (*reader->pos != quote)
        {
            if (!*reader->pos || *reader->pos == '<')
                return FALSE;
            if (*reader->pos == '&')
            {
                if (!xml_skip_reference(reader))
                    return FALSE;
            }
            else
            {
                ++reader->pos;
            }
        }
        attribute.value.len = reader->pos - attribute.value.str;
        ++reader->pos;
        if (*count < BCD_MAX_ATTRIBUTES)
            attributes[(*count)++] = attribute;
    }
}

static const struct xml_string *xml_find_attribute(const struct xml_attribute *attributes, unsigned int count,
        const WCHAR *name)
{
    unsigned int i;

    for (i = 0; i < count; ++i)
    {
        if (xml_name_is(&attributes[i].name, name))
            return &attributes[i].value;
    }
    return NULL;
}

/* A GUID as the BCD writes it: without braces, any case. */
static BOOL bcd_parse_guid(const struct xml_string *value, VSS_ID *id)
{
    WCHAR buffer[40];

    if (!value || value->len != 36)
        return FALSE;
    buffer[0] = '{';
    memcpy(buffer + 1, value->str, 36 * sizeof(WCHAR));
    buffer[37] = '}';
    buffer[38] = 0;
    return CLSIDFromString(buffer, id) == S_OK;
}

static void bcd_note_element(struct bcd *bcd, unsigned int depth, const struct xml_string *name,
        const struct xml_attribute *attributes, unsigned int count)
{
    VSS_ID id, *snapshots;

    if (!depth)
    {
        if (bcd_parse_guid(xml_find_attribute(attributes, count, L"snapshotSetId"), &id))
        {
            bcd->set_id = id;
            bcd->has_set_id = TRUE;
        }
    }
    else if (xml_name_is(name, L"SNAPSHOT_SET_DESCRIPTION"))
    {
        bcd->describes_set = TRUE;
    }
    else if (xml_name_is(name, L"SNAPSHOT_DESCRIPTION"))
    {
        if (!bcd_parse_guid(xml_find_attribute(attributes, count, L"snapshotId"), &id))
            return;
        if (!(snapshots = realloc(bcd->snapshots, (bcd->snapshot_count + 1) * sizeof(*snapshots))))
            return;
        snapshots[bcd->snapshot_count++] = id;
        bcd->snapshots = snapshots;
    }
}

/* One element and everything inside it, with the reader on its '<'. */
static BOOL xml_read_element(struct xml_reader *reader)
{
    struct xml_attribute attributes[BCD_MAX_ATTRIBUTES];
    struct xml_string name, end;
    unsigned int count;

    if (reader->depth >= BCD_MAX_DEPTH)
        return FALSE;
    ++reader->pos;
    if (!xml_read_name(reader, &name) || !xml_read_attributes(reader, attributes, &count))
        return FALSE;
    if (!reader->depth && !xml_name_is(&name, L"BACKUP_COMPONENTS"))
        return FALSE;
    bcd_note_element(reader->bcd, reader->depth, &name, attributes, count);

    if (xml_skip_prefix(reader, L"/>"))
        return TRUE;
    if (*reader->pos++ != '>')
        return FALSE;

    ++reader->depth;
    for (;;)
    {
        switch (*reader->pos)
        {
        case 0:
            return FALSE;
        case '&':
            if (!xml_skip_reference(reader))
                return FALSE;
            break;
        case '<':
            if (xml_skip_prefix(reader, L"</"))
            {
                --reader->depth;
                if (!xml_read_name(reader, &end) || end.len != name.len
                        || wcsncmp(end.str, name.str, name.len))
                    return FALSE;
                xml_skip_space(reader);
                return *reader->pos++ == '>';
            }
            if (xml_skip_prefix(reader, L"<!--"))
            {
                if (!xml_skip_past(reader, L"-->"))
                    return FALSE;
            }
            else if (xml_skip_prefix(reader, L"<![CDATA["))
            {
                if (!xml_skip_past(reader, L"]]>"))
                    return FALSE;
            }
            else if (xml_skip_prefix(reader, L"<?"))
            {
                if (!xml_skip_past(reader, L"?>"))
                    return FALSE;
            }
            else if (!xml_read_element(reader))
            {
                return FALSE;
            }
            break;
        default:
            ++reader->pos;
            break;
        }
    }
}

static BOOL bcd_parse(struct bcd *bcd, const WCHAR *xml)
{
    struct xml_reader reader = {xml, bcd, 0};

    if (*reader.pos == 0xfeff)
        ++reader.pos;
    if (!xml_skip_misc(&reader) || *reader.pos != '<' || !xml_read_element(&reader))
        return FALSE;
    return xml_skip_misc(&reader) && !*reader.pos;
}

HRESULT bcd_create(const WCHAR *xml, struct bcd **out)
{
    struct bcd *bcd;

    if (!(bcd = calloc(1, sizeof(*bcd))))
        return E_OUTOFMEMORY;
    bcd->backup_type = VSS_BT_FULL;

    if (xml)
    {
        if (!bcd_parse(bcd, xml))
        {
            WARN("not a well-formed Backup Components Document: %s.\n", debugstr_w(xml));
            bcd_destroy(bcd);
            return VSS_E_INVALID_XML_DOCUMENT;
        }
        if (!(bcd->loaded = wcsdup(xml)))
        {
            bcd_destroy(bcd);
            return E_OUTOFMEMORY;
        }
    }
    *out = bcd;
    return S_OK;
}

void bcd_destroy(struct bcd *bcd)
{
    free(bcd->loaded);
    free(bcd->snapshots);
    free(bcd);
}

void bcd_set_backup_state(struct bcd *bcd, BOOL select_components, BOOL bootable_state,
        VSS_BACKUP_TYPE type, BOOL partial_files)
{
    bcd->select_components = select_components;
    bcd->bootable_state = bootable_state;
    bcd->backup_type = type;
    bcd->partial_files = partial_files;
}

void bcd_set_restore_type(struct bcd *bcd, VSS_RESTORE_TYPE type)
{
    bcd->restore_type = type;
}

void bcd_set_snapshot_set(struct bcd *bcd, const VSS_ID *set_id)
{
    bcd->set_id = *set_id;
    bcd->has_set_id = TRUE;
}

BOOL bcd_describes_snapshot_set(const struct bcd *bcd)
{
    return bcd->describes_set;
}

BOOL bcd_describes_snapshot(const struct bcd *bcd, const VSS_ID *snapshot_id)
{
    unsigned int i;

    for (i = 0; i < bcd->snapshot_count; ++i)
    {
        if (IsEqualGUID(&bcd->snapshots[i], snapshot_id))
            return TRUE;
    }
    return FALSE;
}

static const WCHAR *bcd_yes_no(BOOL value)
{
    return value ? L"yes" : L"no";
}

static const WCHAR *bcd_backup_type_name(VSS_BACKUP_TYPE type)
{
    switch (type)
    {
    case VSS_BT_FULL: return L"full";
    case VSS_BT_INCREMENTAL: return L"incremental";
    case VSS_BT_DIFFERENTIAL: return L"differential";
    case VSS_BT_LOG: return L"log";
    case VSS_BT_COPY: return L"copy";
    case VSS_BT_OTHER: return L"other";
    default: return L"undefined";
    }
}

HRESULT bcd_save(const struct bcd *bcd, BSTR *out)
{
    WCHAR buffer[512], set[40] = L"";
    const VSS_ID *id = &bcd->set_id;

    if (bcd->loaded)
        return (*out = SysAllocString(bcd->loaded)) ? S_OK : E_OUTOFMEMORY;

    if (bcd->has_set_id)
        swprintf(set, ARRAY_SIZE(set), L"%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                id->Data1, id->Data2, id->Data3, id->Data4[0], id->Data4[1], id->Data4[2],
                id->Data4[3], id->Data4[4], id->Data4[5], id->Data4[6], id->Data4[7]);
    swprintf(buffer, ARRAY_SIZE(buffer),
            L"<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\" version=\"1.2\" "
            L"bootableSystemStateBackup=\"%ls\" selectComponents=\"%ls\" backupType=\"%ls\" "
            L"partialFileSupport=\"%ls\"%ls%ls%ls/>",
            bcd_yes_no(bcd->bootable_state), bcd_yes_no(bcd->select_components),
            bcd_backup_type_name(bcd->backup_type), bcd_yes_no(bcd->partial_files),
            bcd->has_set_id ? L" snapshotSetId=\"" : L"", set, bcd->has_set_id ? L"\"" : L"");
    return (*out = SysAllocString(buffer)) ? S_OK : E_OUTOFMEMORY;
}
