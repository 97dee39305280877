package cman

import (
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// stateFile is where the lab keeps this emulation's shared state.
const stateFile = "cman.json"

func load(lab string) (*State, error) { return state.Load[State](lab, stateFile) }

// change runs fn on the shared state under the lab's lock and saves it;
// an error from fn leaves the state as it was.
func change(lab string, fn func(*State) error) error { return state.Change(lab, stateFile, fn) }
