# Global Privacy Control: PrivacyGPC refuses the categories it lists for a
# request with Sec-GPC: 1, unless the visitor's decision was made while
# the browser sent the signal (the token's flag, the record's gpc field);
# cookies both ways, PRIVACY_CONSENT and Tk follow; PRIVACY_GPC;
# SetHandler privacy-gpc (/.well-known/gpc.json); the banner's notes; odd,
# repeated, empty and long headers.  Mirrors t/035-gpc.t of the nginx
# module (its configuration errors are in 026-config-errors.t).

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET HEAD POST);
use Apache::TestUtil qw(t_cmp);
use PrivacyTest qw(mint);
use ConsentTest qw(consent origin cookie_of record_of raw req);

plan tests => 44;

# decisions made without the signal, and with it
my $all = mint(grant => 'analytics,marketing');
my $marketing = mint(grant => 'marketing');
my $all_gpc = mint(grant => 'analytics,marketing', gpc => 1);
my $none_gpc = mint(grant => 'none', gpc => 1);

# consent=[...] gpc=[...] of a page under PATH
sub env {
    my ($path, @h) = @_;
    my $r = GET $path, @h;
    my $c = $r->content;
    $c =~ s/ id=\[[^\]]*\]//;
    $c =~ s/ dnt=.*//s;
    return $c;
}

# 1 .. 3
ok t_cmp(env('/gpc/env.shtml', Cookie => "privacy_consent=$all"),
         'consent=[analytics,marketing] gpc=[(none)]',
         'no signal: a decision\'s grants stand');
ok t_cmp(env('/gpc/env.shtml', Cookie => "privacy_consent=$all",
             'Sec-GPC' => 1),
         'consent=[analytics] gpc=[1]',
         'Sec-GPC: 1 refuses marketing that a decision without it granted');
ok t_cmp(env('/gpc/env.shtml', Cookie => "privacy_consent=$all_gpc",
             'Sec-GPC' => 1),
         'consent=[analytics,marketing] gpc=[1]',
         'a decision made with the signal grants marketing anyway');

# 4 .. 6: cookies both ways
ok t_cmp(GET_content('/gpc/echo.shtml',
                     Cookie => "privacy_consent=$all; _ga=1; _fbp=2; "
                               . 'session=3', 'Sec-GPC' => 1),
         qr/^cookie: privacy_consent=[A-Za-z0-9_-]+; _ga=1; session=3$/,
         'the signal refuses the request\'s marketing cookie before the '
         . 'application');
ok t_cmp(GET_content('/gpc/echo.shtml',
                     Cookie => "privacy_consent=$all; _ga=1; _fbp=2; "
                               . 'session=3'),
         qr/^cookie: privacy_consent=[A-Za-z0-9_-]+; _ga=1; _fbp=2; session=3$/,
         'without the signal the same request keeps _fbp');
my $r = GET '/gpc/set.shtml', Cookie => "privacy_consent=$all",
                              'Sec-GPC' => 1;
my $sc = join "\n", $r->header('Set-Cookie');
ok t_cmp(($sc =~ /^_ga=GA1/m ? 'ga' : '-') . ' '
         . ($sc =~ /^_fbp=fb/m ? 'fbp' : '-'), 'ga -',
         'the application\'s marketing cookie is not set under the signal');

# 7 .. 8: Tk
$r = GET '/gpc/env.shtml', Cookie => "privacy_consent=$marketing",
                           'Sec-GPC' => 1;
ok t_cmp($r->header('Tk') . ' ' . ($r->content =~ /^(consent=\[[^\]]*\])/)[0],
         'N consent=[none]',
         'Tk says no tracking when the signal refused the only grant');
$r = GET '/gpc/env.shtml', Cookie => "privacy_consent=$marketing";
ok t_cmp($r->header('Tk') . ' ' . ($r->content =~ /^(consent=\[[^\]]*\])/)[0],
         'C consent=[marketing]', '... and consent without it');

