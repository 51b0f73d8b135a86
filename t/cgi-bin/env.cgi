#!/usr/bin/perl
# Prints the CGI environment as KEY=VALUE lines, one per variable, sorted:
# the tests read what the module handed to the application from it.
use strict;
use warnings;

print "Content-Type: text/plain; charset=utf-8\r\n\r\n";
for my $k (sort keys %ENV) {
    (my $v = $ENV{$k}) =~ s/[\r\n]/ /g;
    print "$k=$v\n";
}
