# The code exchange and the ID token checks of OpenID Connect Core 3.1.3.7,
# against fake-op, which misbehaves in one way per client ID.  Every refusal
# answers 401 (a bad token) or 502 (a broken provider), sets no session, and
# writes one tagged line that names the failed check.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use URI ();
use ZssoTest qw(:all);

my $fake_port = $ENV{ZSSO_FAKE_PORT};
my $fake_issuer = "https://127.0.0.1:$fake_port";

# Tokens the module must accept.
my @good = qw(good ps256 es256);

# mode => the words of the refusal's log line.
my %refused = (
    'bad-sig'          => 'signature does not verify',
    'wrong-iss'        => 'iss mismatch',
    'wrong-aud'        => 'aud does not contain the client ID',
    'multi-aud-no-azp' => 'aud has several values and no azp',
    'wrong-azp'        => 'azp mismatch',
    'expired'          => 'token expired (exp)',
    'future-iat'       => 'iat in the future',
    'future-nbf'       => 'nbf in the future',
    'wrong-nonce'      => 'nonce mismatch',
    'no-nonce'         => 'nonce missing',
    'alg-none'         => 'alg "none" is not allowed',
    'hs256-pubkey'     => 'alg "HS256" is not allowed',
    'unknown-kid'      => 'no key for kid',
);

# mode => the statuses allowed for a provider that answers nonsense.
my %broken = (
    'token-500'   => [502],
    'html-token'  => [502],
    'no-id-token' => [502],
);

plan tests => 6 * @good + 2 + 3 + 4 * keys(%refused) + 3 * keys(%broken)
              + 2 + 3 + 3 + 3 + 4, need_lwp;

my $log_start = error_log_size();
my @codes;    # every authorization code handed out, for the log check

# visit(PATH): a fresh browser opens PATH and follows every redirect.
sub visit {
    my $path = shift;
    my $ua = ua(@_);
    my ($res, $hops) = browse($ua, rp_url($path));
    t_debug(dump_res($_)) for @$hops;
    for my $h (@$hops) {
        my $uri = URI->new($h->request->uri);
        next unless $uri->path =~ m{/zsso/callback$};
        my $code = $uri->query_param('code');
        push @codes, $code if defined $code;
    }
    return ($res, $hops, $ua);
}

fake_reset_keys();

# ------------------------------------------------------------ accepted
for my $mode (@good) {
    my ($res, $hops) = visit("/fake/$mode/env");
    my $env = env_of($res);
    ok t_cmp($res->code, 200, "$mode: the ID token is accepted");
    ok t_cmp($res->request->uri->path, "/fake/$mode/env",
             "$mode: back at the page first asked for");
    ok t_cmp($env->{REMOTE_USER}, "$mode\@fake.example",
             "$mode: REMOTE_USER from preferred_username");
    ok t_cmp($env->{ZSSO_ISSUER}, $fake_issuer, "$mode: ZSSO_ISSUER");
    ok t_cmp($env->{ZSSO_ROLE}, 'Organization Member',
             "$mode: the default role");
    ok t_cmp(session_cookie($hops) // '', qr{;\s*Path=/fake/\Q$mode\E(?:;|$)}i,
             "$mode: the session cookie is scoped to /fake/$mode");
}
my $stats = fake_stats();
ok t_cmp($stats->{last_pkce_ok} ? 1 : 0, 1,
         'the token request carried the right PKCE verifier');
ok t_cmp($stats->{last_token_auth}, 'basic',
         'the client authenticated with client_secret_basic (Okta\'s default)');

# ------------------------------------------------------------ key rotation
# The provider starts signing with a key it had not published when the
# module cached its keys (Okta rotates keys this way).  Both logins go over
# one connection, so one worker process serves both callbacks: the first
# makes sure it holds the old key set, the second brings the new kid.  The
# module must fetch the keys again at once, even though it fetched them
# moments ago (a rate limit on refetches must not block a real rotation).
{
    my $ua = ua(keep_alive => 4);
    my ($res) = browse($ua, rp_url('/fake/good/env'));
    my $before = fake_stats()->{jwks_fetches};
    my $hops;
    ($res, $hops) = browse($ua, rp_url('/fake/rotate/env'));
    t_debug(dump_res($_)) for @$hops;
    my $after = fake_stats()->{jwks_fetches};
    t_debug("jwks_fetches around the rotation: $before -> $after");
    ok t_cmp($res->code, 200, 'rotate: a token signed with a new key (kid '
             . 'key2) is accepted');
    ok t_cmp(env_of($res)->{REMOTE_USER}, 'rotate@fake.example',
             'rotate: REMOTE_USER');
    ok t_cmp($after - $before, 1,
             'rotate: the new kid costs exactly one JWKS fetch');
}

# ------------------------------------------------------------ refused
for my $mode (sort keys %refused) {
    my $offset = error_log_size();
    my ($res, $hops) = visit("/fake/$mode/env");
    my @lines = zsso_lines(error_log_since($offset));
    t_debug("$mode log: $_") for @lines;
    ok t_cmp($res->code, 401, "$mode: 401");
    ok t_cmp(scalar(grep { /^zsso_session=/ } set_cookie_headers($hops)), 0,
             "$mode: no session cookie");
    ok t_cmp(scalar(grep { /\Q$refused{$mode}\E/ } @lines), 1,
             "$mode: one log line says '$refused{$mode}'");
    ok t_cmp(scalar(grep { /\[zsso:(?:error|warn|notice|info)\]/
                           && /\Q$refused{$mode}\E/ } @lines), 1,
             "$mode: ... at a level an administrator sees");
}

