
/*
 * Global Privacy Control (https://privacycg.github.io/gpc-spec/): what a
 * Sec-GPC header value says, the date of the support resource, and the
 * resource's body.  Shared by the nginx module and mod_privacy.
 *
 * Server-agnostic core: plain C99, pointers and lengths, never allocates.
 */


#ifndef PRIVACY_GPC_H_INCLUDED_
#define PRIVACY_GPC_H_INCLUDED_


#include <stddef.h>


/* "YYYY-MM-DD" */
#define PRIVACY_GPC_DATE_LEN  10

/* the longest body privacy_gpc_resource() writes */
#define PRIVACY_GPC_RESOURCE_MAX                                             \
    (sizeof("{\"gpc\": false, \"lastUpdate\": \"\"}\n") - 1                  \
     + PRIVACY_GPC_DATE_LEN)


/*
 * 1 when a Sec-GPC header value is the signal: "1", or an element "1" of
 * a comma-separated list, optional white space around it (a proxy, or
 * Apache, joins repeated headers that way).  "0", "11", "true", "1 x" and
 * an empty value are no signal.  A "1" beside another value is still the
 * signal: a refusal is never the doubtful reading.
 */
int privacy_gpc_signal(const unsigned char *value, size_t len);

/* 1 when p is a date "YYYY-MM-DD" with a month 01-12 and a day 01-31 */
int privacy_gpc_date_valid(const unsigned char *p, size_t len);

/*
 * The body of /.well-known/gpc.json, {"gpc": true, "lastUpdate": "DATE"}
 * and a newline, into dst (PRIVACY_GPC_RESOURCE_MAX bytes for a valid
 * date); with dst NULL only the length.
 */
size_t privacy_gpc_resource(unsigned char *dst, int gpc,
    const unsigned char *date, size_t len);


#endif /* PRIVACY_GPC_H_INCLUDED_ */
