package workflows

import (
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// member is one node of a cluster resolved against the runbook's hosts.
type member struct {
	host string // FQDN, which names the host's task queue and cman's node
	node activities.ConfNode
}

// resolveCluster finds a cluster and its nodes in a loaded runbook. A name
// the runbook does not have is a bad start request: non-retryable, and
// reported before any host is touched.
func resolveCluster(rb *runbooks.Runbook, name string) (runbooks.Cluster, []member, error) {
	c, ok := rb.Cluster(name)
	if !ok {
		var names []string
		for _, c := range rb.Clusters {
			names = append(names, c.Name)
		}
		return c, nil, badRequest("runbook %q has no cluster %q (it has %v)", rb.Name, name, names)
	}
	members := make([]member, 0, len(c.Nodes))
	for _, n := range c.Nodes {
		fqdn := rb.FQDN(n.Host)
		members = append(members, member{host: fqdn, node: activities.ConfNode{Name: fqdn, NodeID: n.NodeID, Votes: n.Votes}})
	}
	return c, members, nil
}

func find(members []member, host string) (member, bool) {
	for _, m := range members {
		if m.host == host || m.host == host+"." || shortName(m.host) == host {
			return m, true
		}
	}
	return member{}, false
}

func shortName(fqdn string) string {
	for i := range len(fqdn) {
		if fqdn[i] == '.' {
			return fqdn[:i]
		}
	}
	return fqdn
}

func badRequest(format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), activities.ErrBadInput, nil)
}
