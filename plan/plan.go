// Package plan works out what a run would do before it does it: each
// host's state as its agent read it (activities.PlanProbe), changed step
// by step as the run's own steps would change it (World.Run), gives the
// commands each host would run, in order, and the config files it would
// change. It is pure: the workflows run it in workflow code.
package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// Plan is what a run would do, and what it was worked out from.
type Plan struct {
	// Workflow and Input are the run this is the plan of: what
	// `starter run --apply-plan` starts.
	Workflow string     `json:"workflow"`
	Input    string     `json:"input"`
	Runbook  string     `json:"runbook"`
	Hosts    []HostPlan `json:"hosts"`
	// Destructive are the steps that destroy data, and what.
	Destructive []Destructive `json:"destructive,omitempty"`
	// Approvals are the approvals the run would wait for; Auto ones the
	// runbook lets through.
	Approvals []Approval `json:"approvals,omitempty"`
	// Assumes are what the plan could not read and took to be so.
	Assumes []string `json:"assumes,omitempty"`
	// Empty says the run would change nothing.
	Empty bool `json:"empty"`
}

// HostPlan is one host's part.
type HostPlan struct {
	Host string `json:"host"`
	// State is a digest of the host as the plan read it: a run held to
	// the plan stops if the host no longer reads the same.
	State    string       `json:"state"`
	Commands []Command    `json:"commands,omitempty"`
	Files    []FileChange `json:"files,omitempty"`
}

// FileChange is a config file the run would change: a unified diff
// against the file on the host now, or, for a file a tool or package
// writes, what writes it.
type FileChange struct {
	Path string `json:"path"`
	Diff string `json:"diff,omitempty"`
	How  string `json:"how,omitempty"`
}

// Destructive is a step that destroys data, as its result would say.
type Destructive struct {
	Host     string `json:"host"`
	Step     string `json:"step"`
	Destroys string `json:"destroys"`
}

// Approval is an approval the run would wait for.
type Approval struct {
	Step string `json:"step"`
	Auto bool   `json:"auto,omitempty"`
}

// Destroys notes a destructive step that would run.
func (w *World) Destroys(host, step, what string) {
	w.destructive = append(w.destructive, Destructive{Host: host, Step: step, Destroys: what})
}

// Waits notes an approval the run would wait for.
func (w *World) Waits(step string, auto bool) {
	w.approvals = append(w.approvals, Approval{Step: step, Auto: auto})
}

// Plan is what the steps run on the world so far would do, per host in
// the runbook's order; states are the hosts' digests when the plan began.
func (w *World) Plan(states []string) Plan {
	p := Plan{Empty: true, Destructive: w.destructive, Approvals: w.approvals}
	if w.volumeAssumed {
		p.Assumes = append(p.Assumes, "the clustered volume, and the GFS2 filesystem on it, are on the shared storage: no host could read them (the data path is down), and every DRBD disk has metadata")
	}
	for i, h := range w.Hosts {
		hp := HostPlan{Host: h.FQDN}
		if i < len(states) {
			hp.State = states[i]
		}
		for _, c := range w.commands {
			if c.Host == h.FQDN {
				hp.Commands = append(hp.Commands, c)
			}
		}
		start := w.start[h.FQDN]
		for _, f := range h.Files {
			before := File{Path: f.Path, Known: true}
			if j := slices.IndexFunc(start, func(s File) bool { return s.Path == f.Path }); j >= 0 {
				before = start[j]
			}
			if fc, ok := change(before, f); ok {
				hp.Files = append(hp.Files, fc)
			}
		}
		if len(hp.Commands) > 0 || len(hp.Files) > 0 {
			p.Empty = false
		}
		p.Hosts = append(p.Hosts, hp)
	}
	return p
}

func change(before, after File) (FileChange, bool) {
	if before.Exists == after.Exists && before.Content == after.Content && after.Known {
		return FileChange{}, false
	}
	if !after.Known {
		return FileChange{Path: after.Path, How: after.How}, true
	}
	old := "/dev/null"
	if before.Exists {
		old = "a" + after.Path
	}
	return FileChange{Path: after.Path, Diff: Diff(old, "b"+after.Path, before.Content, after.Content)}, true
}

// State is the digest of a host as its probe read it: the facts the
// steps decide on, not the evidence (which holds times and counters).
func State(p activities.PlanProbe) string {
	var b strings.Builder
	add := func(k string, v ...string) {
		b.WriteString(k)
		for _, s := range v {
			b.WriteString("\x1f" + s)
		}
		b.WriteString("\x1e")
	}
	add("installed", p.Installed...)
	add("modules", p.Modules...)
	add("services", p.Services...)
	for _, f := range p.Inspection.Files {
		add("file", f.Path, strconv.FormatBool(f.Exists), f.Content)
	}
	add("cman", strconv.FormatBool(p.CmanRunning))
	if p.Cman != nil {
		add("cluster", p.Cman.ClusterName, strconv.Itoa(p.Cman.ConfigVersion))
	}
	for _, n := range p.Nodes {
		add("node", n.Name, n.Status)
	}
	for _, s := range p.DRBD {
		add("drbd", s.Connection, s.Role, s.PeerRole, s.Disk, s.PeerDisk)
	}
	add("disk", strconv.FormatBool(p.DiskLabelled), strconv.FormatBool(p.Disk.GPT), strconv.Itoa(p.Disk.Partitions), strconv.FormatBool(p.Disk.LVMOne))
	add("metadata", strconv.FormatBool(p.Metadata))
	add("gnbd", strconv.FormatBool(p.GNBDServing))
	for _, e := range p.Exports {
		add("export", e.Name, e.File, e.UID)
	}
	for _, im := range p.Imports {
		add("import", im.Name, im.Server, strconv.FormatBool(im.Connected()))
	}
	add("multipathd", strconv.FormatBool(p.MultipathdRunning))
	for _, m := range p.Maps {
		add("map", m.Name, m.UID)
		for _, path := range m.Paths {
			add("path", path.Device, path.State)
		}
	}
	add("clvmd", strconv.FormatBool(p.ClvmdRunning), strconv.FormatBool(p.Mapped))
	add("vg", strconv.FormatBool(p.VG != nil))
	if p.LV != nil {
		add("lv", p.LV["LV Status"], p.LV["Current LE"])
	}
	add("signatures", p.Signatures...)
	for _, ok := range p.Present {
		add("present", strconv.FormatBool(ok))
	}
	add("groups", p.Groups...)
	for _, m := range p.Mounts {
		add("mount", m.Device, m.Dir)
	}
	add("listed", p.Listed...)
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}
