# The consent endpoint's GET: ?history=1, the records Redis holds of the
# visitor's decision and of those it replaced, in the nginx module's JSON;
# and the settings page a browser gets (Accept: text/html), with ?saved=1
# after a decision taken on it.  Mirrors t/030-consent.t's history and
# settings page cases.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET HEAD);
use Apache::TestUtil qw(t_cmp);
use PrivacyTest qw(mint redis);
use ConsentTest qw(consent origin cookie_of);

plan tests => 36;

my $cur  = 'c1' x 16;
my $prev = 'c2' x 16;
my $first = 'c3' x 16;
my @keys = map { "privacy:consent:$_" } $cur, $prev, $first;

END { eval { redis('DEL', @keys) } }

# issued ten days ago, at a time the page shows to the minute
my $issued = time() - 10 * 86400;
my @t = gmtime $issued;
my $ymd = sprintf '%04d-%02d-%02d', $t[5] + 1900, $t[4] + 1, $t[3];
my $made = sprintf '<time datetime="%sT%02d:%02d:%02dZ">%s %02d:%02d UTC</time>',
                   $ymd, $t[2], $t[1], $t[0], $ymd, $t[2], $t[1];
my $token = mint(grant => 'analytics', id => $cur, issued => $issued);
my $cookie = "privacy_consent=$token";

redis('DEL', @keys);
redis('HSET', "privacy:consent:$first", id => $first,
      action => 'accept_all', granted => 'analytics,marketing',
      replaces => '');
redis('HSET', "privacy:consent:$prev", id => $prev, action => 'reject_all',
      granted => '', ua => qq{a "quoted"\\ agent\n\x01}, replaces => $first);
redis('HSET', "privacy:consent:$cur", id => $cur, action => 'save',
      granted => 'analytics', replaces => $prev);

my $decision = qr/^\{"decision":\{"id":"$cur","granted":\["analytics"\],"refused":\["marketing"\],"time":$issued,"policy":"2018-04"\}/;

# 1-6: the records of the decision and those it replaced, newest first
my $r = GET('/privacy/consent?history=1', Cookie => $cookie);
ok t_cmp($r->code . ' ' . $r->header('Content-Type'), '200 application/json',
         '?history=1: JSON');
ok t_cmp($r->content, $decision, '... the decision first');
my ($history) = $r->content =~ /,"history":\[(.*)\]\}\n\z/s;
my @ids = ($history // '') =~ /"id":"([0-9a-f]{32})"/g;
ok t_cmp("@ids", "$cur $prev $first",
         '... then its record and those it replaced, newest first');
ok t_cmp($history // '', qr/^\{[^}]*"action":"save"[^}]*"replaces":"$prev"/,
         '... each record with its fields');
ok t_cmp($history // '',
         qr/"ua":"a \\"quoted\\"\\\\ agent\\u000a\\u0001"/,
         '... JSON-escaped');
ok t_cmp($r->header('Cache-Control') . ' ' . $r->header('Tk'), 'no-store U',
         '... not to be stored, Tk: U');

# 7-8: a record gone with its retention ends the history
redis('DEL', "privacy:consent:$first");
$r = GET('/privacy/consent?history=1', Cookie => $cookie);
@ids = $r->content =~ /"id":"([0-9a-f]{32})"/g;
ok t_cmp("@ids", "$cur $cur $prev", 'a record gone: the history ends there');
redis('DEL', "privacy:consent:$cur");
ok t_cmp(GET('/privacy/consent?history=1', Cookie => $cookie)->content,
         qr/"history":\[\]\}\n\z/, 'none left: an empty history');

# 9: a circle of records that replace each other: at most 20
redis('HSET', "privacy:consent:$cur", id => $cur, replaces => $prev);
redis('HSET', "privacy:consent:$prev", id => $prev, replaces => $cur);
@ids = GET('/privacy/consent?history=1', Cookie => $cookie)->content
       =~ /"id":"([0-9a-f]{32})"/g;
ok t_cmp(scalar(@ids), 21, 'records that replace each other: 20, no more');

# 10-13: only history=1, only with a decision
ok t_cmp(GET('/privacy/consent?history=1')->content, qq({"decision":null}\n),
         'no decision: no history');
for my $q ('history=0', 'history=11', 'xhistory=1') {
    ok t_cmp(GET("/privacy/consent?$q", Cookie => $cookie)->content,
             qr/\}\}\n\z/, "?$q: the decision alone");
}

