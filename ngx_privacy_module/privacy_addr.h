
/*
 * Client address anonymization for ngx_privacy_module's consent log.
 *
 * Server-agnostic core: plain C99, pointers and lengths, never allocates.
 */


#ifndef PRIVACY_ADDR_H_INCLUDED_
#define PRIVACY_ADDR_H_INCLUDED_


#include <stddef.h>


/* enough for any output: "ffff:ffff:ffff::" or "255.255.255.0" */
#define PRIVACY_ADDR_ANON_MAX  16


/*
 * Writes the client address with its host part zeroed as text: the /24
 * for IPv4 ("192.0.2.0") and the /48 for IPv6 ("2001:db8:1::", RFC 5952
 * form: lowercase, the longest run of zero groups as "::").  An IPv6
 * address that carries a client's IPv4 address is treated as that IPv4
 * address: v4-mapped (::ffff:a.b.c.d), 6to4 (2002:AABB:CCDD::/48) and
 * Teredo (2001:0::/32, the inverted address in the last 32 bits).
 *
 * family is AF_INET (addr: 4 bytes, network order) or AF_INET6 (addr: 16
 * bytes).  No NUL is written.  Returns the length, or 0 for another family
 * or when size is too small (PRIVACY_ADDR_ANON_MAX is always enough).
 */
size_t privacy_addr_anonymize(unsigned char *dst, size_t size, int family,
    const unsigned char *addr);


#endif /* PRIVACY_ADDR_H_INCLUDED_ */
