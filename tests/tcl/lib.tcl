# tests/tcl/lib.tcl — the harness every fimfs Tcl test file sources:
#
#     package require tcltest 2.5
#     namespace import ::tcltest::*
#     source [file join [file dirname [info script]] lib.tcl]
#     ... tests ...
#     cleanupTests
#
# Run a file through the runner (`tclsh tests/tcl/run_test.tcl FILE`, which is
# what meson and tests/run do): it reports TAP, fails on any failed case, and
# cleans up even when the file dies half-way. Sourcing the file directly with
# tclsh works too, with tcltest's usual report.
#
# Everything lives in namespace ::fim. Errors are Tcl errors; nothing here
# exits. Loading this file sets the system encoding to utf-8 and LC_ALL to
# C.UTF-8 for child processes, so messages and sort orders are the same on
# every machine.
#
# Paths and binaries
#   $fim::src                    source root ($FIMFS_SRC, else ../.. of here)
#   $fim::build                  build root ($FIMFS_BUILD, else SRC/build)
#   fim::fimfs                   -> path of the daemon, BUILD/fs/daemon/fimfs
#   fim::fimfsctl                -> path of BUILD/tools/fimfsctl/fimfsctl
#
# Temporary files and cleanup (run at the end of the file: by cleanupTests,
# and again by the runner whatever happened)
#   fim::tmpdir ?NAME?           -> new empty directory (mode 0755, so other
#                                   users can reach mounts inside) under
#                                   $FIMFS_TMP or /tmp; removed at the end
#                                   unless $FIMFS_KEEP_TMP is set
#   fim::defer SCRIPT            -> registers SCRIPT (run at global level, last
#                                   registered first) for the end of the file
#   fim::finish                  -> runs the end-of-file work now: unmounts
#                                   what tests left mounted, runs deferred
#                                   scripts, checks that nothing is left mounted
#                                   under our directories, removes them; returns
#                                   the list of problems found (also appended
#                                   to fim::problems). Idempotent.
#
# Running commands
#   fim::run ?-input BYTES? ?-cwd DIR? ?-env {NAME VALUE ...}? ?-timeout SECS?
#            ?-text? ?--? CMD ?ARG ...?
#                                -> dict {code N stdout BYTES stderr BYTES
#                                   signal NAME}; never throws for a non-zero
#                                   exit. Output is kept byte for byte
#                                   (trailing newlines too) unless -text, which
#                                   decodes both as UTF-8. code: exit status,
#                                   128+N when killed by signal N (signal then
#                                   names it, else ""), 127 when CMD is not
#                                   found, 124 on timeout (default 120 s; 0 =
#                                   none). stdin is /dev/null unless -input.
#                                   ARGs are passed verbatim, even ones like
#                                   ">x" or "|" that exec would treat as
#                                   redirections.
#   fim::ok ?run-options? CMD ?ARG ...?
#                                -> stdout (bytes) of CMD; error with its
#                                   stderr when it exits non-zero
#   fim::as_user USER ?run-options? CMD ?ARG ...?
#                                -> as fim::run, as USER (name or uid) with
#                                   its primary group and no supplementary
#                                   groups (setpriv)
#   fim::errno SCRIPT            -> runs SCRIPT in the caller's scope; returns
#                                   "" if it succeeds, the POSIX error name
#                                   (EROFS, ENOENT, ...) if it fails with one;
#                                   rethrows other errors
#   fim::wait_until SCRIPT ?MS?  -> 1 once the expression SCRIPT (caller's
#                                   scope) is true, 0 after MS (default 10000)
#   fim::syslog_listener FILE    -> binds /dev/log (constraint nosyslogd: no
#                                   syslog daemon owns it) and appends each
#                                   datagram there as one line to FILE
#                                   ("<PRI>..."); once per file of tests (later
#                                   calls keep the first FILE), removed at the
#                                   end of the file
#
# Mounting (lib_mount.tcl). Nothing here makes a blocking call on a mount
# point from tclsh: probes run under `timeout`, and a mount that does not
# answer has its FUSE connection aborted (fusectl), so a hung daemon fails
# its test instead of hanging the suite. Inside with_mount's BODY, plain Tcl
# (fim::slurp, file stat, glob) on the mount is fine: its watchdog aborts a
# mount that stops answering. Outside it, prefer fim::run (under timeout).
#   fim::mount ?-timeout MS? ?-program PATH? ?-fstype TYPE?
#              SOURCE MNT ?OPTS? ?ARG ...?
#                                -> handle (a dict: pid mnt fstype argv stdout
#                                   stderr). Creates MNT, starts
#                                   `fimfs -f ?-o OPTS? ARG... SOURCE MNT`
#                                   (-program: another binary with that command
#                                   line) with stdout/stderr to files, waits
#                                   (default 10 s) until MNT is mounted as
#                                   fuse.fimfs (-fstype) and answers a stat.
#                                   Error with the daemon's stderr if it exits
#                                   first, does not mount or does not answer
#                                   (then nothing is left mounted or running).
#   fim::spawn_mount ?-timeout MS? MNT FSTYPE ARGV
#                                -> the same for any FUSE program: runs ARGV,
#                                   waits for MNT to appear with type FSTYPE
#   fim::umount HANDLE           -> dict {status N signal NAME forced 0|1
#                                   stderr TEXT stdout TEXT}: fusermount3 -u
#                                   (retried; if in vain, abort + umount -l:
#                                   forced 1), waits for the daemon (kill -9
#                                   after 10 s); status as for fim::run
#   fim::with_mount ?-args LIST? ?-handle VAR? ?-result VAR? ?-timeout MS?
#                   ?-watchdog SECS? ?-program PATH? ?-fstype TYPE?
#                   SOURCE MNT OPTS BODY
#                                -> result of BODY, run in the caller's scope
#                                   while SOURCE is mounted on MNT. Always
#                                   unmounts, then rethrows BODY's error
#                                   (break, continue, return pass through).
#                                   Also an error when the daemon's stderr
#                                   matches fim::stderr_forbidden (sanitizer
#                                   reports), when the body ran over the
#                                   watchdog (default 120 s; the connection is
#                                   then aborted, 0 = none), when the unmount
#                                   had to be forced, or when the daemon exited
#                                   non-zero or died.
#                                   -args: extra daemon args (e.g. {-c CONF});
#                                   -handle VAR: set to the handle before BODY;
#                                   -result VAR: set to fim::umount's dict.
#   fim::mounts ?FSTYPE?         -> list of {MNT FSTYPE SOURCE} in /proc/mounts
#   fim::is_mounted MNT ?FSTYPE? -> 1 if MNT is a mount point (of FSTYPE)
#   fim::sanitizer_report TEXT   -> lines of TEXT matching
#                                   fim::stderr_forbidden ("" if none)
#
# Fixtures (lib_fixture.tcl)
#   fim::make_tree DIR SPEC      -> DIR. SPEC is a list of KEY VALUE pairs,
#                                   paths relative to DIR, parents created:
#                                     PATH CONTENT      regular file, bytes
#                                     PATH/ {}          directory
#                                     -dir PATH         directory
#                                     -symlink {LINK TARGET}   (TARGET as is)
#                                     -hardlink {LINK EXISTING}
#                                     -fifo PATH
#                                     -sparse {PATH SIZE ?OFFSET BYTES ...?}
#                                     -mode {PATH 0644}
#                                     -mtime {PATH EPOCH-SECONDS}  (lutimes)
#                                   (a file named "-x": write it as "./-x")
#   fim::make_file PATH CONTENT ?MODE?   -> PATH; CONTENT written as bytes
#                                   (encoding convertto utf-8 for text beyond
#                                   Latin-1)
#   fim::make_sparse PATH SIZE ?OFFSET BYTES ...?  -> PATH, a hole of SIZE
#                                   bytes (4G, 10MiB, 512k or a number) with
#                                   BYTES written at each OFFSET
#   fim::size BYTES-SPEC         -> bytes for "4G", "10MiB", "512k", "123"
#   fim::slurp PATH              -> contents of PATH as bytes
#   fim::spit PATH BYTES         -> writes BYTES to PATH
#   fim::btrfs_fixture ?-size SIZE? ?-volume NAME? ?-volvar VAR?
#                      ?SNAPNAME SCRIPT ...?
#                                -> dict {dir image root loop vol snapdir}.
#                                   A sparse image (default 2G) formatted
#                                   btrfs, loop-mounted on DIR/root, with a
#                                   subvolume root/vol and an empty
#                                   root/.snapshot. For each SNAPNAME SCRIPT:
#                                   sets the caller's variable VAR (default
#                                   "vol") to the subvolume path, runs SCRIPT
#                                   in the caller's scope to populate or change
#                                   it, then takes a read-only snapshot
#                                   root/.snapshot/SNAPNAME — NetApp's shape.
#                                   Torn down at the end of the file.
#   fim::btrfs_snapshot FX NAME  -> path of a new read-only snapshot of vol
#   fim::btrfs_teardown FX       -> unmounts and detaches the loop device;
#                                   idempotent
#
# Variables
#   fim::stderr_forbidden        regexps that fail with_mount when found in
#                                the daemon's stderr (sanitizer reports);
#                                append to it in a test file if useful
#   fim::problems                problems found by fim::finish
#
# tcltest constraints set here: root, fuse (root, /dev/fuse, fusermount3),
# fimfsBuilt, fimfsctlBuilt, btrfs (root, mkfs.btrfs, loop devices),
# nosyslogd (no /dev/log, python3 to listen there).

