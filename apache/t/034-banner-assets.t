# The banner's stylesheet and script, served by the consent endpoint:
# byte for byte the files of ngx_privacy_module/assets/ that the build put
# into the module, under their plain names and under names with a hash of
# their bytes in them.  Mirrors t/032-banner-assets.t of the nginx module.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET HEAD);
use Apache::TestUtil qw(t_cmp);
use Digest::SHA qw(sha256_hex);
use PrivacyTest qw(mint);
use ConsentTest qw(req);

plan tests => 60;

# the files as a designer left them
sub asset {
    my ($name) = @_;
    my $file = "$ENV{TEST_NGINX_PRIVACY_ROOT}/ngx_privacy_module/assets/$name";
    open my $fh, '<:raw', $file or die "cannot read $file: $!\n";
    local $/;
    my $bytes = <$fh>;
    close $fh;
    return $bytes;
}

my $Css = asset('banner.css');
my $Js  = asset('banner.js');

# the names the banner links: 12 hex digits of the SHA-256 of the bytes
my $CssHash = substr(sha256_hex($Css), 0, 12);
my $JsHash  = substr(sha256_hex($Js), 0, 12);
my $CssUrl  = "/privacy/consent/banner.$CssHash.css";
my $JsUrl   = "/privacy/consent/banner.$JsHash.js";

my $Year = 'public, max-age=31536000, immutable';

