package breaks

import (
	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/multipath"
)

func pathFail(b *breaker, args []string) error {
	m, p, err := multipath.FailPath(b.lab(), b.h.FQDN, arg(args, 0), arg(args, 1))
	if err != nil {
		return err
	}
	b.done(m, p)
	b.want(b.h.FQDN, findings.PathFailed, m+" "+p)
	return nil
}

func multipathdStop(b *breaker, _ []string) error {
	if err := multipath.DaemonDies(b.lab(), b.h.FQDN); err != nil {
		return err
	}
	b.done("multipathd")
	b.want(b.h.FQDN, findings.MultipathdDown)
	return nil
}
