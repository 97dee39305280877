package findings

import (
	"fmt"
	"slices"

	"github.com/tetsuzuki/tetsuzuki/activities"
)

// clusterFindings are a member's cman: its cluster.conf, whether cman runs
// and what it says of membership and quorum.
func clusterFindings(e Expect, ins *activities.Inspection) []Finding {
	c := e.Cluster
	if c == nil {
		return nil
	}
	host := e.Host
	f := func(code Code, sev Severity, summary string, ev []activities.Evidence, r Repair) Finding {
		return Finding{Code: code, Host: host, Layer: LayerCluster, Severity: sev, Summary: summary, Evidence: ev, Repair: r}
	}
	rejoin := Repair{Kind: Manual, Action: "join the node to cluster " + c.Name + " again: starter run --procedure node-join --cluster " + c.Name + " --node " + host}
	var fs []Finding
	file := ins.File(activities.ClusterConfPath)
	switch {
	case !file.Exists:
		fs = append(fs, f(ClusterConfGone, Critical, activities.ClusterConfPath+" is missing", fileEvidence(file), rejoin))
	case ins.Conf == nil:
		fs = append(fs, f(ClusterConfGone, Critical, activities.ClusterConfPath+" does not parse: "+ins.ConfError, fileEvidence(file), rejoin))
	default:
		conf := *ins.Conf
		if conf.Name != c.Name {
			fs = append(fs, f(NotMember, Critical, fmt.Sprintf("cluster.conf is of cluster %q, not %s", conf.Name, c.Name), fileEvidence(file, "<cluster "), rejoin))
		}
		for _, m := range c.Members {
			if !slices.ContainsFunc(conf.Nodes, func(n activities.ConfNode) bool { return n.Name == m }) {
				fs = append(fs, f(NodeMissing, Warning, "cluster.conf does not list node "+m, fileEvidence(file, "<clusternode "),
					Repair{Kind: Manual, Action: "join " + m + " again: starter run --procedure node-join --cluster " + c.Name + " --node " + m}))
			}
		}
		if conf.TwoNode != c.TwoNode {
			want := "without two_node"
			if c.TwoNode {
				want = `with <cman two_node="1" expected_votes="1"/>`
			}
			fs = append(fs, f(TwoNodeWrong, Warning, fmt.Sprintf("cluster.conf's two_node is %v; a cluster of %d nodes runs %s", conf.TwoNode, len(c.Members), want),
				fileEvidence(file, "<cman "), Repair{Kind: Manual, Action: "rewrite cluster.conf's cman line as the runbook says, with a higher config_version, and ccs_tool update"}))
		}
		if !ins.Fencing {
			fs = append(fs, f(NoFencing, Warning, "cluster.conf configures no fence device: a failed node cannot be fenced, and GFS2 blocks until it is",
				fileEvidence(file, "fence"), Repair{Kind: Manual, Action: "configure a fence device for every node (cluster.conf <fencedevices>)"}))
		}
	}

	if !ins.CmanRunning {
		fs = append(fs, f(CmanNotRunning, Critical, "cman is not running", shown(ins.CmanService), Repair{Kind: Safe, Action: "/etc/init.d/cman start"}))
		return fs
	}
	if s := ins.Cman; s != nil {
		if s.ClusterName != c.Name {
			fs = append(fs, f(NotMember, Critical, fmt.Sprintf("cman runs in cluster %q, not %s", s.ClusterName, c.Name), shown(ins.CmanStatus, "Cluster Name"), rejoin))
		}
		if !s.Quorate {
			fs = append(fs, f(NotQuorate, Critical, fmt.Sprintf("the cluster is not quorate: %d of %d expected votes, quorum %d", s.TotalVotes, s.ExpectedVotes, s.Quorum),
				shown(ins.CmanStatus, "votes", "Quorum"), Repair{Kind: Manual, Action: "bring the missing members back, or lower the expected votes (cman_tool expected -e N) knowing what that risks"}))
		}
	}
	if i := slices.IndexFunc(ins.Nodes, func(n activities.NodeStatus) bool { return n.Name == host }); ins.Cman != nil && (i < 0 || !ins.Nodes[i].Member()) {
		fs = append(fs, f(NotMember, Critical, "cman_tool nodes does not show "+host+" as a member", shown(ins.CmanNodes, host), rejoin))
	}
	return fs
}

// skewFindings are the members of a cluster whose cluster.conf is older
// than another member's: cman ignores a file whose version is not higher.
func skewFindings(hosts []Host) []Finding {
	// Looked up only, never ranged over: findings come out in the hosts'
	// order, whatever the map's.
	versions := map[string]map[string]int{} // cluster, host
	for _, h := range hosts {
		c := h.Expect.Cluster
		if c == nil || h.Inspection == nil {
			continue
		}
		conf := h.Inspection.Conf
		if conf == nil || conf.Name != c.Name {
			continue
		}
		if versions[c.Name] == nil {
			versions[c.Name] = map[string]int{}
		}
		versions[c.Name][h.Expect.Host] = conf.Version
	}
	var fs []Finding
	for _, h := range hosts {
		c := h.Expect.Cluster
		if c == nil {
			continue
		}
		v, ok := versions[c.Name][h.Expect.Host]
		if !ok {
			continue
		}
		newest, from := v, ""
		for _, m := range c.Members {
			if mv, ok := versions[c.Name][m]; ok && mv > newest {
				newest, from = mv, m
			}
		}
		if from == "" {
			continue
		}
		fs = append(fs, Finding{Code: ConfigSkew, Host: h.Expect.Host, Layer: LayerCluster, Severity: Warning,
			Summary:  fmt.Sprintf("cluster.conf is at config_version %d, %s's at %d", v, from, newest),
			Evidence: fileEvidence(h.Inspection.File(activities.ClusterConfPath), "config_version"),
			Repair:   Repair{Kind: Safe, Action: "push the newest cluster.conf from " + from + " (ccs_tool update " + activities.ClusterConfPath + ")", On: from}})
	}
	return fs
}
