
/*
 * Unit tests: privacy_gpc.c
 */


#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "privacy_gpc.h"


static void
test_signal(void)
{
    unsigned char  *p;

    CHECK_INT(privacy_gpc_signal(S("1")), 1);
    CHECK_INT(privacy_gpc_signal(S(" 1\t")), 1);
    CHECK_INT(privacy_gpc_signal(S("0, 1")), 1);
    CHECK_INT(privacy_gpc_signal(S("1,0")), 1);
    CHECK_INT(privacy_gpc_signal(S("0,,1,")), 1);

    CHECK_INT(privacy_gpc_signal(S("")), 0);
    CHECK_INT(privacy_gpc_signal(S(" ")), 0);
    CHECK_INT(privacy_gpc_signal(S(",")), 0);
    CHECK_INT(privacy_gpc_signal(S("0")), 0);
    CHECK_INT(privacy_gpc_signal(S("11")), 0);
    CHECK_INT(privacy_gpc_signal(S("01")), 0);
    CHECK_INT(privacy_gpc_signal(S("true")), 0);
    CHECK_INT(privacy_gpc_signal(S("1 x")), 0);
    CHECK_INT(privacy_gpc_signal(S("x 1")), 0);
    CHECK_INT(privacy_gpc_signal(S("1;q=1")), 0);
    CHECK_INT(privacy_gpc_signal(S("\"1\"")), 0);
    CHECK_INT(privacy_gpc_signal(S("0, 11, 2")), 0);

    /* the length is the end: a "1" past it is not read */
    CHECK_INT(privacy_gpc_signal((const unsigned char *) "0,1", 2), 0);
    CHECK_INT(privacy_gpc_signal((const unsigned char *) "11", 1), 1);

    /* a long list, its last element the signal; exactly at the end of
     * its allocation, for ASan */
    p = malloc(65536);
    if (!CHECK(p != NULL)) {
        return;
    }

    memset(p, ',', 65536);
    p[65535] = '1';
    CHECK_INT(privacy_gpc_signal(p, 65536), 1);
    p[65535] = '0';
    CHECK_INT(privacy_gpc_signal(p, 65536), 0);
    memset(p, ' ', 65536);
    CHECK_INT(privacy_gpc_signal(p, 65536), 0);

    free(p);
}


static void
test_date(void)
{
    CHECK_INT(privacy_gpc_date_valid(S("2026-11-30")), 1);
    CHECK_INT(privacy_gpc_date_valid(S("2026-01-01")), 1);
    CHECK_INT(privacy_gpc_date_valid(S("2026-12-31")), 1);

    CHECK_INT(privacy_gpc_date_valid(S("2026-13-01")), 0);
    CHECK_INT(privacy_gpc_date_valid(S("2026-00-01")), 0);
    CHECK_INT(privacy_gpc_date_valid(S("2026-01-00")), 0);
    CHECK_INT(privacy_gpc_date_valid(S("2026-01-32")), 0);
    CHECK_INT(privacy_gpc_date_valid(S("2026-11-1")), 0);
    CHECK_INT(privacy_gpc_date_valid(S("2026-11-300")), 0);
    CHECK_INT(privacy_gpc_date_valid(S("2026/11/30")), 0);
    CHECK_INT(privacy_gpc_date_valid(S("2026-1a-30")), 0);
    CHECK_INT(privacy_gpc_date_valid(S("")), 0);
}


static void
test_resource(void)
{
    size_t         n;
    unsigned char  out[PRIVACY_GPC_RESOURCE_MAX + 1];

    n = privacy_gpc_resource(NULL, 1, S("2026-11-30"));
    CHECK_INT(n, sizeof("{\"gpc\": true, \"lastUpdate\": \"2026-11-30\"}\n")
                 - 1);

    memset(out, '#', sizeof(out));
    n = privacy_gpc_resource(out, 1, S("2026-11-30"));
    CHECK_STR(out, n, "{\"gpc\": true, \"lastUpdate\": \"2026-11-30\"}\n");

    n = privacy_gpc_resource(out, 0, S("2026-11-30"));
    CHECK_STR(out, n, "{\"gpc\": false, \"lastUpdate\": \"2026-11-30\"}\n");
    CHECK_INT(n, PRIVACY_GPC_RESOURCE_MAX);
    CHECK(out[n] == '#');
}


int
main(void)
{
    test_signal();
    test_date();
    test_resource();

    return unit_done();
}
