package packages

import (
	"fmt"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// Rpm runs `rpm -q PACKAGE...` and `rpm -qa`. Like rpm, -q exits with the
// number of packages that are not installed.
func Rpm(p *host.Proc) int {
	if len(p.Args) == 0 || (p.Args[0] != "-q" && p.Args[0] != "-qa") {
		fmt.Fprintln(p.Stderr, msgRpmNotEmulated)
		return 1
	}
	d, err := readDB(p.Host)
	if err != nil {
		fmt.Fprintf(p.Stderr, "rpm: %v\n", err)
		return 1
	}
	if p.Args[0] == "-qa" {
		for _, nvr := range d.nvrs {
			fmt.Fprintln(p.Stdout, nvr)
		}
		return 0
	}
	names := p.Args[1:]
	if len(names) == 0 {
		fmt.Fprintln(p.Stderr, msgRpmNoArguments)
		return 1
	}
	missing := 0
	for _, n := range names {
		if nvr, ok := d.find(n); ok {
			fmt.Fprintln(p.Stdout, nvr)
		} else if nvr, ok := d.find(nameOf(n)); ok && nvr == n {
			fmt.Fprintln(p.Stdout, nvr)
		} else {
			fmt.Fprintf(p.Stdout, fmtRpmNotInstalled+"\n", n)
			missing++
		}
	}
	return missing
}
