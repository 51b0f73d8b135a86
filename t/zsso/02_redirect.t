# An anonymous request to a protected location: a browser navigating there
# is sent to the provider's authorize endpoint (with state, nonce and a PKCE
# challenge, remembered in a sealed cookie); anything else (API calls, XHR,
# fetch(), form posts) gets a 401 and never a redirect.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use HTTP::Response ();
use URI ();
use ZssoTest qw(:all);

my $op_port = $ENV{ZSSO_OP_PORT};
my $callback = rp_url('/console/zsso/callback');

# Requests that are navigations: [label, method, headers].
my @navigation = (
    ['GET without Accept',          'GET',  []],
    ['HEAD without Accept',         'HEAD', []],
    ['GET Accept: */*',             'GET',  [Accept => '*/*']],
    ['GET Accept: text/html',       'GET',
        [Accept => 'text/html,application/xhtml+xml,*/*;q=0.8']],
    ['GET Sec-Fetch-Mode: navigate', 'GET',
        [Accept => 'text/html', 'Sec-Fetch-Mode' => 'navigate']],
);

# Requests that are not: [label, method, headers, body].
my @api = (
    ['POST form',                   'POST',
        ['Content-Type' => 'application/x-www-form-urlencoded'], 'a=1'],
    ['PUT',                          'PUT',
        ['Content-Type' => 'application/json'], '{}'],
    ['DELETE',                       'DELETE', [], ''],
    ['GET X-Requested-With',         'GET',
        ['X-Requested-With' => 'XMLHttpRequest'], ''],
    ['GET Sec-Fetch-Mode: cors',     'GET',
        ['Sec-Fetch-Mode' => 'cors', Accept => '*/*'], ''],
    ['GET Accept: application/json', 'GET',
        [Accept => 'application/json'], ''],
);

my %authorize_params = (
    response_type         => 'code',
    client_id             => 'zsso-test',
    redirect_uri          => $callback,
    scope                 => 'openid profile email groups',
    code_challenge_method => 'S256',
);

plan tests => 3 + 2 * @navigation + keys(%authorize_params) + 11
              + 4 * @api + 4, need_lwp;

my $log_start = error_log_size();

# ------------------------------------------------------------ public
my $res = ua()->get(rp_url('/public/index.html'));
ok t_cmp($res->code, 200, 'the unprotected /public answers 200');
ok t_cmp($res->decoded_content, qr/zsso-test-public/, '... with its page');
ok t_cmp(scalar(grep { /^zsso_/ } set_cookie_headers($res)), 0,
         '... and sets no zsso cookie');

# ------------------------------------------------------------ navigation
my $first;
for my $n (@navigation) {
    my ($label, $method, $headers) = @$n;
    $res = ua()->request(HTTP::Request->new($method,
                                            rp_url('/console/env'),
                                            $headers));
    t_debug(dump_res($res));
    ok t_cmp(is_provider_redirect($res, $op_port), 1,
             "$label: 302 to the provider's authorize endpoint");
    ok t_cmp(scalar(grep { /^zsso_state_/ } set_cookie_headers($res)) > 0,
             1, "$label: a zsso_state_ cookie is set");
    $first //= $res if $method eq 'GET';
}

# ------------------------------------------------------------ the request
$first //= HTTP::Response->new(500, 'no redirect to the provider');
my $loc = URI->new($first->header('Location') // '');
t_debug("authorize request: $loc");
my ($endpoint) = "$loc" =~ /^([^?#]*)/;
ok t_cmp($endpoint, "https://127.0.0.1:$op_port/oauth2/v1/authorize",
         'the authorize endpoint is the org server\'s /oauth2/v1/authorize');
for my $k (sort keys %authorize_params) {
    ok t_cmp(scalar $loc->query_param($k), $authorize_params{$k},
             "authorize parameter $k");
}
my $state = $loc->query_param('state') // '';
my $nonce = $loc->query_param('nonce') // '';
my $challenge = $loc->query_param('code_challenge') // '';
ok t_cmp(length($state) >= 16, 1, 'state is long enough to be unguessable');
ok t_cmp(length($nonce) >= 16, 1, 'nonce is long enough to be unguessable');
ok t_cmp($challenge, qr/^[A-Za-z0-9_-]{43}$/,
         'code_challenge is a base64url SHA-256 (43 characters)');

my ($cookie) = grep { /^zsso_state_/ } set_cookie_headers($first);
$cookie //= '';
t_debug("state cookie: $cookie");
my ($cookie_value) = $cookie =~ /^[^=]+=([^;]*)/;
$cookie_value //= '';
ok t_cmp($cookie, qr/;\s*HttpOnly\b/i, 'the state cookie is HttpOnly');
ok t_cmp(length($cookie_value) > 0 && length($state) > 0
         && index($cookie_value, $state) < 0
         && index($cookie_value, $nonce) < 0,
         1, 'the state cookie does not carry state or nonce in the clear');

ok t_cmp(index(error_log_since($log_start), $cookie_value) < 0, 1,
         'the state cookie value never appears in the error log');

# A second navigation gets fresh values.
$res = ua()->get(rp_url('/console/env'));
my $again = URI->new($res->header('Location') // '');
ok t_cmp(($again->query_param('state') // '') ne $state, 1,
         'each login gets its own state');
ok t_cmp(($again->query_param('nonce') // '') ne $nonce, 1,
         'each login gets its own nonce');
ok t_cmp(($again->query_param('code_challenge') // '') ne $challenge, 1,
         'each login gets its own PKCE challenge');

# The login URL starts a login whatever the request looks like to a browser.
$res = ua()->get(rp_url('/console/zsso/login'));
t_debug(dump_res($res));
ok t_cmp(is_provider_redirect($res, $op_port), 1,
         'the SSO login URL /console/zsso/login sends to the provider');

# ------------------------------------------------------------ not navigation
for my $a (@api) {
    my ($label, $method, $headers, $body) = @$a;
    $res = ua()->request(HTTP::Request->new($method, rp_url('/console/env'),
                                            $headers, $body));
    t_debug(dump_res($res));
    ok t_cmp($res->code, 401, "$label: 401");
    ok t_cmp(defined $res->header('WWW-Authenticate') ? 1 : 0, 1,
             "$label: with a WWW-Authenticate header");
    ok t_cmp($res->header('Location'), undef, "$label: no Location");
    ok t_cmp(scalar(set_cookie_headers($res)), 0, "$label: no Set-Cookie");
}

# ------------------------------------------------------------ other paths
$res = ua()->get(rp_url('/console/'));
ok t_cmp(is_provider_redirect($res, $op_port), 1,
         '/console/ (a directory index) is protected too');
$res = ua()->get(rp_url('/console/admin/'));
ok t_cmp(is_provider_redirect($res, $op_port), 1,
         '/console/admin/ (nested, no connection of its own) is protected');
my $admin = URI->new($res->header('Location') // '');
ok t_cmp(scalar $admin->query_param('redirect_uri'), $callback,
         '... and shares /console\'s redirect URI');
$res = ua()->get(rp_url('/fake/good/env'));
ok t_cmp(is_provider_redirect($res, $ENV{ZSSO_FAKE_PORT}), 1,
         'a location with its own connection goes to its own provider');
