// Package drbd emulates DRBD 8.2.6 as CentOS 5.2's extras ship it
// (kmod-drbd82-xen and drbd82): drbdadm, and the kernel module's
// /proc/drbd, which cat prints (package coreutils).
//
// # Where the state lives
//
// What the modules of all hosts hold in memory and what the backing disks
// hold as meta data are one JSON file, <lab>/state/drbd.json, changed under
// the lab's lock (package state):
//
//   - Meta, per host and backing disk: the size of the device it allows,
//     the disk state (Inconsistent or UpToDate) and, on the target of a
//     resync, the resync itself. Meta data outlives `drbdadm down`, so an
//     `up` of a pair that was in sync reconnects without a resync.
//   - Devices, per host and minor: what `drbdadm up` configured (disk,
//     addresses, protocol, allow-two-primaries, syncer rate) and the role.
//     `up` also creates the block device /dev/drbdN (major 147) through
//     package blockdev, as big as the meta data allows; `down` removes it.
//   - Minors, per host: those the module has allocated. A minor is
//     created by its first configuration and stays after `down`, which
//     /proc/drbd then shows as " 0: cs:Unconfigured", until the module is
//     unloaded (ModuleUnloaded, from modprobe -r).
//
// Two devices are connected when both are configured with mirrored
// addresses and a network part; the peer is the lab host named by the
// other `on` section. A device without its network part (`drbdadm
// disconnect`) stands alone (StandAlone), and its peer waits for it
// (WFConnection); `drbdadm connect` gives it back. Connection is settled
// when either side comes up, connects, disconnects or goes down, so every
// change of it happens in a drbdadm process under the lock.
//
// # Split brain
//
// The lab tracks no writes. A split brain, both sides having written as
// Primary while apart, is a mark on both disks' meta data (Meta.Diverged,
// the bits each side set), which only `lab break split-brain` makes. The
// handshake of two marked disks is drbd_sync_handshake's with the default
// after-sb policies: both sides log "drbdN: Split-Brain detected, dropping
// connection!" in their kernel log (package kmsg, which dmesg prints) and
// stand alone; connecting again finds it again. Connected with `drbdadm --
// --discard-my-data connect` on exactly one side, that side (the victim)
// becomes the target of a resync of what both sides wrote, from the
// other; a victim still Primary refuses ("I shall become SyncTarget, but I
// am primary!", rr-conflict's default) and stands alone again, so the way
// out is `drbdadm secondary` then the discarding connect on the victim,
// `drbdadm connect` on the other side, and `drbdadm primary` once synced.
// The kernel log holds those lines only, not the state changes and UUID
// dumps a real handshake logs around them; the after-sb-* and rr-conflict
// options of drbd.conf are not read.
//
// # Resync in the kernel, without a process
//
// A resync records the bits left when it last resumed, that moment and its
// rate; what is left at any later time is computed from them, so it
// proceeds while no process runs, survives an agent being killed, and
// finishes by itself (the next change settles it). Going down on either side
// pauses it where it is; coming up again resumes it. The rate is the
// target's `syncer { rate 10M; }` (default 250K) times the lab's speed-up
// (SetSpeedup, `lab set --dir D drbd-speedup 100`, <lab>/settings.json);
// /proc/drbd shows the resulting wall-clock speed and estimate.
//
// # Rules the emulation keeps
//
//   - create-md writes Inconsistent meta data; over existing meta data it
//     asks, as drbdmeta does, and anything but "yes" cancels with status 1
//     ("Operation cancelled."). It needs the disk and refuses while the
//     device is attached, but not the module. dump-md exits 0 with meta
//     data and 255 without, which is how a runbook can ask first.
//   - up needs the module (modprobe drbd) and, for the disk part, the disk
//     and meta data; without them the device comes up diskless, as DRBD
//     does. Like drbdadm 8.2 it exits 0 whatever its steps reported: check
//     /proc/drbd afterwards.
//   - primary refuses a second Primary without allow-two-primaries
//     ("(-1) Multiple primaries not allowed by config") and a device with no
//     UpToDate disk on either side ("(-2) Refusing to be Primary without at
//     least one UpToDate disk"), both status 11. With
//     `drbdadm -- --overwrite-data-of-peer primary` the local disk becomes
//     UpToDate and a connected peer's is resynced from it in full.
//   - A paused resync resumes where it stopped; otherwise connecting an
//     UpToDate disk to an Inconsistent one starts a full resync, and two
//     UpToDate disks need none.
//   - The module cannot be unloaded (modprobe -r drbd) while a device of
//     the host is configured.
//   - secondary and down do not ask whether the device is open: real DRBD
//     refuses them while a GNBD export serves it ("Device is held open by
//     someone"); the lab does not know who holds /dev/drbdN.
//
// # What could not be checked against 8.2.6 itself
//
// The texts come from the 8.2-era drbdadm, drbdsetup and drbdmeta sources
// and from output of the time; some are from neighbouring releases: the
// "Could not stat("/proc/drbd")" lines for a missing module are 8.3's
// drbdsetup; the "Failure: (NNN)" and "State change failed" lines are
// printed without the "/dev/drbd0: " prefix 8.3 adds; dump-md's layout is
// approximate. drbdadm 8.2 also runs `drbdsetup state` before each command to
// register the config file, whose complaints (without the module) the lab
// does not repeat. `role` is accepted beside `state` although 8.2 only
// knows `state`.
package drbd
