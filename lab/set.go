package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"

	"github.com/tetsuzuki/tetsuzuki/lab/drbd"
)

// runSet changes a lab setting:
//
//	lab set --dir D drbd-speedup FACTOR   resyncs run FACTOR times their rate
func runSet(args []string) error {
	fs := flag.NewFlagSet("lab set", flag.ContinueOnError)
	dir := fs.String("dir", "", "the lab directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || fs.NArg() != 2 {
		return errors.New("need --dir DIR SETTING VALUE")
	}
	if fi, err := os.Stat(*dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s is not a lab directory", *dir)
	}
	key, value := fs.Arg(0), fs.Arg(1)
	switch key {
	case drbd.SpeedupKey:
		f, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return fmt.Errorf("%s %q: not a number", key, value)
		}
		return drbd.SetSpeedup(*dir, f)
	default:
		return fmt.Errorf("unknown setting %q (known: %s)", key, drbd.SpeedupKey)
	}
}
