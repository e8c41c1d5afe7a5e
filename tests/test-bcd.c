/*
 * Native tests of the Backup Components Document model (vssapi/bcd.c on
 * vssapi/xml.c, built here from the same sources as the DLL): round trips
 * of known documents, the requester's state, component annotations and
 * the transportable snapshot set description, and rejection of malformed,
 * truncated, hostile and huge input without crashing, followed by a
 * mutation fuzz whose every accepted document must serialise and parse
 * back to the same text.
 *
 * BCD_FUZZ_ITERATIONS overrides the number of mutations (200000), for a
 * run under valgrind.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bcd.h"

static unsigned int passed, failed, skipped, number;

static void check(int cond, const char *description)
{
	++number;
	if (cond) {
		passed++;
		printf("ok %u - %s\n", number, description);
	} else {
		failed++;
		printf("not ok %u - %s\n", number, description);
	}
}

/* UTF-8 (ASCII here) to UTF-16 code units; malloc'ed, NUL-terminated. */
static WCHAR *u16(const char *str, size_t *len)
{
	size_t i, n = strlen(str);
	WCHAR *out = malloc((n + 1) * sizeof(*out));

	for (i = 0; i <= n; i++)
		out[i] = (unsigned char)str[i];
	if (len)
		*len = n;
	return out;
}

static int u16_equal(const WCHAR *a, size_t alen, const WCHAR *b, size_t blen)
{
	return alen == blen && !memcmp(a, b, alen * sizeof(*a));
}

static int contains(const WCHAR *text, size_t len, const char *needle)
{
	size_t i, j, n = strlen(needle);

	for (i = 0; i + n <= len; i++) {
		for (j = 0; j < n && text[i + j] == (unsigned char)needle[j]; j++)
			;
		if (j == n)
			return 1;
	}
	return 0;
}

static HRESULT load(const WCHAR *xml, size_t len, struct bcd **bcd)
{
	return bcd_load(xml, len, bcd);
}

/* Parses and saves; NULL when the document does not load. */
static WCHAR *round_trip(const WCHAR *xml, size_t len, size_t *out_len, HRESULT *hr)
{
	struct bcd *bcd;
	WCHAR *saved = NULL;

	if ((*hr = load(xml, len, &bcd)) != S_OK)
		return NULL;
	*hr = bcd_save_text(bcd, &saved, out_len);
	bcd_destroy(bcd);
	return saved;
}

static HRESULT load_ascii(const char *xml)
{
	struct bcd *bcd;
	size_t len;
	WCHAR *text = u16(xml, &len);
	HRESULT hr = load(text, len, &bcd);

	if (hr == S_OK)
		bcd_destroy(bcd);
	free(text);
	return hr;
}

/* A document as diskshadow and vshadow write it, with a transportable set
 * description and data of later versions this model does not know. */
static const char realistic[] =
	"<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\" version=\"1.2\" "
	"bootableSystemStateBackup=\"yes\" selectComponents=\"yes\" backupType=\"full\" "
	"partialFileSupport=\"no\" snapshotSetId=\"4ad2e8b1-1c3e-4c7a-9f0e-2b1a3c4d5e6f\">"
	"<WRITER_COMPONENTS instanceId=\"b2014c9e-8711-4c5c-a5a9-3cf384484757\" "
	"writerId=\"E8132975-6F93-4464-A53E-1050253AE220\" instanceName=\"System Writer\" backupSchema=\"881\">"
	"<COMPONENT componentName=\"System Files\" componentType=\"filegroup\" backupStamp=\"42\">"
	"<BACKUP_METADATA xmlns=\"\" metadata=\"AAECAw==\"/></COMPONENT></WRITER_COMPONENTS>"
	"<WRITER_COMPONENTS instanceId=\"1d8a5f43-2e7b-4a0c-9b61-7f1e0c2d3b4a\" "
	"writerId=\"a6ad56c2-b509-4e6c-bb19-49d8f43532f0\" backupSchema=\"0\">"
	"<COMPONENT logicalPath=\"Databases\\Main\" componentName=\"db &amp; logs\" componentType=\"database\"/>"
	"<COMPONENT logicalPath=\"Databases\" componentName=\"other\" componentType=\"database\" "
	"future=\"kept\"><FUTURE_CHILD>text &lt;kept&gt;</FUTURE_CHILD></COMPONENT>"
	"</WRITER_COMPONENTS>"
	"<SNAPSHOT_SET_DESCRIPTION snapshotSetId=\"4ad2e8b1-1c3e-4c7a-9f0e-2b1a3c4d5e6f\" context=\"32\">"
	"<SNAPSHOT_DESCRIPTION snapshotId=\"5eed5eed-1234-4321-8011-223344556677\" "
	"providerId=\"b5946137-7b9f-4925-af80-51abd60b20d5\" snapshotAttributes=\"4325380\" "
	"originatingMachine=\"host.example\" serviceMachine=\"host.example\" "
	"originalVolumeName=\"\\\\?\\Volume{00000000-0000-0000-0000-000000000043}\\\">"
	"<LUN_MAPPING><DESTINATION_LUN><LUN_INFORMATION diskSignature=\"1234\"/></DESTINATION_LUN></LUN_MAPPING>"
	"<WINEVSS_HOST_SNAPSHOT locator=\"btrfs:/srv/.snapshots/7\"/>"
	"</SNAPSHOT_DESCRIPTION></SNAPSHOT_SET_DESCRIPTION></BACKUP_COMPONENTS>";

