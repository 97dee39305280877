package plan

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/names"
)

// Run is a step as the plan sees it: what the host's agent would decide,
// given the world as the steps before it left it; the commands it would
// execute, recorded under step; the change it would make, applied to the
// world; and the result it would answer. Each case follows the agent's
// activity of the same name: the same checks of the same state, in the
// same order, so that a plan lists what the run then does (the end-to-end
// test compares the two on the lab).
//
// An activity the plan does not know is an error: a plan that skipped a
// step would not be a plan.
func (w *World) Run(host, step, activity string, input any) (any, error) {
	h := w.Host(host)
	if h == nil {
		return nil, refused(activities.ErrBadInput, "%s is not a host of the runbook", host)
	}
	switch input.(type) {
	case activities.ProbeInput, activities.StorageProbeInput, activities.MembershipInput, activities.DRBDWaitInput, activities.SignatureInput:
	default:
		w.stepped = true
	}
	do := func(argv ...string) { w.record(host, step, argv...) }
	changed := func(c bool) any { return activities.Change{Changed: c} }

	switch in := input.(type) {
	case activities.ProbeInput:
		return activities.ProbeResult{Host: host, Installed: h.installedOf(in.Packages), ClusterConf: h.fileState(activities.ClusterConfPath), Conf: h.Conf, CmanRunning: h.Cman}, nil
	case activities.StorageProbeInput:
		return w.storageProbe(h, in), nil
	case activities.PackagesInput:
		if activity == activities.RemovePackagesName {
			present := slices.DeleteFunc(slices.Clone(in.Packages), func(p string) bool { return !h.has(p) })
			if len(present) == 0 {
				return activities.PackagesResult{}, nil
			}
			do(append([]string{"yum", "-y", "remove"}, present...)...)
			h.Installed = slices.DeleteFunc(h.Installed, func(p string) bool { return slices.Contains(present, p) })
			return activities.PackagesResult{Changed: present}, nil
		}
		missing := slices.DeleteFunc(slices.Clone(in.Packages), h.has)
		if len(missing) == 0 {
			return activities.PackagesResult{}, nil
		}
		do(append([]string{"yum", "-y", "install"}, missing...)...)
		for _, p := range missing {
			h.install(p)
		}
		return activities.PackagesResult{Changed: missing}, nil

	case activities.ClusterInput:
		switch activity {
		case activities.CreateClusterConfName:
			if h.Conf != nil {
				if h.Conf.Name != in.Cluster {
					return nil, refused(activities.ErrClusterMismatch, "%s already belongs to cluster %q, not %q", host, h.Conf.Name, in.Cluster)
				}
				return changed(false), nil
			}
			do("ccs_tool", "create", in.Cluster)
			h.Conf = &activities.ClusterConf{Name: in.Cluster, Version: 1}
			*h.file(activities.ClusterConfPath) = File{Path: activities.ClusterConfPath, Exists: true, How: "ccs_tool create " + in.Cluster}
			return changed(true), nil
		case activities.StartCmanName:
			if h.Cman {
				return changed(false), nil
			}
			if h.Conf == nil {
				return nil, refused(activities.ErrBadConfig, "%s: cman cannot start without %s", host, activities.ClusterConfPath)
			}
			do("/etc/init.d/cman", "start")
			w.joinCluster(h)
			return changed(true), nil
		case activities.StopCmanName:
			if !h.Cman {
				return changed(false), nil
			}
			do("/etc/init.d/cman", "stop")
			h.Cman, h.Cluster, h.Version = false, "", 0
			return changed(true), nil
		case activities.PushClusterConfName:
			if h.Conf == nil {
				return nil, refused(activities.ErrBadConfig, "%s: no %s to push", host, activities.ClusterConfPath)
			}
			if !h.Cman || h.Version >= h.Conf.Version {
				return changed(false), nil
			}
			do("ccs_tool", "update", activities.ClusterConfPath)
			w.push(h)
			return changed(true), nil
		}
	case activities.NodeInput:
		return w.node(h, step, activity, in)
	case activities.MembershipInput:
		return w.membership(h, in)

	case activities.DiskInput:
		return w.prepareDisk(h, step, in)
	case activities.ModuleInput:
		if activity == activities.UnloadModuleName {
			if !h.loaded(in.Name) {
				return changed(false), nil
			}
			do("modprobe", "-r", in.Name)
			h.Modules = slices.DeleteFunc(h.Modules, func(m string) bool { return m == in.Name })
			return changed(true), nil
		}
		if h.loaded(in.Name) {
			return changed(false), nil
		}
		do(append([]string{"modprobe", in.Name}, in.Options...)...)
		h.Modules = append(h.Modules, in.Name)
		return changed(true), nil
	case activities.DRBDConfInput:
		want := activities.RenderDRBDConf(in.Resources)
		if f := h.file(activities.DRBDConfPath); f.Known && f.Exists && f.Content == want {
			return changed(false), nil
		}
		h.write(activities.DRBDConfPath, want)
		return changed(true), nil
	case activities.DRBDInput:
		return w.drbd(h, step, activity, in.Resource)
	case activities.DRBDWaitInput:
		return activities.DRBDWaitResult{Status: h.drbd()}, nil

	case activities.ServerInput:
		if activity == activities.GNBDStopServeName {
			if !h.Serving {
				return changed(false), nil
			}
			do("gnbd_serv", "-k")
			h.Serving, h.Exports = false, nil
			return changed(true), nil
		}
		if h.Serving {
			return changed(false), nil
		}
		do("gnbd_serv")
		h.Serving = true
		return changed(true), nil
	case activities.ExportInput:
		if !h.Serving {
			return nil, refused(activities.ErrNotReady, "%s: gnbd_serv is not running", host)
		}
		if i := slices.IndexFunc(h.Exports, func(e activities.GNBDExport) bool { return e.Name == in.Name }); i >= 0 {
			if h.Exports[i].File != in.Device || h.Exports[i].UID != strconv.Itoa(in.UID) {
				return nil, refused(activities.ErrBadConfig, "%s: export %s serves %s with uid %s, not %s with uid %d", host, in.Name, h.Exports[i].File, h.Exports[i].UID, in.Device, in.UID)
			}
			return changed(false), nil
		}
		do("gnbd_export", "-d", in.Device, "-e", in.Name, "-u", strconv.Itoa(in.UID))
		h.Exports = append(h.Exports, activities.GNBDExport{Name: in.Name, File: in.Device, UID: strconv.Itoa(in.UID)})
		w.reconnect(host, in.Name)
		return changed(true), nil
	case activities.UnexportInput:
		c := false
		for _, name := range in.Names {
			if h.Serving && slices.ContainsFunc(h.Exports, func(e activities.GNBDExport) bool { return e.Name == name }) {
				do("gnbd_export", "-r", name)
				h.Exports = slices.DeleteFunc(h.Exports, func(e activities.GNBDExport) bool { return e.Name == name })
				c = true
			}
		}
		return changed(c), nil
	case activities.ImportInput:
		return w.gnbdImport(h, step, in)
	case activities.UnimportInput:
		c := false
		for _, name := range in.Names {
			if h.loaded("gnbd") && slices.ContainsFunc(h.Imports, func(im activities.GNBDImport) bool { return im.Name == name }) {
				do("gnbd_import", "-r", name)
				h.Imports = slices.DeleteFunc(h.Imports, func(im activities.GNBDImport) bool { return im.Name == name })
				c = true
			}
		}
		return changed(c), nil

	case activities.MultipathInput:
		return w.multipath(h, step, activity, in)
	case activities.ServiceInput:
		on := activity == activities.StartServiceName
		if h.runs(in.Name) == on {
			return changed(false), nil
		}
		if on && !h.hasService(in.Name) {
			return nil, refused(activities.ErrPackageMissing, "%s: no /etc/init.d/%s", host, in.Name)
		}
		verb := "stop"
		if on {
			verb = "start"
		}
		do("/etc/init.d/"+in.Name, verb)
		h.setRunning(in.Name, on)
		if in.Name == "clvmd" {
			// clvmd activates the clustered volumes when it starts, and
			// its stop deactivates them.
			h.LVActive = on && w.LV
		}
		return changed(true), nil
	case activities.LVMLockingInput:
		f := h.file(activities.LVMConfPath)
		if !f.Exists || !f.Known {
			return nil, refused(activities.ErrBadConfig, "%s: %s has no locking_type line: is lvm2 installed?", host, activities.LVMConfPath)
		}
		want := activities.ClusterLocking(f.Content)
		if want == f.Content {
			return changed(false), nil
		}
		h.write(activities.LVMConfPath, want)
		return changed(true), nil
	case activities.SignatureInput:
		var res activities.SignatureResult
		for _, d := range in.Devices {
			res.Signatures = append(res.Signatures, w.signature(d))
		}
		return res, nil
	case activities.PVInput:
		sig := w.signature(in.Device)
		if activities.IsPV(sig) {
			return changed(false), nil
		}
		if sig != "" && !in.Wipe {
			return nil, refused(activities.ErrNotSpare, "%s: %s carries %s; pvcreate would destroy it and needs an approval", host, in.Device, sig)
		}
		if sig != "" {
			do("pvcreate", "-ff", "-y", in.Device)
		} else {
			do("pvcreate", in.Device)
		}
		w.sign(in.Device, `TYPE="LVM2_member"`)
		return changed(true), nil
	case activities.VolumeInput:
		return w.volume(h, step, activity, in)
	case activities.FilesystemInput:
		return w.filesystem(h, step, activity, in)
	case activities.FileCheckInput:
		if !h.mounted(in.Mountpoint) {
			return nil, refused(activities.ErrNotReady, "%s: %s is not mounted", host, in.Mountpoint)
		}
		if activity == activities.TouchFileName && !slices.Contains(w.Listed, in.Name) {
			do("touch", in.Mountpoint+"/"+in.Name)
			w.Listed = append(w.Listed, in.Name)
		}
		return activities.FileCheckResult{Host: host, Files: slices.Clone(w.Listed)}, nil
	}
	return nil, refused(activities.ErrBadInput, "a plan cannot tell what %s does", activity)
}

