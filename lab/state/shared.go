package state

import "path/filepath"

// Load reads the lab-wide state file name (under Dir) into a new T; a
// missing file gives T's zero value. Files are replaced atomically, so a
// read-only tool needs no lock.
func Load[T any](lab, name string) (*T, error) {
	v := new(T)
	if err := ReadJSON(filepath.Join(Dir(lab), name), v); err != nil {
		return nil, err
	}
	return v, nil
}

// Change runs fn on the state in file name under the lab's lock and saves
// what it did; an error from fn leaves the state as it was. This is how
// every emulated tool changes what other hosts see.
func Change[T any](lab, name string, fn func(*T) error) error {
	return With(lab, func() error {
		v, err := Load[T](lab, name)
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
		return WriteJSON(filepath.Join(Dir(lab), name), v)
	})
}
