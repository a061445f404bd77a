
/*
 * Unit tests: privacy_addr.c
 */


/* inet_pton() and inet_ntop() for the cross-checks */
#define _POSIX_C_SOURCE  200112L

#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include "unit.h"
#include "privacy_addr.h"


static void anon(int family, const char *addr, const char *want, int line);
static void test_fixed(void);
static int embedded_v4(const unsigned char *a, unsigned char *v4);
static void test_against_ntop(void);


static void
anon(int family, const char *addr, const char *want, int line)
{
    size_t         n;
    unsigned char  a[16], out[PRIVACY_ADDR_ANON_MAX + 4];

    if (!unit_check(inet_pton(family, addr, a) == 1, addr, __FILE__, line)) {
        return;
    }

    memset(out, '#', sizeof(out));
    n = privacy_addr_anonymize(out, PRIVACY_ADDR_ANON_MAX, family, a);

    unit_check_mem(out, n, want, strlen(want), addr, __FILE__, line);
    unit_check(out[n] == '#', "no NUL written", __FILE__, line);

    /* exactly enough room, and one byte short */
    unit_check(privacy_addr_anonymize(out, n, family, a) == n, "exact size",
               __FILE__, line);
    unit_check(privacy_addr_anonymize(out, n - 1, family, a) == 0,
               "too small", __FILE__, line);
}


#define V4(addr, want)  anon(AF_INET, addr, want, __LINE__)
#define V6(addr, want)  anon(AF_INET6, addr, want, __LINE__)


static void
test_fixed(void)
{
    unsigned char  a[16], out[64];

    V4("192.0.2.55", "192.0.2.0");
    V4("10.1.2.3", "10.1.2.0");
    V4("0.0.0.0", "0.0.0.0");
    V4("255.255.255.255", "255.255.255.0");
    V4("1.20.100.9", "1.20.100.0");

    V6("2001:db8:1:2::5", "2001:db8:1::");
    V6("2001:db8:1:ffff:ffff:ffff:ffff:ffff", "2001:db8:1::");
    V6("2001:DB8:abcd:12::1", "2001:db8:abcd::");
    V6("ffff:ffff:ffff:ffff::", "ffff:ffff:ffff::");
    V6("::1", "::");
    V6("::", "::");
    V6("fe80::1", "fe80::");
    V6("2003:0:0:1::1", "2003::");
    V6("0:0:1:2::", "0:0:1::");
    V6("0:1:0::", "0:1::");
    V6("1:0:0::", "1::");
    V6("0:1:2:3::", "0:1:2::");

    /* v4-mapped is IPv4; v4-compatible and NAT64 are not */
    V6("::ffff:192.0.2.55", "192.0.2.0");
    V6("::ffff:0.0.0.1", "0.0.0.0");
    V6("::192.0.2.55", "::");
    V6("64:ff9b::192.0.2.55", "64:ff9b::");
    V6("::fffe:192.0.2.55", "::");

    /* 6to4: the /48 is the site's whole IPv4 address, written as IPv4 */
    V6("2002:cb00:7107:abcd::1", "203.0.113.0");
    V6("2002:cb00:7107::", "203.0.113.0");
    V6("2002:c000:2ff:ffff:ffff:ffff:ffff:ffff", "192.0.2.0");
    V6("2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "255.255.255.0");
    V6("2002::", "0.0.0.0");
    V6("2002:cb00:7107:1:0:5efe:10.0.0.1", "203.0.113.0");
    V6("2003:cb00:7107::1", "2003:cb00:7107::");
    V6("2001:cb00:7107::1", "2001:cb00:7107::");

    /*
     * Teredo: the client's public IPv4 address inverted in the last 32
     * bits, written as IPv4; the server, the flags and the port are not.
     * RFC 4380's example: server 65.54.227.120, client 192.0.2.45:40000.
     */
    V6("2001:0:4136:e378:8000:63bf:3fff:fdd2", "192.0.2.0");
    V6("2001:0:4136:e378:8000:63bf:3fff:fd00", "192.0.2.0");
    V6("2001:0:0:1::1", "255.255.255.0");
    V6("2001::", "255.255.255.0");
    V6("2001:0:ffff:ffff:ffff:ffff:ffff:ffff", "0.0.0.0");
    V6("2001:0:ffff:ffff:ffff:ffff:34f8:8cff", "203.7.115.0");
    V6("2001:1:4136:e378:8000:63bf:3fff:fdd2", "2001:1:4136::");
    V6("2001:100:4136:e378:8000:63bf:3fff:fdd2", "2001:100:4136::");

    /* the IPv4 address is past the /48: nothing of it is written */
    V6("::ffff:0:192.0.2.55", "::");
    V6("64:ff9b:1::192.0.2.55", "64:ff9b:1::");
    V6("64:ff9b:1:c000:2:3700::", "64:ff9b:1::");
    V6("2001:db8:1:2:0:5efe:192.0.2.55", "2001:db8:1::");
    V6("2001:db8:1:2:200:5efe:192.0.2.55", "2001:db8:1::");
    V6("fe80::5efe:192.0.2.55", "fe80::");

    memset(a, 0, sizeof(a));
    CHECK(privacy_addr_anonymize(out, sizeof(out), AF_UNIX, a) == 0);
    CHECK(privacy_addr_anonymize(out, sizeof(out), 0, a) == 0);
    CHECK(privacy_addr_anonymize(out, 0, AF_INET, a) == 0);
}


/*
 * The IPv4 address whose /24 stands for an IPv6 address, written
 * independently of privacy_addr.c: v4-mapped, 6to4 and Teredo.
 */

static int
embedded_v4(const unsigned char *a, unsigned char *v4)
{
    size_t  i;

    if (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
        memcpy(v4, a + 12, 4);
        return 1;
    }

    if (a[0] == 0x20 && a[1] == 0x02) {
        memcpy(v4, a + 2, 4);
        return 1;
    }

    if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0) {
        for (i = 0; i < 4; i++) {
            v4[i] = (unsigned char) ~a[12 + i];
        }

        return 1;
    }

    return 0;
}


