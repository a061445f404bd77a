# The consent banner: which responses get it (status 200, text/html or a
# PrivacyBannerTypes type, the main request, no Content-Encoding, an
# undecided visitor, not off, not report mode), where it goes (body_start,
# body_end, past a "<body>" in a script, a comment or an attribute), what
# it is made of (builtin, a file with placeholders), the headers that
# change with it, HEAD as GET, and pages cut into buckets and brigades of
# one byte by mod_bucketeer.  Mirrors t/024-banner.t and
# t/025-banner-stream.t of the nginx module.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET HEAD);
use Apache::TestUtil qw(t_cmp t_start_error_log_watch
                        t_finish_error_log_watch);
use PrivacyTest qw(mint);
use File::Path qw(make_path);
use File::Basename qw(dirname);

my $Page = '<html><head><title>t</title></head><body class="x">'
         . '<p>content</p></body></html>';
my $Start = $Page =~ s/(<body class="x">)/$1\[B\]/r;
my $End = $Page =~ s{</body>}{[B]</body>}r;

# the pages cut by BUCKETEER: a brigade per byte (0x10) and a bucket per
# byte in one brigade (0x02), with 0 .. 12 bytes of padding before the
# tag so that every offset in it is a cut of the other kind too
my $Tag = q{<body class="main" data-x='a>b'>};
my $Head = q{<!DOCTYPE html><html><head><title>t</title>}
         . q{<script>var s = "<body>";</script><!-- <body> --></head>};

sub page { ('.' x $_[0]) . $Head . $Tag . "<p>content</p></body></html>\n" }

my $docroot = Apache::Test::vars('documentroot');
my $MaxPad = 12;

sub write_file {
    my ($name, $content) = @_;
    # git keeps no empty directory: banner/split is made here
    make_path(dirname("$docroot/$name"));
    open my $fh, '>', "$docroot/$name" or die "$docroot/$name: $!";
    print $fh $content;
    close $fh;
}

for my $pad (0 .. $MaxPad) {
    for my $cut ("\x10", "\x02") {
        my $n = sprintf '%s%02d.html', $cut eq "\x10" ? 'b' : 'k', $pad;
        my $cutpage = join $cut, split //, page($pad);
        write_file("banner/split/$n", $cutpage);
        write_file("banner/split/end/$n", $cutpage);
    }
}
write_file('banner/split/end/endbo.html', join "\x10", split //,
           '<body><p>x</p></bo');
write_file('banner/split/end/endbody.html', join "\x10", split //,
           '<body><p>x</p></body');

plan tests => 62 + 4 * ($MaxPad + 1);

my $all = mint(grant => 'analytics,marketing');
my $none = mint(grant => 'none');

sub body { my $r = GET @_; $r->code . ' ' . $r->content }

# 1 .. 8: the file banner at body_start, and the headers that change
my $r = GET '/banner/page.html';
ok t_cmp($r->code . ' ' . $r->content, "200 $Start",
         'the banner goes right after <body ...> of an undecided visitor');
ok t_cmp($r->header('Content-Length'), length $Start,
         '... with the length of the page and the banner');
