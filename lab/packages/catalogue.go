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
	// Files are the config files it installs, host path to content: written
	// on install unless the host has the file already, removed on erase
	// unless it was changed.
	Files map[string]string
}

// NVR is the name-version-release rpm -q prints.
func (p Package) NVR() string { return fmt.Sprintf("%s-%s-%s", p.Name, p.Version, p.Release) }

// String is the name-version-release.arch yum prints.
func (p Package) String() string { return p.NVR() + "." + p.Arch }

// EVR is the epoch:version-release yum prints.
func (p Package) EVR() string { return "0:" + p.Version + "-" + p.Release }

// BaseLinks are the tools every host has from installation time: yum and
// rpm, parted, coreutils', util-linux's (dmesg included),
// module-init-tools' and e2fsprogs' commands, and LVM2's (every LVM
// command is a link to /usr/sbin/lvm).
var BaseLinks = []string{
	"/usr/bin/yum", "/bin/rpm",
	"/sbin/parted", "/bin/cat", "/sbin/modprobe", "/sbin/lsmod",
	"/bin/mount", "/bin/umount", "/bin/dmesg", "/bin/ls", "/bin/touch", "/bin/df", "/sbin/blkid",
	"/usr/sbin/lvm",
	"/usr/sbin/pvcreate", "/usr/sbin/pvremove", "/usr/sbin/pvdisplay", "/usr/sbin/pvs",
	"/usr/sbin/vgcreate", "/usr/sbin/vgextend", "/usr/sbin/vgremove", "/usr/sbin/vgchange",
	"/usr/sbin/vgdisplay", "/usr/sbin/vgs", "/usr/sbin/vgscan",
	"/usr/sbin/lvcreate", "/usr/sbin/lvextend", "/usr/sbin/lvchange", "/usr/sbin/lvremove",
	"/usr/sbin/lvdisplay", "/usr/sbin/lvs", "/usr/sbin/lvscan",
}

// Catalogue is what the emulated repositories (base, updates, extras of
// CentOS 5.2, i386) carry: the packages of PROCEDURES.md, at the versions
// of mid-2008.
var Catalogue = byName([]Package{
	{Name: "cman", Version: "2.0.84", Release: "2.el5", Arch: "i386", Repo: "base", Size: 663552,
		Requires: []string{"openais"},
		Links:    []string{"/sbin/ccs_tool", "/sbin/cman_tool", "/etc/init.d/cman"},
		Dirs:     []string{"/etc/cluster"}},
	{Name: "openais", Version: "0.80.3", Release: "15.el5", Arch: "i386", Repo: "base", Size: 367616},
	{Name: "gnbd", Version: "1.1.5", Release: "1.el5", Arch: "i386", Repo: "base", Size: 150528,
		Links: []string{"/sbin/gnbd_serv", "/sbin/gnbd_export", "/sbin/gnbd_import"}},
	{Name: "kmod-gnbd-xen", Version: "0.1.4", Release: "12.el5", Arch: "i686", Repo: "base", Size: 28672},
	{Name: "kmod-drbd82-xen", Version: "8.2.6", Release: "2", Arch: "i686", Repo: "extras", Size: 124928,
		Requires: []string{"drbd82", "kernel-xen"}},
	{Name: "drbd82", Version: "8.2.6", Release: "1.el5.centos", Arch: "i386", Repo: "extras", Size: 180224,
		Links: []string{"/sbin/drbdadm"}},
	{Name: "kernel-xen", Version: "2.6.18", Release: "92.1.10.el5", Arch: "i686", Repo: "updates", Size: 17825792},
	{Name: "device-mapper-multipath", Version: "0.4.7", Release: "17.el5", Arch: "i386", Repo: "base", Size: 2726297,
		Links: []string{"/sbin/multipath", "/sbin/multipathd", "/etc/init.d/multipathd"},
		Dirs:  []string{"/var/lib/multipath"},
		Files: map[string]string{"/etc/multipath.conf": multipathConf}},
	{Name: "lvm2-cluster", Version: "2.02.32", Release: "4.el5", Arch: "i386", Repo: "base", Size: 191488,
		Links: []string{"/usr/sbin/clvmd", "/etc/init.d/clvmd", "/usr/sbin/lvmconf"}},
	{Name: "gfs2-utils", Version: "0.1.44", Release: "1.el5", Arch: "i386", Repo: "base", Size: 164864,
		Links: []string{"/sbin/mkfs.gfs2", "/sbin/gfs2_grow", "/sbin/gfs2_jadd", "/sbin/mount.gfs2", "/sbin/umount.gfs2", "/sbin/gfs2_tool"}},
})

