# URLs come from ServerName, not from the Host header; pending logins stay
# few and small; group names cannot forge ZSSO_GROUPS; sign-out refuses
# another site's POST.
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

my $port = $ENV{ZSSO_RP_PORT};

plan tests => 17, need_lwp;

# ------------------------------------------------------------ Host header
{
    my $req = HTTP::Request->new(GET => rp_url('/console/env'),
                                 [Host => "evil.example:$port"]);
    my $res = ua()->request($req);
    my $loc = URI->new($res->header('Location') // '');
    t_debug('spoofed Host: ' . dump_res($res));
    ok t_cmp($res->code, 302, 'a spoofed Host still starts a sign-in');
    ok t_cmp($loc->query_param('redirect_uri') // '',
             "http://localhost:$port/console/zsso/callback",
             '... with the redirect URI of ServerName, not of Host');
}

# ------------------------------------------------------------ pending logins
{
    my $ua = ua();
    $ua->get(rp_url("/console/env?tab=$_")) for 1 .. 8;
    my $pending = 0;
    $ua->cookie_jar->scan(sub { $pending++ if $_[1] =~ /^zsso_state_/ });
    ok t_cmp($pending <= 4, 1,
             "eight background sign-ins leave at most 4 state cookies "
             . "(got $pending)");
}

# ------------------------------------------------------------ long deep link
{
    my $long = '/console/env?q=' . ('a' x 3000);
    my $res = ua()->get(rp_url($long));
    my ($state) = grep { /^zsso_state_/ } set_cookie_headers($res);
    ok t_cmp(length($state // 'x' x 5000) < 4096, 1,
             'a 3000-byte deep link keeps the state cookie under 4 KB');
    ($res) = login('bob@example.com', 'bob-pw', $long);
    ok t_cmp($res->code, 200, '... and the sign-in completes');
    ok t_cmp($res->request->uri->path, '/console/',
             '... landing on the location\'s root instead of the long link');
}

# ------------------------------------------------------------ ZSSO_GROUPS
{
    my ($res) = browse(ua(), rp_url('/fake/odd-groups/env'));
    my $env = env_of($res);
    ok t_cmp($env->{ZSSO_GROUPS}, 'Everyone,console-admins%2Cevil,100%25',
             'a comma or % inside a group name is escaped in ZSSO_GROUPS');
}

# ------------------------------------------------------------ cross-site logout
{
    my ($res, $ua) = login('alice@example.com', 'alice-pw', '/console/env');
    ok t_cmp(env_of($res)->{REMOTE_USER}, 'alice@example.com', 'alice signs in');
    my $offset = error_log_size();
    $res = $ua->request(HTTP::Request->new(
        POST => rp_url('/console/zsso/logout'),
        [Origin => 'https://evil.example']));
    ok t_cmp($res->code, 403, 'a sign-out POST with a foreign Origin: 403');
    $res = $ua->request(HTTP::Request->new(
        POST => rp_url('/console/zsso/logout'),
        ['Sec-Fetch-Site' => 'cross-site']));
    ok t_cmp($res->code, 403, '... and with Sec-Fetch-Site: cross-site: 403');
    $res = $ua->request(HTTP::Request->new(
        POST => rp_url('/console/zsso/logout'), [Origin => 'null']));
    ok t_cmp($res->code, 403, '... and with Origin: null: 403');
    my @lines = grep { /ZSSO00302/ } zsso_lines(error_log_since($offset));
    ok t_cmp(scalar @lines, 3, '... each logged once (ZSSO00302)');
    $res = $ua->get(rp_url('/console/env'));
    ok t_cmp(env_of($res)->{REMOTE_USER}, 'alice@example.com',
             '... and alice is still signed in');
}

# ------------------------------------------------------------ binding
# A session of one organisation is not carried by an internal redirect
# into another organisation's location (there it must be a new sign-in).
{
    my $ua = ua();
    my ($res) = browse($ua, rp_url('/jump/go'),
                       stop_at => qr{^https://127\.0\.0\.1:\Q$ENV{ZSSO_OP_PORT}\E/});
    my $loc = $res->header('Location') // '';
    t_debug('jump: ' . dump_res($res));
    ok t_cmp($res->code, 302,
             'an internal redirect into another organisation: no page');
    ok t_cmp($loc, qr{^https://127\.0\.0\.1:\Q$ENV{ZSSO_OP_PORT}\E/oauth2/v1/authorize\?},
             '... but a sign-in at that organisation\'s provider');
    ok t_cmp(($res->decoded_content // '') =~ /REMOTE_USER=/ ? 1 : 0, 0,
             '... and nothing of the other session reaches the page');
}

# ------------------------------------------------------------ cookies
{
    my ($res) = login('alice@example.com', 'alice-pw', '/console/env');
    ok t_cmp(env_of($res)->{HTTP_COOKIE} // '', qr/^(?!.*zsso_)/,
             'the application never sees the module\'s cookies');
}
