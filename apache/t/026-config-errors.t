# apachectl configtest (apache2 -t) names the directive and the problem,
# as nginx -t does for the nginx module.  Mirrors t/026-config-errors.t.

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestUtil qw(t_cmp);
use Apache::TestConfig ();
use File::Temp qw(tempdir);

plan tests => 31;

my $cfg = Apache::Test::config();
my $httpd = $cfg->{vars}{httpd};
my $keys = "$cfg->{vars}{serverroot}/keys";
my $dir = tempdir(CLEANUP => 1);

# apache2 -t on a configuration of the module with LINES; its output
sub configtest {
    my ($lines) = @_;
    open my $fh, '>', "$dir/httpd.conf" or die "$dir/httpd.conf: $!";
    print $fh <<"EOC";
ServerRoot $dir
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule privacy_module $ENV{PRIVACY_MODULE}
ErrorLog $dir/error.log
PidFile $dir/httpd.pid
Listen 127.0.0.1:1
ServerName localhost
$lines
EOC
    close $fh;
    my $out = `$httpd -t -d $dir -f $dir/httpd.conf 2>&1`;
    return ($? == 0 ? 'ok: ' : 'fail: ') . $out;
}

ok t_cmp(configtest("Privacy On\nPrivacyPolicyVersion 2018-04\n"
                    . "PrivacySecret $keys/primary.key\n"
                    . "PrivacyCategory analytics ~^_ga _gid\n"),
         qr/^ok: Syntax OK/, 'a good configuration');

ok t_cmp(configtest("PrivacyTrackingStatus X"),
         qr/^fail: .*line 9 of .*\nPrivacyTrackingStatus: invalid value "X", it must be "auto" or one of the tracking status values "!", "\?", "G", "N", "T", "C", "P", "D", "U"/s,
         'a bad tracking status value');

ok t_cmp(configtest("PrivacyCategory analytics ~_ga(("),
         qr/^fail: .*PrivacyCategory: invalid regular expression "~_ga\(\(":/s,
         'a bad regular expression');

ok t_cmp(configtest("PrivacyCategory a x\nPrivacyCategory a y"),
         qr/^fail: .*line 10 .*PrivacyCategory: duplicate category "a"/s,
         'a duplicate category');

ok t_cmp(configtest("PrivacyCategory a x\nPrivacyCategory b y x"),
         qr/^fail: .*PrivacyCategory: cookie "x" is named in two "PrivacyCategory" directives/s,
         'a cookie named in two categories');

ok t_cmp(configtest("PrivacyCategory a.b x"),
         qr/^fail: .*invalid category name "a\.b"/s, 'a bad category name');

ok t_cmp(configtest("PrivacyCategory " . join(' ', map { "c$_ x$_\n"
                                            . "PrivacyCategory" } 1 .. 30)
                    . " c31 x31"),
         qr/^fail: .*too many categories, at most 30/s,
         'more than 30 categories');

ok t_cmp(configtest("Privacy On"),
         qr/^fail: .*"PrivacyPolicyVersion" is required where "Privacy" is On, in \Q$dir\E\/httpd\.conf:9/s,
         'Privacy On without a policy version');

ok t_cmp(configtest("PrivacyPolicyVersion 1\n<Location /a>\n"
                    . "PrivacyPolicyVersion 2\n</Location>\n"
                    . "<Location /b>\nPrivacy On\n</Location>"),
         qr/^ok: Syntax OK/,
         'a section inherits the server\'s policy version');

ok t_cmp(configtest("PrivacySecret $keys/short.key"),
         qr/^fail: .*PrivacySecret: the key in ".*short\.key" is \d+ bytes long, it must be at least 32/s,
         'a key too short');

ok t_cmp(configtest("PrivacySecret $dir/missing.key"),
         qr/^fail: .*PrivacySecret: cannot read ".*missing\.key": No such file/s,
         'a missing key file');

# Global Privacy Control (t/035-gpc.t TESTs 16 .. 18c)
my $cats = "PrivacyCategory necessary essential session\n"
         . "PrivacyCategory marketing _fbp\n";

ok t_cmp(configtest($cats . "PrivacyGPC marketing\n"
                    . "PrivacyGPCLastUpdate 2026-11-30\n"
                    . "<Location /a>\nPrivacyGPC off\n</Location>"),
         qr/^ok: Syntax OK/, 'PrivacyGPC, off in a section, a date');

ok t_cmp(configtest($cats . "PrivacyGPC marketing advertising"),
         qr/^fail: .*unknown category "advertising" in "PrivacyGPC" in \Q$dir\E\/httpd\.conf:11/s,
         'PrivacyGPC: an unknown category, named with where');

ok t_cmp(configtest($cats . "PrivacyGPC necessary"),
         qr/^fail: .*category "necessary" in "PrivacyGPC" in \Q$dir\E\/httpd\.conf:11 is essential: the signal refuses optional categories only/s,
         'PrivacyGPC: an essential category cannot be refused');

