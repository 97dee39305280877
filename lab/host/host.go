package host

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// Marker is the file that makes a directory a lab host's root. It holds a
// Marker value as JSON.
const Marker = ".lab"

// marker is the content of the .lab file.
type marker struct {
	Lab  string `json:"lab"`
	Host string `json:"host"`
}

// Host is one emulated machine.
type Host struct {
	Lab  string // the lab directory, absolute
	FQDN string // the host's name, as cman knows it
	Root string // the directory standing for "/" on this host
}

// Root is where the lab keeps the host named fqdn.
func Root(lab, fqdn string) string { return filepath.Join(lab, "hosts", fqdn) }

// Short is the first label of an FQDN, the name a host goes by in runbooks.
func Short(fqdn string) string {
	short, _, _ := strings.Cut(fqdn, ".")
	return short
}

// Path maps an absolute path on the host to the lab file standing for it.
// Cleaning it as an absolute path first keeps "..", however many, inside the
// root.
func (h Host) Path(p string) string {
	return filepath.Join(h.Root, filepath.Clean("/"+p))
}

// HostPath maps a lab file back to the path the host sees, or returns ""
// when the file is outside the host's root.
func (h Host) HostPath(file string) string {
	rel, err := filepath.Rel(h.Root, file)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return ""
	}
	if rel == "." {
		return "/"
	}
	return "/" + rel
}

// Mark writes the .lab marker into a host root, atomically since tools read
// it without a lock.
func Mark(lab, fqdn string) error {
	data, err := json.Marshal(marker{Lab: lab, Host: fqdn})
	if err != nil {
		return err
	}
	return state.WriteFile(filepath.Join(Root(lab, fqdn), Marker), append(data, '\n'), 0o644)
}

// Find returns the host a tool runs on, from the name it was invoked by. An
// argv[0] without a slash was found on PATH, so it is looked up there the way
// the caller's exec did; the path is never resolved through its symlink,
// which would lead to the lab binary and lose the host.
func Find(argv0 string) (Host, error) {
	p := argv0
	if !strings.Contains(p, "/") {
		found, err := exec.LookPath(p)
		if err != nil {
			return Host{}, fmt.Errorf("%s: not invoked through a lab host (not found on PATH)", argv0)
		}
		p = found
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return Host{}, err
	}
	for dir := filepath.Dir(abs); ; dir = filepath.Dir(dir) {
		data, err := os.ReadFile(filepath.Join(dir, Marker))
		if err == nil {
			var m marker
			if err := json.Unmarshal(data, &m); err != nil || m.Lab == "" || m.Host == "" {
				return Host{}, fmt.Errorf("%s: malformed lab marker", filepath.Join(dir, Marker))
			}
			return Host{Lab: m.Lab, FQDN: m.Host, Root: dir}, nil
		}
		if dir == filepath.Dir(dir) {
			return Host{}, fmt.Errorf("%s: not invoked through a lab host (no %s above it)", argv0, Marker)
		}
	}
}

// List returns the lab's hosts, ordered by name.
func List(lab string) ([]Host, error) {
	entries, err := os.ReadDir(filepath.Join(lab, "hosts"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var hosts []Host
	for _, e := range entries {
		root := Root(lab, e.Name())
		if _, err := os.Stat(filepath.Join(root, Marker)); err == nil {
			hosts = append(hosts, Host{Lab: lab, FQDN: e.Name(), Root: root})
		}
	}
	sort.Slice(hosts, func(i, j int) bool { return hosts[i].FQDN < hosts[j].FQDN })
	return hosts, nil
}

// Open returns the lab host called name, which may be its FQDN or its short
// name, and refuses a name that is not in the lab.
func Open(lab, name string) (Host, error) {
	abs, err := filepath.Abs(lab)
	if err != nil {
		return Host{}, err
	}
	// An FQDN is one look at its marker: every tool run opens its host and
	// others, and listing a lab of a thousand hosts to find one cost each
	// run more than the tool itself.
	if name != "" && name != "." && name != ".." && filepath.Base(name) == name {
		root := Root(abs, name)
		if _, err := os.Stat(filepath.Join(root, Marker)); err == nil {
			return Host{Lab: abs, FQDN: name, Root: root}, nil
		}
	}
	hosts, err := List(abs)
	if err != nil {
		return Host{}, err
	}
	var found []Host
	for _, h := range hosts {
		if h.FQDN == name {
			return h, nil
		}
		if Short(h.FQDN) == name {
			found = append(found, h)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return Host{}, fmt.Errorf("host %q is not in the lab %s", name, abs)
	default:
		return Host{}, fmt.Errorf("host %q is ambiguous in the lab %s: give the FQDN", name, abs)
	}
}
