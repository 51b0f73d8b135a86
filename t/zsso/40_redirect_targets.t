# Where a completed sign-in sends the browser stays on this site for every
# spelling a browser would read as another host: in target_link_uri on the
# SSO login URL, and in the deep link itself (the request target, sent raw).
# Each sign-in is completed against fake-op; every Location on the way is
# either the provider or http://localhost:<port>/..., and the last one (the
# callback's) is on this site with a path.  Sign-out takes a return path
# only when it is one on this site (t/zsso/35_logout.t): a URL of another
# site in any parameter goes nowhere, the browser goes to the provider's
# logout and back to this site's logged-out page.  (t/zsso/34_initiate.t
# has the basic iss/target_link_uri cases with okta-op.)
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use URI ();
use URI::Escape qw(uri_escape);
use URI::QueryParam ();
use ZssoTest qw(:all);

my $port = $ENV{ZSSO_RP_PORT};
my $origin = "http://localhost:$port";
my $fake = "https://127.0.0.1:$ENV{ZSSO_FAKE_PORT}";
my $base = '/fake/good';

# target_link_uri values (sent URL-encoded once) that must land on the
# location's root.
my @hostile = (
    '//evil.example/', '///evil.example/', '/\\evil.example/',
    '\\\\evil.example/', '\\/evil.example/', '/%2Fevil.example/',
    '/%2F/evil.example/', '%2F%2Fevil.example/', '/%5Cevil.example/',
    '/%5C%5Cevil.example/', '%5C%5Cevil.example/',
    "ht\ttp://evil.example/", "h\nttps://evil.example/", "/\t/evil.example/",
    "/\n/evil.example/", "/\r\n/evil.example/", "\t//evil.example/",
    ' //evil.example/', 'http:evil.example/', 'https:evil.example',
    'https:/evil.example/', 'http:/\\evil.example/', 'https:\\\\evil.example/',
    'https://evil.example/', 'HTTPS://EVIL.EXAMPLE/',
    "$origin\@evil.example/", "http://localhost:$port\@evil.example/x",
    "http://user:pw\@evil.example/", "http://evil.example\@localhost:$port/",
    "http://localhost:$port.evil.example/", "http://localhost:${port}0/",
    "http://evil-localhost:$port/", "http://localhost.evil.example:$port/",
    "http://evil.example/?$origin/", "http://evil.example/#$origin/",
    "http://localhost:$port\\\@evil.example/", "https://localhost:$port/",
    "http://127.0.0.1:$port/fake/good/env", 'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>', 'evil.example', '',
);
# Odd but plain paths on this site: kept as they are (a browser reads no
# host in them, and the Location is absolute on this origin).
my @odd = ('/%252F%252Fevil.example', "$base/env%00.evil", "$base//x",
           "$base/%5C%5Cevil.example");

# Raw request targets of the deep link (the bytes of the request line).
my @deep = (
    "//evil.example/../$base/env",
    "//evil.example/%2e%2e$base/env",
    "/$base/env",
    "$base//evil.example",
    "$base/%2F%2Fevil.example",
    "$base/%5C%5Cevil.example",
    "http://evil.example$base/env",
    "https://evil.example:$port$base/env",
);

plan tests => 3 * @hostile + 4 + 2 * @odd + 3 * @deep + 6, need_lwp;

