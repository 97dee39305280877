// Package lvm emulates LVM2 2.02.32 and lvm2-cluster 2.02.32 as CentOS 5.2
// ships them: the LVM commands (pvcreate, vgcreate, lvcreate, vgextend,
// lvextend, the display and report commands, the activation and removal
// commands, and lvm itself), clvmd and its init script, and lvmconf.
//
// # What is shared and what is local
//
// LVM keeps its metadata on the disks, so the lab keeps it in shared state
// (<lab>/state/lvm.json) keyed by what each disk is (Identify): a PV label
// written through /dev/mapper/mpath0 on client0 is found by client1 on its
// own mpath0, because both maps carry the same GNBD uid. Volume group
// metadata is found through its PVs' UUIDs, so a VG is seen on the hosts
// that see its PVs, and is complete where they see all of them.
//
// What the kernel holds is per host: an active LV is a device-mapper
// device (package blockdev) /dev/mapper/VG-LV with its /dev/dm-N, major
// 253, whose Backing lists the devices of its PVs there (so multipath sees
// its maps held), and the symlink /dev/VG/LV. clvmd's pid per host, and
// which LVs are active where, are in the shared state too.
//
// # Rules the emulation keeps
//
//   - Locking follows lvm.conf's global/locking_type. With 3, the commands
//     talk to clvmd on their host; without it they print "connect() failed
//     on local socket" and fall back to local locking (unless
//     fallback_to_local_locking = 0), under which, as under locking_type 1,
//     clustered volume groups are skipped ("Skipping clustered volume group
//     VG0"). Orphan PVs need no cluster lock: pvcreate works with the
//     warnings, and so does vgcreate -c y, leaving a VG only clvmd can use.
//   - clvmd needs cman running on its host; it is running while both are.
//     Activation in a clustered VG reaches every host running clvmd in the
//     requesting host's cman cluster (-aly/-aln only the local one), and
//     fails on a host that does not see all the VG's PVs ("Error locking on
//     node"). The init script activates every VG on start and deactivates
//     the clustered ones on stop, which fails while an LV is open.
//   - clvmd may die (lab break clvmd-stop): the LVs stay active, the init
//     script's lock stays, so status says "clvmd dead but subsys locked"
//     and `/etc/init.d/clvmd start` starts it again. An LV may be
//     deactivated on one host (lab break lv-deactivate), as `lvchange
//     -aln` does.
//   - An LV is open while a package that registered an Opener says so
//     (GFS2's mounts): such an LV cannot be deactivated or removed.
//   - pvcreate refuses a PV of a volume group without -ff, and a device
//     something holds open (a multipath path, a PV under an active LV).
//
// blkid (package blockdev) reads a PV's label through PVLabel.
//
// The display formats are 2.02.32's: sizes in "MB"/"GB" meaning MiB/GiB,
// "PE Size (KByte) 4096" in pvdisplay and "4.00 MB" in vgdisplay, ids in
// LVM's 6-4-4-4-4-4-6 form. All the text is in messages.go and display.go.
package lvm
