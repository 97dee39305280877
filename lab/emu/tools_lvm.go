package emu

import (
	"os"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
)

// LVM2 is installed on every CentOS 5 host: its commands are links to
// /usr/sbin/lvm and /etc/lvm/lvm.conf has local locking. lvm2-cluster adds
// clvmd, its init script and lvmconf ("clvmd" is both /usr/sbin/clvmd and
// /etc/init.d/clvmd, told apart by the path it is invoked by).
func init() {
	for _, name := range lvm.Names() {
		tools[name] = lvm.Cmd
		storageBaseTools = append(storageBaseTools, "/usr/sbin/"+name)
	}
	tools["clvmd"] = lvm.ClvmdCmd
	tools["lvmconf"] = lvm.Lvmconf
}

// storageBaseTools are the host paths of the base-system commands of the
// storage stack: LVM2's here, util-linux's and coreutils' from
// tools_gfs2.go.
var storageBaseTools []string

// initStorageBase links the storage stack's base-system commands to the
// lab binary and gives the host lvm2's default lvm.conf and /mnt, unless
// it has them. The caller holds the lab's lock.
func initStorageBase(h host.Host, bin string) error {
	for _, l := range storageBaseTools {
		if err := packages.Link(h, l, bin); err != nil {
			return err
		}
	}
	if err := mkdirHost(h, "/mnt"); err != nil {
		return err
	}
	return lvm.EnsureConf(h)
}

func mkdirHost(h host.Host, dir string) error { return os.MkdirAll(h.Path(dir), 0o755) }
