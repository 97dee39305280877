// Package labtest sets up labs for tests, in this module's packages and
// others: it builds the lab binary once per test binary and runs host tools
// as real processes, the way an agent does.
//
//	func TestMain(m *testing.M) { os.Exit(labtest.Main(m)) }
//
//	func TestJoin(t *testing.T) {
//		lab := labtest.New(t, "storage0a.example.org", "storage0b.example.org")
//		r := lab.Run(t, "storage0a.example.org", "yum", "-y", "install", "cman")
//		...
//	}
//
// Without Main the built binary's directory is left in the system's
// temporary directory.
package labtest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/emu"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// Package is the import path of the lab command.
const Package = "github.com/tetsuzuki/tetsuzuki/lab"

var (
	buildOnce sync.Once
	buildDir  string
	binary    string
	buildErr  error
)

// Main runs a package's tests and removes the lab binary afterwards.
func Main(m *testing.M) int {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	return code
}

// Binary returns the path of the lab binary, building it on first use.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "labtest-")
		if buildErr != nil {
			return
		}
		// The go on PATH; `make test` and CI put /usr/local/go/bin there.
		goTool, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(buildDir, "lab")
		out, err := exec.Command(goTool, "build", "-o", binary, Package).CombinedOutput()
		if err != nil {
			buildErr = errors.New("go build " + Package + ": " + err.Error() + "\n" + string(out))
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// Lab is a lab in a test's temporary directory.
type Lab struct {
	Dir string
}

// New creates a lab with the given hosts.
func New(t testing.TB, fqdns ...string) *Lab {
	t.Helper()
	dir := t.TempDir()
	if err := emu.Init(dir, Binary(t), fqdns); err != nil {
		t.Fatal(err)
	}
	return &Lab{Dir: dir}
}

// Root is the directory standing for "/" on a host.
func (l *Lab) Root(fqdn string) string { return emu.HostRoot(l.Dir, fqdn) }

// Result is what a tool did.
type Result struct {
	Stdout, Stderr string
	Exit           int // -1 when it was killed
}

// Run runs a command on a host, as `lab exec` resolves it, and fails the
// test only when it cannot be started: a non-zero exit is a result.
func (l *Lab) Run(t testing.TB, hostName string, argv ...string) Result {
	t.Helper()
	return l.RunContext(context.Background(), t, hostName, "", argv...)
}

// RunContext runs a command with stdin and a context that kills it when
// done.
func (l *Lab) RunContext(ctx context.Context, t testing.TB, hostName, stdin string, argv ...string) Result {
	t.Helper()
	path, err := emu.Command(l.Dir, hostName, argv[0])
	if errors.Is(err, emu.ErrNotFound) {
		return Result{Stderr: argv[0] + ": command not found\n", Exit: 127}
	}
	if err != nil {
		t.Fatal(err)
	}
	h, err := host.Open(l.Dir, hostName)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, path, argv[1:]...)
	cmd.Dir = h.Root // as the agent runs commands: from the host's "/"
	cmd.Stdin = bytes.NewBufferString(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	r := Result{Stdout: stdout.String(), Stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		r.Exit = exitErr.ExitCode()
	default:
		t.Fatalf("%s on %s: %v", argv[0], hostName, err)
	}
	return r
}

// WriteFile writes a file on a host, as the agent would.
func (l *Lab) WriteFile(t testing.TB, fqdn, path, content string) {
	t.Helper()
	file := filepath.Join(l.Root(fqdn), filepath.Clean("/"+path))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ReadFile reads a file on a host; a missing file reads as "".
func (l *Lab) ReadFile(t testing.TB, fqdn, path string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(l.Root(fqdn), filepath.Clean("/"+path)))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return string(data)
}
