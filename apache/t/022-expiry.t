# Expiry of blocked cookies: a response to a request that carried blocked
# cookies also deletes each of them, once host-only and once per
# PrivacyCookieDomains entry.  Mirrors t/022-expiry.t of the nginx module.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET HEAD);
use Apache::TestUtil qw(t_cmp);
use PrivacyTest qw(mint);

plan tests => 13;

my $none      = mint(grant => 'none');
my $analytics = mint(grant => 'analytics');
my $all       = mint(grant => 'analytics,marketing');

my $X = 'Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/';

sub cookies {
    my ($r) = @_;
    return join ' | ', $r->header('Set-Cookie');
}

my $r = GET '/echo.shtml', Cookie => '_fbp=fb.1; session=abc; _ga=1; x=y';
ok t_cmp(cookies($r), "_fbp=; $X | _ga=; $X",
         'each blocked cookie of the request is deleted, in request order');
ok t_cmp($r->content, "cookie: session=abc; x=y\n", '... and stripped');

$r = GET '/echo.shtml', Cookie => 'session=abc; theme=dark';
ok t_cmp(cookies($r), '', 'nothing blocked, nothing deleted');

$r = GET '/domains/echo.shtml', Cookie => '_ga=1; _gid=2';
ok t_cmp(cookies($r),
         "_ga=; $X | _ga=; $X; Domain=.example.com | "
         . "_ga=; $X; Domain=www.example.com | _gid=; $X | "
         . "_gid=; $X; Domain=.example.com | "
         . "_gid=; $X; Domain=www.example.com",
         'once host-only and once per PrivacyCookieDomains entry');

$r = GET '/noexpire/echo.shtml', Cookie => '_ga=1; a=b';
ok t_cmp(cookies($r) . '|' . $r->content, "|cookie: a=b\n",
         'PrivacyExpireBlocked Off deletes nothing, still strips');

$r = GET '/report/echo.shtml', Cookie => '_ga=1';
ok t_cmp(cookies($r), '', 'report mode deletes nothing');

$r = GET '/echo.shtml', Cookie => "_ga=1; _fbp=2; privacy_consent=$analytics";
ok t_cmp(cookies($r), "_fbp=; $X",
         'with consent, only the cookies still blocked are deleted');

$r = GET '/echo.shtml', Cookie => '_ga=1; _ga=2';
ok t_cmp(cookies($r), "_ga=; $X", 'a cookie sent twice is deleted once');

$r = GET '/set.shtml', Cookie => '_ga=1';
ok t_cmp(join(' ', sort map { /^([^;]*)/; $1 } $r->header('Set-Cookie')),
         '_ga= session=s1 theme=dark',
         'a blocked cookie the application sets again is deleted in its '
         . 'place, one it only tried to set is removed');

$r = GET '/strict/echo.shtml', Cookie => '__Secure-a=1; __Host-b=2; _gid=3';
ok t_cmp(cookies($r), "__Secure-a=; $X; Secure | __Host-b=; $X; Secure | "
                      . "_gid=; $X",
         '__Secure- and __Host- cookies are deleted with Secure');

$r = GET '/nonexistent', Cookie => '_ga=1';
ok t_cmp($r->code . ' ' . cookies($r), "404 _ga=; $X",
         'deletions go out on error pages too');

$r = GET '/gone', Cookie => '_ga=1; a=b';
ok t_cmp($r->code . ' ' . cookies($r) . ' ' . $r->content,
         "410 _ga=; $X cookie: a=b\n",
         'deletions go out once after an internal redirect to an error page');

$r = HEAD '/echo.shtml', Cookie => '_ga=1';
ok t_cmp(cookies($r), "_ga=; $X", 'deletions go out on HEAD');
