package emu

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/disk"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// hostDirs are the directories of a freshly installed CentOS 5 that the
// emulated tools use.
var hostDirs = []string{
	"/bin", "/sbin", "/usr/bin", "/usr/sbin",
	"/etc/cluster", "/etc/init.d",
	"/var/lib/rpm", "/var/lock/subsys", "/var/run", "/var/log", "/tmp",
}

var hostName = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// HostRoot is the directory standing for "/" on a lab host.
func HostRoot(dir, fqdn string) string { return host.Root(dir, fqdn) }

// Init makes dir a lab with the given hosts, or brings an existing lab up to
// date: hosts are added, nothing a host already has is removed or reset
// (installed packages, cluster.conf, running cman all stay), and every tool
// symlink is pointed at labBinary, so a rebuilt binary takes over.
func Init(dir, labBinary string, fqdns []string) error {
	lab, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	bin, err := filepath.Abs(labBinary)
	if err == nil {
		bin, err = filepath.EvalSymlinks(bin)
	}
	if err != nil {
		return fmt.Errorf("lab binary: %w", err)
	}
	if fi, err := os.Stat(bin); err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
		return fmt.Errorf("lab binary %s is not an executable file", bin)
	}
	if err := os.MkdirAll(filepath.Join(lab, "log"), 0o755); err != nil {
		return err
	}
	// Under the lab's lock: agents of several containers may init one
	// shared lab at once, and yum may be linking tools meanwhile.
	return state.With(lab, func() error {
		for _, fqdn := range fqdns {
			if err := initHost(lab, bin, fqdn); err != nil {
				return fmt.Errorf("host %q: %w", fqdn, err)
			}
		}
		return nil
	})
}

func initHost(lab, bin, fqdn string) error {
	if !hostName.MatchString(fqdn) || len(fqdn) > 253 {
		return fmt.Errorf("not a host name")
	}
	h := host.Host{Lab: lab, FQDN: fqdn, Root: host.Root(lab, fqdn)}
	for _, d := range hostDirs {
		if err := os.MkdirAll(h.Path(d), 0o755); err != nil {
			return err
		}
	}
	if err := host.Mark(lab, fqdn); err != nil {
		return err
	}
	// A CentOS host always has an rpm database, empty or not, so that
	// removing what a run installed leaves the host as it was.
	if err := packages.EnsureDB(h); err != nil {
		return err
	}
	if err := packages.Relink(h, bin); err != nil {
		return err
	}
	// The spare disk, /mnt and lvm2's default lvm.conf, unless the host
	// has them.
	if err := disk.EnsureSpare(h); err != nil {
		return err
	}
	if err := os.MkdirAll(h.Path("/mnt"), 0o755); err != nil {
		return err
	}
	return lvm.EnsureConf(h)
}

// WriteEtcHosts gives every host of the lab an /etc/hosts listing the
// addresses of all of them (FQDN to address), as the procedures assume
// for cman and GNBD to find each other. A host that already has the file
// keeps it.
func WriteEtcHosts(dir string, addrs map[string]string) error {
	lab, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	hosts, err := host.List(lab)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(addrs))
	for fqdn := range addrs {
		names = append(names, fqdn)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("127.0.0.1\tlocalhost.localdomain localhost\n")
	for _, fqdn := range names {
		if addrs[fqdn] != "" {
			fmt.Fprintf(&b, "%s\t%s %s\n", addrs[fqdn], fqdn, host.Short(fqdn))
		}
	}
	for _, h := range hosts {
		file := h.Path("/etc/hosts")
		if _, err := os.Lstat(file); err == nil {
			continue
		}
		if err := state.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}
