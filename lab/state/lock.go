package state

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Dir is where a lab keeps its shared state.
func Dir(lab string) string { return filepath.Join(lab, "state") }

// Lock takes the lab's exclusive lock and returns the function that releases
// it. The lock is an flock, so it is released by the kernel if the holder is
// killed: a tool killed by an agent's timeout never wedges the lab.
func Lock(lab string) (unlock func(), err error) {
	if err := os.MkdirAll(Dir(lab), 0o755); err != nil {
		return nil, fmt.Errorf("lab state: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(Dir(lab), "lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lab state: %w", err)
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lab state: lock: %w", err)
	}
	return func() { f.Close() }, nil
}

// With runs fn while holding the lab's lock.
func With(lab string, fn func() error) error {
	unlock, err := Lock(lab)
	if err != nil {
		return err
	}
	defer unlock()
	return fn()
}
