#include "chtmlxpath.h"

#include <stdlib.h>
#include <string.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>

struct wl_html_doc {
    htmlDocPtr doc;
    xmlXPathContextPtr context;
    xmlNodePtr *items;
    int item_count;
};

struct wl_xpath {
    xmlXPathCompExprPtr compiled;
};

/* The last error libxml2 reported through an XPath context (nothing is printed). */
typedef struct {
    int code;
    char message[256];
} wl_error;

/* libxml2 2.9.14 often reports XPath errors with a code and no message. */
static const char *xpath_message(int code) {
    static const char *const messages[] = {
        "ok", "number encoding", "unfinished literal", "start of literal", "expected $ for variable reference",
        "undefined variable", "invalid predicate", "invalid expression", "missing closing curly brace",
        "unregistered function", "invalid operand", "invalid type", "invalid number of arguments",
        "invalid context size", "invalid context position", "memory allocation error", "syntax error",
        "resource error", "sub resource error", "undefined namespace prefix", "encoding error",
        "character out of XML range", "invalid or incomplete context", "stack usage error",
        "forbidden variable", "operation limit exceeded", "recursion limit exceeded",
    };
    int index = code - XML_XPATH_EXPRESSION_OK;
    if (index < 0 || index >= (int)(sizeof(messages) / sizeof(messages[0]))) return "XPath error";
    return messages[index];
}

static void on_xpath_error(void *data, xmlErrorPtr error) {
    wl_error *target = (wl_error *)data;
    if (target == NULL || error == NULL || target->code != 0) return;  /* keep the first */
    target->code = error->code;
    strncpy(target->message, xpath_message(error->code), sizeof(target->message) - 1);
    if (error->message != NULL) {
        strncpy(target->message, error->message, sizeof(target->message) - 1);
        target->message[sizeof(target->message) - 1] = '\0';
        size_t n = strlen(target->message);
        while (n > 0 && (target->message[n - 1] == '\n' || target->message[n - 1] == ' ')) target->message[--n] = '\0';
    }
}

static void copy_message(const char *text, char *message, size_t message_size) {
    if (message == NULL || message_size == 0) return;
    strncpy(message, text, message_size - 1);
    message[message_size - 1] = '\0';
}

/* Parsing ------------------------------------------------------------------------ */

