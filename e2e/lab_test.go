package e2e

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/activities"
	"github.com/tetsuzuki/tetsuzuki/lab/emu"
)

// lab is a lab directory of emulated hosts for one test.
type lab struct {
	t    *testing.T
	dir  string
	book string
	ns   string
}

func newLab(t *testing.T, ns, runbook string) *lab {
	t.Helper()
	l := &lab{t: t, dir: t.TempDir(), book: filepath.Join(repo, "runbooks", runbook+".yaml"), ns: ns}
	if out, err := runBin(t, "lab", "init", "--runbook", l.book, "--dir", l.dir); err != nil {
		t.Fatalf("lab init: %v\n%s", err, out)
	}
	return l
}

// up starts one process with an agent for every host, as make demo does.
func (l *lab) up() *proc {
	return start(l.t, "lab", "up", "--runbook", l.book, "--dir", l.dir, "--namespace", l.ns)
}

// agent starts the agent binary as the agent of one host, as on a real host.
func (l *lab) agent(host string) *proc {
	return start(l.t, "agent", "-host", host, "-root", l.root(host), "-namespace", l.ns,
		"-host-key", filepath.Join(hostKeys, host+".key"))
}

func (l *lab) root(host string) string { return filepath.Join(l.dir, "hosts", host) }

// exec runs a tool as host, the way `lab exec` shows a person the host.
func (l *lab) exec(host string, argv ...string) (string, error) {
	return runBin(l.t, "lab", append([]string{"exec", "--dir", l.dir, "--host", host, "--"}, argv...)...)
}

func (l *lab) fault(args ...string) {
	l.t.Helper()
	if out, err := runBin(l.t, "lab", append([]string{"fault", "--dir", l.dir}, args...)...); err != nil {
		l.t.Fatalf("lab fault %v: %v\n%s", args, err, out)
	}
}

// conf reads and parses a host's cluster.conf.
func (l *lab) conf(host string) activities.ClusterConf {
	l.t.Helper()
	data, err := os.ReadFile(filepath.Join(l.root(host), "etc/cluster/cluster.conf"))
	if err != nil {
		l.t.Fatal(err)
	}
	c, err := activities.ParseClusterConf(string(data))
	if err != nil {
		l.t.Fatal(err)
	}
	return c
}

// nodes is `cman_tool nodes` on host, parsed.
func (l *lab) nodes(host string) []activities.NodeStatus {
	l.t.Helper()
	out, err := l.exec(host, "cman_tool", "nodes")
	if err != nil {
		l.t.Fatalf("cman_tool nodes on %s: %v\n%s", host, err, out)
	}
	nodes, err := activities.ParseNodes(out)
	if err != nil {
		l.t.Fatal(err)
	}
	return nodes
}

func (l *lab) status(host string) activities.ClusterStatus {
	l.t.Helper()
	out, err := l.exec(host, "cman_tool", "status")
	if err != nil {
		l.t.Fatalf("cman_tool status on %s: %v\n%s", host, err, out)
	}
	s, err := activities.ParseStatus(out)
	if err != nil {
		l.t.Fatal(err)
	}
	return s
}

// invoked reports whether host has run (or is running) the tool with these
// first arguments.
func (l *lab) invoked(host, tool string, args ...string) bool {
	runs, _ := emu.Invocations(l.dir, host)
	for _, r := range runs {
		if filepath.Base(r.Argv[0]) == tool && len(r.Argv) > len(args) && slices.Equal(r.Argv[1:1+len(args)], args) {
			return true
		}
	}
	return false
}

// snapshot is every file of every host, with its content, except runtime
// state: what "the host as it was" means.
func (l *lab) snapshot() map[string]string {
	l.t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(filepath.Join(l.dir, "hosts"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(l.dir, p)
		// Runtime state, as on a real host: lock files, sockets and pid
		// files under /var/run, multipath's bindings of names to uids.
		for _, skip := range []string{"/var/lock/", "/var/run/", "/var/lib/multipath/"} {
			if strings.Contains(rel, skip) {
				return nil
			}
		}
		// The lab writes its state files atomically, through a temporary
		// file beside them; one caught mid-write is not host state.
		if base := d.Name(); strings.HasPrefix(base, ".") && strings.Contains(base, ".tmp") {
			return nil
		}
		if d.Type()&os.ModeSymlink != 0 {
			target, _ := os.Readlink(p)
			files[rel] = "-> " + target
			return nil
		}
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // renamed away since the walk listed it
		}
		files[rel] = string(data)
		return err
	})
	if err != nil {
		l.t.Fatal(err)
	}
	return files
}

func diff(before, after map[string]string) []string {
	var d []string
	for k, v := range before {
		if a, ok := after[k]; !ok {
			d = append(d, "removed "+k)
		} else if a != v {
			d = append(d, "changed "+k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			d = append(d, "added "+k)
		}
	}
	return d
}
