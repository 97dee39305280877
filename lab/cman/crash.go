package cman

import (
	"fmt"
	"slices"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// Crash is what the cluster sees of a member whose node crashed, what lab
// break node-crash does: it leaves the membership as a stopped member does
// (its peers' `cman_tool nodes` show it X, the generation moves on, quorum
// is worked out again), but nothing on the host ran the init script, so
// its subsys lock stays behind. It returns the cluster's name, the hosts
// still running in it, and whether they are quorate.
func Crash(lab, fqdn string) (cluster string, members []string, quorate bool, err error) {
	h, err := host.Open(lab, fqdn)
	if err != nil {
		return "", nil, false, err
	}
	err = change(h.Lab, func(s *State) error {
		c, _ := s.Running(h.FQDN)
		if c == nil {
			return fmt.Errorf("cman is not running on %s", h.FQDN)
		}
		s.Leave(h.FQDN)
		cluster, quorate = c.Name, c.Quorum().Quorate
		for _, m := range c.Members {
			members = append(members, m.Host)
		}
		slices.Sort(members)
		return nil
	})
	return cluster, members, quorate, err
}
