package findings_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// The fixture: the blog's six hosts (runbooks/scalable-storage.yaml) once
// built, as a check sees them. Each host has what the runbook says it holds
// (findings.Expect, as workflows/check.go's expectations() builds it) and
// what its own tools print, in the formats of PROCEDURES.md and of the lab
// that emulates the tools (lab/*/messages.go). The tools' text goes through
// the parsers of package activities exactly as the agent's Inspect does,
// so a case breaks the stack by changing what a tool prints.

// output is what one command printed, stdout then stderr, and its exit
// status.
type output struct {
	exit int
	text string
}

// host is one host of the fixture.
type host struct {
	t      *testing.T
	expect findings.Expect
	// installed are the packages rpm -q finds.
	installed []string
	// files are the managed files that exist, by path.
	files map[string]string
	// cmds are what each command the agent runs prints, by argv joined
	// with spaces; a tool that is not installed is not there.
	cmds map[string]output
	// drbdLoaded: /proc/modules lists drbd.
	drbdLoaded bool
	// unreachable and failure are a host whose agent took no task, or
	// took it and could not look.
	unreachable bool
	failure     string
}

// stack is the six hosts, in the runbook's order.
type stack struct {
	t     *testing.T
	hosts []*host
}

func fqdn(short string) string { return short + ".example.org" }

// short is the host name of an FQDN of the fixture.
func short(fqdn string) string { return strings.TrimSuffix(fqdn, ".example.org") }

// healthy is the built stack as a check sees it: no finding but
// CLUSTER_NO_FENCING, since the blog's cluster.conf has no fence device.
func healthy() []findings.Host { return healthyStack(nil).findingsHosts() }

// healthyStack is the built stack, for a case to break. t may be nil when
// nothing is edited.
func healthyStack(t *testing.T) *stack {
	s := &stack{t: t}
	for _, h := range []*host{
		client("client0", 1, "192.168.10.10", "jid=0:id=65537:first=1"),
		client("client1", 2, "192.168.10.11", "jid=1:id=65537:first=0"),
		storage("storage0a", "storage0", 1, "192.168.10.20", pair0(), "gnbd0a", 0, drbdSource),
		storage("storage0b", "storage0", 2, "192.168.10.27", pair0(), "gnbd0b", 0, drbdTarget),
		storage("storage1a", "storage1", 1, "192.168.10.30", pair1(), "gnbd1a", 1, drbdSource),
		storage("storage1b", "storage1", 2, "192.168.10.37", pair1(), "gnbd1b", 1, drbdTarget),
	} {
		h.t = t
		s.hosts = append(s.hosts, h)
	}
	return s
}

// The clusters of the runbook, without two_node as in the blog.
var clusters = map[string][]string{
	"storage0": {"storage0a", "storage0b"},
	"storage1": {"storage1a", "storage1b"},
	"client":   {"client0", "client1"},
}

func clusterExpect(name string) *findings.ClusterExpect {
	c := &findings.ClusterExpect{Name: name}
	for _, m := range clusters[name] {
		c.Members = append(c.Members, fqdn(m))
	}
	return c
}

// The DRBD pairs, each a resource r0 of its own.
func pair0() activities.DRBDResource {
	return activities.DRBDResource{Name: "r0", Device: "/dev/drbd0", Protocol: "C", Rate: "10M", Port: 7788, Nodes: []activities.DRBDNode{
		{Host: "storage0a.example.org", Address: "192.168.10.20", Disk: "/dev/xvdb1"},
		{Host: "storage0b.example.org", Address: "192.168.10.27", Disk: "/dev/xvdb1"},
	}}
}

func pair1() activities.DRBDResource {
	return activities.DRBDResource{Name: "r0", Device: "/dev/drbd0", Protocol: "C", Rate: "10M", Port: 7788, Nodes: []activities.DRBDNode{
		{Host: "storage1a.example.org", Address: "192.168.10.30", Disk: "/dev/xvdb1"},
		{Host: "storage1b.example.org", Address: "192.168.10.37", Disk: "/dev/xvdb1"},
	}}
}

