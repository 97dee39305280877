package findings

import (
	"cmp"
	"slices"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// A check of a thousand hosts cannot hold every host's inspection in one
// history, so it reads the hosts in parts (workflows' CheckHosts) and
// Analyze splits the same way: Of is what some hosts show on their own,
// with the few facts about them that the rest needs, and Across is what
// only all the parts' facts together show. Of the findings, two compare
// hosts: a DRBD side with its peer, and a cluster member's cluster.conf
// with the other members' (skewFindings). Both stay in Of, so a part must
// hold every host's peer and every member of its hosts' clusters; what
// is left, a file system's journals against every client that mounts it
// (journalFindings), is Across.

// Of is the findings that the hosts show on their own, but the codes in
// ignore, ordered as Analyze orders them, and the facts Across needs of
// them. Analyze of hosts is Of of parts of them, all of Across of the
// parts' facts, sorted with Sort: so long as each part holds every host's
// DRBD peer and every member of its hosts' clusters, among the hosts.
func Of(hosts []Host, ignore []Code) ([]Finding, Facts) {
	var fs []Finding
	byHost := map[string]*activities.Inspection{}
	for _, h := range hosts {
		if h.Inspection != nil {
			byHost[h.Expect.Host] = h.Inspection
		}
	}
	for _, h := range hosts {
		fs = append(fs, hostFindings(h)...)
		ins := h.Inspection
		if ins == nil {
			continue
		}
		e := h.Expect
		fs = append(fs, clusterFindings(e, ins)...)
		fs = append(fs, drbdFindings(e, ins, byHost[peerOf(e)])...)
		fs = append(fs, gnbdFindings(e, ins)...)
		fs = append(fs, multipathFindings(e, ins)...)
		fs = append(fs, clvmFindings(e, ins)...)
		fs = append(fs, gfs2Findings(e, ins)...)
	}
	fs = append(fs, skewFindings(hosts)...)
	fs = slices.DeleteFunc(fs, func(f Finding) bool { return slices.Contains(ignore, f.Code) })
	sortFindings(fs)
	return fs, Facts{FileSystems: fileSystems(hosts)}
}

// Across is the findings that only every part's facts together show, but
// the codes in ignore, ordered as Analyze orders them.
func Across(parts []Facts, ignore []Code) []Finding {
	var all []FileSystem // by device, in the order first seen
	for _, p := range parts {
		for _, f := range p.FileSystems {
			i := slices.IndexFunc(all, func(a FileSystem) bool { return a.Device == f.Device })
			if i < 0 {
				all = append(all, f)
				continue
			}
			all[i].Clients += f.Clients
			if l := f.Listed; l != nil && (all[i].Listed == nil || l.Host < all[i].Listed.Host) {
				all[i].Listed = l
			}
		}
	}
	fs := journalFindings(all)
	fs = slices.DeleteFunc(fs, func(f Finding) bool { return slices.Contains(ignore, f.Code) })
	sortFindings(fs)
	return fs
}

// Sort orders findings as Analyze does: by layer, host and code.
func Sort(fs []Finding) { sortFindings(fs) }

// Facts are what Across needs of some hosts: a few lines, whatever their
// number.
type Facts struct {
	// FileSystems are the GFS2 file systems the hosts mount, by device.
	FileSystems []FileSystem `json:"file_systems,omitempty"`
}

// FileSystem is a GFS2 file system as some hosts see it.
type FileSystem struct {
	Device string `json:"device"`
	// Clients is how many of the hosts the runbook has mount it.
	Clients int `json:"clients"`
	// Listed is its journals as the first of the hosts by name that has
	// it mounted lists them; nil when none does.
	Listed *Listed `json:"listed,omitempty"`
}

// Listed is a file system's journals, as gfs2_tool journals lists them
// on a host that has it mounted.
type Listed struct {
	Host       string               `json:"host"`
	Mountpoint string               `json:"mountpoint"`
	Journals   int                  `json:"journals"`
	Output     *activities.Evidence `json:"output,omitempty"`
}

// fileSystems are the hosts' facts about their file systems.
func fileSystems(hosts []Host) []FileSystem {
	var out []FileSystem
	for _, h := range hosts {
		g := h.Expect.GFS2
		if g == nil {
			continue
		}
		i := slices.IndexFunc(out, func(f FileSystem) bool { return f.Device == g.Device })
		if i < 0 {
			out = append(out, FileSystem{Device: g.Device})
			i = len(out) - 1
		}
		out[i].Clients++
		ins := h.Inspection
		if ins == nil || !mounts(g, ins) {
			continue
		}
		j := slices.IndexFunc(ins.Journals, func(j activities.GFS2Journals) bool { return j.Mountpoint == g.Mountpoint && j.Listed })
		if j < 0 {
			continue
		}
		if l := out[i].Listed; l == nil || h.Expect.Host < l.Host {
			out[i].Listed = &Listed{Host: h.Expect.Host, Mountpoint: g.Mountpoint, Journals: len(ins.Journals[j].Journals), Output: ins.Journals[j].Output}
		}
	}
	return out
}

// Count is how many findings of one code and severity a check found.
type Count struct {
	Code     Code     `json:"code"`
	Severity Severity `json:"severity"`
	Count    int      `json:"count"`
}

// Counts are the findings counted by code and severity, the worst
// severity first, then by code.
func Counts(fs []Finding) []Count {
	var out []Count
	for _, f := range fs {
		out = AddCounts(out, Count{Code: f.Code, Severity: f.Severity, Count: 1})
	}
	return out
}

// AddCounts adds more counts to counts, ordered as Counts orders them.
func AddCounts(counts []Count, more ...Count) []Count {
	for _, m := range more {
		i := slices.IndexFunc(counts, func(c Count) bool { return c.Code == m.Code && c.Severity == m.Severity })
		if i < 0 {
			counts = append(counts, m)
			continue
		}
		counts[i].Count += m.Count
	}
	slices.SortStableFunc(counts, func(a, b Count) int {
		return cmp.Or(cmp.Compare(rank(b.Severity), rank(a.Severity)), strings.Compare(string(a.Code), string(b.Code)))
	})
	return counts
}

// WorstCounted is the worst severity among counts, "" when there are none.
func WorstCounted(counts []Count) Severity {
	var w Severity
	for _, c := range counts {
		if c.Count > 0 && rank(c.Severity) > rank(w) {
			w = c.Severity
		}
	}
	return w
}

// Worse reports whether a is a worse finding than b: a worse severity, or
// the same and first in Analyze's order. A bounded report keeps the worst.
func Worse(a, b Finding) bool {
	if ra, rb := rank(a.Severity), rank(b.Severity); ra != rb {
		return ra > rb
	}
	return compare(a, b) < 0
}
