package state

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Per-host state: what one host's daemons and kernel hold of a kind (gnbd,
// multipath) lives in a file of its own, <lab>/state/<kind>/<fqdn>.json.
// A tool run on a host reads and writes the files of the hosts it deals
// with, not the whole lab's, so it costs the same among ten hosts as among
// a thousand: real hosts share nothing but the network. Changes still
// happen under the lab's lock, and files are still replaced atomically.

// HostPath is the file of one host's state of a kind. The names become
// file names, so they are checked even though the lab validates its host
// names: a name with a '/' or "..", or an empty one, is refused.
func HostPath(lab, kind, fqdn string) (string, error) {
	for _, name := range []string{kind, fqdn} {
		if name == "" || strings.ContainsAny(name, "/\x00") || strings.Contains(name, "..") || strings.HasPrefix(name, ".") {
			return "", fmt.Errorf("lab state: %q is not a host or state name", name)
		}
	}
	return filepath.Join(Dir(lab), kind, fqdn+".json"), nil
}

// LoadHost reads one host's state of a kind into a new T; a host without a
// file gives T's zero value. Like Load, it needs no lock.
func LoadHost[T any](lab, kind, fqdn string) (*T, error) {
	path, err := HostPath(lab, kind, fqdn)
	if err != nil {
		return nil, err
	}
	v := new(T)
	if err := ReadJSON(path, v); err != nil {
		return nil, err
	}
	return v, nil
}

// SaveHost writes one host's state of a kind; the caller holds the lab's
// lock. A state left as it was is not written again, and a zero state is
// not written for a host that has no file: a tool that only looked at a
// host (a client asking its server) costs no write.
func SaveHost[T any](lab, kind, fqdn string, v *T) error {
	path, err := HostPath(lab, kind, fqdn)
	if err != nil {
		return err
	}
	data, err := encode(v)
	if err != nil {
		return err
	}
	old, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		old, err = encode(new(T))
	}
	if err != nil {
		return err
	}
	if bytes.Equal(old, data) {
		return nil
	}
	return WriteFile(path, data, 0o644)
}

// ChangeHost runs fn on one host's state of a kind under the lab's lock and
// saves what it did; an error from fn leaves the state as it was.
func ChangeHost[T any](lab, kind, fqdn string, fn func(*T) error) error {
	return With(lab, func() error {
		v, err := LoadHost[T](lab, kind, fqdn)
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
		return SaveHost(lab, kind, fqdn, v)
	})
}

// Hosts lists the hosts that have a state file of a kind, in name order.
// It reads the kind's whole directory: only what truly concerns every host
// (a server listing its clients) should call it.
func Hosts(lab, kind string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(Dir(lab), kind))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var hosts []string
	for _, e := range entries {
		// Skip WriteFile's temporary files, ".<name>.tmp<random>".
		if fqdn, ok := strings.CutSuffix(e.Name(), ".json"); ok && !strings.HasPrefix(fqdn, ".") && e.Type().IsRegular() {
			hosts = append(hosts, fqdn)
		}
	}
	return hosts, nil
}
