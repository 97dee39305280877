package activities

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// The agent's own policy. The agent runs as root on every host and takes
// its tasks from a queue that any client of the namespace can reach, so
// it does not do whatever a well-formed request asks: it does only what
// the procedures do. Whatever the request, and whoever signed it:
//
//   - files: it writes, restores or removes only the config files the
//     procedures manage (managedFiles), with a mode of plain permission
//     bits that is not world-writable: no setuid, setgid or sticky bit;
//   - packages: it installs only the procedures' package catalog, and
//     removes only those and what yum pulls in with them (catalog);
//   - kernel modules: it loads and unloads only drbd, gnbd and
//     dm_multipath, with only the options the procedures give (modules);
//   - services: it starts and stops only the stack's init scripts
//     (services);
//   - devices: it partitions only a whole spare disk (names.Disk) that
//     holds no mounted file system (the root disk among them) and is not
//     a character device; it writes DRBD metadata only on partition 1 of
//     such a disk (names.DRBDDisk), and not while it is mounted; it
//     exports with GNBD only a DRBD device, makes physical volumes only of
//     multipath maps, file systems only on logical volumes;
//   - mounts: only on /mnt, under it, or a top-level directory of its own
//     (names.Mountpoint), never on a system directory;
//   - the GFS2 check touches and lists files only in a directory where a
//     GFS2 file system is mounted.
//
// The rules about names (a disk, a mount point) are package names', which
// the runbook loader applies too, and their refusals are BadInput; those
// that only the agent can apply (what a host holds, what the procedures
// install, load, start and write) are Forbidden.

// forbidden is a refusal by the agent's policy; what names the part of
// the request.
func forbidden(what, format string, args ...any) error {
	return permanent(ErrForbidden, "%s: %s", what, fmt.Sprintf(format, args...))
}

// managedFiles are the config files the procedures write, and therefore
// the only files the agent writes, restores or removes.
var managedFiles = []string{ClusterConfPath, DRBDConfPath, MultipathConfPath, LVMConfPath}

// ManagedFiles lists the config files the agent may write, restore or
// remove.
func ManagedFiles() []string { return slices.Clone(managedFiles) }

// checkWrite refuses a write of p with mode unless p is a managed config
// file and mode is plain permission bits, not world-writable.
func checkWrite(p string, mode fs.FileMode) error {
	if !slices.Contains(managedFiles, p) {
		return forbidden("path", "%s is not a config file the procedures manage (%s)", names.Quote(p), strings.Join(managedFiles, ", "))
	}
	return checkMode(mode)
}

// checkMode refuses a mode with anything but permission bits (setuid,
// setgid, sticky, a file type) or with the world-writable bit.
func checkMode(mode fs.FileMode) error {
	switch {
	case mode&^fs.ModePerm != 0:
		return forbidden("mode", "%#o (%v) carries bits beyond the permissions (setuid, setgid, sticky or a file type); a config file has none", uint32(mode), mode)
	case mode&0o002 != 0:
		return forbidden("mode", "%#o is world-writable; a config file is not", uint32(mode))
	}
	return nil
}

// catalog is the procedures' package catalog: each package they install
// (PROCEDURES.md: part #2b kmod-drbd82-xen, part #3 cman, gnbd and
// kmod-gnbd-xen, part #4 device-mapper-multipath, part #5 lvm2-cluster and
// gfs2-utils) and what yum pulls in with it on CentOS 5.2, which the undo
// of an install removes too.
var catalog = map[string][]string{
	"cman":                    {"openais"},
	"kmod-drbd82-xen":         {"drbd82", "kernel-xen"},
	"gnbd":                    nil,
	"kmod-gnbd-xen":           nil,
	"device-mapper-multipath": nil,
	"lvm2-cluster":            nil,
	"gfs2-utils":              nil,
}

// PackageCatalog lists, sorted, the packages the agent installs: the
// packages the procedures ask for. A workflow that asks for another is
// refused as Forbidden.
func PackageCatalog() []string { return slices.Sorted(maps.Keys(catalog)) }

// checkInstall refuses a package outside the catalog.
func checkInstall(pkgs []string) error {
	for _, p := range pkgs {
		if err := names.Package(p); err != nil {
			return badInput("package", err)
		}
		if _, ok := catalog[p]; !ok {
			return forbidden("package", "%s is not in the procedures' package catalog (%s)", names.Quote(p), strings.Join(PackageCatalog(), ", "))
		}
	}
	return nil
}

