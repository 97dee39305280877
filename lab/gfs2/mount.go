package gfs2

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
)

// baseMounts are the file systems of a freshly booted CentOS 5 Xen guest,
// as /etc/mtab lists them: device, directory, type, options.
var baseMounts = [][4]string{
	{"/dev/xvda1", "/", "ext3", "rw"},
	{"proc", "/proc", "proc", "rw"},
	{"sysfs", "/sys", "sysfs", "rw"},
	{"devpts", "/dev/pts", "devpts", "rw,gid=5,mode=620"},
	{"tmpfs", "/dev/shm", "tmpfs", "rw"},
	{"none", "/proc/sys/fs/binfmt_misc", "binfmt_misc", "rw"},
}

// procMounts are the same as the kernel lists them in /proc/mounts.
var procMounts = []string{
	"rootfs / rootfs rw 0 0",
	"/dev/root / ext3 rw,data=ordered 0 0",
	"/dev /dev tmpfs rw 0 0",
	"/proc /proc proc rw 0 0",
	"/sys /sys sysfs rw 0 0",
	"/proc/bus/usb /proc/bus/usb usbfs rw 0 0",
	"devpts /dev/pts devpts rw 0 0",
	"tmpfs /dev/shm tmpfs rw 0 0",
	"none /proc/sys/fs/binfmt_misc binfmt_misc rw 0 0",
}

// configfs is mounted by the cman init script ("Mounting configfs").
var configfs = [4]string{"none", "/sys/kernel/config", "configfs", "rw"}

// mtab is the host's mount table: the base system's, configfs while cman
// runs, then the GFS2 mounts in the order they were made.
func mtab(h host.Host) ([][4]string, error) {
	table := append([][4]string(nil), baseMounts...)
	if _, ok, err := lvm.ClusterOf(h.Lab, h.FQDN); err != nil {
		return nil, err
	} else if ok {
		table = append(table, configfs)
	}
	s, err := Load(h.Lab)
	if err != nil {
		return nil, err
	}
	for _, m := range s.mounts(h.FQDN) {
		table = append(table, [4]string{m.Device, m.Dir, "gfs2", "rw," + m.Hostdata(m.FS)})
	}
	return table, nil
}

// Mtab generates /etc/mtab for cat.
func Mtab(p *host.Proc) (string, bool, error) {
	table, err := mtab(p.Host)
	if err != nil {
		return "", false, err
	}
	var b strings.Builder
	for _, m := range table {
		fmt.Fprintf(&b, "%s %s %s %s 0 0\n", m[0], m[1], m[2], m[3])
	}
	return b.String(), true, nil
}

// ProcMounts generates /proc/mounts for cat.
func ProcMounts(p *host.Proc) (string, bool, error) {
	var b strings.Builder
	for _, l := range procMounts {
		b.WriteString(l + "\n")
	}
	if _, ok, err := lvm.ClusterOf(p.Host.Lab, p.Host.FQDN); err != nil {
		return "", false, err
	} else if ok {
		b.WriteString("none /sys/kernel/config configfs rw 0 0\n")
	}
	s, err := Load(p.Host.Lab)
	if err != nil {
		return "", false, err
	}
	for _, m := range s.mounts(p.Host.FQDN) {
		fmt.Fprintf(&b, "%s %s gfs2 rw,%s 0 0\n", m.Device, m.Dir, m.Hostdata(m.FS))
	}
	return b.String(), true, nil
}