# ------------------------------------------------------------ broken provider
for my $mode (sort keys %broken) {
    my $offset = error_log_size();
    my ($res, $hops) = visit("/fake/$mode/env");
    my @lines = zsso_lines(error_log_since($offset));
    t_debug("$mode log: $_") for @lines;
    my $allowed = join '|', @{ $broken{$mode} };
    ok t_cmp($res->code, qr/^(?:$allowed)$/, "$mode: $allowed");
    ok t_cmp(scalar(grep { /^zsso_session=/ } set_cookie_headers($hops)), 0,
             "$mode: no session cookie");
    ok t_cmp(scalar(@lines) >= 1, 1, "$mode: the failure is logged, tagged");
}

# ------------------------------------------------------------ unreachable
# Nobody listens on 127.0.0.1:9.  The module either needs the provider's
# discovery document before it can redirect (then: 502 at once), or builds
# the authorize URL from the domain (then: a redirect the browser cannot
# follow); it never serves the page nor fails otherwise.
{
    my $offset = error_log_size();
    my $res = ua()->get(rp_url('/fake/unreachable/env'));
    my @lines = zsso_lines(error_log_since($offset));
    t_debug('unreachable: ' . dump_res($res));
    t_debug("unreachable log: $_") for @lines;
    ok t_cmp($res->code, 502,
             'unreachable provider: 502 at once, no redirect');
    ok t_cmp(scalar(grep { /ZSSO00101/ } @lines), 1,
             '... one tagged line says discovery failed');
}

# ------------------------------------------------------------ JWKS refetch
# An unknown kid may make the module fetch the keys again, but not each time:
# two such logins in a row on one connection cost at most one more fetch.
# A good login on the same connection first makes sure the worker holds the
# keys (a fresh worker's first fetch is not a refetch).
{
    my $ua = ua(keep_alive => 4);
    browse($ua, rp_url('/fake/good/env'));
    my $s0 = fake_stats()->{jwks_fetches};
    my ($res1) = browse($ua, rp_url('/fake/unknown-kid/env'));
    my $s1 = fake_stats()->{jwks_fetches};
    my ($res2) = browse($ua, rp_url('/fake/unknown-kid/env'));
    my $s2 = fake_stats()->{jwks_fetches};
    t_debug("jwks_fetches: $s0 -> $s1 -> $s2");
    ok t_cmp($res1->code, 401, 'unknown-kid, first login: 401');
    ok t_cmp($res2->code, 401, 'unknown-kid, second login: 401');
    ok t_cmp($s2 - $s0 <= 1, 1,
             'two unknown kids in a row cost at most one JWKS fetch '
             . "($s0 -> $s1 -> $s2)");
}

# ------------------------------------------------------------ custom servers
{
    my ($res) = visit('/as/postonly/env');
    my $st = fake_stats();
    ok t_cmp($res->code, 200,
             'custom authorization server that only takes client_secret_post');
    ok t_cmp($st->{last_token_auth}, 'post',
             '... the module authenticated with client_secret_post');
    ok t_cmp(env_of($res)->{ZSSO_ISSUER}, "$fake_issuer/oauth2/postonly",
             '... and the issuer is the custom server\'s');
}
{
    my $offset = error_log_size();
    my ($res, $hops) = visit('/as/badissuer/env');
    my @lines = zsso_lines(error_log_since($offset));
    t_debug("badissuer log: $_") for @lines;
    ok t_cmp($res->code, 502,
             'a discovery document naming another issuer: 502');
    ok t_cmp(scalar(grep { /^zsso_session=/ } set_cookie_headers($hops)), 0,
             '... no session cookie');
    ok t_cmp(scalar(grep { /issuer/i } @lines) > 0, 1,
             '... and the log line says it is about the issuer');
}

# ------------------------------------------------------------ the log
my $log = error_log_since($log_start);
ok t_cmp(index($log, 'fake-secret') < 0, 1,
         'the client secret never appears in the error log');
my @leaked = grep { length($_) >= 8 && index($log, $_) >= 0 } @codes;
ok t_cmp(scalar(@codes) > 0 && !@leaked, 1,
         'no authorization code appears in the error log ('
         . scalar(@codes) . ' checked)');
ok t_cmp(scalar(() = $log =~ /eyJ[A-Za-z0-9_-]{10,}/g), 0,
         'no JWT (ID token) appears in the error log');
my @untagged = grep { /\[zsso:(?:emerg|alert|crit|error|warn|notice|info)\]/
                      && !/\bZSSO\d{5}:/ } split /\n/, $log;
t_debug("untagged: $_") for @untagged;
ok t_cmp(scalar(@untagged), 0,
         'every line the module logs at info and above carries a ZSSO tag');

sub fake_reset_keys {
    my $r = ua()->post(fake_url('/control/reset?keys=1'));
    die 'fake-op reset: ' . $r->status_line . "\n" unless $r->is_success;
}