// refused is a step that the agent would refuse, or that would wait for
// something no earlier step brings about: the plan stops there, as the
// run would.
func refused(kind, format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), kind, nil)
}

func (h *Host) installedOf(pkgs []string) []string {
	var out []string
	for _, p := range pkgs {
		if h.has(p) {
			out = append(out, p)
		}
	}
	return out
}

// install is what a package brings: its init scripts and config files.
func (h *Host) install(pkg string) {
	h.Installed = append(h.Installed, pkg)
	switch pkg {
	case "cman":
		h.Services = append(h.Services, "cman")
	case "lvm2-cluster":
		h.Services = append(h.Services, "clvmd")
	case "device-mapper-multipath":
		h.Services = append(h.Services, "multipathd")
		if f := h.file(activities.MultipathConfPath); !f.Exists {
			*f = File{Path: activities.MultipathConfPath, Exists: true, How: "yum install " + pkg}
		}
	}
}

func (h *Host) fileState(path string) activities.FileState {
	f := h.file(path)
	return activities.FileState{Path: path, Exists: f.Exists, Content: f.Content}
}

func (w *World) storageProbe(h *Host, in activities.StorageProbeInput) activities.StorageProbeResult {
	r := activities.StorageProbeResult{Host: h.FQDN, Installed: h.installedOf(in.Packages), Modules: slices.Clone(h.Modules),
		DRBDConf: h.fileState(activities.DRBDConfPath), GNBDServing: h.Serving, Exports: slices.Clone(h.Exports),
		MultipathConf: h.fileState(activities.MultipathConfPath), MultipathdRunning: h.runs("multipathd"),
		LVMConf: h.fileState(activities.LVMConfPath), ClvmdRunning: h.runs("clvmd"), Mounts: slices.Clone(h.Mounts)}
	if h.loaded("gnbd") {
		r.Imports = slices.Clone(h.Imports)
	}
	for _, res := range in.Resources {
		s := h.drbd()
		s.Minor = res.Minor()
		r.DRBD = append(r.DRBD, s)
	}
	if in.NoFiles {
		r.DRBDConf.Content, r.MultipathConf.Content, r.LVMConf.Content = "", "", ""
	}
	return r
}

