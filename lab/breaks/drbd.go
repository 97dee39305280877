package breaks

import (
	"errors"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
)

// resource is the resource a DRBD break is about: the one named, or the
// one resource up on the host.
func (b *breaker) resource(args []string) (string, error) {
	if r := arg(args, 0); r != "" {
		return r, nil
	}
	names, err := drbd.Resources(b.lab(), b.h.FQDN)
	switch {
	case err != nil:
		return "", err
	case len(names) == 0:
		return "", errors.New("no DRBD resource is up on the host")
	case len(names) > 1:
		return "", errors.New("resources " + strings.Join(names, ", ") + " are up: name one")
	}
	return names[0], nil
}

// drbdBreak runs a DRBD break on the host's resource, then records what
// the host and the peer it returns must show.
func drbdBreak(b *breaker, args []string, brk func(lab, fqdn, resource string, now time.Time) (string, error), onHost, onPeer findings.Code) error {
	r, err := b.resource(args)
	if err != nil {
		return err
	}
	peer, err := brk(b.lab(), b.h.FQDN, r, b.now)
	if err != nil {
		return err
	}
	b.done(r)
	b.want(b.h.FQDN, onHost, r)
	if peer != "" && onPeer != "" {
		b.want(peer, onPeer, r)
	}
	return nil
}

func drbdDisconnect(b *breaker, args []string) error {
	return drbdBreak(b, args, drbd.Disconnect, findings.DRBDStandAlone, findings.DRBDWaiting)
}

func splitBrain(b *breaker, args []string) error {
	return drbdBreak(b, args, drbd.SplitBrain, findings.DRBDSplitBrain, findings.DRBDSplitBrain)
}

func drbdDown(b *breaker, args []string) error {
	return drbdBreak(b, args, drbd.Down, findings.DRBDDown, findings.DRBDWaiting)
}

func drbdSecondary(b *breaker, args []string) error {
	return drbdBreak(b, args, drbd.Demote, findings.DRBDNotPrimary, "")
}
