// Package multipath emulates device-mapper-multipath 0.4.7 as CentOS 5.2
// ships it: the multipath command, the multipathd daemon and its init
// script, over the GNBD devices of package gnbd.
//
// # What is shared and what is local
//
// The maps are the kernel's: they live in the lab's shared state, one file
// per host (<lab>/state/multipath/<fqdn>.json, since no run of multipath
// concerns another host's maps) with whether multipathd runs, and as device
// files (package blockdev): /dev/mapper/NAME and /dev/dm-N, major 253, whose
// Backing lists the paths' device files ("/dev/gnbd0 /dev/gnbd1").
// That Backing is how gnbd_import sees a path held open, and how multipath
// sees a map held by whatever is built on it (gnbd.Holders). The host's own
// files are /etc/multipath.conf, which the package installs, and the
// bindings file /var/lib/multipath/bindings.
//
// # Rules the emulation keeps
//
//   - Maps are built (by `multipath`, by multipathd when it starts or
//     reloads, and by a running multipathd when gnbd_import adds a
//     device) from the host's GNBD imports, grouped by wwid: the uid their
//     server exports them with, which multipath gets through
//     `gnbd_import -U`. Devices blacklisted in multipath.conf (RHEL 5's
//     default file blacklists devnode "*"), disconnected, or exported
//     without a uid get no map. All paths of a map are in one round-robin
//     group, as the built-in hardware table has it for GNBD.
//   - With user_friendly_names (on in the default file) a map is mpathN,
//     bound to its wwid in the bindings file, so a rebuilt map keeps its
//     name; without it, the map is named by its wwid.
//   - Stopping multipathd leaves the maps; `multipath -F` flushes those
//     nothing holds open.
//   - `multipath -l` lists the maps in device-mapper's order (its name hash,
//     newest first within a bucket: mpath1 before mpath0), a path failed
//     while its GNBD import is disconnected, or while device-mapper keeps
//     it failed (Map.Failed: lab break path-fail). -l runs no path
//     checker, so it says [failed][undef]; -ll runs them: [failed][faulty]
//     for a disconnected import, [failed][ready] for a path failed in the
//     kernel whose device answers.
//   - multipathd's checkers reinstate the paths device-mapper failed when
//     it starts or reloads (`/etc/init.d/multipathd restart|reload`); a
//     real one also does every polling_interval (5 s), the lab's does not
//     poll, so a failed path stays failed until then. A map reloaded with
//     new paths has every path active again; `multipath` alone reloads no
//     map whose paths are unchanged.
//   - multipathd may die (lab break multipathd-stop): the maps stay, and
//     the init script's lock, so status says "dead but subsys locked".
//
// All the text the tools print is in messages.go.
package multipath