# 9 .. 10
ok t_cmp(env('/env.shtml', Cookie => "privacy_consent=$all", 'Sec-GPC' => 1),
         'consent=[analytics,marketing] gpc=[1]',
         'without PrivacyGPC the signal is only reported');
ok t_cmp(env('/gpc/off/env.shtml', Cookie => "privacy_consent=$all",
             'Sec-GPC' => 1),
         'consent=[analytics,marketing] gpc=[1]',
         'PrivacyGPC off in a section turns it off again');

# 11 .. 19: values that are not the signal, and some that are
for my $v ('0', '11', 'true', '', ' ', '1 x', '01', '"1"', '1' x 4000) {
    ok t_cmp(env('/gpc/env.shtml', Cookie => "privacy_consent=$all",
                 'Sec-GPC' => $v),
             'consent=[analytics,marketing] gpc=[(none)]',
             'Sec-GPC: "' . (length $v > 20 ? substr($v, 0, 8) . '...'
                                            : $v) . '" is no signal');
}

# 20 .. 23: repeated headers, names that start the same
sub raw_env {
    my ($headers) = @_;
    my $out = raw("GET /gpc/env.shtml HTTP/1.0\r\nHost: localhost\r\n"
                  . "Cookie: privacy_consent=$all\r\n$headers"
                  . "\r\n");
    my ($body) = $out =~ /\r\n\r\n(consent=[^\r\n]*)/;
    $body //= $out;
    $body =~ s/ id=\[[^\]]*\]//;
    $body =~ s/ dnt=.*//s;
    return $body;
}
ok t_cmp(raw_env("sec-gpc: 0\r\nSEC-GPC: 1\r\nSec-GPC: 0\r\n"),
         'consent=[analytics] gpc=[1]',
         'a second Sec-GPC header does not take the signal back');
ok t_cmp(raw_env("Sec-GPC: 0, 1\r\n"), 'consent=[analytics] gpc=[1]',
         'nor does a list a proxy joined');
ok t_cmp(raw_env("Sec-GPC: 0, 11, 1 x, ,\r\n"),
         'consent=[analytics,marketing] gpc=[(none)]',
         'a list without an element "1" is no signal');
ok t_cmp(raw_env("Sec-GPC-X: 1\r\nX-Sec-GPC: 1\r\n"),
         'consent=[analytics,marketing] gpc=[(none)]',
         'nor a header whose name starts or ends the same');

# 24
ok t_cmp(env('/gpc/env.shtml', Cookie => "privacy_consent=$none_gpc",
             'Sec-GPC' => 1),
         'consent=[none] gpc=[1]',
         'a refusal made under the signal stays a refusal');

# 25 .. 30: gpc.json
$r = GET '/gpc/gpc.json', Cookie => "privacy_consent=$all; _fbp=1";
ok t_cmp(join('|', $r->code, $r->header('Content-Type'),
              $r->header('Cache-Control'), $r->content),
         '200|application/json|public, max-age=86400|'
         . qq{{"gpc": true, "lastUpdate": "2026-11-30"}\n},
         'gpc.json where PrivacyGPC lists categories: true, cacheable');
ok t_cmp($r->header('Set-Cookie'), undef, '... never with a cookie');
my @t = gmtime;
ok t_cmp(GET('/.well-known/gpc.json')->content,
         sprintf(qq{{"gpc": false, "lastUpdate": "%04d-%02d-%02d"}\n},
                 $t[5] + 1900, $t[4] + 1, $t[3]),
         'gpc.json without PrivacyGPC: false, the day Apache read the '
         . 'configuration');
$r = POST '/.well-known/gpc.json', content => 'x';
ok t_cmp($r->code, 405, 'gpc.json answers GET and HEAD only');
$r = HEAD '/gpc/gpc.json';
ok t_cmp($r->code . ' ' . $r->header('Content-Length') . ' ['
         . $r->content . ']',
         '200 ' . length(qq{{"gpc": true, "lastUpdate": "2026-11-30"}\n})
         . ' []', '... HEAD: the length, no body');
