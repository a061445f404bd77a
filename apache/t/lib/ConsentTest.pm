# Helpers of the consent suites (apache/t/03*.t, 05*.t, 06*.t): a decision
# posted to the endpoint, the test server's origin, the consent cookie of an
# answer, a record read back from the suites' Redis, a raw request.
package ConsentTest;

use strict;
use warnings;

use Exporter 'import';
use IO::Socket::INET;
use HTTP::Request ();
use Apache::TestRequest ();
use PrivacyTest qw(redis);

our @EXPORT_OK = qw(consent origin cookie_of record_of raw metrics req);

# req(METHOD, PATH, HEADERS...): any method, with content => BODY
sub req {
    my ($method, $path, %h) = @_;
    my $content = delete $h{content};
    my $url = Apache::TestRequest::resolve_url($path);
    my $req = HTTP::Request->new($method, $url, [%h],
                                 defined $content ? $content : ());
    return Apache::TestRequest::user_agent()->request($req);
}

# consent(BODY, HEADERS...): a form POST to PATH (default /privacy/consent)
sub consent {
    my ($body, %h) = @_;
    my $path = delete $h{path} || '/privacy/consent';
    $h{'Content-Type'} //= 'application/x-www-form-urlencoded';
    return Apache::TestRequest::POST($path, %h, content => $body);
}

sub origin { 'http://' . Apache::TestRequest::hostport() }

sub cookie_of {
    my ($r, $name) = @_;
    for ($r->header('Set-Cookie')) {
        return $1 if /^\Q$name\E=([^;]*)/;
    }
    return '';
}

# the record's fields, as a hash in list context, a hash ref otherwise
sub record_of {
    my ($id) = @_;
    my %f = @{redis('HGETALL', "privacy:consent:$id") || []};
    return wantarray ? %f : \%f;
}

# raw(BYTES): the whole answer of a request sent as it is
sub raw {
    my ($req) = @_;
    my ($host, $port) = split /:/, Apache::TestRequest::hostport();
    my $sock = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port,
                                     Timeout => 10)
        or die "cannot connect to $host:$port: $!\n";
    print $sock $req;
    local $/;
    my $out = <$sock>;
    return $out // '';
}

# metrics(): the counters of /privacy/metrics as a hash of series => value
sub metrics {
    my $r = Apache::TestRequest::GET('/privacy/metrics');
    my %m;
    for (split /\n/, $r->content) {
        next if /^#/;
        $m{$1} = $2 if /^(\S+) (\S+)$/;
    }
    return \%m;
}

1;