/* random addresses: the same text as inet_ntop() of the zeroed address */

static void
test_against_ntop(void)
{
    int            ok, family;
    char           text[INET6_ADDRSTRLEN];
    size_t         i, j, n;
    unsigned       seed, counts[2];
    unsigned char  a[16], z[16], out[PRIVACY_ADDR_ANON_MAX];

    static const unsigned char  prefix[4][12] = {
        { 0x20, 0x02 },
        { 0x20, 0x01, 0, 0 },
        { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff },
        { 0x20, 0x01, 0, 0x01 }
    };
    static const size_t  prefix_len[4] = { 2, 4, 12, 4 };

    seed = 99;
    ok = 1;
    counts[0] = 0;
    counts[1] = 0;

    for (i = 0; ok && i < 20000; i++) {
        for (j = 0; j < 16; j++) {
            seed = seed * 1103515245 + 12345;
            /* plenty of zero bytes, so runs of zero groups are common */
            a[j] = (seed >> 16) % 3 ? 0 : (unsigned char) (seed >> 20);
        }

        /* one in two: a prefix that embeds IPv4, or a neighbour of one */
        seed = seed * 1103515245 + 12345;
        j = (seed >> 16) % 8;

        if (j < 4) {
            memcpy(a, prefix[j], prefix_len[j]);
        }

        memset(z, 0, sizeof(z));

        if (embedded_v4(a, z)) {
            z[3] = 0;
            family = AF_INET;
            counts[1]++;

        } else {
            memcpy(z, a, 6);
            family = AF_INET6;
            counts[0]++;
        }

        n = privacy_addr_anonymize(out, sizeof(out), AF_INET6, a);
        inet_ntop(family, z, text, sizeof(text));

        if (n != strlen(text) || memcmp(out, text, n) != 0) {
            unit_show("got ", out, n);
            unit_show("want", text, strlen(text));
            ok = 0;
        }

        n = privacy_addr_anonymize(out, sizeof(out), AF_INET, a);
        memcpy(z, a, 3);
        z[3] = 0;
        inet_ntop(AF_INET, z, text, sizeof(text));

        if (n != strlen(text) || memcmp(out, text, n) != 0) {
            unit_show("got ", out, n);
            unit_show("want", text, strlen(text));
            ok = 0;
        }
    }

    CHECK(ok);

    /* both kinds were drawn often */
    CHECK(counts[0] > 5000 && counts[1] > 5000);
}


int
main(void)
{
    test_fixed();
    test_against_ntop();

    return unit_done();
}