static const char *const canonical_documents[] =
{
	realistic,
	"<BACKUP_COMPONENTS version=\"1.2\"><SOMETHING_NEW a=\"1\"/></BACKUP_COMPONENTS>",
	"<BACKUP_COMPONENTS/>",
	"<?xml version=\"1.0\"?>\n<!-- saved --><BACKUP_COMPONENTS a=\"&amp;&lt;&gt;&quot;'&#10;&#9;&#13;\">"
	" t\n\t<![CDATA[<raw> & ]]><?pi data?><x:y z:w=\"\"/></BACKUP_COMPONENTS>\n",
};

static void test_round_trips(void)
{
	WCHAR *text, *saved, *again;
	size_t len, saved_len, again_len, i;
	int all = 1;
	HRESULT hr;

	for (i = 0; i < sizeof(canonical_documents) / sizeof(canonical_documents[0]); i++) {
		text = u16(canonical_documents[i], &len);
		saved = round_trip(text, len, &saved_len, &hr);
		if (!saved || !u16_equal(text, len, saved, saved_len)) {
			printf("# document %zu: hr %#x\n", i, (unsigned int)hr);
			all = 0;
		}
		free(saved);
		free(text);
	}
	check(all, "canonical documents are saved back exactly");

	/* Another spelling of markup: saved in one form that is then stable. */
	text = u16("<?xml version='1.0' encoding='UTF-16'?>\r\n<BACKUP_COMPONENTS   version = '1.2'\r\n"
		" selectComponents='yes' ><A b='x&#x41;&#65;\r\n\"y'  /><C >&#x1F600;</C  ></BACKUP_COMPONENTS>\r\n", &len);
	/* Preceded by a byte order mark. */
	memmove(text + 1, text, len * sizeof(*text));
	text[0] = 0xfeff;
	len++;
	saved = round_trip(text, len, &saved_len, &hr);
	again = saved ? round_trip(saved, saved_len, &again_len, &hr) : NULL;
	check(saved && again && u16_equal(saved, saved_len, again, again_len), "save, load, save gives the same document");
	check(saved && contains(saved, saved_len, "<A b=\"xAA &quot;y\"/>"), "attribute values normalised and escaped");
	check(saved && contains(saved, saved_len, "<C>"), "white space inside tags is not kept");
	check(saved && saved[0] == '<', "byte order mark dropped");
	/* U+1F600 as a surrogate pair. */
	check(saved && contains(saved, saved_len, "<C>") && saved[saved_len - 28] == 0xd83d
		&& saved[saved_len - 27] == 0xde00, "character reference beyond the BMP");
	free(saved);
	free(again);
	free(text);
}

static void test_new_document(void)
{
	static const VSS_ID set = {0x11223344, 0x5566, 0x7788, {0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00}};
	static const char expected[] =
		"<BACKUP_COMPONENTS xmlns=\"x-schema:#VssComponentMetadata\" version=\"1.2\" "
		"bootableSystemStateBackup=\"yes\" selectComponents=\"no\" backupType=\"copy\" "
		"partialFileSupport=\"yes\" snapshotSetId=\"11223344-5566-7788-99aa-bbccddeeff00\"/>";
	struct bcd *bcd;
	WCHAR *saved, *want;
	size_t len, want_len;

	check(bcd_create(NULL, &bcd) == S_OK, "new document");
	check(bcd_set_backup_state(bcd, FALSE, TRUE, VSS_BT_COPY, TRUE) == S_OK, "backup state");
	check(bcd_set_backup_state(bcd, FALSE, TRUE, 7, TRUE) == E_INVALIDARG, "backup type out of range");
	check(bcd_set_snapshot_set(bcd, &set) == S_OK, "snapshot set id");
	check(bcd_save_text(bcd, &saved, &len) == S_OK, "saved");
	want = u16(expected, &want_len);
	check(u16_equal(saved, len, want, want_len), "attributes of BACKUP_COMPONENTS, GUID without braces");
	free(want);
	free(saved);
	check(bcd_set_restore_type(bcd, VSS_RTYPE_IMPORT) == S_OK && bcd_save_text(bcd, &saved, &len) == S_OK
		&& contains(saved, len, " restoreType=\"import\"/>"), "restore type");
	free(saved);
	check(!bcd_describes_snapshot_set(bcd) && !bcd_describes_snapshot(bcd, &set), "no set described");
	bcd_destroy(bcd);
}