package require Tcl 8.6
package require tcltest 2.5

encoding system utf-8
set ::env(LC_ALL) C.UTF-8

namespace eval ::fim {
	variable here [file dirname [file normalize [info script]]]
	variable src
	variable build
	if {[info exists ::env(FIMFS_SRC)] && $::env(FIMFS_SRC) ne ""} {
		set src [file normalize $::env(FIMFS_SRC)]
	} else {
		set src [file dirname [file dirname $here]]
	}
	if {[info exists ::env(FIMFS_BUILD)] && $::env(FIMFS_BUILD) ne ""} {
		set build [file normalize $::env(FIMFS_BUILD)]
	} else {
		set build [file join $src build]
	}

	variable stderr_forbidden {
		{(ERROR|WARNING): (Address|Leak|Thread|Memory)Sanitizer}
		{LeakSanitizer}
		{ runtime error: }
	}
	variable problems {}

	# Internal state.
	variable deferred {}   ;# scripts for the end of the file, in order
	variable tmpdirs {}    ;# directories to remove at the end
	variable active [dict create]  ;# pid -> handle of mounts still up
	variable channels [dict create]  ;# pid -> pipeline channel
	variable priv ""       ;# private directory for logs and arg files
	variable seq 0

	namespace export *
}

proc fim::fimfs {} {
	variable build
	return [file join $build fs daemon fimfs]
}

