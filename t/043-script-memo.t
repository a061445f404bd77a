# privacy_script: the pages the rewriter went through, remembered per
# worker with what it made of them, and given again for a page of the
# same bytes (ngx_http_privacy_script_memo.c).  Every request here reaches
# the page as the URI /page.html (rewrite ... break), so all of them share
# one entry: recorded in one size of buffers and given in others; a page
# that differs after its head, inside a tag held back, at its end or past
# it; a page proxied a byte at a time; another configuration, the banner
# and another visitor's grants each getting their own rewrite; the
# counters counting a page given again; a page new each time is not
# recorded each time, and is after a second.

use lib 't/inc';
use PrivacyTest;
use Test::Nginx::Socket 'no_plan';

our $Std = privacy_std_config() . q{
    privacy_script analytics www.googletagmanager.com;
    privacy_script marketing .facebook.net https://www.youtube.com/embed/;
    privacy_banner off;
    default_type text/html;
};

our $Head = q{<!DOCTYPE html><html><head><title>t</title>} . "\n";

# each line: what the page has, what an undecided visitor gets: those of
# t/040-script.t but the first-party and not-a-tag cases
our @Lines = (script_lines())[0, 1, 2, 3, 5, 6, 8, 9, 17, 18];

# LINES (pairs as above) as the page has them, and as an undecided visitor
# gets them on a page without the banner (BANNER: with it)
sub page { $Head . join("\n", map { $_->[0] } @{ $_[0] }) . "\n" }

sub held {
    my ($lines, $banner) = @_;
    my $p = $Head . join("\n", map { $_->[1] } @$lines) . "\n";
    $p =~ s{(?=<IFRAME data-privacy-category)}{script_placeholder()}e unless $banner;
    $p;
}

# the lines with line I replaced by PAIR
sub with {
    my ($i, $pair) = @_;
    my @l = @Lines;
    $l[$i] = $pair;
    [@l];
}

