/*
 * winevss: a small XML document model for the Backup Components Document
 * (see xml.h for what it keeps and what it refuses).
 *
 * The parser walks the text once, keeping the element being filled in as
 * its only state; an end tag goes back to that element's parent.  Every
 * tree walk (serialising, copying, freeing) follows the parent and sibling
 * links instead of recursing.
 */

#include <stdlib.h>
#include <string.h>

#include "xml.h"

size_t xml_strlen(const xml_char *str)
{
    size_t len = 0;

    while (str[len])
        ++len;
    return len;
}

int xml_strcmp(const xml_char *a, const xml_char *b)
{
    while (*a && *a == *b)
    {
        ++a;
        ++b;
    }
    return (int)*a - (int)*b;
}

static xml_char *xml_strndup(const xml_char *str, size_t len)
{
    xml_char *copy;

    if (!(copy = malloc((len + 1) * sizeof(*copy))))
        return NULL;
    memcpy(copy, str, len * sizeof(*copy));
    copy[len] = 0;
    return copy;
}

xml_char *xml_strdup(const xml_char *str)
{
    return xml_strndup(str, xml_strlen(str));
}

static xml_char *xml_ascii_dup(const char *ascii)
{
    size_t i, len = strlen(ascii);
    xml_char *copy;

    if (!(copy = malloc((len + 1) * sizeof(*copy))))
        return NULL;
    for (i = 0; i <= len; ++i)
        copy[i] = (unsigned char)ascii[i];
    return copy;
}

int xml_is_ascii(const xml_char *str, const char *ascii)
{
    while (*ascii && *str == (unsigned char)*ascii)
    {
        ++str;
        ++ascii;
    }
    return !*ascii && !*str;
}

/* Nodes. */

static struct xml_node *xml_new_node(enum xml_node_type type)
{
    struct xml_node *node;

    if ((node = calloc(1, sizeof(*node))))
        node->type = type;
    return node;
}

static void xml_free_node(struct xml_node *node)
{
    unsigned int i;

    for (i = 0; i < node->attribute_count; ++i)
    {
        free(node->attributes[i].name);
        free(node->attributes[i].value);
    }
    free(node->attributes);
    free(node->name);
    free(node->text);
    free(node);
}

static void xml_append(struct xml_node *parent, struct xml_node *child)
{
    child->parent = parent;
    child->prev = parent->last_child;
    child->next = NULL;
    if (parent->last_child)
        parent->last_child->next = child;
    else
        parent->first_child = child;
    parent->last_child = child;
}

static void xml_unlink(struct xml_node *node)
{
    struct xml_node *parent = node->parent;

    if (!parent)
        return;
    if (node->prev)
        node->prev->next = node->next;
    else
        parent->first_child = node->next;
    if (node->next)
        node->next->prev = node->prev;
    else
        parent->last_child = node->prev;
    node->parent = node->prev = node->next = NULL;
}

void xml_free(struct xml_node *node)
{
    struct xml_node *current, *parent;

    if (!node)
        return;
    xml_unlink(node);
    /* Always free a first child that has no children of its own, then
     * carry on with its next sibling or, when it was the last, its parent. */
    current = node;
    for (;;)
    {
        if (current->first_child)
        {
            current = current->first_child;
            continue;
        }
        if (current == node)
            break;
        parent = current->parent;
        parent->first_child = current->next;
        if (!current->next)
            parent->last_child = NULL;
        xml_free_node(current);
        current = parent->first_child ? parent->first_child : parent;
    }
    xml_free_node(node);
}

static struct xml_node *xml_copy_node(const struct xml_node *node)
{
    struct xml_node *copy;
    unsigned int i;

    if (!(copy = xml_new_node(node->type)))
        return NULL;
    if ((node->name && !(copy->name = xml_strdup(node->name)))
            || (node->text && !(copy->text = xml_strdup(node->text))))
        goto failed;
    if (node->attribute_count)
    {
        if (!(copy->attributes = calloc(node->attribute_count, sizeof(*copy->attributes))))
            goto failed;
        for (i = 0; i < node->attribute_count; ++i)
        {
            copy->attribute_count = i + 1;
            if (!(copy->attributes[i].name = xml_strdup(node->attributes[i].name))
                    || !(copy->attributes[i].value = xml_strdup(node->attributes[i].value)))
                goto failed;
        }
    }
    return copy;

failed:
    xml_free_node(copy);
    return NULL;
}

