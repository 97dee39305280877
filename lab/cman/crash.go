package cman

import (
	"fmt"
	"slices"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// Crashed is what a crash left of the cluster.
type Crashed struct {
	Cluster string
	// Members are the hosts still running in it.
	Members []string
	// WasQuorate and Quorate are its quorum before and after.
	WasQuorate, Quorate bool
}

// Crash is what the cluster sees of a member whose node crashed, what lab
// break node-crash does: it leaves the membership as a stopped member does
// (its peers' `cman_tool nodes` show it X, the generation moves on, quorum
// is worked out again), but nothing on the host ran the init script, so
// its subsys lock stays behind.
func Crash(lab, fqdn string) (Crashed, error) {
	h, err := host.Open(lab, fqdn)
	if err != nil {
		return Crashed{}, err
	}
	var res Crashed
	err = change(h.Lab, func(s *State) error {
		c, _ := s.Running(h.FQDN)
		if c == nil {
			return fmt.Errorf("cman is not running on %s", h.FQDN)
		}
		res = Crashed{Cluster: c.Name, WasQuorate: c.Quorum().Quorate}
		s.Leave(h.FQDN)
		res.Quorate = c.Quorum().Quorate
		for _, m := range c.Members {
			res.Members = append(res.Members, m.Host)
		}
		slices.Sort(res.Members)
		return nil
	})
	return res, err
}
