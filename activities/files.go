package activities

import (
	"context"
	"errors"
	"fmt"
	"io"
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

// FileLimit is the most the agent reads of a config file. Real ones are a
// few kilobytes, a fully commented lvm.conf about a hundred; the content
// travels in probe results and undo records, whose payloads Temporal caps
// at 2 MiB, so the three files of a storage probe at the limit still fit.
const FileLimit = 256 << 10

func (h *Host) readState(p string) (FileState, error) {
	real, err := h.file(p)
	if err != nil {
		return FileState{}, err
	}
	data, fi, err := readFile(real, p)
	if errors.Is(err, fs.ErrNotExist) {
		return FileState{Path: p}, nil
	}
	if err != nil {
		return FileState{}, err
	}
	return FileState{Path: p, Exists: true, Content: string(data), Mode: uint32(fi.Mode().Perm())}, nil
}

// statState is readState without the content: whether the file p exists,
// and its mode. What readState refuses to read, it refuses too.
func (h *Host) statState(p string) (FileState, error) {
	real, err := h.file(p)
	if err != nil {
		return FileState{}, err
	}
	fi, err := os.Stat(real)
	if errors.Is(err, fs.ErrNotExist) {
		return FileState{Path: p}, nil
	}
	if err != nil {
		return FileState{}, err
	}
	if !fi.Mode().IsRegular() {
		return FileState{}, notRegular(p, fi)
	}
	return FileState{Path: p, Exists: true, Mode: uint32(fi.Mode().Perm())}, nil
}

// readFile reads the file at real, which the procedures call p, only if it
// is a regular file and only through FileLimit: a FIFO would block the
// activity until its timeout, a device or a runaway file grow without end.
// What is refused is a permanent ErrBadConfig: a person must look.
func readFile(real, p string) ([]byte, fs.FileInfo, error) {
	fi, err := os.Stat(real)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, notRegular(p, fi)
	}
	// Not blocking, and checked again once open, in case the path was
	// replaced by a FIFO in between.
	f, err := os.OpenFile(real, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, notRegular(p, fi)
	}
	data, err := io.ReadAll(io.LimitReader(f, FileLimit+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > FileLimit {
		return nil, nil, permanent(ErrBadConfig, "%s: %d bytes, larger than the %d bytes (%d KiB) the agent reads of a config file", p, max(fi.Size(), int64(len(data))), FileLimit, FileLimit>>10)
	}
	return data, fi, nil
}

func notRegular(p string, fi fs.FileInfo) error {
	return permanent(ErrBadConfig, "%s: not a regular file (mode %v): the agent reads and replaces only regular files", p, fi.Mode())
}

// exists reports whether p names anything on the host, a device or a
// directory as well as a file, without opening it.
func (h *Host) exists(p string) (bool, error) {
	real, err := h.file(p)
	if err != nil {
		return false, err
	}
	_, err = os.Stat(real)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
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
	old, _, err := readFile(real, p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err == nil {
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
	if bak, _, err := readFile(real+BackupSuffix, in.State.Path+BackupSuffix); err == nil && string(bak) == in.State.Content {
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