// joinCluster is cman starting on h: it joins the cluster its
// cluster.conf names and takes a newer config from a running member.
func (w *World) joinCluster(h *Host) {
	for _, m := range w.Hosts {
		if m != h && m.Cman && m.Cluster == h.Conf.Name && m.Conf != nil && m.Conf.Version > h.Conf.Version {
			conf := *m.Conf
			h.Conf = &conf
			*h.file(activities.ClusterConfPath) = *m.file(activities.ClusterConfPath)
		}
	}
	h.Cman, h.Cluster, h.Version = true, h.Conf.Name, h.Conf.Version
}

// push is `ccs_tool update`: the running cluster takes h's config, and
// every running member's copy of the file becomes h's.
func (w *World) push(h *Host) {
	for _, m := range w.Hosts {
		if m.Cman && m.Cluster == h.Cluster {
			m.Version = h.Conf.Version
			if m != h {
				conf := *h.Conf
				m.Conf = &conf
				*m.file(activities.ClusterConfPath) = *h.file(activities.ClusterConfPath)
			}
		}
	}
}

// setConf is a step writing cluster.conf from its parsed form.
func (h *Host) setConf(conf activities.ClusterConf) {
	h.Conf = &conf
	f := h.file(activities.ClusterConfPath)
	how := f.How
	if !f.Known {
		// The tool's skeleton is not known here: what the run puts in it
		// is.
		how = strings.TrimSpace(how + "; then config_version " + strconv.Itoa(conf.Version) + " listing " + nodeNames(conf))
	}
	*f = File{Path: activities.ClusterConfPath, Exists: true, Known: f.Known, How: how}
	if f.Known {
		f.Content = conf.Render() //workflowcheck:ignore Render writes to a strings.Builder, no I/O
	}
}

