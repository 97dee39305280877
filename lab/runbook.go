package main

import (
	"errors"
	"flag"
	"os"

	"github.com/tetsuzuki/tetsuzuki/lab/scale"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// runRunbook prints a generated runbook of the blog's stack grown to many
// clients (package lab/scale), for lab init and lab up:
//
//	lab runbook --clients 1000 > scale.yaml
//
// The YAML is loaded and validated as any runbook file before it is
// printed, so that what comes out is a runbook a run takes.
func runRunbook(args []string) error {
	fs := flag.NewFlagSet("lab runbook", flag.ContinueOnError)
	var o scale.Options
	fs.IntVar(&o.Clients, "clients", 0, "the number of clients, each importing every export and multipathing every pair")
	fs.IntVar(&o.Pairs, "pairs", scale.DefaultPairs, "the number of storage pairs, each a two-node cman cluster")
	fs.IntVar(&o.ClusterSize, "cluster-size", scale.DefaultClusterSize, "the most nodes of a client cluster (RHEL 5 cman supports 16)")
	fs.StringVar(&o.Name, "name", "", "the runbook's name (default scale-<pairs>p-<clients>c)")
	fs.BoolVar(&o.NoVolume, "no-volume", false, "leave out CLVM and GFS2")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.Clients < 1 || fs.NArg() > 0 {
		return errors.New("need --clients N (at least 1) and no arguments")
	}
	data, err := scale.YAML(o)
	if err != nil {
		return err
	}
	if _, err := runbooks.Parse("lab runbook", data); err != nil {
		return err
	}
	_, err = os.Stdout.Write(data)
	return err
}
