package gnbd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

func TestEachHostHasItsFile(t *testing.T) {
	a, _, c := imported(t)
	files, err := filepath.Glob(filepath.Join(state.Dir(a.Lab), "gnbd*"))
	if err != nil || len(files) != 1 || filepath.Base(files[0]) != "gnbd" {
		t.Errorf("state files: %v, %v", files, err)
	}
	for fqdn, want := range map[string]string{sa: "gnbd0a", sb: "gnbd0b"} {
		hs, err := state.LoadHost[hostState](a.Lab, stateKind, fqdn)
		if err != nil || hs.Client != nil || hs.Server == nil || len(hs.Server.Exports) != 1 || hs.Server.Exports[0].Name != want {
			t.Errorf("%s: %+v, %v", fqdn, hs, err)
		}
	}
	hs, err := state.LoadHost[hostState](c.Lab, stateKind, c0)
	if err != nil || hs.Server != nil || hs.Client == nil || len(hs.Client.Imports) != 2 {
		t.Errorf("%s: %+v, %v", c0, hs, err)
	}
	// A client's view holds its servers, and only them: whether an import
	// is connected is its server's state.
	s, err := loadClient(c.Lab, c0)
	if err != nil || len(s.loaded) != 3 || !s.Connected(s.Clients[c0].Imports[0]) {
		t.Errorf("the client's view: %+v, %v", s, err)
	}
}

func TestChangeRefusesAnUnloadedHost(t *testing.T) {
	a, _, c := imported(t)
	path, _ := state.HostPath(a.Lab, stateKind, sa)
	before, _ := os.ReadFile(path)
	// Only the client is loaded: a server put in the view would be saved
	// without its exports.
	err := change(c.Lab, []string{c0}, func(s *State) error {
		s.client(c0).Monitor = false
		s.Servers = map[string]*Server{sa: {Running: false}}
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "bug") {
		t.Errorf("change of an unloaded server: %v", err)
	}
	err = change(c.Lab, []string{c0}, func(s *State) error {
		s.client(sa)
		return nil
	})
	if err == nil {
		t.Error("change of an unloaded client")
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("%s changed:\n%s", sa, after)
	}
	if devs, err := Imports(c.Lab, c0); err != nil || len(devs) != 2 || !devs[0].Connected {
		t.Errorf("the client's imports after the refused changes: %+v, %v", devs, err)
	}
	hs, _ := state.LoadHost[hostState](c.Lab, stateKind, c0)
	if !hs.Client.Monitor {
		t.Error("a refused change saved the client")
	}
	// Added to the view, a host may change.
	err = change(c.Lab, []string{c0}, func(s *State) error {
		if err := s.addServersOf(c0); err != nil {
			return err
		}
		s.running(sa).Port++
		return nil
	})
	if devs, _ := Imports(c.Lab, c0); err != nil || devs[0].Connected {
		t.Errorf("a server moved to another port still serves: %+v, %v", devs, err)
	}
}