static void silent(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static void silent_structured(void *ctx, xmlErrorPtr error) { (void)ctx; (void)error; }

wl_html_doc *wl_html_parse(const char *bytes, int length) {
    if (bytes == NULL || length <= 0) return NULL;
    /* The generic handlers are per thread in libxml2: set them on this one, so a broken
     * page cannot write to stderr (HTML_PARSE_NOERROR covers the parser's own reports). */
    xmlSetGenericErrorFunc(NULL, silent);
    xmlSetStructuredErrorFunc(NULL, silent_structured);
    /* HTML_PARSE_HUGE is deliberately absent: libxml2's depth and size limits apply.
     * HTML_PARSE_IGNORE_ENC: the bytes are UTF-8 (Charset decoded them); a <meta
     * charset> must not make libxml2 decode them a second time. */
    int options = HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING
                | HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC;
    htmlDocPtr doc = htmlReadMemory(bytes, length, NULL, "UTF-8", options);
    if (doc == NULL) return NULL;
    wl_html_doc *result = calloc(1, sizeof(wl_html_doc));
    if (result == NULL) {
        xmlFreeDoc(doc);
        return NULL;
    }
    result->doc = doc;
    result->context = xmlXPathNewContext(doc);
    if (result->context == NULL) {
        wl_html_free(result);
        return NULL;
    }
    return result;
}

void wl_html_free(wl_html_doc *doc) {
    if (doc == NULL) return;
    if (doc->context != NULL) xmlXPathFreeContext(doc->context);
    if (doc->doc != NULL) xmlFreeDoc(doc->doc);
    free(doc->items);
    free(doc);
}

/* Calls `visit` on every element in document order without recursion (a page may nest
 * as deep as libxml2 lets it), with its depth. */
static void each_element(const wl_html_doc *doc, void (*visit)(xmlNodePtr, int, void *), void *data) {
    xmlNodePtr top = (xmlNodePtr)doc->doc;
    xmlNodePtr cur = top->children;
    int depth = 1;
    while (cur != NULL) {
        if (cur->type == XML_ELEMENT_NODE) {
            visit(cur, depth, data);
            if (cur->children != NULL) {
                cur = cur->children;
                depth++;
                continue;
            }
        }
        while (cur != NULL && cur != top && cur->next == NULL) {
            cur = cur->parent;
            depth--;
        }
        if (cur == NULL || cur == top) break;
        cur = cur->next;
    }
}

static void deepest(xmlNodePtr node, int depth, void *data) {
    (void)node;
    int *max = (int *)data;
    if (depth > *max) *max = depth;
}

static void counting(xmlNodePtr node, int depth, void *data) {
    (void)node; (void)depth;
    (*(int *)data)++;
}

int wl_html_max_depth(const wl_html_doc *doc) {
    int max = 0;
    each_element(doc, deepest, &max);
    return max;
}

int wl_html_element_count(const wl_html_doc *doc) {
    int count = 0;
    each_element(doc, counting, &count);
    return count;
}

/* XPath ---------------------------------------------------------------------------- */

/* 2.9.14 compiles `string(` and `a[` inside a call: brackets and parentheses outside
 * literals must balance. */
static int balanced(const char *expression) {
    int parens = 0, brackets = 0;
    for (const char *p = expression; *p != '\0'; p++) {
        if (*p == '"' || *p == '\'') {
            const char *end = strchr(p + 1, *p);
            if (end == NULL) return 0;
            p = end;
        } else if (*p == '(') parens++;
        else if (*p == ')' && --parens < 0) return 0;
        else if (*p == '[') brackets++;
        else if (*p == ']' && --brackets < 0) return 0;
    }
    return parens == 0 && brackets == 0;
}

/* Errors libxml2 finds only when evaluating, whatever the page: an unknown function, a
 * wrong number of arguments, an undefined variable or namespace prefix. */
static int structural(int code) {
    int index = code - XML_XPATH_EXPRESSION_OK;
    return index == XPATH_UNKNOWN_FUNC_ERROR || index == XPATH_INVALID_ARITY || index == XPATH_UNDEF_VARIABLE_ERROR
        || index == XPATH_UNDEF_PREFIX_ERROR || index == XPATH_VARIABLE_REF_ERROR;
}

wl_xpath *wl_xpath_compile(const char *expression, char *message, size_t message_size) {
    copy_message("", message, message_size);
    if (!balanced(expression)) {
        copy_message("unbalanced quotes, parentheses or brackets", message, message_size);
        return NULL;
    }
    wl_error error = { 0, "" };
    xmlXPathContextPtr context = xmlXPathNewContext(NULL);
    if (context == NULL) {
        copy_message("out of memory", message, message_size);
        return NULL;
    }
    context->error = on_xpath_error;
    context->userData = &error;
    xmlSetGenericErrorFunc(NULL, silent);
    xmlXPathCompExprPtr compiled = xmlXPathCtxtCompile(context, (const xmlChar *)expression);
    if (compiled == NULL && error.code == 0 && context->lastError.code != 0) on_xpath_error(&error, &context->lastError);
    xmlXPathFreeContext(context);
    if (compiled == NULL) {
        copy_message(error.message[0] != '\0' ? error.message : "invalid XPath expression", message, message_size);
        return NULL;
    }
    /* A trial run on an empty page finds what only evaluation reports. */
    static const char empty[] = "<html><body></body></html>";
    wl_html_doc *trial = wl_html_parse(empty, (int)sizeof(empty) - 1);
    if (trial != NULL) {
        wl_error trial_error = { 0, "" };
        trial->context->node = (xmlNodePtr)trial->doc;
        trial->context->error = on_xpath_error;
        trial->context->userData = &trial_error;
        trial->context->opLimit = 100000;
        xmlXPathObjectPtr result = xmlXPathCompiledEval(compiled, trial->context);
        if (result != NULL) xmlXPathFreeObject(result);
        wl_html_free(trial);
        if (structural(trial_error.code)) {
            xmlXPathFreeCompExpr(compiled);
            copy_message(trial_error.message, message, message_size);
            return NULL;
        }
    }
    wl_xpath *result = malloc(sizeof(wl_xpath));
    if (result == NULL) {
        xmlXPathFreeCompExpr(compiled);
        copy_message("out of memory", message, message_size);
        return NULL;
    }
    result->compiled = compiled;
    return result;
}

void wl_xpath_free(wl_xpath *xpath) {
    if (xpath == NULL) return;
    xmlXPathFreeCompExpr(xpath->compiled);
    free(xpath);
}

/* Evaluates with the operation limit; NULL with a WL_XPATH_* code on failure. */
static xmlXPathObjectPtr evaluate(wl_html_doc *doc, const wl_xpath *xpath, xmlNodePtr node, unsigned long op_limit,
                                  int *code, char *message, size_t message_size) {
    wl_error error = { 0, "" };
    xmlXPathContextPtr context = doc->context;
    context->node = node;
    context->error = on_xpath_error;
    context->userData = &error;
    context->opLimit = op_limit;
    context->opCount = 0;
    context->depth = 0;
    xmlXPathObjectPtr result = xmlXPathCompiledEval(xpath->compiled, context);
    context->userData = NULL;
    if (result == NULL || error.code != 0) {
        if (result != NULL) xmlXPathFreeObject(result);
        int limit = error.code == XML_XPATH_EXPRESSION_OK + XPATH_OP_LIMIT_EXCEEDED;
        *code = limit ? WL_XPATH_OP_LIMIT : WL_XPATH_ERROR;
        copy_message(error.message[0] != '\0' ? error.message : "XPath evaluation failed", message, message_size);
        return NULL;
    }
    *code = WL_XPATH_OK;
    return result;
}

int wl_html_select(wl_html_doc *doc, const wl_xpath *xpath, int max_nodes, unsigned long op_limit,
                   int *count, char *message, size_t message_size) {
    copy_message("", message, message_size);
    *count = 0;
    free(doc->items);
    doc->items = NULL;
    doc->item_count = 0;
    int code;
    xmlXPathObjectPtr result = evaluate(doc, xpath, (xmlNodePtr)doc->doc, op_limit, &code, message, message_size);
    if (result == NULL) return code;
    if (result->type != XPATH_NODESET) {
        xmlXPathFreeObject(result);
        return WL_XPATH_NOT_NODES;
    }
    int n = result->nodesetval != NULL ? result->nodesetval->nodeNr : 0;
    *count = n;
    if (n > max_nodes) {
        xmlXPathFreeObject(result);
        return WL_XPATH_TOO_MANY_NODES;
    }
    if (n > 0) {
        doc->items = malloc(sizeof(xmlNodePtr) * (size_t)n);
        if (doc->items == NULL) {
            xmlXPathFreeObject(result);
            copy_message("out of memory", message, message_size);
            return WL_XPATH_ERROR;
        }
        memcpy(doc->items, result->nodesetval->nodeTab, sizeof(xmlNodePtr) * (size_t)n);
    }
    doc->item_count = n;
    xmlXPathFreeObject(result);
    return n;
}

/* Text -------------------------------------------------------------------------------- */

typedef struct {
    char *bytes;
    size_t length, capacity;
    int pending_space;  /* a space is due before the next visible byte */
} wl_text;

static int reserve(wl_text *text, size_t more) {
    if (text->length + more + 1 <= text->capacity) return 1;
    size_t capacity = text->capacity < 256 ? 256 : text->capacity;
    while (capacity < text->length + more + 1) capacity *= 2;
    char *bytes = realloc(text->bytes, capacity);
    if (bytes == NULL) return 0;
    text->bytes = bytes;
    text->capacity = capacity;
    return 1;
}

static void append(wl_text *text, const xmlChar *content) {
    if (content == NULL) return;
    size_t n = strlen((const char *)content);
    if (!reserve(text, n + 1)) return;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = content[i];
        int space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
        if (c == 0xC2 && i + 1 < n && content[i + 1] == 0xA0) {  /* no-break space */
            space = 1;
            i++;
        }
        if (space) {
            text->pending_space = 1;
            continue;
        }
        if (text->pending_space && text->length > 0) text->bytes[text->length++] = ' ';
        text->pending_space = 0;
        text->bytes[text->length++] = (char)c;
    }
}