ok t_cmp(configtest($cats . "PrivacyGPC marketing\n<Location /a>\n"
                    . "PrivacyCategory other x\n</Location>"),
         qr/^fail: .*unknown category "marketing" in "PrivacyGPC" in \Q$dir\E\/httpd\.conf:11/s,
         'PrivacyGPC: a section\'s own categories without the inherited one');

ok t_cmp(configtest($cats . "PrivacyGPC marketing marketing"),
         qr/^fail: .*line 11 .*\nPrivacyGPC: duplicate category "marketing"/s,
         'PrivacyGPC: a category twice');

ok t_cmp(configtest($cats . "PrivacyGPC marketing\nPrivacyGPC off"),
         qr/^fail: .*line 12 .*\nPrivacyGPC: is duplicate in this section/s,
         'PrivacyGPC twice');

ok t_cmp(configtest($cats . "PrivacyGPC off marketing"),
         qr/^fail: .*PrivacyGPC: "off" goes alone, not with categories/s,
         'PrivacyGPC: off with categories');

ok t_cmp(configtest($cats . "PrivacyGPC"),
         qr/^fail: .*PrivacyGPC: takes "off" or one or more categories/s,
         'PrivacyGPC without a value');

ok t_cmp(configtest("PrivacyGPCLastUpdate 2026-13-01"),
         qr/^fail: .*PrivacyGPCLastUpdate: invalid date "2026-13-01", use YYYY-MM-DD/s,
         'a date gpc.json cannot carry');

ok t_cmp(configtest("PrivacyGPCLastUpdate 2026-11-1"),
         qr/^fail: .*PrivacyGPCLastUpdate: invalid date "2026-11-1"/s,
         'a date of 9 bytes');

# the banner's words (t/036-category-text.t TESTs 13 .. 19)
ok t_cmp(configtest($cats . qq{PrivacyCategoryText marketing de "Werbung" ""\n}
                    . qq{PrivacyCategoryText marketing en "} . ('<' x 64)
                    . qq{" "} . ('d' x 512) . qq{"\n}
                    . "PrivacyBannerLanguage DE $dir/httpd.conf"),
         qr/^ok: Syntax OK/,
         'category texts of the longest label and description, a language');

ok t_cmp(configtest($cats . qq{PrivacyCategoryText advertising en "Ads" "Ads."}),
         qr/^fail: .*unknown category "advertising" in "PrivacyCategoryText" in \Q$dir\E\/httpd\.conf:11/s,
         'PrivacyCategoryText: an unknown category, named with where');

ok t_cmp(configtest($cats . qq{PrivacyCategoryText marketing en-GB "A" "a"}),
         qr/^fail: .*PrivacyCategoryText: invalid language "en-GB", use a language tag's primary subtag such as "de"/s,
         'PrivacyCategoryText: a language that is no language tag');

ok t_cmp(configtest($cats . qq{PrivacyCategoryText marketing en "" "a"}),
         qr/^fail: .*PrivacyCategoryText: the label must be 1 to 64 bytes long/s,
         'PrivacyCategoryText: an empty label');

ok t_cmp(configtest($cats . qq{PrivacyCategoryText marketing en "}
                    . ('x' x 65) . qq{" "a"}),
         qr/^fail: .*PrivacyCategoryText: the label must be 1 to 64 bytes long/s,
         'PrivacyCategoryText: a label of 65 bytes');

ok t_cmp(configtest($cats . qq{PrivacyCategoryText marketing en "A" "}
                    . ('d' x 513) . qq{"}),
         qr/^fail: .*PrivacyCategoryText: the description must be at most 512 bytes long/s,
         'PrivacyCategoryText: a description of 513 bytes');

ok t_cmp(configtest($cats . qq{PrivacyCategoryText marketing en "A" "a"\n}
                    . qq{PrivacyCategoryText marketing EN "B" "b"}),
         qr/^fail: .*line 12 .*PrivacyCategoryText: duplicate "en" for "marketing"/s,
         'PrivacyCategoryText: the same language twice for a category');

ok t_cmp(configtest($cats . qq{PrivacyCategoryText marketing en "A"}),
         qr/^fail: .*PrivacyCategoryText: takes a category, a language, a label and a description/s,
         'PrivacyCategoryText without a description');

ok t_cmp(configtest("PrivacyBannerLanguage e1 $dir/httpd.conf\n"),
         qr/^fail: .*PrivacyBannerLanguage: invalid language "e1", use a language tag's primary subtag/s,
         'PrivacyBannerLanguage: a language that is no language tag');

ok t_cmp(configtest("PrivacyBannerLanguage de $dir/httpd.conf\n"
                    . "PrivacyBannerLanguage DE $dir/httpd.conf\n"),
         qr/^fail: .*line 10 .*PrivacyBannerLanguage: duplicate language "de"/s,
         'PrivacyBannerLanguage: a language twice');
