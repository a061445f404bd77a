# The consent token: tokens minted by the core (build/unit/privacy-mint,
# the code the nginx module signs with) verify here with the same key;
# anything else is no decision, never an error page.  Mirrors
# t/023-token.t of the nginx module.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp t_start_error_log_watch
                        t_finish_error_log_watch);
use PrivacyTest qw(mint);

plan tests => 27;

sub tk {
    my ($path, $cookie, @h) = @_;
    my $r = GET $path, defined $cookie ? (Cookie => $cookie) : (), @h;
    return $r->code . ' ' . ($r->header('Tk') // '-');
}

my $all = mint(grant => 'analytics,marketing');

ok t_cmp(tk('/index.html', "privacy_consent=$all"), '200 C',
         'a valid token grants its categories: Tk C');

ok t_cmp(tk('/index.html', 'privacy_consent=' . mint(grant => 'none')),
         '200 N', 'a valid refusal: Tk N');

ok t_cmp(tk('/index.html'), '200 N', 'no token: Tk N');

# a changed payload byte, in the middle of the base64url text
my $bad = $all;
substr($bad, 20, 1) = substr($bad, 20, 1) eq 'A' ? 'B' : 'A';
t_start_error_log_watch();
ok t_cmp(tk('/index.html', "privacy_consent=$bad"), '200 N',
         'a changed payload byte is no decision');
ok t_cmp(scalar(grep { /consent token rejected: bad_signature/ }
                t_finish_error_log_watch()), 1,
         '... logged once as a bad signature');

$bad = $all;
substr($bad, -2, 1) = substr($bad, -2, 1) eq 'A' ? 'B' : 'A';
ok t_cmp(tk('/index.html', "privacy_consent=$bad"), '200 N',
         'a changed signature byte is a bad signature');

ok t_cmp(tk('/index.html', 'privacy_consent=' . substr($all, 0, 60)),
         '200 N', 'a truncated token is malformed');

ok t_cmp(tk('/index.html', 'privacy_consent=' . ('%00<>"' x 500)), '200 N',
         'garbage is malformed, never an error page');

ok t_cmp(tk('/index.html', 'privacy_consent='), '200 N',
         'an empty consent cookie is no decision');

ok t_cmp(tk('/index.html', 'privacy_consent='
                           . mint(grant => 'analytics', issued => time - 7200,
                                  expires => time - 60)),
         '200 N', 'an expired token is no decision');

ok t_cmp(tk('/index.html', 'privacy_consent='
                           . mint(grant => 'analytics', issued => time + 86400,
                                  expires => time + 2 * 86400)),
         '200 N', 'a token issued a day in the future is rejected');

ok t_cmp(tk('/index.html', 'privacy_consent='
                           . mint(grant => 'analytics', key => 'unknown')),
         '200 N', 'a token signed by an unknown key is no decision');

ok t_cmp(tk('/index.html', 'privacy_consent='
                           . mint(grant => 'analytics', policy => '2017-01')),
         '200 N', 'a consent to an older policy version is no decision');

ok t_cmp(tk('/index.html', 'privacy_consent='
                           . mint(grant => 'analytics',
                                  categories => 'necessary:essential,'
                                                . 'marketing,analytics')),
         '200 N', 'a token for the same categories in another order is no '
                  . 'decision');

ok t_cmp(tk('/index.html', 'privacy_consent=' . mint(grant => 'marketing')),
         '200 C', 'Tk C with marketing only');

ok t_cmp(tk('/index.html', "privacy_consent=$bad; privacy_consent=$all"),
         '200 C', 'a forged token and a valid one: the valid one wins');

ok t_cmp(tk('/renamed/', "privacy_consent=$all"), '200 N',
         'a renamed consent cookie carries the token; the default name is '
         . 'ignored');
ok t_cmp(tk('/renamed/', "pc=$all"), '200 C', '... and pc decides');

ok t_cmp(tk('/renamed/', 'pc=' . mint(grant => 'analytics',
                                       issued => time - 7200,
                                       expires => time + 86400)),
         '200 N', 'a decision older than PrivacyCookie max_age is no '
                  . 'decision');

ok t_cmp(tk('/report/', "privacy_consent=$all", DNT => 1), '200 D',
         'report mode: D to DNT: 1, whatever the consent');

Apache::TestRequest::module('rotation');

ok t_cmp(tk('/index.html', "privacy_consent=$all"), '200 C',
         'key rotation: a token of the second key verifies');
ok t_cmp(tk('/index.html', 'privacy_consent='
                           . mint(grant => 'analytics', key => 'retired')),
         '200 C', 'key rotation: a token of the first key verifies');

Apache::TestRequest::module('default');

ok t_cmp(tk('/index.html', 'privacy_consent='
                           . mint(grant => 'analytics', key => 'retired')),
         '200 N', 'a token signed by a key not configured here is no '
                  . 'decision');

# a child keeps the tokens it verified with the keys that verified them:
# a token the main server's key verified (and the child kept) is no
# decision in a server whose only key is another, however often both see
# it, in whichever child and thread
my ($here, $there) = ('', '');
for (1 .. 10) {
    Apache::TestRequest::module('default');
    $here .= tk('/index.html', "privacy_consent=$all") =~ /C$/ ? 'C' : '-';
    Apache::TestRequest::module('otherkey');
    $there .= tk('/index.html', "privacy_consent=$all") =~ /C$/ ? 'C' : '-';
}
Apache::TestRequest::module('default');
ok t_cmp($here, 'C' x 10, 'a token verified again and again: C');
ok t_cmp($there, '-' x 10,
         '... and never taken by a server with another key');
my $other = 'privacy_consent=' . mint(grant => 'analytics', key => 'unknown');
($here, $there) = ('', '');
for (1 .. 10) {
    Apache::TestRequest::module('otherkey');
    $there .= tk('/index.html', $other) =~ /C$/ ? 'C' : '-';
    Apache::TestRequest::module('default');
    $here .= tk('/index.html', $other) =~ /C$/ ? 'C' : '-';
}
ok t_cmp($there, 'C' x 10, 'the other server takes a token of its own key');
ok t_cmp($here, '-' x 10, '... which the main server never does');