// storage is a storage host: a cman member, one side of a DRBD pair,
// exporting its /dev/drbd0. counters is its /proc/drbd counters line.
func storage(name, cluster string, nodeid int, address string, pair activities.DRBDResource, export string, uid int, counters string) *host {
	peer := pair.Nodes[0].Host
	if peer == fqdn(name) {
		peer = pair.Nodes[1].Host
	}
	return &host{
		expect: findings.Expect{
			Host:     fqdn(name),
			Packages: []string{"cman", "kmod-drbd82-xen", "gnbd"},
			Cluster:  clusterExpect(cluster),
			DRBD:     &findings.DRBDExpect{Resource: pair, Peer: peer, Conf: activities.RenderDRBDConf([]activities.DRBDResource{pair})},
			Exports:  []findings.ExportExpect{{Name: export, Device: "/dev/drbd0", UID: uid}},
		},
		installed: []string{"cman", "openais", "kernel-xen", "drbd82", "kmod-drbd82-xen", "gnbd"},
		files: map[string]string{
			activities.ClusterConfPath: clusterConf(cluster, 2),
			activities.DRBDConfPath:    activities.RenderDRBDConf([]activities.DRBDResource{pair}),
			// Every host has LVM from installation; a storage host's
			// keeps its local locking, and no check looks at it.
			activities.LVMConfPath: lvm.DefaultConf,
		},
		cmds: map[string]output{
			"/etc/init.d/cman status": {0, "cman is running.\n"},
			"cman_tool status":        {0, cmanStatus(cluster, 2, name, nodeid, address)},
			"cman_tool nodes":         {0, cmanNodes(cluster)},
			"cat /proc/drbd":          {0, procDRBD(connected, counters)},
			"gnbd_export -l":          {0, exportList(export, uid)},
			"gnbd_import -l":          {0, ""}, // no import: gnbd_import prints nothing
			"mount":                   {0, mounts(true)},
		},
		drbdLoaded: true,
	}
}

// client is a client: a member of cluster client, importing the four
// exports, joining them in two multipath maps, seeing VG0/LV0 through
// clvmd and mounting the GFS2 on it at /mnt. hostdata is its mount's.
func client(name string, nodeid int, address, hostdata string) *host {
	return &host{
		expect: findings.Expect{
			Host:     fqdn(name),
			Packages: []string{"cman", "kmod-gnbd-xen", "gnbd", "device-mapper-multipath", "lvm2-cluster", "gfs2-utils"},
			Cluster:  clusterExpect("client"),
			Imports: []findings.ImportExpect{
				{Name: "gnbd0a", Server: "storage0a.example.org"},
				{Name: "gnbd0b", Server: "storage0b.example.org"},
				{Name: "gnbd1a", Server: "storage1a.example.org"},
				{Name: "gnbd1b", Server: "storage1b.example.org"},
			},
			Maps: []activities.MapSpec{
				{UID: 0, Exports: []string{"gnbd0a", "gnbd0b"}},
				{UID: 1, Exports: []string{"gnbd1a", "gnbd1b"}},
			},
			Volume: &findings.VolumeExpect{VG: "VG0", LV: "LV0"},
			GFS2:   &findings.GFS2Expect{Device: "/dev/VG0/LV0", Mapper: "/dev/mapper/VG0-LV0", Mountpoint: "/mnt"},
		},
		installed: []string{"cman", "openais", "kmod-gnbd-xen", "gnbd", "device-mapper-multipath", "lvm2-cluster", "gfs2-utils"},
		files: map[string]string{
			activities.ClusterConfPath: clusterConf("client", 2),
			// What yum installs, with the blacklist commented out (part #4).
			activities.MultipathConfPath: activities.EnableMultipath(packagedMultipathConf),
			// What lvm2 installs, with locking_type = 3 (part #5).
			activities.LVMConfPath: activities.ClusterLocking(lvm.DefaultConf),
		},
		cmds: map[string]output{
			"/etc/init.d/cman status": {0, "cman is running.\n"},
			"cman_tool status":        {0, cmanStatus("client", 2, name, nodeid, address)},
			"cman_tool nodes":         {0, cmanNodes("client")},
			// gnbd is installed, but gnbd_serv runs on the storage hosts.
			"gnbd_export -l":                {1, "gnbd_export: ERROR error connecting to gnbd_serv: No such file or directory\n"},
			"gnbd_import -l":                {0, importList(nil)},
			"/etc/init.d/multipathd status": {0, "multipathd (pid 2304) is running...\n"},
			"multipath -l":                  {0, multipathList},
			"/etc/init.d/clvmd status":      {0, "clvmd (pid 2419) is running...\nactive volumes: LV0\n"},
			"vgdisplay VG0":                 {0, vgdisplay},
			"lvdisplay /dev/VG0/LV0":        {0, lvdisplay},
			"mount":                         {0, mounts(true) + "/dev/mapper/VG0-LV0 on /mnt type gfs2 (rw,hostdata=" + hostdata + ")\n"},
			// mkfs.gfs2 -j 4, listed in the jindex's hash order.
			"gfs2_tool journals /mnt": {0, "journal2 - 128MB\njournal3 - 128MB\njournal1 - 128MB\njournal0 - 128MB\n4 journal(s) found.\n"},
		},
	}
}

