# Request side: cookies of categories the visitor has not granted leave the
# Cookie header before the application (here SSI) sees it; a header left
# empty goes.  Mirrors t/020-request-cookies.t of the nginx module.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use PrivacyTest qw(mint);

plan tests => 17;

my $none      = mint(grant => 'none');
my $analytics = mint(grant => 'analytics');
my $all       = mint(grant => 'analytics,marketing');

sub echo {
    my ($path, $cookie) = @_;
    my $r = GET $path, defined $cookie ? (Cookie => $cookie) : ();
    return $r->content;
}

ok t_cmp(echo('/echo.shtml',
              'session=abc; _ga=GA1.2.3; _gid=GA1.9; _fbp=fb.1; theme=dark'),
         "cookie: session=abc; theme=dark\n",
         'undecided: the essential and unknown cookies only');

ok t_cmp(echo('/echo.shtml',
              "session=abc; _ga=1; _gid=2; _fbp=3; privacy_consent=$analytics"),
         "cookie: session=abc; _ga=1; _gid=2; privacy_consent=$analytics\n",
         'a consent to analytics lets analytics and the consent cookie pass');

ok t_cmp(echo('/echo.shtml', "_ga=1; _fbp=3; privacy_consent=$all; x=y"),
         "cookie: _ga=1; _fbp=3; privacy_consent=$all; x=y\n",
         'a consent to everything lets everything through');

ok t_cmp(echo('/echo.shtml', "privacy_consent=$none; _ga=1; _fbp=3"),
         "cookie: privacy_consent=$none\n",
         'a refusal blocks like no decision, the consent cookie passes');

ok t_cmp(echo('/echo.shtml', '_ga=1; _fbp=3'), "cookie: (none)\n",
         'a Cookie header left empty disappears');

ok t_cmp(echo('/echo.shtml', 'a=1;_ga=2;b=3'), "cookie: a=1; b=3\n",
         'the kept pairs are joined with "; " when that fits');

ok t_cmp(echo('/echo.shtml', '_gat=1; _ga_XYZ=2; x_ga=3'),
         "cookie: x_ga=3\n", 'a regex category matches the names it covers');

ok t_cmp(echo('/strict/echo.shtml', 'session=1; theme=dark; _ga=2'),
         "cookie: session=1\n",
         'PrivacyUnknownCookies block: an unknown cookie needs every category');

ok t_cmp(echo('/strict/echo.shtml', "theme=dark; privacy_consent=$all"),
         "cookie: theme=dark; privacy_consent=$all\n",
         'PrivacyUnknownCookies block lets unknown cookies pass with all granted');

ok t_cmp(echo('/off/echo.shtml', '_ga=1; _fbp=2'), "cookie: _ga=1; _fbp=2\n",
         'Privacy Off: nothing is filtered');

ok t_cmp(echo('/renamed/echo.shtml', "pc=$all; _ga=1; privacy_consent=x"),
         "cookie: pc=$all; _ga=1; privacy_consent=x\n",
         'a renamed consent cookie passes and decides, the default name is '
         . 'just a cookie');

ok t_cmp(echo('/report/echo.shtml', '_ga=1; _fbp=2'),
         "cookie: _ga=1; _fbp=2\n", 'report mode changes no Cookie header');

ok t_cmp(echo('/echo.shtml', 'novalue; _ga=1; =x'), "cookie: novalue; =x\n",
         'a cookie without a name is unknown, so kept by default');

ok t_cmp(echo('/own/echo.shtml', '_fbp=1; _ga=2; session=3'),
         "cookie: _fbp=1; session=3\n",
         'a section with its own category list filters by it');

ok t_cmp(echo('/echo.shtml', ''), "cookie: (none)\n",
         'an empty Cookie header');

ok t_cmp(echo('/echo.shtml', ';;; ;  ;_ga=1;;'), "cookie: (none)\n",
         'a Cookie header of separators and one blocked cookie goes');

# 700 pairs, every other one blocked: a header of some 6 KB, under
# Apache's LimitRequestFieldSize
my $long = join '; ', map { $_ % 2 ? "_ga$_=1" : "k$_=v" } 1 .. 700;
ok t_cmp(echo('/noexpire/echo.shtml', $long),
         'cookie: ' . join('; ', map { "k$_=v" } grep { $_ % 2 == 0 } 1 .. 700)
         . "\n", 'a long Cookie header of many pairs');
