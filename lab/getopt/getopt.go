// Package getopt parses a command line as glibc 2.5's getopt(3) does, for
// the lab's tools whose C sources call it (gfs2-utils, gnbd, e2fsprogs'
// blkid), so that they accept what the real ones accept and complain in
// the same words.
//
// Only short options are parsed: the tools that also take long options
// (coreutils', LVM's, drbdadm) have parsers of their own.
package getopt

import (
	"fmt"
	"io"
	"strings"
)

// glibc's complaints, prefixed with argv[0].
const (
	fmtInvalidOption = "%s: invalid option -- %c"
	fmtRequiresArg   = "%s: option requires an argument -- %c"
)

// Option is one option Parse returned.
type Option struct {
	// C is the option's letter: '?' for an invalid option or one missing
	// its argument, already reported, and 1 for an operand returned in
	// order (a spec starting with "-").
	C byte
	// Arg is the option's argument, or the operand for C == 1.
	Arg string
	// HasArg tells an optional argument given ("-U''" for "U::") from
	// one absent.
	HasArg bool
}

// Parse parses args (argv without argv[0]) as getopt(3) does with the
// option string spec: options may be grouped ("-lq"), a required argument
// ("u:") is the rest of the word or the next word ("-u0", "-u 0"), an
// optional one ("U::") only the rest of the word. Operands are permuted
// to the end; a spec starting with "-" returns them in place instead, as
// options 1, and one starting with "+" stops at the first. "--" ends the
// options, and what follows it comes back as operands in every mode.
// Errors are written to stderr as glibc writes them and come back as '?'.
func Parse(argv0 string, args []string, spec string, stderr io.Writer) (opts []Option, operands []string) {
	inOrder, stopAtOperand := false, false
	switch {
	case strings.HasPrefix(spec, "-"):
		inOrder, spec = true, spec[1:]
	case strings.HasPrefix(spec, "+"):
		stopAtOperand, spec = true, spec[1:]
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return opts, append(operands, args[i+1:]...)
		}
		if len(a) < 2 || a[0] != '-' {
			switch {
			case inOrder:
				opts = append(opts, Option{C: 1, Arg: a})
			case stopAtOperand:
				return opts, append(operands, args[i:]...)
			default:
				operands = append(operands, a)
			}
			continue
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			k := strings.IndexByte(spec, c)
			if k < 0 || c == ':' {
				fmt.Fprintf(stderr, fmtInvalidOption+"\n", argv0, c)
				opts = append(opts, Option{C: '?'})
				continue
			}
			switch rest := spec[k+1:]; {
			case strings.HasPrefix(rest, "::"):
				if j+1 < len(a) {
					opts = append(opts, Option{C: c, Arg: a[j+1:], HasArg: true})
				} else {
					opts = append(opts, Option{C: c})
				}
			case strings.HasPrefix(rest, ":"):
				switch {
				case j+1 < len(a):
					opts = append(opts, Option{C: c, Arg: a[j+1:], HasArg: true})
				case i+1 < len(args):
					i++
					opts = append(opts, Option{C: c, Arg: args[i], HasArg: true})
				default:
					fmt.Fprintf(stderr, fmtRequiresArg+"\n", argv0, c)
					opts = append(opts, Option{C: '?'})
				}
			default:
				opts = append(opts, Option{C: c})
				continue
			}
			break // the argument took the rest of the word
		}
	}
	return opts, operands
}