func nodeNames(c activities.ClusterConf) string {
	var ns []string
	for _, n := range c.Nodes {
		ns = append(ns, n.Name)
	}
	return strings.Join(ns, ", ")
}

func twoNode(c *activities.ClusterConf, want bool) {
	c.TwoNode = want && len(c.Nodes) == 2
	c.ExpectedVotes = 0
	if c.TwoNode {
		c.ExpectedVotes = 1
	}
}

func (w *World) node(h *Host, step, activity string, in activities.NodeInput) (any, error) {
	if h.Conf == nil || h.Conf.Name != in.Cluster {
		if activity == activities.WriteBootstrapName && h.Conf == nil {
			return nil, refused(activities.ErrNotReady, "%s has no %s yet", h.FQDN, activities.ClusterConfPath)
		}
		return nil, refused(activities.ErrClusterMismatch, "%s has no cluster.conf of %q", h.FQDN, in.Cluster)
	}
	conf := *h.Conf
	conf.Nodes = slices.Clone(conf.Nodes)
	_, listed := conf.Node(in.Node.Name)
	switch activity {
	case activities.WriteBootstrapName:
		if listed {
			return activities.ConfResult{Version: conf.Version}, nil
		}
		if len(conf.Nodes) > 0 {
			return nil, refused(activities.ErrClusterMismatch, "%s: cluster.conf of %q already lists other nodes", h.FQDN, in.Cluster)
		}
		conf.Version = max(conf.Version, 1)
		conf.Nodes = []activities.ConfNode{in.Node}
		twoNode(&conf, in.TwoNode)
		h.setConf(conf)
		return activities.ConfResult{Version: conf.Version, Changed: true}, nil
	case activities.AddNodeName, activities.RemoveNodeName:
		if !h.Cman || h.Cluster != in.Cluster {
			return nil, refused(activities.ErrNotReady, "%s: cman is not running cluster %q", h.FQDN, in.Cluster)
		}
		adding := activity == activities.AddNodeName
		if listed == adding {
			return activities.ConfResult{Version: conf.Version}, nil
		}
		if adding {
			conf.Nodes = append(conf.Nodes, in.Node)
		} else {
			conf.Nodes = slices.DeleteFunc(conf.Nodes, func(n activities.ConfNode) bool { return n.Name == in.Node.Name })
		}
		twoNode(&conf, in.TwoNode)
		conf.Version++
		h.setConf(conf)
		w.record(h.FQDN, step, "ccs_tool", "update", activities.ClusterConfPath)
		w.push(h)
		return activities.ConfResult{Version: conf.Version, Changed: true}, nil
	}
	return nil, refused(activities.ErrBadInput, "a plan cannot tell what %s does", activity)
}

func (w *World) membership(h *Host, in activities.MembershipInput) (any, error) {
	if !h.Cman || h.Cluster != in.Cluster {
		return nil, refused(activities.ErrNotReady, "%s: cman is not running cluster %q", h.FQDN, in.Cluster)
	}
	r := activities.MembershipResult{Status: activities.ClusterStatus{ConfigVersion: h.Version, ClusterName: h.Cluster, NodeName: h.FQDN}}
	votes := 0
	for _, n := range h.Conf.Nodes {
		st := activities.NodeStatus{NodeID: n.NodeID, Name: n.Name, Status: "X"}
		if m := w.Host(n.Name); m != nil && m.Cman && m.Cluster == h.Cluster {
			st.Status = "M"
			votes += n.Votes
			r.Status.Nodes++
		}
		r.Nodes = append(r.Nodes, st)
	}
	r.Status.TotalVotes = votes
	r.Status.Quorate = votes > 0
	for _, want := range in.Expect {
		if !slices.ContainsFunc(r.Nodes, func(n activities.NodeStatus) bool { return n.Name == want && n.Member() }) {
			return r, refused(activities.ErrNotReady, "cluster %q: %s would never become a member", in.Cluster, want)
		}
	}
	return r, nil
}