ok t_cmp($r->header('Vary') // '', qr/\bCookie\b/, '... Vary: Cookie');
ok t_cmp($r->header('ETag'), undef, '... no ETag');
ok t_cmp($r->header('Last-Modified'), undef, '... no Last-Modified');
ok t_cmp($r->header('Accept-Ranges'), undef, '... no Accept-Ranges');
ok t_cmp($r->header('Tk'), 'N', '... Tk N');

$r = GET '/banner/page.html', Range => 'bytes=0-9';
ok t_cmp($r->code . ' ' . $r->content, "200 $Start",
         'a Range request gets the whole page with the banner');

# 9 .. 10
ok t_cmp(body('/banner/end/page.html'), "200 $End",
         'body_end: the banner goes right before </body>');
ok t_cmp(body('/banner/end/falseend.html'),
         '200 <body><p>x</p></bold></body-x><p>y',
         'body_end: </bold> and </body-x> are not </body>');

# 11 .. 13: tags where a browser finds them
ok t_cmp(body('/banner/script.html'),
         q{200 <!DOCTYPE html><html><head><script>var s = "<body>";</script>}
         . q{<!-- <body> --><style>p{}</style></head><BODY data-x='a>b'>[B]}
         . q{x</body></html>},
         'a "<body>" in a script or a comment is not the body tag; a ">" '
         . 'in a quoted attribute does not end it');
ok t_cmp(body('/banner/end/script.html'),
         q{200 <!DOCTYPE html><html><head><script>var s = "<body>";</script>}
         . q{<!-- <body> --><style>p{}</style></head><BODY data-x='a>b'>}
         . q{x[B]</body></html>},
         '... and body_end after it');
ok t_cmp(body('/banner/nobody.html'), '200 <html><p>no body tag</p></html>',
         'a page without a body tag is left as it is');

# 14 .. 15: held bytes given back
ok t_cmp(body('/banner/end/endbo.html'), '200 <body><p>x</p></bo',
         'body_end: a page that ends in "</bo" keeps it');
$r = GET '/banner/end/endbo.html';
ok t_cmp($r->header('Content-Length'), length '<body><p>x</p></bo',
         '... and its length');

# 16 .. 21: decided visitors, and responses that never get the banner
$r = GET '/banner/page.html', Cookie => "privacy_consent=$all";
ok t_cmp($r->code . ' ' . $r->content, "200 $Page",
         'a visitor who consented gets the page as it is');
ok t_cmp(($r->header('Vary') // '') =~ /\bCookie\b/ ? 1 : 0, 1,
         '... with Vary: Cookie');
ok t_cmp(defined $r->header('ETag') ? 1 : 0, 1, '... and its ETag');
ok t_cmp(body('/banner/page.html', Cookie => "privacy_consent=$none"),
         "200 $Page", 'a visitor who refused gets the page as it is');
ok t_cmp(body('/banner/page.html', Cookie => 'privacy_consent=' . ('A' x 90)),
         "200 $Start", 'a malformed token is no decision: the banner');
$r = GET '/banner/plain.txt';
ok t_cmp($r->code . ' ' . $r->content . ' ' . ($r->header('Vary') // '-'),
         '200 <p>a <body> in text</p> -',
         'text/plain: untouched, no Vary');

# 22 .. 24
t_start_error_log_watch();
$r = GET '/banner/gz/compressed.html.gz';
ok t_cmp($r->code . ' ' . $r->content, '200 <html><body>x</body></html>',
         'a response with a Content-Encoding is left as it is');
ok t_cmp(scalar(grep { /banner not inserted: the response has "Content-Encoding: gzip"/ }
                t_finish_error_log_watch()), 1, '... and that is logged');
ok t_cmp(body('/banner/missing.html') =~ /^404 .*\[B\]/s ? 'banner' : 'none',
         'none', 'an error page gets no banner');

# 25 .. 28
ok t_cmp(body('/banner/off/page.html'), "200 $Page", 'PrivacyBanner off');
ok t_cmp(body('/banner/report/page.html'), "200 $Page",
         'report mode inserts no banner');
ok t_cmp(body('/banner/types/page.xhtml'), '200 <html><body>[B]x</body></html>',
         'PrivacyBannerTypes adds a type');
ok t_cmp(body('/banner/types/page.svg'), '200 <html><body>x</body></html>',
         '... and only that type');

# 29 .. 31: HEAD as GET
$r = HEAD '/banner/page.html';
ok t_cmp($r->code . ' [' . $r->content . ']', '200 []', 'HEAD: no body');
ok t_cmp($r->header('Content-Length'), length $Start,
         "... and GET's length, with the banner");
ok t_cmp($r->header('ETag'), undef, '... no ETag');

# 32: a subrequest's body is the page's: one banner, where the page has it
ok t_cmp(body('/banner/outer.shtml'), '200 <body>[B]in|<body>in',
         'SSI: the included pages get no banner of their own');

# 33 .. 37: the placeholders of a file banner and the return path
ok t_cmp(body("/banner/return/page.html?a=1&b=%22x%22'y'"),
         '200 <html><head><title>t</title></head><body class="x">'
         . '<form><input name="return" value="/banner/return/page.html?a=1&amp;'
         . 'b=%22x%22&#39;y&#39;">|/privacy/consent|{{nothing}}</form>'
         . '<p>content</p></body></html>',
         'the return path, HTML-escaped; the consent URL; other {{...}} '
         . 'text stays');
my $long = 'q=' . ('x' x 5000);
ok t_cmp(body("/banner/return/page.html?$long") =~ /value="([^"]*)"/ ? $1 : '',
         '/banner/return/page.html',
         'a query too long for the form: the path alone');
ok t_cmp(body('//evil.example/../banner/return/page.html')
         =~ /value="([^"]*)"/ ? $1 : '', qr{^/[^/]},
         'a return path never starts with "//"');
