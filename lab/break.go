package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/tetsuzuki/tetsuzuki/lab/breaks"
)

// runBreak injects a kind of drift into a host, or lists the kinds:
//
//	lab break --dir D --host H [--json] KIND [ARG...]
//	lab break --list
//
// It prints what it broke, then each finding a check must now report:
//
//	broke storage0a.example.org: drbd-disconnect r0
//	expect storage0a.example.org DRBD_STANDALONE r0
//	expect storage0b.example.org DRBD_WFCONNECTION r0
//
// or, with --json, the breaks.Result.
func runBreak(args []string) error {
	fs := flag.NewFlagSet("lab break", flag.ContinueOnError)
	dir := fs.String("dir", "", "the lab directory")
	hostName := fs.String("host", "", "the host to break (FQDN or short name)")
	list := fs.Bool("list", false, "list the kinds, one a line")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *list {
		if *dir != "" || *hostName != "" || *asJSON || fs.NArg() > 0 {
			return errors.New("--list takes nothing else")
		}
		for _, k := range breaks.Kinds {
			fmt.Printf("%-18s %-14s %s\n", k.Name, k.Args, k.Doc)
		}
		return nil
	}
	if *dir == "" || *hostName == "" || fs.NArg() == 0 {
		return errors.New("need --dir DIR --host HOST KIND [ARG...], or --list")
	}
	if fi, err := os.Stat(*dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s is not a lab directory", *dir)
	}
	res, err := breaks.Apply(*dir, *hostName, fs.Arg(0), fs.Args()[1:]...)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Printf("broke %s: %s %s\n", res.Host, res.Kind, res.Done)
	for _, w := range res.Wants {
		fmt.Printf("expect %s\n", w)
	}
	return nil
}