func (w *World) prepareDisk(h *Host, step string, in activities.DiskInput) (any, error) {
	if h.diskReady() {
		return activities.Change{}, nil
	}
	if h.DiskLabelled && h.Disk.Partitions > 0 {
		return nil, refused(activities.ErrNotSpare, "%s: %s already has partitions; the runbook needs a spare disk", h.FQDN, in.Device)
	}
	if !h.DiskLabelled && !in.Label {
		return nil, refused(activities.ErrUnlabelled, "%s: %s has no partition table; labelling it needs an approval", h.FQDN, in.Device)
	}
	if !h.DiskLabelled || !h.Disk.GPT {
		w.record(h.FQDN, step, "parted", "-s", in.Device, "mklabel", "gpt")
	}
	for _, argv := range activities.PartitionCommands(in.Device) {
		w.record(h.FQDN, step, argv...)
	}
	h.DiskLabelled = true
	h.Disk = activities.PartedTable{SizeMB: h.Disk.SizeMB, GPT: true, Partitions: 1, LVMOne: true}
	return activities.Change{Changed: true}, nil
}

func (w *World) drbd(h *Host, step, activity string, r activities.DRBDResource) (any, error) {
	s := h.drbd()
	var peer *Host
	for _, n := range r.Nodes {
		if n.Host != h.FQDN {
			peer = w.Host(n.Host)
		}
	}
	act := func(done bool, argv ...string) bool {
		if done {
			return false
		}
		w.record(h.FQDN, step, append([]string{"drbdadm"}, argv...)...)
		return true
	}
	up := s.Connection != "Unconfigured" && s.Disk != "Diskless"
	switch activity {
	case activities.CreateMetadataName:
		if up || h.Metadata {
			return activities.Change{}, nil
		}
		if !h.diskReady() {
			return nil, refused(activities.ErrNoDisk, "%s: the disk of %s is not prepared", h.FQDN, r.Name)
		}
		act(false, "create-md", r.Name)
		h.Metadata = true
		return activities.Change{Changed: true}, nil
	case activities.DRBDUpName:
		if !act(up, "up", r.Name) {
			return activities.Change{}, nil
		}
		if !h.Metadata {
			return nil, refused(activities.ErrNotReady, "%s: drbdadm up %s would leave it Diskless: no metadata", h.FQDN, r.Name)
		}
		n := activities.DRBDStatus{Minor: r.Minor(), Connection: "WFConnection", Role: "Secondary", PeerRole: "Unknown", Disk: "Inconsistent", PeerDisk: "DUnknown"}
		h.DRBD = &n
		if peer != nil && peer.DRBD != nil && peer.loaded("drbd") {
			n.Connection, n.PeerRole, n.PeerDisk = "Connected", peer.DRBD.Role, peer.DRBD.Disk
			peer.DRBD.Connection, peer.DRBD.PeerRole, peer.DRBD.PeerDisk = "Connected", n.Role, n.Disk
		}
		return activities.Change{Changed: true}, nil
	case activities.DRBDDownName:
		if !act(s.Connection == "Unconfigured", "down", r.Name) {
			return activities.Change{}, nil
		}
		h.DRBD = nil
		if peer != nil && peer.DRBD != nil {
			peer.DRBD.Connection, peer.DRBD.PeerRole, peer.DRBD.PeerDisk = "WFConnection", "Unknown", "DUnknown"
		}
		return activities.Change{Changed: true}, nil
	case activities.DRBDOverwritePeerName:
		if !act(s.Role == "Primary" || s.Syncing || s.InSync(), "--", "--overwrite-data-of-peer", "primary", r.Name) {
			return activities.Change{}, nil
		}
		h.DRBD.Role, h.DRBD.Disk, h.DRBD.PeerDisk = "Primary", "UpToDate", "UpToDate"
		if peer != nil && peer.DRBD != nil {
			peer.DRBD.Disk, peer.DRBD.PeerDisk, peer.DRBD.PeerRole = "UpToDate", "UpToDate", "Primary"
		}
		return activities.Change{Changed: true}, nil
	case activities.DRBDPrimaryName:
		if !act(s.Role == "Primary", "primary", r.Name) {
			return activities.Change{}, nil
		}
		h.DRBD.Role = "Primary"
		if peer != nil && peer.DRBD != nil {
			peer.DRBD.PeerRole = "Primary"
		}
		return activities.Change{Changed: true}, nil
	case activities.DRBDConnectName:
		if !act(s.Connection != "StandAlone", "connect", r.Name) {
			return activities.Change{}, nil
		}
		h.DRBD.Connection = "WFConnection"
		if peer != nil && peer.DRBD != nil && peer.DRBD.Connection != "StandAlone" {
			h.DRBD.Connection, peer.DRBD.Connection = "Connected", "Connected"
		}
		return activities.Change{Changed: true}, nil
	case activities.DRBDDiscardMyDataName:
		if s.Connection != "StandAlone" {
			return activities.Change{}, nil
		}
		if s.Role == "Primary" {
			act(false, "secondary", r.Name)
		}
		act(false, "--", "--discard-my-data", "connect", r.Name)
		h.DRBD.Role, h.DRBD.Connection = "Secondary", "WFConnection"
		if peer != nil && peer.DRBD != nil && peer.DRBD.Connection != "StandAlone" {
			h.DRBD.Connection, peer.DRBD.Connection = "Connected", "Connected"
		}
		return activities.Change{Changed: true}, nil
	}
	return nil, refused(activities.ErrBadInput, "a plan cannot tell what %s does", activity)
}