// checkRemove refuses a package that is neither in the catalog nor pulled
// in by one that is: the undo of an install removes those, nothing else.
func checkRemove(pkgs []string) error {
	for _, p := range pkgs {
		if err := names.Package(p); err != nil {
			return badInput("package", err)
		}
		_, ok := catalog[p]
		for _, deps := range catalog {
			ok = ok || slices.Contains(deps, p)
		}
		if !ok {
			return forbidden("package", "%s is neither in the procedures' package catalog nor a package one of them pulls in", names.Quote(p))
		}
	}
	return nil
}

// modules are the kernel modules the procedures load, with the options
// each may take: drbd with minor_count (part #2b), gnbd on the clients
// (part #3), dm_multipath under multipathd (part #4; modprobe reads
// dm-multipath and dm_multipath alike, /proc/modules lists dm_multipath).
var modules = map[string][]string{
	"drbd":         {"minor_count"},
	"gnbd":         nil,
	"dm_multipath": nil,
}

// checkModule refuses a module, or an option of one, outside modules.
func checkModule(name string, options []string) error {
	allowed, ok := modules[name]
	if !ok {
		return forbidden("module", "%s is not a module of the stack (%s)", names.Quote(name), strings.Join(slices.Sorted(maps.Keys(modules)), ", "))
	}
	for _, o := range options {
		key, _, _ := strings.Cut(o, "=")
		if !slices.Contains(allowed, key) {
			return forbidden("module "+name, "option %s is not one the procedures give it", names.Quote(o))
		}
	}
	return nil
}

// services are the init scripts the procedures start and stop; a name
// outside them never reaches a path.
var services = []string{"cman", "clvmd", "multipathd"}

// checkService refuses a service outside services.
func checkService(name string) error {
	if err := names.Service(name); err != nil {
		return badInput("service", err)
	}
	if !slices.Contains(services, name) {
		return forbidden("service", "%s is not a service of the stack; the procedures manage %s", names.Quote(name), strings.Join(services, ", "))
	}
	return nil
}

// checkDiskNode refuses a device whose node under the root is not a block
// device: a character device (/dev/mem, /dev/port, a tty), a directory, a
// pipe or a socket. A missing node is for the tool to report; a regular
// file is how the lab stands in for a disk.
func (h *Host) checkDiskNode(what, dev string) error {
	real, err := h.file(dev)
	if err != nil {
		return err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil
	}
	if m := fi.Mode(); m&fs.ModeCharDevice != 0 || m.IsDir() || m&(fs.ModeNamedPipe|fs.ModeSocket) != 0 {
		return forbidden(what, "%s is not a disk (%v)", names.Quote(dev), m.Type())
	}
	return nil
}

// notMounted refuses a device that holds a mounted file system, itself
// or through a partition of it: the root disk and any disk in use, as the
// host's mount table shows them.
func (h *Host) notMounted(ctx context.Context, what, dev string) error {
	ms, err := h.mounts(ctx)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Device == dev || isPartitionOf(m.Device, dev) || isPartitionOf(dev, m.Device) {
			return forbidden(what, "%s holds a mounted file system (%s on %s, type %s); the procedures touch only a spare disk", names.Quote(dev), m.Device, m.Dir, m.Type)
		}
	}
	return nil
}

// isPartitionOf tells whether part names a partition of disk: the disk's
// name followed by a number, or by 'p' and a number.
func isPartitionOf(part, disk string) bool {
	num, ok := strings.CutPrefix(part, disk)
	if !ok {
		return false
	}
	num = strings.TrimPrefix(num, "p")
	return num != "" && strings.Trim(num, "0123456789") == ""
}

// inGFS2 refuses a directory where no GFS2 file system is mounted: the
// check of part #5 touches and lists files only in the shared file system.
func (h *Host) inGFS2(ctx context.Context, dir string) error {
	ms, err := h.mounts(ctx)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(ms, func(m Mount) bool { return m.Dir == dir && m.Type == "gfs2" }) {
		return forbidden("mountpoint", "no GFS2 file system is mounted on %s; the check touches and lists files only in it", names.Quote(dir))
	}
	return nil
}
