# tests/tcl/lib_mount.tcl — mounting and unmounting FUSE daemons for the
# fimfs test harness. Sourced by lib.tcl; the procs are documented in
# lib.tcl's header.
#
# A daemon under test may hang. Nothing here touches a mount point with a
# blocking system call from tclsh itself: probes run as child processes under
# `timeout`, and a mount that does not answer has its FUSE connection aborted
# (/sys/fs/fuse/connections/N/abort), which fails every pending and future
# request with ENOTCONN so that unmounting and the test can go on.

# An absolute path without resolving its last component: `file normalize`
# would stat a mount point, and a hung one would hang us.
proc fim::Abs {path} {
	return [file join [file normalize [file dirname $path]] [file tail $path]]
}

proc fim::Unescape {s} {
	return [string map {\\040 " " \\011 "\t" \\012 "\n" \\134 "\\"} $s]
}

proc fim::mounts {{fstype ""}} {
	set ch [open /proc/mounts r]
	set text [read $ch]
	close $ch
	set res {}
	foreach line [split $text \n] {
		lassign [split $line " "] source mnt type
		if {$type eq "" || ($fstype ne "" && $type ne $fstype)} {
			continue
		}
		lappend res [list [Unescape $mnt] $type [Unescape $source]]
	}
	return $res
}

proc fim::is_mounted {mnt {fstype ""}} {
	set mnt [Abs $mnt]
	foreach m [mounts $fstype] {
		if {[lindex $m 0] eq $mnt} {
			return 1
		}
	}
	return 0
}

# Mount points at or below DIR, deepest first.
proc fim::MountsUnder {dir} {
	set dir [Abs $dir]
	set res {}
	foreach m [mounts] {
		set p [lindex $m 0]
		if {$p eq $dir || [string first $dir/ $p] == 0} {
			lappend res $p
		}
	}
	return [lsort -decreasing -unique $res]
}

# The FUSE connection number (device minor) of the FUSE mount on MNT, or "".
proc fim::FuseConnection {mnt} {
	set mnt [Abs $mnt]
	set ch [open /proc/self/mountinfo r]
	set text [read $ch]
	close $ch
	set conn ""
	foreach line [split $text \n] {
		# ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] - TYPE SOURCE ...
		set f [split $line " "]
		set dash [lsearch -exact $f -]
		if {$dash < 0 || [Unescape [lindex $f 4]] ne $mnt} {
			continue
		}
		if {[string match fuse* [lindex $f $dash+1]]} {
			set conn [lindex [split [lindex $f 2] :] 1]
		}
	}
	return $conn
}

proc fim::FuseControlDir {} {
	set ctl /sys/fs/fuse/connections
	if {[file isdirectory $ctl] && ![is_mounted $ctl]} {
		run -timeout 10 mount -t fusectl fusectl $ctl
	}
	return $ctl
}

# Aborts the FUSE connection of MNT; 1 if there was one to abort.
proc fim::FuseAbort {mnt} {
	set conn [FuseConnection $mnt]
	if {$conn eq ""} {
		return 0
	}
	set abort [file join [FuseControlDir] $conn abort]
	if {[catch {spit $abort 1} msg]} {
		puts stderr "fim: cannot abort the FUSE connection of $mnt: $msg"
		return 0
	}
	puts stderr "fim: aborted the FUSE connection of $mnt"
	return 1
}

# 1 if a stat of MNT answers within SECS seconds.
proc fim::Answers {mnt secs} {
	set r [run -timeout $secs stat -- $mnt]
	return [expr {[dict get $r code] == 0}]
}

# Unmounts MNT whatever its state: a normal unmount, then abort (FUSE) and
# lazy unmount. Returns 1 if it had to force.
proc fim::ForceUnmount {mnt} {
	set mnt [Abs $mnt]
	set fuse [expr {[FuseConnection $mnt] ne ""}]
	for {set i 0} {$i < 3 && [is_mounted $mnt]} {incr i} {
		if {$fuse} {
			set r [run -timeout 10 fusermount3 -u -- $mnt]
		} else {
			set r [run -timeout 10 umount -- $mnt]
		}
		if {[dict get $r code] == 0} {
			return 0
		}
		if {[dict get $r code] == 124} {
			break
		}
		after 200
	}
	if {![is_mounted $mnt]} {
		return 0
	}
	if {$fuse} {
		FuseAbort $mnt
	}
	run -timeout 10 umount -l -- $mnt
	return 1
}

proc fim::Alive {pid} {
	if {[catch {open /proc/$pid/stat r} ch]} {
		return 0
	}
	set stat [read $ch]
	close $ch
	# "pid (comm) S ...": comm may hold spaces and parentheses.
	set state [string index [string trimleft \
		[string range $stat [string last ")" $stat]+1 end]] 0]
	return [expr {$state ni {Z X ""}}]
}

