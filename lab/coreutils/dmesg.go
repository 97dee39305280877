package coreutils

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/getopt"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/kmsg"
)

// Dmesg runs dmesg of util-linux 2.13: the host's kernel messages (package
// kmsg) without their level prefixes; -c clears them after reading, -s
// reads only the newest bufsize bytes, and -n, which sets the console's
// level, changes nothing the lab shows.
func Dmesg(p *host.Proc) int {
	opts, operands := getopt.Parse(p.Name, p.Args, "cn:s:", p.Stderr)
	clear, console, bufsize := false, false, 0
	for _, o := range opts {
		switch o.C {
		case 'c':
			clear = true
		case 'n':
			console = true
		case 's':
			n, _ := strconv.Atoi(o.Arg) // atoi: garbage reads as 0
			bufsize = max(n, 4096)
		default:
			fmt.Fprintf(p.Stderr, fmtDmesgUsage+"\n", p.Name)
			return 1
		}
	}
	if len(operands) > 1 {
		fmt.Fprintf(p.Stderr, fmtDmesgUsage+"\n", p.Name)
		return 1
	}
	if console {
		return 0
	}
	size := 0
	if bufsize > 0 {
		size = bufsize + 8 // dmesg asks for 8 bytes more than it was told
	}
	read := kmsg.Read
	if clear {
		read = kmsg.ReadClear
	}
	raw, err := read(p.Host.Lab, p.Host.FQDN, size)
	if err != nil {
		fmt.Fprintf(p.Stderr, fmtLabError+"\n", p.Name, err)
		return 1
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(raw, "\n") {
		b.WriteString(kmsg.Strip(line))
	}
	out := b.String()
	if out != "" && !strings.HasSuffix(out, "\n") {
		out += "\n"
	}
	fmt.Fprint(p.Stdout, out)
	return 0
}
