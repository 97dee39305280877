package lvm

import (
	"sort"

	"github.com/tetsuzuki/tetsuzuki/lab/cman"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// cmanStateFile is the file package cman keeps its shared state in: the
// cluster a host belongs to is read from it, as libcman would tell.
const cmanStateFile = "cman.json"

// Membership is a host's place in its running cman cluster.
type Membership struct {
	Cluster string // the cluster's name
	NodeID  int    // the host's node id in it
	Name    string // the host's cluster node name
	Inc     int    // the incarnation at which it joined
}

// ClusterOf returns the cman cluster a host runs in; ok is false when cman
// does not run there. It reads without the lab's lock.
func ClusterOf(lab, fqdn string) (m Membership, ok bool, err error) {
	s, err := state.Load[cman.State](lab, cmanStateFile)
	if err != nil {
		return Membership{}, false, err
	}
	c, mem := s.Running(fqdn)
	if c == nil {
		return Membership{}, false, nil
	}
	return Membership{Cluster: c.Name, NodeID: mem.NodeID, Name: mem.Name, Inc: mem.Inc}, true, nil
}

// clvmdUp tells whether clvmd serves a host: it was started there and the
// cman membership it joined still runs (clvmd without its cluster manager
// answers nobody).
func clvmdUp(lab string, s *State, fqdn string) (bool, error) {
	d, ok := s.Clvmd[fqdn]
	if !ok {
		return false, nil
	}
	m, ok, err := ClusterOf(lab, fqdn)
	return ok && m.Inc == d.Inc, err
}

// clusterPeers are the hosts a clustered lock request from fqdn reaches:
// those running clvmd in the same cman cluster, fqdn included, ordered by
// name.
func clusterPeers(lab string, s *State, fqdn string) ([]string, error) {
	me, ok, err := ClusterOf(lab, fqdn)
	if err != nil || !ok {
		return nil, err
	}
	var peers []string
	for h := range s.Clvmd {
		up, err := clvmdUp(lab, s, h)
		if err != nil {
			return nil, err
		}
		if m, ok, err := ClusterOf(lab, h); err != nil {
			return nil, err
		} else if up && ok && m.Cluster == me.Cluster {
			peers = append(peers, h)
		}
	}
	sort.Strings(peers)
	return peers, nil
}

// nodeName is how clvmd names a peer in its errors: its cluster node name.
func nodeName(lab, fqdn string) string {
	if m, ok, err := ClusterOf(lab, fqdn); err == nil && ok && m.Name != "" {
		return m.Name
	}
	return fqdn
}
