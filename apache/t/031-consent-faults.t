# Fail toward privacy: when Redis cannot record a grant, the consent
# endpoint answers 503 with Retry-After and sets no cookie; a refusal or a
# withdrawal takes effect all the same, says it was not recorded and logs
# its record for tools/replay-unrecorded.pl.  Redis is absent (the
# redisdown virtual host's PrivacyRedis has no server), full (maxmemory 1,
# noeviction) or paused past the timeout (CLIENT PAUSE WRITE); recording
# resumes when it is back, without a restart.  Mirrors
# t/031-consent-faults.t.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp t_start_error_log_watch
                        t_finish_error_log_watch);
use PrivacyTest qw(mint redis);
use ConsentTest qw(consent origin cookie_of record_of req);

plan tests => 31;

my $origin;
my @script;

my $old = 'aa' x 16;
my $analytics = mint(grant => 'analytics', id => $old);

END {
    eval { redis('CONFIG', 'SET', 'maxmemory', '0') };
    eval { redis('CLIENT', 'UNPAUSE') };
}

sub verdict {
    my ($r) = @_;
    return join ' ', $r->code, $r->header('Retry-After') // '-',
                     cookie_of($r, 'privacy_consent') ne '' ? 'cookie'
                                                            : 'no-cookie';
}

# the tests run twice: Redis absent, then Redis full
for my $case ('down', 'full') {

    if ($case eq 'down') {
        Apache::TestRequest::module('redisdown');
    } else {
        Apache::TestRequest::module('default');
        redis('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
        redis('CONFIG', 'SET', 'maxmemory', '1');
    }

    $origin = origin();
    @script = (Origin => $origin, Accept => 'application/json');

    # 1-2, 14-15
    my $r = consent('action=accept_all', @script);
    ok t_cmp(verdict($r), '503 5 no-cookie',
             "Redis $case: a grant gets 503, Retry-After, no cookie");
    ok t_cmp($r->content,
             qq({"error":"the decision could not be recorded, nothing was changed"}\n),
             '... and says so');

    # 3-5, 16-18
    t_start_error_log_watch();
    $r = consent('action=withdraw', @script,
                 Cookie => "privacy_consent=$analytics; _ga=1");
    ok t_cmp(verdict($r), '200 - cookie',
             "Redis $case: a withdrawal takes effect");
    ok t_cmp($r->content, qr/"granted":\[\].*,"recorded":false\}\n\z/,
             '... "recorded":false');
    my @log = grep { /not acknowledged by Redis .*a refusal, applied anyway; record: id "[0-9a-f]{32}" action "withdraw" .* replaces "$old" edge "[^"]+" gpc "0"/ }
              t_finish_error_log_watch();
    ok t_cmp(scalar @log, 1, '... its record in the error log');

    # 6, 19
    ok t_cmp(scalar(grep { /^_ga=;/ } $r->header('Set-Cookie')), 1,
             '... the tracker expired');

    # 7-8, 20-21: a save is a grant when it adds a category to those held
    ok t_cmp(verdict(consent('action=save&category=analytics&'
                             . 'category=marketing', @script,
                             Cookie => "privacy_consent=$analytics")),
             '503 5 no-cookie', '... a save that adds a category: 503');
    ok t_cmp(verdict(consent('action=save&category=analytics', @script,
                             Cookie => "privacy_consent=$analytics")),
             '200 - cookie', '... a save of the grants held applies');

    # 9, 22
    ok t_cmp(verdict(consent('action=save&category=analytics', @script)),
             '503 5 no-cookie', '... a grant without a decision held: 503');

    # 10, 23
    $r = req('DELETE', '/privacy/consent', Origin => $origin);
    ok t_cmp(verdict($r) . ' ' . ($r->content =~ /"recorded":false/ ? 1 : 0),
             '200 - cookie 1', '... DELETE withdraws, not recorded');

    # 11-12, 24-25: the form without script gets a page that says so
    $r = consent('action=reject_all&return=%2Fpage%3Fa%3D%22x', Origin => $origin,
                 Accept => 'text/html');
    ok t_cmp(verdict($r), '200 - cookie', '... the form: applies');
    ok t_cmp($r->content,
             qr/could not record it.*<a href="\/page\?a=&quot;x">/s,
             '... a page that says so, the path escaped');

    # 13, 26: pages are served, trackers blocked
    $r = GET('/index.html', Cookie => '_ga=1; session=2');
    ok t_cmp($r->code . ' ' . join(' ', map { /^([^=]+)=;/ ? $1 : () }
                                        $r->header('Set-Cookie')),
             '200 _ga', '... pages served, trackers still blocked');
}

redis('CONFIG', 'SET', 'maxmemory', '0');

# 27: Redis back: recorded, without a restart
my $r = consent('action=accept_all', @script);
my ($id) = $r->content =~ /"id":"([0-9a-f]{32})"/;
ok t_cmp(verdict($r) . ' ' . (record_of($id // 'x')->{action} // '-'),
         '200 - cookie accept_all', 'Redis has room again: recorded');

# 28-29: paused past the timeout (300ms): writes wait, the answer does not
redis('CLIENT', 'PAUSE', '10000', 'WRITE');
$r = consent('action=accept_all', @script);
ok t_cmp(verdict($r), '503 5 no-cookie',
         'Redis paused past the timeout: a grant gets 503');
$r = consent('action=reject_all', @script);
ok t_cmp(verdict($r) . ' ' . ($r->content =~ /"recorded":false/ ? 1 : 0),
         '200 - cookie 1', '... a refusal applies, not recorded');
redis('CLIENT', 'UNPAUSE');

# 30-31: resumed: the pool's connections that timed out were closed, new
# ones record
for my $n (1, 2) {
    $r = consent('action=accept_all', @script);
    ($id) = $r->content =~ /"id":"([0-9a-f]{32})"/;
    ok t_cmp(verdict($r) . ' ' . (record_of($id // 'x')->{action} // '-'),
             '200 - cookie accept_all', "Redis resumed: recorded ($n)");
}
