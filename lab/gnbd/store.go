package gnbd

import (
	"fmt"
	"slices"

	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// How the State of the hosts an operation deals with is read and saved.
// Each host's part is its own file, <lab>/state/gnbd/<fqdn>.json, so a tool
// run reads and writes what it deals with (its host, and a client's
// servers), not the whole lab's: its cost does not grow with the lab.

// stateKind names this emulation's state files (state.HostPath).
const stateKind = "gnbd"

// hostState is one host's file: its gnbd_serv and exports, if it ever ran
// the daemon, and its gnbd devices, if it ever imported.
type hostState struct {
	Server *Server `json:"server,omitempty"`
	Client *Client `json:"client,omitempty"`
}

// load reads a view of hosts, without the lab's lock.
func load(lab string, hosts ...string) (*State, error) {
	s := &State{lab: lab}
	if err := s.add(hosts...); err != nil {
		return nil, err
	}
	return s, nil
}

// loadClient reads a client's view: the client, and the servers its
// imports name, which Connected asks.
func loadClient(lab, fqdn string) (*State, error) {
	s, err := load(lab, fqdn)
	if err != nil {
		return nil, err
	}
	if err := s.addServersOf(fqdn); err != nil {
		return nil, err
	}
	return s, nil
}

// change runs fn on a view of hosts under the lab's lock, then writes back
// every host the view loaded: hosts, and those fn added (add,
// addServersOf, addAll). An error from fn leaves the state as it was. A
// host fn put in the view without loading it is a bug, reported rather
// than saved: its file would lose what the view never read.
func change(lab string, hosts []string, fn func(*State) error) error {
	return state.With(lab, func() error {
		s, err := load(lab, hosts...)
		if err != nil {
			return err
		}
		if err := fn(s); err != nil {
			return err
		}
		return s.save()
	})
}

// add reads hosts into the view, those it does not hold yet.
func (s *State) add(hosts ...string) error {
	for _, fqdn := range hosts {
		if s.loaded[fqdn] {
			continue
		}
		hs, err := state.LoadHost[hostState](s.lab, stateKind, fqdn)
		if err != nil {
			return err
		}
		if s.loaded == nil {
			s.loaded = map[string]bool{}
		}
		s.loaded[fqdn] = true
		if hs.Server != nil {
			if s.Servers == nil {
				s.Servers = map[string]*Server{}
			}
			s.Servers[fqdn] = hs.Server
		}
		if hs.Client != nil {
			if s.Clients == nil {
				s.Clients = map[string]*Client{}
			}
			s.Clients[fqdn] = hs.Client
		}
	}
	return nil
}

// addServersOf reads into the view the servers a client's imports name.
func (s *State) addServersOf(fqdn string) error {
	if cl := s.Clients[fqdn]; cl != nil {
		for _, imp := range cl.Imports {
			if err := s.add(imp.Host); err != nil {
				return err
			}
		}
	}
	return nil
}

// addAll reads every host with GNBD state into the view. It reads as many
// files as the lab has hosts: only what concerns every client of a server
// calls it (importers).
func (s *State) addAll() error {
	if s.all {
		return nil
	}
	hosts, err := state.Hosts(s.lab, stateKind)
	if err != nil {
		return err
	}
	if err := s.add(hosts...); err != nil {
		return err
	}
	s.all = true
	return nil
}

// save writes back the hosts of the view; the caller holds the lab's lock.
// The hosts left as they were are not written (state.SaveHost).
func (s *State) save() error {
	for fqdn := range s.Servers {
		if !s.loaded[fqdn] {
			return fmt.Errorf("gnbd: bug: the server of %s was changed without its state loaded", fqdn)
		}
	}
	for fqdn := range s.Clients {
		if !s.loaded[fqdn] {
			return fmt.Errorf("gnbd: bug: the client of %s was changed without its state loaded", fqdn)
		}
	}
	hosts := make([]string, 0, len(s.loaded))
	for fqdn := range s.loaded {
		hosts = append(hosts, fqdn)
	}
	slices.Sort(hosts)
	for _, fqdn := range hosts {
		hs := hostState{Server: s.Servers[fqdn], Client: s.Clients[fqdn]}
		if err := state.SaveHost(s.lab, stateKind, fqdn, &hs); err != nil {
			return err
		}
	}
	return nil
}
