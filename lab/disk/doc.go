// Package disk emulates the spare disk of part #2a and the parted 1.8.1 that
// partitions it.
//
// Every lab host gets /dev/xvdb at init: a 1 GiB Xen virtual disk (2097152
// sectors, 202:16) with no partition table, as `xm create` leaves it after
// the dom0 added the sparse image. `parted -s /dev/xvdb mklabel gpt`,
// `mkpart primary 0 1074` and `set 1 lvm on` then give /dev/xvdb1 as parted
// 1.8.1 would: GPT keeps its 34 first and 33 last sectors, so the partition
// spans sectors 34 to 2097118 (2097085 sectors, printed 17.4kB to 1074MB).
// That size is what makes DRBD's /dev/drbd0 the 2096944 sectors GNBD
// reports in PROCEDURES.md.
//
// # Where the partition table lives
//
// On a real disk the label is in its first and last sectors; here it is in
// the lab's shared state, <lab>/state/disks.json, per host and device, and
// changed under the lab's lock. Partitions are block devices like any other
// (package blockdev): mkpart creates /dev/xvdb1, mklabel and rm remove it.
//
// All the text parted prints is in messages.go.
package disk
