# Degenerate requests to a protected location and to the module's own
# endpoints (callback, login, logout, logged-out): empty or '&'-only
# queries, repeated state or code, a callback with neither, POST without a
# content type or with an empty body, bytes that are not UTF-8, thousands
# of cookies, one cookie of 100 KB, very long URLs.  Each gets a clear
# answer (a 4xx, or the normal redirect or page where that is right), the
# content never, and the server goes on: a normal sign-in afterwards
# works and no worker died.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use URI ();
use URI::QueryParam ();
use ZssoTest qw(:all);

my $b = '/fake/good';
my $cb = "$b/zsso/callback";
my $many = join '; ', map { "c$_=v$_" } 1 .. 80;   # 80 per Cookie line
# 1900 cookies in one line under httpd's LimitRequestFieldSize (8190).
my @a = ('a' .. 'z', 'A' .. 'Z', 0 .. 9);
my $crowd = join ';', (map { my $x = $_; map { "$x$_=" } @a } @a)[0 .. 1899];

# [ method, target, [headers], body, allowed statuses, label ]
my @cases = (
    ['GET', "$cb?", [], undef, '400', 'callback, empty query'],
    ['GET', "$cb?&&&", [], undef, '400', 'callback, & only'],
    ['GET', "$cb?foo=bar", [], undef, '400', 'callback, neither state nor code'],
    ['GET', "$cb?state=&code=", [], undef, '400', 'callback, both empty'],
    ['GET', "$cb?state=aaaaaaaaaaaaaaaa&state=bbbbbbbbbbbbbbbb&code=x", [],
     undef, '400', 'callback, state twice'],
    ['GET', "$cb?state=aaaaaaaaaaaaaaaa&st%61te=bbbbbbbbbbbbbbbb&code=x", [],
     undef, '400', 'callback, state twice (one encoded)'],
    ['GET', "$cb?state=%ff%fe%fd%fc%fb%fa%f9%f8%f7%f6%f5%f4&code=%c0%af", [],
     undef, '400', 'callback, not UTF-8'],
    ['GET', "$cb?state=%zz&code=%", [], undef, '400',
     'callback, broken escapes'],
    ['GET', "$cb?state=" . ('a' x 7000) . '&code=x', [], undef, '400',
     'callback, a 7000-byte state'],
    ['POST', $cb, [], '', '400', 'callback, POST without type or body'],
    ['POST', $cb, ['Content-Type: application/x-www-form-urlencoded'],
     'state=a&code=b', '400', 'callback, POST form'],
    ['GET', "$b/zsso/login?", [], undef, '302', 'login, empty query'],
    ['GET', "$b/zsso/login?&&&", [], undef, '302', 'login, & only'],
    ['GET', "$b/zsso/login?target_link_uri=%ff%fe&login_hint=%c0%af", [],
     undef, '302', 'login, not UTF-8'],
    ['POST', "$b/zsso/login", [], '', '302|401', 'login, POST, empty body'],
    ['GET', "$b/zsso/logout?", [], undef, '302', 'logout, empty query'],
    ['GET', "$b/zsso/logout?&&&", [], undef, '302', 'logout, & only'],
    ['POST', "$b/zsso/logout", [], '', '302', 'logout, POST, empty body'],
    ['POST', "$b/zsso/logout", ['Content-Type: text/plain'], "\xff\xfe",
     '302', 'logout, POST, not UTF-8'],
    ['GET', "$b/zsso/logged-out?&&&", [], undef, '200', 'logged-out, & only'],
    ['POST', "$b/zsso/logged-out", [], '', '200|405', 'logged-out, POST'],
    ['GET', "$b/env?", [], undef, '302', 'protected, empty query'],
    ['GET', "$b/env?&&&", [], undef, '302', 'protected, & only'],
    ['GET', "$b/env%ff%fe?x=%c0%af", [], undef, '302|404',
     'protected, not UTF-8'],
    ['GET', "$b/env\xff\xfe", [], undef, '302|400|404',
     'protected, raw bytes over 0x7f'],
    ['POST', "$b/env", [], '', '401', 'protected, POST, empty body'],
    ['POST', "$b/env", ['Content-Type: application/json'], '{', '401',
     'protected, POST, broken JSON'],
    ['GET', "$b/env", ["Cookie: $crowd"], undef, '302',
     'protected, 1900 cookies'],
    ['GET', $cb . '?state=aaaaaaaaaaaaaaaa&code=x', ["Cookie: $crowd"],
     undef, '400', 'callback, 1900 cookies'],
    ['GET', "$b/zsso/logout", ["Cookie: $crowd"], undef, '302',
     'logout, 1900 cookies'],
    # Over LimitRequestFieldSize once httpd merges the lines: httpd's 400.
    ['GET', "$b/env", [map { "Cookie: $many" } 1 .. 90], undef, '400',
     'protected, 7200 cookies in 90 lines'],
    ['GET', "$b/env", ['Cookie: big=' . ('x' x 102400)], undef, '400',
     'protected, one cookie of 100 KB'],
    ['GET', "$b/env", ['Cookie: zsso_session=' . ('x' x 8000)], undef, '302',
     'protected, an 8000-byte session cookie'],
    ['GET', "$b/env?" . ('q' x 8000), [], undef, '302',
     'protected, an 8000-byte query'],
    ['GET', "$b/" . ('p' x 102400), [], undef, '414',
     'protected, a 100 KB URL'],
    ['GET', "$cb?" . ('&' x 8000), [], undef, '400',
     'callback, 8000 &'],
);

