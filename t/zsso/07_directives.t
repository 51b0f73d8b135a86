# What each per-location directive changes, one location per directive
# (t/conf/zsso_directives.conf.in), against fake-op's well-behaved "good"
# client unless said otherwise.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use URI ();
use ZssoTest qw(:all);

my $fake_port = $ENV{ZSSO_FAKE_PORT};

plan tests => 2 + 2 + 2 + 3 + 5 + 2 + 2 + 4, need_lwp;

# visit(PATH): a fresh browser opens PATH, follows every redirect; returns
# (final response, hops).
sub visit {
    my ($res, $hops) = browse(ua(), rp_url(shift));
    t_debug(dump_res($_)) for @$hops;
    return ($res, $hops);
}

my ($res, $hops, $env);

# ZSSOUserClaim
($res) = visit('/dir/user-claim/env');
$env = env_of($res);
ok t_cmp($env->{REMOTE_USER}, '00u-good', 'ZSSOUserClaim sub: REMOTE_USER');
ok t_cmp($env->{ZSSO_USER}, '00u-good', 'ZSSOUserClaim sub: ZSSO_USER');

# ZSSODefaultRole
($res) = visit('/dir/default-role/env');
$env = env_of($res);
ok t_cmp($res->code, 200, 'ZSSODefaultRole location: signed in');
ok t_cmp($env->{ZSSO_ROLE}, 'Read Only', 'ZSSODefaultRole "Read Only"');

# ZSSORoleMap, the first rule that matches a group
($res) = visit('/dir/role-map/env');
$env = env_of($res);
ok t_cmp($res->code, 200, 'ZSSORoleMap location: signed in');
ok t_cmp($env->{ZSSO_ROLE}, 'Everyone Role',
         'ZSSORoleMap Everyone "Everyone Role"');

# ZSSOScope
$res = ua()->get(rp_url('/dir/scope/env'));
my $loc = URI->new($res->header('Location') // '');
ok t_cmp(scalar $loc->query_param('scope'), 'openid email',
         'ZSSOScope "openid email" is what the authorize request asks for');
($res) = visit('/dir/scope/env');
ok t_cmp($res->code, 200, '... and the login completes');
ok t_cmp(env_of($res)->{REMOTE_USER}, 'good@fake.example', '... as good');

# ZSSORedirectURI
my $back = rp_url('/dir/redirect-uri/back');
$res = ua()->get(rp_url('/dir/redirect-uri/env'));
$loc = URI->new($res->header('Location') // '');
ok t_cmp(scalar $loc->query_param('redirect_uri'), $back,
         'ZSSORedirectURI: the authorize request names it');
($res, $hops) = visit('/dir/redirect-uri/env');
my ($cb) = grep { $_->request->uri =~ m{^\Q$back\E\?} } @$hops;
ok t_cmp(defined $cb ? $cb->code : 0, 302, '... the module answers there');
ok t_cmp($res->code, 200, '... and the login completes');
ok t_cmp(env_of($res)->{REMOTE_USER}, 'good@fake.example', '... as good');
my @start = grep { /sign-in redirect URI/ && m{\Q$back\E} }
            zsso_lines(error_log_since(0));
ok t_cmp(scalar(@start) > 0, 1, '... and start-up reports it');

# ZSSOClockSkew at its largest still refuses a token an hour old.
my $offset = error_log_size();
($res, $hops) = visit('/dir/skew-expired/env');
ok t_cmp($res->code, 401,
         'ZSSOClockSkew 600 does not accept a token that expired an hour ago');
ok t_cmp(scalar(grep { /token expired \(exp\)/ }
                zsso_lines(error_log_since($offset))), 1,
         '... and says so in the log');

# ZSSOClientSecret env:NAME
($res) = visit('/dir/secret-env/env');
ok t_cmp($res->code, 200, 'ZSSOClientSecret env:NAME: the login completes');
ok t_cmp(fake_stats()->{last_token_auth}, 'basic',
         '... with the secret from the environment');

# Require zsso-group (okta-op: bob is in engineering, alice is not)
my ($bres, $bob) = login('bob@example.com', 'bob-pw', '/console/eng/env');
ok t_cmp($bres->code, 200, 'Require zsso-group engineering: bob gets in');
ok t_cmp(env_of($bres)->{REMOTE_USER}, 'bob@example.com', '... as bob');
my (undef, $alice) = login('alice@example.com', 'alice-pw', '/console/env');
$res = $alice->get(rp_url('/console/eng/env'));
t_debug('alice at /console/eng: ' . dump_res($res));
ok t_cmp($res->code != 200 && !is_provider_redirect($res), 1,
         '... alice (not in engineering) does not');
ok t_cmp($res->code == 403 || $res->code == 401, 1,
         '... with 403 (or 401): got ' . $res->code);
