
/*
 * Fuzzes the address anonymizer, privacy_addr_anonymize(): the text it
 * writes parses back (inet_pton) to the input address with the host part
 * zeroed (/24, /48; v4-mapped, 6to4 and Teredo IPv6 as the IPv4 address
 * they carry), and a too small buffer gets 0 and no write past its end.
 *
 * Input: byte 0: bit 0 AF_INET/AF_INET6, bits 1-4 the buffer size; then
 * the address bytes (zero-padded).
 */


#include <arpa/inet.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "privacy_addr.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int             family, v4;
    size_t          alen, i, n, m, bsize;
    unsigned char   addr[16], want[16], got[16], v4addr[4], *a, *out;
    char            text[PRIVACY_ADDR_ANON_MAX + 1];
    char            ref[INET6_ADDRSTRLEN];

    if (size == 0) {
        return 0;
    }

    family = data[0] & 1 ? AF_INET6 : AF_INET;
    alen = family == AF_INET ? 4 : 16;
    bsize = (data[0] >> 1) & 0x0f;

    memset(addr, 0, sizeof(addr));
    memcpy(addr, data + 1, size - 1 < alen ? size - 1 : alen);
    a = fuzz_dup(addr, alen);

    out = fuzz_alloc(PRIVACY_ADDR_ANON_MAX);
    n = privacy_addr_anonymize(out, PRIVACY_ADDR_ANON_MAX, family, a);
    FUZZ_CHECK(n > 0 && n <= PRIVACY_ADDR_ANON_MAX);

    memcpy(text, out, n);
    text[n] = '\0';

    /* the reference: which IPv4 address stands for the address */

    v4 = 1;

    if (family == AF_INET) {
        memcpy(v4addr, addr, 4);

    } else if (memcmp(addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
        memcpy(v4addr, addr + 12, 4);                 /* v4-mapped */

    } else if (addr[0] == 0x20 && addr[1] == 0x02) {
        memcpy(v4addr, addr + 2, 4);                  /* 6to4 */

    } else if (memcmp(addr, "\x20\x01\0\0", 4) == 0) {
        for (i = 0; i < 4; i++) {                     /* Teredo */
            v4addr[i] = (unsigned char) ~addr[12 + i];
        }

    } else {
        v4 = 0;
    }

    memset(want, 0, sizeof(want));
    memset(got, 0, sizeof(got));

    if (v4) {
        memcpy(want, v4addr, 3);
        FUZZ_CHECK(inet_pton(AF_INET, text, got) == 1);
        FUZZ_CHECK(memcmp(got, want, 4) == 0);
        FUZZ_CHECK(inet_ntop(AF_INET, want, ref, sizeof(ref)) != NULL);

    } else {
        memcpy(want, addr, 6);
        FUZZ_CHECK(inet_pton(AF_INET6, text, got) == 1);
        FUZZ_CHECK(memcmp(got, want, 16) == 0);
        /* glibc writes RFC 5952 form, and a /48 never looks v4-mapped */
        FUZZ_CHECK(inet_ntop(AF_INET6, want, ref, sizeof(ref)) != NULL);
    }

    FUZZ_CHECK(strcmp(text, ref) == 0);

    free(out);

    /* a smaller buffer: all or nothing, never past its end */
    out = fuzz_alloc(bsize);
    m = privacy_addr_anonymize(out, bsize, family, a);
    FUZZ_CHECK(m == (bsize >= n ? n : 0));
    free(out);

    /* another family: refused */
    FUZZ_CHECK(privacy_addr_anonymize((unsigned char *) text, sizeof(text),
                                      AF_UNIX, a) == 0);

    free(a);

    return 0;
}
