// Package coreutils emulates the commands of the CentOS 5 base system that
// no emulated package provides and the procedures use, the generic file
// and mount-table tools: cat, ls, touch and df (coreutils 5.97), mount,
// umount and dmesg (util-linux 2.13), and modprobe and lsmod
// (module-init-tools 3.3).
//
// The file tools read and write under the host's root, except where the
// kernel parts of the lab stand in. cat generates the files in procFiles
// (/proc/drbd from package drbd, /proc/mounts and /etc/mtab from the mount
// table), so `cat /proc/drbd` prints the live state and fails, as on a
// real host, while the module is not loaded. A path inside a mounted GFS2
// file system is in package gfs2's shared state: ls lists, touch creates
// and df measures what every host that mounts it sees. mount lists the
// mount table (the base system's, configfs while cman runs, then the GFS2
// mounts), and mounts GFS2 through gfs2-utils' /sbin/mount.gfs2
// (gfs2.MountHelper) when the package is installed, as mount(8) execs its
// helper; without -t it takes the device's type from what blkid
// recognizes (package blockdev's Signatures, given by the tool table).
// umount (also umount.gfs2) removes a GFS2 mount.
//
// dmesg prints the host's kernel messages, which package kmsg keeps: only
// those the lab's kernel parts print (DRBD's split-brain handshake), not a
// whole boot's.
//
// modprobe loads the modules of Modules through package kmod, only when the
// package that ships the module is installed (drbd needs kmod-drbd82-xen,
// gnbd needs kmod-gnbd-xen); the kernel's own modules are always there. It
// records the parameters it is given under /sys/module/NAME/parameters, as
// the kernel shows them. `modprobe -r` refuses a module whose users say it
// is in use (inUse: DRBD while a device is configured).
//
// ls, touch and df print coreutils 5.97's words for the options the
// procedures use and refuse the rest as not emulated; df's sizes of the
// base system's own file systems are fixed numbers of a small Xen guest.
// The messages are in messages.go.
package coreutils