func (w *World) gnbdImport(h *Host, step string, in activities.ImportInput) (any, error) {
	have := func() bool {
		if !h.loaded("gnbd") {
			return false
		}
		for _, e := range in.Exports {
			if !slices.ContainsFunc(h.Imports, func(im activities.GNBDImport) bool { return im.Name == e && im.Server == in.Server && im.Connected() }) {
				return false
			}
		}
		return true
	}
	if have() {
		return activities.Change{}, nil
	}
	w.record(h.FQDN, step, "gnbd_import", "-i", in.Server)
	s := w.Host(in.Server)
	if s == nil || !s.Serving || !h.loaded("gnbd") {
		return nil, refused(activities.ErrNotReady, "%s: gnbd_import -i %s would find no server to import from", h.FQDN, in.Server)
	}
	for _, e := range s.Exports {
		if slices.ContainsFunc(h.Imports, func(im activities.GNBDImport) bool { return im.Name == e.Name }) {
			continue // a device that lost its server: it connects again below
		}
		h.Imports = append(h.Imports, activities.GNBDImport{Name: e.Name, Minor: h.nextMinor(), Server: in.Server, State: "Open Connected", Sectors: e.Sectors})
	}
	for _, e := range s.Exports {
		w.reconnect(in.Server, e.Name)
	}
	if !have() {
		return nil, refused(activities.ErrNotReady, "%s: %s does not export all of %v", h.FQDN, in.Server, in.Exports)
	}
	return activities.Change{Changed: true}, nil
}

func (h *Host) nextMinor() int {
	n := 0
	for _, im := range h.Imports {
		n = max(n, im.Minor+1)
	}
	return n
}

func (w *World) multipath(h *Host, step, activity string, in activities.MultipathInput) (any, error) {
	switch activity {
	case activities.ConfigureMultipathName:
		f := h.file(activities.MultipathConfPath)
		if !f.Exists {
			return nil, refused(activities.ErrBadConfig, "%s: no %s: is device-mapper-multipath installed?", h.FQDN, activities.MultipathConfPath)
		}
		same := f.Known && activities.EnableMultipath(f.Content) == f.Content
		if same && h.runs("multipathd") {
			return activities.MultipathResult{}, nil
		}
		switch {
		case f.Known && !same:
			h.write(activities.MultipathConfPath, activities.EnableMultipath(f.Content))
		case !f.Known:
			f.How += "; then multipathing enabled in it"
		}
		w.record(h.FQDN, step, "/etc/init.d/multipathd", "restart")
		h.setRunning("multipathd", true)
		h.buildMaps(in.Maps)
		return activities.MultipathResult{Changed: true}, nil
	case activities.MultipathMapsName:
		if h.runs("multipathd") {
			// A running multipathd makes a map of the paths it sees.
			h.buildMaps(in.Maps)
		}
		return activities.MultipathResult{Maps: slices.Clone(h.Maps)}, nil
	case activities.StopMultipathName:
		c := false
		if h.hasService("multipathd") && len(h.Maps) > 0 {
			w.record(h.FQDN, step, "multipath", "-F")
			h.Maps, c = nil, true
		}
		if h.runs("multipathd") {
			w.record(h.FQDN, step, "/etc/init.d/multipathd", "stop")
			h.setRunning("multipathd", false)
			c = true
		}
		return activities.Change{Changed: c}, nil
	case activities.ReinstatePathsName:
		failed := slices.ContainsFunc(h.Maps, func(m activities.MultipathMap) bool {
			return slices.ContainsFunc(m.Paths, func(p activities.MultipathPath) bool { return p.State != "active" })
		})
		if !failed {
			return activities.Change{}, nil
		}
		w.record(h.FQDN, step, "/etc/init.d/multipathd", "reload")
		for i := range h.Maps {
			for j := range h.Maps[i].Paths {
				h.Maps[i].Paths[j].State = "active"
			}
		}
		return activities.Change{Changed: true}, nil
	}
	return nil, refused(activities.ErrBadInput, "a plan cannot tell what %s does", activity)
}

