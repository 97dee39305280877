// Package emu is the lab: emulated CentOS 5.2 hosts whose cluster and
// package tools are real executables printing what the real tools print, so
// that the project's agents, exec path and output parsers run unchanged
// against a laptop.
//
// # Layout
//
// A lab is a directory:
//
//	<lab>/hosts/<fqdn>/        one directory per host, standing for its "/"
//	    .lab                   {"lab": "<lab>", "host": "<fqdn>"}
//	    usr/bin/yum            symlinks to the lab binary, from Init
//	    bin/rpm
//	    sbin/ccs_tool          symlinks created by `yum install cman`,
//	    sbin/cman_tool         removed by `yum remove cman`
//	    etc/init.d/cman
//	    etc/cluster/           cluster.conf goes here
//	    etc/hosts              written by WriteEtcHosts, if absent
//	    var/lib/rpm/lab-installed   the installed packages, one NVR a line
//	    var/lock/subsys/cman   while cman runs, as the init script keeps it
//	<lab>/state/lock           the flock every shared-state change holds
//	<lab>/state/cman.json      what the cman daemons know between them
//	<lab>/state/disks.json     partition tables
//	<lab>/state/drbd.json      DRBD metadata, devices and resyncs
//	<lab>/state/gnbd/<fqdn>.json
//	                           one host's GNBD server, exports and imports
//	<lab>/state/multipath/<fqdn>.json
//	                           one host's multipath maps and multipathd
//	<lab>/state/lvm.json       LVM labels and metadata on the shared disks
//	<lab>/state/gfs2.json      GFS2 filesystems, their files and mounts
//	<lab>/state/kmsg.json      the hosts' kernel messages (dmesg)
//	<lab>/settings.json        lab settings (lab set), e.g. drbd-speedup
//	<lab>/faults.json          injected faults
//	<lab>/log/<fqdn>.log       one JSON line per tool invocation
//
// A tool is the lab binary invoked through a symlink: the base name of its
// argv[0] says which tool of the table command lab hands to Main (its
// tools.go), and the directory of argv[0] (never resolved)
// says which host, by the .lab marker above it. Invoke tools by path, as the
// agent does (an argv[0] without a slash is looked up on PATH).
//
// # Use from tests
//
// Build the binary once (package labtest does it), call Init with the hosts
// a test needs, and run host tools as processes: HostRoot(dir, fqdn) plus
// "/usr/bin/yum" is yum on that host. AddFault makes the next matching
// invocations fail, hang or run late; Invocations reads what ran.
package emu
