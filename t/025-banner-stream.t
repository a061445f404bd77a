# The banner in a body that arrives in many small buffers: the body tag
# (and </body> for body_end) split across a buffer boundary at every
# offset, held bytes given back at the end of a page without the tag, a
# large page, a proxied body written a byte at a time by the backend, and
# HEAD of such pages: GET's header, and nothing after it.  The body is
# nginx's to read: with aio threads, directio, sendfile and gzip as the
# location says.
#
# A static file served with "output_buffers 1 N" reaches the module's body
# filter in buffers of N bytes, with sendfile on or off; pages with
# 0 .. N-1 bytes of padding before the tag put a buffer boundary at every
# offset inside it.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $Std = privacy_std_config();

our $Tag  = q{<body class="main" data-x='a>b'>};
our $Head = q{<!DOCTYPE html><html><head><title>t</title>}
          . q{<script>var s = "<body>";</script><!-- <body> --></head>};

sub page {
    my ($pad) = @_;
    return ('.' x $pad) . $Head . $Tag . "<p>content</p></body></html>\n";
}

# the padding that puts the body tag, or </body>, at file offset OFF
sub pad_start { $_[0] - length($Head) }
sub pad_end { $_[0] - length($Head) - length($Tag) - length('<p>content</p>') }

sub start { my $p = page(@_); $p =~ s/\Q$Tag\E/$Tag\[B\]/; $p }
sub end   { my $p = page(@_); $p =~ s{</body>}{[B]</body>}; $p }

our $MaxPad = 40;

# 80 KB before the tag, 80 KB after it
our $Big = join('', map { '<p>' . ('x' x 76) . "</p>\n" } 1 .. 1000)
         . $Tag
         . join('', map { '<p>' . ('y' x 76) . "</p>\n" } 1 .. 1000)
         . "</body>\n";

our $Files = [
    ['banner.html', '[B]'],
    (map { ["p$_.html", page($_)] } 0 .. $MaxPad),
    ['nobody.html', "<html><p>no body tag</p></html>\n"],
    ['endbo.html', "<body><p>x</p></bo"],
    ['endbody.html', "<body><p>x</p></body"],
    ['falseend.html', "<body><p>x</p></bold></body-x></body>"],
    ['big.html', $Big],
    # the tag, and </body>, across the 16 KB boundary, a multiple of the
    # 128-byte buffers of the aio tests
    (map { ["start16k$_.html", page(pad_start(16384 - $_))] } 0 .. 8),
    (map { ["end16k$_.html", page(pad_end(16384 - $_))] } 0 .. 8),
    # replaced by TESTs 35 and 43
    ['changing.html', "<body>old</body>\n"],
];

# a 1 MB page: the body tag at its start, then lines with "</p>" cut by
# buffer boundaries everywhere, then </body>
our $Huge = $Head . $Tag
          . join('', map { '<p>' . ('z' x 72) . "</p>\n" } 1 .. 13000)
          . "</body></html>\n";

sub huge_start { my $p = $Huge; $p =~ s/\Q$Tag\E/$Tag\[B\]/; $p }
sub huge_end   { my $p = $Huge; $p =~ s{</body>}{[B]</body>}; $p }

# the locations of the aio tests: aio threads, 128-byte buffers (the
# insertion point cut across them), sendfile on and off, both positions
our $Aio = q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
    aio threads;
    default_type text/html;
    location /as/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        sendfile on;
        output_buffers 1 128;
    }
    location /ab/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        sendfile off;
        output_buffers 1 128;
    }
    location /at/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        sendfile on;
        output_buffers 1 128;
        privacy_banner_position body_end;
    }
    location /ae/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        sendfile off;
        output_buffers 1 128;
        privacy_banner_position body_end;
    }
    location /sf/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        sendfile on;
    }
};

