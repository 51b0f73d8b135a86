# Content never leaks: whenever the module answers in the authentication
# phase (a redirect to sign in, 401, 403, a 400/502 page of an endpoint),
# nothing of the protected page is in the response: not its text, not its
# validators (ETag, Last-Modified), not a 206 part or a 304 -- also for
# HEAD, Range, conditional requests and OPTIONS.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/../lib";

use Apache::Test;
use Apache::TestUtil;
use HTTP::Request ();
use ZssoTest qw(:all);

my $marker = qr/zsso-test-console/;
my $future = 'Fri, 01 Jan 2038 00:00:00 GMT';
my $json = 'application/json';
my @variants = (
    # [ label, method, headers ]
    ['GET',              'GET',     []],
    ['HEAD',             'HEAD',    []],
    ['GET Range',        'GET',     [Range => 'bytes=0-63']],
    ['GET Range suffix', 'GET',     [Range => 'bytes=-40']],
    ['HEAD Range',       'HEAD',    [Range => 'bytes=0-63']],
    ['GET If-Modified-Since', 'GET', ['If-Modified-Since' => $future]],
    ['GET If-None-Match', 'GET',    ['If-None-Match' => '*']],
    ['GET If-Range',     'GET',     [Range => 'bytes=0-9', 'If-Range' => $future]],
    ['API GET Range',    'GET',     [Accept => $json, Range => 'bytes=0-63']],
    ['API HEAD',         'HEAD',    [Accept => $json]],
    ['OPTIONS',          'OPTIONS', []],
    ['POST',             'POST',    []],
);

# [ who, path, user agent, statuses allowed ] -- a call that is not a page
# load (API, OPTIONS, POST) gets 401 where a page load is sent to sign in
# or gets the provider's 502.
my $signed_bob = ua();
my @targets;

plan tests => 4 * @variants * 4 + 1, need_lwp;

# bob is signed in but may not open /console/admin (403).
my ($res) = login('bob@example.com', 'bob-pw', '/console/env', ua => $signed_bob);
ok t_cmp(env_of($res)->{REMOTE_USER}, 'bob@example.com', 'bob signs in');

@targets = (
    ['no session',      '/console/',            ua(),        '302|401'],
    ['no session',      '/console/index.html',  ua(),        '302|401'],
    ['refused by Require', '/console/admin/',   $signed_bob, '403'],
    ['broken provider', '/fake/unreachable/',   ua(),        '502|401'],
);

for my $t (@targets) {
    my ($who, $path, $ua, $allowed) = @$t;
    for my $v (@variants) {
        my ($label, $method, $headers) = @$v;
        my $r = $ua->request(HTTP::Request->new($method, rp_url($path),
                                                $headers));
        my $body = $r->content // '';
        t_debug("$who $label $path: " . dump_res($r));
        ok t_cmp($r->code, qr/^(?:$allowed)$/,
                 "$who, $label $path: $allowed");
        ok t_cmp($body =~ $marker ? 1 : 0, 0, '... without the content');
        ok t_cmp(join(',', grep { defined $r->header($_) }
                      qw(ETag Last-Modified Content-Range Accept-Ranges)),
                 '', '... nor its validators or ranges');
        ok t_cmp(($r->header('Cache-Control') // '') =~ /no-store/ ? 1 : 0, 1,
                 '... and not to be stored');
    }
}