static void test_guids(void)
{
	VSS_ID a, b;
	WCHAR buffer[40], *upper = u16("E8132975-6F93-4464-A53E-1050253AE220", NULL);
	WCHAR *lower = u16("e8132975-6f93-4464-a53e-1050253ae220", NULL);
	WCHAR *braces = u16("{e8132975-6f93-4464-a53e-1050253ae220}", NULL);
	WCHAR *longer = u16("e8132975-6f93-4464-a53e-1050253ae2200", NULL);
	WCHAR *bad = u16("e8132975-6f93-4464-a53e-1050253ae22g", NULL);

	check(bcd_parse_guid(upper, &a) && bcd_parse_guid(lower, &b) && !memcmp(&a, &b, sizeof(a)),
		"GUIDs parsed in any case");
	check(a.Data1 == 0xe8132975 && a.Data2 == 0x6f93 && a.Data3 == 0x4464 && a.Data4[0] == 0xa5
		&& a.Data4[7] == 0x20, "GUID fields");
	bcd_format_guid(&a, buffer);
	check(u16_equal(buffer, 36, lower, 36) && !buffer[36], "GUIDs written in lower case");
	check(!bcd_parse_guid(braces, &a) && !bcd_parse_guid(longer, &a) && !bcd_parse_guid(bad, &a),
		"malformed GUIDs refused");
	free(upper);
	free(lower);
	free(braces);
	free(longer);
	free(bad);
}

static void test_annotations(void)
{
	static const VSS_ID system_writer = {0xe8132975, 0x6f93, 0x4464, {0xa5, 0x3e, 0x10, 0x50, 0x25, 0x3a, 0xe2, 0x20}};
	static const VSS_ID db_writer = {0xa6ad56c2, 0xb509, 0x4e6c, {0xbb, 0x19, 0x49, 0xd8, 0xf4, 0x35, 0x32, 0xf0}};
	struct bcd_annotation annotation = {0};
	struct xml_node *writer, *component;
	WCHAR *text, *saved, *name, *path, *options, *target, *alternate, *star;
	struct bcd *bcd;
	size_t len;

	text = u16(realistic, &len);
	check(load(text, len, &bcd) == S_OK, "realistic document loads");
	free(text);
	check(bcd_writer_count(bcd) == 2, "two writers with components");

	name = u16("System Files", NULL);
	options = u16("opt \"1\"\n2", NULL);
	annotation.writer = system_writer;
	annotation.type = VSS_CT_FILEGROUP;
	annotation.name = name;
	annotation.field = BCD_SELECTED_FOR_RESTORE;
	annotation.flag = TRUE;
	check(bcd_annotate(bcd, &annotation) == S_OK, "component found by writer id (upper case in the document)");
	annotation.type = VSS_CT_DATABASE;
	check(bcd_annotate(bcd, &annotation) == VSS_E_OBJECT_NOT_FOUND, "component type must match");
	annotation.type = VSS_CT_FILEGROUP;
	annotation.writer = db_writer;
	check(bcd_annotate(bcd, &annotation) == VSS_E_OBJECT_NOT_FOUND, "writer id must match");
	annotation.writer = system_writer;
	path = u16("", NULL);
	annotation.logical_path = path;
	annotation.field = BCD_RESTORE_OPTIONS;
	annotation.strings[0] = options;
	check(bcd_annotate(bcd, &annotation) == S_OK, "an empty logical path is no logical path");
	annotation.field = BCD_FILE_RESTORE_STATUS;
	annotation.number = VSS_RS_ALL;
	check(bcd_annotate(bcd, &annotation) == S_OK, "file restore status");
	annotation.number = 9;
	check(bcd_annotate(bcd, &annotation) == E_INVALIDARG, "file restore status out of range");
	target = u16("C:\\data", NULL);
	star = u16("*.db", NULL);
	alternate = u16("D:\\restore", NULL);
	annotation.field = BCD_NEW_TARGET;
	annotation.strings[0] = target;
	annotation.strings[1] = star;
	annotation.strings[2] = alternate;
	annotation.flag = TRUE;
	check(bcd_annotate(bcd, &annotation) == S_OK, "new target");
	annotation.field = BCD_ROLL_FORWARD;
	annotation.number = VSS_RF_PARTIAL;
	annotation.strings[0] = target;
	check(bcd_annotate(bcd, &annotation) == S_OK, "roll forward");
	annotation.field = BCD_RANGES_FILE;
	annotation.number = 3;
	annotation.strings[0] = star;
	check(bcd_annotate(bcd, &annotation) == S_OK, "ranges file");
	annotation.strings[0] = alternate;
	check(bcd_annotate(bcd, &annotation) == S_OK, "ranges file replaced");

	check(bcd_save_text(bcd, &saved, &len) == S_OK, "annotated document saved");
	check(contains(saved, len, "<COMPONENT componentName=\"System Files\" componentType=\"filegroup\" backupStamp=\"42\" "
		"selectedForRestore=\"yes\" restoreOptions=\"opt &quot;1&quot;&#10;2\" fileRestoreStatus=\"all\" "
		"rollForwardType=\"partial\" rollForwardPoint=\"C:\\data\">"), "annotations are attributes of COMPONENT");
	check(contains(saved, len, "<NEW_TARGET path=\"C:\\data\" filespec=\"*.db\" recursive=\"yes\" "
		"alternatePath=\"D:\\restore\"/><RANGES_FILE partialFile=\"3\" rangesFile=\"D:\\restore\"/></COMPONENT>"),
		"new targets and ranges files are child elements");
	check(contains(saved, len, "future=\"kept\"><FUTURE_CHILD>text &lt;kept&gt;</FUTURE_CHILD>"),
		"unknown attributes and elements kept");
	free(saved);

	writer = bcd_writer_components(bcd, 0);
	component = writer ? xml_first_element(writer, "COMPONENT") : NULL;
	check(component && bcd_component_flag(component, BCD_SELECTED_FOR_RESTORE)
		&& bcd_component_number(component, BCD_FILE_RESTORE_STATUS) == VSS_RS_ALL
		&& bcd_component_number(component, BCD_ROLL_FORWARD) == VSS_RF_PARTIAL
		&& !xml_strcmp((const xml_char *)bcd_component_string(component, BCD_RESTORE_OPTIONS),
			(const xml_char *)options)
		&& bcd_component_type(component) == VSS_CT_FILEGROUP, "components read back");
	xml_free(writer);
	check(!bcd_writer_components(bcd, 2), "no third writer");
	bcd_destroy(bcd);
	free(name);
	free(path);
	free(options);
	free(target);
	free(star);
	free(alternate);
}