ok t_cmp(body("/banner/return/page.html?\x7f") =~ /value="([^"]*)"/ ? $1 : '',
         '/banner/return/page.html?%7F', 'a DEL is %-escaped');
ok t_cmp(body('/banner/return/page.html?a=%00') =~ /value="([^"]*)"/ ? $1 : '',
         '/banner/return/page.html?a=%00', 'an escape stays as it is');

# 38 .. 44: the builtin banner
my $b = body('/builtin.html');
ok t_cmp($b, qr{^200 <!DOCTYPE html><html><head><title>t</title></head><body><div id="privacy-banner" class="privacy-banner" lang="en" role="dialog" aria-modal="false" aria-labelledby="privacy-banner-title" aria-describedby="privacy-banner-text">.*</form><p class="privacy-banner__saved" hidden>Your choice is saved\. [^<]*<a href="/privacy/consent">Privacy settings</a></p></div>x</body></html>$}s,
         'the builtin banner: a labelled dialog after <body>, its note for after a decision hidden');
ok t_cmp($b, qr{<link rel="stylesheet" href="/privacy/consent/banner\.[0-9a-f]{12}\.css"><script src="/privacy/consent/banner\.[0-9a-f]{12}\.js" defer></script><form class="privacy-banner__form" method="post" action="/privacy/consent">},
         '... its stylesheet and script below the consent URL by their '
         . 'hashed names (034-banner-assets.t), its form');
ok t_cmp($b, qr{<input type="hidden" name="return" value="/builtin\.html">},
         '... the return path');
ok t_cmp(index($b, '<div class="privacy-banner__category">'
    . '<label class="privacy-banner__choice"><input type="checkbox" '
    . 'name="category" value="analytics"> Analytics</label>'
    . '<details class="privacy-banner__details"><summary>Details'
    . '<span class="privacy-banner__about"> (Analytics)</span></summary>'
    . '<p>Measure how the site is used, such as the pages visited, to '
    . 'improve it.</p><dl><dt>Cookies</dt><dd>_gid, ~^_ga</dd></dl></details></div>'
    . '<div class="privacy-banner__category">'
    . '<label class="privacy-banner__choice"><input type="checkbox" '
    . 'name="category" value="marketing"> Marketing</label>'
    . '<details class="privacy-banner__details"><summary>Details'
    . '<span class="privacy-banner__about"> (Marketing)</span></summary>'
    . '<p>Let advertising partners recognise you across sites to show ads '
    . 'based on your interests.</p><dl><dt>Cookies</dt><dd>_fbp</dd></dl>'
    . '</details></div>') >= 0 ? 1 : 0, 1,
         "... the optional categories as the nginx module's builtin banner "
         . 'shows them');
ok t_cmp($b, qr{<div class="privacy-banner__essential"><div class="privacy-banner__category"><span class="privacy-banner__choice">Necessary</span>.*<p>Always on: the site needs these to work\.</p><dl><dt>Cookies</dt><dd>session</dd>},
         '... the essential one, always on');
ok t_cmp($b, qr{<button type="submit" name="action" value="accept_all" class="privacy-banner__button">Accept all</button><button type="submit" name="action" value="reject_all" class="privacy-banner__button">Reject all</button>},
         '... Accept all and Reject all alike');
ok t_cmp($b =~ /<script>|<style|style=/ ? 'inline' : 'none', 'none',
         '... no inline script or style');

# 45 .. 52 + 4 per pad: bodies cut into one-byte buckets and brigades
for my $pad (0 .. $MaxPad) {
    my $p = page($pad);
    (my $s = $p) =~ s/\Q$Tag\E/$Tag\[B\]/;
    (my $e = $p) =~ s{</body>}{[B]</body>};
    for my $k ('b', 'k') {
        my $n = sprintf '%s%02d.html', $k, $pad;
        ok t_cmp(body("/banner/split/$n"), "200 $s",
                 "body_start, a " . ($k eq 'b' ? 'brigade' : 'bucket')
                 . " per byte, padding $pad");
        ok t_cmp(body("/banner/split/end/$n"), "200 $e",
                 "body_end, a " . ($k eq 'b' ? 'brigade' : 'bucket')
                 . " per byte, padding $pad");
    }
}

