#ifndef WATCHLISTD_CHMAC_H
#define WATCHLISTD_CHMAC_H

#include <stddef.h>

/* HMAC-SHA256 from OpenSSL's libcrypto (already loaded by libcurl), behind plain C types
 * so no OpenSSL type reaches Swift. The Swift wrapper (`WebhookSignature`) is the only
 * caller. */

/// HMAC-SHA256 of `data` under `key`: writes 32 bytes to `out`; returns 0 on success, -1
/// when libcrypto failed.
int wl_hmac_sha256(const void *key, size_t key_length, const void *data, size_t data_length, unsigned char out[32]);

#endif
