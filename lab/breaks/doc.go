// Package breaks injects into a lab what goes wrong on real hosts, as
// changes of the emulation's state, so that afterwards the emulated tools
// print what the real ones print in that situation, and the product's
// checks have drift to find and its repairs something to mend:
//
//	lab break --dir D --host H KIND [ARG...]
//	lab break --list
//
// Kinds is the table of kinds: each with the finding codes (package
// findings) a check must report after it, on which hosts and when, the
// repair that mends it, and examples of applying it on a built stack.
// Apply breaks one host and returns the findings that break causes there
// and elsewhere, as Wants; drift that was there before is not listed. A
// break only ever changes what the emulation would change if the thing
// happened: nothing is marked "broken" for the tools to read but the
// split brain's mark on DRBD's meta data (see package drbd).
//
// # The kinds
//
// node-crash: cman dies on the host as when its node crashes
// (cman.Crash). Its peers' `cman_tool nodes` show it X, `cman_tool status`
// counts it out and works quorum out again: a two_node cluster stays
// quorate, a three-node cluster that loses two does not. Findings:
// CLUSTER_CMAN_NOT_RUNNING on the host; CLUSTER_NOT_QUORATE on the members
// left when the cluster loses quorum; CLVM_CLVMD_DOWN on the host when
// clvmd ran there, since clvmd serves only the membership it joined. The
// host's other daemons and devices (DRBD, gnbd_serv, imports, maps, mounts)
// stay: break them with their own kinds for a whole-node crash. Repair:
// `/etc/init.d/cman start`, then `/etc/init.d/clvmd start` where it ran.
//
// drbd-disconnect [RESOURCE]: `drbdadm disconnect` on the host. /proc/drbd
// shows it cs:StandAlone, its peer cs:WFConnection. DRBD_STANDALONE on the
// host, DRBD_WFCONNECTION on the peer. Repair: `drbdadm connect RESOURCE`
// (new in the lab's drbdadm for this).
//
// split-brain [RESOURCE]: the pair's connection broke, both sides went on
// writing as Primary, and it came back: at the handshake both sides log
// "drbd0: Split-Brain detected, dropping connection!" (dmesg, new in the
// lab for this) and stand alone, Primary/Unknown, with what each wrote in
// oos:. DRBD_SPLIT_BRAIN on both. Repair, as DRBD 8.2 wants it: on the
// side whose changes go, `drbdadm secondary RESOURCE` and `drbdadm --
// --discard-my-data connect RESOURCE`; on the other `drbdadm connect
// RESOURCE`; the first resyncs what both wrote, then `drbdadm primary
// RESOURCE` there. A victim left Primary refuses ("I shall become
// SyncTarget, but I am primary!") and stands alone again.
//
// drbd-down [RESOURCE]: `drbdadm down` on the host. /proc/drbd shows
// " 0: cs:Unconfigured" (the minor stays allocated, as DRBD's do), the
// peer WFConnection. DRBD_DOWN on the host, DRBD_WFCONNECTION on the peer.
// Repair: `drbdadm up RESOURCE`, `drbdadm primary RESOURCE`.
//
// drbd-secondary [RESOURCE]: `drbdadm secondary` on the host:
// st:Secondary/Primary. DRBD_NOT_PRIMARY. Repair: `drbdadm primary`.
//
// gnbd-serv-dies: gnbd_serv dies on the storage host, its exports with it
// (`gnbd_export -l`: "error connecting to gnbd_serv: Connection refused").
// The lab ties the layers above as the real ones are tied: an import is
// connected only while its server exports it, so every client's import of
// those exports reads "Disconnected" (Open Disconnected Pending under a
// multipath map), and a multipath path is failed while its import is
// disconnected, so `multipath -l` shows that path [failed] (the map goes on
// on its other path). GNBD_SERV_DOWN and GNBD_EXPORT_MISSING (one per
// export) on the host; GNBD_IMPORT_DISCONNECTED and MULTIPATH_PATH_FAILED
// on each client for each such import and path. Repair: `gnbd_serv`, then
// `gnbd_export -d DEVICE -e NAME -u UID` for each export; the clients'
// gnbd_recvd reconnect on their own, and their paths are active again.
//
// import-disconnect [IMPORT]: one import's gnbd_recvd is gone on the
// client (the first connected import by default): `gnbd_import -l` shows it
// Disconnected while its server still serves it, and its multipath path
// [failed]. GNBD_IMPORT_DISCONNECTED, and MULTIPATH_PATH_FAILED when it is
// a path of a map. Repair: `gnbd_import -i SERVER` (or `-a`), which
// restarts gnbd_recvd for a device it has ("restarted gnbd_recvd for gnbd
// device ..."), as gnbd_import 1.1.5's restart_device does.
//
// path-fail [MAP [PATH]]: device-mapper fails one path of a map (the first
// map by name, its first active path by default), as an I/O error on it
// does. `multipath -l` shows it [failed][undef] (-l runs no checker);
// `multipath -ll` [failed][ready], since its device answers the checker:
// [failed][faulty] is what a path whose import is disconnected shows.
// MULTIPATH_PATH_FAILED. Repair: `/etc/init.d/multipathd restart` (or
// reload), whose checkers reinstate it. A real multipathd also reinstates
// it within polling_interval; the lab's does not poll.
//
// multipathd-stop: multipathd dies on the client. `/etc/init.d/multipathd
// status` says "multipathd dead but subsys locked" (status 2); the maps
// stay. MULTIPATH_DAEMON_DOWN. Repair: `/etc/init.d/multipathd restart`
// (its stop fails, its start starts) or start.
//
// clvmd-stop: clvmd dies on the client. `/etc/init.d/clvmd status` says
// "clvmd dead but subsys locked"; the LVs stay active. CLVM_CLVMD_DOWN.
// Repair: `/etc/init.d/clvmd start` (restart would stop at its failing
// stop).
//
// lv-deactivate [VG/LV]: `lvchange -aln` on the client (the first active LV
// by default): `lvs` shows the attr without its "a" there, /dev/VG/LV is
// gone. LVM refuses it while a mounted file system holds the LV, so the
// GFS2 on it is unmounted there first, as a person would have to.
// CLVM_LV_INACTIVE, and GFS2_NOT_MOUNTED when it was mounted. Repair:
// `lvchange -ay VG/LV` (with clvmd running), then `mount -t gfs2`.
//
// gfs2-unmount [DIR]: the GFS2 is unmounted on the client (the first GFS2
// mount by default); the other clients keep it. GFS2_NOT_MOUNTED. Repair:
// `mount -t gfs2 /dev/VG/LV DIR`.
//
// config-edit FILE: a managed config file edited by hand and written
// whole, as an editor does:
//
//	/etc/lvm/lvm.conf          locking_type = 1    CLVM_LOCKING_NOT_CLUSTERED
//	/etc/drbd.conf             first syncer rate doubled      DRBD_CONF_DRIFT
//	/etc/multipath.conf        polling_interval 10 added to defaults (or
//	                           doubled)              MULTIPATH_CONF_DRIFT
//	/etc/cluster/cluster.conf  config_version + 1 on this member only
//	                                                  CLUSTER_CONFIG_SKEW
//
// Nothing rereads the file until its tool does: LVM at its next command
// (clustered VGs are then skipped), drbdadm, multipathd at its next
// reload, cman at its next start (which the running members then refuse:
// "Node refused, remote config version id=..."). Repair: the file the
// runbook renders written again (`lvmconf --enable-cluster` for lvm.conf);
// for cluster.conf the running version's file back, or a higher version
// pushed with `ccs_tool update`.
//
// package-remove PACKAGE: `rpm -e --nodeps PACKAGE` (packages.Erase):
// `rpm -q` no longer finds it, its tools are gone (command not found), its
// unchanged config files too; what requires it stays, and so do its
// running daemons. HOST_PACKAGE_MISSING. Repair: `yum -y install PACKAGE`.
//
// # What is not faithful
//
// The kernel log holds only DRBD's split-brain lines, not a boot's worth
// of messages nor the state changes around them. DRBD's after-sb-* and
// rr-conflict options are not read (their defaults hold). DRBD lets
// `secondary` and `down` through while GNBD serves the device, which real
// DRBD refuses ("Device is held open by someone"). multipathd does not
// poll its paths. Fencing is not emulated: a crashed node's peers carry on
// at once. `yum list` is not emulated: `rpm -q` is how a host is asked.
package breaks