# Waits up to MS for PID to exit, then kills it; reaps it: {status signal}.
proc fim::StopDaemon {pid ms} {
	variable channels
	if {![wait_until {![::fim::Alive $pid]} $ms]} {
		catch {exec kill -KILL $pid}
		wait_until {![::fim::Alive $pid]} 5000
	}
	set ch [dict get $channels $pid]
	dict unset channels $pid
	fconfigure $ch -blocking 1
	set code [catch {close $ch} msg opts]
	return [ChildStatus $code $opts]
}

proc fim::ReadLog {path} {
	if {![file exists $path]} {
		return ""
	}
	return [encoding convertfrom utf-8 [slurp $path]]
}

# Parses leading `-name value` options listed in SPEC (a dict of defaults)
# off the caller's variable ARGSVAR, leaving at least MIN words.
proc fim::LeadingOptions {spec argsvar min caller} {
	upvar 1 $argsvar args
	while {[llength $args] > $min && [dict exists $spec [lindex $args 0]]} {
		set args [lassign $args opt val]
		dict set spec $opt $val
	}
	if {[llength $args] > $min && [string match -* [lindex $args 0]]} {
		error "$caller: unknown option [lindex $args 0]; expected one of\
			[join [dict keys $spec] {, }]"
	}
	return $spec
}

proc fim::spawn_mount {args} {
	variable channels
	variable active
	set timeout [dict get [LeadingOptions {-timeout 10000} args 3 \
		fim::spawn_mount] -timeout]
	if {[llength $args] != 3} {
		error "usage: fim::spawn_mount ?-timeout MS? MNT FSTYPE ARGV"
	}
	lassign $args mnt fstype argv
	set mnt [Abs $mnt]
	set name [file tail [lindex $argv 0]]
	if {[is_mounted $mnt]} {
		error "fim::mount: $mnt is already a mount point"
	}
	FuseControlDir
	set outf [Unique daemon.stdout]
	set errf [Unique daemon.stderr]
	# The daemon's stdin is our pipe, so closing the channel reaps it and
	# gives its exit status; its output goes to files nobody has to drain.
	set ch [open |[list {*}[Pipeline $argv] >$outf 2>$errf] w]
	set pid [pid $ch]
	dict set channels $pid $ch
	set h [dict create pid $pid mnt $mnt fstype $fstype argv $argv \
		stdout $outf stderr $errf]
	set deadline [expr {[clock milliseconds] + $timeout}]
	set failure ""
	while {![is_mounted $mnt $fstype]} {
		if {![Alive $pid]} {
			lassign [StopDaemon $pid 0] status sig
			error "$name exited with status [StatusText $status $sig]\
				before mounting $mnt:\n[ReadLog $errf]"
		}
		if {[clock milliseconds] > $deadline} {
			set failure "did not mount $mnt within $timeout ms"
			break
		}
		after 20
	}
	if {$failure eq ""} {
		# Mounted is not serving: the daemon must answer a stat.
		set left [expr {max(1, ($deadline - [clock milliseconds]) / 1000)}]
		if {![Answers $mnt $left]} {
			set failure "mounted $mnt but a stat of it got no answer\
				within $left s"
		}
	}
	if {$failure ne ""} {
		if {[is_mounted $mnt]} {
			ForceUnmount $mnt
		}
		StopDaemon $pid 1000
		error "$name $failure:\n[ReadLog $errf]"
	}
	dict set active $pid $h
	return $h
}

proc fim::mount {args} {
	set o [LeadingOptions {-timeout 10000 -program "" -fstype fuse.fimfs} \
		args 2 fim::mount]
	if {[llength $args] < 2} {
		error "usage: fim::mount ?-timeout MS? ?-program PATH? ?-fstype TYPE?\
			SOURCE MNT ?OPTS? ?ARG ...?"
	}
	set extra [lassign $args source mnt opts]
	set program [dict get $o -program]
	if {$program eq ""} {
		set program [fimfs]
	}
	file mkdir $mnt
	set argv [list $program -f]
	if {$opts ne ""} {
		lappend argv -o $opts
	}
	lappend argv {*}$extra $source $mnt
	set timeout [dict get $o -timeout]
	if {[Valgrind] && $program eq [fimfs]} {
		# The log's name says which test's mount it was.
		set name [string map {/ _} [string trimleft [string range \
			[Abs $mnt] [string length [Abs [tmproot]]] end] /]]
		set argv [list valgrind -q --tool=memcheck --leak-check=full \
			--show-leak-kinds=definite --errors-for-leak-kinds=definite \
			--error-exitcode=99 --vgdb=no \
			--log-file=$::env(FIMFS_VALGRIND)/$name.%p.log {*}$argv]
		set timeout [expr {$timeout * 20}]
	}
	return [spawn_mount -timeout $timeout $mnt [dict get $o -fstype] $argv]
}

# tests/run --valgrind: daemons run under memcheck, reports go to the
# directory $FIMFS_VALGRIND; everything takes many times longer.
proc fim::Valgrind {} {
	return [expr {[info exists ::env(FIMFS_VALGRIND)] &&
		$::env(FIMFS_VALGRIND) ne ""}]
}

