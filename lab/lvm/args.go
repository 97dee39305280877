package lvm

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// opt is one option an LVM command accepts: its short letter (0 for
// none), its long name ("" for none), whether it takes an argument, and
// the key the parsed value is kept under.
type opt struct {
	short byte
	long  string
	arg   bool
	key   string
}

// commonOpts are accepted by every command (lvmcmdline.c adds them).
var commonOpts = []opt{
	{'d', "debug", false, "debug"},
	{'v', "verbose", false, "verbose"},
	{'h', "help", false, "help"},
	{'?', "", false, "help"},
	{0, "version", false, "version"},
	{'t', "test", false, "test"},
}

// args is a parsed command line.
type args struct {
	vals     map[string][]string
	operands []string
}

func (a args) has(key string) bool  { return len(a.vals[key]) > 0 }
func (a args) count(key string) int { return len(a.vals[key]) }
func (a args) str(key string) string {
	if v := a.vals[key]; len(v) > 0 {
		return v[len(v)-1]
	}
	return ""
}

// parseArgs parses a command line as glibc 2.5's getopt_long does with
// LVM's option table for the command: short options grouped, arguments
// attached or in the next word, long options abbreviated to any unique
// prefix, operands permuted to the end, "--" ending options. It reports
// errors as getopt does and returns ok false.
func parseArgs(argv0 string, argv []string, table []opt, stderr io.Writer) (args, bool) {
	all := append(append([]opt(nil), commonOpts...), table...)
	a := args{vals: map[string][]string{}}
	for i := 0; i < len(argv); i++ {
		w := argv[i]
		switch {
		case w == "--":
			a.operands = append(a.operands, argv[i+1:]...)
			return a, true
		case strings.HasPrefix(w, "--"):
			name, val, hasVal := strings.Cut(w[2:], "=")
			o, status := findLong(all, name)
			switch status {
			case "ambiguous":
				fmt.Fprintf(stderr, fmtAmbiguousLong+"\n", argv0, name)
				return a, false
			case "unknown":
				fmt.Fprintf(stderr, fmtUnrecognizedLong+"\n", argv0, name)
				return a, false
			}
			switch {
			case o.arg && hasVal:
			case o.arg && i+1 < len(argv):
				i++
				val = argv[i]
			case o.arg:
				fmt.Fprintf(stderr, fmtLongNeedsArg+"\n", argv0, o.long)
				return a, false
			case hasVal:
				fmt.Fprintf(stderr, fmtLongNoArg+"\n", argv0, o.long)
				return a, false
			}
			a.vals[o.key] = append(a.vals[o.key], val)
		case len(w) > 1 && w[0] == '-':
			for j := 1; j < len(w); j++ {
				o, ok := findShort(all, w[j])
				if !ok {
					fmt.Fprintf(stderr, fmtInvalidShort+"\n", argv0, w[j])
					return a, false
				}
				if !o.arg {
					a.vals[o.key] = append(a.vals[o.key], "")
					continue
				}
				switch {
				case j+1 < len(w):
					a.vals[o.key] = append(a.vals[o.key], w[j+1:])
				case i+1 < len(argv):
					i++
					a.vals[o.key] = append(a.vals[o.key], argv[i])
				default:
					fmt.Fprintf(stderr, fmtShortNeedsArg+"\n", argv0, w[j])
					return a, false
				}
				j = len(w) // the argument took the rest of the word
			}
		default:
			a.operands = append(a.operands, w)
		}
	}
	return a, true
}

func findShort(table []opt, c byte) (opt, bool) {
	for _, o := range table {
		if o.short == c && c != 0 {
			return o, true
		}
	}
	return opt{}, false
}

// findLong matches a long option exactly, or by a unique prefix.
func findLong(table []opt, name string) (opt, string) {
	var matches []opt
	for _, o := range table {
		if o.long == "" {
			continue
		}
		if o.long == name {
			return o, ""
		}
		if strings.HasPrefix(o.long, name) && name != "" {
			matches = append(matches, o)
		}
	}
	switch {
	case len(matches) == 0:
		return opt{}, "unknown"
	case len(matches) > 1:
		// Aliases of one option are not ambiguous.
		for _, m := range matches[1:] {
			if m.key != matches[0].key {
				return opt{}, "ambiguous"
			}
		}
	}
	return matches[0], ""
}

// yesNo parses a y|n argument (yes_no_arg).
func yesNo(v string) (bool, bool) {
	switch v {
	case "y":
		return true, true
	case "n":
		return false, true
	}
	return false, false
}

// activation parses -a as yes_no_excl_arg does: y, n, and the exclusive
// (e) and local (l) forms in either order, which the lab takes as acting
// on this node only.
func activation(v string) (on, local, ok bool) {
	switch v {
	case "y":
		return true, false, true
	case "n":
		return false, false, true
	case "e", "ey", "ye", "ly", "yl":
		return true, true, true
	case "en", "ne", "ln", "nl":
		return false, true, true
	}
	return false, false, false
}

// signedNumber is an extents argument: "510", "+255", "-10", or a
// percentage "100%VG", "100%FREE"; sign is '+', '-' or 0.
type signedNumber struct {
	sign    byte
	n       int64
	percent string // "", "VG" or "FREE"
}

func parseExtents(v string) (signedNumber, bool) {
	var s signedNumber
	if v != "" && (v[0] == '+' || v[0] == '-') {
		s.sign, v = v[0], v[1:]
	}
	if num, pct, ok := strings.Cut(v, "%"); ok {
		if pct != "VG" && pct != "FREE" {
			return s, false
		}
		s.percent, v = pct, num
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return s, false
	}
	s.n = n
	return s, true
}

// parseSize is size_mb_arg: a number with an optional unit (k, m, g, t,
// either case, default m), returned in sectors.
func parseSize(v string) (signedNumber, bool) {
	var s signedNumber
	if v != "" && (v[0] == '+' || v[0] == '-') {
		s.sign, v = v[0], v[1:]
	}
	mult := 2048.0 // sectors per MiB
	if v != "" {
		switch strings.ToLower(v[len(v)-1:]) {
		case "k":
			mult, v = 2, v[:len(v)-1]
		case "m":
			v = v[:len(v)-1]
		case "g":
			mult, v = 2048*1024, v[:len(v)-1]
		case "t":
			mult, v = 2048*1024*1024, v[:len(v)-1]
		case "s":
			mult, v = 1, v[:len(v)-1]
		}
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		return s, false
	}
	s.n = int64(f * mult)
	return s, true
}
