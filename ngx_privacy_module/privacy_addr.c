
/*
 * Client address anonymization for ngx_privacy_module.
 */


#include <string.h>
#include <sys/socket.h>

#include "privacy_addr.h"


static int privacy_addr_v4_in_v6(unsigned char *v4, const unsigned char *a);
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


/*
 * The IPv4 address an IPv6 address carries for the client, which is then
 * written as that IPv4 address, /24, like the client it stands for:
 *
 *   ::ffff:0:0/96   v4-mapped (RFC 4291): the client's address, bits 96-127
 *   2002::/16       6to4 (RFC 3056): the site's public address, bits 16-47,
 *                   all of which the /48 keeps
 *   2001:0::/32     Teredo (RFC 4380): the client's public address, bits
 *                   96-127 inverted; the server's address (bits 32-63),
 *                   the flags and the inverted port are not the client's
 *                   network and are dropped (the /48 would keep half the
 *                   server's address and none of the client's)
 *
 * Those whose IPv4 address lies past bit 48, so that their /48 keeps none
 * of it, are left to the /48: v4-compatible ::a.b.c.d, SIIT's v4-translated
 * ::ffff:0:a.b.c.d, NAT64's 64:ff9b::/96 and 64:ff9b:1::/48 (RFC 8215,
 * prefixes of 48 bits or longer), and ISATAP's interface ids.
 */

static int
privacy_addr_v4_in_v6(unsigned char *v4, const unsigned char *a)
{
    int  i;

    static const unsigned char  mapped[12] = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
    };

    if (memcmp(a, mapped, sizeof(mapped)) == 0) {
        memcpy(v4, a + 12, 4);
        return 1;
    }

    if (a[0] == 0x20 && a[1] == 0x02) {
        memcpy(v4, a + 2, 4);
        return 1;
    }

    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0) {
        for (i = 0; i < 4; i++) {
            v4[i] = (unsigned char) (a[12 + i] ^ 0xff);
        }

        return 1;
    }

    return 0;
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
    unsigned char  buf[PRIVACY_ADDR_ANON_MAX + 8], v4[4];
    size_t         n;

    if (family == AF_INET) {
        n = privacy_addr_v4(buf, addr);

    } else if (family == AF_INET6) {
        if (privacy_addr_v4_in_v6(v4, addr)) {
            n = privacy_addr_v4(buf, v4);

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
