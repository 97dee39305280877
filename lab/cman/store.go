package cman

import (
	"path/filepath"

	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

func statePath(lab string) string { return filepath.Join(state.Dir(lab), "cman.json") }

// load reads the shared cman state. The file is replaced atomically, so a
// read-only tool may call it without the lock.
func load(lab string) (*State, error) {
	s := &State{}
	if err := state.ReadJSON(statePath(lab), s); err != nil {
		return nil, err
	}
	return s, nil
}

// change runs fn on the shared state under the lab's lock and saves what it
// did; an error from fn leaves the state as it was.
func change(lab string, fn func(*State) error) error {
	return state.With(lab, func() error {
		s, err := load(lab)
		if err != nil {
			return err
		}
		if err := fn(s); err != nil {
			return err
		}
		return state.WriteJSON(statePath(lab), s)
	})
}