# 14: the argument's name in any case, as nginx reads it
ok t_cmp(GET('/privacy/consent?a=b&HISTORY=1', Cookie => $cookie)->content,
         qr/"history":\[/, '?HISTORY=1 after another argument');

# 15-16: Redis absent: 503, nothing made up
Apache::TestRequest::module('redisdown');
$r = GET('/privacy/consent?history=1', Cookie => $cookie,
         Accept => 'application/json');
ok t_cmp($r->code . ' ' . ($r->header('Retry-After') // '-'), '503 5',
         'Redis absent: 503, Retry-After');
ok t_cmp($r->content, qq({"error":"the records could not be read"}\n),
         '... and the reason');
Apache::TestRequest::module('default');

# 17-21: the settings page without a decision: the form, nothing ticked
$r = GET('/privacy/consent', Accept => 'text/html,application/xhtml+xml,*/*;q=0.8');
ok t_cmp($r->code . ' ' . $r->header('Content-Type'),
         '200 text/html; charset=utf-8', 'a browser: the settings page');
ok t_cmp($r->content,
         qr{<h1>Privacy settings</h1>.*<p>You have not made a choice yet\.</p>.*<form class="privacy-banner__form" method="post" action="/privacy/consent">.*value="analytics"> Analytics</label>.*value="marketing"> Marketing</label>.*name="return" value="/privacy/consent\?saved=1".*value="save".*value="accept_all".*value="reject_all"}s,
         '... the form, to come back to with ?saved=1');
ok t_cmp($r->content =~ /withdraw|checked|role="status"|id="privacy-banner"/
         ? 'there' : 'none', 'none',
         '... nothing ticked, no withdrawal, no banner');
ok t_cmp(join(' ', map { $r->header($_) // '-' } qw(Tk Cache-Control Vary)),
         qr/^U no-store .*Accept/, '... Tk: U, no-store, Vary: Accept');
ok t_cmp($r->content, qr{<p class="privacy-settings__back"><a href="/">Back to the site</a></p></main></body></html>\n\z},
         '... and a link back to the site');

# 22-25: with a decision: the current choice, ticked, and withdrawal
$r = GET('/privacy/consent', Accept => 'text/html', Cookie => $cookie);
ok t_cmp($r->content,
         qr{<dt>Allowed</dt><dd>Analytics</dd><dt>Refused</dt><dd>Marketing</dd><dt>Made on</dt><dd>\Q$made\E</dd></dl>},
         'a decision: what it allows and refuses, and when');
ok t_cmp($r->content,
         qr{value="analytics" checked> Analytics.*value="marketing"> Marketing.*value="withdraw"}s,
         '... its categories ticked, and withdrawal');
ok t_cmp($r->content, qr{Necessary},
         '... the essential categories shown');
my $none = mint(grant => 'none', id => $cur);
ok t_cmp(GET('/privacy/consent', Accept => 'text/html',
             Cookie => "privacy_consent=$none")->content,
         qr{<dt>Allowed</dt><dd>none</dd><dt>Refused</dt><dd>Analytics, Marketing</dd>},
         '... nothing allowed: "none", the refused ones listed');

# 26-28: ?saved=1 only: the page says the choice is saved
$r = GET('/privacy/consent?saved=1', Accept => 'text/html',
         Cookie => $cookie);
ok t_cmp($r->content,
         qr{<h2 id="privacy-current">Your current choice</h2><p class="privacy-settings__saved" role="status">Your choice is saved\.},
         '?saved=1: the choice is saved, in a status');
ok t_cmp(GET('/privacy/consent?history=0&saved=1', Accept => 'text/html')
         ->content, qr{role="status"}, '... after another argument');
ok t_cmp(GET('/privacy/consent?saved=2', Accept => 'text/html')->content
         =~ /role="status"/ ? 'said' : 'not said', 'not said',
         '?saved=2: not said');

# 29: a script gets the JSON, whatever else it accepts
ok t_cmp(GET('/privacy/consent', Accept => 'text/html, application/json')
         ->content, qq({"decision":null}\n), 'JSON asked: the JSON');

# 30-31: the policy link, and HEAD
ok t_cmp(GET('/privacy/consent', Accept => 'text/html')->content
         =~ m{<p><a href=} ? 'link' : 'none', 'none',
         'no PrivacyPolicyURL: no link to the notice');
$r = HEAD('/privacy/consent', Accept => 'text/html');
ok t_cmp($r->code . ' ' . $r->header('Content-Type') . ' [' . $r->content
         . ']', '200 text/html; charset=utf-8 []', 'HEAD: the page\'s headers');

# 32-33: the form on the page works without script: back with ?saved=1
$r = consent('action=reject_all&return=%2Fprivacy%2Fconsent%3Fsaved%3D1',
             Origin => origin());
ok t_cmp($r->code . ' ' . $r->header('Location'),
         '303 /privacy/consent?saved=1', 'the page\'s form: 303 to it');
ok t_cmp(GET($r->header('Location'), Accept => 'text/html',
             Cookie => 'privacy_consent=' . cookie_of($r, 'privacy_consent'))
         ->content,
         qr{role="status">Your choice is saved\..*<dt>Refused</dt><dd>Analytics, Marketing</dd>}s,
         '... which says it is saved, and what it is');

# 34-36: hostile queries
ok t_cmp(GET('/privacy/consent?' . ('saved=1&' x 500) . 'history=1',
             Cookie => $cookie)->content, qr/"history":\[/,
         'a long query: read to its end');
ok t_cmp(GET('/privacy/consent?history', Cookie => $cookie)->content,
         qr/\}\}\n\z/, '?history without a value: the decision alone');
ok t_cmp(GET('/privacy/consent?history=1&', Cookie => $cookie)->code, 200,
         '?history=1&: 200');