struct xml_node *xml_clone(const struct xml_node *node)
{
    const struct xml_node *source = node;
    struct xml_node *root, *target, *copy;

    if (!(root = xml_copy_node(node)))
        return NULL;
    target = root;
    for (;;)
    {
        if (source->first_child)
        {
            source = source->first_child;
        }
        else
        {
            while (source != node && !source->next)
            {
                source = source->parent;
                target = target->parent;
            }
            if (source == node)
                return root;
            source = source->next;
            target = target->parent;
        }
        if (!(copy = xml_copy_node(source)))
        {
            xml_free(root);
            return NULL;
        }
        xml_append(target, copy);
        target = copy;
    }
}

struct xml_node *xml_new_document(const char *root_name)
{
    struct xml_node *document;

    if (!(document = xml_new_node(XML_DOCUMENT)))
        return NULL;
    if (root_name && !xml_append_element(document, root_name))
    {
        xml_free(document);
        return NULL;
    }
    return document;
}

struct xml_node *xml_root(const struct xml_node *document)
{
    return xml_first_element(document, NULL);
}

struct xml_node *xml_append_element(struct xml_node *parent, const char *name)
{
    struct xml_node *element;

    if (!(element = xml_new_node(XML_ELEMENT)))
        return NULL;
    if (!(element->name = xml_ascii_dup(name)))
    {
        free(element);
        return NULL;
    }
    xml_append(parent, element);
    return element;
}

static struct xml_node *xml_match_from(struct xml_node *node, const char *name)
{
    for (; node; node = node->next)
    {
        if (node->type == XML_ELEMENT && (!name || xml_is_ascii(node->name, name)))
            return node;
    }
    return NULL;
}

struct xml_node *xml_first_element(const struct xml_node *parent, const char *name)
{
    return xml_match_from(parent->first_child, name);
}

struct xml_node *xml_next_element(const struct xml_node *node, const char *name)
{
    return xml_match_from(node->next, name);
}

unsigned int xml_count_elements(const struct xml_node *parent, const char *name)
{
    const struct xml_node *node;
    unsigned int count = 0;

    for (node = xml_first_element(parent, name); node; node = xml_next_element(node, name))
        ++count;
    return count;
}

static struct xml_attribute *xml_find_attribute(const struct xml_node *element, const char *name)
{
    unsigned int i;

    for (i = 0; i < element->attribute_count; ++i)
    {
        if (xml_is_ascii(element->attributes[i].name, name))
            return &element->attributes[i];
    }
    return NULL;
}

const xml_char *xml_get_attribute(const struct xml_node *element, const char *name)
{
    const struct xml_attribute *attribute = xml_find_attribute(element, name);

    return attribute ? attribute->value : NULL;
}

int xml_set_attribute(struct xml_node *element, const char *name, const xml_char *value)
{
    struct xml_attribute *attribute = xml_find_attribute(element, name), *attributes;
    xml_char *copy;

    if (!value)
    {
        if (attribute)
        {
            free(attribute->name);
            free(attribute->value);
            memmove(attribute, attribute + 1,
                    (element->attributes + element->attribute_count - attribute - 1) * sizeof(*attribute));
            --element->attribute_count;
        }
        return 0;
    }
    if (!(copy = xml_strdup(value)))
        return -1;
    if (attribute)
    {
        free(attribute->value);
        attribute->value = copy;
        return 0;
    }
    if (!(attributes = realloc(element->attributes, (element->attribute_count + 1) * sizeof(*attributes))))
    {
        free(copy);
        return -1;
    }
    element->attributes = attributes;
    attribute = &attributes[element->attribute_count];
    if (!(attribute->name = xml_ascii_dup(name)))
    {
        free(copy);
        return -1;
    }
    attribute->value = copy;
    ++element->attribute_count;
    return 0;
}

int xml_set_attribute_ascii(struct xml_node *element, const char *name, const char *value)
{
    xml_char *copy;
    int ret;

    if (!value)
        return xml_set_attribute(element, name, NULL);
    if (!(copy = xml_ascii_dup(value)))
        return -1;
    ret = xml_set_attribute(element, name, copy);
    free(copy);
    return ret;
}

