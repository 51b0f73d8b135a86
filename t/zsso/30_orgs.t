# Two organisations on one server, each with its own Okta: sessions stay
# bound to the issuer, client, location and virtual host they were made
# for; groups come from userinfo when the ID token has none.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use ZssoTest qw(:all);

my $op2 = $ENV{ZSSO_OP2_PORT};
my $vhost = "http://localhost:$ENV{ZSSO_VHOST_PORT}";

plan tests => 9 + 6 + 3 + 3 + 4 + 3, need_lwp;

# with_cookie(URL, COOKIE): a fresh client sends only this session cookie.
sub with_cookie {
    my ($url, $cookie) = @_;
    my $res = ua()->request(HTTP::Request->new(GET => $url,
                                               [Cookie => "zsso_session=$cookie"]));
    t_debug("with a copied cookie: " . dump_res($res));
    return $res;
}

# ------------------------------------------------------------ side by side
my $log_start = error_log_size();
my ($res, $ua) = login('alice@example.com', 'alice-pw', '/console/env');
my $env = env_of($res);
ok t_cmp($env->{REMOTE_USER}, 'alice@example.com', 'alice signs in to /console');
ok t_cmp($env->{ZSSO_ISSUER}, "https://127.0.0.1:$ENV{ZSSO_OP_PORT}",
         '... at the first organisation');
($res) = login('dana@beta.example', 'dana-pw', '/beta/env', ua => $ua);
$env = env_of($res);
ok t_cmp($env->{REMOTE_USER}, 'dana@beta.example',
         'dana signs in to /beta in the same browser');
ok t_cmp($env->{ZSSO_ISSUER}, "https://127.0.0.1:$op2",
         '... at the second organisation');
ok t_cmp($env->{ZSSO_ROLE}, 'Beta Admin',
         '... with the role her group gives (groups from userinfo)');
ok t_cmp($env->{ZSSO_GROUPS}, 'Everyone,beta-admins', '... and her groups');
ok t_cmp(env_of($ua->get(rp_url('/console/env')))->{REMOTE_USER},
         'alice@example.com', 'both sessions live side by side: /console');
ok t_cmp(env_of($ua->get(rp_url('/beta/env')))->{REMOTE_USER},
         'dana@beta.example', '... and /beta');
my @lines = zsso_lines(error_log_since($log_start));
ok t_cmp(scalar(grep { /ZSSO00220:.*userinfo/ } @lines), 1,
         'the log says the groups came from userinfo');

# ------------------------------------------------------------ never crossed
my $alice = cookie_value($ua, 'zsso_session');
ok t_cmp(with_cookie(rp_url('/console/env'), $alice)->code, 200,
         'alice\'s session cookie, copied, works at /console');
$res = with_cookie(rp_url('/beta/env'), $alice);
ok t_cmp($res->code != 200, 1, '... but not at the other organisation');
ok t_cmp(is_provider_redirect($res, $op2), 1,
         '... which sends the browser to its own Okta instead');
$res = with_cookie("$vhost/console/env", $alice);
ok t_cmp($res->code != 200, 1,
         '... nor on another virtual host with the same connection and path');
ok t_cmp(is_provider_redirect($res, $ENV{ZSSO_OP_PORT}), 1,
         '... which starts a sign-in of its own');
$res = with_cookie("$vhost/console/env", 'x' x 43);
ok t_cmp($res->code, 302, '(the other virtual host does protect /console)');

# ------------------------------------------------------------ refused at org 2
($res, undef, my $hops) = login('erin@beta.example', 'erin-pw', '/beta/env');
ok t_cmp($res->code, 403, 'erin, not assigned at the second organisation: 403');
ok t_cmp($res->decoded_content // '', qr/not allowed/i,
         '... on the "not allowed" page');
ok t_cmp(scalar(grep { /^zsso_session=/ } set_cookie_headers($hops)), 0,
         '... and no session');

# ------------------------------------------------------------ start-up URLs
my $log = error_log_since(0);
ok t_cmp($log, qr{ZSSO00003:\ <Location\ /beta>
                  \ \(issuer\ https://127\.0\.0\.1:$op2,\ client\ zsso-beta\):
                  \ sign-in\ redirect\ URI\ http://localhost:\d+/beta/zsso/callback
                  \ ;\ SSO\ login\ URL\ http://localhost:\d+/beta/zsso/login}x,
         'start-up names the second organisation\'s URLs');
ok t_cmp($log, qr{ZSSO00003:\ <Location\ /console>
                  \ \(issuer\ https://127\.0\.0\.1:$ENV{ZSSO_OP_PORT},
                  \ client\ zsso-test\)}x,
         '... and the first\'s');
ok t_cmp($log, qr{ZSSO00003:\ <Location\ /console>\ .*\ sign-in\ redirect\ URI
                  \ http://localhost:$ENV{ZSSO_VHOST_PORT}/console/zsso/callback}x,
         '... and the other virtual host\'s, on its own origin');

# ------------------------------------------------------------ userinfo, fake-op
fake_reset();
$log_start = error_log_size();
($res) = browse(ua(), rp_url('/fake/userinfo-groups/env'));
$env = env_of($res);
ok t_cmp($env->{ZSSO_ROLE}, 'Console Admin',
         'fake-op, groups only from userinfo: the mapped role');
ok t_cmp(fake_stats()->{userinfo}, 1, '... after one userinfo request');
($res) = browse(ua(), rp_url('/fake/no-groups/env'));
ok t_cmp(env_of($res)->{ZSSO_ROLE}, 'Organization Member',
         'no groups anywhere: the default role');
@lines = zsso_lines(error_log_since($log_start));
ok t_cmp(scalar(grep { /ZSSO00221:.*no groups for no-groups\@fake\.example/ }
                @lines), 1, '... and the log says why');

# ------------------------------------------------------------ userinfo about someone else
$log_start = error_log_size();
($res, $hops) = browse(ua(), rp_url('/fake/userinfo-other-sub/env'));
ok t_cmp($res->code, 401,
         'a userinfo answer about another subject stops the sign-in (401)');
ok t_cmp(scalar(grep { /^zsso_session=/ } set_cookie_headers($hops)), 0,
         '... with no session');
@lines = zsso_lines(error_log_since($log_start));
ok t_cmp(scalar(grep { /ZSSO00204:.*userinfo sub/ } @lines), 1,
         '... and one log line that says why');