static void test_snapshot_set(void)
{
	static const VSS_ID set = {0x4ad2e8b1, 0x1c3e, 0x4c7a, {0x9f, 0x0e, 0x2b, 0x1a, 0x3c, 0x4d, 0x5e, 0x6f}};
	static const VSS_ID other = {1, 2, 3, {4, 5, 6, 7, 8, 9, 10, 11}};
	struct bcd_snapshot snapshots[2], *read;
	struct bcd *bcd, *loaded;
	unsigned int count;
	WCHAR *saved;
	size_t len;
	LONG context;
	int same;

	memset(snapshots, 0, sizeof(snapshots));
	snapshots[0].id = other;
	snapshots[0].provider_id = set;
	snapshots[0].attributes = (LONG)0x80420004;
	snapshots[0].original_volume = u16("\\\\?\\Volume{00000000-0000-0000-0000-000000000043}\\", NULL);
	snapshots[0].originating_machine = u16("host", NULL);
	snapshots[0].service_machine = u16("host", NULL);
	snapshots[0].locator = u16("reflink:/srv/prefix/winevss/snapshots/3 \"q\" & <x>", NULL);
	snapshots[1].id = set;

	check(bcd_create(NULL, &bcd) == S_OK, "new document for a transportable set");
	check(bcd_describe_snapshot_set(bcd, &other, 1, snapshots, 2) == S_OK, "first description");
	check(bcd_describe_snapshot_set(bcd, &set, 0x20 | (LONG)0x80000000, snapshots, 2) == S_OK,
		"description replaced");
	check(bcd_describes_snapshot_set(bcd) && bcd_describes_snapshot(bcd, &set) && bcd_describes_snapshot(bcd, &other),
		"described snapshots found");
	check(bcd_save_text(bcd, &saved, &len) == S_OK, "saved");
	check(contains(saved, len, "<SNAPSHOT_SET_DESCRIPTION snapshotSetId=\"4ad2e8b1-1c3e-4c7a-9f0e-2b1a3c4d5e6f\" "
		"context=\"2147483680\"><SNAPSHOT_DESCRIPTION snapshotId=\"00000001-0002-0003-0405-060708090a0b\" "
		"providerId=\"4ad2e8b1-1c3e-4c7a-9f0e-2b1a3c4d5e6f\" snapshotAttributes=\"2151809028\" "
		"originatingMachine=\"host\" serviceMachine=\"host\" "
		"originalVolumeName=\"\\\\?\\Volume{00000000-0000-0000-0000-000000000043}\\\">"
		"<WINEVSS_HOST_SNAPSHOT locator=\"reflink:/srv/prefix/winevss/snapshots/3 &quot;q&quot; &amp; &lt;x&gt;\"/>"
		"</SNAPSHOT_DESCRIPTION>"), "description written");
	check(contains(saved, len, "<SNAPSHOT_DESCRIPTION snapshotId=\"4ad2e8b1-1c3e-4c7a-9f0e-2b1a3c4d5e6f\" "
		"providerId=\"00000000-0000-0000-0000-000000000000\" snapshotAttributes=\"0\"/></SNAPSHOT_SET_DESCRIPTION>"),
		"absent strings are absent attributes");
	check(load(saved, len, &loaded) == S_OK, "description loads");
	free(saved);
	{
		VSS_ID set_id;

		check(bcd_get_snapshot_set(loaded, &set_id, &context, &read, &count) == S_OK, "bcd_get_snapshot_set");
		same = count == 2 && !memcmp(&set_id, &set, sizeof(set)) && context == (LONG)0x80000020
			&& !memcmp(&read[0].id, &other, sizeof(other)) && !memcmp(&read[0].provider_id, &set, sizeof(set))
			&& read[0].attributes == (LONG)0x80420004
			&& !xml_strcmp(read[0].locator, snapshots[0].locator)
			&& !xml_strcmp(read[0].original_volume, snapshots[0].original_volume)
			&& !xml_strcmp(read[0].service_machine, snapshots[0].service_machine)
			&& !memcmp(&read[1].id, &set, sizeof(set)) && !read[1].locator && !read[1].original_volume;
		check(same, "snapshots read back as written");
		bcd_free_snapshots(read, count);
	}
	bcd_destroy(loaded);
	bcd_destroy(bcd);

	{
		struct bcd *plain;
		VSS_ID set_id;
		WCHAR *text;
		size_t n;

		text = u16("<BACKUP_COMPONENTS/>", &n);
		load(text, n, &plain);
		check(bcd_get_snapshot_set(plain, &set_id, &context, &read, &count) == VSS_E_OBJECT_NOT_FOUND && !read,
			"no description: VSS_E_OBJECT_NOT_FOUND");
		bcd_destroy(plain);
		free(text);
		text = u16("<BACKUP_COMPONENTS><SNAPSHOT_SET_DESCRIPTION snapshotSetId=\"4ad2e8b1-1c3e-4c7a-9f0e-2b1a3c4d5e6f\">"
			"<SNAPSHOT_DESCRIPTION snapshotId=\"nope\"/></SNAPSHOT_SET_DESCRIPTION></BACKUP_COMPONENTS>", &n);
		load(text, n, &plain);
		check(bcd_get_snapshot_set(plain, &set_id, &context, &read, &count) == VSS_E_INVALID_XML_DOCUMENT,
			"malformed snapshot id: VSS_E_INVALID_XML_DOCUMENT");
		bcd_destroy(plain);
		free(text);
	}
	free(snapshots[0].original_volume);
	free(snapshots[0].originating_machine);
	free(snapshots[0].service_machine);
	free(snapshots[0].locator);
}

