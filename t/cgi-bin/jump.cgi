#!/usr/bin/perl
# Answers with a local Location, which mod_cgi turns into an internal
# redirect: the tests use it to move a signed-in request into another
# organisation's location without a new request from the browser.
use strict;
use warnings;

print "Location: /console/admin/env\r\n\r\n";
