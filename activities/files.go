package activities

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// BackupSuffix names the copy of a config file kept before the agent
// replaces it, so an operator can always see and restore what was there.
const BackupSuffix = ".tetsuzuki.bak"

// FileState is what a file held before a run changed it: enough to put it
// back exactly, including "it did not exist".
type FileState struct {
	Path    string `json:"path"`
	Exists  bool   `json:"exists"`
	Content string `json:"content,omitempty"`
	Mode    uint32 `json:"mode,omitempty"`
}

func (h *Host) readState(p string) (FileState, error) {
	real, err := h.file(p)
	if err != nil {
		return FileState{}, err
	}
	data, err := os.ReadFile(real)
	if errors.Is(err, fs.ErrNotExist) {
		return FileState{Path: p}, nil
	}
	if err != nil {
		return FileState{}, err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return FileState{}, err
	}
	return FileState{Path: p, Exists: true, Content: string(data), Mode: uint32(fi.Mode().Perm())}, nil
}

// writeFile replaces p atomically: readers see the old file or the new one,
// never a torn one, and a crash leaves one of the two. The previous content
// is kept beside it with BackupSuffix.
func (h *Host) writeFile(p string, data []byte, mode fs.FileMode) error {
	if err := checkWrite(p, mode); err != nil {
		return err
	}
	real, err := h.file(p)
	if err != nil {
		return err
	}
	dir := filepath.Dir(real)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if old, err := os.ReadFile(real); err == nil {
		if err := writeAtomic(real+BackupSuffix, old, mode); err != nil {
			return fmt.Errorf("keep backup of %s: %w", p, err)
		}
	}
	return writeAtomic(real, data, mode)
}

func writeAtomic(path string, data []byte, mode fs.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// RestoreFileInput asks for a file to be put back as a FileState recorded it.
type RestoreFileInput struct {
	State FileState `json:"state"`
}

// RestoreFile is the undo of any config edit: it writes back the recorded
// content, or removes the file when it did not exist before. It is
// idempotent: a file that already matches is left alone. Only the config
// files the procedures manage are restored, with a plain mode (policy.go).
func (h *Host) RestoreFile(ctx context.Context, in RestoreFileInput) (Change, error) {
	if err := checkWrite(in.State.Path, fs.FileMode(in.State.Mode)); err != nil {
		return Change{}, err
	}
	cur, err := h.readState(in.State.Path)
	if err != nil {
		return Change{}, err
	}
	if cur.Exists == in.State.Exists && cur.Content == in.State.Content {
		return Change{}, nil
	}
	if !in.State.Exists {
		// The backup too: it holds only what the run wrote.
		real, _ := h.file(in.State.Path)
		for _, p := range []string{real, real + BackupSuffix} {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return Change{}, err
			}
		}
		return Change{Changed: true}, nil
	}
	mode := fs.FileMode(in.State.Mode)
	if mode == 0 {
		mode = 0o644
	}
	// Written directly, not through writeFile: a backup of what the run
	// wrote would be the one file the run left behind.
	real, _ := h.file(in.State.Path)
	if err := writeAtomic(real, []byte(in.State.Content), mode); err != nil {
		return Change{}, err
	}
	// The backup the run's own edit kept is now the file itself again.
	if bak, err := os.ReadFile(real + BackupSuffix); err == nil && string(bak) == in.State.Content {
		if err := os.Remove(real + BackupSuffix); err != nil {
			return Change{}, err
		}
	}
	return Change{Changed: true}, nil
}

// lock takes an exclusive lock on a host-wide lock file and returns its
// release. The kernel drops the lock when the agent dies, so a killed agent
// can never leave a cluster locked.
func (h *Host) lock(ctx context.Context, name string) (func(), error) {
	real, err := h.file("/var/lock/tetsuzuki-" + name + ".lock")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(real), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(real, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	locked := make(chan error, 1)
	go func() { locked <- syscall.Flock(int(f.Fd()), syscall.LOCK_EX) }()
	select {
	case err := <-locked:
		if err != nil {
			f.Close()
			return nil, err
		}
		return func() { f.Close() }, nil
	case <-ctx.Done():
		// Closing the file does not interrupt flock; the goroutine ends
		// when it gets the lock, and closing then releases it at once.
		go func() { <-locked; f.Close() }()
		return nil, ctx.Err()
	}
}