// buildMaps is multipathd's start: one map per uid over its imports.
func (h *Host) buildMaps(specs []activities.MapSpec) {
	h.Maps = nil
	for i, spec := range specs {
		m := activities.MultipathMap{Name: "mpath" + strconv.Itoa(i), UID: strconv.Itoa(spec.UID)}
		for _, e := range spec.Exports {
			if j := slices.IndexFunc(h.Imports, func(im activities.GNBDImport) bool { return im.Name == e }); j >= 0 {
				m.Paths = append(m.Paths, activities.MultipathPath{Device: "gnbd" + strconv.Itoa(h.Imports[j].Minor), State: "active"})
			}
		}
		h.Maps = append(h.Maps, m)
	}
}

func (w *World) volume(h *Host, step, activity string, in activities.VolumeInput) (any, error) {
	lvPath := names.LVPath(in.VG, in.LV)
	switch activity {
	case activities.VGCreateName:
		if w.VG {
			return activities.Change{}, nil
		}
		w.record(h.FQDN, step, append([]string{"vgcreate", "--clustered", "y", in.VG}, in.PVs...)...)
		w.VG = true
		for _, pv := range in.PVs {
			w.pv(pv).Group = in.VG
		}
		return activities.Change{Changed: true}, nil
	case activities.LVCreateName:
		if w.LV {
			return activities.Change{}, nil
		}
		if !w.VG {
			return nil, refused(activities.ErrNotReady, "%s: no volume group %s for lvcreate", h.FQDN, in.VG)
		}
		w.record(h.FQDN, step, "lvcreate", "--extent="+strconv.Itoa(in.Extents), "--name="+in.LV, in.VG)
		w.LV, w.LVExtents = true, in.Extents
		// A clustered volume is active wherever clvmd runs.
		for _, m := range w.Hosts {
			m.LVActive = m.runs("clvmd")
		}
		return activities.Change{Changed: true}, nil
	case activities.LogicalVolumeName:
		if !w.LV {
			if in.Extents == 0 {
				return activities.LVStatus{Host: h.FQDN}, nil
			}
			return nil, refused(activities.ErrNotReady, "%s: %s would never appear", h.FQDN, lvPath)
		}
		if w.volumeAssumed {
			w.LVExtents = max(w.LVExtents, in.Extents)
		}
		s := activities.LVStatus{Host: h.FQDN, UUID: "(the UUID lvcreate gives " + lvPath + ")", Status: "NOT available", Extents: w.LVExtents}
		if h.LVActive {
			s.Status = "available"
		}
		if in.Extents > 0 && (s.Status != "available" || s.Extents < in.Extents) {
			return s, refused(activities.ErrNotReady, "%s: %s would not be available", h.FQDN, lvPath)
		}
		return s, nil
	case activities.ExtendVolumeName:
		c := false
		for _, pv := range in.PVs {
			r := w.pv(pv)
			if !activities.IsPV(r.Sig) {
				return nil, refused(activities.ErrNotReady, "%s: pvdisplay %s: not a physical volume", h.FQDN, pv)
			}
			if r.Group == in.VG {
				continue
			}
			w.record(h.FQDN, step, "vgextend", in.VG, pv)
			r.Group, c = in.VG, true
		}
		if !w.LV {
			return nil, refused(activities.ErrNotReady, "%s: no %s to extend", h.FQDN, lvPath)
		}
		if w.LVExtents < in.Extents {
			w.record(h.FQDN, step, "lvextend", "-l", strconv.Itoa(in.Extents), lvPath)
			w.LVExtents, c = in.Extents, true
		}
		return activities.Change{Changed: c}, nil
	case activities.ActivateVolumeName:
		if !w.LV {
			return nil, refused(activities.ErrNotReady, "%s: no %s to activate", h.FQDN, lvPath)
		}
		if h.LVActive {
			return activities.Change{}, nil
		}
		w.record(h.FQDN, step, "lvchange", "-ay", lvPath)
		h.LVActive = true
		return activities.Change{Changed: true}, nil
	case activities.RemoveVolumeName:
		c := false
		if w.LV && in.LV != "" {
			w.record(h.FQDN, step, "lvremove", "-f", lvPath)
			w.LV, c = false, true
			for _, m := range w.Hosts {
				m.LVActive = false
			}
		}
		if w.VG {
			w.record(h.FQDN, step, "vgremove", "-f", in.VG)
			w.VG, c = false, true
		}
		for _, pv := range in.PVs {
			if activities.IsPV(w.signature(pv)) {
				w.record(h.FQDN, step, "pvremove", "-f", pv)
				*w.pv(pv) = Signature{Device: pv}
				c = true
			}
		}
		return activities.Change{Changed: c}, nil
	}
	return nil, refused(activities.ErrBadInput, "a plan cannot tell what %s does", activity)
}

