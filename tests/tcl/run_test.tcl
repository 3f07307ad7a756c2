# tests/tcl/run_test.tcl — runs one tcltest file and reports it as TAP.
#
#     tclsh run_test.tcl FILE.test
#
# meson runs every tests/tcl/*.test through this (protocol 'tap'). tcltest on
# its own exits 0 whatever fails; this runner prints one TAP line per test
# case ("ok 3 - name description", "ok 4 - name # SKIP constraint" or
# "not ok 5 - name ..."), a "not ok" for an error outside any test and for
# anything the file left behind (fim::finish), then the plan, and exits 1 if
# anything failed. tcltest's own messages (failure details, its summary) go to
# stderr, so stdout stays pure TAP.
#
# Environment:
#   FIMFS_TEST_MATCH   tcltest -match: globs of the test names to run
#   FIMFS_TEST_SKIP    tcltest -skip: globs of test names not to run
#   FIMFS_TEST_VERBOSE tcltest -verbose (default "body error")

package require Tcl 8.6
package require tcltest 2.5

encoding system utf-8

namespace eval ::tap {
	variable n 0
	variable failed 0
}

proc ::tap::emit {ok name {directive ""}} {
	variable n
	variable failed
	incr n
	# A '#' would start a TAP directive; newlines would end the line.
	set name [string map {# {(hash)} \n { } \r { }} $name]
	set line "[expr {$ok ? "ok" : "not ok"}] $n - $name"
	if {$directive ne ""} {
		append line " # $directive"
	}
	if {!$ok} {
		incr failed
	}
	puts stdout $line
}

# Was NAME selected by -match/-skip? Deselected tests count as skipped in
# tcltest; here they are left out of the TAP stream altogether.
proc ::tap::selected {name} {
	foreach pattern [tcltest::configure -skip] {
		if {[string match $pattern $name]} {
			return 0
		}
	}
	foreach pattern [tcltest::configure -match] {
		if {[string match $pattern $name]} {
			return 1
		}
	}
	return 0
}

if {[llength $argv] != 1} {
	puts stderr "usage: tclsh run_test.tcl FILE.test"
	exit 2
}
set ::tap::file [file normalize [lindex $argv 0]]
set argv {}
set argc 0

fconfigure stdout -buffering line
tcltest::configure -verbose {body error}
foreach {var opt} {FIMFS_TEST_MATCH -match FIMFS_TEST_SKIP -skip
	FIMFS_TEST_VERBOSE -verbose} {
	if {[info exists env($var)] && $env($var) ne ""} {
		tcltest::configure $opt $env($var)
	}
}
tcltest::outputChannel stderr
tcltest::errorChannel stderr

# Wrap tcltest::test before the file imports it: the tally tcltest keeps tells
# how each top-level test ended.
rename ::tcltest::test ::tcltest::TapOriginalTest
proc ::tcltest::test {name description args} {
	if {$::tcltest::testLevel > 0} {
		return [uplevel 1 [list ::tcltest::TapOriginalTest $name $description {*}$args]]
	}
	upvar #0 ::tcltest::numTests count ::tcltest::skippedBecause because
	set before [list $count(Passed) $count(Failed) $count(Skipped)]
	set reasons [array get because]
	set code [catch {uplevel 1 [list ::tcltest::TapOriginalTest $name $description {*}$args]} res opts]
	lassign $before passed failed skipped
	set label "$name $description"
	if {$code != 0} {
		::tap::emit 0 "$label (tcltest error: $res)"
	} elseif {$count(Failed) > $failed} {
		::tap::emit 0 $label
	} elseif {$count(Passed) > $passed} {
		::tap::emit 1 $label
	} elseif {$count(Skipped) > $skipped && [::tap::selected $name]} {
		set why {}
		foreach {k v} [array get because] {
			if {![dict exists $reasons $k] || [dict get $reasons $k] < $v} {
				lappend why $k
			}
		}
		::tap::emit 1 $label "SKIP [join $why {, }]"
	}
	return -options $opts $res
}

set status [catch {
	uplevel #0 [list source $::tap::file]
} msg opts]
if {$status == 1} {
	puts stderr [dict get $opts -errorinfo]
	::tap::emit 0 "[file tail $::tap::file]: error outside any test: $msg"
}
if {[namespace exists ::fim] && [llength [info commands ::fim::finish]]} {
	# Normally done by cleanupTests already; this catches a file that died
	# or forgot it, and reports what the earlier pass found.
	if {[catch {::fim::finish} msg]} {
		::tap::emit 0 "[file tail $::tap::file]: cleanup: $msg"
	}
	foreach p $::fim::problems {
		::tap::emit 0 "[file tail $::tap::file]: $p"
	}
}
if {$::tap::n == 0} {
	puts stdout "1..0 # SKIP no test selected"
} else {
	puts stdout "1..$::tap::n"
}
flush stdout
exit [expr {$::tap::failed > 0}]
