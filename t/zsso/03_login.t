# The whole login through okta-op (the certified oidc-provider dressed as
# Okta), as a browser does it: what the application receives, the role
# mapping, `Require zsso-role`, the session cookie, forged cookies, and the
# headers a client must not be able to inject.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use URI ();
use ZssoTest qw(:all);

my $op_port = $ENV{ZSSO_OP_PORT};
my $issuer = "https://127.0.0.1:$op_port";

my %alice_env = (
    REMOTE_USER => 'alice@example.com',
    ZSSO_USER   => 'alice@example.com',
    ZSSO_ROLE   => 'Console Admin',
    ZSSO_EMAIL  => 'alice@example.com',
    ZSSO_NAME   => 'Alice Example',
    ZSSO_SUB    => '00ualice',
    ZSSO_ISSUER => $issuer,
);
my %bob_env = (
    REMOTE_USER => 'bob@example.com',
    ZSSO_USER   => 'bob@example.com',
    ZSSO_ROLE   => 'Organization Member',
    ZSSO_EMAIL  => 'bob@example.com',
    ZSSO_NAME   => 'Bob Example',
    ZSSO_SUB    => '00ubob',
    ZSSO_ISSUER => $issuer,
);

# Headers a client sends to pass for someone else.
my @injected = (
    'X-ZSSO-User'  => 'mallory@example.com',
    'X-Zsso-Role'  => 'Console Admin',
    'X-ZSSO-Email' => 'mallory@example.com',
    ':x_zsso_user' => 'mallory@example.com',
    ':X_ZSSO_GROUPS' => 'console-admins',
);

plan tests => 9 + keys(%alice_env) + 1 + 4 + 4 + 4 + 1 + 3
              + keys(%bob_env) + 1 + 2 + 4 + 3, need_lwp;

my $log_start = error_log_size();
my $secret = client_secret();

# ------------------------------------------------------------ alice
my ($res, $ua, $hops) = login('alice@example.com', 'alice-pw',
                              '/console/env?from=test&x=%2Fy');
t_debug(dump_res($_)) for @$hops;
ok t_cmp($res->code, 200, 'alice signs in and reaches /console/env');
ok t_cmp($res->request->uri->as_string,
         rp_url('/console/env?from=test&x=%2Fy'),
         '... the path and query she asked for first');
ok t_cmp(scalar(grep { $_->request->uri =~ m{^\Q$issuer\E/interaction/} }
                @$hops) > 0, 1,
         '... through the provider\'s sign-in page');