static void test_prefixes(void)
{
	size_t len, i, accepted = 0;
	WCHAR *text = u16(realistic, &len);
	struct bcd *bcd;

	for (i = 0; i < len; i++) {
		if (load(text, i, &bcd) == S_OK) {
			accepted++;
			bcd_destroy(bcd);
		}
	}
	check(!accepted, "every strict prefix of a valid document is refused");
	free(text);
}

static void test_malformed(void)
{
	static const struct
	{
		const char *xml;
		const char *what;
	}
	tests[] =
	{
		{"", "empty"},
		{"   ", "white space only"},
		{"<WRITER_METADATA/>", "another root element"},
		{"<BACKUP_COMPONENTS><WRITER_COMPONENTS></BACKUP_COMPONENTS>", "unbalanced tags"},
		{"<BACKUP_COMPONENTS></backup_components>", "end tag in another case"},
		{"<BACKUP_COMPONENTS><A></B></A></BACKUP_COMPONENTS>", "crossed tags"},
		{"<BACKUP_COMPONENTS></BACKUP_COMPONENTSX>", "longer end tag"},
		{"<BACKUP_COMPONENTS/><BACKUP_COMPONENTS/>", "two root elements"},
		{"<BACKUP_COMPONENTS/>x", "text after the root"},
		{"x<BACKUP_COMPONENTS/>", "text before the root"},
		{"<BACKUP_COMPONENTS a=1/>", "attribute without quotes"},
		{"<BACKUP_COMPONENTS a/>", "attribute without value"},
		{"<BACKUP_COMPONENTS a=\"1\"b=\"2\"/>", "attributes without space"},
		{"<BACKUP_COMPONENTS a=\"1\" a=\"2\"/>", "duplicate attribute"},
		{"<BACKUP_COMPONENTS a=\"<\"/>", "'<' in an attribute"},
		{"<BACKUP_COMPONENTS a=\"1'/>", "mismatched quotes"},
		{"<BACKUP_COMPONENTS>&foo;</BACKUP_COMPONENTS>", "undeclared entity"},
		{"<BACKUP_COMPONENTS>&amp</BACKUP_COMPONENTS>", "reference without ';'"},
		{"<BACKUP_COMPONENTS>&#;</BACKUP_COMPONENTS>", "empty character reference"},
		{"<BACKUP_COMPONENTS>&#0;</BACKUP_COMPONENTS>", "reference to NUL"},
		{"<BACKUP_COMPONENTS>&#x1;</BACKUP_COMPONENTS>", "reference to a control character"},
		{"<BACKUP_COMPONENTS>&#xD800;</BACKUP_COMPONENTS>", "reference to a surrogate"},
		{"<BACKUP_COMPONENTS>&#x110000;</BACKUP_COMPONENTS>", "reference beyond Unicode"},
		{"<BACKUP_COMPONENTS>&#99999999999999999999;</BACKUP_COMPONENTS>", "huge reference"},
		{"<BACKUP_COMPONENTS>&#xFFFE;</BACKUP_COMPONENTS>", "reference to a non-character"},
		{"<BACKUP_COMPONENTS a=\"&lt\"/>", "bad reference in an attribute"},
		{"<BACKUP_COMPONENTS>]]></BACKUP_COMPONENTS>", "']]>' in text"},
		{"<BACKUP_COMPONENTS><!-- a -- b --></BACKUP_COMPONENTS>", "'--' in a comment"},
		{"<BACKUP_COMPONENTS><!-- a ---></BACKUP_COMPONENTS>", "comment ending in '-'"},
		{"<BACKUP_COMPONENTS><!-- a </BACKUP_COMPONENTS>", "unterminated comment"},
		{"<BACKUP_COMPONENTS><![CDATA[ a </BACKUP_COMPONENTS>", "unterminated CDATA"},
		{"<![CDATA[x]]><BACKUP_COMPONENTS/>", "CDATA outside the root"},
		{"<BACKUP_COMPONENTS><?xml version=\"1.0\"?></BACKUP_COMPONENTS>", "XML declaration inside"},
		{" <?xml version=\"1.0\"?><BACKUP_COMPONENTS/>", "XML declaration after white space"},
		{"<?XML version=\"1.0\"?><BACKUP_COMPONENTS/>", "XML declaration in upper case"},
		{"<BACKUP_COMPONENTS><?pi</BACKUP_COMPONENTS>", "unterminated processing instruction"},
		{"<!DOCTYPE BACKUP_COMPONENTS><BACKUP_COMPONENTS/>", "DOCTYPE"},
		{"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;"
		 "&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"
		 "&lol2;\">]><BACKUP_COMPONENTS a=\"&lol3;\">&lol3;</BACKUP_COMPONENTS>", "billion laughs"},
		{"<BACKUP_COMPONENTS><!ELEMENT x ANY></BACKUP_COMPONENTS>", "markup declaration"},
		{"<BACKUP_COMPONENTS><1/></BACKUP_COMPONENTS>", "name starting with a digit"},
		{"<BACKUP_COMPONENTS>< A/></BACKUP_COMPONENTS>", "space after '<'"},
		{"<BACKUP_COMPONENTS", "unterminated start tag"},
		{"<BACKUP_COMPONENTS></BACKUP_COMPONENTS", "unterminated end tag"},
		{"<BACKUP_COMPONENTS>\x01</BACKUP_COMPONENTS>", "control character"},
	};
	unsigned int i;
	char description[160];

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		snprintf(description, sizeof(description), "refused: %s", tests[i].what);
		check(load_ascii(tests[i].xml) == VSS_E_INVALID_XML_DOCUMENT, description);
	}
}

