# tests/tcl/lib_nfs.tcl — an nfs-ganesha server on 127.0.0.1 for the NFS
# tests. Source it after lib.tcl. Everything it starts is stopped by PID at
# the end of the file (fim::defer), whatever happened.
#
#   fim::nfs::missing            -> "" when a server can be run here, else
#                                   why not (not root, a program missing)
#   fim::nfs::start DIR          -> handle (dict: pid port mountport conf log
#                                   dir). Starts rpcbind if none runs, then
#                                   `ganesha.nfsd -F` with a temporary config:
#                                   FSAL VFS, bound to 127.0.0.1, NFS and
#                                   MOUNT on unprivileged ports, NLM and
#                                   RQUOTA off, no grace period, DIR exported
#                                   read-write (so that a refused write would
#                                   show), NFSv3 and v4, AUTH_SYS, no root
#                                   squash, no attribute caching (changes
#                                   made in DIR show at once). Returns once
#                                   it answers.
#   fim::nfs::stop H ?SIGNAL?    -> stops the server (SIGTERM, then SIGKILL
#                                   after 10 s); 1 if it was running
#   fim::nfs::restart H          -> H: the same server again (a new pid)
#   fim::nfs::url H ?PATH?       -> nfs://127.0.0.1/DIR/PATH?nfsport=P&mountport=M
#                                   (libnfs's own tools: nfs-ls, nfs-cat)
#   fim::nfs::fimfs_url H ?PATH? -> nfs://127.0.0.1:P/DIR/PATH?mountport=M
#   fim::nfs::log H              -> the server's log
#   fim::nfs::mount_subvolumes FX
#                                -> mounts every subvolume of the btrfs
#                                   fixture FX (fim::btrfs_fixture) on its own
#                                   path, parents first, so that ganesha can
#                                   serve them (see the proc); unmounted by the
#                                   fixture's teardown

namespace eval ::fim::nfs {
	variable seq 0
}

proc fim::nfs::missing {} {
	if {[exec id -u] != 0} {
		return "not root"
	}
	foreach p {ganesha.nfsd rpcbind nfs-ls} {
		if {[auto_execok $p] eq ""} {
			return "$p not installed"
		}
	}
	if {![file exists /usr/lib/x86_64-linux-gnu/ganesha/libfsalvfs.so] &&
	    [glob -nocomplain /usr/lib/*/ganesha/libfsalvfs.so] eq ""} {
		return "nfs-ganesha-vfs not installed"
	}
	return ""
}

# rpcbind: ganesha registers its programs there; start one (and stop it at
# the end) only when none runs.
proc fim::nfs::Rpcbind {} {
	if {![catch {exec pgrep -x rpcbind}]} {
		return
	}
	set pid [exec rpcbind -f -w >/dev/null 2>@1 &]
	fim::defer [list fim::nfs::Kill $pid]
	if {![fim::wait_until {![catch {exec rpcinfo -p 127.0.0.1}]} 5000]} {
		error "rpcbind did not start"
	}
}

proc fim::nfs::Kill {pid {sig TERM}} {
	if {![fim::Alive $pid]} {
		return 0
	}
	catch {exec kill -$sig $pid}
	if {![fim::wait_until {![::fim::Alive $pid]} 10000]} {
		catch {exec kill -KILL $pid}
		fim::wait_until {![::fim::Alive $pid]} 5000
	}
	return 1
}

# A free TCP port pair on 127.0.0.1 (NFS, MOUNT), away from 2049 and 111.
proc fim::nfs::Ports {} {
	set used [exec ss -Htln]
	for {set p [expr {20490 + 10 * ([pid] % 400)}]} {$p < 29990} {incr p 10} {
		if {![regexp ":($p|[expr {$p + 1}])\\s" $used]} {
			return [list $p [expr {$p + 1}]]
		}
	}
	error "no free port pair"
}

proc fim::nfs::start {dir} {
	variable seq
	Rpcbind
	set work [fim::tmpdir ganesha[incr seq]]
	file mkdir $work/recov
	lassign [Ports] port mport
	set conf $work/ganesha.conf
	fim::spit $conf [string map [list @PORT@ $port @MPORT@ $mport \
		@NLM@ [expr {$port + 2}] @RQ@ [expr {$port + 3}] \
		@RECOV@ $work/recov @DIR@ $dir] \
		[fim::slurp [file join $fim::src tests ganesha.conf.in]]]
	set h [dict create port $port mountport $mport conf $conf \
		log $work/ganesha.log dir $dir pid 0]
	return [Launch $h]
}

proc fim::nfs::Launch {h} {
	set pid [exec ganesha.nfsd -F -f [dict get $h conf] \
		-L [dict get $h log] -p [file dirname [dict get $h conf]]/pid \
		-N NIV_EVENT >/dev/null 2>@1 &]
	fim::defer [list fim::nfs::Kill $pid]
	dict set h pid $pid
	set probe [list fim::run -timeout 5 nfs-ls [url $h]]
	if {![fim::wait_until {[::fim::Alive $pid] &&
	    [dict get [{*}$probe] code] == 0} 30000]} {
		Kill $pid KILL
		error "ganesha.nfsd did not come up:\n[log $h]"
	}
	return $h
}

proc fim::nfs::stop {h {sig TERM}} {
	return [Kill [dict get $h pid] $sig]
}

proc fim::nfs::restart {h} {
	stop $h
	return [Launch $h]
}

# libnfs's own tools take the ports as arguments; fimfs also takes HOST:PORT.
proc fim::nfs::url {h {path ""}} {
	set u "nfs://127.0.0.1[dict get $h dir]"
	if {$path ne ""} {
		append u /$path
	}
	return "$u?nfsport=[dict get $h port]&mountport=[dict get $h mountport]"
}

proc fim::nfs::fimfs_url {h {path ""}} {
	set u "nfs://127.0.0.1:[dict get $h port][dict get $h dir]"
	if {$path ne ""} {
		append u /$path
	}
	return "$u?mountport=[dict get $h mountport]"
}

proc fim::nfs::log {h} {
	return [fim::ReadLog [dict get $h log]]
}

# nfs-ganesha 4.3's FSAL VFS knows filesystems from /proc/mounts: a bare
# btrfs subvolume (another st_dev, no mount of its own) is refused with
# NFS3ERR_XDEV. Mounted in place, each is a filesystem ganesha claims when
# the export starts. An administrator exporting btrfs snapshots with
# ganesha does the same.
proc fim::nfs::mount_subvolumes {fx} {
	set root [dict get $fx root]
	set paths {}
	foreach line [split [fim::ok -text btrfs subvolume list $root] \n] {
		if {[regexp { path (.+)$} $line -> p]} {
			lappend paths $p
		}
	}
	foreach p [lsort -command {apply {{a b} {
		expr {[string length $a] - [string length $b]}}}} $paths] {
		fim::ok mount -o subvol=/$p -- [dict get $fx loop] $root/$p
	}
	return
}