// packagedMultipathConf is /etc/multipath.conf as device-mapper-multipath
// installs it: every device blacklisted.
var packagedMultipathConf = packages.Catalogue["device-mapper-multipath"].Files[activities.MultipathConfPath]

// clusterConf is cluster.conf as PROCEDURES.md (part #3) has it once both
// nodes joined: the blog's layout, no fence device.
func clusterConf(name string, version int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\"?>\n<cluster name=\"%s\" config_version=\"%d\">\n    <clusternodes>\n", name, version)
	for i, m := range clusters[name] {
		fmt.Fprintf(&b, "        <clusternode name=\"%s\" nodeid=\"%d\" votes=\"1\"/>\n", fqdn(m), i+1)
	}
	b.WriteString("    </clusternodes>\n  <fencedevices/>\n  <rm>\n    <failoverdomains/>\n    <resources/>\n  </rm>\n</cluster>\n")
	return b.String()
}

// cmanStatus is `cman_tool status` of a member of a quorate cluster of two
// (lab/cman's fmtStatus; the cluster ids and multicast addresses are what
// cman derives from the names).
func cmanStatus(cluster string, version int, name string, nodeid int, address string) string {
	id := map[string]struct {
		id        int
		multicast string
	}{
		"storage0": {28958, "239.192.113.143"},
		"storage1": {28959, "239.192.113.144"},
		"client":   {6476, "239.192.25.101"},
	}[cluster]
	return fmt.Sprintf(`Version: 6.1.0
Config Version: %d
Cluster Name: %s
Cluster Id: %d
Cluster Member: Yes
Cluster Generation: 24
Membership state: Cluster-Member
Nodes: 2
Expected votes: 2
Total votes: 2
Quorum: 2  
Active subsystems: 7
Flags: Dirty 
Ports Bound: 0  
Node name: %s
Node ID: %d
Multicast addresses: %s 
Node addresses: %s 
`, version, cluster, id.id, fqdn(name), nodeid, id.multicast, address)
}

// cmanNodes is `cman_tool nodes` of a cluster of two, both members
// (PROCEDURES.md, part #3).
func cmanNodes(cluster string) string {
	m := clusters[cluster]
	return "Node  Sts   Inc   Joined               Name\n" +
		"   1   M     24   2008-10-25 04:29:59  " + fqdn(m[0]) + "\n" +
		"   2   M      4   2008-10-25 04:23:50  " + fqdn(m[1]) + "\n"
}

