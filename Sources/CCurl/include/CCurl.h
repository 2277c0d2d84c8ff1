#ifndef BNC_CCURL_H
#define BNC_CCURL_H
#include <curl/curl.h>
/* Placeholder: the MarketStream work adds the typed setopt shims and SHA-1 here. */
int bnc_curl_placeholder(void);
#endif
