package activities

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hostWith returns a Host whose root holds the given scripts in /usr/bin.
// The scripts stand in for a host's tools; the code under test runs them
// through its real exec path.
func hostWith(t *testing.T, scripts map[string]string) *Host {
	t.Helper()
	root := t.TempDir()
	for name, body := range scripts {
		p := filepath.Join(root, "usr/bin", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return NewHost("test.example.org", root)
}

func TestRunPassesArgumentsWithoutAShell(t *testing.T) {
	h := hostWith(t, map[string]string{"args": `for a in "$@"; do echo "[$a]"; done`})
	hostile := "x; touch /tmp/pwned $(id) `id` | cat && echo"
	out, err := h.run(context.Background(), time.Minute, "args", hostile, "two words")
	if err != nil {
		t.Fatal(err)
	}
	if want := "[" + hostile + "]\n[two words]\n"; out.Stdout != want {
		t.Errorf("stdout %q, want %q", out.Stdout, want)
	}
}

func TestRunReportsExitStatusAndStderr(t *testing.T) {
	h := hostWith(t, map[string]string{"fails": `echo "No package foo available." >&2; exit 3`})
	out, err := h.run(context.Background(), time.Minute, "fails")
	var cerr *CommandError
	if !errors.As(err, &cerr) || cerr.Output.Exit != 3 || out.Exit != 3 {
		t.Fatalf("err %v, output %+v: want exit status 3", err, out)
	}
	if !strings.Contains(err.Error(), "fails: exit status 3: No package foo available.") {
		t.Errorf("error %q does not say what failed", err)
	}
}

func TestRunCapsOutput(t *testing.T) {
	h := hostWith(t, map[string]string{"chatty": `yes 0123456789 | head -c 100000`})
	h.OutputLimit = 1000
	out, err := h.run(context.Background(), time.Minute, "chatty")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.Stdout, "0123456789\n") || !strings.HasSuffix(out.Stdout, "[... 99000 bytes dropped]") {
		t.Errorf("capped output is %d bytes ending %q", len(out.Stdout), out.Stdout[len(out.Stdout)-30:])
	}
}

func TestRunKillsAToolThatHangs(t *testing.T) {
	// The tool starts a child of its own: the timeout must end both.
	h := hostWith(t, map[string]string{"hangs": `sleep 300 & echo $! > "$0.child"; wait`})
	start := time.Now()
	_, err := h.run(context.Background(), 300*time.Millisecond, "hangs")
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("run returned after %s", time.Since(start))
	}
	data, err := os.ReadFile(filepath.Join(h.Root, "usr/bin/hangs.child"))
	if err != nil {
		t.Fatal(err)
	}
	pid := strings.TrimSpace(string(data))
	eventually(t, 5*time.Second, "the tool's child to die", func() bool {
		stat, err := os.ReadFile("/proc/" + pid + "/stat")
		return err != nil || strings.Contains(string(stat), ") Z ")
	})
}

func TestRunRefusesCommandsOutsideTheRoot(t *testing.T) {
	h := hostWith(t, nil)
	for _, cmd := range []string{"/usr/bin/../../../bin/sh", "../bin/sh", "nosuchtool", "/bin/sh"} {
		_, err := h.run(context.Background(), time.Minute, cmd, "-c", "true")
		if err == nil {
			t.Errorf("run(%q) succeeded; only tools under the root may run", cmd)
		}
	}
}

func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
