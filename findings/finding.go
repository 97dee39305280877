package findings

import (
	"cmp"
	"slices"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// Finding is one thing wrong with one host, with what shows it and what
// would fix it.
type Finding struct {
	Code     Code     `json:"code"`
	Host     string   `json:"host"`
	Layer    Layer    `json:"layer"`
	Severity Severity `json:"severity"`
	// Summary says what is wrong, in a sentence.
	Summary string `json:"summary"`
	// Subject names what the finding is about where its host and code do
	// not: the missing package, for the repair that installs it.
	Subject string `json:"subject,omitempty"`
	// Evidence are the commands that show it, with the lines that do.
	Evidence []activities.Evidence `json:"evidence,omitempty"`
	Repair   Repair                `json:"repair"`
}

// RepairKind says what a repair costs.
type RepairKind string

// The kinds of repair.
const (
	// Safe repairs re-run the build's own steps for the part: they
	// destroy nothing (start a service, reconnect, re-export, remount).
	Safe RepairKind = "safe"
	// Destructive repairs destroy data (discard one side of a split
	// brain, resync with overwrite): they wait for a person's approval
	// that names the data at stake.
	Destructive RepairKind = "destructive"
	// Manual findings have no repair the runbook can run: a person must
	// look (an agent down, quorum lost).
	Manual RepairKind = "manual"
)

// Repair is what would fix a finding.
type Repair struct {
	Kind RepairKind `json:"kind"`
	// Action is what the repair does, in words and commands.
	Action string `json:"action"`
	// Destroys names the data a destructive repair destroys.
	Destroys string `json:"destroys,omitempty"`
	// On is the host the repair runs on, when not the finding's own (a
	// skew is put right from the member with the newest file).
	On string `json:"on,omitempty"`
}

// rank orders severities, least first.
func rank(s Severity) int { return slices.Index([]Severity{"", Info, Warning, Critical}, s) }

// Worst is the worst severity among findings, "" when there are none.
func Worst(fs []Finding) Severity {
	var w Severity
	for _, f := range fs {
		if rank(f.Severity) > rank(w) {
			w = f.Severity
		}
	}
	return w
}

// sortFindings orders findings by layer (bottom first: the order of
// repairs), then host, then code, so a report reads the same every time.
func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, compare)
}

// compare is sortFindings' order.
func compare(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(slices.Index(Layers, a.Layer), slices.Index(Layers, b.Layer)),
		strings.Compare(a.Host, b.Host),
		strings.Compare(string(a.Code), string(b.Code)),
		strings.Compare(a.Summary, b.Summary),
	)
}

// shown is ev with only the lines that contain one of keys, or all of them
// when no key is given or none matches: the lines that show the finding.
func shown(ev *activities.Evidence, keys ...string) []activities.Evidence {
	if ev == nil {
		return nil
	}
	out := *ev
	if len(keys) > 0 {
		var lines []string
		for _, l := range ev.Lines {
			if slices.ContainsFunc(keys, func(k string) bool { return strings.Contains(l, k) }) {
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			out.Lines = lines
		}
	}
	return []activities.Evidence{out}
}

// fileEvidence shows a config file as the agent read it.
func fileEvidence(f activities.FileState, keys ...string) []activities.Evidence {
	ev := activities.Evidence{Argv: []string{"cat", f.Path}, Exit: 0}
	if !f.Exists {
		ev.Exit = 1
		ev.Lines = []string{"cat: " + f.Path + ": No such file or directory"}
		return []activities.Evidence{ev}
	}
	ev.Lines = strings.Split(strings.TrimRight(f.Content, "\n"), "\n")
	return shown(&ev, keys...)
}
