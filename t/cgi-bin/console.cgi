#!/usr/bin/perl
# A console's home page as an application behind mod_zsso would render it:
# who is signed in and with which role, from REMOTE_USER and ZSSO_ROLE.
# The browser test (t/zsso/20_browser.t) reads them off the page.
use strict;
use warnings;

sub esc {
    my $s = shift // '';
    $s =~ s/&/&amp;/g;
    $s =~ s/</&lt;/g;
    $s =~ s/>/&gt;/g;
    $s =~ s/"/&quot;/g;
    return $s;
}

my $user = esc($ENV{REMOTE_USER});
my $role = esc($ENV{ZSSO_ROLE});
print "Content-Type: text/html; charset=utf-8\r\n\r\n";
print <<"HTML";
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Console</title></head>
<body><h1>Database console</h1>
<p>Signed in as <span id="user">$user</span>,
role <span id="role">$role</span>.</p>
</body></html>
HTML
