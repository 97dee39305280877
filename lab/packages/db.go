package packages

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// DBPath is where a host keeps its installed set.
const DBPath = "/var/lib/rpm/lab-installed"

// db is a host's installed set: name-version-release lines.
type db struct {
	nvrs []string
}

func readDB(h host.Host) (*db, error) {
	data, err := os.ReadFile(h.Path(DBPath))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	d := &db{}
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			d.nvrs = append(d.nvrs, line)
		}
	}
	return d, nil
}

func (d *db) write(h host.Host) error {
	var b strings.Builder
	for _, nvr := range d.nvrs {
		b.WriteString(nvr + "\n")
	}
	return state.WriteFile(h.Path(DBPath), []byte(b.String()), 0o644)
}

// nameOf strips version and release off an NVR, as rpm parses one.
func nameOf(nvr string) string {
	i := strings.LastIndexByte(nvr, '-')
	if i <= 0 {
		return nvr
	}
	j := strings.LastIndexByte(nvr[:i], '-')
	if j <= 0 {
		return nvr
	}
	return nvr[:j]
}

// find returns the installed NVR of a package name.
func (d *db) find(name string) (string, bool) {
	for _, nvr := range d.nvrs {
		if nameOf(nvr) == name {
			return nvr, true
		}
	}
	return "", false
}

func (d *db) add(p Package) {
	if _, ok := d.find(p.Name); !ok {
		d.nvrs = append(d.nvrs, p.NVR())
	}
}

func (d *db) remove(name string) {
	d.nvrs = slices.DeleteFunc(d.nvrs, func(nvr string) bool { return nameOf(nvr) == name })
}

// Installed reports whether a package is installed on the host. Tools call it
// to behave as absent when their package is not there. The caller holds the
// lab's lock or accepts a racy answer, as a real rpm query would give.
func Installed(h host.Host, name string) (bool, error) {
	d, err := readDB(h)
	if err != nil {
		return false, err
	}
	_, ok := d.find(name)
	return ok, nil
}

// EnsureDB creates an empty package database on a host that has none.
func EnsureDB(h host.Host) error {
	if _, err := os.Stat(h.Path(DBPath)); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return state.WriteFile(h.Path(DBPath), nil, 0o644)
}

// Present answers for a tool of package pkg before it runs: on a host
// without the package the binary would not exist, so the tool behaves as
// the shell does for a missing command (status 127). It normally is not
// reached, since removing a package deletes its tools' symlinks. When ok is
// false the caller exits with status.
func Present(p *host.Proc, pkg string) (ok bool, status int) {
	installed, err := Installed(p.Host, pkg)
	if err != nil {
		fmt.Fprintf(p.Stderr, "%s: %v\n", p.Name, err)
		return false, 1
	}
	if !installed {
		fmt.Fprintf(p.Stderr, fmtCommandNotFound+"\n", p.Name)
		return false, 127
	}
	return true, 0
}