// /proc/drbd of DRBD 8.2.6 (PROCEDURES.md, part #2b; lab/drbd).
const (
	procHeader = "version: 8.2.6 (api:88/proto:86-88)\n" +
		"GIT-hash: 3e69822d3bb4920a8c1bfdf7d647169eba7d2eb4 build by buildsvn@c5-i386-build, 2008-10-03 11:42:32\n"
	// connected is a pair's resource line once built: both primary, both
	// up to date.
	connected = " 0: cs:Connected st:Primary/Primary ds:UpToDate/UpToDate C r---"
	// The counters of the side that won the initial sync and of the other.
	drbdSource = "    ns:1048472 nr:0 dw:0 dr:1048472 al:0 bm:64 lo:0 pe:0 ua:0 ap:0 oos:0"
	drbdTarget = "    ns:0 nr:1048472 dw:1048472 dr:0 al:0 bm:64 lo:0 pe:0 ua:0 ap:0 oos:0"
)

func procDRBD(lines ...string) string { return procHeader + strings.Join(lines, "\n") + "\n" }

// exportList is `gnbd_export -l` of one export (PROCEDURES.md, part #3;
// gnbd_export follows the name with the space of an empty flag).
func exportList(name string, uid int) string {
	return fmt.Sprintf("Server[1] : %s \n"+
		"--------------------------\n"+
		"      file : /dev/drbd0\n"+
		"   sectors : 2096944\n"+
		"  readonly : no\n"+
		"    cached : no\n"+
		"   timeout : 60\n"+
		"       uid : %d\n\n", name, uid)
}

// importList is `gnbd_import -l` of a client (PROCEDURES.md, part #3):
// the four imports, each held open by its multipath map, in the state
// given by name or else "Open Connected Clear"; an import named "" is
// left out.
func importList(states map[string]string) string {
	var b strings.Builder
	for minor, im := range []struct{ name, server string }{
		{"gnbd0a", "storage0a"}, {"gnbd0b", "storage0b"}, {"gnbd1a", "storage1a"}, {"gnbd1b", "storage1b"},
	} {
		state, ok := states[im.name]
		switch {
		case !ok:
			state = "Open Connected Clear"
		case state == "":
			continue
		}
		fmt.Fprintf(&b, "Device name : %s\n"+
			"----------------------\n"+
			"    Minor # : %d\n"+
			" sysfs name : /block/gnbd%d\n"+
			"     Server : %s\n"+
			"       Port : 14567\n"+
			"      State : %s\n"+
			"   Readonly : No\n"+
			"    Sectors : 2096944\n\n", im.name, minor, minor, fqdn(im.server), state)
	}
	return b.String()
}

// multipathList is `multipath -l` of a client (PROCEDURES.md, part #4).
const multipathList = `mpath1 (1) dm-1 GNBD,GNBD
[size=1024M][features=0][hwhandler=0]
\_ round-robin 0 [prio=0][active]
 \_ #:#:#:# gnbd2 252:2 [active][undef]
 \_ #:#:#:# gnbd3 252:3 [active][undef]
mpath0 (0) dm-0 GNBD,GNBD
[size=1024M][features=0][hwhandler=0]
\_ round-robin 0 [prio=0][active]
 \_ #:#:#:# gnbd0 252:0 [active][undef]
 \_ #:#:#:# gnbd1 252:1 [active][undef]
`

// vgdisplay VG0 and lvdisplay /dev/VG0/LV0 on a client (PROCEDURES.md,
// part #5; lab/lvm's display.go): clustered, 510 extents, mounted.
const (
	vgdisplay = `  --- Volume group ---
  VG Name               VG0
  System ID             
  Format                lvm2
  Metadata Areas        2
  Metadata Sequence No  2
  VG Access             read/write
  VG Status             resizable
  Clustered             yes
  Shared                no
  MAX LV                0
  Cur LV                1
  Open LV               1
  Max PV                0
  Cur PV                2
  Act PV                2
  VG Size               1.99 GB
  PE Size               4.00 MB
  Total PE              510
  Alloc PE / Size       510 / 1.99 GB
  Free  PE / Size       0 / 0   
  VG UUID               hVr3Ux-Ky2v-1oiB-VdUZ-hbYx-sF2m-qYmPBR
   
`
	lvdisplay = `  --- Logical volume ---
  LV Name                /dev/VG0/LV0
  VG Name                VG0
  LV UUID                s1RcrS-MkJY-1P5b-wFyM-lb0K-P2vE-6WeVlH
  LV Write Access        read/write
  LV Status              available
  # open                 1
  LV Size                1.99 GB
  Current LE             510
  Segments               2
  Allocation             inherit
  Read ahead sectors     auto
  - currently set to     256
  Block device           253:2
   
`
)

