package gnbd

import (
	"fmt"
	"io"
	"strings"
)

// option is one option getopt returned: its letter ('?' for an invalid or
// incomplete one, already reported) and its argument.
type option struct {
	c   byte
	arg string
	// hasArg tells an optional argument given ("-U''") from one absent.
	hasArg bool
}

// getopt parses args as glibc 2.5's getopt does with the option string
// spec: options may be grouped ("-lq"), a required argument is the rest of
// the word or the next word ("-u0", "-u 0"), an optional one ("U::") only
// the rest of the word; operands are permuted to the end, and "--" ends the
// options. Errors are reported as glibc reports them, prefixed with argv[0],
// and come back as '?'.
func getopt(argv0 string, args []string, spec string, stderr io.Writer) (opts []option, operands []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			operands = append(operands, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			operands = append(operands, a)
			continue
		}
		for j := 1; j < len(a); j++ {
			c := a[j]
			k := strings.IndexByte(spec, c)
			if k < 0 || c == ':' {
				fmt.Fprintf(stderr, fmtInvalidOption+"\n", argv0, c)
				opts = append(opts, option{c: '?'})
				continue
			}
			switch {
			case strings.HasPrefix(spec[k+1:], "::"):
				if j+1 < len(a) {
					opts = append(opts, option{c: c, arg: a[j+1:], hasArg: true})
				} else {
					opts = append(opts, option{c: c})
				}
				j = len(a)
			case strings.HasPrefix(spec[k+1:], ":"):
				switch {
				case j+1 < len(a):
					opts = append(opts, option{c: c, arg: a[j+1:], hasArg: true})
				case i+1 < len(args):
					i++
					opts = append(opts, option{c: c, arg: args[i], hasArg: true})
				default:
					fmt.Fprintf(stderr, fmtRequiresArg+"\n", argv0, c)
					opts = append(opts, option{c: '?'})
				}
				j = len(a)
			default:
				opts = append(opts, option{c: c})
			}
		}
	}
	return opts, operands
}
