package packages

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// installing is yum install: it installs the packages asked for and those
// they require, what they require first.
var installing = txKind{
	setup: msgSetupInstall, parse: msgParseInstall, needList: msgNeedInstallList, nothing: msgNothingToDo,
	table: "Installing", progress: "Installing", done: "Installed", depsDone: "Dependency Installed",
	installs: true,
	plan:     planInstall,
	order:    depsFirst,
	apply: func(p *host.Proc, d *db, it txItem) error {
		if _, ok := d.find(it.pkg.Name); ok {
			return nil // a concurrent yum got there first
		}
		for _, l := range it.pkg.Links {
			if err := Link(p.Host, l, p.Binary); err != nil {
				return err
			}
		}
		for _, dir := range it.pkg.Dirs {
			if err := mkdir(p.Host, dir); err != nil {
				return err
			}
		}
		if err := installFiles(p.Host, it.pkg); err != nil {
			return err
		}
		d.add(it.pkg)
		return nil
	},
}

// planInstall decides what to install and writes yum's account of it:
// messages for what is installed or unknown, then the dependency
// resolution, round by round as yum runs its transaction checks.
func planInstall(d *db, names []string, out, errs io.Writer) []txItem {
	var tx []txItem
	inTx := func(name string) bool {
		return slices.ContainsFunc(tx, func(it txItem) bool { return it.pkg.Name == name })
	}
	for _, n := range names {
		pkg, ok := Catalogue[n]
		switch {
		case !ok:
			fmt.Fprintf(errs, fmtNoPackage+"\n", n)
		case func() bool { _, inst := d.find(n); return inst }():
			fmt.Fprintf(out, fmtAlreadyInstalled+"\n", pkg)
		case !inTx(n):
			tx = append(tx, txItem{pkg: pkg})
		}
	}
	if len(tx) == 0 {
		return nil
	}
	fmt.Fprintln(out, msgResolving)
	round := slices.Clone(tx)
	for len(round) > 0 {
		fmt.Fprintln(out, msgTxCheck)
		for _, it := range round {
			fmt.Fprintf(out, fmtToUpdate+"\n", it.pkg.Name, it.pkg.Arch, it.pkg.EVR())
		}
		var next []txItem
		for _, it := range round {
			for _, req := range it.pkg.Requires {
				if _, inst := d.find(req); inst || inTx(req) {
					continue
				}
				fmt.Fprintf(out, fmtProcessingDep+"\n", req, it.pkg.Name)
				dep := txItem{pkg: Catalogue[req], dep: true}
				tx = append(tx, dep)
				next = append(next, dep)
			}
		}
		round = next
	}
	fmt.Fprintln(out, msgFinishedDeps)
	return tx
}

// installFiles writes a package's config files, keeping any the host
// already has, as rpm keeps an admin's %config(noreplace) file.
func installFiles(h host.Host, pkg Package) error {
	for _, path := range slices.Sorted(maps.Keys(pkg.Files)) {
		file := h.Path(path)
		if _, err := os.Lstat(file); err == nil {
			continue
		}
		if err := state.WriteFile(file, []byte(pkg.Files[path]), 0o644); err != nil {
			return err
		}
	}
	return nil
}
