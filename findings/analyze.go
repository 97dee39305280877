package findings

import (
	"slices"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// Host is one host as a check saw it: what it should hold, and what its
// agent read, or why there is nothing.
type Host struct {
	Expect Expect `json:"expect"`
	// Inspection is nil when the agent did not answer.
	Inspection *activities.Inspection `json:"inspection,omitempty"`
	// Unreachable: no agent took the task in time. Failure: the agent
	// took it but could not look, and says why.
	Unreachable bool   `json:"unreachable,omitempty"`
	Failure     string `json:"failure,omitempty"`
}

// Analyze is every finding of the hosts, but the codes in ignore, ordered
// by layer, host and code. It reads nothing but its arguments, so it runs
// in workflow code, and the same hosts always give the same findings.
//
// It is Of and Across on one part: a check of many hosts runs Of on parts
// of them apart and Across on their facts (split.go), and finds the same.
func Analyze(hosts []Host, ignore []Code) []Finding {
	fs, facts := Of(hosts, ignore)
	fs = append(fs, Across([]Facts{facts}, ignore)...)
	sortFindings(fs)
	return fs
}

func peerOf(e Expect) string {
	if e.DRBD == nil {
		return ""
	}
	return e.DRBD.Peer
}

// hostFindings are the host's own: its agent, its packages.
func hostFindings(h Host) []Finding {
	host := h.Expect.Host
	switch {
	case h.Unreachable:
		return []Finding{{Code: AgentUnreachable, Host: host, Layer: LayerHost, Severity: Critical,
			Summary: "no agent took the check's task on host-" + host + " in time",
			Repair:  Repair{Kind: Manual, Action: "start the host's agent (systemctl start tetsuzuki-agent), or find out why the host is down"}}}
	case h.Failure != "":
		return []Finding{{Code: InspectFailed, Host: host, Layer: LayerHost, Severity: Critical,
			Summary: "the agent could not look: " + h.Failure,
			Repair:  Repair{Kind: Manual, Action: "read the agent's log on the host"}}}
	case h.Inspection == nil:
		return nil
	}
	var fs []Finding
	for _, p := range h.Expect.Packages {
		if slices.Contains(h.Inspection.Installed, p) {
			continue
		}
		var ev []activities.Evidence
		for _, e := range h.Inspection.Packages {
			if slices.Contains(e.Argv, p) {
				ev = append(ev, e)
			}
		}
		fs = append(fs, Finding{Code: PackageMissing, Host: host, Layer: LayerHost, Severity: Critical,
			Summary: "package " + p + " is not installed", Subject: p, Evidence: ev,
			Repair: Repair{Kind: Safe, Action: "yum -y install " + p}})
	}
	return fs
}
