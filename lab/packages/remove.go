package packages

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// removing is yum remove: it erases the packages asked for and those that
// require them.
var removing = txKind{
	setup: msgSetupRemove, needList: msgNeedRemoveList, nothing: msgNoRemove,
	table: "Removing", progress: "Erasing   ", done: "Removed", depsDone: "Dependency Removed",
	plan:  planRemove,
	apply: func(p *host.Proc, d *db, it txItem) error { return erase(p.Host, d, it.pkg) },
}

// erase is rpm erasing one package: its tools, its unchanged config files,
// its line in the database (written by the caller).
func erase(h host.Host, d *db, pkg Package) error {
	for _, l := range pkg.Links {
		if err := unlink(h, l); err != nil {
			return err
		}
	}
	if err := removeFiles(h, pkg); err != nil {
		return err
	}
	d.remove(pkg.Name)
	return nil
}

// Erase is `rpm -e --nodeps NAME` on a host, what lab break package-remove
// does: the package goes as yum remove would take it, and whatever
// requires it stays, broken. Running daemons of it are left running, as
// rpm leaves them.
func Erase(h host.Host, name string) error {
	return state.With(h.Lab, func() error {
		d, err := readDB(h)
		if err != nil {
			return err
		}
		nvr, ok := d.find(name)
		if !ok {
			return fmt.Errorf(fmtRpmNotInstalled, name)
		}
		if err := erase(h, d, installedPackage(nvr)); err != nil {
			return err
		}
		return d.write(h)
	})
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