/* Parsing. */

struct xml_parser
{
    const xml_char *text;
    size_t pos, len;
    unsigned int nodes;
    enum xml_error error;
};

/* A growable string, for text and attribute values with references
 * resolved. */
struct xml_buffer
{
    xml_char *data;
    size_t len, size;
};

static int xml_buffer_add(struct xml_buffer *buffer, xml_char c)
{
    xml_char *data;
    size_t size;

    if (buffer->len + 1 >= buffer->size)
    {
        size = buffer->size ? buffer->size * 2 : 64;
        if (!(data = realloc(buffer->data, size * sizeof(*data))))
            return -1;
        buffer->data = data;
        buffer->size = size;
    }
    buffer->data[buffer->len++] = c;
    buffer->data[buffer->len] = 0;
    return 0;
}

static int xml_buffer_add_ascii(struct xml_buffer *buffer, const char *ascii)
{
    while (*ascii)
    {
        if (xml_buffer_add(buffer, (unsigned char)*ascii++))
            return -1;
    }
    return 0;
}

/* The buffer's string, handed over (an empty string when nothing was added). */
static xml_char *xml_buffer_take(struct xml_buffer *buffer)
{
    xml_char *data = buffer->data;

    if (!data && !(data = calloc(1, sizeof(*data))))
        return NULL;
    buffer->data = NULL;
    buffer->len = buffer->size = 0;
    return data;
}

static int xml_fail(struct xml_parser *parser, enum xml_error error)
{
    if (parser->error == XML_OK)
        parser->error = error;
    return -1;
}

static xml_char xml_peek(const struct xml_parser *parser, size_t offset)
{
    return parser->pos + offset < parser->len ? parser->text[parser->pos + offset] : 0;
}

static int xml_at(const struct xml_parser *parser, const char *ascii)
{
    size_t i;

    for (i = 0; ascii[i]; ++i)
    {
        if (xml_peek(parser, i) != (unsigned char)ascii[i])
            return 0;
    }
    return 1;
}