our $Config = $Std . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
} . join('', map { my $n = $_; qq{
    location /b$n/ {
        alias \$TEST_NGINX_SERVER_ROOT/html/;
        default_type text/html;
        sendfile off;
        output_buffers 1 $n;
    }
    location /e$n/ {
        alias \$TEST_NGINX_SERVER_ROOT/html/;
        default_type text/html;
        sendfile off;
        output_buffers 1 $n;
        privacy_banner_position body_end;
    }
    location /s$n/ {
        alias \$TEST_NGINX_SERVER_ROOT/html/;
        default_type text/html;
        sendfile on;
        output_buffers 1 $n;
    }
    location /t$n/ {
        alias \$TEST_NGINX_SERVER_ROOT/html/;
        default_type text/html;
        sendfile on;
        output_buffers 1 $n;
        privacy_banner_position body_end;
    }
} } 1, 2, 3, 5, 7, 13, 32, 41);

# requests for pads 0 .. n-1 at location /LOCn/ and the bodies expected
sub reqs   { my ($loc, $n) = @_; [map { "GET /$loc$n/p$_.html" } 0 .. $n - 1] }
sub bodies { my ($f, $n) = @_; [map { $f->($_) } 0 .. $n - 1] }

our $HttpConfig = backend_http_config();

add_block_preprocessor(sub {
    my $block = shift;
    $block->set_value('http_config', $HttpConfig)
        unless defined $block->http_config;
    $block->set_value('config', $Config)
        unless defined $block->config;
    $block->set_value('user_files', $Files)
        unless defined $block->user_files;
});

repeat_each(2);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: one-byte buffers: body_start
--- request
GET /b1/p0.html
--- response_body eval: ::start(0)
--- no_error_log
[error]
[alert]
[crit]



=== TEST 2: one-byte buffers: body_end
--- request
GET /e1/p0.html
--- response_body eval: ::end(0)
--- no_error_log
[error]
[alert]
[crit]



=== TEST 3: one-byte buffers, padded: body_start and body_end
--- request eval
["GET /b1/p1.html", "GET /b1/p17.html", "GET /e1/p3.html", "GET /e1/p40.html"]
--- response_body eval
[::start(1), ::start(17), ::end(3), ::end(40)]
--- no_error_log
[error]
[alert]



=== TEST 4: two-byte buffers, the tag cut at every offset: body_start
--- request eval: ::reqs('b', 2)
--- response_body eval: ::bodies(\&::start, 2)
--- no_error_log
[error]
[alert]



=== TEST 5: three-byte buffers, the tag cut at every offset: body_start
--- request eval: ::reqs('b', 3)
--- response_body eval: ::bodies(\&::start, 3)
--- no_error_log
[error]
[alert]



=== TEST 6: five-byte buffers, the tag cut at every offset: body_start
--- request eval: ::reqs('b', 5)
--- response_body eval: ::bodies(\&::start, 5)



=== TEST 7: seven-byte buffers, the tag cut at every offset: body_start
--- request eval: ::reqs('b', 7)
--- response_body eval: ::bodies(\&::start, 7)



=== TEST 8: 13-byte buffers, the tag cut at every offset: body_start
--- request eval: ::reqs('b', 13)
--- response_body eval: ::bodies(\&::start, 13)



=== TEST 9: 32-byte buffers (longer than the tag), cut at every offset: body_start
--- request eval: ::reqs('b', 32)
--- response_body eval: ::bodies(\&::start, 32)
--- no_error_log
[error]
[alert]



=== TEST 10: two-byte buffers, </body> cut at every offset: body_end
--- request eval: ::reqs('e', 2)
--- response_body eval: ::bodies(\&::end, 2)
--- no_error_log
[error]
[alert]



=== TEST 11: three-byte buffers, </body> cut at every offset: body_end
--- request eval: ::reqs('e', 3)
--- response_body eval: ::bodies(\&::end, 3)
--- no_error_log
[error]
[alert]



=== TEST 12: five-byte buffers, </body> cut at every offset: body_end
--- request eval: ::reqs('e', 5)
--- response_body eval: ::bodies(\&::end, 5)



=== TEST 13: seven-byte buffers, </body> cut at every offset: body_end
--- request eval: ::reqs('e', 7)
--- response_body eval: ::bodies(\&::end, 7)
--- no_error_log
[error]
[alert]