ok t_cmp(body('/banner/split/end/endbo.html'), '200 <body><p>x</p></bo',
         'a brigade per byte: "</bo" at the end is given back');
ok t_cmp(body('/banner/split/end/endbody.html'), '200 <body><p>x</p></body',
         '... and "</body" at the end too');
$r = GET '/banner/split/b00.html';
ok t_cmp($r->header('Client-Transfer-Encoding') // '', 'chunked',
         'a page that comes in many brigades goes chunked');
ok t_cmp($r->header('Content-Length'), undef, '... without a length');

$r = GET '/banner/split/b00.html', Cookie => "privacy_consent=$all";
ok t_cmp($r->content, page(0), 'a brigade per byte, consented: untouched');

t_start_error_log_watch();
ok t_cmp(body('/banner/split/end/k05.html') =~ /\[B\]<\/body>/ ? 1 : 0, 1,
         'body_end once more');
ok t_cmp(scalar(grep { /\[(error|crit|alert|emerg)\]/ }
                t_finish_error_log_watch()), 0, '... and no error logged');
ok t_cmp(body('/banner/cgi/slow.cgi'), '200 <html><head><title>t</title>'
         . '</head><body class="x">[B]<p>content</p></body></html>',
         'a page from a pipe, written in pieces: body_start');
ok t_cmp(body('/banner/cgi/end/slow.cgi'), '200 <html><head><title>t</title>'
         . '</head><body class="x"><p>content</p>[B]</body></html>',
         '... and body_end');
$r = HEAD '/banner/split/b03.html';
ok t_cmp($r->code . ' [' . $r->content . ']', '200 []',
         'HEAD of a page in many brigades: no body');

# 304 Not Modified (t/024-banner.t TESTs 33 .. 33a): a decided visitor's
# revalidation is answered with the Vary of the 200; an undecided one's
# conditions go, and the banner comes
# the Last-Modified a decided visitor gets: the date to revalidate with
sub lm {
    my $r = GET $_[0], Cookie => "privacy_consent=$none";
    return $r->header('Last-Modified') // 'none';
}
my $ims = lm('/banner/page.html');
$r = GET '/banner/page.html', Cookie => "privacy_consent=$none",
                              'If-Modified-Since' => $ims;
ok t_cmp($r->code . ' [' . $r->content . ']', '304 []',
         'a decided visitor\'s 304: no banner, no body');
ok t_cmp($r->header('Vary') // '', qr/\bCookie\b/, '... the Vary of the 200');
$r = GET '/banner/page.html', 'If-Modified-Since' => $ims,
                              'If-None-Match' => '*';
ok t_cmp($r->code . ' ' . $r->content, "200 $Start",
         'an undecided visitor revalidating a copy without the banner gets '
         . 'the banner, not a 304');
$ims = lm('/banner/plain.txt');
$r = GET '/banner/plain.txt', Cookie => "privacy_consent=$none",
                              'If-Modified-Since' => $ims;
ok t_cmp($r->code . ' ' . ($r->header('Vary') // '-'), '304 -',
         'text/plain: a 304 without Vary');
$r = GET '/banner/plain.txt', 'If-Modified-Since' => $ims;
ok t_cmp($r->code, 200, 'an undecided visitor\'s conditions go whatever '
         . 'the type, which is known after the handler only, as with nginx');
$r = GET '/banner/off/page.html',
         'If-Modified-Since' => lm('/banner/off/page.html');
ok t_cmp($r->code . ' ' . ($r->header('Vary') // '-'), '304 -',
         'PrivacyBanner off: the conditions stay, no Vary');
$r = GET '/banner/report/page.html',
         'If-Modified-Since' => lm('/banner/report/page.html');
ok t_cmp($r->code, 304, 'report mode: the conditions stay');
$r = GET '/privacy/consent', 'If-Modified-Since' => $ims,
                             Accept => 'application/json';
ok t_cmp($r->code, 200, 'the consent endpoint answers as it does');