// mountOpts are the options of mount and mount.gfs2 the lab uses.
type mountOpts struct {
	fstype    string
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

// MountCmd is mount(8): without arguments it lists the mount table; with
// a device and a directory it mounts, GFS2 through /sbin/mount.gfs2 when
// gfs2-utils provides it; with one of them it looks in /etc/fstab.
func MountCmd(p *host.Proc) int {
	var o mountOpts
	var operands []string
	for i := 0; i < len(p.Args); i++ {
		a := p.Args[i]
		switch {
		case a == "-t" || a == "-o" || a == "-O" || a == "-L" || a == "-U":
			if i+1 >= len(p.Args) {
				fmt.Fprint(p.Stderr, fmtMountUsage)
				return 1
			}
			i++
			if a == "-t" {
				o.fstype = p.Args[i]
			} else if a == "-o" {
				parseMountOpts(p.Args[i], &o)
			}
		case strings.HasPrefix(a, "-t") && len(a) > 2:
			o.fstype = a[2:]
		case strings.HasPrefix(a, "-o") && len(a) > 2:
			parseMountOpts(a[2:], &o)
		case a == "-a":
			fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", p.Name, "mount -a")
			return 1
		case a == "-h":
			fmt.Fprint(p.Stdout, fmtMountUsage)
			return 0
		case a == "-V":
			fmt.Fprintln(p.Stdout, "mount: mount-ng 2.13.0.1")
			return 0
		case strings.HasPrefix(a, "-") && len(a) > 1:
			// -v, -n, -l, -f, -r, -w: nothing the lab tells apart
		default:
			operands = append(operands, a)
		}
	}
	switch len(operands) {
	case 0:
		table, err := mtab(p.Host)
		if err != nil {
			fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
			return 1
		}
		for _, m := range table {
			if o.fstype == "" || o.fstype == m[2] {
				fmt.Fprintf(p.Stdout, fmtMountLine+"\n", m[0], m[1], m[2], m[3])
			}
		}
		return 0
	case 1:
		dev, dir, fstype, opts, ok := fstab(p, operands[0])
		if !ok {
			fmt.Fprintf(p.Stderr, fmtNoFstab+"\n", operands[0])
			return 1
		}
		operands = []string{dev, dir}
		if o.fstype == "" && fstype != "auto" {
			o.fstype = fstype
		}
		parseMountOpts(opts, &o)
	case 2:
	default:
		fmt.Fprint(p.Stderr, fmtMountUsage)
		return 2
	}
	h := p.Host
	devPath := lvm.Resolve(h, p.Abs(operands[0]))
	_, exists, err := blockdev.Get(h, devPath)
	if err != nil {
		fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
		return 1
	}
	if o.fstype == "" {
		if !exists {
			fmt.Fprintf(p.Stderr, fmtSpecialMissing+"\n", operands[0])
			return 32
		}
		what, err := probe(h, devPath)
		if err != nil {
			fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
			return 1
		}
		switch what {
		case "":
			fmt.Fprintln(p.Stderr, msgNeedType)
			return 32
		case "gfs2":
			o.fstype = "gfs2"
		default:
			fmt.Fprintf(p.Stderr, fmtUnknownType+"\n", what)
			return 32
		}
	}
	if o.fstype != "gfs2" {
		fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", p.Name, "mount -t "+o.fstype)
		return 32
	}
	if fi, err := os.Stat(h.Path("/sbin/mount.gfs2")); err != nil || fi.Mode()&0o111 == 0 {
		// No helper: mount(2) with lock_dlm and no hostdata from
		// gfs_controld fails in the kernel.
		if !exists {
			fmt.Fprintf(p.Stderr, fmtSpecialMissing+"\n", operands[0])
		} else {
			fmt.Fprintf(p.Stderr, fmtWrongFS, devPath)
		}
		return 32
	}
	q := *p
	q.Name = progMountGFS2
	t := &tool{p: &q}
	return t.finish(t.mountGFS2(operands[0], operands[1], o))
}

// fstab looks a device or directory up in the host's /etc/fstab.
func fstab(p *host.Proc, arg string) (dev, dir, fstype, opts string, ok bool) {
	data, err := os.ReadFile(p.Host.Path("/etc/fstab"))
	if err != nil {
		return "", "", "", "", false
	}
	want := path.Clean(arg)
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if f[0] == want || path.Clean(f[1]) == want {
			return f[0], f[1], f[2], f[3], true
		}
	}
	return "", "", "", "", false
}

// MountGFS2Cmd is /sbin/mount.gfs2 run directly: DEVICE DIR [-o OPTIONS].
func MountGFS2Cmd(p *host.Proc) int {
	t := &tool{p: p}
	var o mountOpts
	opts, operands := getopt(p.Name, p.Args, "hno:vV", &t.err)
	for _, op := range opts {
		switch op.c {
		case 'o':
			parseMountOpts(op.arg, &o)
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
		for _, m := range s.mounts(h.FQDN) {
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

// UmountCmd is umount(8) (and umount.gfs2): DIR or DEVICE.
func UmountCmd(p *host.Proc) int {
	var operands []string
	for _, a := range p.Args {
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			if a == "-a" {
				fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", p.Name, "umount -a")
				return 1
			}
			continue // -f, -l, -n, -v
		}
		operands = append(operands, a)
	}
	if len(operands) == 0 {
		fmt.Fprintln(p.Stderr, "Usage: umount [-hV]\n       umount -a [-f] [-r] [-n] [-v] [-t vfstypes] [-O opts]\n       umount [-f] [-r] [-n] [-v] special | node...")
		return 1
	}
	status := 0
	for _, arg := range operands {
		target := lvm.Resolve(p.Host, p.Abs(arg))
		found := false
		err := change(p.Host.Lab, func(s *State) error {
			for _, fs := range s.FS {
				for i, m := range fs.Mounts {
					if m.Host != p.Host.FQDN || (m.Dir != target && lvm.Resolve(p.Host, m.Device) != target) {
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
		if err != nil {
			fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
			return 1
		}
		if !found {
			name := "umount"
			if path.Base(p.Name) == "umount.gfs2" {
				name = p.Name
			}
			fmt.Fprintf(p.Stderr, strings.Replace(fmtNotMountedU, "umount", name, 1)+"\n", arg)
			status = 1
		}
	}
	return status
}
