package activities

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Host is the agent's view of the one host it runs on. Its methods are the
// activities; the agent builds one Host and registers it on the host's own
// task queue, so a step reaches exactly the host whose queue it names.
type Host struct {
	// FQDN names the host, as cluster.conf and the runbook name it.
	FQDN string
	// Root is the directory under which every file is read and written:
	// "/" in production, a lab host's directory in rehearsals.
	Root string
	// Path lists the directories, under Root, searched for a command given
	// by bare name.
	Path []string
	// OutputLimit caps the bytes kept of each of a command's stdout and
	// stderr, so a chatty tool cannot bloat the event history.
	OutputLimit int
	// HeartbeatEvery is how often a running command reports liveness.
	HeartbeatEvery time.Duration
}

// DefaultPath is where CentOS 5 keeps the tools the runbooks use.
var DefaultPath = []string{"/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// NewHost returns a Host with the defaults a production agent wants.
func NewHost(fqdn, root string) *Host {
	return &Host{FQDN: fqdn, Root: root, Path: DefaultPath, OutputLimit: 64 << 10, HeartbeatEvery: 2 * time.Second}
}

// file maps an absolute host path (as the procedures name it) to where it
// lives under Root. It refuses relative paths and any ".." so that nothing
// can reach outside the root.
func (h *Host) file(p string) (string, error) {
	if !filepath.IsAbs(p) || strings.Contains(p, "..") || strings.ContainsRune(p, 0) {
		return "", permanent(ErrBadInput, "path %q: not an absolute path inside the host", p)
	}
	return filepath.Join(h.Root, filepath.Clean(p)), nil
}

func (h *Host) String() string { return fmt.Sprintf("%s (root %s)", h.FQDN, h.Root) }

// Change is what an activity that reconciles one piece of state reports:
// whether it had to act. Every such activity returns it, so a workflow
// reads "did this step change the host" the same way for all of them.
type Change struct {
	Changed bool `json:"changed"`
}