=== TEST 14: 13-byte buffers, </body> cut at every offset: body_end
--- request eval: ::reqs('e', 13)
--- response_body eval: ::bodies(\&::end, 13)



=== TEST 15: 41-byte buffers (longer than the head), cut at every offset: body_end
--- request eval: ::reqs('e', 41)
--- response_body eval: ::bodies(\&::end, 41)
--- no_error_log
[error]
[alert]



=== TEST 16: one-byte buffers, no body tag: the page as it is
--- request eval
["GET /b1/nobody.html", "GET /e1/nobody.html"]
--- response_body eval
["<html><p>no body tag</p></html>\n", "<html><p>no body tag</p></html>\n"]
--- no_error_log
[error]
[alert]



=== TEST 17: body_end, a page ending in "</bo": the held bytes come back at the end
--- request eval
["GET /e1/endbo.html", "GET /e2/endbo.html", "GET /e3/endbo.html", "GET /e41/endbo.html"]
--- response_body eval
["<body><p>x</p></bo", "<body><p>x</p></bo", "<body><p>x</p></bo", "<body><p>x</p></bo"]
--- no_error_log
[error]
[alert]



=== TEST 18: body_end, a page ending in "</body" without ">"
--- request eval
["GET /e1/endbody.html", "GET /e5/endbody.html", "GET /e41/endbody.html"]
--- response_body eval
["<body><p>x</p></body", "<body><p>x</p></body", "<body><p>x</p></body"]
--- no_error_log
[error]
[alert]



=== TEST 19: body_end, "</bold" and "</body-x" cut anywhere are not the end tag
--- request eval
["GET /e1/falseend.html", "GET /e2/falseend.html", "GET /e3/falseend.html", "GET /e5/falseend.html"]
--- response_body eval
[("<body><p>x</p></bold></body-x>[B]</body>") x 4]
--- no_error_log
[error]
[alert]



=== TEST 20: a large page in default buffers, the tag past 78 KB
--- config eval
$::Std . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
    location /big/ { alias $TEST_NGINX_SERVER_ROOT/html/; default_type text/html; }
}
--- request
GET /big/big.html
--- response_body eval
my $p = $::Big;
$p =~ s/\Q$::Tag\E/$::Tag\[B\]/;
$p
--- no_error_log
[error]
[alert]



=== TEST 21: a large page, body_end, in 1000-byte buffers
--- config eval
$::Std . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
    privacy_banner_position body_end;
    location /big/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        default_type text/html;
        output_buffers 2 1000;
    }
}
--- request
GET /big/big.html
--- response_body eval
my $p = $::Big;
$p =~ s{</body>}{[B]</body>};
$p
--- no_error_log
[error]
[alert]



=== TEST 22: proxied without buffering, the backend writing a byte at a time: body_start
--- config eval
$::Std . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
    location /px/ { proxy_buffering off; proxy_pass http://backend/slow/; }
}
--- request eval
["GET /px/p0.html", "GET /px/p5.html", "GET /px/p31.html"]
--- response_body eval
[::start(0), ::start(5), ::start(31)]
--- no_error_log
[error]
[alert]



=== TEST 23: proxied without buffering, the backend writing a byte at a time: body_end
--- config eval
$::Std . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
    privacy_banner_position body_end;
    location /px/ { proxy_buffering off; proxy_pass http://backend/slow/; }
}
--- request eval
["GET /px/p0.html", "GET /px/p5.html", "GET /px/endbo.html"]
--- response_body eval
[::end(0), ::end(5), "<body><p>x</p></bo"]
--- no_error_log
[error]
[alert]



=== TEST 24: proxied with small buffers: body_start and body_end
--- config eval
$::Std . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
    location /px/ {
        proxy_buffer_size 512;
        proxy_buffers 16 64;
        proxy_busy_buffers_size 512;
        proxy_pass http://backend/slow/;
    }
    location /pe/ {
        privacy_banner_position body_end;
        proxy_buffer_size 512;
        proxy_buffers 16 64;
        proxy_busy_buffers_size 512;
        proxy_pass http://backend/slow/;
    }
}
--- request eval
["GET /px/p7.html", "GET /pe/p7.html"]
--- response_body eval
[::start(7), ::end(7)]
--- no_error_log
[error]
[alert]