sub h { my ($r, $name) = @_; return $r->header($name) // '-' }

# 1-5: banner.css is the file's bytes, not to be stored
my $r = GET('/privacy/consent/banner.css');
ok t_cmp($r->code, 200, 'banner.css: 200');
ok t_cmp($r->content eq $Css ? 'file' : 'other', 'file',
         '... the file\'s bytes');
ok t_cmp(h($r, 'Content-Type') . ' ' . h($r, 'Content-Length'),
         'text/css ' . length($Css), '... text/css, its length');
ok t_cmp(h($r, 'Cache-Control') . ' ' . h($r, 'Tk'), 'no-store U',
         '... not to be stored, Tk: U');
ok t_cmp(h($r, 'ETag'), '-', '... no ETag');

# 6-7: banner.js
$r = GET('/privacy/consent/banner.js');
ok t_cmp($r->content eq $Js ? 'file' : 'other', 'file',
         'banner.js: the file\'s bytes');
ok t_cmp(h($r, 'Content-Type') . ' ' . h($r, 'Content-Length') . ' '
         . h($r, 'Cache-Control'), 'text/javascript ' . length($Js)
         . ' no-store', '... text/javascript, its length, not stored');

# 8-9: HEAD: the headers of GET, no body
$r = HEAD('/privacy/consent/banner.css');
ok t_cmp(h($r, 'Content-Type') . ' ' . h($r, 'Content-Length') . ' '
         . h($r, 'Cache-Control'), 'text/css ' . length($Css) . ' no-store',
         'HEAD: the headers of GET');
ok t_cmp($r->content, '', '... no body');

# 10-11: below another endpoint (a virtual host's)
Apache::TestRequest::module('moved');
$r = GET('/elsewhere/consent/banner.js');
ok t_cmp($r->content eq $Js ? 'file' : $r->code, 'file',
         'below another endpoint: the file');
$r = GET("/elsewhere/consent/banner.$CssHash.css");
ok t_cmp(h($r, 'Cache-Control'), $Year, '... and its hashed names');
Apache::TestRequest::module('default');

# 12-17: other names below the endpoint: 404, not to be stored
for my $name ('banner.cs', 'banner.css/', 'banner.CSS', '', 'a' x 4000,
              'sub/banner.css') {
    $r = GET("/privacy/consent/$name");
    ok t_cmp($r->code . ' ' . h($r, 'Cache-Control'), '404 no-store',
             'below the endpoint: "' . substr($name, 0, 20) . '": 404');
}

# 18-20: methods other than GET and HEAD: 405
for my $m (['POST', $CssUrl], ['DELETE', '/privacy/consent/banner.js'],
           ['PUT', '/privacy/consent/banner.css']) {
    $r = req($m->[0], $m->[1], content => 'x');
    ok t_cmp($r->code . ' ' . h($r, 'Cache-Control') . ' ' . h($r, 'ETag'),
             '405 no-store -', "$m->[0] $m->[1]: 405, not to be stored");
}

# 21-26: banner.HASH.css: the file's bytes, kept a year, with its ETag
$r = GET($CssUrl);
ok t_cmp($r->content eq $Css ? 'file' : $r->code, 'file',
         'banner.HASH.css: the file');
ok t_cmp(h($r, 'Content-Type') . ' ' . h($r, 'Content-Length'),
         'text/css ' . length($Css), '... text/css, its length');
ok t_cmp(h($r, 'Cache-Control'), $Year, '... kept a year, immutable');
ok t_cmp(h($r, 'ETag'), qq("$CssHash"), '... its ETag');
ok t_cmp(h($r, 'Tk'), 'U', '... Tk: U');
ok t_cmp(h($r, 'Vary') . ' ' . h($r, 'Set-Cookie'), '- -',
         '... no Vary, no cookie');

# 27-29: banner.HASH.js
$r = GET($JsUrl);
ok t_cmp($r->content eq $Js ? 'file' : $r->code, 'file',
         'banner.HASH.js: the file');
ok t_cmp(h($r, 'Content-Type') . ' ' . h($r, 'Cache-Control'),
         "text/javascript $Year", '... kept a year');
ok t_cmp(h($r, 'ETag'), qq("$JsHash"), '... its ETag');

# 30-31: HEAD of a hashed name
$r = HEAD($JsUrl);
ok t_cmp(h($r, 'Content-Length') . ' ' . h($r, 'Cache-Control') . ' '
         . h($r, 'ETag'), length($Js) . " $Year \"$JsHash\"",
         'HEAD of a hashed name: the headers of GET');
ok t_cmp($r->content, '', '... no body');

# 32-35: a revalidation with the ETag: 304, even for a visitor the banner
# waits for
$r = GET($CssUrl, 'If-None-Match' => qq("$CssHash"));
ok t_cmp($r->code, 304, 'If-None-Match with the ETag: 304');
ok t_cmp(h($r, 'ETag'), qq("$CssHash"), '... with the ETag');
ok t_cmp(h($r, 'Cache-Control'), $Year, '... and the year');
ok t_cmp($r->content, '', '... no body');

# 36-37: a revalidation with another ETag, or a list: the file or 304
$r = GET($CssUrl, 'If-None-Match' => '"000000000000"');
ok t_cmp($r->code . ' ' . ($r->content eq $Css ? 'file' : 'other'),
         '200 file', 'If-None-Match with another ETag: the file');
$r = GET($CssUrl, 'If-None-Match' => qq("000000000000", "$CssHash"));
ok t_cmp($r->code, 304, '... a list with the ETag: 304');

# 38-39: a hashed name sets no cookie and expires none: a shared cache
# keeps it for everyone
$r = GET($CssUrl, Cookie => '_ga=GA1.2.3; _fbp=fb.1; theme=dark');
ok t_cmp(h($r, 'Set-Cookie'), '-',
         'a hashed name with trackers in the request: no Set-Cookie');
ok t_cmp(h($r, 'Cache-Control'), $Year, '... kept a year');

# 40-41: a plain name does expire them, as every answer of the endpoint
$r = GET('/privacy/consent/banner.css', Cookie => '_ga=GA1.2.3');
ok t_cmp(scalar(grep { /^_ga=;/ } $r->header('Set-Cookie')), 1,
         'a plain name: the tracker expired');
ok t_cmp(h($r, 'Cache-Control'), 'no-store', '... not to be stored');

# 42-45: a hash that is not the file's (a page from another version): the
# file, not to be stored
$r = GET('/privacy/consent/banner.000000000000.css');
ok t_cmp($r->content eq $Css ? 'file' : $r->code, 'file',
         'another hash: the current file');
ok t_cmp(h($r, 'Cache-Control') . ' ' . h($r, 'ETag'), 'no-store -',
         '... not to be stored, no ETag');
$r = GET("/privacy/consent/banner.$CssHash.js");
ok t_cmp($r->content eq $Js ? 'file' : $r->code, 'file',
         'the stylesheet\'s hash with .js: the script');
ok t_cmp(h($r, 'Cache-Control') . ' ' . h($r, 'ETag'), 'no-store -',
         '... not to be stored');

# 46-54: names like hashed ones that are not: 404, not to be stored
for my $name ('banner.' . uc($CssHash) . '.css',
              'banner.' . substr($CssHash, 1) . '.css',
              "banner.${CssHash}0.css", 'banner.00000000000g.css',
              'banner..css', "banner.$CssHash.css.map",
              "banner.${CssHash}css", "banner-$CssHash.css",
              'banner.' . ('0' x 4000) . '.css') {
    $r = GET("/privacy/consent/$name");
    ok t_cmp($r->code . ' ' . h($r, 'Cache-Control') . ' ' . h($r, 'ETag'),
             '404 no-store -', substr($name, 0, 30) . ': 404');
}

# 55-57: the builtin banner links the hashed names
$r = GET('/builtin.html');
ok t_cmp($r->content,
         qr{<div id="privacy-banner"[^>]*><link rel="stylesheet" href="\Q$CssUrl\E"><script src="\Q$JsUrl\E" defer></script><form },
         'the builtin banner links the hashed names');
my ($css) = $r->content =~ m{<link rel="stylesheet" href="([^"]*)"};
ok t_cmp(GET($css)->content eq $Css ? 'file' : 'other', 'file',
         '... which serve the stylesheet');
my ($js) = $r->content =~ m{<script src="([^"]*)"};
ok t_cmp(GET($js)->content eq $Js ? 'file' : 'other', 'file',
         '... and the script');

# 58: the settings page links the hashed stylesheet
$r = GET('/privacy/consent', Accept => 'text/html');
ok t_cmp($r->content, qr{<link rel="stylesheet" href="\Q$CssUrl\E"></head>},
         'the settings page links the hashed stylesheet');

# 59-60: a FILE banner: {{banner_css_url}} and {{banner_js_url}}
$r = GET('/assets-banner/page.html');
ok t_cmp($r->content,
         qq{<html><body><div id="privacy-banner">$CssUrl $JsUrl $CssUrl}
         . qq{</div>x</body></html>\n},
         'a FILE banner: {{banner_css_url}} and {{banner_js_url}}');
ok t_cmp(GET('/assets-banner/page.html',
             Cookie => 'privacy_consent=' . mint(grant => 'analytics'))
         ->content, "<html><body>x</body></html>\n",
         '... and none for a visitor who decided');
