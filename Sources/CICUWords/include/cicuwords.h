#ifndef WATCHLISTD_CICUWORDS_H
#define WATCHLISTD_CICUWORDS_H

#include <stdint.h>

/// Whether ICU's dictionary-based word break iterator (system libicu) reads the UTF-16
/// `text` as one single word: 1 yes, 0 no, -1 when ICU could not be used.
///
/// Only plain C types cross this header: exposing ICU's own headers to Swift clashes
/// with the ICU module that Foundation bundles (duplicate UErrorCode). One iterator per
/// thread is kept and reused; opening one loads the dictionaries and is not cheap.
int wl_icu_is_single_word(const uint16_t *text, int32_t length);

/// The word boundaries ICU finds in the UTF-16 `text` (offsets, including 0 and
/// `length`), written to `boundaries`; returns how many, or -1 when ICU could not be used.
int32_t wl_icu_word_boundaries(const uint16_t *text, int32_t length, int32_t *boundaries, int32_t capacity);

/// The version of the ICU library loaded at run time (u_getVersion), as "72.1", written
/// NUL-terminated to `out` (at least 20 bytes).
void wl_icu_version(char *out, int32_t capacity);

#endif