# finish(RES, UA): a 302 to fake-op's authorize; follow it to the callback
# and take that; returns (callback response, [every Location on the way]).
sub finish {
    my ($res, $ua, @cookies) = @_;
    my @locs = ($res->header('Location') // '');
    my $req = HTTP::Request->new(GET => $locs[0]);
    my $hop = $ua->request($req);
    push @locs, $hop->header('Location') // '';
    my $cb = HTTP::Request->new(GET => URI->new_abs($locs[-1], $locs[0]));
    $cb->header(Cookie => join '; ', @cookies) if @cookies;
    my $last = $ua->request($cb);
    push @locs, $last->header('Location') // '';
    return ($last, \@locs);
}

sub on_site_or_provider {
    my @bad = grep { !m{^(?:\Q$origin\E/|\Q$fake\E/)} } @{ $_[0] };
    return @bad ? "off-site: @bad" : 1;
}

# ------------------------------------------------------------ target_link_uri
for my $t (@hostile) {
    my $ua = ua();
    my $res = $ua->get(rp_url("$base/zsso/login?target_link_uri="
                              . uri_escape($t)));
    my ($last, $locs) = finish($res, $ua);
    (my $shown = $t) =~ s/([^\x21-\x7e])/sprintf('\\x%02x', ord $1)/ge;
    t_debug("$shown: $_") for @$locs;
    ok t_cmp($last->code, 302, "target_link_uri $shown: signed in");
    ok t_cmp($last->header('Location') // '', "$origin$base/",
             "... lands on the location's root");
    ok t_cmp(on_site_or_provider($locs), 1, '... no hop leaves the two sites');
}
# The same-origin ones do land where they say.
for my $t ("$origin$base/env?x=1", "$base/env?x=1") {
    my $ua = ua();
    my $res = $ua->get(rp_url("$base/zsso/login?target_link_uri="
                              . uri_escape($t)));
    my ($last, $locs) = finish($res, $ua);
    ok t_cmp($last->code, 302, "target_link_uri $t: signed in");
    ok t_cmp($last->header('Location') // '', "$origin$base/env?x=1",
             '... and lands there');
}

for my $t (@odd) {
    my $ua = ua();
    my $res = $ua->get(rp_url("$base/zsso/login?target_link_uri="
                              . uri_escape($t)));
    my ($last, $locs) = finish($res, $ua);
    ok t_cmp($last->header('Location') // '', "$origin$t",
             "target_link_uri $t: kept, on this site");
    ok t_cmp(on_site_or_provider($locs), 1, '... no hop leaves the two sites');
}

# ------------------------------------------------------------ deep links
for my $t (@deep) {
    my (undef, $res) = raw_request('GET', $t, 'Accept: text/html');
    my @cookies = map { /^(zsso_state_[^;]+)/ ? $1 : () }
                  $res->headers->header('Set-Cookie');
    t_debug("deep link $t: " . $res->code . ' '
            . ($res->header('Location') // ''));
    if ($res->code != 302) {
        # Not a protected location for httpd (or refused): no sign-in to
        # finish; it must not be a redirect off the site either.
        ok t_cmp($res->code, qr/^(?:400|404)$/, "deep link $t: 400 or 404");
        ok 1;
        ok 1;
        next;
    }
    my ($last, $locs) = finish($res, ua(), @cookies);
    t_debug("  $_") for @$locs;
    ok t_cmp($last->code, 302, "deep link $t: signed in");
    ok t_cmp($last->header('Location') // '', qr{^\Q$origin\E/(?!/|\\)},
             '... back on this site, with a path');
    ok t_cmp(on_site_or_provider($locs), 1, '... no hop leaves the two sites');
}

# ------------------------------------------------------------ sign-out
{
    my ($res, $ua) = login('x', 'x', "$base/env");
    ok t_cmp($res->code, 200, 'signed in for the sign-out test');
    my $evil = uri_escape('https://evil.example/');
    $res = $ua->request(HTTP::Request->new(POST => rp_url(
        "$base/zsso/logout?return=$evil&post_logout_redirect_uri=$evil"
        . "&target_link_uri=$evil")));
    my $loc = URI->new($res->header('Location') // '');
    t_debug('logout: ' . dump_res($res));
    ok t_cmp($res->code, 302, 'sign-out with return parameters: 302');
    ok t_cmp($loc->as_string, qr{^\Q$fake\E/oauth2/v1/logout\?},
             '... to the provider\'s logout');
    ok t_cmp($loc->query_param('post_logout_redirect_uri') // '',
             "$origin$base/zsso/logged-out",
             '... which sends the browser back to this site');
    ok t_cmp(index($loc->as_string, 'evil') < 0 ? 1 : 0, 1,
             '... and no parameter of the request reaches it');
    $res = ua()->get(rp_url("$base/zsso/logged-out?return=$evil"));
    ok t_cmp($res->code . ' ' . ($res->header('Location') // '-') . ' '
             . (index($res->decoded_content // '', 'evil') < 0 ? 'clean' : 'evil'),
             '200 - clean', 'logged-out with a return parameter: the page, '
             . 'no redirect, nothing of it shown');
}
