#ifndef BNC_CCURL_H
#define BNC_CCURL_H
/*
 * Typed shims over libcurl's variadic entry points (curl_easy_setopt / curl_easy_getinfo cannot be
 * called from Swift) and SHA-1 from OpenSSL's libcrypto (the library libcurl already uses), for the
 * WebSocket handshake. Only MarketStream (bnc-stream) links these.
 */
#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>

/* curl_global_init(CURL_GLOBAL_DEFAULT) once; thread-safe to call repeatedly. */
CURLcode bnc_curl_global_init(void);

CURLcode bnc_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode bnc_curl_setopt_string(CURL *handle, CURLoption option, const char *value);

CURLcode bnc_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);

CURLcode bnc_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);
/* The socket of a CONNECT_ONLY connection (CURLINFO_ACTIVESOCKET), -1 when there is none. */
CURLcode bnc_curl_active_socket(CURL *handle, int *socket);

/* Option and info constants that Swift cannot import from curl.h's enum macros. */
extern const CURLoption bnc_CURLOPT_URL;
extern const CURLoption bnc_CURLOPT_CONNECT_ONLY;
extern const CURLoption bnc_CURLOPT_HTTP_VERSION;
extern const CURLoption bnc_CURLOPT_NOSIGNAL;
extern const CURLoption bnc_CURLOPT_CAINFO;
extern const CURLoption bnc_CURLOPT_CAPATH;
extern const CURLoption bnc_CURLOPT_SSL_VERIFYPEER;
extern const CURLoption bnc_CURLOPT_SSL_VERIFYHOST;
extern const CURLoption bnc_CURLOPT_CONNECTTIMEOUT_MS;
extern const CURLoption bnc_CURLOPT_TIMEOUT_MS;
extern const CURLoption bnc_CURLOPT_TCP_NODELAY;
extern const CURLoption bnc_CURLOPT_USERAGENT;
extern const CURLoption bnc_CURLOPT_ACCEPT_ENCODING;
extern const CURLoption bnc_CURLOPT_FOLLOWLOCATION;
extern const CURLoption bnc_CURLOPT_PROTOCOLS_STR;
extern const CURLoption bnc_CURLOPT_ERRORBUFFER;
extern const CURLoption bnc_CURLOPT_SSL_ENABLE_ALPN;
extern const long bnc_CURL_HTTP_VERSION_1_1;
extern const CURLINFO bnc_CURLINFO_RESPONSE_CODE;

/* Result of bnc_http_get: the body (malloc'd, free with bnc_http_response_free), the status and
 * the Retry-After header in whole seconds (-1 when absent). */
typedef struct {
    unsigned char *body;
    size_t length;
    size_t capacity;
    size_t limit;
    long status;
    long retry_after_seconds;
    int truncated;
} bnc_http_response;

/* A blocking GET on `handle` (reused between calls for keep-alive), collecting at most
 * `body_limit` bytes of body. Options such as CA files and timeouts are set by the caller. */
CURLcode bnc_http_get(CURL *handle, const char *url, size_t body_limit, bnc_http_response *response);
void bnc_http_response_free(bnc_http_response *response);

/* SHA-1 of `length` bytes into `digest` (20 bytes). */
void bnc_sha1(const void *data, size_t length, unsigned char digest[20]);

#endif