// mounts is `mount` of a freshly booted CentOS 5 Xen guest, with the
// configfs cman mounts while it runs (lab/coreutils).
func mounts(cman bool) string {
	s := "/dev/xvda1 on / type ext3 (rw)\n" +
		"proc on /proc type proc (rw)\n" +
		"sysfs on /sys type sysfs (rw)\n" +
		"devpts on /dev/pts type devpts (rw,gid=5,mode=620)\n" +
		"tmpfs on /dev/shm type tmpfs (rw)\n" +
		"none on /proc/sys/fs/binfmt_misc type binfmt_misc (rw)\n"
	if cman {
		s += "none on /sys/kernel/config type configfs (rw)\n"
	}
	return s
}

// on is the host of a short name.
func (s *stack) on(name string) *host {
	for _, h := range s.hosts {
		if h.expect.Host == fqdn(name) {
			return h
		}
	}
	s.t.Fatalf("no host %s in the fixture", name)
	return nil
}

// prints sets what a command prints.
func (h *host) prints(cmd string, exit int, text string) { h.cmds[cmd] = output{exit, text} }

// editOutput replaces old with new in what a command prints.
func (h *host) editOutput(cmd, old, new string) {
	h.t.Helper()
	out, ok := h.cmds[cmd]
	if !ok || !strings.Contains(out.text, old) {
		h.t.Fatalf("%s on %s does not print %q:\n%s", cmd, h.expect.Host, old, out.text)
	}
	out.text = strings.ReplaceAll(out.text, old, new)
	h.cmds[cmd] = out
}

// editFile replaces old with new in a managed file.
func (h *host) editFile(path, old, new string) {
	h.t.Helper()
	text, ok := h.files[path]
	if !ok || !strings.Contains(text, old) {
		h.t.Fatalf("%s on %s does not hold %q:\n%s", path, h.expect.Host, old, text)
	}
	h.files[path] = strings.ReplaceAll(text, old, new)
}

// findingsHosts is what a check hands to Analyze.
func (s *stack) findingsHosts() []findings.Host {
	var out []findings.Host
	for _, h := range s.hosts {
		fh := findings.Host{Expect: h.expect}
		switch {
		case h.unreachable:
			fh.Unreachable = true
		case h.failure != "":
			fh.Failure = h.failure
		default:
			fh.Inspection = h.inspection()
		}
		out = append(out, fh)
	}
	return out
}

// managedFiles are the files Inspect reads, in its order.
var managedFiles = []string{activities.ClusterConfPath, activities.DRBDConfPath, activities.MultipathConfPath, activities.LVMConfPath}

