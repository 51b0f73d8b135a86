# Header and page injection: no value from a request, a token or the
# provider reaches a response header with CR or LF, or the error log as a
# line of its own; every such value shown on a page is HTML-escaped.
# Headers are read raw from the socket, not through a parser that could
# fold a forged line away.
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
my $crlf = '%0d%0aX-Injected:%20yes%0d%0aSet-Cookie:%20evil=1';
my $base = '/fake/good';

# clean_head(HEAD): every line is "Name: value" of printable bytes, and no
# header the tests tried to forge is there.
sub clean_head {
    my $head = shift;
    my @lines = split /\r\n/, $head;
    shift @lines;    # the status line
    for my $l (@lines) {
        return "bad line: $l" unless $l =~ /^[!-9;-~]+:[\t\x20-\x7e]*$/;
        return "forged: $l" if $l =~ /^(?:X-Injected|Set-Cookie:\s*evil)/i;
        return "bare CR or LF in: $l" if $l =~ /[\r\n]/;
    }
    return 1;
}

my @requests = (
    # [ method, target, extra headers, label ]
    ['GET', "$base/env$crlf", ['Accept: text/html'], 'a deep link with %0d%0a'],
    ['GET', "$base/env?q=$crlf", ['Accept: text/html'], 'a query with %0d%0a'],
    ['GET', "$base/env$crlf", ['Accept: application/json'],
     'an API call with %0d%0a in the path (401)'],
    ['GET', "$base/zsso/login?target_link_uri=%2Ffake%2Fgood$crlf", [],
     'target_link_uri with %0d%0a'],
    ['GET', "$base/zsso/login?target_link_uri=%2Ffake%2Fgood%250d%250aX", [],
     'target_link_uri with %250d%250a'],
    ['GET', "$base/zsso/login?login_hint=a$crlf", [], 'login_hint with %0d%0a'],
    ['GET', "$base/zsso/login?iss=x$crlf", [], 'iss with %0d%0a'],
    ['GET', "$base/zsso/callback?state=abcdefghijklmnop$crlf&code=x", [],
     'a callback state with %0d%0a'],
    ['GET', "$base/zsso/callback?error=x$crlf&state=abcdefghijklmnop", [],
     'a callback error with %0d%0a'],
    ['GET', "$base/zsso/logout?x=$crlf", [], 'logout with %0d%0a'],
    ['GET', "$base/zsso/logged-out?x=$crlf", [], 'logged-out with %0d%0a'],
);

plan tests => 2 * @requests + 5 + 6 + 4 + 3, need_lwp;

my $log_start = error_log_size();

# ------------------------------------------------------------ raw headers
for my $r (@requests) {
    my ($method, $target, $headers, $label) = @$r;
    my ($head, $res) = raw_request($method, $target, @$headers);
    t_debug("$label:\n$head");
    ok t_cmp($res->code, qr/^(?:200|302|400|401|404)$/, "$label: answered "
             . $res->code);
    ok t_cmp(clean_head($head), 1, "$label: no forged or broken header");
}

