# The counterparts of the nginx module's $privacy_* variables: the
# environment variables PRIVACY_CONSENT, PRIVACY_CONSENT_ID,
# PRIVACY_BLOCKED, PRIVACY_GPC, PRIVACY_DNT and PRIVACY_REMOTE_ADDR, for
# SSI and CGI (env.shtml) and mod_log_config (%{...}e, the suite's
# privacy_access.log).  Mirrors t/028-variables.t of the nginx module.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use PrivacyTest qw(mint);
use Time::HiRes qw(sleep);

plan tests => 14;

my $log = Apache::Test::vars('serverroot') . '/logs/privacy_access.log';

sub env {
    my $r = GET '/env.shtml', @_;
    my $c = $r->content;
    chomp $c;
    return $c;
}

# the log line of the request whose query is Q (or that matches the
# pattern Q): written once the response went, so looked for until it is
# there (at most 10 s)
sub logged {
    my ($q) = @_;
    my $re = ref $q ? $q : qr/^\S*\?\Q$q\E /;
    for (1 .. 200) {
        if (open my $fh, '<', $log) {
            for (<$fh>) {
                chomp;
                return $_ if $_ =~ $re;
            }
        }
        sleep 0.05;
    }
    return "no line for $q";
}

my $none = mint(grant => 'none');

# 1 .. 6
ok t_cmp(env(), 'consent=[(none)] id=[(none)] gpc=[(none)] dnt=[(none)] '
                . 'addr=[127.0.0.0]',
         'no decision: no consent, no id; the network of the client');
ok t_cmp(env(Cookie => "privacy_consent=$none"),
         qr/^consent=\[none\] id=\[[0-9a-f]{32}\] gpc/,
         'a refusal: none, with its id');
ok t_cmp(env(Cookie => 'privacy_consent=' . mint(grant => 'analytics')),
         qr/^consent=\[analytics\] /, 'one category granted');
ok t_cmp(env(Cookie => 'privacy_consent='
                       . mint(grant => 'marketing,analytics')),
         qr/^consent=\[analytics,marketing\] /,
         'two, named in configuration order');
my $id = 'a' x 8 . '0123456789abcdef' . 'f' x 8;
ok t_cmp(env(Cookie => 'privacy_consent=' . mint(grant => 'analytics',
                                                 id => $id)),
         qr/ id=\[$id\] /, 'the decision\'s id, 32 lowercase hex digits');
ok t_cmp(env(Cookie => "privacy_consent=${none}x"),
         qr/^consent=\[\(none\)\] id=\[\(none\)\] /,
         'a rejected token: no consent, no id');

# 7 .. 8
ok t_cmp(env('Sec-GPC' => '1', DNT => '1'),
         qr/ gpc=\[1\] dnt=\[1\] /, 'the signal and DNT: 1');
ok t_cmp(env('Sec-GPC' => '0', DNT => '0'),
         qr/ gpc=\[\(none\)\] dnt=\[0\] /, 'Sec-GPC: 0 and DNT: 0');

# 9 .. 14: logged
GET '/env.shtml?t9', Cookie => "privacy_consent=$none; _ga=1; _fbp=2; "
                               . 'session=3; _ga=4',
                     'Sec-GPC' => 1;
ok t_cmp(logged('t9'),
         qr/ c=none i=[0-9a-f]{32} b=_ga,_fbp g=1 d=- a=127\.0\.0\.0$/,
         'logged: the decision, the blocked request cookies once each, in '
         . 'order, the signal, the network');
GET '/set.shtml?t10', Cookie => '_fbp=2';
ok t_cmp(logged('t10'), qr/ c=- i=- b=_fbp,_ga,_gid g=- /,
         '... and the removed Set-Cookie names after the request\'s');
GET '/index.html?t11';
ok t_cmp(logged('t11'), qr/ c=- i=- b=- g=- d=- a=127\.0\.0\.0$/,
         '... all empty but the network for a plain request');
GET '/off/index.html?t12', 'Sec-GPC' => 1;
ok t_cmp(logged('t12'), qr/ c=- i=- b=- g=- d=- a=-$/,
         '... none where Privacy is Off');
# (mod_alias's Redirect drops the query: a cookie's name is the mark)
GET '/gone', Cookie => "privacy_consent=$none; _ga_t13=1";
ok t_cmp(logged(qr/^\/gone .* b=_ga_t13 /),
         qr/ c=none i=[0-9a-f]{32} b=_ga_t13 /,
         '... the initial request\'s, after an internal redirect to an '
         . 'ErrorDocument');
GET '/report/index.html?t14', Cookie => '_ga=1';
ok t_cmp(logged('t14'), qr/ b=_ga /,
         '... in report mode the names enforcing would block');
