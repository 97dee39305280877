package activities

import (
	"context"
	"errors"
	"fmt"
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
	if !strings.HasPrefix(out.Stdout, "0123456789\n") || !strings.Contains(out.Stdout, "\n[... 99000 bytes dropped]\n") || !strings.HasSuffix(out.Stdout, "\n0123456789") {
		t.Errorf("capped output is %d bytes: %q", len(out.Stdout), out.Stdout)
	}
	if n := strings.Count(out.Stdout, "0"); n < 1000/11-2 {
		t.Errorf("capped output keeps %d lines of 1000 bytes, want about %d", n, 1000/11)
	}
}

// A tool that floods stderr says what went wrong first and how it ended
// last: the capped output and the error keep both.
func TestRunCapKeepsTheCauseAndTheEnd(t *testing.T) {
	h := hostWith(t, map[string]string{"floods": `echo "floods: cannot open /dev/sdz: No such device" >&2
yes "floods: retrying" | head -c 100000 >&2
echo "floods: giving up" >&2
exit 2`})
	h.OutputLimit = 64 << 10
	out, err := h.run(context.Background(), time.Minute, "floods")
	if !strings.HasPrefix(out.Stderr, "floods: cannot open /dev/sdz: No such device\n") || !strings.HasSuffix(out.Stderr, "floods: giving up\n") {
		t.Errorf("capped stderr: %d bytes, begins %q, ends %q", len(out.Stderr), out.Stderr[:60], out.Stderr[len(out.Stderr)-60:])
	}
	if !strings.Contains(out.Stderr, " bytes dropped]") || len(out.Stderr) > h.OutputLimit+100 {
		t.Errorf("capped stderr is %d bytes for a limit of %d, or has no drop marker", len(out.Stderr), h.OutputLimit)
	}
	var cerr *CommandError
	if !errors.As(err, &cerr) {
		t.Fatalf("err %v, want a CommandError", err)
	}
	msg := err.Error()
	for _, want := range []string{"floods: exit status 2: ", "cannot open /dev/sdz: No such device", "floods: giving up"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if len(msg) > 600 {
		t.Errorf("error is %d bytes, want a short message", len(msg))
	}
}

func TestCappedKeepsHeadAndTailWhateverTheWrites(t *testing.T) {
	var stream []byte
	for i := range 5000 {
		stream = append(stream, byte('a'+i%26))
	}
	for _, size := range []int{1, 7, 333, 4096, len(stream)} {
		for _, limit := range []int{0, 1, 100, 101, len(stream), 2 * len(stream)} {
			c := &capped{max: limit}
			for rest := stream; len(rest) > 0; {
				k := min(size, len(rest))
				if n, err := c.Write(rest[:k]); n != k || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
				rest = rest[k:]
			}
			want := string(stream)
			if limit < len(stream) {
				head, tail := limit-limit/2, limit/2
				want = fmt.Sprintf("%s\n[... %d bytes dropped]\n%s", stream[:head], len(stream)-limit, stream[len(stream)-tail:])
			}
			if got := c.String(); got != want {
				t.Errorf("writes of %d, limit %d: got %d bytes %.40q..., want %d bytes %.40q...", size, limit, len(got), got, len(want), want)
			}
		}
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

// A command still running when the caller's deadline passes ends with
// that deadline's error, not as a command that timed out: the step is over,
// and the command's own timeout, a minute away, did not fire.
func TestRunEndsWithTheCallersDeadline(t *testing.T) {
	h := hostWith(t, map[string]string{"hangs": "sleep 300"})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := h.run(ctx, time.Minute, "hangs")
	if !errors.Is(err, context.DeadlineExceeded) || strings.Contains(fmt.Sprint(err), "timed out after") {
		t.Errorf("err = %v, want the caller's deadline", err)
	}
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
