package packages

import (
	"bytes"
	"fmt"
	"io"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// txKind is what tells yum install from yum remove: their words, how they
// plan a transaction and what they do to each package of it.
type txKind struct {
	setup    string // "Setting up ... Process"
	parse    string // "Parsing package ... arguments", if the command says it
	needList string // the error for no package names
	nothing  string // what is said when there is nothing to do
	// table and progress head the transaction table and the progress
	// lines; done and depsDone the result lines.
	table, progress, done, depsDone string
	// installs tells the table's summary to count installs, not removals,
	// and yum to say the download size.
	installs bool
	// plan decides the transaction and writes yum's account of it; order,
	// if set, orders it as rpm runs it.
	plan  func(d *db, names []string, out, errs io.Writer) []txItem
	order func(tx []txItem) []txItem
	// apply does one package's part under the lab's lock; the database
	// is written after the last.
	apply func(p *host.Proc, d *db, it txItem) error
}

// run plans under the lab's lock, asks unless assumeYes, then applies the
// transaction under the lock again: a concurrent yum that got there first
// is not an error, as yum's own lock would have serialized the two.
func (k txKind) run(p *host.Proc, names []string, assumeYes bool) int {
	fmt.Fprintln(p.Stdout, msgPlugins)
	fmt.Fprintln(p.Stdout, k.setup)
	if len(names) == 0 {
		fmt.Fprintln(p.Stderr, k.needList)
		return 1
	}
	if k.parse != "" {
		fmt.Fprintln(p.Stdout, k.parse)
	}
	var out, errs bytes.Buffer
	var tx []txItem
	err := state.With(p.Host.Lab, func() error {
		d, err := readDB(p.Host)
		if err != nil {
			return err
		}
		tx = k.plan(d, names, &out, &errs)
		return nil
	})
	p.Stderr.Write(errs.Bytes())
	p.Stdout.Write(out.Bytes())
	if err != nil {
		fmt.Fprintf(p.Stderr, "yum: %v\n", err)
		return 1
	}
	if len(tx) == 0 {
		fmt.Fprintln(p.Stdout, k.nothing)
		return 0
	}
	if k.installs {
		printTable(p.Stdout, k.table, tx, len(tx), 0)
		var size int64
		for _, it := range tx {
			size += it.pkg.Size
		}
		fmt.Fprintf(p.Stdout, fmtDownloadSize+"\n", formatNumber(float64(size)))
	} else {
		printTable(p.Stdout, k.table, tx, 0, len(tx))
	}
	if !assumeYes && !confirm(p) {
		return 1
	}
	fmt.Fprintln(p.Stdout, msgDownloading)
	ordered := tx
	if k.order != nil {
		ordered = k.order(tx)
	}
	err = state.With(p.Host.Lab, func() error {
		d, err := readDB(p.Host)
		if err != nil {
			return err
		}
		for _, it := range ordered {
			if err := k.apply(p, d, it); err != nil {
				return err
			}
		}
		return d.write(p.Host)
	})
	if err != nil {
		fmt.Fprintf(p.Stderr, "yum: %v\n", err)
		return 1
	}
	runTransaction(p.Stdout, k.progress, ordered)
	printResult(p.Stdout, k.done, k.depsDone, tx)
	return 0
}

func printTable(w io.Writer, action string, tx []txItem, installs, removes int) {
	fmt.Fprintf(w, "\n%s\n\n%s\n", msgDepsResolved, tableRule)
	fmt.Fprintf(w, fmtTableHeader+"\n", "Package", "Arch", "Version", "Repository", "Size")
	fmt.Fprintln(w, tableRule)
	for _, dep := range []bool{false, true} {
		header := action + ":"
		if dep {
			header = action + " for dependencies:"
		}
		printed := false
		for _, it := range tx {
			if it.dep != dep {
				continue
			}
			if !printed {
				fmt.Fprintln(w, header)
				printed = true
			}
			fmt.Fprintf(w, fmtTableRow+"\n", it.pkg.Name, it.pkg.Arch, it.pkg.Version+"-"+it.pkg.Release, it.pkg.Repo, formatNumber(float64(it.pkg.Size)))
		}
	}
	fmt.Fprintf(w, "\n%s\n%s\n", msgTransactionHeader, tableRule)
	fmt.Fprintf(w, fmtSummaryLine+"\n", "Install", installs)
	fmt.Fprintf(w, fmtSummaryLine+"\n", "Update", 0)
	fmt.Fprintf(w, fmtSummaryLine+"\n", "Remove", removes)
	fmt.Fprintln(w)
}

func runTransaction(w io.Writer, action string, tx []txItem) {
	for _, line := range []string{msgRpmCheckDebug, msgTestRunning, msgTestFinished, msgTestSucceeded, msgRunning} {
		fmt.Fprintln(w, line)
	}
	for i, it := range tx {
		fmt.Fprintf(w, fmtTxProgress+"\n", action, it.pkg.Name, i+1, len(tx))
	}
}

func printResult(w io.Writer, asked, deps string, tx []txItem) {
	for _, dep := range []bool{false, true} {
		label := asked
		if dep {
			label = deps
		}
		line := ""
		for _, it := range tx {
			if it.dep == dep {
				line += fmt.Sprintf(" %s.%s %s", it.pkg.Name, it.pkg.Arch, it.pkg.EVR())
			}
		}
		if line != "" {
			fmt.Fprintf(w, "\n%s:%s", label, line)
		}
	}
	fmt.Fprintf(w, "\n%s\n", msgComplete)
}

// depsFirst orders a transaction as rpm runs it: what is required before
// what requires it.
func depsFirst(tx []txItem) []txItem {
	var out []txItem
	for i := len(tx) - 1; i >= 0; i-- {
		if tx[i].dep {
			out = append(out, tx[i])
		}
	}
	for _, it := range tx {
		if !it.dep {
			out = append(out, it)
		}
	}
	return out
}

// formatNumber is yum's format_number: 1024-based, one decimal below 9.95.
func formatNumber(n float64) string {
	symbols := []string{" ", "k", "M", "G", "T"}
	depth := 0
	for n > 999 && depth < len(symbols)-1 {
		depth++
		n /= 1024
	}
	if n < 9.95 {
		return fmt.Sprintf("%.1f %s", n, symbols[depth])
	}
	return fmt.Sprintf("%.0f %s", n, symbols[depth])
}
