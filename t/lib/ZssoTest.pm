package ZssoTest;
# Helpers shared by t/zsso/*.t: a browser-like user agent, a login that walks
# every hop between the relying party (httpd + mod_zsso) and the provider
# one at a time, and readers for the CGI environment, the error log and the
# fake provider's counters.

use strict;
use warnings FATAL => 'all';

use Exporter 'import';
use Apache::Test ();
use Apache::TestRequest ();
use HTTP::Cookies ();
use HTTP::Request ();
use HTTP::Response ();
use HTML::Form ();
use IO::Socket::INET ();
use JSON::PP ();
use LWP::UserAgent ();
use URI ();
use URI::QueryParam ();

our @EXPORT_OK = qw(
    rp_url op_url fake_url ua browse login submit_forms
    env_of cookie_value set_cookie_headers session_cookie
    error_log_path error_log_size error_log_since zsso_lines
    fake_stats fake_reset client_secret is_provider_redirect
    dump_res raw_request raw_send
);
our %EXPORT_TAGS = (all => \@EXPORT_OK);

my $MAX_HOPS = 25;

# --------------------------------------------------------------- addresses

# rp_url(PATH): the test server's URL for PATH (http://localhost:8529/...),
# or $ENV{ZSSO_RP_URL} . PATH when that is set.
sub rp_url {
    my $path = shift // '/';
    # Outside the harness (scripts/demo.sh) the caller names the server.
    return "$ENV{ZSSO_RP_URL}$path" if $ENV{ZSSO_RP_URL};
    my $cfg = Apache::Test::config();
    my $hostport = Apache::TestRequest::hostport($cfg);
    return "http://$hostport$path";
}

sub op_url {
    my $path = shift // '/';
    return "https://127.0.0.1:$ENV{ZSSO_OP_PORT}$path";
}

sub fake_url {
    my $path = shift // '/';
    return "https://127.0.0.1:$ENV{ZSSO_FAKE_PORT}$path";
}