func (w *World) filesystem(h *Host, step, activity string, in activities.FilesystemInput) (any, error) {
	switch activity {
	case activities.MakeFilesystemName:
		if strings.Contains(w.signature(in.Device), `TYPE="gfs2"`) {
			return activities.Change{}, nil
		}
		w.record(h.FQDN, step, "mkfs.gfs2", "-p", "lock_dlm", "-t", in.LockTable, "-j", strconv.Itoa(in.Journals), in.Device)
		w.sign(in.Device, `LABEL="`+in.LockTable+`" TYPE="gfs2"`)
		w.Listed = nil
		return activities.Change{Changed: true}, nil
	case activities.MountFilesystemName:
		if h.mounted(in.Mountpoint) {
			return activities.Change{}, nil
		}
		if w.volumeAssumed && w.signature(in.Device) == "" {
			// Unreadable with the volume: taken to be the runbook's.
			w.sign(in.Device, `LABEL="`+in.LockTable+`" TYPE="gfs2"`)
		}
		if !strings.Contains(w.signature(in.Device), `TYPE="gfs2"`) || !h.LVActive {
			return nil, refused(activities.ErrNotReady, "%s: nothing to mount on %s", h.FQDN, in.Device)
		}
		w.record(h.FQDN, step, "mount", in.Device, in.Mountpoint)
		h.Mounts = append(h.Mounts, activities.Mount{Device: in.Device, Dir: in.Mountpoint, Type: "gfs2"})
		return activities.Change{Changed: true}, nil
	case activities.GrowFilesystemName:
		if !h.mounted(in.Mountpoint) {
			return nil, refused(activities.ErrNotReady, "%s: %s is not mounted: gfs2_grow needs it mounted", h.FQDN, in.Mountpoint)
		}
		// gfs2_grow runs every time: it says itself whether the device
		// had room to grow into.
		w.record(h.FQDN, step, "gfs2_grow", in.Mountpoint)
		return activities.Change{Changed: true}, nil
	case activities.UnmountFilesystemName:
		if !h.mounted(in.Mountpoint) {
			return activities.Change{}, nil
		}
		w.record(h.FQDN, step, "umount", in.Mountpoint)
		h.Mounts = slices.DeleteFunc(h.Mounts, func(m activities.Mount) bool { return m.Dir == in.Mountpoint })
		return activities.Change{Changed: true}, nil
	}
	return nil, refused(activities.ErrBadInput, "a plan cannot tell what %s does", activity)
}

// reconnect is an export back on its server: the clients' imports of it,
// which gnbd keeps trying, connect again, and multipathd's path checker
// makes their paths active.
func (w *World) reconnect(server, export string) {
	for _, c := range w.Hosts {
		for i, im := range c.Imports {
			if im.Server != server || im.Name != export || im.Connected() {
				continue
			}
			c.Imports[i].State = "Open Connected"
			dev := "gnbd" + strconv.Itoa(im.Minor)
			for m := range c.Maps {
				for p := range c.Maps[m].Paths {
					if c.Maps[m].Paths[p].Device == dev && c.runs("multipathd") {
						c.Maps[m].Paths[p].State = "active"
					}
				}
			}
		}
	}
}
