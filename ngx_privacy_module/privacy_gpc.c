
/*
 * Global Privacy Control: the request header's value and the support
 * resource, the same on both servers.
 */


#include <string.h>

#include "privacy_gpc.h"


int
privacy_gpc_signal(const unsigned char *value, size_t len)
{
    const unsigned char  *p, *last, *start, *end;

    p = value;
    last = value + len;

    while (p < last) {

        /* one element of the list, without white space around it */
        while (p < last && (*p == ' ' || *p == '\t')) {
            p++;
        }

        start = p;

        while (p < last && *p != ',') {
            p++;
        }

        end = p;

        while (end > start && (end[-1] == ' ' || end[-1] == '\t')) {
            end--;
        }

        if (end - start == 1 && *start == '1') {
            return 1;
        }

        if (p < last) {
            /* the comma */
            p++;
        }
    }

    return 0;
}


int
privacy_gpc_date_valid(const unsigned char *p, size_t len)
{
    size_t  i;
    int     month, day;

    if (len != PRIVACY_GPC_DATE_LEN) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if ((i == 4 || i == 7) ? p[i] != '-' : (p[i] < '0' || p[i] > '9')) {
            return 0;
        }
    }

    month = (p[5] - '0') * 10 + p[6] - '0';
    day = (p[8] - '0') * 10 + p[9] - '0';

    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}


size_t
privacy_gpc_resource(unsigned char *dst, int gpc, const unsigned char *date,
    size_t len)
{
    size_t       n, k;
    const char  *parts[3];
    size_t       lens[3];

    parts[0] = gpc ? "{\"gpc\": true, \"lastUpdate\": \""
                   : "{\"gpc\": false, \"lastUpdate\": \"";
    lens[0] = strlen(parts[0]);
    parts[1] = (const char *) date;
    lens[1] = len;
    parts[2] = "\"}\n";
    lens[2] = 3;

    n = 0;

    for (k = 0; k < 3; k++) {
        if (dst && lens[k]) {
            memcpy(dst + n, parts[k], lens[k]);
        }

        n += lens[k];
    }

    return n;
}
