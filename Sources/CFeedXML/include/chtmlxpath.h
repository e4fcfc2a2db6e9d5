#ifndef WATCHLISTD_CHTMLXPATH_H
#define WATCHLISTD_CHTMLXPATH_H

/* libxml2's HTML parser and XPath 1.0 engine behind a plain-C header (no libxml2 types
 * cross it), for `format: html` sources. Only the Swift wrapper (Feeds/HTMLDocument.swift)
 * calls these; nodes never leave this file: a document keeps the node set of the last
 * `wl_html_select`, and fields are evaluated against an item by its index in that set.
 *
 * Safety, as configured in htmlxpath.c: HTML_PARSE_NONET (nothing is loaded from the
 * network or the disk; the HTML parser reads no DTD and knows only HTML's own named
 * character references, so no entity is defined by the page or expanded from it),
 * HTML_PARSE_HUGE is never set (libxml2's depth and text-size limits apply), errors are
 * collected, never printed. XPath evaluation runs with libxml2's operation limit
 * (xmlXPathContext.opLimit, 2.9.11+) and node-set size limits given by the caller. */

#include <stddef.h>

typedef struct wl_html_doc wl_html_doc;
typedef struct wl_xpath wl_xpath;

/// Parses `length` bytes of UTF-8 HTML (already decoded: any <meta charset> is ignored).
/// NULL when libxml2 could not build a document at all (empty input, out of memory).
wl_html_doc *wl_html_parse(const char *bytes, int length);
void wl_html_free(wl_html_doc *doc);
/// The deepest element nesting in the parsed tree (libxml2 caps what it builds).
int wl_html_max_depth(const wl_html_doc *doc);
/// The number of element nodes.
int wl_html_element_count(const wl_html_doc *doc);

/// Compiles an XPath 1.0 expression. NULL on a syntax error, with libxml2's message
/// (NUL-terminated, truncated to `message_size`).
wl_xpath *wl_xpath_compile(const char *expression, char *message, size_t message_size);
void wl_xpath_free(wl_xpath *xpath);

/// Result codes of the evaluation functions.
enum {
    WL_XPATH_OK = 0,
    WL_XPATH_ERROR = -1,          /* an evaluation error (message set) */
    WL_XPATH_OP_LIMIT = -2,       /* more than `op_limit` XPath operations */
    WL_XPATH_TOO_MANY_NODES = -3, /* the node set is larger than `max_nodes` */
    WL_XPATH_NOT_NODES = -4,      /* the expression gives a string/number/boolean, not nodes */
};

/// Evaluates `xpath` against the whole document and keeps the resulting elements as the
/// document's items. Returns the number of items (>= 0) or a WL_XPATH_* code; `*count`
/// holds the node-set size even when it is over `max_nodes`.
int wl_html_select(wl_html_doc *doc, const wl_xpath *xpath, int max_nodes, unsigned long op_limit,
                   int *count, char *message, size_t message_size);

/// Evaluates `xpath` with item `item` as the context node (`item` -1: the document) and
/// returns its string value in `*out` (malloc'd UTF-8, free with wl_html_free_string):
/// a string, number or boolean result as XPath's string() gives it; a node set as the
/// text of its first node (`all_nodes` 0) or of every node joined by a space
/// (`all_nodes` 1). An element's text has a space where block elements and <br> break
/// it, and no <script>/<style> content; whitespace runs become one space, trimmed.
int wl_html_value(wl_html_doc *doc, const wl_xpath *xpath, int item, int all_nodes, unsigned long op_limit,
                  char **out, size_t *out_length, char *message, size_t message_size);
void wl_html_free_string(char *string);

/// Every element as one line `depth-independent key`: "TAG\tCLASS\n" (CLASS empty when the
/// element has none; tabs and newlines in it become spaces), for the suggestions `fetch`
/// shows when `items:` selects nothing. Malloc'd, free with wl_html_free_string.
char *wl_html_element_keys(const wl_html_doc *doc, size_t *out_length);

#endif