=== TEST 25: a decided visitor's page in one-byte buffers is untouched
--- request
GET /b1/p3.html
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'none')
--- response_body eval: ::page(3)
--- no_error_log
[error]
[alert]



=== TEST 26: sendfile on, seven-byte buffers, the tag cut at every offset: body_start
--- request eval: ::reqs('s', 7)
--- response_body eval: ::bodies(\&::start, 7)
--- no_error_log
[error]
[alert]



=== TEST 27: sendfile on, 13-byte buffers, </body> cut at every offset: body_end
--- request eval: ::reqs('t', 13)
--- response_body eval: ::bodies(\&::end, 13)
--- no_error_log
[error]
[alert]



=== TEST 28: sendfile on, default buffers: body_start and body_end
--- config eval
$::Std . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
    sendfile on;
    location /big/ { alias $TEST_NGINX_SERVER_ROOT/html/; default_type text/html; }
    location /end/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        default_type text/html;
        privacy_banner_position body_end;
    }
}
--- request eval
["GET /big/big.html", "GET /end/big.html", "GET /big/p9.html", "GET /end/p9.html"]
--- response_body eval
[do { (my $p = $::Big) =~ s/\Q$::Tag\E/$::Tag\[B\]/; $p },
 do { (my $p = $::Big) =~ s{</body>}{[B]</body>}; $p },
 ::start(9), ::end(9)]
--- no_error_log
[error]
[alert]



=== TEST 29: aio threads, sendfile on, 128-byte buffers: nginx reads the page, the tag across a boundary at every offset
nginx reads the page into memory for the module, in its thread pool
("thread read" in the debug log), and not the module behind its back.
--- config eval: $::Std . $::Aio
--- request eval
[map { "GET /as/start16k$_.html" } 0 .. 8]
--- response_body eval
[map { ::start(::pad_start(16384 - $_)) } 0 .. 8]
--- error_log
thread read
--- no_error_log
[error]
[alert]
[crit]



=== TEST 30: sendfile on: 80 KB before the tag, 80 KB after it
--- request
GET /s41/big.html
--- response_body eval
my $b = $::Big; $b =~ s/\Q$::Tag\E/$::Tag\[B\]/; $b
--- no_error_log
[error]
[alert]



=== TEST 31: sendfile on: no body tag, the page unchanged
--- request
GET /s41/nobody.html
--- response_body
<html><p>no body tag</p></html>
--- no_error_log
[error]
[alert]



=== TEST 32: aio threads, 128-byte buffers: sendfile off, and </body> across a boundary at every offset
--- config eval: $::Std . $::Aio
--- request eval
[(map { "GET /ab/start16k$_.html" } 0 .. 8),
 (map { "GET /at/end16k$_.html" } 0 .. 8),
 (map { "GET /ae/end16k$_.html" } 0 .. 8)]
--- response_body eval
[(map { ::start(::pad_start(16384 - $_)) } 0 .. 8),
 (map { ::end(::pad_end(16384 - $_)) } 0 .. 8),
 (map { ::end(::pad_end(16384 - $_)) } 0 .. 8)]
--- error_log
thread read
--- no_error_log
[error]
[alert]
[crit]



=== TEST 33: aio threads, 128-byte buffers: HEAD has GET's header and no body
A page whose tag is past the first buffer goes chunked, and HEAD of it
has no length; one whose tag is in the first buffer has its length.
--- config eval: $::Std . $::Aio
--- init
main::head_like_get("/as/start16k3.html");
main::head_like_get("/ab/start16k3.html");
main::head_like_get("/at/end16k3.html");
main::head_like_get("/ae/big.html");
main::head_like_get("/as/banner.html");
--- request eval
["HEAD /as/start16k3.html", "HEAD /at/banner.html", "GET /at/banner.html"]
--- response_headers eval
["! Content-Length\n! ETag", "Content-Length: 3\n! ETag",
 "Content-Length: 3\n! ETag"]
