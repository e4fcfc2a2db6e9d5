#ifndef WATCHLISTD_CCURL_H
#define WATCHLISTD_CCURL_H

#include <curl/curl.h>

/* curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call.
 * One non-variadic wrapper per argument type; the Swift wrapper (CurlEasy) is the
 * only caller. */

/// curl_easy_setopt for options taking a long (timeouts, flags, limits).
CURLcode wl_curl_setopt_long(CURL *handle, CURLoption option, long value);
/// curl_easy_setopt for options taking a C string (URL, proxy, protocols); curl copies it.
CURLcode wl_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
/// curl_easy_setopt for options taking an opaque pointer (WRITEDATA, HEADERDATA, READDATA).
CURLcode wl_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
/// curl_easy_setopt for options taking a header / recipient list.
CURLcode wl_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);

/// The signature of CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION and CURLOPT_READFUNCTION.
typedef size_t (*wl_curl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);
/// curl_easy_setopt for the three data callbacks above.
CURLcode wl_curl_setopt_callback(CURL *handle, CURLoption option, wl_curl_data_callback callback);

/// curl_easy_getinfo for long results (response code, OS errno).
CURLcode wl_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
/// curl_easy_getinfo for string results (effective URL, primary IP); the string belongs to curl.
CURLcode wl_curl_getinfo_string(CURL *handle, CURLINFO info, const char **value);

#endif
