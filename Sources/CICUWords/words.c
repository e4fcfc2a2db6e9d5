#include "cicuwords.h"
#include <unicode/ubrk.h>
#include <unicode/utypes.h>
#include <unicode/uversion.h>
#include <stdio.h>

static __thread UBreakIterator *iterator = NULL;
static __thread int unavailable = 0;

static int ready(void) {
    if (unavailable) return 0;
    if (iterator == NULL) {
        UErrorCode status = U_ZERO_ERROR;
        iterator = ubrk_open(UBRK_WORD, "zh", NULL, 0, &status);
        if (U_FAILURE(status) || iterator == NULL) {
            unavailable = 1;
            return 0;
        }
    }
    return 1;
}

int32_t wl_icu_word_boundaries(const uint16_t *text, int32_t length, int32_t *boundaries, int32_t capacity) {
    if (!ready()) return -1;
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText(iterator, (const UChar *)text, length, &status);
    if (U_FAILURE(status)) return -1;
    int32_t count = 0;
    for (int32_t b = ubrk_first(iterator); b != UBRK_DONE && count < capacity; b = ubrk_next(iterator)) {
        boundaries[count++] = b;
    }
    return count;
}

int wl_icu_is_single_word(const uint16_t *text, int32_t length) {
    if (!ready()) return -1;
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText(iterator, (const UChar *)text, length, &status);
    if (U_FAILURE(status)) return -1;
    int32_t first = ubrk_first(iterator);
    int32_t next = ubrk_next(iterator);
    return (first == 0 && next == length) ? 1 : 0;
}

void wl_icu_version(char *out, int32_t capacity) {
    UVersionInfo version;
    char text[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(version);
    u_versionToString(version, text);
    snprintf(out, (size_t)capacity, "%s", text);
}