--- response_body eval
["", "", "[B]"]
--- no_error_log
[error]
[alert]
[crit]



=== TEST 34: sendfile on, body_end: a page that ends in a possible </body
The held bytes come back at the end; a false </bold> or </body-x> is passed.
--- request eval
["GET /t41/endbo.html", "GET /t41/endbody.html", "GET /t41/falseend.html",
 "GET /t41/nobody.html", "GET /t41/big.html"]
--- response_body eval
["<body><p>x</p></bo", "<body><p>x</p></body",
 "<body><p>x</p></bold></body-x>[B]</body>",
 "<html><p>no body tag</p></html>\n",
 do { (my $p = $::Big) =~ s{</body>}{[B]</body>}; $p }]
--- no_error_log
[error]
[alert]



=== TEST 35: a page replaced by one of the same size: the new page with the banner
A page replaced (here by WebDAV PUT, a new file renamed over the old one)
with the same size but the tags elsewhere gets the banner where the new
page has its tags.
--- config eval
$::Std . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
    sendfile on;
    location /start/ { alias $TEST_NGINX_SERVER_ROOT/html/; default_type text/html; }
    location /end/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        default_type text/html;
        privacy_banner_position body_end;
    }
    location /dav/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        dav_methods PUT;
        create_full_put_path on;
    }
}
--- request eval
["PUT /dav/changing.html\n" . ::page(20) . 'x',
 "GET /start/changing.html", "GET /end/changing.html",
 "PUT /dav/changing.html\n" . ::page(0) . ('.' x 21),
 "GET /start/changing.html", "GET /end/changing.html",
 "GET /start/changing.html", "GET /end/changing.html"]
--- error_code eval
[204, 200, 200, 204, 200, 200, 200, 200]
--- response_body eval
["", ::start(20) . 'x', ::end(20) . 'x',
 "", ::start(0) . ('.' x 21), ::end(0) . ('.' x 21),
 ::start(0) . ('.' x 21), ::end(0) . ('.' x 21)]
--- no_error_log
[error]
[alert]



=== TEST 36: pages from a proxy cache file
A cached response is a file buffer that starts after the cache header,
which nginx reads for the module; after the first request (a miss, in the
first repetition) every one is a hit.
--- http_config eval
::backend_http_config() . q{
    proxy_cache_path $TEST_NGINX_SERVER_ROOT/cache keys_zone=pages:1m;
}
--- config eval
$::Std . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
    sendfile on;
    proxy_cache pages;
    proxy_cache_valid 200 1m;
    add_header X-Cache $upstream_cache_status;
    location /pc/ { proxy_pass http://backend/html/; }
    location /pce/ {
        privacy_banner_position body_end;
        proxy_pass http://backend/html/;
    }
}
--- request eval
["GET /pc/big.html", "GET /pc/big.html", "GET /pc/big.html",
 "GET /pce/big.html", "GET /pce/big.html", "GET /pce/big.html",
 "GET /pce/end16k3.html", "GET /pce/end16k3.html"]
--- response_headers_like eval
["X-Cache: (MISS|HIT)", "X-Cache: HIT", "X-Cache: HIT",
 "X-Cache: (MISS|HIT)", "X-Cache: HIT", "X-Cache: HIT",
 "X-Cache: (MISS|HIT)", "X-Cache: HIT"]
--- response_body eval
[(map { (my $p = $::Big) =~ s/\Q$::Tag\E/$::Tag\[B\]/; $p } 1 .. 3),
 (map { (my $p = $::Big) =~ s{</body>}{[B]</body>}; $p } 1 .. 3),
 (map { ::end(::pad_end(16384 - 3)) } 1 .. 2)]
--- no_error_log
[error]
[alert]



