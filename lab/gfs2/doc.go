// Package gfs2 emulates GFS2 as CentOS 5.2 has it: gfs2-utils 0.1.44
// (mkfs.gfs2, gfs2_grow, gfs2_jadd, mount.gfs2, gfs2_tool journals) and
// the kernel file system with gfs_controld. blkid (package blockdev) reads
// a file system's superblock through Superblock. The generic tools that see file systems
// (mount, umount, umount.gfs2, ls, touch, df, /proc/mounts and /etc/mtab)
// are in package coreutils and ask this package for what is mounted
// (State.MountsOf, State.At, Touch, MountHelper, Unmount).
//
// # What is shared and what is local
//
// A file system is written on a device, so the lab keeps it in shared
// state (<lab>/state/gfs2.json) keyed by the device's identity
// (lvm.Identify): the file system made on /dev/VG0/LV0 from client0 is the
// one client1 finds on its own /dev/VG0/LV0, because both are the same LV.
// Its superblock (lock protocol and table), layout (size, resource
// groups), journals, the names in it, and its mounts (host, directory,
// journal id) are there. A mounted file system is one namespace for every
// host that mounts it: `touch /mnt/ieiri` on client0 and `ls /mnt` on
// client1 shows ieiri. Paths outside a GFS2 mount are the host's own
// files under its root.
//
// # Rules the emulation keeps
//
//   - mkfs.gfs2 asks before it writes unless -O, and writes nothing unless
//     the answer starts with "y"; it checks the lock table's form, not
//     the cluster.
//   - Mounting lock_dlm needs cman on the host (gfs_controld comes with
//     it), a lock table whose cluster part is the host's running cluster,
//     and a journal no other mount holds; each mount takes the lowest free
//     journal. The device must exist on the host: an LV only does while it
//     is active there, which with clvmd means while clvmd runs there.
//   - A mounted file system holds its LV open (OpenCount, registered with
//     package lvm): the LV cannot be deactivated or removed, clvmd not
//     stopped, until every host unmounts it.
//   - gfs2_grow adds resource groups of the existing length to fill the
//     device (after lvextend), and says so on stderr, exiting 0, when the
//     device has not grown by one; gfs2_jadd adds journals from the free
//     space.
//   - gfs2_tool journals lists a mounted file system's journals as readdir
//     returns the jindex: in the order of their names' hashes.
//
// The tools' options are parsed by package getopt. All the text they
// print is in messages.go.
package gfs2