my ($cb) = grep { $_->request->uri =~ m{/console/zsso/callback\?} } @$hops;
ok t_cmp(defined $cb ? $cb->code : 0, 302, 'the callback answers 302');
my $cookie = session_cookie($cb // []) // '';
t_debug("session cookie header: $cookie");
ok t_cmp($cookie, qr/^zsso_session=[A-Za-z0-9_-]{43};/,
         'the session cookie is 43 base64url characters (256 bits)');
ok t_cmp($cookie, qr/;\s*Path=\/console(?:;|$)/i, '... with Path=/console');
ok t_cmp($cookie, qr/;\s*HttpOnly(?:;|$)/i, '... HttpOnly');
ok t_cmp($cookie, qr/;\s*SameSite=Lax(?:;|$)/i, '... SameSite=Lax');
ok t_cmp($cookie !~ /;\s*Secure(?:;|$)/i, 1, '... and not Secure on http');

my $env = env_of($res);
for my $k (sort keys %alice_env) {
    ok t_cmp($env->{$k}, $alice_env{$k}, "alice: $k");
}
ok t_cmp(join(',', sort split /\s*,\s*/, $env->{ZSSO_GROUPS} // ''),
         'Everyone,console-admins', 'alice: ZSSO_GROUPS');

# The session works elsewhere under /console, including the admin area.
$res = $ua->get(rp_url('/console/'));
ok t_cmp($res->code, 200, 'alice: /console/ with the session');
ok t_cmp($res->decoded_content, qr/zsso-test-console-index/,
         '... serves the console page');
$res = $ua->get(rp_url('/console/admin/env'));
ok t_cmp($res->code, 200, 'alice (Console Admin) may open /console/admin');
ok t_cmp(env_of($res)->{ZSSO_ROLE}, 'Console Admin', '... as Console Admin');

# Headers a client sends never reach the application.
$res = $ua->request(HTTP::Request->new(GET => rp_url('/console/env'),
                                       [@injected]));
$env = env_of($res);
ok t_cmp($res->code, 200, 'alice with X-ZSSO-* request headers: 200');
ok t_cmp(join(',', sort grep { /^HTTP_X_ZSSO/i } keys %$env), '',
         '... none of them reaches the application');
ok t_cmp($env->{ZSSO_USER}, 'alice@example.com',
         '... and ZSSO_USER is still alice');
ok t_cmp($env->{ZSSO_ROLE}, 'Console Admin', '... with her own role');

# Forged cookies count as no session at all.
my $value = cookie_value($ua, 'zsso_session') // '';
my $forged = length($value) > 10 ? $value : 'x' x 43;
substr($forged, 10, 1) = substr($forged, 10, 1) eq 'A' ? 'B' : 'A';
for my $try (['one character changed', $forged],
             ['made up', 'A' x 43],
             ['empty', '']) {
    my $other = ua();
    $res = $other->request(HTTP::Request->new(GET => rp_url('/console/env'),
        [Cookie => "zsso_session=$try->[1]"]));
    t_debug(dump_res($res));
    ok t_cmp(is_provider_redirect($res, $op_port), 1,
             "a forged session cookie ($try->[0]) means sign in again");
}
$res = ua()->request(HTTP::Request->new(GET => rp_url('/console/env'),
                                        [Cookie => "zsso_session=$value"]));
ok t_cmp(env_of($res)->{REMOTE_USER}, 'alice@example.com',
         'the genuine cookie, sent by another client, is alice\'s session');

# Sessions live in the shared cache: every worker process knows them.  Each
# request below comes on a new connection, so they spread over the workers.
my $served = 0;
for (1 .. 12) {
    my $r = ua()->request(HTTP::Request->new(
        GET => rp_url('/console/env'), [Cookie => "zsso_session=$value"]));
    $served++ if (env_of($r)->{REMOTE_USER} // '') eq 'alice@example.com';
}
ok t_cmp($served, 12, 'the session holds on 12 new connections in a row');

# The SSO login URL brings a signed-in user back to the location's base.
my ($res2, undef, $hops2) = login('alice@example.com', 'alice-pw',
                                  '/console/zsso/login');
t_debug(dump_res($_)) for @$hops2;
ok t_cmp($res2->code, 200, 'the SSO login URL signs alice in');
ok t_cmp($res2->request->uri->as_string, rp_url('/console/'),
         '... and lands on /console/');
ok t_cmp($res2->decoded_content, qr/zsso-test-console-index/,
         '... the console page');

# ------------------------------------------------------------ bob
my ($bres, $bua, $bhops) = login('bob@example.com', 'bob-pw', '/console/env');
t_debug(dump_res($_)) for @$bhops;
$env = env_of($bres);
for my $k (sort keys %bob_env) {
    ok t_cmp($env->{$k}, $bob_env{$k}, "bob: $k");
}
ok t_cmp(join(',', sort split /\s*,\s*/, $env->{ZSSO_GROUPS} // ''),
         'Everyone,engineering', 'bob: ZSSO_GROUPS');

$res = $bua->get(rp_url('/console/admin/env'));
t_debug('bob at /console/admin/env: ' . dump_res($res));
ok t_cmp($res->code != 200 && !is_provider_redirect($res), 1,
         'bob (Organization Member) is kept out of /console/admin');
ok t_cmp($res->code == 403 || $res->code == 401, 1,
         '... with 403 (or 401): got ' . $res->code);

# ------------------------------------------------------------ wrong password
my ($wres, undef, $whops) = login('alice@example.com', 'not-her-password',
                                  '/console/env');
ok t_cmp($wres->request->uri->host_port, "127.0.0.1:$op_port",
         'a wrong password stays on the provider\'s sign-in page');
ok t_cmp(scalar(grep { /^zsso_session=/ } set_cookie_headers($whops)), 0,
         '... and no session cookie is ever set');
ok t_cmp((cookie_value($ua, 'zsso_session') // 'a')
         ne (cookie_value($bua, 'zsso_session') // 'a'), 1,
         'alice and bob have different sessions');
ok t_cmp(length(cookie_value($bua, 'zsso_session') // ''), 43,
         'bob\'s session cookie is 43 characters too');

# ------------------------------------------------------------ the log
my $log = error_log_since($log_start);
my ($code) = map { URI->new($_->request->uri)->query_param('code') }
             grep { $_->request->uri =~ m{/zsso/callback\?} } @$hops;
ok t_cmp(index($log, $secret) < 0, 1,
         'the client secret never appears in the error log');
ok t_cmp(length($value) == 43 && index($log, $value) < 0, 1,
         'the session cookie value never appears in the error log');
ok t_cmp(defined $code && length($code) > 8 && index($log, $code) < 0, 1,
         'the authorization code never appears in the error log');