proc fim::fimfsctl {} {
	variable build
	return [file join $build tools fimfsctl fimfsctl]
}

# --- temporary directories and cleanup -----------------------------------

proc fim::tmproot {} {
	if {[info exists ::env(FIMFS_TMP)] && $::env(FIMFS_TMP) ne ""} {
		return $::env(FIMFS_TMP)
	}
	return /tmp
}

proc fim::tmpdir {{name ""}} {
	variable tmpdirs
	if {$name eq ""} {
		set name [file rootname [file tail [info script]]]
	}
	regsub -all {[^A-Za-z0-9_.-]} $name _ name
	set dir [exec mktemp -d [file join [tmproot] fimfs-$name-XXXXXX]]
	file attributes $dir -permissions 0755
	lappend tmpdirs $dir
	return $dir
}

proc fim::defer {script} {
	variable deferred
	lappend deferred $script
	return
}

# Where the harness keeps daemon logs and argument files of this test file.
proc fim::Priv {} {
	variable priv
	if {$priv eq "" || ![file isdirectory $priv]} {
		set priv [tmpdir harness]
	}
	return $priv
}

proc fim::Unique {prefix} {
	variable seq
	return [file join [Priv] $prefix.[incr seq]]
}

proc fim::Problem {msg} {
	variable problems
	lappend problems $msg
	puts stderr "fim: $msg"
	return $msg
}