proc fim::umount {h} {
	variable active
	set mnt [dict get $h mnt]
	set forced 0
	if {[is_mounted $mnt]} {
		set forced [ForceUnmount $mnt]
	}
	lassign [StopDaemon [dict get $h pid] 10000] status sig
	dict unset active [dict get $h pid]
	return [dict create status $status signal $sig forced $forced \
		stderr [ReadLog [dict get $h stderr]] \
		stdout [ReadLog [dict get $h stdout]]]
}

proc fim::sanitizer_report {text} {
	variable stderr_forbidden
	set hits {}
	foreach line [split $text \n] {
		foreach re $stderr_forbidden {
			if {[regexp -- $re $line]} {
				lappend hits $line
				break
			}
		}
	}
	return [join $hits \n]
}

# A process that aborts the FUSE connection of MNT after SECS seconds,
# unless stopped first with StopWatchdog: a body blocked on a hung daemon
# then fails with ENOTCONN instead of hanging until meson kills everything.
proc fim::StartWatchdog {mnt secs} {
	set conn [FuseConnection $mnt]
	if {$conn eq "" || $secs <= 0} {
		return ""
	}
	set abort [file join [FuseControlDir] $conn abort]
	set flag [Unique watchdog]
	# In a session of its own, so that stopping it stops its sleep too.
	# A watchdog that outlives its test (the test's process killed) must
	# not abort another mount that got the same connection number since:
	# it aborts only while MNT is still that connection's mount, which it
	# reads from mountinfo (touching the mount itself could hang).
	set script {sleep "$1"
		M=$4 C=0:$5 awk '$5 == ENVIRON["M"] && $3 == ENVIRON["C"] {
			f = 1 } END { exit !f }' /proc/self/mountinfo || exit 0
		touch "$3"; echo 1 >"$2"}
	set escaped [string map {\\ \\134 " " \\040 \t \\011 \n \\012} \
		[Abs $mnt]]
	set pid [exec setsid /bin/sh -c $script watchdog $secs $abort $flag \
		$escaped $conn </dev/null >/dev/null 2>/dev/null &]
	return [list $pid $flag]
}

# Stops the watchdog; 1 if it had fired.
proc fim::StopWatchdog {wd} {
	if {$wd eq ""} {
		return 0
	}
	lassign $wd pid flag
	catch {exec kill -TERM -- -$pid}
	return [file exists $flag]
}

proc fim::with_mount {args} {
	set o [LeadingOptions {-args {} -handle "" -result "" -timeout 10000
		-program "" -fstype fuse.fimfs -watchdog 120} args 4 fim::with_mount]
	if {[llength $args] != 4} {
		error "usage: fim::with_mount ?-args LIST? ?-handle VAR? ?-result VAR?\
			?-timeout MS? ?-watchdog SECS? ?-program PATH? ?-fstype TYPE?\
			SOURCE MNT OPTS BODY"
	}
	lassign $args source mnt opts body
	set h [mount -timeout [dict get $o -timeout] \
		-program [dict get $o -program] -fstype [dict get $o -fstype] \
		$source $mnt $opts {*}[dict get $o -args]]
	if {[dict get $o -handle] ne ""} {
		upvar 1 [dict get $o -handle] hv
		set hv $h
	}
	set secs [dict get $o -watchdog]
	if {[Valgrind] && [lindex [dict get $h argv] 0] eq "valgrind"} {
		set secs [expr {$secs * 20}]
	}
	set wd [StartWatchdog [dict get $h mnt] $secs]
	set code [catch {uplevel 1 $body} res ropts]
	set fired [StopWatchdog $wd]
	set u [umount $h]
	if {[dict get $o -result] ne ""} {
		upvar 1 [dict get $o -result] rv
		set rv $u
	}
	set prog [file tail [lindex [dict get $h argv] 0]]
	set complaint ""
	set report [sanitizer_report [dict get $u stderr]]
	if {$report ne ""} {
		set complaint "sanitizer report in $prog's stderr:\n$report"
	} elseif {$fired} {
		set complaint "$prog did not finish the body within\
			[dict get $o -watchdog] s: connection aborted"
	} elseif {[dict get $u forced]} {
		set complaint "$prog's mount did not unmount cleanly: forced"
	} elseif {[dict get $u status] != 0} {
		set complaint "$prog exited with status\
			[StatusText [dict get $u status] [dict get $u signal]]"
	}
	if {$complaint ne ""} {
		append complaint "\n--- $prog stderr ---\n[dict get $u stderr]"
	}
	if {$code == 1} {
		if {$complaint ne ""} {
			puts stderr "fim::with_mount: $complaint"
		}
		return -options $ropts $res
	}
	if {$complaint ne ""} {
		error $complaint
	}
	if {$code == 2} {
		dict incr ropts -level
		return -options $ropts $res
	}
	return -code $code $res
}
