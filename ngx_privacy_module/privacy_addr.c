
/*
 * Client address anonymization for ngx_privacy_module.
 */


#include <string.h>
#include <sys/socket.h>

#include "privacy_addr.h"


static size_t privacy_addr_v4(unsigned char *dst, const unsigned char *a);
static size_t privacy_addr_v6(unsigned char *dst, const unsigned char *a);
static size_t privacy_addr_dec(unsigned char *dst, unsigned v);
static size_t privacy_addr_hex(unsigned char *dst, unsigned v);


static size_t
privacy_addr_dec(unsigned char *dst, unsigned v)
{
    size_t  n;

    n = 0;

    if (v >= 100) {
        dst[n++] = (unsigned char) ('0' + v / 100);
    }

    if (v >= 10) {
        dst[n++] = (unsigned char) ('0' + v / 10 % 10);
    }

    dst[n++] = (unsigned char) ('0' + v % 10);

    return n;
}


static size_t
privacy_addr_hex(unsigned char *dst, unsigned v)
{
    int                shift;
    size_t             n;
    static const char  hex[] = "0123456789abcdef";

    n = 0;

    for (shift = 12; shift > 0 && (v >> shift) == 0; shift -= 4) {
        /* no leading zeros */
    }

    for ( /* void */ ; shift >= 0; shift -= 4) {
        dst[n++] = (unsigned char) hex[(v >> shift) & 0x0f];
    }

    return n;
}


static size_t
privacy_addr_v4(unsigned char *dst, const unsigned char *a)
{
    size_t  n;

    n = privacy_addr_dec(dst, a[0]);
    dst[n++] = '.';
    n += privacy_addr_dec(dst + n, a[1]);
    dst[n++] = '.';
    n += privacy_addr_dec(dst + n, a[2]);
    dst[n++] = '.';
    dst[n++] = '0';

    return n;
}


static size_t
privacy_addr_v6(unsigned char *dst, const unsigned char *a)
{
    int       best, best_len, run, run_len, i;
    size_t    n;
    unsigned  g[8];

    /* only the /48 survives */

    for (i = 0; i < 8; i++) {
        g[i] = (i < 3) ? (unsigned) (a[2 * i] << 8 | a[2 * i + 1]) : 0;
    }

    /* RFC 5952 4.2: the first longest run of two or more zero groups */

    best = -1;
    best_len = 1;
    run = -1;
    run_len = 0;

    for (i = 0; i < 8; i++) {
        if (g[i] != 0) {
            run = -1;
            run_len = 0;
            continue;
        }

        if (run < 0) {
            run = i;
        }

        if (++run_len > best_len) {
            best = run;
            best_len = run_len;
        }
    }

    n = 0;

    for (i = 0; i < 8; i++) {

        if (i == best) {
            dst[n++] = ':';

            if (i == 0) {
                dst[n++] = ':';
            }

            i += best_len - 1;
            continue;
        }

        n += privacy_addr_hex(dst + n, g[i]);

        if (i < 7) {
            dst[n++] = ':';
        }
    }

    return n;
}


size_t
privacy_addr_anonymize(unsigned char *dst, size_t size, int family,
    const unsigned char *addr)
{
    unsigned char  buf[PRIVACY_ADDR_ANON_MAX + 8];
    size_t         n;

    static const unsigned char  mapped[12] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
    };

    if (family == AF_INET) {
        n = privacy_addr_v4(buf, addr);

    } else if (family == AF_INET6) {
        if (memcmp(addr, mapped, sizeof(mapped)) == 0) {
            n = privacy_addr_v4(buf, addr + sizeof(mapped));

        } else {
            n = privacy_addr_v6(buf, addr);
        }

    } else {
        return 0;
    }

    if (n > size) {
        return 0;
    }

    memcpy(dst, buf, n);

    return n;
}
