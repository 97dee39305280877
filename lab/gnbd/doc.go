// Package gnbd emulates GNBD 1.1.5 as CentOS 5.2 ships it: gnbd_serv,
// gnbd_export and gnbd_import, with the kernel module's devices on the
// clients.
//
// # What is shared and what is local
//
// The servers' daemons and the clients' kernel devices live in the lab's
// shared state, one file per host (<lab>/state/gnbd/<fqdn>.json), changed
// under the lab's lock: per storage host, whether gnbd_serv runs, on which
// port, and what it exports (name, file, sectors, uid, timeout); per
// client, the imported devices by minor number and whether gnbd_monitor
// runs. A tool reads the hosts it deals with (store.go): its own, and a
// client's servers, whose state says whether an import is connected. Only
// a server listing the clients it serves (gnbd_export -L, and an unexport
// refused while one is connected) reads every host's. On the hosts
// themselves an import is two device files (package blockdev): /dev/gnbdN
// and /dev/gnbd/<export name>, major 252, minor N, with the export's size.
//
// # Rules the emulation keeps
//
//   - gnbd_serv asks cman for the node name at startup, so it needs cman
//     running on the host (not with -n); its exports live in its memory and
//     vanish when it stops. `gnbd_serv -k` is refused while anything is
//     exported; -K kills it anyway.
//   - gnbd_export -e NAME -d DEVICE opens the device as the daemon does:
//     it must exist (a lab block device, or a regular file), the name must
//     be free, and an uncached export (the default, timeout 60) needs a
//     clustered server. Unexporting is refused while a client is connected
//     to the export, unless -O.
//   - gnbd_import needs cman on the client (not with -n) and, for anything
//     touching devices, the gnbd module loaded (package kmod). -i imports
//     every export of the server not yet imported, each on the lowest free
//     minor; importing the same server again changes nothing, as the real
//     tool only restarts gnbd_recvd for a device it already has.
//   - An import is connected while its server runs and exports it and its
//     gnbd_recvd runs; the state is derived, since gnbd_recvd reconnects
//     on its own. Only a gnbd_recvd that is gone (Import.RecvdGone, which
//     lab break import-disconnect sets) is remembered: importing from the
//     same server again, or -a, starts a new one ("restarted gnbd_recvd
//     for gnbd device ..."), as restart_device does. A device is open
//     while a device-mapper device holds it (see Holders), and then cannot
//     be removed.
//   - gnbd_serv dying (lab break gnbd-serv-dies) is -K without its
//     message: the exports go, the clients are disconnected until it runs
//     and exports them again.
//
// The tools' options are parsed by package getopt. All the text they
// print is in messages.go.
package gnbd
