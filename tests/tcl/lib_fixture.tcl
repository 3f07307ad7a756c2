# tests/tcl/lib_fixture.tcl — fixtures of the fimfs test harness: trees of
# files, sparse files, loop-mounted btrfs with read-only snapshots. Sourced
# by lib.tcl; the procs are documented in lib.tcl's header.

# --- files ---------------------------------------------------------------

proc fim::slurp {path} {
	set ch [open $path rb]
	try {
		return [read $ch]
	} finally {
		close $ch
	}
}

proc fim::spit {path bytes} {
	set ch [open $path wb]
	try {
		puts -nonewline $ch $bytes
	} finally {
		close $ch
	}
	return $path
}

proc fim::size {spec} {
	if {![regexp -nocase {^\s*(\d+)\s*([kmgt]?)(i?b)?\s*$} $spec -> n unit]} {
		error "fim::size: bad size \"$spec\""
	}
	set shift [dict get {"" 0 k 10 m 20 g 30 t 40} [string tolower $unit]]
	return [expr {$n << $shift}]
}

proc fim::make_file {path content {mode ""}} {
	file mkdir [file dirname $path]
	spit $path $content
	if {$mode ne ""} {
		file attributes $path -permissions $mode
	}
	return $path
}

proc fim::make_sparse {path size args} {
	if {[llength $args] % 2} {
		error "fim::make_sparse: OFFSET BYTES pairs expected"
	}
	file mkdir [file dirname $path]
	set ch [open $path wb]
	try {
		foreach {off bytes} $args {
			seek $ch [size $off]
			puts -nonewline $ch $bytes
		}
		chan truncate $ch [size $size]
	} finally {
		close $ch
	}
	return $path
}

proc fim::TreePath {dir rel} {
	if {[file pathtype $rel] ne "relative" || ".." in [file split $rel]} {
		error "fim::make_tree: path must stay inside the tree: $rel"
	}
	return [file join $dir $rel]
}

proc fim::make_tree {dir spec} {
	if {[llength $spec] % 2} {
		error "fim::make_tree: KEY VALUE pairs expected"
	}
	file mkdir $dir
	foreach {key value} $spec {
		switch -glob -- $key {
			-dir {
				file mkdir [TreePath $dir $value]
			}
			-symlink - -hardlink {
				lassign $value link target
				set p [TreePath $dir $link]
				file mkdir [file dirname $p]
				if {$key eq "-symlink"} {
					ok ln -s -- $target $p
				} else {
					ok ln -- [TreePath $dir $target] $p
				}
			}
			-fifo {
				set p [TreePath $dir $value]
				file mkdir [file dirname $p]
				ok mkfifo -- $p
			}
			-sparse {
				set rest [lassign $value path sz]
				make_sparse [TreePath $dir $path] $sz {*}$rest
			}
			-mode {
				lassign $value path mode
				file attributes [TreePath $dir $path] -permissions $mode
			}
			-mtime {
				lassign $value path t
				ok touch -h -m -d @$t -- [TreePath $dir $path]
			}
			-* {
				error "fim::make_tree: unknown entry type $key (a file\
					named so: ./$key)"
			}
			*/ {
				file mkdir [TreePath $dir $key]
			}
			default {
				make_file [TreePath $dir $key] $value
			}
		}
	}
	return $dir
}

# --- btrfs fixtures ------------------------------------------------------

proc fim::btrfs_fixture {args} {
	set size 2G
	set volume vol
	set volvar vol
	while {[lindex $args 0] in {-size -volume -volvar}} {
		set args [lassign $args opt val]
		set [string range $opt 1 end] $val
	}
	if {[llength $args] % 2} {
		error "usage: fim::btrfs_fixture ?-size SIZE? ?-volume NAME?\
			?-volvar VAR? ?SNAPNAME SCRIPT ...?"
	}
	set dir [tmpdir btrfs]
	set image [file join $dir btrfs.img]
	set root [file join $dir root]
	file mkdir $root
	make_sparse $image $size
	ok mkfs.btrfs -q -f $image
	set fx [dict create dir $dir image $image root $root loop "" \
		vol [file join $root $volume] snapdir [file join $root .snapshot]]
	defer [list ::fim::btrfs_teardown $fx]
	ok mount -o loop -- $image $root
	foreach m [mounts btrfs] {
		if {[lindex $m 0] eq [file normalize $root]} {
			dict set fx loop [lindex $m 2]
		}
	}
	ok btrfs -q subvolume create [dict get $fx vol]
	file mkdir [dict get $fx snapdir]
	upvar 1 $volvar v
	foreach {name script} $args {
		set v [dict get $fx vol]
		uplevel 1 $script
		btrfs_snapshot $fx $name
	}
	return $fx
}

proc fim::btrfs_snapshot {fx name} {
	set path [file join [dict get $fx snapdir] $name]
	# Make sure what the script wrote is in the snapshot.
	ok sync -f [dict get $fx vol]
	ok btrfs -q subvolume snapshot -r [dict get $fx vol] $path
	return $path
}

proc fim::btrfs_teardown {fx} {
	set root [dict get $fx root]
	set image [dict get $fx image]
	foreach m [MountsUnder $root] {
		ForceUnmount $m
	}
	# mount -o loop sets autoclear; this catches a lazy unmount or a
	# loop device that was set up by hand.
	if {[file exists $image]} {
		set r [run losetup -n -O NAME -j $image]
		foreach dev [split [string trim [dict get $r stdout]] \n] {
			if {$dev ne ""} {
				run losetup -d $dev
			}
		}
	}
	if {[is_mounted $root]} {
		error "btrfs fixture still mounted on $root"
	}
	return
}
