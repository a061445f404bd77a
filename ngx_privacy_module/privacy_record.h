
/*
 * The consent record's fields that come from the request, for
 * ngx_privacy_module and mod_privacy: the Host check that bounds the
 * record's size, the quoting that writes a record into the error log so
 * that redis-cli can read it back, and a record read back from Redis as
 * JSON (the consent endpoint's ?history=1).
 *
 * Server-agnostic core: plain C99, pointers and lengths, never allocates.
 */


#ifndef PRIVACY_RECORD_H_INCLUDED_
#define PRIVACY_RECORD_H_INCLUDED_


#include <stddef.h>


/* the longest Host header a record keeps, port included */
#define PRIVACY_RECORD_HOST_MAX     255

/* a record's host when the Host header is not one: RFC 6761's name */
#define PRIVACY_RECORD_HOST_INVALID "invalid"


/*
 * 1 when host is an RFC 3986 host with an optional port, at most
 * PRIVACY_RECORD_HOST_MAX bytes: a reg-name (letters, digits,
 * "-._~!$&'()*+,;=" and %XX) or an IPv4 address, or an IPv6 literal in
 * brackets (hex digits, ":" and "."), then ":" and at most 5 digits.
 * 0 otherwise, for the empty string too.
 */
int privacy_record_host_ok(const unsigned char *host, size_t len);

/*
 * Writes src as one double-quoted argument of redis-cli (and of Redis's
 * inline commands): printable ASCII as it is, except '"' and '\\' which
 * get a backslash; every other byte as \xHH.  The output is printable
 * ASCII, at most 4 * n + 2 bytes.  With dst NULL only the length is
 * returned.
 */
size_t privacy_record_quote(unsigned char *dst, const unsigned char *src,
    size_t n);


/* one field of a record as Redis's HGETALL gives it back */
typedef struct {
    const unsigned char  *name;
    size_t                name_len;
    const unsigned char  *value;
    size_t                value_len;
} privacy_record_field_t;

/*
 * fields[0 .. n) as one JSON object, {"name":"value",...} in their order,
 * names and values escaped by privacy_json_escape() (at most 6 bytes a
 * byte).  With dst NULL only the length is returned.
 */
size_t privacy_record_json(unsigned char *dst,
    const privacy_record_field_t *fields, size_t n);


#endif /* PRIVACY_RECORD_H_INCLUDED_ */