# is_provider_redirect(RES[, PORT]): a 302 to a provider's authorize endpoint.
sub is_provider_redirect {
    my ($res, $port) = @_;
    return 0 unless $res && $res->code == 302;
    my $loc = $res->header('Location') // '';
    my $p = $port // qr/\d+/;
    return $loc =~ m{^https://127\.0\.0\.1:$p/oauth2/(?:[\w-]+/)?v1/authorize\?}
        ? 1 : 0;
}

# --------------------------------------------------------------- the agent

# ua(%opt): a user agent that keeps cookies, trusts the test CA, and never
# follows a redirect by itself.
sub ua {
    my %opt = @_;
    my $ua = LWP::UserAgent->new(
        agent        => 'zsso-test/1.0',
        cookie_jar   => HTTP::Cookies->new,
        max_redirect => 0,
        keep_alive   => $opt{keep_alive} // 0,
        timeout      => $opt{timeout} // 30,
        ssl_opts     => {
            SSL_ca_file     => $ENV{ZSSO_TEST_CA},
            verify_hostname => 1,
        },
    );
    $ua->requests_redirectable([]);
    return $ua;
}

# browse(UA, URL_OR_REQUEST, %opt): send the request, then follow each
# redirect by hand.  Returns (final response, [responses in order]).
#   stop_at => qr{...}  do not request a Location that matches; the response
#                       that pointed there is the final one
#   headers => [...]    extra headers for the first request
sub browse {
    my ($ua, $what, %opt) = @_;
    my $req = ref $what ? $what
        : HTTP::Request->new(GET => $what, $opt{headers} // []);
    my @hops;
    for (1 .. $MAX_HOPS) {
        my $res = $ua->request($req);
        push @hops, $res;
        return ($res, \@hops) unless $res->is_redirect;
        my $loc = $res->header('Location');
        return ($res, \@hops) unless defined $loc;
        my $next = URI->new_abs($loc, $req->uri)->as_string;
        return ($res, \@hops) if $opt{stop_at} && $next =~ $opt{stop_at};
        $req = HTTP::Request->new(GET => $next);
    }
    die "more than $MAX_HOPS redirects, last at " . $req->uri . "\n";
}

# submit_forms(UA, RES, HOPS, %fields): while RES is a page with a form (the
# provider's sign-in page, a consent or a logout confirmation), fill in the
# fields it has and submit it, following the redirects after it.
sub submit_forms {
    my ($ua, $res, $hops, %fields) = @_;
    my $rp = URI->new(rp_url('/'))->host_port;
    for (1 .. 5) {
        # Only the provider's pages are filled in, never the application's.
        last if $res->request && $res->request->uri->host_port eq $rp;
        last unless $res->code == 200
            && ($res->header('Content-Type') // '') =~ m{text/html}i;
        my @forms = HTML::Form->parse($res->decoded_content // '',
                                      base => $res->base);
        last unless @forms;
        my $form = $forms[0];
        for my $name (keys %fields) {
            my $input = $form->find_input($name) or next;
            $input->readonly(0);
            $input->value($fields{$name});
        }
        my $req = $form->click;
        ($res, my $more) = browse($ua, $req, stop_at => $fields{-stop_at});
        push @$hops, @$more;
        # A sign-in page that comes back means the password was refused.
        last if $form->find_input('password')
            && ($res->decoded_content // '') =~ /id="signin-error"/;
    }
    return $res;
}

# login(USER, PASSWORD, START_PATH, %opt): what a browser does when a person
# opens START_PATH on the test server and signs in on the provider's page.
# Returns (final response, user agent, [every response on the way]).
#   ua      => reuse this agent (its cookies)
#   stop_at => as for browse (e.g. qr{/zsso/callback} to keep the callback)
#   headers => extra headers for the first request
sub login {
    my ($user, $password, $start, %opt) = @_;
    my $ua = $opt{ua} // ua();
    my $url = $start =~ m{^https?://} ? $start : rp_url($start);
    my ($res, $hops) = browse($ua, $url, stop_at => $opt{stop_at},
                              headers => $opt{headers});
    $res = submit_forms($ua, $res, $hops, login => $user,
                        password => $password, -stop_at => $opt{stop_at});
    return ($res, $ua, $hops);
}

# raw_request(METHOD, TARGET, HEADERS...): send exactly this request line
# and these header lines to the test server (no client library rewrites
# them) and return (the raw response head, the HTTP::Response).
sub raw_request {
    my ($method, $target, @headers) = @_;
    return raw_send($method, $target, undef, @headers);
}

# raw_send(METHOD, TARGET, BODY, HEADERS...): the same with a body (with
# its Content-Length) unless BODY is undef.
sub raw_send {
    my ($method, $target, $body, @headers) = @_;
    push @headers, 'Content-Length: ' . length($body) if defined $body;
    my $hostport = URI->new(rp_url('/'))->host_port;
    my $s = IO::Socket::INET->new(PeerAddr => $hostport, Timeout => 30)
        or die "connect to $hostport: $!";
    binmode $s;
    print {$s} "$method $target HTTP/1.1\r\nHost: $hostport\r\n"
               . join('', map { "$_\r\n" } @headers)
               . "Connection: close\r\n\r\n" . ($body // '');
    local $/;
    my $raw = <$s> // '';
    close $s;
    my ($head) = split /\r\n\r\n/, $raw, 2;
    return ($head // '', HTTP::Response->parse($raw));
}

# --------------------------------------------------------------- reading

# env_of(RES): the KEY=VALUE lines t/cgi-bin/env.cgi printed, as a hash ref.
sub env_of {
    my $res = shift;
    my %env;
    return \%env unless $res && $res->code == 200;
    for my $line (split /\n/, $res->decoded_content // '') {
        $env{$1} = $2 if $line =~ /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
    }
    return \%env;
}

# set_cookie_headers(RES or [RES...]): every Set-Cookie header value.
sub set_cookie_headers {
    my $what = shift;
    my @res = ref $what eq 'ARRAY' ? @$what : ($what);
    return map { $_->header('Set-Cookie') ? ($_->headers->header('Set-Cookie'))
                                          : () } @res;
}

# session_cookie(RES or [RES...]): the zsso_session Set-Cookie header, or undef.
sub session_cookie {
    my @c = grep { /^zsso_session=/ } set_cookie_headers(shift);
    return $c[-1];
}

# cookie_value(UA, NAME): the value of cookie NAME in UA's jar.
sub cookie_value {
    my ($ua, $name) = @_;
    my $value;
    $ua->cookie_jar->scan(sub {
        my (undef, $k, $v) = @_;
        $value = $v if $k eq $name;
    });
    return $value;
}

sub dump_res {
    my $res = shift;
    return 'no response' unless $res;
    my $s = $res->request ? $res->request->method . ' ' . $res->request->uri
                            . ' => ' : '';
    $s .= $res->status_line;
    my $loc = $res->header('Location');
    $s .= " -> $loc" if $loc;
    return $s;
}

# --------------------------------------------------------------- the logs

sub error_log_path {
    return Apache::Test::vars('t_logs') . '/error_log';
}

sub error_log_size {
    return -s error_log_path() // 0;
}

# error_log_since(OFFSET): the text the server logged after OFFSET bytes.
# Waits a moment so that lines of requests just answered are flushed.
sub error_log_since {
    my $offset = shift // 0;
    select undef, undef, undef, 0.3;
    open my $fh, '<', error_log_path() or return '';
    seek $fh, $offset, 0;
    local $/;
    my $text = <$fh> // '';
    close $fh;
    return $text;
}

# zsso_lines(TEXT): the module's tagged lines in TEXT.
sub zsso_lines {
    my $text = shift // '';
    return grep { /\bZSSO\d{5}:/ } split /\n/, $text;
}

sub client_secret {
    my $file = "$ENV{ZSSO_RUN_DIR}/client_secret";
    open my $fh, '<', $file or die "$file: $!";
    local $/;
    my $s = <$fh>;
    $s =~ s/\s+\z//;
    return $s;
}

# --------------------------------------------------------------- fake-op

sub fake_stats {
    my $res = ua()->get(fake_url('/control/stats'));
    die 'fake-op stats: ' . $res->status_line . "\n" unless $res->is_success;
    return JSON::PP::decode_json($res->decoded_content);
}

sub fake_reset {
    my $res = ua()->post(fake_url('/control/reset'));
    die 'fake-op reset: ' . $res->status_line . "\n" unless $res->is_success;
    return 1;
}

1;
