package host

import (
	"io"
	"path/filepath"
	"time"
)

// Proc is one invocation of an emulated tool: what a real process would get
// from the kernel, plus the host it runs on.
type Proc struct {
	Host Host
	// Name is argv[0] as the host sees it ("/sbin/cman_tool" when invoked
	// by path, "cman_tool" when found on PATH): tools that print their own
	// name print this, as the real ones print argv[0].
	Name   string
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Cwd is the working directory as the host sees it, for the tools that
	// take relative paths.
	Cwd string
	// Binary is the lab executable, the target of the symlinks a package
	// install creates.
	Binary string
	// Now is the clock; tests pin it.
	Now func() time.Time
}

// Abs maps a path given on the command line, absolute or relative to the
// working directory, to the host path it names.
func (p *Proc) Abs(path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	cwd := p.Cwd
	if cwd == "" {
		cwd = "/"
	}
	return filepath.Join(cwd, path)
}
