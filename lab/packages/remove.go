package packages

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// remove erases the packages asked for and those that require them.
func remove(p *host.Proc, names []string, assumeYes bool) int {
	fmt.Fprintln(p.Stdout, msgPlugins)
	fmt.Fprintln(p.Stdout, msgSetupRemove)
	if len(names) == 0 {
		fmt.Fprintln(p.Stderr, msgNeedRemoveList)
		return 1
	}
	var out, errs bytes.Buffer
	var tx []txItem
	err := state.With(p.Host.Lab, func() error {
		d, err := readDB(p.Host)
		if err != nil {
			return err
		}
		tx = planRemove(d, names, &out, &errs)
		return nil
	})
	p.Stderr.Write(errs.Bytes())
	p.Stdout.Write(out.Bytes())
	if err != nil {
		fmt.Fprintf(p.Stderr, "yum: %v\n", err)
		return 1
	}
	if len(tx) == 0 {
		fmt.Fprintln(p.Stdout, msgNoRemove)
		return 0
	}
	printTable(p.Stdout, "Removing", tx, 0, len(tx))
	if !assumeYes && !confirm(p) {
		return 1
	}
	fmt.Fprintln(p.Stdout, msgDownloading)
	err = state.With(p.Host.Lab, func() error {
		d, err := readDB(p.Host)
		if err != nil {
			return err
		}
		for _, it := range tx {
			for _, l := range it.pkg.Links {
				if err := unlink(p.Host, l); err != nil {
					return err
				}
			}
			if err := removeFiles(p.Host, it.pkg); err != nil {
				return err
			}
			d.remove(it.pkg.Name)
		}
		return d.write(p.Host)
	})
	if err != nil {
		fmt.Fprintf(p.Stderr, "yum: %v\n", err)
		return 1
	}
	runTransaction(p.Stdout, "Erasing   ", tx)
	printResult(p.Stdout, "Removed", "Dependency Removed", tx)
	return 0
}

// planRemove decides what to remove: the packages asked for that are
// installed, and the installed packages that require them, which rpm would
// otherwise leave broken.
func planRemove(d *db, names []string, out, errs io.Writer) []txItem {
	var tx []txItem
	inTx := func(name string) bool {
		return slices.ContainsFunc(tx, func(it txItem) bool { return it.pkg.Name == name })
	}
	for _, n := range names {
		nvr, ok := d.find(n)
		if !ok {
			fmt.Fprintf(errs, fmtNoMatch+"\n", n)
			continue
		}
		if !inTx(n) {
			tx = append(tx, txItem{pkg: installedPackage(nvr)})
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
			fmt.Fprintf(out, fmtToErase+"\n", it.pkg.Name, it.pkg.Arch, it.pkg.EVR())
		}
		var next []txItem
		for _, it := range round {
			for _, nvr := range d.nvrs {
				q := installedPackage(nvr)
				if inTx(q.Name) || !slices.Contains(q.Requires, it.pkg.Name) {
					continue
				}
				fmt.Fprintf(out, fmtProcessingDep+"\n", it.pkg.Name, q.Name)
				dep := txItem{pkg: q, dep: true}
				tx = append(tx, dep)
				next = append(next, dep)
			}
		}
		round = next
	}
	fmt.Fprintln(out, msgFinishedDeps)
	for i := range tx {
		tx[i].pkg.Repo = "installed"
	}
	return tx
}

// installedPackage is the catalogue entry for an installed NVR, or a bare
// one for a line the catalogue does not know (a hand-edited database).
func installedPackage(nvr string) Package {
	name := nameOf(nvr)
	if p, ok := Catalogue[name]; ok {
		return p
	}
	vr := strings.TrimPrefix(nvr, name+"-")
	v, r, _ := strings.Cut(vr, "-")
	return Package{Name: name, Version: v, Release: r, Arch: "i386"}
}

// removeFiles deletes a package's config files that are as it installed
// them; a changed one stays.
func removeFiles(h host.Host, pkg Package) error {
	for path, content := range pkg.Files {
		data, err := os.ReadFile(h.Path(path))
		if err != nil || string(data) != content {
			continue
		}
		if err := os.Remove(h.Path(path)); err != nil {
			return err
		}
	}
	return nil
}