proc fim::finish {} {
	variable active
	variable deferred
	variable tmpdirs
	set found {}

	dict for {pid h} $active {
		lappend found [Problem "left mounted by a test: [dict get $h mnt]"]
		if {[catch {umount $h} msg]} {
			lappend found [Problem "unmounting [dict get $h mnt]: $msg"]
		}
	}
	while {[llength $deferred]} {
		set script [lindex $deferred end]
		set deferred [lrange $deferred 0 end-1]
		if {[catch {uplevel #0 $script} msg]} {
			lappend found [Problem "cleanup failed: $script: $msg"]
		}
	}
	foreach dir $tmpdirs {
		foreach m [MountsUnder $dir] {
			lappend found [Problem "left mounted: $m"]
			ForceUnmount $m
		}
	}
	set keep [expr {[info exists ::env(FIMFS_KEEP_TMP)] &&
		$::env(FIMFS_KEEP_TMP) ne ""}]
	foreach dir $tmpdirs {
		if {[llength [MountsUnder $dir]]} {
			lappend found [Problem "not removing $dir: still mounted"]
		} elseif {$keep} {
			puts stderr "fim: keeping $dir"
		} else {
			catch {file delete -force -- $dir}
		}
	}
	set tmpdirs {}
	return $found
}

# tcltest calls this from cleanupTests, before it prints its counts: a file
# that leaves something mounted fails even when run without the runner.
proc ::tcltest::cleanupTestsHook {} {
	set found [::fim::finish]
	if {[llength $found]} {
		incr ::tcltest::numTests(Total) [llength $found]
		incr ::tcltest::numTests(Failed) [llength $found]
	}
}

# --- running commands ----------------------------------------------------

# Splits `?-opt value ...? ?--? cmd args` into {options cmd}.
proc fim::RunOptions {argv} {
	set opts [dict create -input "" -hasinput 0 -cwd "" -env {} \
		-timeout 120 -text 0]
	while {[llength $argv]} {
		set a [lindex $argv 0]
		switch -- $a {
			-input {
				dict set opts -input [lindex $argv 1]
				dict set opts -hasinput 1
				set argv [lrange $argv 2 end]
			}
			-cwd - -env - -timeout {
				if {[llength $argv] < 2} {
					error "fim::run: $a needs a value"
				}
				dict set opts $a [lindex $argv 1]
				set argv [lrange $argv 2 end]
			}
			-text {
				dict set opts -text 1
				set argv [lrange $argv 1 end]
			}
			-- {
				set argv [lrange $argv 1 end]
				break
			}
			default break
		}
	}
	if {![llength $argv]} {
		error "fim::run: no command given"
	}
	return [list $opts $argv]
}

# exec and open | read words such as "<x", ">x", "2>x", "|" or a final "&"
# as redirections. Such argument vectors go through bash, which receives
# them NUL-separated in a file and execs the command with the exact words.
proc fim::Pipeline {argv} {
	set risky 0
	foreach a $argv {
		if {[regexp {^(\||<|>|2>)} $a]} {
			set risky 1
			break
		}
	}
	if {[lindex $argv end] eq "&"} {
		set risky 1
	}
	if {!$risky} {
		return $argv
	}
	set f [Unique args]
	set ch [open $f w]
	fconfigure $ch -translation lf -encoding utf-8
	puts -nonewline $ch "[join $argv \0]\0"
	close $ch
	return [list /bin/bash -c \
		{mapfile -d '' -t a <"$1" && rm -f -- "$1" && exec -- "${a[@]}"} \
		fim-run $f]
}

# Turns the outcome of closing a pipeline into {code signal}.
proc fim::ChildStatus {code opts} {
	if {$code == 0} {
		return {0 ""}
	}
	set ec [dict get $opts -errorcode]
	switch -- [lindex $ec 0] {
		CHILDSTATUS {
			return [list [lindex $ec 2] ""]
		}
		CHILDKILLED {
			set sig [lindex $ec 2]
			return [list [expr {128 + [SignalNumber $sig]}] $sig]
		}
	}
	return -options $opts "unexpected error from child: [dict get $opts -errorinfo]"
}

proc fim::StatusText {status sig} {
	if {$sig ne ""} {
		return "$status ($sig)"
	}
	return $status
}

proc fim::SignalNumber {name} {
	set table {SIGHUP 1 SIGINT 2 SIGQUIT 3 SIGILL 4 SIGTRAP 5 SIGABRT 6
		SIGBUS 7 SIGFPE 8 SIGKILL 9 SIGUSR1 10 SIGSEGV 11 SIGUSR2 12
		SIGPIPE 13 SIGALRM 14 SIGTERM 15 SIGXCPU 24 SIGXFSZ 25 SIGSYS 31}
	if {[dict exists $table $name]} {
		return [dict get $table $name]
	}
	return 0
}

proc fim::run {args} {
	lassign [RunOptions $args] opts argv
	set prefix {}
	if {[dict get $opts -timeout] > 0} {
		lappend prefix timeout -k 10 [dict get $opts -timeout]
	}
	if {[dict get $opts -cwd] ne "" || [llength [dict get $opts -env]]} {
		lappend prefix env
		if {[dict get $opts -cwd] ne ""} {
			lappend prefix -C [dict get $opts -cwd]
		}
		lappend prefix --
		dict for {k v} [dict get $opts -env] {
			lappend prefix $k=$v
		}
	}
	set errf [Unique stderr]
	set inf /dev/null
	if {[dict get $opts -hasinput]} {
		set inf [Unique stdin]
		spit $inf [dict get $opts -input]
	}
	set cmd [Pipeline [list {*}$prefix {*}$argv]]
	if {[catch {open |[list {*}$cmd <$inf 2>$errf] rb} ch copts]} {
		# The command itself could not be started (not found, not
		# executable): answer as a shell would.
		catch {file delete $errf}
		return [dict create code 127 stdout "" stderr "$ch\n" signal ""]
	}
	set out [read $ch]
	set code [catch {close $ch} msg copts]
	lassign [ChildStatus $code $copts] status sig
	set err [slurp $errf]
	file delete $errf
	if {$inf ne "/dev/null"} {
		file delete $inf
	}
	if {[dict get $opts -text]} {
		set out [encoding convertfrom utf-8 $out]
		set err [encoding convertfrom utf-8 $err]
	}
	return [dict create code $status stdout $out stderr $err signal $sig]
}

proc fim::ok {args} {
	set r [run {*}$args]
	if {[dict get $r code] != 0} {
		lassign [RunOptions $args] opts argv
		error "command failed (exit [dict get $r code]): $argv\n[dict get $r stderr]"
	}
	return [dict get $r stdout]
}

proc fim::as_user {user args} {
	lassign [RunOptions $args] opts argv
	if {[string is integer -strict $user]} {
		set uid $user
		set gid [lindex [split [UserEntry $user] :] 3]
		if {$gid eq ""} {
			set gid $user
		}
	} else {
		set ent [split [UserEntry $user] :]
		if {![llength $ent]} {
			error "fim::as_user: no such user: $user"
		}
		set uid [lindex $ent 2]
		set gid [lindex $ent 3]
	}
	set pre [list setpriv --reuid=$uid --regid=$gid --clear-groups --]
	set ropts {}
	dict for {k v} $opts {
		switch -- $k {
			-hasinput {}
			-input {
				if {[dict get $opts -hasinput]} {
					lappend ropts -input $v
				}
			}
			-text {
				if {$v} {
					lappend ropts -text
				}
			}
			default {
				lappend ropts $k $v
			}
		}
	}
	return [run {*}$ropts -- {*}$pre {*}$argv]
}

proc fim::UserEntry {user} {
	set r [run getent passwd $user]
	if {[dict get $r code] != 0} {
		return ""
	}
	return [string trimright [dict get $r stdout] \n]
}

proc fim::errno {script} {
	set code [catch {uplevel 1 $script} res opts]
	if {$code == 0} {
		return ""
	}
	if {$code == 1 && [lindex [dict get $opts -errorcode] 0] eq "POSIX"} {
		return [lindex [dict get $opts -errorcode] 1]
	}
	dict incr opts -level
	return -options $opts $res
}

proc fim::wait_until {script {ms 10000}} {
	set deadline [expr {[clock milliseconds] + $ms}]
	while 1 {
		if {[uplevel 1 [list expr $script]]} {
			return 1
		}
		if {[clock milliseconds] >= $deadline} {
			return 0
		}
		after 50
	}
}

proc fim::syslog_listener {file} {
	variable syslog_file
	if {[info exists syslog_file]} {
		return $syslog_file
	}
	set syslog_file $file
	set py {
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
out = open(sys.argv[1], "ab", buffering=0)
print("ready", flush=True)
while True:
    d = s.recv(65536)
    out.write(d.replace(b"\n", b" ") + b"\n")
}
	set ch [open |[list /usr/bin/python3 -c $py $file 2>@stderr] r]
	gets $ch
	defer [list apply {{ch} {
		catch {exec kill [pid $ch]}
		catch {close $ch}
		file delete /dev/log
		unset -nocomplain ::fim::syslog_file
	}} $ch]
	return $file
}

# --- the rest ------------------------------------------------------------

source [file join $::fim::here lib_fixture.tcl]
source [file join $::fim::here lib_mount.tcl]

# --- constraints ---------------------------------------------------------

namespace eval ::fim {
	apply {{} {
		set root [expr {[exec id -u] == 0}]
		tcltest::testConstraint root $root
		tcltest::testConstraint fuse [expr {$root &&
			[file exists /dev/fuse] &&
			[llength [auto_execok fusermount3]]}]
		tcltest::testConstraint fimfsBuilt [file executable [fimfs]]
		tcltest::testConstraint fimfsctlBuilt [file executable [fimfsctl]]
		tcltest::testConstraint btrfs [expr {$root &&
			[llength [auto_execok mkfs.btrfs]] &&
			[file exists /dev/loop-control]}]
		# A sanitizer build (tests/run --sanitize) runs fimfs-guest
		# without its memory limits, and LeakSanitizer's exit makes
		# system calls the sandbox forbids.
		tcltest::testConstraint unsanitized [expr {
			[catch {exec ldd [fimfs]} libs] ||
			![string match *libasan* $libs]}]
		tcltest::testConstraint nosyslogd [expr {
			![file exists /dev/log] &&
			[file executable /usr/bin/python3]}]
	} ::fim}
}
