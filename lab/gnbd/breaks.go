package gnbd

import (
	"errors"
	"fmt"
	"slices"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// What lab break does to GNBD (package breaks).

// ErrNotRunning is a break of a gnbd_serv that does not run.
var ErrNotRunning = errors.New("gnbd_serv is not running")

// ServDies is gnbd_serv dying on a host (killed, or crashed): its exports
// go with it, and the clients' imports of them are disconnected until it
// runs and exports them again, when their gnbd_recvd reconnect. Its socket
// file stays behind, as after -K. It returns the names it exported.
func ServDies(lab, fqdn string) (exports []string, err error) {
	h, err := host.Open(lab, fqdn)
	if err != nil {
		return nil, err
	}
	// The clients need no change: whether an import is connected is
	// derived from its server's state.
	err = change(h.Lab, []string{h.FQDN}, func(s *State) error {
		srv := s.running(h.FQDN)
		if srv == nil {
			return fmt.Errorf("%s: %w", h.FQDN, ErrNotRunning)
		}
		for _, e := range srv.Exports {
			exports = append(exports, e.Name)
		}
		srv.Running, srv.PID, srv.Exports = false, 0, nil
		return nil
	})
	return exports, err
}

// DropImport is the gnbd_recvd of one import on a client going away (killed,
// or given up on its server): the device is Disconnected while its server
// still serves it, until gnbd_import restarts gnbd_recvd. name "" takes the
// first connected import. It returns the import.
func DropImport(lab, fqdn, name string) (Import, error) {
	h, err := host.Open(lab, fqdn)
	if err != nil {
		return Import{}, err
	}
	var dropped Import
	err = change(h.Lab, []string{h.FQDN}, func(s *State) error {
		if err := s.addServersOf(h.FQDN); err != nil {
			return err
		}
		var imports []Import
		if cl := s.Clients[h.FQDN]; cl != nil {
			imports = cl.Imports
		}
		i := slices.IndexFunc(imports, func(imp Import) bool {
			return (name == "" || imp.Name == name) && s.Connected(imp)
		})
		if i < 0 {
			if name == "" {
				return fmt.Errorf("%s imports no connected GNBD", h.FQDN)
			}
			return fmt.Errorf("%s has no connected import %s", h.FQDN, name)
		}
		imports[i].RecvdGone = true
		dropped = imports[i]
		return nil
	})
	return dropped, err
}
