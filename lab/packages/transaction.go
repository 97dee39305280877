package packages

import (
	"fmt"
	"io"
)

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