// inspection is what activities.Host.Inspect (activities/inspect.go) makes
// of the host's tools: the same commands, in the same order, with the same
// parsers, and what Inspect asks of the runbook (packages, the DRBD
// resource, the volume) taken from the host's Expect as
// workflows/check.go's inspect() takes it.
func (h *host) inspection() *activities.Inspection {
	e := h.expect
	r := &activities.Inspection{Host: e.Host}
	for _, p := range e.Packages {
		if out, ok := h.look("rpm", "-q", p); ok {
			r.Packages = append(r.Packages, *out)
			if out.Exit == 0 {
				r.Installed = append(r.Installed, p)
			}
		}
	}
	for _, path := range managedFiles {
		f := activities.FileState{Path: path}
		if text, ok := h.files[path]; ok {
			f = activities.FileState{Path: path, Exists: true, Content: text, Mode: 0o644}
		}
		r.Files = append(r.Files, f)
	}
	if f := r.File(activities.ClusterConfPath); f.Exists {
		if conf, err := activities.ParseClusterConf(f.Content); err != nil {
			r.ConfError = err.Error()
		} else {
			r.Conf, r.Fencing = &conf, conf.HasFencing()
		}
	}

	if out, ok := h.look("/etc/init.d/cman", "status"); ok {
		r.CmanService, r.CmanRunning = out, out.Exit == 0
	}
	if r.CmanRunning {
		if out, ok := h.look("cman_tool", "status"); ok && out.Exit == 0 {
			r.CmanStatus = out
			if s, err := activities.ParseStatus(text(out)); err == nil {
				r.Cman = &s
			}
		}
		if out, ok := h.look("cman_tool", "nodes"); ok && out.Exit == 0 {
			r.CmanNodes = out
			r.Nodes, _ = activities.ParseNodes(text(out))
		}
	}

	if e.DRBD != nil {
		res := e.DRBD.Resource
		var all []activities.DRBDStatus
		if h.drbdLoaded {
			if out, ok := h.look("cat", "/proc/drbd"); ok {
				r.ProcDRBD = out
				all, _ = activities.ParseProcDRBD(text(out))
			}
		}
		s := activities.DRBDStatus{Minor: res.Minor(), Connection: "Unconfigured"}
		for _, a := range all {
			if a.Minor == res.Minor() {
				s = a
			}
		}
		r.DRBD = append(r.DRBD, s)
		if out, ok := h.look("dmesg"); ok {
			r.SplitBrain, r.Kernel = activities.KernelSplitBrain(out, text(out), []activities.DRBDResource{res})
		}
	}

	if out, ok := h.look("gnbd_export", "-l"); ok {
		r.ExportsOutput = out
		r.GNBDServing = out.Exit == 0
		r.Exports, _ = activities.ParseGNBDExports(text(out))
	}
	if out, ok := h.look("gnbd_import", "-l"); ok {
		r.ImportsOutput = out
		r.Imports, _ = activities.ParseGNBDImports(text(out))
	}

	if out, ok := h.look("/etc/init.d/multipathd", "status"); ok {
		r.Multipathd, r.MultipathdRunning = out, out.Exit == 0
	}
	if out, ok := h.look("multipath", "-l"); ok {
		r.MapsOutput = out
		r.Maps, _ = activities.ParseMultipath(text(out))
	}

	if out, ok := h.look("/etc/init.d/clvmd", "status"); ok {
		r.Clvmd, r.ClvmdRunning = out, out.Exit == 0
	}
	if v := e.Volume; v != nil {
		if out, ok := h.look("vgdisplay", v.VG); ok {
			r.VGOutput = out
			if blocks, _ := activities.ParseDisplay(text(out)); out.Exit == 0 && len(blocks) > 0 {
				r.VG = blocks[0]
			}
		}
		if out, ok := h.look("lvdisplay", "/dev/"+v.VG+"/"+v.LV); ok {
			r.LVOutput = out
			if blocks, _ := activities.ParseDisplay(text(out)); out.Exit == 0 && len(blocks) > 0 {
				r.LV = blocks[0]
			}
		}
	}

	if out, ok := h.look("mount"); ok {
		r.MountsOutput = out
		r.Mounts = activities.ParseMounts(text(out))
	}
	for _, m := range r.Mounts {
		if m.Type != "gfs2" {
			continue
		}
		if out, ok := h.look("gfs2_tool", "journals", m.Dir); ok {
			j := activities.GFS2Journals{Mountpoint: m.Dir, Output: out}
			if out.Exit == 0 {
				var err error
				j.Journals, err = activities.ParseJournals(text(out))
				j.Listed = err == nil
			}
			r.Journals = append(r.Journals, j)
		}
	}
	return r
}

// look is the evidence of a command, false when its tool is not
// installed. rpm is on every host and answers from what is installed.
func (h *host) look(argv ...string) (*activities.Evidence, bool) {
	out, ok := h.cmds[strings.Join(argv, " ")]
	if argv[0] == "rpm" {
		p := argv[2]
		out, ok = output{1, "package " + p + " is not installed\n"}, true
		if slices.Contains(h.installed, p) {
			out = output{0, packages.Catalogue[p].NVR() + "\n"}
		}
	}
	if !ok {
		return nil, false
	}
	return &activities.Evidence{Argv: argv, Exit: out.exit, Lines: lines(out.text)}, true
}

