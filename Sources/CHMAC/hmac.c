#include "chmac.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

int wl_hmac_sha256(const void *key, size_t key_length, const void *data, size_t data_length, unsigned char out[32]) {
    unsigned int length = 0;
    static const unsigned char empty = 0;
    /* HMAC() takes a NULL key as "no key"; an empty secret is still a key. */
    if (HMAC(EVP_sha256(), key_length ? key : &empty, (int)key_length, data_length ? data : &empty, data_length, out,
             &length) == NULL || length != 32) {
        return -1;
    }
    return 0;
}