ok t_cmp(GET('/gpc/gpc.json', 'Sec-GPC' => 1)->header('Vary'), undef,
         '... the same for every visitor: no Vary');

# 31 .. 35: the banner
my $note = '<p class="privacy-banner__gpc-sent">Your browser sends the '
         . 'Global Privacy Control signal. It is honoured: these stay '
         . 'refused unless you allow them here: Marketing</p>';
ok t_cmp(GET_content('/gpc/page.html', 'Sec-GPC' => 1),
         qr{<p id="privacy-banner-text" [^>]*>.*?</p>\Q$note\E<div class="privacy-banner__essential">}s,
         'the banner says the signal is honoured, for the categories '
         . 'PrivacyGPC lists, to a visitor who sends it');
ok t_cmp(GET_content('/gpc/page.html', 'Sec-GPC' => 1,
                     'Accept-Language' => 'de'),
         qr{lang="de".*<p class="privacy-banner__gpc-sent">Ihr Browser sendet das Global-Privacy-Control-Signal\. [^<]*: Marketing</p><div}s,
         '... in German');
ok t_cmp(GET_content('/gpc/page.html', 'Sec-GPC' => 0) =~ /gpc-sent/ ? 1 : 0,
         0, '... another value than 1: no note');
ok t_cmp(GET_content('/banner/../builtin.html', 'Sec-GPC' => 1)
         =~ /Global Privacy Control/ ? 1 : 0, 0,
         'without PrivacyGPC: no note, signal or not');
ok t_cmp(GET_content('/gpc/page.html'),
         qr{value="analytics"> Analytics</label>(?:(?!privacy-banner__gpc).)*value="marketing"> Marketing</label><details class="privacy-banner__details"><summary>.*?</summary><p>Let advertising.*?</p><p class="privacy-banner__gpc">Your browser&#39;s Global Privacy Control signal refuses this unless you allow it here\.</p>}s,
         'the category PrivacyGPC lists says the signal refuses it, '
         . 'signal or not');

# 36 .. 41: a decision under the signal is recorded with gpc 1, its token
# says so; one without it, gpc 0
my $origin = origin();
for my $gpc (1, 0) {
    $r = consent('action=accept_all', Origin => $origin,
                 Accept => 'application/json',
                 $gpc ? ('Sec-GPC' => 1) : ());
    ok t_cmp($r->content, qr/"granted":\["analytics","marketing"\]/,
             "accept_all with gpc=$gpc: both granted");
    my ($id) = $r->content =~ /"id":"([0-9a-f]{32})"/;
    ok t_cmp(scalar(record_of($id)->{gpc}), $gpc,
             "... recorded with gpc $gpc");
    my $token = cookie_of($r, 'privacy_consent');
    ok t_cmp(env('/gpc/env.shtml', Cookie => "privacy_consent=$token",
                 'Sec-GPC' => 1),
             $gpc ? 'consent=[analytics,marketing] gpc=[1]'
                  : 'consent=[analytics] gpc=[1]',
             "... back with the signal: "
             . ($gpc ? 'it stands' : 'marketing refused'));
}

sub GET_content { my $r = GET @_; $r->content }

# 42 .. 44: what a page varies with
# (Apache joins the tokens of Vary with "," alone)
ok t_cmp(GET('/gpc/page.html')->header('Vary'),
         qr/^Cookie,\s*Accept-Language,\s*Sec-GPC$/,
         'where PrivacyGPC honours the signal, a page varies with it');
ok t_cmp(GET('/builtin.html')->header('Vary'),
         qr/^Cookie,\s*Accept-Language$/,
         'without PrivacyGPC: with the cookie and the language');
ok t_cmp(GET('/banner/page.html')->header('Vary'), 'Cookie',
         'a file banner, one language: with the cookie only');