=== TEST 37: HEAD of pages read in small buffers: GET's header, and no body after it
The length is known only when the first buffer tells where the banner
goes; otherwise GET goes chunked and HEAD has no length.  What follows the
header is consumed, not sent.  With sendfile, too, the buffers are those
of output_buffers (nginx reads the page into them for the module): a
small page in default buffers has its length, one in 7-byte buffers not
(and a large page is asked for in 41-byte buffers, not 7 or 13: a
request of 23,000 buffers with the debug log takes seconds).
--- init
main::head_like_get("/b7/p3.html");
main::head_like_get("/e7/p3.html");
main::head_like_get("/b1/p0.html");
main::head_like_get("/b41/p0.html");
main::head_like_get("/e1000/big.html");
main::head_like_get("/b1000/big.html");
main::head_like_get("/s41/big.html");
main::head_like_get("/t41/big.html");
main::head_like_get("/sd/p0.html");
main::head_like_get("/sd/big.html");
--- config eval
$::Config . q{
    location /sd/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        default_type text/html;
        sendfile on;
    }
    location /e1000/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        default_type text/html;
        sendfile off;
        output_buffers 1 1000;
        privacy_banner_position body_end;
    }
    location /b1000/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        default_type text/html;
        sendfile off;
        output_buffers 1 1000;
    }
}
--- request eval
["HEAD /e1000/big.html", "HEAD /b41/p0.html", "GET /b41/p0.html",
 "HEAD /s7/p0.html", "GET /s7/p0.html", "HEAD /sd/p0.html", "GET /sd/p0.html"]
--- response_headers eval
["! Content-Length\n! Transfer-Encoding\n! ETag\n! Last-Modified",
 "! Content-Length\n! Transfer-Encoding\n! ETag\n! Last-Modified",
 "! Content-Length\nTransfer-Encoding: chunked\n! ETag\n! Last-Modified",
 "! Content-Length\n! Transfer-Encoding\n! ETag\n! Last-Modified",
 "! Content-Length\nTransfer-Encoding: chunked\n! ETag\n! Last-Modified",
 "Content-Length: " . length(::start(0)) . "\n! ETag\n! Last-Modified",
 "Content-Length: " . length(::start(0)) . "\n! ETag\n! Last-Modified"]
--- response_body eval
["", "", ::start(0), "", ::start(0), "", ::start(0)]
--- no_error_log
[error]
[alert]
[crit]



=== TEST 38: HEAD of pages from a proxy cache: GET's header on a miss and on a hit
A miss asks the backend with GET (proxy_cache_convert_head) and the body
goes by the module before nginx drops it.
--- http_config eval
::backend_http_config() . q{
    proxy_cache_path $TEST_NGINX_SERVER_ROOT/cache keys_zone=pages:1m;
}
--- config eval
$::Std . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
    proxy_cache pages;
    proxy_cache_valid 200 1m;
    location /pc/ { proxy_pass http://backend/html/; }
    location /pce/ {
        privacy_banner_position body_end;
        proxy_pass http://backend/html/;
        proxy_buffer_size 1k;
        proxy_buffers 4 1k;
    }
}
--- init
main::head_like_get("/pc/big.html");
main::head_like_get("/pce/big.html");
main::head_like_get("/pc/p5.html");
--- request eval
["HEAD /pce/p7.html", "HEAD /pce/p7.html", "GET /pce/p7.html"]
--- response_headers eval
["Content-Length: " . length(::end(7)), "Content-Length: " . length(::end(7)),
 "Content-Length: " . length(::end(7))]
--- response_body eval
["", "", ::end(7)]
--- no_error_log
[error]
[alert]
[crit]



=== TEST 39: HEAD and GET on one keep-alive connection: each answer as long as it says
--- pipelined_requests eval
["HEAD /e7/p3.html", "HEAD /b41/p0.html", "HEAD /s7/p0.html", "GET /b7/p3.html",
 "HEAD /e7/p3.html", "GET /e7/p3.html"]
--- response_body eval
["", "", "", ::start(3), "", ::end(3)]
--- no_error_log
[error]
[alert]
[crit]