static int is_skipped(xmlNodePtr node) {
    const char *name = (const char *)node->name;
    return strcmp(name, "script") == 0 || strcmp(name, "style") == 0 || strcmp(name, "template") == 0;
}

/* Elements that do not separate words (everything else, <br> included, does). */
static int is_inline(xmlNodePtr node) {
    static const char *const names[] = {
        "a", "abbr", "b", "bdi", "bdo", "big", "blink", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
        "label", "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time",
        "tt", "u", "var", NULL,
    };
    for (int i = 0; names[i] != NULL; i++) {
        if (strcmp((const char *)node->name, names[i]) == 0) return 1;
    }
    return 0;
}

static void text_of(wl_text *text, xmlNodePtr top) {
    switch (top->type) {
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
    case XML_COMMENT_NODE:
    case XML_PI_NODE:
        append(text, top->content);
        return;
    case XML_ATTRIBUTE_NODE:
        for (xmlNodePtr child = top->children; child != NULL; child = child->next) append(text, child->content);
        return;
    case XML_ELEMENT_NODE:
        if (is_skipped(top)) return;
        break;
    case XML_DOCUMENT_NODE:
    case XML_HTML_DOCUMENT_NODE:
        break;
    default:
        return;
    }
    xmlNodePtr cur = top->children;
    while (cur != NULL) {
        if (cur->type == XML_ELEMENT_NODE) {
            if (!is_skipped(cur)) {
                if (!is_inline(cur)) text->pending_space = 1;
                if (cur->children != NULL) {
                    cur = cur->children;
                    continue;
                }
            }
        } else if (cur->type == XML_TEXT_NODE || cur->type == XML_CDATA_SECTION_NODE) {
            append(text, cur->content);
        }
        /* Up and along: the next node in document order that is still under `top`. */
        while (cur != NULL && cur != top) {
            if (cur->type == XML_ELEMENT_NODE && !is_inline(cur)) text->pending_space = 1;
            if (cur->next != NULL) {
                cur = cur->next;
                break;
            }
            cur = cur->parent;
        }
        if (cur == top) break;
    }
}