static void test_surrogates(void)
{
	static const WCHAR prefix[] = {'<', 'B', 'A', 'C', 'K', 'U', 'P', '_', 'C', 'O', 'M', 'P', 'O', 'N', 'E', 'N', 'T', 'S',
		' ', 'a', '=', '"'};
	static const struct
	{
		WCHAR units[3];
		unsigned int count;
		int valid;
		const char *what;
	}
	tests[] =
	{
		{{0xd83d, 0xde00}, 2, 1, "paired surrogates accepted"},
		{{0xd83d, 'x'}, 2, 0, "lone high surrogate refused"},
		{{0xde00, 'x'}, 2, 0, "lone low surrogate refused"},
		{{0xde00, 0xd83d}, 2, 0, "reversed surrogates refused"},
		{{0xd83d}, 1, 0, "high surrogate before the quote refused"},
		{{0xfffe}, 1, 0, "U+FFFE refused"},
		{{0}, 1, 0, "NUL refused"},
	};
	static const WCHAR suffix[] = {'"', '/', '>'};
	WCHAR text[64];
	struct bcd *bcd;
	unsigned int i;
	size_t len;
	HRESULT hr;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		len = 0;
		memcpy(text, prefix, sizeof(prefix));
		len += sizeof(prefix) / sizeof(WCHAR);
		memcpy(text + len, tests[i].units, tests[i].count * sizeof(WCHAR));
		len += tests[i].count;
		memcpy(text + len, suffix, sizeof(suffix));
		len += sizeof(suffix) / sizeof(WCHAR);
		hr = load(text, len, &bcd);
		if (hr == S_OK)
			bcd_destroy(bcd);
		check(tests[i].valid ? hr == S_OK : hr == VSS_E_INVALID_XML_DOCUMENT, tests[i].what);
	}
	/* A high surrogate as the last code unit of the input. */
	memcpy(text, prefix, sizeof(prefix));
	text[sizeof(prefix) / sizeof(WCHAR)] = 0xd83d;
	check(load(text, sizeof(prefix) / sizeof(WCHAR) + 1, &bcd) == VSS_E_INVALID_XML_DOCUMENT,
		"high surrogate at the end refused");
}

