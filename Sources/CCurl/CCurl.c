#include "CCurl.h"
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

CURLcode bnc_curl_global_init(void) { return curl_global_init(CURL_GLOBAL_DEFAULT); }

CURLcode bnc_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode bnc_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode bnc_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode bnc_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

CURLcode bnc_curl_active_socket(CURL *handle, int *socket) {
    curl_socket_t s = CURL_SOCKET_BAD;
    CURLcode rc = curl_easy_getinfo(handle, CURLINFO_ACTIVESOCKET, &s);
    *socket = (rc == CURLE_OK && s != CURL_SOCKET_BAD) ? (int)s : -1;
    return rc;
}

const CURLoption bnc_CURLOPT_URL = CURLOPT_URL;
const CURLoption bnc_CURLOPT_CONNECT_ONLY = CURLOPT_CONNECT_ONLY;
const CURLoption bnc_CURLOPT_HTTP_VERSION = CURLOPT_HTTP_VERSION;
const CURLoption bnc_CURLOPT_NOSIGNAL = CURLOPT_NOSIGNAL;
const CURLoption bnc_CURLOPT_CAINFO = CURLOPT_CAINFO;
const CURLoption bnc_CURLOPT_CAPATH = CURLOPT_CAPATH;
const CURLoption bnc_CURLOPT_SSL_VERIFYPEER = CURLOPT_SSL_VERIFYPEER;
const CURLoption bnc_CURLOPT_SSL_VERIFYHOST = CURLOPT_SSL_VERIFYHOST;
const CURLoption bnc_CURLOPT_CONNECTTIMEOUT_MS = CURLOPT_CONNECTTIMEOUT_MS;
const CURLoption bnc_CURLOPT_TIMEOUT_MS = CURLOPT_TIMEOUT_MS;
const CURLoption bnc_CURLOPT_TCP_NODELAY = CURLOPT_TCP_NODELAY;
const CURLoption bnc_CURLOPT_USERAGENT = CURLOPT_USERAGENT;
const CURLoption bnc_CURLOPT_ACCEPT_ENCODING = CURLOPT_ACCEPT_ENCODING;
const CURLoption bnc_CURLOPT_FOLLOWLOCATION = CURLOPT_FOLLOWLOCATION;
const CURLoption bnc_CURLOPT_PROTOCOLS_STR = CURLOPT_PROTOCOLS_STR;
const CURLoption bnc_CURLOPT_ERRORBUFFER = CURLOPT_ERRORBUFFER;
const CURLoption bnc_CURLOPT_SSL_ENABLE_ALPN = CURLOPT_SSL_ENABLE_ALPN;
const long bnc_CURL_HTTP_VERSION_1_1 = CURL_HTTP_VERSION_1_1;
const CURLINFO bnc_CURLINFO_RESPONSE_CODE = CURLINFO_RESPONSE_CODE;

static size_t bnc_body_callback(char *data, size_t size, size_t count, void *user) {
    bnc_http_response *r = (bnc_http_response *)user;
    size_t n = size * count;
    if (r->length + n > r->limit) { r->truncated = 1; return 0; } /* aborts the transfer */
    if (r->length + n > r->capacity) {
        size_t cap = r->capacity ? r->capacity : 65536;
        while (cap < r->length + n) cap *= 2;
        if (cap > r->limit) cap = r->limit;
        unsigned char *grown = realloc(r->body, cap);
        if (!grown) return 0;
        r->body = grown;
        r->capacity = cap;
    }
    memcpy(r->body + r->length, data, n);
    r->length += n;
    return n;
}

static size_t bnc_header_callback(char *data, size_t size, size_t count, void *user) {
    bnc_http_response *r = (bnc_http_response *)user;
    size_t n = size * count;
    static const char name[] = "retry-after:";
    size_t name_len = sizeof(name) - 1;
    if (n > name_len && strncasecmp(data, name, name_len) == 0) {
        long value = 0;
        int digits = 0;
        for (size_t i = name_len; i < n; i++) {
            if (isdigit((unsigned char)data[i])) { value = value * 10 + (data[i] - '0'); digits++; if (value > 86400) break; }
            else if (digits) break;
        }
        r->retry_after_seconds = digits ? value : -1;
    }
    return n;
}

CURLcode bnc_http_get(CURL *handle, const char *url, size_t body_limit, bnc_http_response *response) {
    memset(response, 0, sizeof(*response));
    response->limit = body_limit;
    response->retry_after_seconds = -1;
    curl_easy_setopt(handle, CURLOPT_URL, url);
    curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, bnc_body_callback);
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, response);
    curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, bnc_header_callback);
    curl_easy_setopt(handle, CURLOPT_HEADERDATA, response);
    CURLcode rc = curl_easy_perform(handle);
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    response->status = status;
    return rc;
}

void bnc_http_response_free(bnc_http_response *response) {
    free(response->body);
    response->body = NULL;
    response->length = response->capacity = 0;
}

void bnc_sha1(const void *data, size_t length, unsigned char digest[20]) {
    SHA1((const unsigned char *)data, length, digest);
}
