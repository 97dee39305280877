package emu

import (
	"path/filepath"

	"github.com/tetsuzuki/tetsuzuki/lab/fault"
)

// Fault is an injected misbehaviour of a tool; see package fault.
type Fault = fault.Fault

// The modes of a Fault.
const (
	FaultFail = fault.Fail
	FaultHang = fault.Hang
	FaultSlow = fault.Slow
)

// AddFault puts a fault in place in the lab at dir.
func AddFault(dir string, f Fault) error {
	lab, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	return fault.Add(lab, f)
}

// ClearFaults removes the faults of one host, or all of them when hostName
// is empty.
func ClearFaults(dir, hostName string) error {
	lab, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	return fault.Clear(lab, hostName)
}

// Faults lists the faults in place, in the order they are tried.
func Faults(dir string) ([]Fault, error) {
	lab, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return fault.List(lab)
}
