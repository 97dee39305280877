package emu

import (
	"github.com/tetsuzuki/tetsuzuki/lab/coreutils"
	"github.com/tetsuzuki/tetsuzuki/lab/gfs2"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
)

// GFS2: gfs2-utils provides mkfs.gfs2, gfs2_grow and gfs2_jadd (one binary)
// and the mount helpers; mount, umount, ls, touch, df and blkid are on
// every host from installation. A mounted file system keeps its LV open,
// as LVM sees it.
func init() {
	for _, name := range []string{"mkfs.gfs2", "gfs2_grow", "gfs2_jadd"} {
		tools[name] = gfs2.Tool
	}
	tools["mount.gfs2"] = gfs2.MountGFS2Cmd
	tools["umount.gfs2"] = coreutils.Umount
	tools["mount"] = coreutils.Mount
	tools["umount"] = coreutils.Umount
	tools["ls"] = coreutils.Ls
	tools["touch"] = coreutils.Touch
	tools["df"] = coreutils.Df
	tools["blkid"] = gfs2.Blkid
	storageBaseTools = append(storageBaseTools, "/bin/mount", "/bin/umount", "/bin/ls", "/bin/touch", "/bin/df", "/sbin/blkid")
	lvm.RegisterOpener(gfs2.OpenCount)
}
