package coreutils

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// ProcFile generates a /proc file for the process reading it; ok is false
// when the file does not exist (its module is not loaded).
type ProcFile func(p *host.Proc) (content string, ok bool, err error)

// procFiles are the files the kernel parts of the lab generate, by path:
// cat prints what they say at the moment it reads them.
var procFiles = map[string]ProcFile{
	drbd.ProcPath:  drbd.ProcFile,
	"/proc/mounts": procMountsFile,
	"/etc/mtab":    etcMtab, // mount keeps it; the lab makes it from the mounts
}

// Read returns a file as cat on the host would read it: a registered /proc
// file is generated, anything else read under the host's root. A missing
// file is fs.ErrNotExist.
func Read(p *host.Proc, path string) ([]byte, error) {
	abs := p.Abs(path)
	if gen := procFiles[abs]; gen != nil {
		content, ok, err := gen(p)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fs.ErrNotExist
		}
		return []byte(content), nil
	}
	return os.ReadFile(p.Host.Path(abs))
}

// Cat runs cat FILE...; without files, or for "-", it copies stdin.
func Cat(p *host.Proc) int {
	status := 0
	var files []string
	for i, a := range p.Args {
		if a == "--" {
			files = append(files, p.Args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			fmt.Fprintf(p.Stderr, fmtCatBadOpt+"\n", a[1])
			return 1
		}
		files = append(files, a)
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	for _, f := range files {
		if f == "-" {
			if p.Stdin != nil {
				io.Copy(p.Stdout, p.Stdin)
			}
			continue
		}
		if fi, err := os.Stat(p.Host.Path(p.Abs(f))); err == nil && fi.IsDir() {
			fmt.Fprintf(p.Stderr, fmtCatIsDir+"\n", f)
			status = 1
			continue
		}
		data, err := Read(p, f)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			fmt.Fprintf(p.Stderr, fmtCatMissing+"\n", f)
			status = 1
		case err != nil:
			fmt.Fprintf(p.Stderr, "cat: %s: %v\n", f, err)
			status = 1
		default:
			p.Stdout.Write(data)
		}
	}
	return status
}
