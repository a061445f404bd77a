# The metrics (SetHandler privacy-status): the nginx module's series in
# the Prometheus text format, summed over Apache's children from shared
# memory.  The counters are shared by every suite of the run, so each case
# reads them before and after.  Mirrors t/060-metrics.t.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET HEAD POST);
use Apache::TestUtil qw(t_cmp);
use PrivacyTest qw(mint redis);
use ConsentTest qw(consent origin metrics req);

plan tests => 25;

my $r = GET('/privacy/metrics');
ok t_cmp($r->code . ' ' . $r->header('Content-Type'),
         '200 text/plain; version=0.0.4', 'the Prometheus text format');
ok t_cmp($r->header('Cache-Control'), 'no-store', '... no-store');

my $m = metrics();
my @series = (
    'privacy_banners_injected_total',
    map({ ("privacy_cookies_blocked_total{category=\"$_\",direction=\"request\"}",
           "privacy_cookies_blocked_total{category=\"$_\",direction=\"response\"}") }
        qw(necessary analytics marketing stats unknown)),
    'privacy_cookies_expired_total',
    map({ "privacy_consents_total{action=\"$_\"}" }
        qw(accept_all reject_all save withdraw)),
    map({ "privacy_tokens_rejected_total{reason=\"$_\"}" }
        qw(malformed version unknown_key bad_signature expired policy
           categories)),
    'privacy_redis_errors_total',
    'privacy_redis_rtt_seconds_bucket{le="+Inf"}',
    'privacy_redis_rtt_seconds_sum',
    'privacy_redis_rtt_seconds_count',
);
ok t_cmp(join(' ', grep { !defined $m->{$_} } @series), '',
         'every series is there, zeros included');
ok t_cmp($r->content, qr/^# HELP privacy_cookies_blocked_total .*\n# TYPE privacy_cookies_blocked_total counter\n/m,
         '... with HELP and TYPE');

$r = req('HEAD', '/privacy/metrics');
ok t_cmp($r->code . ' [' . $r->content . ']', '200 []', 'HEAD: headers only');
ok t_cmp(POST('/privacy/metrics', content => 'x')->code, 405,
         'POST: 405');

# delta(CODE, SERIES...): what CODE adds to each series
sub delta {
    my ($code, @s) = @_;
    my $before = metrics();
    $code->();
    my $after = metrics();
    return join ' ', map { ($after->{$_} // 0) - ($before->{$_} // 0) } @s;
}

my @h = (Origin => origin(), Accept => 'application/json');

ok t_cmp(delta(sub { GET('/index.html', Cookie => '_ga=1; _fbp=2; session=3') },
               'privacy_cookies_blocked_total{category="analytics",direction="request"}',
               'privacy_cookies_blocked_total{category="marketing",direction="request"}',
               'privacy_cookies_blocked_total{category="necessary",direction="request"}',
               'privacy_cookies_expired_total'),
         '1 1 0 2', 'request cookies blocked per category, and expired');

ok t_cmp(delta(sub { GET('/set.shtml') },
               'privacy_cookies_blocked_total{category="analytics",direction="response"}',
               'privacy_cookies_blocked_total{category="marketing",direction="response"}'),
         '2 1', 'response cookies blocked per category');

ok t_cmp(delta(sub { GET('/strict/', Cookie => 'theme=1') },
               'privacy_cookies_blocked_total{category="unknown",direction="request"}'),
         '1', 'unknown cookies blocked (strict)');

ok t_cmp(delta(sub { GET('/own/', Cookie => '_ga=1') },
               'privacy_cookies_blocked_total{category="stats",direction="request"}'),
         '1', 'a category of another list');

my $ok = mint(grant => 'analytics');
my %bad = (
    malformed => 'xyz',
    unknown_key => mint(grant => 'analytics', key => 'unknown'),
    expired => mint(grant => 'analytics', issued => time - 7200,
                    expires => time - 60),
    policy => mint(grant => 'analytics', policy => '2017-01'),
    categories => mint(grant => 'analytics', categories => 'analytics'),
);
# a character of the signature changed, not the last one: its low two
# bits are base64url's padding, which a decoder may ignore
(my $forged = $ok) =~ s/(.)(.{10})$/($1 eq 'A' ? 'B' : 'A') . $2/e;
$bad{bad_signature} = $forged;
for my $reason (sort keys %bad) {
    ok t_cmp(delta(sub { GET('/index.html',
                             Cookie => "privacy_consent=$bad{$reason}") },
                   "privacy_tokens_rejected_total{reason=\"$reason\"}"),
             '1', "token rejected: $reason");
}

for my $action (qw(accept_all reject_all withdraw)) {
    ok t_cmp(delta(sub { consent("action=$action", @h) },
                   "privacy_consents_total{action=\"$action\"}",
                   'privacy_redis_rtt_seconds_count'),
             '1 1', "consent: $action, one Redis round trip");
}

ok t_cmp(delta(sub { req('DELETE', '/privacy/consent', @h) },
               'privacy_consents_total{action="withdraw"}'),
         '1', 'DELETE withdraws');

# a banner served counts once; none for a decided visitor, a HEAD (as
# nginx counts), or a page the banner is off for
ok t_cmp(delta(sub { GET('/builtin.html') }, 'privacy_banners_injected_total'),
         '1', 'a banner served: counted');
ok t_cmp(delta(sub { GET('/builtin.html', Cookie => "privacy_consent=$ok") },
               'privacy_banners_injected_total'),
         '0', '... not for a visitor who decided');
ok t_cmp(delta(sub { HEAD('/builtin.html') }, 'privacy_banners_injected_total'),
         '0', '... nor for a HEAD');
ok t_cmp(delta(sub { GET('/banner/off/page.html') },
               'privacy_banners_injected_total'),
         '0', '... nor where PrivacyBanner is off');

Apache::TestRequest::module('redisdown');
@h = (Origin => origin(), Accept => 'application/json');
ok t_cmp(delta(sub { consent('action=accept_all', @h) },
               'privacy_redis_errors_total',
               'privacy_consents_total{action="accept_all"}'),
         '1 0', 'Redis down: an error, no consent');
Apache::TestRequest::module('default');
