package drbd

import (
	"errors"
	"fmt"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// What lab break does to DRBD (package breaks): the state changes of
// drbdadm's disconnect, down and secondary on a host, and a split brain.
// Each takes the host's configured device of a resource, and returns the
// peer host whose device is configured to connect to it, "" when none.

// ErrNotConfigured is a break asked of a resource that is not up on the
// host.
var ErrNotConfigured = errors.New("not configured")

// Resources lists the resources configured on a host, by minor.
func Resources(lab, fqdn string) ([]string, error) {
	s, err := load(lab)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, d := range s.HostDevices(fqdn) {
		names = append(names, d.Resource)
	}
	return names, nil
}

// breakDevice runs fn on a host's device of a resource under the lab's
// lock, with the peer device configured to meet it (nil when none).
func breakDevice(lab, fqdn, resource string, now time.Time, fn func(s *State, h host.Host, d, peer *Device) error) (string, error) {
	h, err := host.Open(lab, fqdn)
	if err != nil {
		return "", err
	}
	peerHost := ""
	err = change(h.Lab, now, func(s *State) error {
		var d *Device
		for _, x := range s.HostDevices(h.FQDN) {
			if x.Resource == resource {
				d = x
			}
		}
		if d == nil {
			return fmt.Errorf("resource %s on %s: %w", resource, h.FQDN, ErrNotConfigured)
		}
		var peer *Device
		for _, x := range s.HostDevices(d.PeerHost) {
			if x.Resource == resource && x.Net {
				peer, peerHost = x, x.Host
			}
		}
		return fn(s, h, d, peer)
	})
	return peerHost, err
}

// Disconnect is `drbdadm disconnect RESOURCE` on a host: it stands alone,
// and its peer waits for it (WFConnection).
func Disconnect(lab, fqdn, resource string, now time.Time) (peer string, err error) {
	return breakDevice(lab, fqdn, resource, now, func(s *State, h host.Host, d, _ *Device) error {
		if !d.Net {
			return fmt.Errorf("resource %s on %s stands alone already", resource, h.FQDN)
		}
		return s.dropNet(h, d, now)
	})
}

// Down is `drbdadm down RESOURCE` on a host: the minor is Unconfigured,
// and the peer waits for it.
func Down(lab, fqdn, resource string, now time.Time) (peer string, err error) {
	return breakDevice(lab, fqdn, resource, now, func(s *State, h host.Host, d, _ *Device) error {
		return s.down(h, d, now)
	})
}

// Demote is `drbdadm secondary RESOURCE` on a host, which the lab lets
// through while the device is open, as drbdadm secondary (see the package
// doc).
func Demote(lab, fqdn, resource string, now time.Time) (peer string, err error) {
	return breakDevice(lab, fqdn, resource, now, func(_ *State, h host.Host, d, _ *Device) error {
		if d.Role != Primary {
			return fmt.Errorf("resource %s on %s is %s already", resource, h.FQDN, d.Role)
		}
		d.Role = Secondary
		return nil
	})
}

// splitBrainBits is what each side of a split brain wrote while apart: 1
// MiB of the bitmap's 4 KiB blocks.
const splitBrainBits = 256

// SplitBrain is what becomes of a connected pair whose connection broke
// while both sides went on writing as Primary, and came back: at the
// handshake each side finds the other's changes, logs "Split-Brain
// detected, dropping connection!" in its kernel log and stands alone.
// Both disks keep the mark of their changes (Meta.Diverged) until a
// person picks the side whose changes go: `drbdadm secondary` and
// `drbdadm -- --discard-my-data connect` there, `drbdadm connect` on the
// other, and the victim resyncs what either side wrote.
func SplitBrain(lab, fqdn, resource string, now time.Time) (peer string, err error) {
	return breakDevice(lab, fqdn, resource, now, func(s *State, h host.Host, d, p *Device) error {
		if p == nil || s.peerOf(d) != p {
			return fmt.Errorf("resource %s on %s is not connected to its peer", resource, h.FQDN)
		}
		for _, x := range []*Device{d, p} {
			m := s.devMeta(x)
			if m == nil || s.diskState(x, now) != UpToDate || m.Sync != nil {
				return fmt.Errorf("resource %s on %s: a split brain needs both disks UpToDate and in sync", resource, x.Host)
			}
		}
		for _, x := range []*Device{d, p} {
			x.Role = Primary // each side wrote: each was Primary
			s.devMeta(x).Diverged = splitBrainBits
		}
		s.splitBrain(d, p, now, 0)
		return nil
	})
}
