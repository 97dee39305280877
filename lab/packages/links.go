package packages

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// Link makes the tool at a host path a symlink to the lab binary, replacing
// what was there in one rename so a concurrent exec never finds it missing.
func Link(h host.Host, path, binary string) error {
	file := h.Path(path)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	if cur, err := os.Readlink(file); err == nil && cur == binary {
		return nil
	}
	tmp := file + ".lab-new"
	os.Remove(tmp)
	if err := os.Symlink(binary, tmp); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

// Relink points every tool symlink of the host, those of the base system and
// of installed packages, at binary: after the lab binary is rebuilt
// elsewhere, `lab init` mends the hosts without reinstalling anything.
func Relink(h host.Host, binary string) error {
	links := append([]string(nil), BaseLinks...)
	d, err := readDB(h)
	if err != nil {
		return err
	}
	for _, nvr := range d.nvrs {
		links = append(links, Catalogue[nameOf(nvr)].Links...)
	}
	for _, l := range links {
		if err := Link(h, l, binary); err != nil {
			return err
		}
	}
	return nil
}

func unlink(h host.Host, path string) error {
	err := os.Remove(h.Path(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

func mkdir(h host.Host, dir string) error { return os.MkdirAll(h.Path(dir), 0o755) }
