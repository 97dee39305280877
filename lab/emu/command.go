package emu

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// ErrNotFound is a command the host does not have, the case a shell reports
// with status 127.
var ErrNotFound = errors.New("command not found")

// searchPath is where a bare command name is looked for, in the order of
// the agent's PATH.
var searchPath = []string{"/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// Command resolves a command on a lab host (FQDN or short name) to the file
// to execute: a bare name is searched as a shell would, an absolute path
// ("/etc/init.d/cman") is taken under the host's root. A command containing
// ".." is refused, so nothing outside the host can be run as it.
func Command(dir, hostName, cmd string) (string, error) {
	h, err := host.Open(dir, hostName)
	if err != nil {
		return "", err
	}
	if cmd == "" || strings.Contains(cmd, "..") || strings.ContainsRune(cmd, 0) {
		return "", fmt.Errorf("command %q: refused", cmd)
	}
	var candidates []string
	switch {
	case strings.HasPrefix(cmd, "/"):
		candidates = []string{h.Path(cmd)}
	case strings.Contains(cmd, "/"):
		return "", fmt.Errorf("command %q: give a bare name or an absolute path", cmd)
	default:
		for _, d := range searchPath {
			candidates = append(candidates, h.Path(filepath.Join(d, cmd)))
		}
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return c, nil
		}
	}
	return "", fmt.Errorf("%s: %s: %w", h.FQDN, cmd, ErrNotFound)
}
