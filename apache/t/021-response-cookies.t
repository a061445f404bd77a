# Response side: Set-Cookie headers of categories not granted go, whoever
# set them (mod_headers' "add" in headers_out and "always add" in
# err_headers_out here); the consent cookie only the module sets.
# Mirrors t/021-response-cookies.t of the nginx module.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use PrivacyTest qw(mint);

plan tests => 9;

my $none      = mint(grant => 'none');
my $analytics = mint(grant => 'analytics');
my $all       = mint(grant => 'analytics,marketing');

# the names of the cookies set, sorted: the two tables' order is Apache's
sub names {
    my ($path, $cookie, %h) = @_;
    my $r = GET $path, defined $cookie ? (Cookie => $cookie) : (), %h;
    return join ' ', sort map { /^\s*([^=;]*)/; $1 } $r->header('Set-Cookie');
}

ok t_cmp(names('/set.shtml'), 'session theme',
         'undecided: only the essential and the unknown cookies pass');

ok t_cmp(names('/set.shtml', "privacy_consent=$analytics"),
         '_ga _gid session theme',
         'a consent to analytics lets the analytics cookies pass');

ok t_cmp(names('/set.shtml', "privacy_consent=$all"),
         '_fbp _ga _gid session theme',
         'a consent to everything lets everything pass');

ok t_cmp(names('/set.shtml', "privacy_consent=$none"), 'session theme',
         'a refusal removes every optional cookie');

ok t_cmp(names('/strict/set.shtml'), 'session',
         'PrivacyUnknownCookies block removes unknown cookies');

ok t_cmp(names('/strict/set.shtml', "privacy_consent=$all"),
         '_fbp _ga _gid session theme',
         'PrivacyUnknownCookies block, everything granted');

ok t_cmp(names('/set-consent.shtml', "privacy_consent=$all"), 'pc',
         'only the module sets the consent cookie: the application\'s goes');

ok t_cmp(names('/renamed/set-consent.shtml'), 'privacy_consent',
         'a renamed consent cookie: the application\'s of that name goes, '
         . 'the default name is an ordinary cookie');

ok t_cmp(names('/report/set.shtml'), '_fbp _ga _gid session theme',
         'report mode removes nothing');