func byName(ps []Package) map[string]Package {
	m := make(map[string]Package, len(ps))
	for _, p := range ps {
		m[p.Name] = p
	}
	return m
}

// multipathConf is the /etc/multipath.conf of device-mapper-multipath
// 0.4.7-17.el5: it blacklists every device until the administrator removes
// the blacklist section, and turns user-friendly names (mpathN) on.
const multipathConf = `# This is a basic configuration file with some examples, for device mapper
# multipath.
# For a complete list of the default configuration values, see
# /usr/share/doc/device-mapper-multipath-0.4.7/multipath.conf.defaults
# For a list of configuration options with descriptions, see
# /usr/share/doc/device-mapper-multipath-0.4.7/multipath.conf.annotated


# Blacklist all devices by default. Remove this to enable multipathing
# on the default devices. 
blacklist {
        devnode "*"
}

## By default, devices with vendor = "IBM" and product = "S/390.*" are
## blacklisted. To enable mulitpathing on these devies, uncomment the
## following lines.
#blacklist_exceptions {
#	device {
#		vendor	"IBM"
#		product	"S/390.*"
#	}
#}

## Use user friendly names, instead of using WWIDs as names.
defaults {
	user_friendly_names yes
}
##
## Here is an example of how to configure some standard options.
##
#
#defaults {
#	udev_dir		/dev
#	polling_interval 	10
#	selector		"round-robin 0"
#	path_grouping_policy	multibus
#	getuid_callout		"/sbin/scsi_id -g -u -s /block/%n"
#	prio_callout		/bin/true
#	path_checker		readsector0
#	rr_min_io		100
#	max_fds			8192
#	rr_weight		priorities
#	failback		immediate
#	no_path_retry		fail
#	user_friendly_names	yes
#}
##
## The wwid line in the following blacklist section is shown as an example
## of how to blacklist devices by wwid.  The 2 devnode lines are the
## compiled in default blacklist. If you want to blacklist entire types
## of devices, such as all scsi devices, you should use a devnode line.
## However, if you want to blacklist specific devices, you should use
## a wwid line.  Since there is no guarantee that a specific device will
## not change names on reboot (from /dev/sda to /dev/sdb for example)
## devnode lines are not recommended for blacklisting specific devices.
##
#blacklist {
#       wwid 26353900f02796769
#	devnode "^(ram|raw|loop|fd|md|dm-|sr|scd|st)[0-9]*"
#	devnode "^hd[a-z]"
#}
#multipaths {
#	multipath {
#		wwid			3600508b4000156d700012000000b0000
#		alias			yellow
#		path_grouping_policy	multibus
#		path_checker		readsector0
#		path_selector		"round-robin 0"
#		failback		manual
#		rr_weight		priorities
#		no_path_retry		5
#	}
#	multipath {
#		wwid			1DEC_____321816758474
#		alias			red
#	}
#}
#devices {
#	device {
#		vendor			"COMPAQ  "
#		product			"HSV110 (C)COMPAQ"
#		path_grouping_policy	multibus
#		getuid_callout          "/sbin/scsi_id -g -u -s /block/%n"
#		path_checker		readsector0
#		path_selector		"round-robin 0"
#		hardware_handler	"0"
#		failback		15
#		rr_weight		priorities
#		no_path_retry		queue
#	}
#	device {
#		vendor			"COMPAQ  "
#		product			"MSA1000         "
#		path_grouping_policy	multibus
#	}
#}
`
