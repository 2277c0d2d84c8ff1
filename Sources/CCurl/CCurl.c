#include "CCurl.h"
int bnc_curl_placeholder(void) { return 0; }
