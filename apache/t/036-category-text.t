# The banner's words: the builtin banner in English, German and French
# picked by Accept-Language, labels and descriptions per language (builtin
# for the common names, PrivacyCategoryText for any, HTML-escaped), a
# PrivacyBannerLanguage file, the patterns as configured, GPC said where it
# is honoured.  Mirrors t/036-category-text.t of the nginx module (its
# configuration errors are in 026-config-errors.t; the settings page is
# not in mod_privacy yet).

use strict;
use warnings FATAL => 'all';

use Apache::Test qw(plan ok);
use Apache::TestRequest qw(GET);
use Apache::TestUtil qw(t_cmp);

plan tests => 20;

sub page { my $r = GET @_; $r->content }

# 1 .. 2
ok t_cmp(page('/builtin.html'),
         qr{<div class="privacy-banner__essential"><div class="privacy-banner__category"><span class="privacy-banner__choice">Necessary</span><details class="privacy-banner__details"><summary>Details<span class="privacy-banner__about"> \(Necessary\)</span></summary><p>Cookies the site needs to work, such as your session and this choice.</p><p>Always on: the site needs these to work.</p><dl><dt>Cookies</dt><dd>session</dd></dl></details></div></div><fieldset},
         'English: labels, a <details> per category, the essential one '
         . 'always on');
ok t_cmp(scalar(() = page('/builtin.html')
                     =~ /<details class="privacy-banner__details"><summary>/g),
         3, 'three categories, three disclosures');

# 3 .. 7: the language Accept-Language picks
my $de = page('/builtin.html', 'Accept-Language' => 'de');
ok t_cmp($de,
         qr{lang="de".*<span class="privacy-banner__choice">Notwendig</span><details class="privacy-banner__details"><summary>Details<span class="privacy-banner__about"> \(Notwendig\)</span></summary><p>Cookies, die die Website.*<p>Immer aktiv: .*value="analytics"> Statistik</label>.*<p>Messen, wie die Website genutzt wird.*value="marketing"> Marketing</label>.*<p>Erlauben Werbepartnern}s,
         'German: the builtin banner and the category names in German');
ok t_cmp($de =~ />Necessary<|>Analytics<|Accept all/ ? 1 : 0, 0,
         '... no English left');
ok t_cmp(page('/builtin.html', 'Accept-Language' => 'fr'),
         qr{lang="fr".*<span class="privacy-banner__choice">Nécessaires</span><details class="privacy-banner__details"><summary>Détails<span class="privacy-banner__about"> \(Nécessaires\)</span></summary>.*value="analytics"> Mesure d&#39;audience</label>.*<p>Permettent à des partenaires}s,
         'French, escaped');
ok t_cmp(page('/builtin.html',
              'Accept-Language' => 'es, fr-CH;q=0.5, de;q=0.9, en;q=0.1'),
         qr{lang="de"}, 'the language with the highest q that has words');
ok t_cmp(page('/builtin.html', 'Accept-Language' => 'xx, ;q=, *;q=1.0, '
                                                   . ('z' x 5000)),
         qr{lang="en"}, 'none of them: English');

# 8 .. 9: PrivacyCategoryText, escaped
ok t_cmp(page('/words/page.html'),
         qr{value="analytics"> Statistics &lt;&amp;&gt;</label>.*<p>Counts &quot;visits&quot;; nothing else.</p>.*value="marketing"> Marketing</label>}s,
         'PrivacyCategoryText replaces the builtin words, HTML-escaped');
ok t_cmp(page('/words/page.html', 'Accept-Language' => 'de'),
         qr{value="analytics"> Besucherzählung</label>.*<p>Zählt Besuche.</p>.*value="marketing"> Marketing</label>.*<p>Erlauben Werbepartnern}s,
         '... in German its German words; marketing keeps the builtin ones');

# 10 .. 11: categories of a section's own
my $own = page('/words/own/page.html', 'Accept-Language' => 'fr');
ok t_cmp($own,
         qr{value="video"> Embedded videos</label>.*<p>Video players of other sites.</p><dl><dt>Cookies</dt><dd>yt1, yt2</dd>}s,
         'a category without builtin words: English words from '
         . 'PrivacyCategoryText');
ok t_cmp($own,
         qr{<dd>session, ~\^sess_</dd>.*value="ads"> ads</label>.*<dd>exact1, exact2, ~\*\^ad&lt;s&gt;&amp;, ~\^x&quot;y</dd>}s,
         '... its name otherwise; the patterns as configured, after the '
         . 'exact names, escaped');

# 12 .. 14: a file banner in Spanish
my $es = page('/words/es/page.html', 'Accept-Language' => 'es');
ok t_cmp($es,
         qr{^<body><div id="privacy-banner"><div class="privacy-banner__category">.*value="analytics"> Analítica</label>.*<p>Mide el uso del sitio.</p>.*value="marketing"> Marketing</label>}s,
         'PrivacyBannerLanguage: its file, its words in {{category_details}}');
ok t_cmp($es,
         qr{\|<label class="privacy-banner__choice"><input type="checkbox" name="category" value="analytics"> analytics</label><label class="privacy-banner__choice"><input type="checkbox" name="category" value="marketing"> marketing</label>\|<div class="privacy-banner__category"><span class="privacy-banner__choice">Necessary</span>.*\|</div>x$}s,
         '... {{category_inputs}} as it was, the essential one in English, '
         . 'no GPC note');
ok t_cmp(page('/words/es/page.html', 'Accept-Language' => 'en'),
         qr{lang="en"}, '... other languages keep the builtin banner');

# 15 .. 17: Global Privacy Control, in the banner's words
ok t_cmp(page('/words/gpc/page.html', 'Sec-GPC' => '1'),
         qr{<p class="privacy-banner__gpc-sent">Your browser sends the Global Privacy Control signal\. It is honoured: these stay refused unless you allow them here: Ads &lt;b&gt;&amp;</p>.*value="marketing"> Ads &lt;b&gt;&amp;</label><details class="privacy-banner__details"><summary>Details<span class="privacy-banner__about"> \(Ads &lt;b&gt;&amp;\)</span></summary><p class="privacy-banner__gpc">}s,
         'the signal: the note names the categories by their labels, '
         . 'escaped; an empty description is none');
ok t_cmp(page('/words/gpc/page.html', 'Sec-GPC' => '1',
              'Accept-Language' => 'fr'),
         qr{<p class="privacy-banner__gpc-sent">Votre navigateur envoie le signal Global Privacy Control\. [^<]*: Marketing</p>.*value="marketing"> Marketing</label>.*<p class="privacy-banner__gpc">Le signal Global Privacy Control de votre navigateur refuse ceci}s,
         '... in French, with the builtin French label');
ok t_cmp(page('/words/page.html', 'Sec-GPC' => '1') =~ /Global Privacy/
         ? 1 : 0, 0, 'without PrivacyGPC it says nothing of it');

# 18 .. 20: the headers that pick a banner, hostile
ok t_cmp(page('/builtin.html', 'Accept-Language' => "de;q=0.x, fr"),
         qr{lang="fr"}, 'a weight that does not parse counts as 0');
ok t_cmp(page('/builtin.html', 'Accept-Language' => ''), qr{lang="en"},
         'an empty Accept-Language: English');
ok t_cmp(page('/builtin.html', 'Accept-Language' => 'DE-at'), qr{lang="de"},
         'a region and capitals: its primary subtag, in any case');
