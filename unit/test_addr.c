
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
    V6("2001:0:0:1::1", "2001::");
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

    memset(a, 0, sizeof(a));
    CHECK(privacy_addr_anonymize(out, sizeof(out), AF_UNIX, a) == 0);
    CHECK(privacy_addr_anonymize(out, sizeof(out), 0, a) == 0);
    CHECK(privacy_addr_anonymize(out, 0, AF_INET, a) == 0);
}


/* random addresses: the same text as inet_ntop() of the zeroed address */

static void
test_against_ntop(void)
{
    int            ok;
    char           text[INET6_ADDRSTRLEN];
    size_t         i, j, n;
    unsigned       seed;
    unsigned char  a[16], z[16], out[PRIVACY_ADDR_ANON_MAX];

    seed = 99;
    ok = 1;

    for (i = 0; ok && i < 20000; i++) {
        for (j = 0; j < 16; j++) {
            seed = seed * 1103515245 + 12345;
            /* plenty of zero bytes, so runs of zero groups are common */
            a[j] = (seed >> 16) % 3 ? 0 : (unsigned char) (seed >> 20);
        }

        memset(z, 0, sizeof(z));
        memcpy(z, a, 6);

        if (memcmp(z, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
            continue;
        }

        n = privacy_addr_anonymize(out, sizeof(out), AF_INET6, a);
        inet_ntop(AF_INET6, z, text, sizeof(text));

        if (n != strlen(text) || memcmp(out, text, n) != 0) {
            unit_show("got ", out, n);
            unit_show("want", text, strlen(text));
            ok = 0;
        }

        n = privacy_addr_anonymize(out, sizeof(out), AF_INET, a);
        memset(z + 3, 0, 1);
        inet_ntop(AF_INET, z, text, sizeof(text));

        if (n != strlen(text) || memcmp(out, text, n) != 0) {
            unit_show("got ", out, n);
            unit_show("want", text, strlen(text));
            ok = 0;
        }
    }

    CHECK(ok);
}


int
main(void)
{
    test_fixed();
    test_against_ntop();

    return unit_done();
}