# the page of every test: A; B differs after its head; E inside the
# first tag held back (the URL); F in a pixel that no longer matches;
# C is A up to its body's text, G up to the middle of its frame; D is A
# and a pixel more
our $A = page(\@Lines);
our $B = page(with(4, [q{</head><body><p>other text, a little longer</p>}, '']));
our $E = page(with(0, [q{<script async src="https://www.googletagmanager.com/gtag/js?id=G-2&amp;l=dl"></script>}, '']));
our $F = page(with(6, [q{<img src=https://px.example.net/tr?id=1&amp;ev=PageView width=1>}, '']));
our $C = $Head . join("\n", map { $_->[0] } @Lines[0 .. 4]) . "\n";
our $Cut = q{<IFRAME SRC="https://www.you};
our $G = $C . $Cut;
our $Late = q{<img src="https://px.facebook.net/late">} . "\n";
our $D = $A . $Late;
# a page over the 64 KB a worker remembers: A after 70,000 bytes of text
our $L = ('x' x 70000) . $A;

our $HeldA = held(\@Lines);
our $HeldB = held(with(4, [q{</head><body><p>other text, a little longer</p>}, q{</head><body><p>other text, a little longer</p>}]));
our $HeldE = held(with(0, [q{<script async src="https://www.googletagmanager.com/gtag/js?id=G-2&amp;l=dl"></script>},
                           q{<script type="text/plain" data-privacy-category="analytics" async data-privacy-src="https://www.googletagmanager.com/gtag/js?id=G-2&amp;l=dl"></script>}]));
our $HeldF = held(with(6, [q{<img src=https://px.example.net/tr?id=1&amp;ev=PageView width=1>},
                           q{<img src=https://px.example.net/tr?id=1&amp;ev=PageView width=1>}]));
# a page that ends inside a tag: the tag's bytes as they are
our $HeldC = $Head . join("\n", map { $_->[1] } @Lines[0 .. 4]) . "\n";
our $HeldG = $HeldC . $Cut;
our $HeldD = $HeldA . q{<img data-privacy-category="marketing" data-privacy-src="https://px.facebook.net/late">} . "\n";

our $Files = [
    ['a/page.html', $A],
    ['b/page.html', $B],
    ['c/page.html', $C],
    ['d/page.html', $D],
    ['e/page.html', $E],
    ['f/page.html', $F],
    ['g/page.html', $G],
    ['h/page.html', ''],
    ['l/page.html', $L],
    ['banner.html', '[B]'],
];

# /X7/ is page X in buffers of seven bytes, /X13/ of 13, /X1/ of one,
# /Xw/ in one buffer; all of them the URI /page.html
our $Config = $Std . join('', map {
    my ($p, $n) = @$_;
    my $buffers = $n eq 'w' ? 'output_buffers 1 64k;' : "output_buffers 1 $n;";
    qq{
    location /$p$n/ {
        root \$TEST_NGINX_SERVER_ROOT/html/$p;
        rewrite ^ /page.html break;
        sendfile off;
        $buffers
    }
} } map { my $p = $_; map { [$p, $_] } 1, 7, 13, 'w' } qw(a b c d e f g h l)) . q{
    location /pa/ {
        rewrite ^ /page.html break;
        proxy_buffering off;
        proxy_pass http://backend;
    }
    location /banner/ {
        root $TEST_NGINX_SERVER_ROOT/html/a;
        rewrite ^ /page.html break;
        privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
        sendfile off;
        output_buffers 1 7;
    }
    location /other/ {
        root $TEST_NGINX_SERVER_ROOT/html/a;
        rewrite ^ /page.html break;
        privacy_script marketing px.facebook.net;
        sendfile off;
        output_buffers 1 7;
    }
    location /bannerw/ {
        root $TEST_NGINX_SERVER_ROOT/html/a;
        rewrite ^ /page.html break;
        privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
        sendfile off;
        output_buffers 1 64k;
    }
    location /bannerend/ {
        root $TEST_NGINX_SERVER_ROOT/html/a;
        rewrite ^ /page.html break;
        privacy_banner $TEST_NGINX_SERVER_ROOT/html/banner.html;
        privacy_banner_position body_end;
        sendfile off;
        output_buffers 1 64k;
    }
    location /elsewhere/ {
        root $TEST_NGINX_SERVER_ROOT/html/a;
        rewrite ^ /page.html break;
        privacy_consent_url /elsewhere/consent;
        sendfile off;
        output_buffers 1 7;
    }
    location = /status {
        privacy_status;
    }
};

# the backend writes page A a byte at a time
our $HttpConfig = backend_http_config(q{
        location = /page.html {
            root $TEST_NGINX_SERVER_ROOT/html/a;
            default_type text/html;
            sendfile off;
            output_buffers 1 1;
            postpone_output 0;
            tcp_nodelay on;
        }
});

add_block_preprocessor(sub {
    my $block = shift;
    # a block "in the same nginx" reads what the block before remembered
    return if $block->name =~ /in the same nginx/;
    $block->set_value('http_config', $HttpConfig)
        unless defined $block->http_config;
    $block->set_value('config', $Config)
        unless defined $block->config;
    $block->set_value('user_files', $Files)
        unless defined $block->user_files;
});

repeat_each(1);
no_shuffle();
run_tests();

__DATA__

=== TEST 1: the same page again and again: the same rewrite each time, read once, given again after
--- request eval
["GET /a7/", "GET /a7/", "GET /a7/", "GET /status"]
--- response_body eval
[$::HeldA, $::HeldA, $::HeldA, qr/privacy_script_pages_total\{answer="same"\} 2
privacy_script_pages_total\{answer="differed"\} 0
privacy_script_pages_total\{answer="new"\} 1
.*privacy_script_pages_kept_total 1
/s]
--- no_error_log
[error]
[alert]



=== TEST 2: recorded in seven-byte buffers, given in buffers of 13 bytes, of one, in one buffer, and the other way
--- request eval
["GET /a7/", "GET /a13/", "GET /a1/", "GET /aw/", "GET /a7/", "GET /aw/", "GET /a1/"]
--- response_body eval
[($::HeldA) x 7]
--- no_error_log
[error]
[alert]



=== TEST 3: the page differs after its head: rewritten whole from the bytes that were the same, each time the page changes
--- request eval
["GET /a7/", "GET /b7/", "GET /b7/", "GET /a13/", "GET /b1/", "GET /a1/", "GET /bw/", "GET /a7/"]
--- response_body eval
[$::HeldA, $::HeldB, $::HeldB, $::HeldA, $::HeldB, $::HeldA, $::HeldB, $::HeldA]
--- no_error_log
[error]
[alert]



=== TEST 4: the page differs inside a tag held back, and in a pixel that no longer matches
--- request eval
["GET /a7/", "GET /e7/", "GET /a13/", "GET /f7/", "GET /e1/", "GET /f13/", "GET /aw/", "GET /fw/", "GET /a1/"]
--- response_body eval
[$::HeldA, $::HeldE, $::HeldA, $::HeldF, $::HeldE, $::HeldF, $::HeldA, $::HeldF, $::HeldA]
--- no_error_log
[error]
[alert]



=== TEST 5: the page ends before the one remembered, in text and inside a tag, and goes on past it
--- request eval
["GET /a7/", "GET /c7/", "GET /a13/", "GET /d7/", "GET /a1/", "GET /g7/", "GET /d13/", "GET /c1/", "GET /g13/", "GET /cw/", "GET /aw/", "GET /g1/", "GET /dw/", "GET /gw/"]
--- response_body eval
[$::HeldA, $::HeldC, $::HeldA, $::HeldD, $::HeldA, $::HeldG, $::HeldD, $::HeldC, $::HeldG, $::HeldC, $::HeldA, $::HeldG, $::HeldD, $::HeldG]
--- no_error_log
[error]
[alert]



=== TEST 5a: a page remembered that ends inside a tag, then one that goes on with that tag: held back there
--- request eval
["GET /g7/", "GET /a7/", "GET /g13/", "GET /a1/", "GET /gw/", "GET /aw/"]
--- response_body eval
[$::HeldG, $::HeldA, $::HeldG, $::HeldA, $::HeldG, $::HeldA]
--- no_error_log
[error]
[alert]



=== TEST 6: a page proxied a byte at a time, then read from disk, then proxied again
--- request eval
["GET /pa/", "GET /pa/", "GET /a7/", "GET /pa/", "GET /b13/", "GET /pa/"]
--- response_body eval
[$::HeldA, $::HeldA, $::HeldA, $::HeldA, $::HeldB, $::HeldA]
--- no_error_log
[error]
[alert]



=== TEST 7: another privacy_script configuration, the banner and another consent URL each get their own rewrite of the same bytes
--- request eval
["GET /a7/", "GET /other/", "GET /banner/", "GET /elsewhere/", "GET /a7/", "GET /banner/", "GET /other/", "GET /elsewhere/"]
--- response_body eval
# privacy_script there names the pixel's host only
my $other = ::page(::with(6, $::Lines[6]));
$other =~ s{<img src=https://px}{<img data-privacy-category="marketing" data-privacy-src=https://px};
my $banner = ::held(\@::Lines, 1);
$banner =~ s{<body>}{<body>[B]};
# the frame's placeholder links the banner's files from there
my $elsewhere = $::HeldA;
$elsewhere =~ s{"/privacy/consent/banner}{"/elsewhere/consent/banner}g;
[$::HeldA, $other, $banner, $elsewhere, $::HeldA, $banner, $other, $elsewhere]
--- no_error_log
[error]
[alert]



=== TEST 7a: the banner in a page read in one buffer: the page's bytes before it, then the banner, then the rest, each time; at body_end its own rewrite
--- request eval
["GET /bannerw/", "GET /bannerw/", "GET /banner/", "GET /bannerw/", "GET /bannerend/", "GET /bannerend/", "GET /bannerw/"]
--- response_body eval
my $start = ::held(\@::Lines, 1);
my $end = $start;
$start =~ s{<body>}{<body>[B]};
$end =~ s{</body>}{[B]</body>};
[($start) x 4, $end, $end, $start]
--- no_error_log
[error]
[alert]



=== TEST 8: the counters count a page given again as the rewriter counted it
--- request eval
["GET /a7/", "GET /a13/", "GET /aw/", "GET /status"]
--- response_body_like eval
[qr/./, qr/./, qr/./, qr/privacy_elements_held_total\{category="analytics",element="script"\} 3
privacy_elements_held_total\{category="analytics",element="iframe"\} 0
privacy_elements_held_total\{category="analytics",element="img"\} 0
privacy_elements_held_total\{category="analytics",element="link"\} 3
privacy_elements_held_total\{category="marketing",element="script"\} 3
privacy_elements_held_total\{category="marketing",element="iframe"\} 3
privacy_elements_held_total\{category="marketing",element="img"\} 6
privacy_elements_held_total\{category="marketing",element="link"\} 0
/]



=== TEST 9: an undecided visitor's rewrite remembered
--- request eval
["GET /a7/", "GET /a7/"]
--- response_body eval
[$::HeldA, $::HeldA]



=== TEST 10: in the same nginx, a visitor who granted analytics does not get it: his own rewrite, remembered too
--- request eval
["GET /a7/", "GET /a13/"]
--- more_headers eval
"Cookie: privacy_consent=" . ::mint(grant => 'analytics')
--- response_body eval
my $p = $::HeldA;
$p =~ s{<script type="text/plain" data-privacy-category="analytics" async data-privacy-src=}{<script async src=};
$p =~ s{<link data-privacy-category="analytics" rel=preconnect data-privacy-href=}{<link rel=preconnect href=};
$p =~ s{data-privacy-granted=""}{data-privacy-granted="analytics"};
$p =~ s{<script type="text/plain" data-privacy-category="analytics">ga}{<script  data-privacy-category="analytics">ga};
[$p, $p]
--- no_error_log
[error]
[alert]



=== TEST 11: in the same nginx, the undecided visitor's again
--- request eval
["GET /a1/"]
--- response_body eval
[$::HeldA]



=== TEST 12: pages that differ each time are not all recorded: a slot records one a second
--- request eval
["GET /a7/", "GET /b7/", "GET /a7/", "GET /b7/", "GET /a7/", "GET /b7/", "GET /a7/", "GET /b7/", "GET /a7/", "GET /b7/", "GET /status"]
--- response_body eval
[($::HeldA, $::HeldB) x 5, qr/privacy_script_pages_kept_total [123]\n/]
--- no_error_log
[error]
[alert]



=== TEST 13: a page, then another of the same slot, then a second later
--- request eval
["GET /a7/", "GET /b7/"]
--- response_body eval
[$::HeldA, $::HeldB]
--- wait: 1.1



=== TEST 14: in the same nginx, the other page is recorded and given again
--- request eval
["GET /b13/", "GET /b7/", "GET /status"]
--- response_body eval
[$::HeldB, $::HeldB, qr/privacy_script_pages_total\{answer="same"\} [12]\n/]
--- no_error_log
[error]
[alert]



=== TEST 15: an empty page, remembered too, and a page after it
--- request eval
["GET /h7/", "GET /h13/", "GET /a7/", "GET /status"]
--- response_body eval
["", "", $::HeldA, qr/privacy_script_pages_total\{answer="same"\} 1
privacy_script_pages_total\{answer="differed"\} 1
privacy_script_pages_total\{answer="new"\} 1
.*privacy_script_pages_kept_total [12]
/s]
--- no_error_log
[error]
[alert]



=== TEST 16: a page over 64 KB is not remembered
--- request eval
["GET /l7/", "GET /lw/", "GET /status"]
--- response_body eval
[('x' x 70000) . $::HeldA, ('x' x 70000) . $::HeldA, qr/privacy_script_pages_total\{answer="same"\} 0
privacy_script_pages_total\{answer="differed"\} 0
privacy_script_pages_total\{answer="new"\} 2
.*privacy_script_pages_kept_total 0
/s]
--- no_error_log
[error]
[alert]
