package Test::Nginx::Bundled::HTTP;

# The client side of the bundled Test::Nginx runner: builds HTTP/1.1
# requests, talks to nginx over a raw socket and parses the responses
# (chunked bodies de-chunked).

use strict;
use warnings;

use Errno qw(EAGAIN EINTR EWOULDBLOCK);
use IO::Select ();
use IO::Socket::INET ();
use Time::HiRes qw(sleep time);

# Request text is "METHOD URI [HTTP/x.y]\nbody..."; returns the bytes to
# send and the method.  $more_headers is "Name: value" lines; Host and
# Connection given there replace the defaults.
sub build_request {
    my (%args) = @_;

    my ($line, $body) = split /\n/, $args{text}, 2;
    $line =~ s/^\s+|\s+$//g;
    my ($method, $uri, $version) = split /\s+/, $line, 3;
    $uri     = '/' unless defined $uri && length $uri;
    $version = 'HTTP/1.1' unless defined $version && length $version;
    $body    = '' unless defined $body;
    $body =~ s/\n\z//;

    my @headers = parse_header_lines($args{more_headers});
    my %given = map { lc $_->[0] => 1 } @headers;

    my @default = (['Host', 'localhost']);
    push @default, ['Connection', $args{keepalive} ? 'keep-alive' : 'close'];
    @default = grep { !$given{ lc $_->[0] } } @default;

    my @all = (@default, @headers);
    push @all, ['Content-Length', length $body]
        if length $body
           && !$given{'content-length'} && !$given{'transfer-encoding'};

    my $bytes = "$method $uri $version\r\n";
    $bytes .= "$_->[0]: $_->[1]\r\n" for @all;
    $bytes .= "\r\n" . $body;

    return ($bytes, $method);
}

sub parse_header_lines {
    my ($text) = @_;

    return () unless defined $text;
    my @headers;
    for my $line (split /\n/, $text) {
        next unless $line =~ /\S/;
        $line =~ /^\s*([^:]+?)\s*:\s*(.*?)\s*$/
            or die "bad header line in more_headers: '$line'\n";
        push @headers, [$1, $2];
    }
    return @headers;
}

# The method a raw request starts with, for response framing (HEAD).
sub raw_method {
    my ($bytes) = @_;
    return $bytes =~ /^\s*([A-Z]+)/ ? $1 : 'GET';
}

# Sends @pieces on one connection and reads until the responses to
# @methods are complete, the server closes, or the deadline passes.
# Returns { responses => [...], raw => bytes, eof => bool,
# timed_out => bool, error => string }.
sub exchange {
    my (%args) = @_;

    my $deadline = time + $args{timeout};
    my $result = { responses => [], timed_out => 0 };

    my $sock = IO::Socket::INET->new(
        PeerAddr => '127.0.0.1',
        PeerPort => $args{port},
        Proto    => 'tcp',
        Timeout  => $args{timeout},
    );
    unless ($sock) {
        $result->{error} = "cannot connect to port $args{port}: $@";
        return $result;
    }
    $sock->blocking(0);
    binmode $sock;

    local $SIG{PIPE} = 'IGNORE';
    my $conn = { sock => $sock, buf => '', eof => 0 };

    my @pieces = @{ $args{pieces} };
    while (@pieces) {
        my $piece = shift @pieces;
        last unless write_all($conn, $piece, $deadline);
        sleep $args{delay} if @pieces && $args{delay};
    }

    my $methods = $args{methods};
    my ($responses, $complete) = parse_responses(\$conn->{buf}, $methods, 0);
    until ($conn->{eof} || ($complete && !will_close($responses->[-1]))) {
        unless (read_some($conn, $deadline)) {
            $result->{timed_out} = 1 unless $conn->{eof};
            last;
        }
        ($responses, $complete) =
            parse_responses(\$conn->{buf}, $methods, $conn->{eof});
    }
    ($responses) = parse_responses(\$conn->{buf}, $methods, 1)
        unless $complete;

    $result->{responses} = $responses;
    $result->{raw} = $conn->{buf};
    $result->{eof} = $conn->{eof};
    close $sock;
    return $result;
}