/* Appends ASCII to a growing UTF-16 buffer. */
struct text
{
	WCHAR *data;
	size_t len, size;
};

static void put(struct text *t, const char *str)
{
	size_t n = strlen(str), i;

	if (t->len + n + 1 > t->size) {
		t->size = (t->len + n + 1) * 2;
		t->data = realloc(t->data, t->size * sizeof(WCHAR));
	}
	for (i = 0; i < n; i++)
		t->data[t->len++] = (unsigned char)str[i];
	t->data[t->len] = 0;
}

static void test_deep(void)
{
	struct text t = {0};
	struct bcd *bcd;
	unsigned int i;

	put(&t, "<BACKUP_COMPONENTS>");
	for (i = 0; i < 100000; i++)
		put(&t, "<a>");
	for (i = 0; i < 100000; i++)
		put(&t, "</a>");
	put(&t, "</BACKUP_COMPONENTS>");
	check(load(t.data, t.len, &bcd) == VSS_E_INVALID_XML_DOCUMENT, "100000 levels refused (depth limit)");
	t.len = 0;
	put(&t, "<BACKUP_COMPONENTS>");
	for (i = 0; i < 100000; i++)
		put(&t, "<a>");
	check(load(t.data, t.len, &bcd) == VSS_E_INVALID_XML_DOCUMENT, "100000 unclosed levels refused");
	t.len = 0;
	put(&t, "<BACKUP_COMPONENTS>");
	for (i = 0; i < XML_MAX_DEPTH - 2; i++)
		put(&t, "<a>");
	put(&t, "<a/>");
	for (i = 0; i < XML_MAX_DEPTH - 2; i++)
		put(&t, "</a>");
	put(&t, "</BACKUP_COMPONENTS>");
	if (load(t.data, t.len, &bcd) == S_OK) {
		WCHAR *saved;
		size_t len;

		check(bcd_save_text(bcd, &saved, &len) == S_OK && u16_equal(saved, len, t.data, t.len),
			"the deepest document allowed round-trips");
		free(saved);
		bcd_destroy(bcd);
	} else {
		check(0, "the deepest document allowed loads");
	}
	free(t.data);
}

static void test_huge(void)
{
	struct text t = {0};
	struct bcd *bcd;
	size_t i, value = 25 * 1024 * 1024;
	unsigned int n;

	/* A 50 MB attribute value (25 M code units). */
	t.size = value + 64;
	t.data = malloc(t.size * sizeof(WCHAR));
	put(&t, "<BACKUP_COMPONENTS a=\"");
	for (i = 0; i < value; i++)
		t.data[t.len++] = 'x';
	put(&t, "\"/>");
	check(load(t.data, t.len, &bcd) == VSS_E_INVALID_XML_DOCUMENT, "50 MB attribute refused (size limit)");

	/* Two million elements within the size limit: refused by the node limit. */
	t.len = 0;
	put(&t, "<BACKUP_COMPONENTS>");
	for (n = 0; n < 2000000; n++)
		put(&t, "<a/>");
	put(&t, "</BACKUP_COMPONENTS>");
	check(t.len <= XML_MAX_LENGTH, "two million elements fit the size limit");
	check(load(t.data, t.len, &bcd) == VSS_E_INVALID_XML_DOCUMENT, "two million elements refused (node limit)");

	/* Just below the limits: loads and saves back. */
	t.len = 0;
	put(&t, "<BACKUP_COMPONENTS>");
	for (n = 0; n < XML_MAX_NODES - 1; n++)
		put(&t, "<a/>");
	put(&t, "</BACKUP_COMPONENTS>");
	if (load(t.data, t.len, &bcd) == S_OK) {
		WCHAR *saved;
		size_t len;

		check(bcd_save_text(bcd, &saved, &len) == S_OK && u16_equal(saved, len, t.data, t.len),
			"the largest number of nodes allowed round-trips");
		free(saved);
		bcd_destroy(bcd);
	} else {
		check(0, "the largest number of nodes allowed loads");
	}

	/* One attribute value of 1 M code units within the limits. */
	t.len = 0;
	put(&t, "<BACKUP_COMPONENTS a=\"");
	for (i = 0; i < 1024 * 1024; i++)
		put(&t, i % 100 ? "y" : "&amp;");
	put(&t, "\"/>");
	check(load(t.data, t.len, &bcd) == S_OK, "a 1 M attribute loads");
	bcd_destroy(bcd);
	free(t.data);
}

/* The mutation fuzz. */

