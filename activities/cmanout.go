package activities

import (
	"fmt"
	"strconv"
	"strings"
)

// NodeStatus is one line of `cman_tool nodes`.
type NodeStatus struct {
	NodeID int    `json:"nodeid"`
	Status string `json:"status"` // M member, X not a member, d disallowed
	Inc    int    `json:"inc"`
	Joined string `json:"joined,omitempty"`
	Name   string `json:"name"`
}

// Member reports whether cman counts the node in the membership.
func (n NodeStatus) Member() bool { return n.Status == "M" }

// ParseNodes reads `cman_tool nodes`:
//
//	Node  Sts   Inc   Joined               Name
//	   1   M     24   2008-10-25 04:29:59  storage0a.example.org
//	   2   X      0                        storage0b.example.org
//
// The Joined column holds a date and a time, or nothing for a node that never
// joined, so lines are split on fields and read from both ends.
func ParseNodes(out string) ([]NodeStatus, error) {
	var nodes []NodeStatus
	for i, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if i == 0 {
			if !strings.HasPrefix(strings.TrimSpace(line), "Node") || !strings.Contains(line, "Sts") {
				return nil, fmt.Errorf("cman_tool nodes: unexpected header %q", line)
			}
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 && len(f) != 6 {
			return nil, fmt.Errorf("cman_tool nodes: line %d: unexpected %q", i+1, line)
		}
		id, err1 := strconv.Atoi(f[0])
		inc, err2 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("cman_tool nodes: line %d: unexpected %q", i+1, line)
		}
		n := NodeStatus{NodeID: id, Status: f[1], Inc: inc, Name: f[len(f)-1]}
		if len(f) == 6 {
			n.Joined = f[3] + " " + f[4]
		}
		nodes = append(nodes, n)
	}
	if len(nodes) == 0 && strings.TrimSpace(out) == "" {
		return nil, fmt.Errorf("cman_tool nodes: no output")
	}
	return nodes, nil
}

// ClusterStatus is what the runbooks read from `cman_tool status`.
type ClusterStatus struct {
	ConfigVersion int    `json:"config_version"`
	ClusterName   string `json:"cluster_name"`
	Nodes         int    `json:"nodes"`
	ExpectedVotes int    `json:"expected_votes"`
	TotalVotes    int    `json:"total_votes"`
	Quorum        int    `json:"quorum"`
	Quorate       bool   `json:"quorate"`
	NodeName      string `json:"node_name"`
}

// ParseStatus reads the "Key: value" lines of `cman_tool status`. cman marks
// an inquorate cluster by appending "Activity blocked" to the Quorum line;
// the counts are checked too, so a format drift cannot make a blocked cluster
// look quorate.
func ParseStatus(out string) (ClusterStatus, error) {
	var s ClusterStatus
	seen := map[string]bool{}
	blocked := false
	for _, line := range strings.Split(out, "\n") {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		num := func() int {
			f := strings.Fields(val)
			if len(f) == 0 {
				return -1
			}
			n, err := strconv.Atoi(f[0])
			if err != nil {
				return -1
			}
			return n
		}
		seen[key] = true
		switch key {
		case "Config Version":
			s.ConfigVersion = num()
		case "Cluster Name":
			s.ClusterName = val
		case "Nodes":
			s.Nodes = num()
		case "Expected votes":
			s.ExpectedVotes = num()
		case "Total votes":
			s.TotalVotes = num()
		case "Quorum":
			s.Quorum = num()
			blocked = strings.Contains(val, "Activity blocked")
		case "Node name":
			s.NodeName = val
		}
	}
	for _, k := range []string{"Config Version", "Cluster Name", "Total votes", "Quorum"} {
		if !seen[k] {
			return ClusterStatus{}, fmt.Errorf("cman_tool status: no %q line", k)
		}
	}
	if s.ConfigVersion < 0 || s.TotalVotes < 0 || s.Quorum < 0 {
		return ClusterStatus{}, fmt.Errorf("cman_tool status: malformed numbers in %q", out)
	}
	s.Quorate = !blocked && s.TotalVotes >= s.Quorum
	return s, nil
}
