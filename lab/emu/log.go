package emu

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// Invocation is one run of a tool on a host, as the lab logs it.
type Invocation struct {
	Time time.Time `json:"time"` // when it started
	// Argv is the command line, argv[0] as the host sees it
	// ("/sbin/ccs_tool").
	Argv []string `json:"argv"`
	// Exit is the exit status; -1 for an invocation that hung (it is
	// logged when it starts and is never heard of again).
	Exit int `json:"exit"`
	// Fault is the mode of the fault injected into it, if any.
	Fault string `json:"fault,omitempty"`
}

func logPath(lab, fqdn string) string { return filepath.Join(lab, "log", fqdn+".log") }

// appendInvocation adds one line to the host's log in a single O_APPEND
// write, so concurrent tools never interleave within a line.
func appendInvocation(lab, fqdn string, inv Invocation) error {
	line, err := json.Marshal(inv)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(lab, "log"), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(logPath(lab, fqdn), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Logged lists the hosts of the lab dir that have run something, by
// FQDN: those with a log for Invocations.
func Logged(dir string) ([]string, error) {
	logs, err := filepath.Glob(logPath(dir, "*"))
	if err != nil {
		return nil, err
	}
	hosts := make([]string, len(logs))
	for i, l := range logs {
		hosts[i] = strings.TrimSuffix(filepath.Base(l), ".log")
	}
	return hosts, nil
}

// Invocations returns what ran on a host (FQDN or short name), oldest
// first: the record tests read to check that a step ran, ran once, or was
// retried.
func Invocations(dir, hostName string) ([]Invocation, error) {
	h, err := host.Open(dir, hostName)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(logPath(h.Lab, h.FQDN))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var invs []Invocation
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		var inv Invocation
		if err := json.Unmarshal(sc.Bytes(), &inv); err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", logPath(h.Lab, h.FQDN), n, err)
		}
		invs = append(invs, inv)
	}
	return invs, sc.Err()
}