=== TEST 40: directio for every file: body_start and body_end, sendfile on and off, with aio threads
--- config eval
$::Std . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
    default_type text/html;
    directio 1;
    directio_alignment 4096;
    location /ds/ { alias $TEST_NGINX_SERVER_ROOT/html/; sendfile on; }
    location /de/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        sendfile off;
        privacy_banner_position body_end;
    }
    location /da/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        aio threads;
        sendfile on;
        output_buffers 2 4k;
        privacy_banner_position body_end;
    }
}
--- request eval
["GET /ds/p5.html", "GET /de/p5.html", "GET /ds/big.html", "GET /de/big.html",
 "GET /da/big.html", "GET /da/endbo.html", "GET /de/falseend.html"]
--- response_body eval
[::start(5), ::end(5),
 do { (my $p = $::Big) =~ s/\Q$::Tag\E/$::Tag\[B\]/; $p },
 do { (my $p = $::Big) =~ s{</body>}{[B]</body>}; $p },
 do { (my $p = $::Big) =~ s{</body>}{[B]</body>}; $p },
 "<body><p>x</p></bo",
 "<body><p>x</p></bold></body-x>[B]</body>"]
--- no_error_log
[error]
[alert]
[crit]



=== TEST 41: a 1 MB page under aio threads: body_start has its length, body_end goes chunked
The body tag is in nginx's first buffer; </body> is a megabyte later, and
the header does not wait for it.
--- config eval
$::Std . q{
    privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
    aio threads;
    default_type text/html;
    location /s/ { alias $TEST_NGINX_SERVER_ROOT/html/; sendfile on; }
    location /b/ { alias $TEST_NGINX_SERVER_ROOT/html/; sendfile off; }
    location /e/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        sendfile on;
        privacy_banner_position body_end;
    }
    location /e128/ {
        alias $TEST_NGINX_SERVER_ROOT/html/;
        sendfile off;
        output_buffers 1 128;
        privacy_banner_position body_end;
    }
}
--- user_files eval
[['banner.html', '[B]'], ['huge.html', $::Huge]]
--- request eval
["GET /s/huge.html", "GET /b/huge.html", "GET /e/huge.html",
 "GET /e128/huge.html"]
--- response_headers eval
["Content-Length: " . length(::huge_start()) . "\n! Transfer-Encoding",
 "Content-Length: " . length(::huge_start()) . "\n! Transfer-Encoding",
 "! Content-Length\nTransfer-Encoding: chunked",
 "! Content-Length\nTransfer-Encoding: chunked"]
--- response_body eval
[::huge_start(), ::huge_start(), ::huge_end(), ::huge_end()]
--- timeout: 10
--- error_log
thread read
--- no_error_log
[error]
[alert]
[crit]



=== TEST 42: gzip on, aio threads: the banner is in the decompressed body
An inner server compresses the pages it puts the banner into; the outer
one asks it with Accept-Encoding: gzip and decompresses (gunzip).
--- http_config eval
$::HttpConfig . "    server {\n"
. "        listen unix:\$TEST_NGINX_SERVER_ROOT/logs/inner.sock;\n"
. $::Std . q{
        privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
        aio threads;
        sendfile on;
        gzip on;
        gzip_types text/html;
        gzip_http_version 1.0;
        gzip_min_length 0;
        default_type text/html;
        location /s/ { alias $TEST_NGINX_SERVER_ROOT/html/; }
        location /e/ {
            alias $TEST_NGINX_SERVER_ROOT/html/;
            output_buffers 1 128;
            privacy_banner_position body_end;
        }
} . "    }\n"
--- config
    location /outer/ {
        gunzip on;
        proxy_set_header Accept-Encoding gzip;
        proxy_pass http://unix:$TEST_NGINX_SERVER_ROOT/logs/inner.sock:/;
        add_header X-Upstream-Encoding $upstream_http_content_encoding;
    }
--- user_files eval
[@$::Files, ['huge.html', $::Huge]]
--- request eval
["GET /outer/s/p7.html", "GET /outer/e/p7.html", "GET /outer/s/huge.html",
 "GET /outer/e/huge.html", "GET /outer/e/end16k4.html"]
--- response_headers eval
[("X-Upstream-Encoding: gzip") x 5]
--- response_body eval
[::start(7), ::end(7), ::huge_start(), ::huge_end(),
 ::end(::pad_end(16384 - 4))]