# A completed sign-in whose deep link and query carry %0d%0a: the Location
# after the callback is the link, still escaped.
{
    my ($head, $res) = raw_request('GET', "$base/env?q=$crlf", 'Accept: text/html');
    my @cookies = map { /^(zsso_state_[^;]+)/ ? $1 : () }
                  $res->headers->header('Set-Cookie');
    my $ua = ua();
    my $at = $ua->get($res->header('Location') // 'http://invalid/');
    my $cb = URI->new_abs($at->header('Location') // '', $at->request->uri);
    my ($cbhead, $cbres) = raw_request('GET', $cb->path_query,
                               'Cookie: ' . join('; ', @cookies));
    t_debug("callback:\n$cbhead");
    ok t_cmp($cbres->code, 302, 'a sign-in from a link with %0d%0a completes');
    ok t_cmp($cbres->header('Location') // '',
             "http://localhost:$port$base/env?q=$crlf",
             '... back at the link, still escaped');
    ok t_cmp(clean_head($cbhead), 1, '... no forged header in the callback');
    ok t_cmp(scalar(grep { /^zsso_session=[A-Za-z0-9_-]+;/ }
                    $cbres->headers->header('Set-Cookie')), 1,
             '... one plain session cookie');
    my ($sid) = map { /^(zsso_session=[^;]+)/ ? $1 : () }
                $cbres->headers->header('Set-Cookie');
    my ($page) = raw_request('GET', "$base/env?q=$crlf", 'Accept: text/html',
                             'Cookie: ' . ($sid // ''));
    ok t_cmp(clean_head($page), 1,
             '... and the signed-in page carries none either');
}

# ------------------------------------------------------------ pages
# A provider error with markup, quotes and CR LF in error_description,
# for this browser's pending login: the page shows it escaped.
{
    my $cb_re = qr{/fake/good/zsso/callback\?};
    my ($res, $ua) = login('x', 'x', "$base/env", stop_at => $cb_re);
    my $cb = URI->new_abs($res->header('Location') // '',
                          $res->request->uri);
    my $state = $cb->query_param('state') // '';
    my $desc = qq{"><script>alert('d')</script>\r\nX-Injected: desc &amp;};
    my $bad = URI->new(rp_url("$base/zsso/callback"));
    $bad->query_form(error => 'invalid_request<b>', state => $state,
                     error_description => $desc);
    my $offset = error_log_size();
    $res = $ua->get($bad->as_string);
    my $body = $res->decoded_content // '';
    t_debug(dump_res($res));
    ok t_cmp($res->code, 401, 'a provider error with markup: 401');
    ok t_cmp(index($body, '<script>') < 0 && index($body, '<b>') < 0
             ? 1 : 0, 1, '... no raw markup');
    ok t_cmp($body, qr/&quot;&gt;&lt;script&gt;alert\(&#39;d&#39;\)/,
             '... the description is shown escaped');
    ok t_cmp($body, qr/&amp;amp;/, '... an entity in it escaped once more');
    my @lines = zsso_lines(error_log_since($offset));
    ok t_cmp(scalar(grep { /ZSSO00201/ } @lines), 1, '... one tagged line');
    ok t_cmp(scalar(grep { /^X-Injected/ } split /\n/,
                    error_log_since($offset)), 0,
             '... which the CR LF did not split');
}

# A signed-in user whose claims carry markup, refused by Require: the 403
# page names the user, escaped; the status page shows none of it raw.
{
    my ($res) = browse(ua(), rp_url('/hx/markup-claims/env'));
    my $body = $res->decoded_content // '';
    t_debug(dump_res($res));
    ok t_cmp($res->code, 403, 'a user with markup in the name, refused: 403');
    ok t_cmp(index($body, '<script') < 0 ? 1 : 0, 1, '... no raw <script>');
    ok t_cmp($body, qr/&lt;script&gt;alert\(&quot;u&quot;\)&lt;\/script&gt;\@fake\.example/,
             '... the user name shown escaped');
    my $st = ua()->get(rp_url('/zsso-status'))->decoded_content // '';
    ok t_cmp($st !~ /<script|<b /i ? 1 : 0, 1,
             'the status page carries no raw markup');
}

# ------------------------------------------------------------ the log
# Claims with CR LF (fake-op's odd-claims) and the requests above: no line
# of the error log starts with a forged text.
{
    my ($res) = browse(ua(), rp_url('/fake-pass/odd-claims'));
    ok t_cmp($res->code, qr/^(?:200|404)$/, 'odd-claims user signed in');
    my @lines = split /\n/, error_log_since($log_start);
    my @forged = grep { /^\s*(?:X-Injected|Set-Cookie)/ } @lines;
    t_debug("forged log line: $_") for @forged;
    ok t_cmp(scalar(@forged), 0, 'no forged line in the error log');
    my @raw_cr = grep { /\r/ } @lines;
    ok t_cmp(scalar(@raw_cr), 0, 'no raw CR in the error log');
}
