package coreutils

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/blockdev"
	"github.com/tetsuzuki/tetsuzuki/lab/gfs2"
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
	s, err := gfs2.Load(h.Lab)
	if err != nil {
		return nil, err
	}
	for _, m := range s.MountsOf(h.FQDN) {
		table = append(table, [4]string{m.Device, m.Dir, "gfs2", "rw," + m.Hostdata(m.FS)})
	}
	return table, nil
}

// etcMtab generates /etc/mtab for cat.
func etcMtab(p *host.Proc) (string, bool, error) {
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

// procMountsFile generates /proc/mounts for cat.
func procMountsFile(p *host.Proc) (string, bool, error) {
	var b strings.Builder
	for _, l := range procMounts {
		b.WriteString(l + "\n")
	}
	if _, ok, err := lvm.ClusterOf(p.Host.Lab, p.Host.FQDN); err != nil {
		return "", false, err
	} else if ok {
		b.WriteString("none /sys/kernel/config configfs rw 0 0\n")
	}
	s, err := gfs2.Load(p.Host.Lab)
	if err != nil {
		return "", false, err
	}
	for _, m := range s.MountsOf(p.Host.FQDN) {
		fmt.Fprintf(&b, "%s %s gfs2 rw,%s 0 0\n", m.Device, m.Dir, m.Hostdata(m.FS))
	}
	return b.String(), true, nil
}

// Mount is mount(8): without arguments it lists the mount table; with
// a device and a directory it mounts, GFS2 through /sbin/mount.gfs2 when
// gfs2-utils provides it; with one of them it looks in /etc/fstab.
//
// probe tells the type of a device when none is given, as mount asks
// libblkid (blockdev.Signatures.Probe).
func Mount(probe func(h host.Host, devPath string) (string, error)) func(*host.Proc) int {
	return func(p *host.Proc) int { return mount(p, probe) }
}

func mount(p *host.Proc, probe func(h host.Host, devPath string) (string, error)) int {
	var fstype string
	var options []string
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
				fstype = p.Args[i]
			} else if a == "-o" {
				options = append(options, p.Args[i])
			}
		case strings.HasPrefix(a, "-t") && len(a) > 2:
			fstype = a[2:]
		case strings.HasPrefix(a, "-o") && len(a) > 2:
			options = append(options, a[2:])
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
			if fstype == "" || fstype == m[2] {
				fmt.Fprintf(p.Stdout, fmtMountLine+"\n", m[0], m[1], m[2], m[3])
			}
		}
		return 0
	case 1:
		dev, dir, fsType, opts, ok := fstab(p, operands[0])
		if !ok {
			fmt.Fprintf(p.Stderr, fmtNoFstab+"\n", operands[0])
			return 1
		}
		operands = []string{dev, dir}
		if fstype == "" && fsType != "auto" {
			fstype = fsType
		}
		options = append(options, opts)
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
	if fstype == "" {
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
			fstype = "gfs2"
		default:
			fmt.Fprintf(p.Stderr, fmtUnknownType+"\n", what)
			return 32
		}
	}
	if fstype != "gfs2" {
		fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", p.Name, "mount -t "+fstype)
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
	return gfs2.MountHelper(p, operands[0], operands[1], strings.Join(options, ","))
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

// Umount is umount(8): DIR or DEVICE. umount.gfs2 does the same for a
// GFS2 mount and names itself by its argv[0] where umount says "umount".
func Umount(p *host.Proc) int {
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
		found, err := gfs2.Unmount(p.Host, target)
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
