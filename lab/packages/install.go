package packages

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// install plans under the lab's lock, asks unless -y, then installs what is
// still missing under the lock again: a concurrent yum that got there first
// is not an error, as yum's own lock would have serialized the two.
func install(p *host.Proc, names []string, assumeYes bool) int {
	fmt.Fprintln(p.Stdout, msgPlugins)
	fmt.Fprintln(p.Stdout, msgSetupInstall)
	if len(names) == 0 {
		fmt.Fprintln(p.Stderr, msgNeedInstallList)
		return 1
	}
	fmt.Fprintln(p.Stdout, msgParseInstall)

	var out, errs bytes.Buffer
	var tx []txItem
	err := state.With(p.Host.Lab, func() error {
		d, err := readDB(p.Host)
		if err != nil {
			return err
		}
		tx = planInstall(d, names, &out, &errs)
		return nil
	})
	p.Stderr.Write(errs.Bytes())
	p.Stdout.Write(out.Bytes())
	if err != nil {
		fmt.Fprintf(p.Stderr, "yum: %v\n", err)
		return 1
	}
	if len(tx) == 0 {
		fmt.Fprintln(p.Stdout, msgNothingToDo)
		return 0
	}
	printTable(p.Stdout, "Installing", tx, len(tx), 0)
	var size int64
	for _, it := range tx {
		size += it.pkg.Size
	}
	fmt.Fprintf(p.Stdout, fmtDownloadSize+"\n", formatNumber(float64(size)))
	if !assumeYes && !confirm(p) {
		return 1
	}
	fmt.Fprintln(p.Stdout, msgDownloading)

	ordered := depsFirst(tx)
	err = state.With(p.Host.Lab, func() error {
		d, err := readDB(p.Host)
		if err != nil {
			return err
		}
		for _, it := range ordered {
			if _, ok := d.find(it.pkg.Name); ok {
				continue // a concurrent yum got there first
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
		}
		return d.write(p.Host)
	})
	if err != nil {
		fmt.Fprintf(p.Stderr, "yum: %v\n", err)
		return 1
	}
	runTransaction(p.Stdout, "Installing", ordered)
	printResult(p.Stdout, "Installed", "Dependency Installed", tx)
	return 0
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
