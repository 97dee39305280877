package workflows

import (
	"fmt"
	"slices"

	"go.temporal.io/sdk/workflow"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// planChange reads what the host (and the member it joins through) hold
// now, and returns the change the procedure is about to make.
func planChange(ctx workflow.Context, p *proc, cluster runbooks.Cluster, m member, via string) (NodeChange, error) {
	c := NodeChange{Cluster: cluster.Name, TwoNode: cluster.TwoNode, Host: m.host, Node: m.node, Via: via}
	var probe activities.ProbeResult
	if err := p.run(ctx, probeCman(m.host, cmanPackages), &probe); err != nil {
		return c, fmt.Errorf("probe %s: %w", m.host, err)
	}
	for _, pkg := range cmanPackages {
		if !slices.Contains(probe.Installed, pkg) {
			c.Packages = append(c.Packages, pkg)
		}
	}
	c.PriorConf = probe.ClusterConf
	c.StartedCman = !probe.CmanRunning
	if via == "" {
		return c, nil
	}
	var viaProbe activities.ProbeResult
	if err := p.run(ctx, probeCman(via, nil), &viaProbe); err != nil {
		return c, fmt.Errorf("probe %s: %w", via, err)
	}
	c.AddedToConf = viaProbe.Conf == nil || !slices.ContainsFunc(viaProbe.Conf.Nodes, func(n activities.ConfNode) bool { return n.Name == m.host })
	return c, nil
}

// bringIn makes a node a running member: (on via, for a join: list it in
// the running cluster's config), install cman, then the node's own steps,
// and wait until every expected node is a member. The change record is on
// p's undo log before anything changes.
func bringIn(ctx workflow.Context, p *proc, c *NodeChange, viaStep *Step, own []Step, wait Step) (activities.MembershipResult, error) {
	var m activities.MembershipResult
	p.undo.pushNode(c)
	if viaStep != nil {
		if err := p.run(ctx, *viaStep, nil); err != nil {
			return m, err
		}
	}
	var res activities.PackagesResult
	err := p.run(ctx, installCman(c.Host), &res)
	c.noteInstalled(res)
	if err != nil {
		return m, err
	}
	if err := p.runAll(ctx, own...); err != nil {
		return m, err
	}
	err = p.run(ctx, wait, &m)
	return m, err
}
