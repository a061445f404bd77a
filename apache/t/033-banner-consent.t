# The banner and the consent endpoint together: the banner's form posts to
# the server's PrivacyConsentEndpoint <Location>, and the record of a
# decision taken from it hashes the very banner bytes that page showed
# (banner_sha256), as the nginx module's t/030-consent.t checks it.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);
use Digest::SHA qw(sha256_hex);
use PrivacyTest qw(redis);
use ConsentTest qw(consent origin);

plan tests => 17;

my $page = q{<!DOCTYPE html><html><head><title>t</title></head><body>};
my $rest = q{x</body></html>};

sub html_unescape {
    my ($s) = @_;
    $s =~ s/&quot;/"/g; $s =~ s/&#39;/'/g; $s =~ s/&lt;/</g;
    $s =~ s/&gt;/>/g; $s =~ s/&amp;/&/g;
    return $s;
}

sub form_encode {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9_.~-])/sprintf '%%%02X', ord $1/ge;
    return $s;
}

# the banner a page showed: what the served page has that the file has not
sub banner_of {
    my ($path) = @_;
    my $r = GET($path);
    my $body = $r->content;
    my $len = length($body) - length($page) - length($rest);
    return '' unless $r->code == 200 && $len > 0
                     && substr($body, 0, length $page) eq $page
                     && substr($body, -length $rest) eq $rest;
    return substr($body, length $page, $len);
}

# decide(BANNER, ACTION): the banner's form as a browser posts it, the
# answer and the record Redis got last
sub decide {
    my ($banner, $action) = @_;
    my ($to) = $banner =~ m{<form [^>]*action="([^"]*)"};
    my ($return) = $banner =~ m{name="return" value="([^"]*)"};
    my $r = consent('action=' . $action . '&return='
                    . form_encode(html_unescape($return)),
                    path => html_unescape($to), Origin => origin());
    my $last = redis('XREVRANGE', 'privacy:log', '+', '-', 'COUNT', 1);
    return ($r, { @{ $last->[0][1] || [] } });
}

# 1-6: the main server's endpoint is /privacy/consent
my $banner = banner_of('/builtin.html?a=1&b=%3Cx%3E');
ok t_cmp($banner, qr/^<div /, 'the main server: the page has the banner');
ok t_cmp(($banner =~ m{<form [^>]*action="([^"]*)"})[0], '/privacy/consent',
         '... posting to its endpoint');
ok t_cmp(($banner =~ m{name="return" value="([^"]*)"})[0],
         '/builtin.html?a=1&amp;b=%3Cx%3E', '... with the page to return to');
my ($r, $rec) = decide($banner, 'reject_all');
ok t_cmp($r->code . ' ' . $r->header('Location'),
         '303 /builtin.html?a=1&b=%3Cx%3E', '... the decision is taken');
ok t_cmp($rec->{banner_sha256}, sha256_hex($banner),
         '... and its record hashes the banner shown');
ok t_cmp($rec->{banner_sha256} ne sha256_hex('') ? 1 : 0, 1,
         '... which is not the hash of no text');

# 7-8: another page, another return path, another banner and hash
my $other = banner_of('/builtin.html?c=2');
($r, $rec) = decide($other, 'accept_all');
ok t_cmp($rec->{banner_sha256}, sha256_hex($other),
         'another page: its own banner hashed');
ok t_cmp($rec->{banner_sha256} ne sha256_hex($banner) ? 1 : 0, 1,
         '... not the first page\'s');

# 9-10: a return path with quotes and angle brackets, escaped in the page
my $odd = banner_of(q{/builtin.html?q="'<>&});
($r, $rec) = decide($odd, 'save');
ok t_cmp($r->code, 303, 'a return path with quotes: decided');
ok t_cmp($rec->{banner_sha256}, sha256_hex($odd),
         '... the escaped banner hashed as served');

# 11-12: a withdrawal by DELETE carries no return path: the banner with
# an empty one, as nginx hashes it
(my $empty = $banner) =~ s{name="return" value="[^"]*"}{name="return" value=""};
$r = Apache::TestRequest::user_agent()->request(HTTP::Request->new(
         DELETE => Apache::TestRequest::resolve_url('/privacy/consent'),
         [Origin => origin(), Accept => 'application/json']));
ok t_cmp($r->code, 200, 'DELETE: withdrawn');
my $last = redis('XREVRANGE', 'privacy:log', '+', '-', 'COUNT', 1);
ok t_cmp({ @{ $last->[0][1] } }->{banner_sha256}, sha256_hex($empty),
         '... the banner with no return path hashed');

# 13-17: a virtual host whose endpoint is elsewhere
Apache::TestRequest::module('moved');
my $moved = banner_of('/builtin.html');
ok t_cmp(($moved =~ m{<form [^>]*action="([^"]*)"})[0], '/elsewhere/consent',
         'a server with its endpoint elsewhere: the form posts there');
ok t_cmp(($moved =~ m{<link [^>]*href="([^"]*)"})[0] // '',
         qr{^/elsewhere/consent/banner\.[0-9a-f]{12}\.css$},
         '... its stylesheet below it, by its hashed name');
($r, $rec) = decide($moved, 'accept_all');
ok t_cmp($r->code . ' ' . $r->header('Location'), '303 /builtin.html',
         '... and the decision is taken there');
ok t_cmp($rec->{banner_sha256}, sha256_hex($moved),
         '... its record hashes that banner');
ok t_cmp($rec->{banner_sha256} ne sha256_hex($banner) ? 1 : 0, 1,
         '... which differs from the main server\'s');
Apache::TestRequest::module('default');