static int xml_is_space(xml_char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Names are checked loosely above ASCII: any non-ASCII code unit may be part
 * of a name (surrogates are known to be paired by then). */
static int xml_is_name_start(xml_char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c >= 0x80;
}

static int xml_is_name_char(xml_char c)
{
    return xml_is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static int xml_skip_space(struct xml_parser *parser)
{
    size_t start = parser->pos;

    while (parser->pos < parser->len && xml_is_space(parser->text[parser->pos]))
        ++parser->pos;
    return parser->pos != start;
}

/* The characters XML 1.0 allows, with surrogates in pairs. */
static int xml_check_characters(const xml_char *text, size_t len)
{
    size_t i;

    for (i = 0; i < len; ++i)
    {
        xml_char c = text[i];

        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
            return -1;
        if (c == 0xfffe || c == 0xffff)
            return -1;
        if (c >= 0xdc00 && c <= 0xdfff)
            return -1;
        if (c >= 0xd800 && c <= 0xdbff)
        {
            if (i + 1 >= len || text[i + 1] < 0xdc00 || text[i + 1] > 0xdfff)
                return -1;
            ++i;
        }
    }
    return 0;
}

static xml_char *xml_read_name(struct xml_parser *parser)
{
    size_t start = parser->pos;
    xml_char *name;

    if (!xml_is_name_start(xml_peek(parser, 0)))
    {
        xml_fail(parser, XML_E_SYNTAX);
        return NULL;
    }
    while (parser->pos < parser->len && xml_is_name_char(parser->text[parser->pos]))
        ++parser->pos;
    if (!(name = xml_strndup(parser->text + start, parser->pos - start)))
        xml_fail(parser, XML_E_MEMORY);
    return name;
}

/* "&name;", "&#123;" or "&#x1F;", with the parser on the '&'. */
static int xml_read_reference(struct xml_parser *parser, struct xml_buffer *buffer)
{
    static const struct
    {
        const char *name;
        xml_char c;
    }
    entities[] = {{"lt;", '<'}, {"gt;", '>'}, {"amp;", '&'}, {"quot;", '"'}, {"apos;", '\''}};
    unsigned int i, digits = 0, base = 10;
    uint32_t value = 0;
    xml_char c;

    ++parser->pos;
    if (xml_peek(parser, 0) != '#')
    {
        for (i = 0; i < sizeof(entities) / sizeof(entities[0]); ++i)
        {
            if (xml_at(parser, entities[i].name))
            {
                parser->pos += strlen(entities[i].name);
                return xml_buffer_add(buffer, entities[i].c) ? xml_fail(parser, XML_E_MEMORY) : 0;
            }
        }
        /* No DTD, so no other entity exists. */
        return xml_fail(parser, XML_E_SYNTAX);
    }
    ++parser->pos;
    if (xml_peek(parser, 0) == 'x')
    {
        base = 16;
        ++parser->pos;
    }
    for (;;)
    {
        c = xml_peek(parser, 0);
        if (c >= '0' && c <= '9')
            value = value * base + (c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            value = value * base + (c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            value = value * base + (c - 'A' + 10);
        else
            break;
        ++parser->pos;
        /* Leading zeros aside, 0x10FFFF needs 7 digits. */
        if (value > 0x10ffff || ++digits > 16)
            return xml_fail(parser, XML_E_SYNTAX);
    }
    if (!digits || xml_peek(parser, 0) != ';')
        return xml_fail(parser, XML_E_SYNTAX);
    ++parser->pos;
    if ((value < 0x20 && value != '\t' && value != '\n' && value != '\r')
            || (value >= 0xd800 && value <= 0xdfff) || value == 0xfffe || value == 0xffff)
        return xml_fail(parser, XML_E_SYNTAX);
    if (value >= 0x10000)
    {
        value -= 0x10000;
        if (xml_buffer_add(buffer, 0xd800 | (value >> 10)) || xml_buffer_add(buffer, 0xdc00 | (value & 0x3ff)))
            return xml_fail(parser, XML_E_MEMORY);
        return 0;
    }
    return xml_buffer_add(buffer, value) ? xml_fail(parser, XML_E_MEMORY) : 0;
}

static struct xml_node *xml_add_node(struct xml_parser *parser, struct xml_node *parent, enum xml_node_type type)
{
    struct xml_node *node;

    if (++parser->nodes > XML_MAX_NODES)
    {
        xml_fail(parser, XML_E_LIMIT);
        return NULL;
    }
    if (!(node = xml_new_node(type)))
    {
        xml_fail(parser, XML_E_MEMORY);
        return NULL;
    }
    xml_append(parent, node);
    return node;
}

/* A comment, CDATA section or processing instruction's data: everything up
 * to the terminator, which is skipped. */
static xml_char *xml_read_until(struct xml_parser *parser, const char *end)
{
    size_t start = parser->pos;
    xml_char *text;

    while (parser->pos < parser->len && !xml_at(parser, end))
        ++parser->pos;
    if (parser->pos >= parser->len)
    {
        xml_fail(parser, XML_E_SYNTAX);
        return NULL;
    }
    if (!(text = xml_strndup(parser->text + start, parser->pos - start)))
        xml_fail(parser, XML_E_MEMORY);
    parser->pos += strlen(end);
    return text;
}

static int xml_read_comment(struct xml_parser *parser, struct xml_node *parent)
{
    struct xml_node *node;
    size_t i, len;

    parser->pos += 4;
    if (!(node = xml_add_node(parser, parent, XML_COMMENT)) || !(node->text = xml_read_until(parser, "-->")))
        return -1;
    /* "--" may not appear in a comment, nor may it end with "-". */
    len = xml_strlen(node->text);
    for (i = 0; i < len; ++i)
    {
        if (node->text[i] == '-' && (i + 1 == len || node->text[i + 1] == '-'))
            return xml_fail(parser, XML_E_SYNTAX);
    }
    return 0;
}

static int xml_read_pi(struct xml_parser *parser, struct xml_node *parent, int at_start)
{
    struct xml_node *node;
    const xml_char *target;

    parser->pos += 2;
    if (!(node = xml_add_node(parser, parent, XML_PI)) || !(node->name = xml_read_name(parser)))
        return -1;
    target = node->name;
    /* The target "xml", in any case, is the XML declaration: first or not at all. */
    if (xml_strlen(target) == 3 && (target[0] | 0x20) == 'x' && (target[1] | 0x20) == 'm'
            && (target[2] | 0x20) == 'l' && (!at_start || !xml_is_ascii(target, "xml")))
        return xml_fail(parser, XML_E_SYNTAX);
    if (!xml_skip_space(parser) && !xml_at(parser, "?>"))
        return xml_fail(parser, XML_E_SYNTAX);
    return (node->text = xml_read_until(parser, "?>")) ? 0 : -1;
}

static int xml_read_attributes(struct xml_parser *parser, struct xml_node *element)
{
    struct xml_attribute *attribute, *attributes;
    struct xml_buffer value = {0};
    unsigned int i;
    xml_char quote, c;

    for (;;)
    {
        int spaced = xml_skip_space(parser);

        c = xml_peek(parser, 0);
        if (c == '>' || (c == '/' && xml_peek(parser, 1) == '>'))
            return 0;
        if (!spaced)
            return xml_fail(parser, XML_E_SYNTAX);
        if (element->attribute_count >= XML_MAX_ATTRIBUTES)
            return xml_fail(parser, XML_E_LIMIT);
        /* Room for twice as many as there are, when full. */
        if (!(element->attribute_count & (element->attribute_count - 1)))
        {
            if (!(attributes = realloc(element->attributes,
                    (element->attribute_count ? 2 * element->attribute_count : 1) * sizeof(*attributes))))
                return xml_fail(parser, XML_E_MEMORY);
            element->attributes = attributes;
        }
        attribute = &element->attributes[element->attribute_count];
        if (!(attribute->name = xml_read_name(parser)))
            return -1;
        attribute->value = NULL;
        ++element->attribute_count;
        for (i = 0; i + 1 < element->attribute_count; ++i)
        {
            if (!xml_strcmp(element->attributes[i].name, attribute->name))
                return xml_fail(parser, XML_E_SYNTAX);
        }
        xml_skip_space(parser);
        if (xml_peek(parser, 0) != '=')
            return xml_fail(parser, XML_E_SYNTAX);
        ++parser->pos;
        xml_skip_space(parser);
        quote = xml_peek(parser, 0);
        if (quote != '"' && quote != '\'')
            return xml_fail(parser, XML_E_SYNTAX);
        ++parser->pos;
        while ((c = xml_peek(parser, 0)) != quote)
        {
            if (!c || c == '<')
            {
                free(value.data);
                return xml_fail(parser, XML_E_SYNTAX);
            }
            if (c == '&')
            {
                if (xml_read_reference(parser, &value))
                {
                    free(value.data);
                    return -1;
                }
                continue;
            }
            /* Attribute-value normalisation: literal white space is a
             * space, and a CR LF pair one space. */
            if (c == '\r' && xml_peek(parser, 1) == '\n')
                ++parser->pos;
            if (xml_buffer_add(&value, xml_is_space(c) ? ' ' : c))
            {
                free(value.data);
                return xml_fail(parser, XML_E_MEMORY);
            }
            ++parser->pos;
        }
        ++parser->pos;
        if (!(attribute->value = xml_buffer_take(&value)))
            return xml_fail(parser, XML_E_MEMORY);
    }
}

/* Character data up to the next '<'.  Outside the root element only white
 * space is allowed. */
static int xml_read_text(struct xml_parser *parser, struct xml_node *parent)
{
    struct xml_buffer text = {0};
    struct xml_node *node;
    xml_char c;

    while ((c = xml_peek(parser, 0)) && c != '<')
    {
        if (parent->type == XML_DOCUMENT && !xml_is_space(c))
            break;
        if (c == ']' && xml_at(parser, "]]>"))
            break;
        if (c == '&')
        {
            if (xml_read_reference(parser, &text))
            {
                free(text.data);
                return -1;
            }
            continue;
        }
        if (xml_buffer_add(&text, c))
        {
            free(text.data);
            return xml_fail(parser, XML_E_MEMORY);
        }
        ++parser->pos;
    }
    if (c && c != '<')
    {
        free(text.data);
        return xml_fail(parser, XML_E_SYNTAX);
    }
    if (!(node = xml_add_node(parser, parent, XML_TEXT)))
    {
        free(text.data);
        return -1;
    }
    if (!(node->text = xml_buffer_take(&text)))
        return xml_fail(parser, XML_E_MEMORY);
    return 0;
}

/* A start tag, with the parser on the '<'.  Returns the element, whose
 * content follows unless it was an empty-element tag (*empty). */
static struct xml_node *xml_read_start_tag(struct xml_parser *parser, struct xml_node *parent, int *empty)
{
    struct xml_node *element;

    ++parser->pos;
    if (!(element = xml_add_node(parser, parent, XML_ELEMENT)) || !(element->name = xml_read_name(parser))
            || xml_read_attributes(parser, element))
        return NULL;
    *empty = xml_peek(parser, 0) == '/';
    parser->pos += *empty ? 2 : 1;
    return element;
}

static int xml_read_end_tag(struct xml_parser *parser, const struct xml_node *element)
{
    size_t len = xml_strlen(element->name);

    parser->pos += 2;
    if (parser->len - parser->pos < len
            || memcmp(parser->text + parser->pos, element->name, len * sizeof(xml_char)))
        return xml_fail(parser, XML_E_SYNTAX);
    parser->pos += len;
    if (xml_is_name_char(xml_peek(parser, 0)))
        return xml_fail(parser, XML_E_SYNTAX);
    xml_skip_space(parser);
    if (xml_peek(parser, 0) != '>')
        return xml_fail(parser, XML_E_SYNTAX);
    ++parser->pos;
    return 0;
}

static int xml_read_document(struct xml_parser *parser, struct xml_node *document)
{
    struct xml_node *current = document, *element;
    unsigned int depth = 0;
    int has_root = 0, empty;
    size_t start;

    if (xml_peek(parser, 0) == 0xfeff)
        ++parser->pos;
    start = parser->pos;
    while (parser->pos < parser->len)
    {
        if (xml_peek(parser, 0) != '<')
        {
            if (xml_read_text(parser, current))
                return -1;
        }
        else if (xml_at(parser, "<?"))
        {
            if (xml_read_pi(parser, current, parser->pos == start))
                return -1;
        }
        else if (xml_at(parser, "<!--"))
        {
            if (xml_read_comment(parser, current))
                return -1;
        }
        else if (xml_at(parser, "<![CDATA["))
        {
            struct xml_node *node;

            if (current == document)
                return xml_fail(parser, XML_E_SYNTAX);
            parser->pos += 9;
            if (!(node = xml_add_node(parser, current, XML_CDATA)) || !(node->text = xml_read_until(parser, "]]>")))
                return -1;
        }
        else if (xml_at(parser, "<!"))
        {
            /* DOCTYPE and the other declarations. */
            return xml_fail(parser, XML_E_SYNTAX);
        }
        else if (xml_at(parser, "</"))
        {
            if (current == document || xml_read_end_tag(parser, current))
                return xml_fail(parser, XML_E_SYNTAX);
            current = current->parent;
            --depth;
        }
        else
        {
            if (current == document && has_root)
                return xml_fail(parser, XML_E_SYNTAX);
            if (depth >= XML_MAX_DEPTH)
                return xml_fail(parser, XML_E_LIMIT);
            if (!(element = xml_read_start_tag(parser, current, &empty)))
                return -1;
            if (current == document)
                has_root = 1;
            if (!empty)
            {
                current = element;
                ++depth;
            }
        }
    }
    return current == document && has_root ? 0 : xml_fail(parser, XML_E_SYNTAX);
}

struct xml_node *xml_parse(const xml_char *text, size_t len, enum xml_error *error)
{
    struct xml_parser parser = {text, 0, len, 0, XML_OK};
    struct xml_node *document;

    if (len > XML_MAX_LENGTH)
    {
        *error = XML_E_LIMIT;
        return NULL;
    }
    if (xml_check_characters(text, len))
    {
        *error = XML_E_SYNTAX;
        return NULL;
    }
    if (!(document = xml_new_document(NULL)))
    {
        *error = XML_E_MEMORY;
        return NULL;
    }
    if (xml_read_document(&parser, document))
    {
        xml_free(document);
        *error = parser.error == XML_OK ? XML_E_SYNTAX : parser.error;
        return NULL;
    }
    *error = XML_OK;
    return document;
}

/* Serialising. */

/* Text and attribute values with what would not read back the same
 * escaped: markup characters, and in attributes the white space that
 * attribute-value normalisation would turn into spaces. */
static int xml_write_escaped(struct xml_buffer *out, const xml_char *str, int attribute)
{
    int ret = 0;

    for (; *str && !ret; ++str)
    {
        switch (*str)
        {
        case '&': ret = xml_buffer_add_ascii(out, "&amp;"); break;
        case '<': ret = xml_buffer_add_ascii(out, "&lt;"); break;
        case '>': ret = xml_buffer_add_ascii(out, "&gt;"); break;
        case '"': ret = attribute ? xml_buffer_add_ascii(out, "&quot;") : xml_buffer_add(out, '"'); break;
        case '\r': ret = xml_buffer_add_ascii(out, "&#13;"); break;
        case '\n': ret = attribute ? xml_buffer_add_ascii(out, "&#10;") : xml_buffer_add(out, '\n'); break;
        case '\t': ret = attribute ? xml_buffer_add_ascii(out, "&#9;") : xml_buffer_add(out, '\t'); break;
        default: ret = xml_buffer_add(out, *str); break;
        }
    }
    return ret;
}

static int xml_write_string(struct xml_buffer *out, const xml_char *str)
{
    for (; *str; ++str)
    {
        if (xml_buffer_add(out, *str))
            return -1;
    }
    return 0;
}

/* A node, or for an element with content its start tag. */
static int xml_write_open(struct xml_buffer *out, const struct xml_node *node)
{
    unsigned int i;

    switch (node->type)
    {
    case XML_DOCUMENT:
        return 0;
    case XML_TEXT:
        /* Around the root element only white space, where no reference is allowed. */
        if (node->parent && node->parent->type == XML_DOCUMENT)
            return xml_write_string(out, node->text);
        return xml_write_escaped(out, node->text, 0);
    case XML_CDATA:
        return xml_buffer_add_ascii(out, "<![CDATA[") || xml_write_string(out, node->text)
                || xml_buffer_add_ascii(out, "]]>");
    case XML_COMMENT:
        return xml_buffer_add_ascii(out, "<!--") || xml_write_string(out, node->text)
                || xml_buffer_add_ascii(out, "-->");
    case XML_PI:
        return xml_buffer_add_ascii(out, "<?") || xml_write_string(out, node->name)
                || (node->text[0] && (xml_buffer_add(out, ' ') || xml_write_string(out, node->text)))
                || xml_buffer_add_ascii(out, "?>");
    case XML_ELEMENT:
        if (xml_buffer_add(out, '<') || xml_write_string(out, node->name))
            return -1;
        for (i = 0; i < node->attribute_count; ++i)
        {
            if (xml_buffer_add(out, ' ') || xml_write_string(out, node->attributes[i].name)
                    || xml_buffer_add_ascii(out, "=\"") || xml_write_escaped(out, node->attributes[i].value, 1)
                    || xml_buffer_add(out, '"'))
                return -1;
        }
        return xml_buffer_add_ascii(out, node->first_child ? ">" : "/>");
    }
    return -1;
}

static int xml_write_close(struct xml_buffer *out, const struct xml_node *node)
{
    if (node->type != XML_ELEMENT)
        return 0;
    return xml_buffer_add_ascii(out, "</") || xml_write_string(out, node->name) || xml_buffer_add(out, '>');
}

xml_char *xml_serialize(const struct xml_node *node, size_t *len)
{
    struct xml_buffer out = {0};
    const struct xml_node *current = node;

    for (;;)
    {
        if (xml_write_open(&out, current))
            goto failed;
        if (current->first_child)
        {
            current = current->first_child;
            continue;
        }
        while (current != node && !current->next)
        {
            current = current->parent;
            if (xml_write_close(&out, current))
                goto failed;
        }
        if (current == node)
            break;
        current = current->next;
    }
    *len = out.len;
    return xml_buffer_take(&out);

failed:
    free(out.data);
    return NULL;
}
