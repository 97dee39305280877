package breaks

import (
	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/cman"
	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
)

// nodeCrash takes the host out of its cman cluster as a crash does. clvmd
// lives in the membership it joined (package lvm), so a clvmd of the host
// stops serving with it; the host's other daemons and devices stay.
func nodeCrash(b *breaker, _ []string) error {
	clvmd, err := lvm.ClvmdRunning(b.lab(), b.h.FQDN)
	if err != nil {
		return err
	}
	c, err := cman.Crash(b.lab(), b.h.FQDN)
	if err != nil {
		return err
	}
	b.done(c.Cluster)
	b.want(b.h.FQDN, findings.CmanNotRunning, c.Cluster)
	if clvmd {
		b.want(b.h.FQDN, findings.ClvmdDown)
	}
	if c.WasQuorate && !c.Quorate {
		for _, m := range c.Members {
			b.want(m, findings.NotQuorate, c.Cluster)
		}
	}
	return nil
}
