package emu

import (
	"github.com/tetsuzuki/tetsuzuki/lab/coreutils"
	"github.com/tetsuzuki/tetsuzuki/lab/disk"
	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
)

// The spare disk, DRBD and the base-system commands they need: parted, cat,
// modprobe and lsmod are on every host from installation; drbdadm comes
// with the drbd82 package.
func init() {
	tools["parted"] = disk.Parted
	tools["cat"] = coreutils.Cat
	tools["modprobe"] = coreutils.Modprobe
	tools["lsmod"] = coreutils.Lsmod
	tools["drbdadm"] = drbd.Drbdadm
}

// baseSystemTools are the host paths of the base-system commands above.
var baseSystemTools = []string{"/sbin/parted", "/bin/cat", "/sbin/modprobe", "/sbin/lsmod"}

// initBaseSystem links the base-system commands to the lab binary and gives
// the host its spare disk, /dev/xvdb, unless it has one. The caller holds
// the lab's lock.
func initBaseSystem(h host.Host, bin string) error {
	for _, l := range baseSystemTools {
		if err := packages.Link(h, l, bin); err != nil {
			return err
		}
	}
	return disk.EnsureSpare(h)
}