--- timeout: 10
--- no_error_log
[error]
[alert]
[crit]



=== TEST 43: a page rewritten in place with the same size: the new page with the banner
The same file (inode), the same size, other bytes: what is sent is what
nginx reads now, with the banner where the new page has its tag.  At
/sf/ the page is in one buffer, whose head the worker remembers: page 2
has page 0's head and another end, page 1 its tag elsewhere.
--- config eval: $::Std . $::Aio
--- init
my $file = "$ENV{TEST_NGINX_SERVER_ROOT}/html/changing.html";
my @pages = (::page(20) . 'x', ::page(0) . ('.' x 21),
             do { (my $p = ::page(20)) =~ s/content/CONTENT/; $p . 'y' });
for my $i (0, 1, 0, 2, 2) {
    open my $fh, '+<', $file or die "$file: $!";
    print {$fh} $pages[$i];
    close $fh;
    for my $loc (qw(as ab sf)) {
        my (undef, undef, $body) = main::http_raw(
            "GET /$loc/changing.html HTTP/1.0\r\nHost: localhost\r\n\r\n");
        (my $want = $pages[$i]) =~ s/\Q$::Tag\E/$::Tag\[B\]/;
        Test::More::is($body, $want, "page $i at /$loc/, rewritten in place");
    }
}
# the remembered head was used (and checked against the new bytes)
open my $log, '<', "$ENV{TEST_NGINX_SERVER_ROOT}/logs/error.log" or die $!;
Test::More::ok((grep { /privacy banner: remembered head of/ } <$log>),
               'a remembered head was compared and used');
--- request
GET /at/changing.html
--- response_body eval
my $p = ::page(20);
$p =~ s/content/CONTENT/;
$p =~ s{</body>}{[B]</body>};
$p . 'y'
--- no_error_log
[error]
[alert]
[crit]



=== TEST 44: a remembered head over several buffers, and a page that leaves it
In 128-byte buffers (/ab/) the head of page 0 (the tag ends at byte 191)
takes two: the next request follows it buffer by buffer.  Page 1 differs
from it after the first buffer and has its tag at the same place, page 2
after the first buffer with the tag further on: the matcher reads the kept
first buffer and goes on, and the banner goes where each page has its tag.
At /sf/ each page is one buffer, as before.
--- config eval: $::Std . $::Aio
--- init
my $file = "$ENV{TEST_NGINX_SERVER_ROOT}/html/following.html";
my $p0 = ::page(60);
(my $p1 = $p0) =~ s/class="main"/class="MAIN"/;
(my $p2 = $p0) =~ s/<!-- <body> -->/<!-- <body> --><i>x<\/i>/;
my @pages = ($p0, $p1, $p2);
for my $i (0, 0, 1, 1, 2, 2, 0) {
    open my $fh, '>', $file or die "$file: $!";
    print {$fh} $pages[$i];
    close $fh;
    for my $loc (qw(ab sf)) {
        my (undef, undef, $body) = main::http_raw(
            "GET /$loc/following.html HTTP/1.0\r\nHost: localhost\r\n\r\n");
        my $want = $pages[$i];
        my $tag = ($i == 1) ? do { (my $t = $::Tag) =~ s/main/MAIN/; $t }
                            : $::Tag;
        $want =~ s/\Q$tag\E/$tag\[B\]/;
        Test::More::is($body, $want, "page $i at /$loc/");
    }
}
open my $log, '<', "$ENV{TEST_NGINX_SERVER_ROOT}/logs/error.log" or die $!;
my @log = <$log>;
Test::More::ok((grep { /privacy banner: remembered head of \d+ so far/ } @log),
               'a head followed over buffers');
Test::More::ok((grep { /privacy banner: remembered head of 191$/ } @log),
               'and found after them');
Test::More::ok((grep { /privacy banner: not the remembered head after 128$/ }
                @log), 'a page that leaves the head after a buffer');
--- request
GET /ab/following.html
--- response_body eval
my $p = ::page(60);
$p =~ s/\Q$::Tag\E/$::Tag\[B\]/;
$p
--- no_error_log
[error]
[alert]
[crit]
