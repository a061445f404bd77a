#!/usr/bin/env perl
# Writes to Redis the refusals and withdrawals that it did not record.
#
#   tools/replay-unrecorded.pl [--prefix privacy:] [--retention 3y] \
#       /var/log/nginx/error.log... | redis-cli -p 6379
#
# When Redis cannot record a refusal (down, full, too slow), the module
# applies it all the same and logs its record at error:
#
#   ... privacy: consent ID not acknowledged by Redis (error), a refusal,
#   applied anyway; record: id "..." action "withdraw" ... replaces "..."
#
# ("record 1/2: ..." and "record 2/2: ..." when it is too long for one
# line).  This prints one redis-cli command per record, an EVAL that
# writes it as the module would have (XADD to PREFIXlog, HSET of
# PREFIXconsent:ID, PEXPIREAT at its time_ms plus the retention), unless
# PREFIXconsent:ID exists already: after a timeout Redis may have run the
# transaction after all, and a second run of this tool adds nothing.
# The stream entry's id is the time of the replay; time_ms is the
# decision's.  Use the prefix= and retention= of privacy_redis.  Reads
# standard input without files; a record with a part missing is reported
# on standard error and skipped.

use strict;
use warnings;

use Getopt::Long qw(GetOptions);

my $prefix = 'privacy:';
my $retention = '3y';

GetOptions('prefix=s' => \$prefix, 'retention=s' => \$retention)
    or die "usage: $0 [--prefix P] [--retention 3y] [error.log...]\n";

# nginx's time units (ngx_parse_time): ms s m h d w M (30 days) y
my %unit = (ms => 1, s => 1000, m => 60_000, h => 3_600_000,
            d => 86_400_000, w => 7 * 86_400_000, M => 30 * 86_400_000,
            y => 365 * 86_400_000);

my $retention_ms = 0;
my $spec = $retention;
while ($spec =~ s/^\s*(\d+)(ms|[smhdwMy]?)//) {
    $retention_ms += $1 * $unit{ $2 eq '' ? 's' : $2 };
}
die "invalid --retention \"$retention\"\n" if $spec =~ /\S/ || !$retention_ms;

# an argument of redis-cli: what the module's privacy_record_quote() does
sub quote {
    my ($s) = @_;
    $s =~ s/(["\\])/\\$1/g;
    $s =~ s/([^\x20-\x7e])/sprintf('\\x%02x', ord $1)/ge;
    return "\"$s\"";
}

my $script = "if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end"
           . " redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))"
           . " redis.call('HSET', KEYS[1], unpack(ARGV, 2))"
           . " redis.call('PEXPIREAT', KEYS[1], ARGV[1]) return 1";

my (%parts, @order);

while (my $line = <>) {
    # the module's message comes before anything a client wrote
    $line =~ m{privacy: consent ([0-9a-f]{32}) not acknowledged by Redis }g
        or next;
    my $id = $1;
    $line =~ m{\G\([a-z ]+\), a refusal, applied anyway; }gc
        and $line =~ m{\Grecord(?: (\d+)/(\d+))?: }gc
        or next;

    my ($part, $of) = ($1 || 1, $2 || 1);
    my @fields;

    # name "value" pairs, up to nginx's ", client: ..."
    while ($line =~ /\G ?([a-z_0-9]+) ("(?:[^"\\]|\\.)*")/gc) {
        push @fields, [$1, $2];
    }

    push @order, $id unless $parts{$id};
    $parts{$id}{of} = $of;
    $parts{$id}{part}{$part} = \@fields;
}

my ($written, $skipped) = (0, 0);

for my $id (@order) {
    my $rec = $parts{$id};
    my @fields;

    for my $n (1 .. $rec->{of}) {
        unless ($rec->{part}{$n}) {
            @fields = ();
            last;
        }
        push @fields, @{ $rec->{part}{$n} };
    }

    my ($time) = map { $_->[1] =~ /^"(\d+)"$/ ? $1 : () }
                 grep { $_->[0] eq 'time_ms' } @fields;

    unless (@fields && defined $time) {
        print STDERR "consent $id: record incomplete in the log, skipped\n";
        $skipped++;
        next;
    }

    print join(' ', 'EVAL', quote($script), 2,
                    quote("${prefix}consent:$id"), quote("${prefix}log"),
                    $time + $retention_ms,
                    map { "$_->[0] $_->[1]" } @fields), "\n";
    $written++;
}

print STDERR "$written records to replay, $skipped skipped\n";

exit($skipped ? 1 : 0);
