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

/// The signature of CURLOPT_XFERINFOFUNCTION: non-zero aborts the transfer.
typedef int (*wl_curl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                         curl_off_t ultotal, curl_off_t ulnow);
/// Sets CURLOPT_XFERINFOFUNCTION and turns progress calls on (CURLOPT_NOPROGRESS 0).
CURLcode wl_curl_setopt_xferinfo(CURL *handle, wl_curl_xferinfo_callback callback);

/// The signature of CURLOPT_PREREQFUNCTION: called once a connection is made, before each
/// request (every redirect hop too); CURL_PREREQFUNC_ABORT stops the transfer.
typedef int (*wl_curl_prereq_callback)(void *userdata, char *primary_ip, char *local_ip,
                                       int primary_port, int local_port);
CURLcode wl_curl_setopt_prereq(CURL *handle, wl_curl_prereq_callback callback);

/// The signature of CURLOPT_DEBUGFUNCTION: `type` says what `data` is (CURLINFO_HEADER_IN:
/// a server reply line; CURLINFO_HEADER_OUT: a command sent).
typedef int (*wl_curl_debug_callback)(CURL *handle, curl_infotype type, char *data, size_t size, void *userdata);
/// Sets CURLOPT_DEBUGFUNCTION and turns CURLOPT_VERBOSE on (curl calls it only then): the
/// protocol transcript goes to the callback, never to stderr. SMTP uses it to learn each
/// recipient's RCPT reply, which curl does not report otherwise.
CURLcode wl_curl_setopt_debug(CURL *handle, wl_curl_debug_callback callback);

/// curl_easy_getinfo for long results (response code, OS errno).
CURLcode wl_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
/// curl_easy_getinfo for socket results (CURLINFO_ACTIVESOCKET of a connect-only handle).
CURLcode wl_curl_getinfo_socket(CURL *handle, CURLINFO info, curl_socket_t *value);
/// curl_easy_getinfo for string results (effective URL, primary IP); the string belongs to curl.
CURLcode wl_curl_getinfo_string(CURL *handle, CURLINFO info, const char **value);

/// The libcurl version loaded at run time (curl_version_info(CURLVERSION_NOW)->version).
const char *wl_curl_version(void);

#endif
