package plan

import (
	"slices"
	"strconv"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// World is every host of a runbook as a plan sees it: what the hosts' own
// tools said when the plan began (activities.PlanProbe), changed step by
// step as the run's steps would change it. It is plain data worked on by
// workflow code: no I/O, and no map whose order could leak into a plan.
type World struct {
	Hosts []*Host
	// The shared storage, seen alike from every client: the signatures
	// blkid finds on the devices the build signs, the clustered volume,
	// and the files on the GFS2 filesystem.
	Signatures []Signature
	VG, LV     bool
	LVExtents  int
	Listed     []string

	// inspected is each host as the probe read it, for a check at the
	// start of a plan (a repair's); stepped says a step has run since.
	inspected []activities.Inspection
	stepped   bool
	// volumeAssumed says no host could read the clustered volume when
	// the plan began, and the plan takes it to be there.
	volumeAssumed bool
	commands      []Command
	destructive   []Destructive
	approvals     []Approval
	// start is each host's files when the plan began, for the diffs.
	start map[string][]File
}

// Signature is what blkid says of a device, "" for nothing.
type Signature struct {
	Device string
	Sig    string
	// Group is the volume group of a physical volume.
	Group string
}

// File is a managed config file. Content is what it holds when Known;
// a file a package or a tool writes (multipath.conf from its package,
// cluster.conf from ccs_tool create) is not known to the plan, and How
// says what wrote it.
type File struct {
	Path    string
	Exists  bool
	Content string
	Known   bool
	How     string
}

// Host is one host's state, as far as the steps decide on it.
type Host struct {
	FQDN      string
	Installed []string
	Modules   []string
	// Services are the init scripts the host has; Running those of
	// them that run, cman apart.
	Services []string
	Running  []string
	Files    []File
	// Conf is cluster.conf parsed; Cman, Cluster and Version are the
	// running cman.
	Conf         *activities.ClusterConf
	Cman         bool
	Cluster      string
	Version      int
	Disk         activities.PartedTable
	DiskLabelled bool
	Metadata     bool
	DRBD         *activities.DRBDStatus
	Serving      bool
	Exports      []activities.GNBDExport
	Imports      []activities.GNBDImport
	Maps         []activities.MultipathMap
	LVActive     bool
	Mounts       []activities.Mount
}

// Command is one command the run would execute on a host, under the step
// that runs it.
type Command struct {
	Host string   `json:"-"`
	Step string   `json:"step"`
	Argv []string `json:"argv"`
}

// New makes the world from each host's probe and the devices each was
// asked about (the same order as its Signatures).
func New(probes []activities.PlanProbe, devices [][]string) *World {
	w := &World{start: map[string][]File{}}
	// seen: a host could read the clustered volume; blank: a DRBD disk
	// has no metadata, so no volume can be on the shared storage yet.
	seen, blank := false, false
	for i, p := range probes {
		h := &Host{
			FQDN:         p.Host,
			Installed:    slices.Clone(p.Installed),
			Modules:      slices.Clone(p.Modules),
			Services:     slices.Clone(p.Services),
			Conf:         p.Conf,
			Cman:         p.CmanRunning,
			Disk:         p.Disk,
			DiskLabelled: p.DiskLabelled,
			Metadata:     p.Metadata,
			Serving:      p.GNBDServing,
			Exports:      slices.Clone(p.Exports),
			Imports:      slices.Clone(p.Imports),
			Maps:         slices.Clone(p.Maps),
			Mounts:       slices.Clone(p.Mounts),
		}
		if p.Cman != nil {
			h.Cluster, h.Version = p.Cman.ClusterName, p.Cman.ConfigVersion
		}
		if len(p.DRBD) > 0 && p.DRBD[0].Connection != "Unconfigured" {
			s := p.DRBD[0]
			h.DRBD = &s
		}
		if p.MultipathdRunning {
			h.Running = append(h.Running, "multipathd")
		}
		if p.ClvmdRunning {
			h.Running = append(h.Running, "clvmd")
		}
		for _, f := range p.Inspection.Files {
			h.Files = append(h.Files, File{Path: f.Path, Exists: f.Exists, Content: f.Content, Known: true})
		}
		if p.VG != nil {
			w.VG = true
		}
		if p.LV != nil {
			w.LV = true
			w.LVExtents, _ = strconv.Atoi(p.LV["Current LE"])
		}
		h.LVActive = p.Mapped || p.LV["LV Status"] == "available"
		if i < len(devices) {
			for j, d := range devices[i] {
				if j < len(p.Signatures) && !slices.ContainsFunc(w.Signatures, func(s Signature) bool { return s.Device == d }) {
					sig := Signature{Device: d, Sig: p.Signatures[j]}
					if j < len(p.Groups) {
						sig.Group = p.Groups[j]
					}
					w.Signatures = append(w.Signatures, sig)
				}
			}
		}
		if p.Listed != nil {
			w.Listed = slices.Clone(p.Listed)
		}
		w.Hosts = append(w.Hosts, h)
		w.inspected = append(w.inspected, p.Inspection)
		if len(p.Present) > 0 && !slices.Contains(p.Present, false) {
			seen = true // this host could have read the volume: it is as read
		}
		if p.VG != nil {
			seen = true
		}
		if p.Pair && !p.Metadata {
			blank = true
		}
		w.start[h.FQDN] = slices.Clone(h.Files)
	}
	if !seen && !blank && len(w.Hosts) > 0 {
		// The data path is down (a stopped stack): no host can read the
		// volume group, which the DRBD disks may well hold.
		w.VG, w.LV, w.volumeAssumed = true, true, true
	}
	return w
}

// Host is the host of that FQDN, nil if the runbook has none.
func (w *World) Host(fqdn string) *Host {
	for _, h := range w.Hosts {
		if h.FQDN == fqdn {
			return h
		}
	}
	return nil
}

func (w *World) record(host, step string, argv ...string) {
	w.commands = append(w.commands, Command{Host: host, Step: step, Argv: argv})
}

func (w *World) signature(dev string) string {
	for _, s := range w.Signatures {
		if s.Device == dev {
			return s.Sig
		}
	}
	return ""
}

func (w *World) sign(dev, sig string) {
	w.pv(dev).Sig = sig
}

// pv is the record of a device, made if the plan has none.
func (w *World) pv(dev string) *Signature {
	for i := range w.Signatures {
		if w.Signatures[i].Device == dev {
			return &w.Signatures[i]
		}
	}
	w.Signatures = append(w.Signatures, Signature{Device: dev})
	return &w.Signatures[len(w.Signatures)-1]
}

func (h *Host) has(pkg string) bool      { return slices.Contains(h.Installed, pkg) }
func (h *Host) loaded(mod string) bool   { return slices.Contains(h.Modules, mod) }
func (h *Host) hasService(s string) bool { return slices.Contains(h.Services, s) }
func (h *Host) runs(service string) bool { return slices.Contains(h.Running, service) }
func (h *Host) mounted(dir string) bool {
	return slices.ContainsFunc(h.Mounts, func(m activities.Mount) bool { return m.Dir == dir })
}

func (h *Host) setRunning(service string, on bool) {
	h.Running = slices.DeleteFunc(h.Running, func(s string) bool { return s == service })
	if on {
		h.Running = append(h.Running, service)
	}
}

// file is the managed file at path, which the host has a record of.
func (h *Host) file(path string) *File {
	for i := range h.Files {
		if h.Files[i].Path == path {
			return &h.Files[i]
		}
	}
	h.Files = append(h.Files, File{Path: path, Known: true})
	return &h.Files[len(h.Files)-1]
}

// write is a step writing a managed file with known content.
func (h *Host) write(path, content string) {
	*h.file(path) = File{Path: path, Exists: true, Content: content, Known: true}
}

// diskReady is the disk as PrepareDisk leaves it: gpt, one lvm partition.
func (h *Host) diskReady() bool {
	return h.DiskLabelled && h.Disk.GPT && h.Disk.LVMOne && h.Disk.Partitions == 1
}

// drbd is the resource's state as /proc/drbd shows it.
func (h *Host) drbd() activities.DRBDStatus {
	if h.DRBD == nil || !h.loaded("drbd") {
		return activities.DRBDStatus{Connection: "Unconfigured"}
	}
	return *h.DRBD
}

// Inspected is a host as a check reads it: as its probe read it, which is
// right only while no step has run.
func (w *World) Inspected(fqdn string) (activities.Inspection, bool) {
	if w.stepped {
		return activities.Inspection{}, false
	}
	for i, h := range w.Hosts {
		if h.FQDN == fqdn {
			return w.inspected[i], true
		}
	}
	return activities.Inspection{}, false
}