# nginx closes after a "Connection: close" response only once the request
# is finalized and logged; waiting for that keeps the error log complete
# by the time it is checked.
sub will_close {
    my ($resp) = @_;

    my $connection = header_value($resp, 'Connection') // '';
    return 1 if $connection =~ /close/i;
    return ($resp->{protocol} // '') eq 'HTTP/1.0'
        && $connection !~ /keep-alive/i;
}

# Writes while also draining what nginx sends, so a server that answers
# early (and closes) cannot dead-lock us.  False on timeout.
sub write_all {
    my ($conn, $data, $deadline) = @_;

    my $sel = IO::Select->new($conn->{sock});
    while (length $data) {
        my $left = $deadline - time;
        return 0 if $left <= 0;

        my ($readable, $writable) = IO::Select->select($sel, $sel, undef, $left);
        read_some($conn, $deadline) if $readable && @$readable;
        return 1 if $conn->{eof};
        next unless $writable && @$writable;

        my $n = syswrite $conn->{sock}, $data;
        if (!defined $n) {
            next if $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;
            return 1;    # reset by peer: go read what it said
        }
        substr($data, 0, $n) = '';
    }
    return 1;
}

# Reads one chunk into the buffer; false on timeout or EOF.
sub read_some {
    my ($conn, $deadline) = @_;

    my $sel = IO::Select->new($conn->{sock});
    while (1) {
        my $left = $deadline - time;
        return 0 if $left <= 0;
        next unless $sel->can_read($left);

        my $n = sysread $conn->{sock}, $conn->{buf}, 65536, length $conn->{buf};
        if (!defined $n) {
            next if $! == EAGAIN || $! == EWOULDBLOCK || $! == EINTR;
            $conn->{eof} = 1;    # reset by peer
            return 0;
        }
        if ($n == 0) {
            $conn->{eof} = 1;
            return 0;
        }
        return 1;
    }
}

# Parses as many responses as @$methods asks for.  Returns (\@responses,
# $complete).  At EOF, a partial response is returned as far as it got.
sub parse_responses {
    my ($buf, $methods, $eof) = @_;

    my @responses;
    my $pos = 0;
    for my $method (@$methods) {
        my ($resp, $next) = parse_response($buf, $pos, $method, $eof);
        last unless $resp;
        push @responses, $resp;
        return (\@responses, 0) unless $resp->{complete};
        $pos = $next;
    }
    return (\@responses, @responses == @$methods);
}

sub parse_response {
    my ($buf, $pos, $method, $eof) = @_;

    my ($head, $body_start);
    while (1) {
        my $end = index $$buf, "\r\n\r\n", $pos;
        if ($end < 0) {
            return unless $eof && length($$buf) > $pos;
            my $partial = substr $$buf, $pos;
            return (new_response($partial, '', 0), length $$buf);
        }
        $head = substr $$buf, $pos, $end + 4 - $pos;
        $body_start = $end + 4;

        # Interim 1xx responses (100 Continue) precede the real one.
        last unless $head =~ m{^HTTP/\S+\s+1(?!01)\d\d\b};
        $pos = $body_start;
    }

    my $resp = new_response($head, '', 1);
    my ($body, $next, $complete) = read_body($buf, $body_start, $resp,
                                             $method, $eof);
    $resp->{body}     = $body;
    $resp->{complete} = $complete;
    return ($resp, $next);
}

sub new_response {
    my ($head, $body, $complete) = @_;

    my ($status_line, @lines) = split /\r\n/, $head;
    my $resp = {
        raw_headers => $head,
        status      => undef,
        headers     => [],
        body        => $body,
        complete    => $complete,
    };
    if (defined $status_line
        && $status_line =~ m{^(HTTP/\S+)\s+(\d{3})(?:\s+(.*))?$})
    {
        $resp->{protocol} = $1;
        $resp->{status}   = $2;
        $resp->{reason}   = $3;
    }
    for my $line (@lines) {
        push @{ $resp->{headers} }, [$1, $2]
            if $line =~ /^([^:\s]+)\s*:\s*(.*?)\s*$/;
    }
    return $resp;
}

# Framing as in RFC 7230 3.3.3.  Returns ($body, $next_pos, $complete).
sub read_body {
    my ($buf, $start, $resp, $method, $eof) = @_;

    my $status = $resp->{status} // 0;
    return ('', $start, 1)
        if $method eq 'HEAD' || $status == 204 || $status == 304;

    my $te = header_value($resp, 'Transfer-Encoding');
    return read_chunked($buf, $start, $eof)
        if defined $te && $te =~ /chunked/i;

    my $length = header_value($resp, 'Content-Length');
    if (defined $length && $length =~ /^\d+$/) {
        my $have = length($$buf) - $start;
        my $take = $have < $length ? $have : $length;
        return (substr($$buf, $start, $take), $start + $take,
                $have >= $length);
    }

    return (substr($$buf, $start), length $$buf, $eof);
}

sub read_chunked {
    my ($buf, $pos, $eof) = @_;

    my $body = '';
    while (1) {
        pos($$buf) = $pos;
        unless ($$buf =~ /\G([0-9a-fA-F]+)[^\r\n]*\r\n/gc) {
            return ($body, $pos, 0);
        }
        my $size = hex $1;
        my $data = pos $$buf;

        if ($size == 0) {
            return ($body, pos($$buf), 1)
                if $$buf =~ /\G(?:[^\r\n]+\r\n)*\r\n/gc;
            return ($body, $pos, 0);
        }
        if (length($$buf) < $data + $size + 2) {
            $body .= substr($$buf, $data) if $eof;
            return ($body, $pos, 0);
        }
        $body .= substr $$buf, $data, $size;
        $pos = $data + $size + 2;
    }
}

# All values of a header joined with ", " (undef when absent).
sub header_value {
    my ($resp, $name) = @_;

    my @values = map { $_->[1] }
                 grep { lc $_->[0] eq lc $name } @{ $resp->{headers} };
    return @values ? join(', ', @values) : undef;
}

1;
