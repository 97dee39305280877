// Package blockdev stands in for the kernel's block devices on a lab host.
// A device is a regular file at its path under the host's root (/dev/xvdb,
// /dev/drbd0, /dev/gnbd0, /dev/mapper/mpath0) holding its size, so that
// every tool that needs to know whether a device exists, and how big it is,
// asks the same way: the disk emulation creates partitions, DRBD creates
// its device on `drbdadm up`, GNBD its imports, multipath its maps.
//
// # What a device carries
//
// blkid (e2fsprogs 1.39) tells what is written on a device: a GFS2
// superblock, an LVM PV label, or nothing it recognizes. What is written
// is the business of the packages that write it, which import this one,
// so blkid asks them through the Signatures it is built with (the lab's
// tool table gives gfs2.Superblock and lvm.PVLabel, in libblkid's order);
// mount(8) asks the same Signatures for a type when given none (Probe).
//
// blkid prints e2fsprogs 1.39's layout (every NAME="value" followed by a
// space) with libblkid's type name for a PV, LVM2_member, which the
// project's runbooks expect; e2fsprogs of 2008 says "lvm2pv" where it
// recognizes one. Without operands it walks the host's devices under /dev
// and /dev/mapper. Its options are parsed by package getopt; the text it
// prints is in messages.go.
package blockdev
