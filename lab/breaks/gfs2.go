package breaks

import (
	"errors"

	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/gfs2"
)

// gfs2Unmount unmounts a GFS2 on the host, as umount does: the file system
// stays, mounted wherever else it is.
func gfs2Unmount(b *breaker, args []string) error {
	dir := arg(args, 0)
	if dir == "" {
		mounts, err := gfs2.Mounts(b.lab(), b.h.FQDN)
		if err != nil {
			return err
		}
		if len(mounts) == 0 {
			return errors.New("no GFS2 is mounted on the host")
		}
		dir = mounts[0].Dir
	}
	found, err := gfs2.Unmount(b.h, dir)
	if err != nil {
		return err
	}
	if !found {
		return errors.New("no GFS2 is mounted at " + dir)
	}
	b.done(dir)
	b.want(b.h.FQDN, findings.GFS2NotMounted, dir)
	return nil
}
