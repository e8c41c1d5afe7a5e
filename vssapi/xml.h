/*
 * winevss: a small XML document model for the Backup Components Document.
 *
 * Portable: no Windows header, so the same code is built into vssapi.dll
 * and into the native test (tests/test-bcd.c), where it is fuzzed.  Text
 * is UTF-16 in code units of type xml_char: WCHAR in the PE build, but not
 * wchar_t natively, which is 32 bits there.
 *
 * What is kept: elements with their attributes in document order, text,
 * CDATA sections, comments and processing instructions, also those before
 * and after the root element, so a document saved again is the document
 * loaded, up to the spelling of markup (quotes, references, white space
 * inside tags).  Entity and character references are resolved when
 * parsing and written back as needed when serialising.
 *
 * What is refused: anything that is not well-formed XML 1.0, every
 * DOCTYPE (so no entity can be declared, and no expansion can blow up),
 * references to entities other than the five predefined ones, unpaired
 * UTF-16 surrogates and characters XML does not allow, and documents
 * beyond the limits below.  Parsing, serialising, copying and freeing
 * never recurse, so no document can exhaust the stack.
 */

#ifndef __WINEVSS_XML_H
#define __WINEVSS_XML_H

#include <stddef.h>
#include <stdint.h>

typedef uint16_t xml_char;

/* Limits of a parsed document: input length in UTF-16 code units (16 MB),
 * nesting depth of elements, number of nodes, attributes per element. */
#define XML_MAX_LENGTH      (8u * 1024 * 1024)
#define XML_MAX_DEPTH       256
#define XML_MAX_NODES       200000
#define XML_MAX_ATTRIBUTES  256

enum xml_node_type
{
    XML_DOCUMENT,   /* the parent of the root element and of what surrounds it */
    XML_ELEMENT,
    XML_TEXT,
    XML_CDATA,
    XML_COMMENT,
    XML_PI,         /* name: the target; text: the data */
};

struct xml_attribute
{
    xml_char *name;
    xml_char *value;    /* references resolved */
};

/* Strings are NUL-terminated; a well-formed document holds no NUL. */
struct xml_node
{
    enum xml_node_type type;
    xml_char *name;
    xml_char *text;
    struct xml_attribute *attributes;
    unsigned int attribute_count;
    struct xml_node *parent, *first_child, *last_child, *prev, *next;
};

enum xml_error
{
    XML_OK,
    XML_E_MEMORY,
    XML_E_SYNTAX,   /* not well-formed, or a DOCTYPE */
    XML_E_LIMIT,    /* beyond one of the XML_MAX_* limits */
};

/* Parses len code units (NUL not included; a leading byte order mark is
 * skipped).  Returns the document node, or NULL with *error set. */
struct xml_node *xml_parse(const xml_char *text, size_t len, enum xml_error *error);
/* The document (or an element and its content) as text, NUL-terminated,
 * malloc'ed; *len without the NUL.  NULL when out of memory. */
xml_char *xml_serialize(const struct xml_node *node, size_t *len);
/* Unlinks the node from its parent and frees it with its content. */
void xml_free(struct xml_node *node);
/* A deep copy, not linked anywhere. */
struct xml_node *xml_clone(const struct xml_node *node);

/* An empty document, or one with an element root named name. */
struct xml_node *xml_new_document(const char *root_name);
/* The root element of a document. */
struct xml_node *xml_root(const struct xml_node *document);
/* A new element, appended to parent's children. */
struct xml_node *xml_append_element(struct xml_node *parent, const char *name);

/* Child elements of parent named name (any name when NULL). */
struct xml_node *xml_first_element(const struct xml_node *parent, const char *name);
struct xml_node *xml_next_element(const struct xml_node *node, const char *name);
unsigned int xml_count_elements(const struct xml_node *parent, const char *name);

/* Attributes, by ASCII name.  Setting replaces the value in place, or
 * appends the attribute; value NULL removes it.  Return 0 on success. */
const xml_char *xml_get_attribute(const struct xml_node *element, const char *name);
int xml_set_attribute(struct xml_node *element, const char *name, const xml_char *value);
int xml_set_attribute_ascii(struct xml_node *element, const char *name, const char *value);

/* String helpers. */
size_t xml_strlen(const xml_char *str);
int xml_strcmp(const xml_char *a, const xml_char *b);
xml_char *xml_strdup(const xml_char *str);
/* Whether str is exactly the ASCII string ascii. */
int xml_is_ascii(const xml_char *str, const char *ascii);

#endif /* __WINEVSS_XML_H */
