package packages

import "fmt"

// Package is one package a repository of the emulated hosts carries.
type Package struct {
	Name, Version, Release, Arch string
	// Repo is the repository yum names in its transaction table.
	Repo string
	// Size is the download size in bytes.
	Size int64
	// Requires names the packages it depends on.
	Requires []string
	// Links are the host paths of the emulated tools it provides.
	Links []string
	// Dirs are directories it owns, created on install and left on removal
	// (rpm leaves a directory that still holds files).
	Dirs []string
}

// NVR is the name-version-release rpm -q prints.
func (p Package) NVR() string { return fmt.Sprintf("%s-%s-%s", p.Name, p.Version, p.Release) }

// String is the name-version-release.arch yum prints.
func (p Package) String() string { return p.NVR() + "." + p.Arch }

// EVR is the epoch:version-release yum prints.
func (p Package) EVR() string { return "0:" + p.Version + "-" + p.Release }

// BaseLinks are the tools every host has from installation time.
var BaseLinks = []string{"/usr/bin/yum", "/bin/rpm"}

// Catalogue is what the emulated repositories (base, updates, extras of
// CentOS 5.2, i386) carry: the packages of PROCEDURES.md, at the versions
// of mid-2008.
var Catalogue = map[string]Package{}

func init() {
	for _, p := range []Package{
		{Name: "cman", Version: "2.0.84", Release: "2.el5", Arch: "i386", Repo: "base", Size: 663552,
			Requires: []string{"openais"},
			Links:    []string{"/sbin/ccs_tool", "/sbin/cman_tool", "/etc/init.d/cman"},
			Dirs:     []string{"/etc/cluster"}},
		{Name: "openais", Version: "0.80.3", Release: "15.el5", Arch: "i386", Repo: "base", Size: 367616},
		{Name: "gnbd", Version: "1.1.5", Release: "1.el5", Arch: "i386", Repo: "base", Size: 150528},
		{Name: "kmod-gnbd-xen", Version: "0.1.4", Release: "12.el5", Arch: "i686", Repo: "base", Size: 28672},
		{Name: "kmod-drbd82-xen", Version: "8.2.6", Release: "2", Arch: "i686", Repo: "extras", Size: 124928,
			Requires: []string{"drbd82", "kernel-xen"}},
		{Name: "drbd82", Version: "8.2.6", Release: "1.el5.centos", Arch: "i386", Repo: "extras", Size: 180224},
		{Name: "kernel-xen", Version: "2.6.18", Release: "92.1.10.el5", Arch: "i686", Repo: "updates", Size: 17825792},
		{Name: "device-mapper-multipath", Version: "0.4.7", Release: "17.el5", Arch: "i386", Repo: "base", Size: 2726297},
		{Name: "lvm2-cluster", Version: "2.02.32", Release: "4.el5", Arch: "i386", Repo: "base", Size: 191488},
		{Name: "gfs2-utils", Version: "0.1.44", Release: "1.el5", Arch: "i386", Repo: "base", Size: 164864},
	} {
		Catalogue[p.Name] = p
	}
}
