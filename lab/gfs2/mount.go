package gfs2

import (
	"fmt"
	"os"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/getopt"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
)

// mountOpts are the options of mount and mount.gfs2 the lab uses.
type mountOpts struct {
	lockproto string
	locktable string
}

func parseMountOpts(list string, o *mountOpts) {
	for _, opt := range strings.Split(list, ",") {
		k, v, _ := strings.Cut(opt, "=")
		switch k {
		case "lockproto":
			o.lockproto = v
		case "locktable":
			o.locktable = v
		}
	}
}

// MountGFS2Cmd is /sbin/mount.gfs2 run directly: DEVICE DIR [-o OPTIONS].
func MountGFS2Cmd(p *host.Proc) int {
	t := &tool{p: p}
	var o mountOpts
	opts, operands := getopt.Parse(p.Name, p.Args, "hno:vV", &t.err)
	for _, op := range opts {
		switch op.C {
		case 'o':
			parseMountOpts(op.Arg, &o)
		case '?':
			return t.finish(errDied)
		}
	}
	if len(operands) != 2 {
		return t.finish(t.die("lab: give a device and a directory"))
	}
	return t.finish(t.mountGFS2(operands[0], operands[1], o))
}

// warn is mount.gfs2's warn(): "argv[0]: message" on stderr.
func (t *tool) warn(format string, args ...any) {
	fmt.Fprintf(&t.err, fmtDie+format+"\n", append([]any{t.p.Name}, args...)...)
}

// mountGFS2 is what mount.gfs2 and gfs_controld do: the file system's
// lock table must name the cman cluster the host runs in, a journal must
// be free, and the mount takes it.
func (t *tool) mountGFS2(devArg, dirArg string, o mountOpts) error {
	p := t.p
	h := p.Host
	dev := lvm.Resolve(h, p.Abs(devArg))
	if _, ok, err := blockdev.Get(h, dev); err != nil {
		return err
	} else if !ok {
		return t.die(fmtInvalidDev, devArg)
	}
	dir := lvm.Resolve(h, p.Abs(dirArg))
	if fi, err := os.Stat(h.Path(dir)); err != nil || !fi.IsDir() {
		return t.die(fmtInvalidDir, dirArg)
	}
	id, _, err := lvm.Identify(h, dev)
	if err != nil {
		return err
	}
	member, inCluster, err := lvm.ClusterOf(h.Lab, h.FQDN)
	if err != nil {
		return err
	}
	return change(h.Lab, func(s *State) error {
		fs := s.FS[id]
		if id == "" || fs == nil {
			return t.die(fmtNoGFS2, dev)
		}
		proto, table := fs.LockProto, fs.LockTable
		if o.lockproto != "" {
			proto = o.lockproto
		}
		if o.locktable != "" {
			table = o.locktable
		}
		if proto == "lock_dlm" {
			if !inCluster {
				for i := 0; i < 10; i++ {
					t.warn(msgWaitControld)
				}
				t.warn(msgNoControld)
				return t.die(fmtLockprotoError, proto)
			}
			if cluster, _, _ := strings.Cut(table, ":"); cluster != member.Cluster {
				t.warn(msgOtherCluster)
				return t.die(fmtLockprotoError, proto)
			}
		}
		for _, m := range s.MountsOf(h.FQDN) {
			if m.Dir == dir || m.ID == id {
				return t.die(fmtAlreadyMounted, dev, dir)
			}
		}
		jid := fs.freeJID()
		if jid < 0 {
			return t.die(fmtMountError, dev, dir, "Invalid argument")
		}
		first := len(fs.Mounts) == 0
		if first {
			fs.GroupID = member.NodeID<<16 | 1
		}
		s.Seq++
		fs.Mounts = append(fs.Mounts, Mount{Host: h.FQDN, Dir: dir, Device: dev, JID: jid, First: first, Seq: s.Seq})
		return nil
	})
}

// MountHelper is /sbin/mount.gfs2 as mount(8) runs it for a GFS2 file system:
// `mount.gfs2 DEVICE DIR -o OPTIONS`, OPTIONS mount's -o list and those of
// /etc/fstab, comma-separated.
func MountHelper(p *host.Proc, dev, dir, options string) int {
	var o mountOpts
	parseMountOpts(options, &o)
	q := *p
	q.Name = progMountGFS2
	t := &tool{p: &q}
	return t.finish(t.mountGFS2(dev, dir, o))
}

// Unmount removes host h's GFS2 mount at target, a directory or device
// path the host resolves; found is false when none is there.
func Unmount(h host.Host, target string) (found bool, err error) {
	err = change(h.Lab, func(s *State) error {
		for _, fs := range s.FS {
			for i, m := range fs.Mounts {
				if m.Host != h.FQDN || (m.Dir != target && lvm.Resolve(h, m.Device) != target) {
					continue
				}
				found = true
				fs.Mounts = append(fs.Mounts[:i], fs.Mounts[i+1:]...)
				if len(fs.Mounts) == 0 {
					fs.GroupID = 0
				}
				return nil
			}
		}
		return nil
	})
	return found, err
}
