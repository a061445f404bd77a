# The consent endpoint (PrivacyConsentEndpoint): decisions recorded in
# Redis with the nginx module's layout before the cookie is set, the same
# JSON, the same form behaviour, same-origin checks and limits.  Mirrors
# t/030-consent.t of the nginx module (its banner and settings page cases
# are the banner's).

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET POST);
use Apache::TestUtil qw(t_cmp);
use PrivacyTest qw(mint redis);
use ConsentTest qw(consent origin cookie_of record_of raw req);

plan tests => 62;

my $origin = origin();
my @script = (Origin => $origin, Accept => 'application/json');

# 1-8: accept_all from the script
my $r = consent('action=accept_all', @script);
ok t_cmp($r->code, 200, 'accept_all: 200');
ok t_cmp($r->header('Content-Type'), 'application/json', '... JSON');
ok t_cmp($r->content,
         qr/^\{"decision":\{"id":"[0-9a-f]{32}","granted":\["analytics","marketing"\],"refused":\[\],"time":\d+,"policy":"2018-04"\}\}\n\z/,
         '... the decision, granted and refused by name');
my ($id) = $r->content =~ /"id":"([0-9a-f]{32})"/;
my $token = cookie_of($r, 'privacy_consent');
ok t_cmp($r->header('Set-Cookie') // '',
         qr/^privacy_consent=[A-Za-z0-9_-]+; Max-Age=15552000; Path=\/; SameSite=Lax; HttpOnly$/,
         '... the consent cookie, HttpOnly');
ok t_cmp(GET('/index.html', Cookie => "privacy_consent=$token")
         ->header('Tk'), 'C', '... and it verifies: Tk C');
