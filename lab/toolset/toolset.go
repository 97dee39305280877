// Package toolset is the lab's table of emulated tools: every command a
// lab host has, by the base name it is invoked by, and the function that
// emulates it, which emu.Main dispatches on. Two binaries take the table:
// lab, which is also the lab command (init, up, exec...), and labtools,
// which is only the tools. A host's tools are links to one of them (lab
// init --tools); labtools starts in about a third of lab's time, because
// it links none of the Temporal SDK that lab up needs, whose packages'
// initialization is most of what an emulated rpm -q costs.
package toolset

import (
	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/cman"
	"github.com/tetsuzuki/tetsuzuki/lab/coreutils"
	"github.com/tetsuzuki/tetsuzuki/lab/disk"
	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
	"github.com/tetsuzuki/tetsuzuki/lab/gfs2"
	"github.com/tetsuzuki/tetsuzuki/lab/gnbd"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
	"github.com/tetsuzuki/tetsuzuki/lab/multipath"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
)

// Table is every emulated tool, by the base name the binary is invoked
// by, for emu.Main. Where a tool lives on a host, and whether the
// host has it from installation or from a package, is packages.BaseLinks
// and packages.Catalogue's business; the names here and there are kept in
// step by TestToolsAreLinked.
func Table() map[string]func(*host.Proc) int {
	return map[string]func(*host.Proc) int{
		// The base system: rpm and yum, the spare disk's parted, coreutils,
		// util-linux, module-init-tools and e2fsprogs.
		"yum":      packages.Yum,
		"rpm":      packages.Rpm,
		"parted":   disk.Parted,
		"cat":      coreutils.Cat,
		"ls":       coreutils.Ls,
		"touch":    coreutils.Touch,
		"df":       coreutils.Df,
		"mount":    coreutils.Mount(signatures.Probe),
		"umount":   coreutils.Umount,
		"dmesg":    coreutils.Dmesg,
		"modprobe": coreutils.Modprobe,
		"lsmod":    coreutils.Lsmod,
		"blkid":    signatures.Blkid,

		// LVM2, also in the base system: one binary, /usr/sbin/lvm, that
		// every command links to. A mounted GFS2 file system holds its LV
		// open.
		"lvm":       lvmCmd,
		"pvcreate":  lvmCmd,
		"pvremove":  lvmCmd,
		"pvdisplay": lvmCmd,
		"pvs":       lvmCmd,
		"vgcreate":  lvmCmd,
		"vgextend":  lvmCmd,
		"vgremove":  lvmCmd,
		"vgchange":  lvmCmd,
		"vgdisplay": lvmCmd,
		"vgs":       lvmCmd,
		"vgscan":    lvmCmd,
		"lvcreate":  lvmCmd,
		"lvextend":  lvmCmd,
		"lvchange":  lvmCmd,
		"lvremove":  lvmCmd,
		"lvdisplay": lvmCmd,
		"lvs":       lvmCmd,
		"lvscan":    lvmCmd,

		// cman; "cman" is its init script, /etc/init.d/cman.
		"ccs_tool":  cman.CcsTool,
		"cman_tool": cman.CmanTool,
		"cman":      cman.InitScript,

		// drbd82.
		"drbdadm": drbd.Drbdadm,

		// gnbd. A new GNBD device raises a uevent, on which a running
		// multipathd takes the path.
		"gnbd_serv":   gnbd.ServCmd,
		"gnbd_export": gnbd.ExportCmd,
		"gnbd_import": gnbd.ImportCmd(multipath.Uevent),

		// device-mapper-multipath; "multipathd" is both /sbin/multipathd and
		// the init script /etc/init.d/multipathd, told apart by the path it is
		// invoked by.
		"multipath":  multipath.MultipathCmd,
		"multipathd": multipath.MultipathdCmd,

		// lvm2-cluster; "clvmd" is both /usr/sbin/clvmd and the init script
		// /etc/init.d/clvmd.
		"clvmd":   lvm.Clvmd(gfs2.OpenCount),
		"lvmconf": lvm.Lvmconf,

		// gfs2-utils: mkfs.gfs2, gfs2_grow and gfs2_jadd are one binary,
		// umount.gfs2 does what umount does, and gfs2_tool lists journals.
		"mkfs.gfs2":   gfs2.Tool,
		"gfs2_grow":   gfs2.Tool,
		"gfs2_jadd":   gfs2.Tool,
		"mount.gfs2":  gfs2.MountGFS2Cmd,
		"umount.gfs2": coreutils.Umount,
		"gfs2_tool":   gfs2.GFS2Tool,
	}
}

// signatures are what blkid, and mount without a type, recognize on a
// device, in libblkid's order: a GFS2 superblock, then an LVM2 PV label.
var signatures = blockdev.Signatures{gfs2.Superblock, lvm.PVLabel}

// lvmCmd is /usr/sbin/lvm.
var lvmCmd = lvm.Cmd(gfs2.OpenCount)
