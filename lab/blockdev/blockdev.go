package blockdev

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// SectorSize is the size of a sector in bytes, as the kernel counts them.
const SectorSize = 512

// Device is what a device file holds.
type Device struct {
	// Sectors is the device's size in 512-byte sectors.
	Sectors int64 `json:"sectors"`
	// Major and Minor are the device numbers (252:0 for gnbd0, 147:0 for
	// drbd0, 202:16 for xvdb), which some tools print.
	Major int `json:"major"`
	Minor int `json:"minor"`
	// Backing names what the device stands on, for tools that report it
	// (a DRBD device's disk, a GNBD import's server and export).
	Backing string `json:"backing,omitempty"`
}

// Create makes (or replaces) the device at path on host h.
func Create(h host.Host, path string, d Device) error {
	file := h.Path(path)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	data, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return state.WriteFile(file, data, 0o660)
}

// Get returns the device at path; ok is false when there is none.
func Get(h host.Host, path string) (d Device, ok bool, err error) {
	data, err := os.ReadFile(h.Path(path))
	if errors.Is(err, fs.ErrNotExist) {
		return Device{}, false, nil
	}
	if err != nil {
		return Device{}, false, err
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return Device{}, false, fmt.Errorf("%s is not a lab device: %w", path, err)
	}
	return d, true, nil
}

// Remove deletes the device at path; a missing device is not an error.
func Remove(h host.Host, path string) error {
	err := os.Remove(h.Path(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
