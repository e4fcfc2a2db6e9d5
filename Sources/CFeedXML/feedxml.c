#include "cfeedxml.h"

#include <string.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>

typedef struct {
    const wl_xml_handlers *handlers;
    void *context;
} wl_state;

static wl_state *state_of(void *ctx) {
    return (wl_state *)((xmlParserCtxtPtr)ctx)->_private;
}

static void on_start(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri,
                     int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
                     const xmlChar **attributes) {
    (void)uri; (void)nb_namespaces; (void)namespaces; (void)nb_defaulted;
    wl_state *state = state_of(ctx);
    /* libxml2 gives five pointers per attribute (local, prefix, URI, value, end); the
     * handler wants four (prefix, local, value, end). */
    const char *stack_buffer[4 * 16];
    const char **out = stack_buffer;
    if (nb_attributes > 16) {
        out = (const char **)xmlMalloc(sizeof(char *) * 4 * (size_t)nb_attributes);
        if (out == NULL) nb_attributes = 0, out = stack_buffer;
    }
    for (int i = 0; i < nb_attributes; i++) {
        out[4 * i] = (const char *)attributes[5 * i + 1];
        out[4 * i + 1] = (const char *)attributes[5 * i];
        out[4 * i + 2] = (const char *)attributes[5 * i + 3];
        out[4 * i + 3] = (const char *)attributes[5 * i + 4];
    }
    state->handlers->start(state->context, (const char *)prefix, (const char *)local, nb_attributes, out);
    if (out != stack_buffer) xmlFree((void *)out);
}

static void on_end(void *ctx, const xmlChar *local, const xmlChar *prefix, const xmlChar *uri) {
    (void)uri;
    wl_state *state = state_of(ctx);
    state->handlers->end(state->context, (const char *)prefix, (const char *)local);
}

static void on_text(void *ctx, const xmlChar *bytes, int length) {
    wl_state *state = state_of(ctx);
    state->handlers->text(state->context, (const char *)bytes, length);
}

/* Errors are read from the context after the parse; nothing is printed. */
static void on_error(void *ctx, xmlErrorPtr error) {
    (void)ctx; (void)error;
}

int wl_xml_parse(const char *bytes, int length, const wl_xml_handlers *handlers, void *context,
                 int *error_code, int *error_line, char *message, size_t message_size) {
    *error_code = 0;
    *error_line = 0;
    if (message_size > 0) message[0] = '\0';

    xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(bytes, length);
    if (ctxt == NULL) {
        *error_code = -1;
        if (message_size > 0) strncpy(message, "cannot create an XML parser (out of memory?)", message_size - 1);
        return 0;
    }
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof(sax));
    xmlSAXVersion(&sax, 2);  /* SAX2 defaults for the prolog and the DTD (entity declarations) */
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.cdataBlock = on_text;
    sax.ignorableWhitespace = on_text;
    sax.reference = NULL;        /* an undeclared-by-XML entity: reported, never expanded */
    sax.externalSubset = NULL;   /* never read a DTD */
    sax.resolveEntity = NULL;    /* never resolve an external entity */
    sax.startElement = NULL;
    sax.endElement = NULL;
    sax.warning = NULL;
    sax.error = NULL;
    sax.fatalError = NULL;
    sax.serror = on_error;
    memcpy(ctxt->sax, &sax, sizeof(sax));
    wl_state state = { handlers, context };
    ctxt->_private = &state;
    ctxt->userData = ctxt;
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
    ctxt->replaceEntities = 0;
    ctxt->loadsubset = 0;
    ctxt->validate = 0;

    xmlParseDocument(ctxt);
    int ok = ctxt->wellFormed;  /* namespace errors (an undeclared `media:`) are not fatal */
    if (!ok) {
        xmlErrorPtr error = xmlCtxtGetLastError(ctxt);
        if (error != NULL) {
            *error_code = error->code;
            *error_line = error->line;
            if (error->message != NULL && message_size > 0) {
                strncpy(message, error->message, message_size - 1);
                message[message_size - 1] = '\0';
                size_t n = strlen(message);
                while (n > 0 && (message[n - 1] == '\n' || message[n - 1] == ' ')) message[--n] = '\0';
            }
        } else {
            *error_code = ctxt->errNo;
        }
    }
    if (ctxt->myDoc != NULL) {
        xmlFreeDoc(ctxt->myDoc);
        ctxt->myDoc = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    return ok;
}