// lines is output as the agent keeps it (activities' evidence()): lines,
// at most 48.
func lines(s string) []string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) == 1 && l[0] == "" {
		return nil
	}
	if len(l) > 48 {
		l = append(l[:47], "...")
	}
	return l
}

// text is what the agent parses: the evidence's lines.
func text(ev *activities.Evidence) string { return strings.Join(ev.Lines, "\n") }

// TestFixtureIsTheRunbooks holds the fixture to runbooks/scalable-storage.yaml,
// read as workflows/check.go's expectations() reads it, so that a change
// of the runbook shows here.
func TestFixtureIsTheRunbooks(t *testing.T) {
	rb, err := runbooks.Load("../runbooks/scalable-storage.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rb.Checks.Ignore, []string{string(findings.NoFencing)}; !slices.Equal(got, want) {
		t.Errorf("the runbook ignores %v, the fixture's cases %v", got, want)
	}
	hosts := healthy()
	if len(hosts) != len(rb.Hosts) {
		t.Fatalf("%d hosts, the runbook has %d", len(hosts), len(rb.Hosts))
	}
	stack := rb.Stack()
	for i, h := range rb.Hosts {
		e := hosts[i].Expect
		if e.Host != h.FQDN {
			t.Errorf("host %d is %s, the runbook's %s", i, e.Host, h.FQDN)
			continue
		}
		want := findings.Expect{Host: h.FQDN, Packages: e.Packages}
		if c, ok := rb.ClusterOf(h.Name); ok {
			want.Cluster = &findings.ClusterExpect{Name: c.Name, TwoNode: c.TwoNode}
			for _, m := range rb.Members(c) {
				want.Cluster.Members = append(want.Cluster.Members, m.FQDN)
			}
		}
		if d, ok := rb.PairOn(h.Name); ok {
			res := activities.DRBDResource{Name: d.Name, Device: d.Device, Protocol: d.Protocol, Rate: d.Rate, Port: d.Port}
			for _, n := range rb.PairNodes(d) {
				res.Nodes = append(res.Nodes, activities.DRBDNode{Host: n.FQDN, Address: n.Address, Disk: n.Disk})
				if n.FQDN != h.FQDN {
					want.DRBD = &findings.DRBDExpect{Peer: n.FQDN}
				}
			}
			want.DRBD.Resource, want.DRBD.Conf = res, activities.RenderDRBDConf([]activities.DRBDResource{res})
		}
		for _, x := range rb.ExportsOf(h.Name) {
			want.Exports = append(want.Exports, findings.ExportExpect{Name: x.Name, Device: x.Device, UID: x.UID})
		}
		if slices.Contains(stack.Importers, h.FQDN) {
			for _, s := range rb.ExportServers() {
				for _, x := range s.Exports {
					want.Imports = append(want.Imports, findings.ImportExpect{Name: x, Server: s.FQDN})
				}
			}
		}
		if slices.Contains(stack.Multipath, h.FQDN) {
			for _, m := range rb.Maps() {
				want.Maps = append(want.Maps, activities.MapSpec{UID: m.UID, Exports: m.Exports})
			}
		}
		if slices.Contains(stack.CLVM, h.FQDN) {
			want.Volume = &findings.VolumeExpect{VG: rb.CLVM.VG, LV: rb.CLVM.LV}
		}
		if slices.Contains(stack.Mounts, h.FQDN) {
			want.GFS2 = &findings.GFS2Expect{Device: rb.LVPath(), Mapper: "/dev/mapper/" + rb.CLVM.VG + "-" + rb.CLVM.LV, Mountpoint: rb.GFS2.Mountpoint}
		}
		if !reflect.DeepEqual(e, want) {
			t.Errorf("%s:\nfixture %+v\nrunbook %+v", h.Name, e, want)
		}
	}
}