static void dump(const char *what, const WCHAR *text, size_t len)
{
	size_t i;

	printf("# %s:", what);
	for (i = 0; i < len; i++)
		printf(text[i] >= 0x20 && text[i] < 0x7f ? "%c" : "\\u%04x", text[i]);
	printf("\n");
}

static unsigned int fuzz_random(unsigned int *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

static void mutate(WCHAR *text, size_t *len, size_t max, unsigned int *state)
{
	static const WCHAR interesting[] = {'<', '>', '&', '"', '\'', '/', '=', ';', '#', 'x', '!', '?', '-', '[', ']',
		' ', '\n', '\r', '\t', 'A', 'a', '0', '9', ':', 0xd800, 0xdc00, 0xfffe, 0, 0xe9, 0x1, 0xfeff};
	unsigned int op = fuzz_random(state) % 6, count = 1 + fuzz_random(state) % 4, i;
	size_t pos, from, n;

	for (i = 0; i < count; i++) {
		pos = *len ? fuzz_random(state) % *len : 0;
		switch (op) {
		case 0: /* replace */
			if (*len)
				text[pos] = interesting[fuzz_random(state) % (sizeof(interesting) / sizeof(interesting[0]))];
			break;
		case 1: /* insert */
			if (*len < max) {
				memmove(text + pos + 1, text + pos, (*len - pos) * sizeof(WCHAR));
				text[pos] = interesting[fuzz_random(state) % (sizeof(interesting) / sizeof(interesting[0]))];
				(*len)++;
			}
			break;
		case 2: /* delete a run */
			n = fuzz_random(state) % 8;
			if (pos + n > *len)
				n = *len - pos;
			memmove(text + pos, text + pos + n, (*len - pos - n) * sizeof(WCHAR));
			*len -= n;
			break;
		case 3: /* copy a run elsewhere */
			if (!*len)
				break;
			from = fuzz_random(state) % *len;
			n = fuzz_random(state) % 24;
			if (from + n > *len)
				n = *len - from;
			if (*len + n > max)
				break;
			memmove(text + pos + n, text + pos, (*len - pos) * sizeof(WCHAR));
			memmove(text + pos, text + (from >= pos ? from + n : from), n * sizeof(WCHAR));
			*len += n;
			break;
		case 4: /* truncate */
			*len = pos;
			break;
		default: /* flip a bit */
			if (*len)
				text[pos] ^= 1u << (fuzz_random(state) % 16);
			break;
		}
	}
}

static void test_fuzz(void)
{
	static const char *const seeds[] =
	{
		realistic,
		"<?xml version=\"1.0\"?><!-- c --><BACKUP_COMPONENTS a='&#x41;&amp;' b=\"&quot;\"><x:A>t&lt;<![CDATA[c]]>"
		"<?p d?></x:A><B/></BACKUP_COMPONENTS>",
		"<BACKUP_COMPONENTS><WRITER_COMPONENTS writerId=\"e8132975-6f93-4464-a53e-1050253ae220\"><COMPONENT "
		"componentName=\"n\"/></WRITER_COMPONENTS></BACKUP_COMPONENTS>",
	};
	unsigned int iterations = 200000, i, state = 20240611, accepted = 0, unstable = 0;
	WCHAR *text, *base, *saved, *again;
	size_t len, base_len, max, saved_len, again_len;
	const char *env = getenv("BCD_FUZZ_ITERATIONS");
	struct bcd *bcd;

	if (env)
		iterations = strtoul(env, NULL, 10);
	max = 2 * sizeof(realistic) + 64;
	text = malloc(max * sizeof(WCHAR));
	for (i = 0; i < iterations; i++) {
		base = u16(seeds[i % (sizeof(seeds) / sizeof(seeds[0]))], &base_len);
		memcpy(text, base, base_len * sizeof(WCHAR));
		len = base_len;
		free(base);
		mutate(text, &len, max, &state);
		if (load(text, len, &bcd) != S_OK)
			continue;
		accepted++;
		saved = NULL;
		again = NULL;
		if (bcd_save_text(bcd, &saved, &saved_len) != S_OK
				|| !(again = round_trip(saved, saved_len, &again_len, &(HRESULT){0}))
				|| !u16_equal(saved, saved_len, again, again_len)) {
			if (!unstable++)
				dump("first unstable mutation", text, len);
		}
		free(saved);
		free(again);
		bcd_destroy(bcd);
	}
	free(text);
	printf("# %u of %u mutated documents accepted\n", accepted, iterations);
	check(!unstable, "every accepted mutation saves, loads and saves to the same text");
	check(accepted > 0 && accepted < iterations, "the mutations hit both sides");
}

int main(void)
{
	test_round_trips();
	test_new_document();
	test_guids();
	test_annotations();
	test_snapshot_set();
	test_prefixes();
	test_malformed();
	test_surrogates();
	test_deep();
	test_huge();
	test_fuzz();
	printf("test-bcd: %u passed, %u failed, %u skipped\n", passed, failed, skipped);
	return failed != 0;
}