my %rec = record_of($id);
ok t_cmp(join(' ', map { "$_=" . ($rec{$_} // '-') }
              qw(id action granted refused policy source addr gpc replaces)),
         "id=$id action=accept_all granted=analytics,marketing refused="
         . " policy=2018-04 source=script addr=127.0.0.0 gpc=0 replaces=",
         '... recorded in Redis as nginx records it');
ok t_cmp(join(',', sort keys %rec),
         'action,addr,banner_sha256,edge,gpc,granted,host,id,policy,'
         . 'refused,replaces,source,time_ms,ua',
         '... with the same 14 fields');
my $log = redis('XRANGE', 'privacy:log', '-', '+');
ok t_cmp(scalar(grep { my %f = @{$_->[1]}; $f{id} eq $id } @$log), 1,
         '... and once in the log stream');

# 9-10
ok t_cmp(redis('PTTL', "privacy:consent:$id") > 3 * 365 * 86400 * 1000 - 60000
         ? 'retention' : 'no', 'retention', '... kept for the retention');
ok t_cmp($r->header('Tk') . ' ' . $r->header('Cache-Control'), 'U no-store',
         '... Tk: U, no-store');

# 11-15: reject_all from the form: 303 back, trackers expired
$r = consent('action=reject_all&return=%2Fpage%3Fa%3D1', Origin => $origin,
             Cookie => '_ga=1; _fbp=2; session=3');
ok t_cmp($r->code, 303, 'reject_all from the form: 303');
ok t_cmp($r->header('Location'), '/page?a=1', '... to its return path');
my @sc = $r->header('Set-Cookie');
ok t_cmp(scalar(grep { /^privacy_consent=/ } @sc), 1, '... the cookie set');
ok t_cmp(join(' ', sort map { /^([^=]+)=;/ ? $1 : () } @sc), '_fbp _ga',
         '... the trackers expired, the session kept');
($id) = map { /^privacy_consent=([^;]+)/ ? $1 : () } @sc;
ok t_cmp(GET('/index.html', Cookie => "privacy_consent=$id")->header('Tk'),
         'N', '... a refusal: Tk N');

# 16-17: save with one category ticked
$r = consent('action=save&category=analytics&category=necessary', @script);
ok t_cmp($r->content, qr/"granted":\["analytics"\],"refused":\["marketing"\]/,
         'save: the ticked category, an essential one ignored');
($id) = $r->content =~ /"id":"([0-9a-f]{32})"/;
%rec = record_of($id);
ok t_cmp("$rec{action} $rec{granted} $rec{refused}",
         'save analytics marketing', '... recorded');

# 18-20: withdraw replaces the decision held
my $old = 'ab' x 16;
my $held = mint(grant => 'analytics', id => $old);
$r = consent('action=withdraw', @script,
             Cookie => "privacy_consent=$held; _ga=1");
ok t_cmp($r->content, qr/"granted":\[\],"refused":\["analytics","marketing"\]/,
         'withdraw: everything refused');
($id) = $r->content =~ /"id":"([0-9a-f]{32})"/;
%rec = record_of($id);
ok t_cmp("$rec{action} $rec{replaces}", "withdraw $old",
         '... recorded as replacing the decision held');
ok t_cmp(scalar(grep { /^_ga=;/ } $r->header('Set-Cookie')), 1,
         '... _ga expired');

# 21-22: DELETE
$r = req('DELETE', '/privacy/consent', Origin => $origin,
                                 Cookie => "privacy_consent=$held");
ok t_cmp($r->code . ' ' . $r->content,
         qr/^200 \{"decision":\{"id":"[0-9a-f]{32}","granted":\[\]/,
         'DELETE withdraws');
($id) = $r->content =~ /"id":"([0-9a-f]{32})"/;
ok t_cmp(record_of($id)->{action} // '', 'withdraw', '... recorded');

# 23-24: a return that leaves the site is ignored
for my $ret ('%2F%2Fevil.example%2F', 'https%3A%2F%2Fevil.example%2F') {
    $r = consent("action=reject_all&return=$ret", Origin => $origin);
    ok t_cmp($r->code . ' ' . ($r->header('Location') // '-'), '200 -',
             "return $ret: JSON, no redirect");
}

# 25: no return field: JSON
ok t_cmp(consent('action=reject_all', Origin => $origin)->content,
         qr/^\{"decision":\{/, 'the form without return: JSON');

# 26-32: another site cannot decide
sub status { consent(@_)->code }
ok t_cmp(status('action=accept_all', Origin => 'http://evil.example'), 403,
         'another Origin: 403');
ok t_cmp(consent('action=accept_all', Origin => 'http://evil.example',
                 Accept => 'application/json')->content,
         qq({"error":"cross-site request"}\n), '... and its reason');
ok t_cmp(status('action=accept_all', Origin => $origin,
                'Sec-Fetch-Site' => 'cross-site'), 403,
         'Sec-Fetch-Site cross-site wins over a good Origin');
ok t_cmp(status('action=accept_all', 'Sec-Fetch-Site' => 'same-origin'), 200,
         'Sec-Fetch-Site same-origin alone');
ok t_cmp(status('action=accept_all', Referer => "$origin.evil.net/x"), 403,
         'a look-alike Referer: 403');
ok t_cmp(status('action=accept_all', Referer => "$origin/page"), 200,
         'a Referer of this site');
ok t_cmp(status('action=accept_all'), 403,
         'no Sec-Fetch-Site, Origin or Referer: 403');

# 33-42: bad input changes nothing
my $before = scalar @{redis('KEYS', 'privacy:consent:*')};
ok t_cmp(status('action=accept_all&x=' . ('a' x 4090), Origin => $origin),
         413, 'a body over 4096 bytes: 413');
ok t_cmp(raw("POST /privacy/consent HTTP/1.1\r\nHost: "
             . Apache::TestRequest::hostport() . "\r\nOrigin: $origin\r\n"
             . "Content-Type: application/x-www-form-urlencoded\r\n"
             . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
             . join('', map { "400\r\n" . ('a&' x 512) . "\r\n" } 1 .. 5)
             . "0\r\n\r\n"),
         qr/^HTTP\/1\.1 413 /, 'a chunked body over 4096 bytes: 413');
ok t_cmp(status('action=accept_all', Origin => $origin,
                'Content-Type' => 'text/plain'), 415,
         'another content type: 415');
ok t_cmp(status('action=accept_all', Origin => $origin,
                'Content-Type' => 'application/x-www-form-urlencodedX'), 415,
         'a content type that only starts like the form\'s: 415');
ok t_cmp(status('', Origin => $origin), 400, 'an empty body: 400');
ok t_cmp(status('action=accept%zzall', Origin => $origin), 400,
         'malformed percent-encoding: 400');
ok t_cmp(consent('action=everything', Origin => $origin,
                 Accept => 'application/json')->content,
         qr/^\{"error":"[^"]+"\}\n\z/, 'an unknown action: a JSON reason');
ok t_cmp(status('action=save&category=spying', Origin => $origin), 400,
         'an unknown category: 400');
ok t_cmp(status('category=analytics', Origin => $origin), 400,
         'no action: 400');
ok t_cmp(scalar @{redis('KEYS', 'privacy:consent:*')}, $before,
         '... and nothing of them recorded');

# 43-44: the error page for a browser without script
$r = consent('action=accept_all', Origin => 'http://evil.example',
             Accept => 'text/html');
ok t_cmp($r->code . ' ' . $r->header('Content-Type'),
         '403 text/html; charset=utf-8', 'a browser gets a page');
ok t_cmp($r->content, qr/Your choice was not saved.*cross-site request \(403\)/s,
         '... that says why');

# 45-50: GET
$r = GET('/privacy/consent', Accept => 'application/json');
ok t_cmp($r->code . ' ' . $r->content, qq(200 {"decision":null}\n),
         'GET without a decision');
ok t_cmp($r->header('Vary') // '', qr/Accept/, '... Vary: Accept');
$r = GET('/privacy/consent', Cookie => "privacy_consent=$held");
ok t_cmp($r->content,
         qr/^\{"decision":\{"id":"$old","granted":\["analytics"\],"refused":\["marketing"\],"time":\d+,"policy":"2018-04"\}\}\n\z/,
         'GET with a decision, from the token');
$r = GET('/privacy/consent', Cookie => 'privacy_consent=' . ('x' x 300));
ok t_cmp($r->content, qq({"decision":null}\n), 'GET with a broken token');
ok t_cmp(req('PUT', '/privacy/consent', Origin => $origin,
                                   content => 'action=accept_all')->code,
         405, 'PUT: 405');
ok t_cmp(GET('/privacy/consent')->header('Tk'), 'U', 'GET: Tk U');

# 51-56: what the record takes from the request
sub recorded {
    my (%h) = @_;
    my $r = consent('action=reject_all', Origin => $origin, %h);
    my ($id) = $r->content =~ /"id":"([0-9a-f]{32})"/;
    return $id ? record_of($id) : {};
}
ok t_cmp(recorded('User-Agent' => 'u' x 1000)->{ua}, 'u' x 256,
         'the User-Agent, cut at 256 bytes');
ok t_cmp(recorded('Sec-GPC' => '1')->{gpc}, '1', 'Sec-GPC: 1 is recorded');
$r = consent('action=accept_all', @script, 'Sec-GPC' => '1');
ok t_cmp(cookie_of($r, 'privacy_consent') ne '' ? 'cookie' : 'none',
         'cookie', '... and a grant made with it is still a grant');
# Apache refuses a Host no host has before any module runs (nginx lets
# it through, and the record says "invalid")
ok t_cmp(consent('action=reject_all', 'Sec-Fetch-Site' => 'same-origin',
                 Host => 'a"b{c}d')->code, 400,
         'a Host no host has: Apache\'s 400');
ok t_cmp(recorded('Sec-Fetch-Site' => 'same-origin',
                  Host => ('a' x 250) . ':8080')->{host},
         ('a' x 250) . ':8080', 'a host:port of 255 bytes as it is');
ok t_cmp(recorded('Sec-Fetch-Site' => 'same-origin',
                  Host => ('a' x 251) . ':8080')->{host},
         'invalid', 'one of 256 bytes: "invalid"');

# 57-58: the endpoint's own cookie is the only one it sets; a forged one
# from the application is never let through elsewhere
$r = consent('action=accept_all&category=x', @script);
ok t_cmp(scalar(() = $r->header('Set-Cookie')), 0,
         'a refused form sets no cookie');
$r = consent('action=save', @script, Cookie => '_ga=1; theme=dark');
ok t_cmp(join(' ', sort map { /^([^=]+)=;/ ? $1 : () }
                        $r->header('Set-Cookie')), '_ga',
         'save of nothing: the analytics cookie expired, an unknown one '
         . 'allowed');

# 59-60: HEAD and the answer's length
$r = Apache::TestRequest::HEAD('/privacy/consent',
                               Accept => 'application/json');
ok t_cmp($r->code . ' [' . $r->content . ']', '200 []', 'HEAD: no body');
ok t_cmp(GET('/privacy/consent')->header('Content-Length'), 18,
         'GET: its Content-Length');

# 61-62: report mode changes nothing of the endpoint
$r = consent('action=accept_all', @script, path => '/report/consent');
($id) = $r->content =~ /"id":"([0-9a-f]{32})"/;
ok t_cmp($r->code . ' ' . (cookie_of($r, 'privacy_consent') ne '' ? 'cookie'
                                                                  : 'none'),
         '200 cookie', 'report mode: the decision is taken');
ok t_cmp(record_of($id || 'none')->{action} // '', 'accept_all',
         '... and recorded');
