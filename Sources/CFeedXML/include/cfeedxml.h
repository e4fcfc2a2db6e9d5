#ifndef WATCHLISTD_CFEEDXML_H
#define WATCHLISTD_CFEEDXML_H

/* libxml2's SAX2 parser behind a plain-C header (no libxml2 types cross it), for the
 * feed reader. FoundationXML's XMLParser over the same libxml2 spent half of all feed
 * parsing time building Swift strings and dictionaries for every element; here only
 * names, attributes and text reach Swift, as UTF-8 pointers valid during the call.
 *
 * Safety, as the parser is configured in feedxml.c: no network (XML_PARSE_NONET), no
 * DTD loading, no entity substitution (external entities are never read; internal ones
 * are reported, not expanded), libxml2's default depth and amplification limits, and a
 * document is good only if libxml2 says it is well-formed (not only "parsed"). */

#include <stddef.h>

/// Attributes arrive as `count` groups of four: prefix (NULL if none), local name, value
/// start, value end (the value is not NUL-terminated).
typedef struct {
    void (*start)(void *context, const char *prefix, const char *local, int count, const char *const *attributes);
    void (*end)(void *context, const char *prefix, const char *local);
    void (*text)(void *context, const char *bytes, int length);
} wl_xml_handlers;

/// Parses `length` bytes of UTF-8 XML. Returns 1 when the document is well-formed, 0
/// otherwise, with libxml2's error code, line and message (NUL-terminated, truncated to
/// `message_size`).
int wl_xml_parse(const char *bytes, int length, const wl_xml_handlers *handlers, void *context,
                 int *error_code, int *error_line, char *message, size_t message_size);

#endif
