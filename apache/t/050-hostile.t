# Hostile consent bodies: the core's form parser on bodies of every shape
# the endpoint takes whole (PRIVACY_FORM_ROOM): pieces without "=", empty
# pieces, escapes cut at the end, NUL and control bytes, the longest body
# allowed, the same chunked across its pieces.  Mirrors the consent blocks
# of t/050-hostile.t.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use ConsentTest qw(consent origin raw);

plan tests => 12;

my @h = (Origin => origin(), Accept => 'application/json');

sub answer {
    my $r = consent(@_, @h);
    return $r->code . ' ' . ($r->content =~ /^\{"(\w+)"/ ? $1 : '?');
}

# exactly 4096 bytes: the heap overflow input of the nginx module's parser
my $body = 'action=withdraw';
$body .= '&a' while length($body) + 2 <= 4096;
$body .= '&' x (4096 - length $body);
ok t_cmp(length $body, 4096, 'a body of 4096 bytes');
ok t_cmp(answer($body), '200 decision',
         '... of pieces without "=": taken');
ok t_cmp(answer($body . 'x'), '413 error', 'one byte more: 413');
ok t_cmp(answer('&' x 4000 . 'action=reject_all'), '200 decision',
         'thousands of empty pieces');
ok t_cmp(answer('action=reject_all&x=%'), '400 error', 'an escape cut at "%"');
ok t_cmp(answer('action=reject_all&x=%4'), '400 error',
         'an escape cut after one digit');
ok t_cmp(answer('action=reject_all&%00=1'), '400 error', 'a NUL in a name');
ok t_cmp(answer('action=reject_all&action=accept_all'), '400 error',
         'the action twice');
ok t_cmp(answer('=x&action=reject_all'), '400 error', 'an empty name');
ok t_cmp(answer('action=save&' . join('&', ('category=analytics') x 200)),
         '200 decision', 'a category ticked 200 times');

# the 4096 bytes chunked, a chunk boundary in every piece
my $req = "POST /privacy/consent HTTP/1.1\r\nHost: "
          . Apache::TestRequest::hostport() . "\r\nOrigin: " . origin()
          . "\r\nAccept: application/json\r\nConnection: close\r\n"
          . "Content-Type: application/x-www-form-urlencoded\r\n"
          . "Transfer-Encoding: chunked\r\n\r\n";
for (my $i = 0; $i < length $body; $i += 3) {
    my $piece = substr($body, $i, 3);
    $req .= sprintf("%x\r\n%s\r\n", length $piece, $piece);
}
$req .= "0\r\n\r\n";
ok t_cmp(raw($req), qr/^HTTP\/1\.1 200 .*\{"decision":\{/s,
         'the same body in chunks of 3 bytes');

ok t_cmp(GET('/index.html')->code, 200, 'the server is still there');