static char *finish(wl_text *text, size_t *out_length) {
    if (!reserve(text, 0)) {
        free(text->bytes);
        return NULL;
    }
    text->bytes[text->length] = '\0';
    *out_length = text->length;
    return text->bytes;
}

int wl_html_value(wl_html_doc *doc, const wl_xpath *xpath, int item, int all_nodes, unsigned long op_limit,
                  char **out, size_t *out_length, char *message, size_t message_size) {
    copy_message("", message, message_size);
    *out = NULL;
    *out_length = 0;
    xmlNodePtr node;
    if (item < 0) node = (xmlNodePtr)doc->doc;
    else if (item < doc->item_count) node = doc->items[item];
    else {
        copy_message("no such item", message, message_size);
        return WL_XPATH_ERROR;
    }
    int code;
    xmlXPathObjectPtr result = evaluate(doc, xpath, node, op_limit, &code, message, message_size);
    if (result == NULL) return code;
    wl_text text = { NULL, 0, 0, 0 };
    if (result->type == XPATH_NODESET) {
        xmlNodeSetPtr nodes = result->nodesetval;
        int n = nodes != NULL ? nodes->nodeNr : 0;
        for (int i = 0; i < n && (i == 0 || all_nodes); i++) {
            text.pending_space = text.length > 0;
            text_of(&text, nodes->nodeTab[i]);
        }
    } else {
        xmlChar *string = xmlXPathCastToString(result);
        append(&text, string);
        xmlFree(string);
    }
    xmlXPathFreeObject(result);
    *out = finish(&text, out_length);
    if (*out == NULL) {
        copy_message("out of memory", message, message_size);
        return WL_XPATH_ERROR;
    }
    return WL_XPATH_OK;
}

void wl_html_free_string(char *string) {
    free(string);
}

/* Suggestions ------------------------------------------------------------------------- */

static void key_of(xmlNodePtr node, int depth, void *data) {
    (void)depth;
    wl_text *text = (wl_text *)data;
    size_t name_length = strlen((const char *)node->name);
    xmlChar *class_name = xmlGetNoNsProp(node, (const xmlChar *)"class");
    size_t class_length = class_name != NULL ? strlen((const char *)class_name) : 0;
    if (class_length > 200) class_length = 200;
    if (!reserve(text, name_length + class_length + 2)) {
        xmlFree(class_name);
        return;
    }
    memcpy(text->bytes + text->length, node->name, name_length);
    text->length += name_length;
    text->bytes[text->length++] = '\t';
    for (size_t i = 0; i < class_length; i++) {
        char c = (char)class_name[i];
        text->bytes[text->length++] = (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
    }
    text->bytes[text->length++] = '\n';
    xmlFree(class_name);
}

char *wl_html_element_keys(const wl_html_doc *doc, size_t *out_length) {
    wl_text text = { NULL, 0, 0, 0 };
    each_element(doc, key_of, &text);
    return finish(&text, out_length);
}