plan tests => 3 * @cases + 3 + 3 + 4, need_lwp;

# ------------------------------------------------------------ each case
for my $c (@cases) {
    my ($method, $target, $headers, $body, $allowed, $label) = @$c;
    my ($head, $res) = raw_send($method, $target, $body, 'Accept: text/html',
                                @$headers);
    t_debug("$label: " . ($head =~ s/\r\n.*//sr));
    my $content = $res->decoded_content // '';
    ok t_cmp($res->code, qr/^(?:$allowed)$/, "$label: $allowed");
    ok t_cmp($content =~ /REMOTE_USER=|zsso-test-/ ? 1 : 0, 0,
             "$label: no content");
    my ($next) = browse(ua(), rp_url('/public/index.html'));
    ok t_cmp($next->code, 200, "$label: the next request is served");
}

# ------------------------------------------------------------ repeated code
# A real pending login whose callback comes with a second code: 400, and
# the login is not spent by it (the untouched callback still signs in).
{
    my ($res, $ua) = login('x', 'x', "$b/env",
                           stop_at => qr{/fake/good/zsso/callback\?});
    my $url = URI->new_abs($res->header('Location') // '', $res->request->uri);
    my $dup = $url->as_string . '&code=other';
    $res = $ua->get($dup);
    ok t_cmp($res->code, 400, 'a pending callback with code twice: 400');
    ok t_cmp(session_cookie($res), undef, '... no session');
    $res = $ua->get($url->as_string);
    ok t_cmp($res->code, 302, '... the untouched callback still signs in');
}

# ------------------------------------------------------------ crowded jar
# A signed-in browser whose session cookie comes with 1900 others: still
# signed in, and the application sees the others but not the module's.
{
    my $jar = ua();
    login('x', 'x', "$b/env", ua => $jar);
    my $sid = cookie_value($jar, 'zsso_session') // 'none';
    my (undef, $r) = raw_request('GET', "$b/env",
                                 "Cookie: zsso_session=$sid;$crowd");
    my $env = env_of($r);
    ok t_cmp($r->code, 200, 'signed in with 1900 more cookies: 200');
    ok t_cmp($env->{REMOTE_USER}, 'good@fake.example', '... as the user');
    ok t_cmp(($env->{HTTP_COOKIE} // '') =~ /zsso_/ ? 1 : 0, 0,
             '... the application does not see the session cookie');
}

# ------------------------------------------------------------ after it all
{
    my ($res) = browse(ua(), rp_url("$b/env"));
    ok t_cmp($res->code, 200, 'a normal sign-in afterwards works');
    ok t_cmp(env_of($res)->{REMOTE_USER}, 'good@fake.example', '... as good');
    my $log = error_log_since(0);
    ok t_cmp(scalar(() = $log =~ /exit signal|Segmentation|AddressSanitizer/g),
             0, 'no worker died');
    ok t_cmp(scalar(() = $log =~ /ZSSO00207.*\bstate=/g), 0,
             'no state value written to the log');
}
