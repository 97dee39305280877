package packages

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

// txItem is one package of a transaction; dep marks one yum added to satisfy
// a dependency rather than because it was asked for.
type txItem struct {
	pkg Package
	dep bool
}

// Yum runs `yum [-y] install|remove|erase PACKAGE...`.
func Yum(p *host.Proc) int {
	assumeYes := false
	var words []string
	for _, a := range p.Args {
		switch {
		case a == "-y" || a == "--assumeyes":
			assumeYes = true
		case strings.HasPrefix(a, "-"):
			fmt.Fprintf(p.Stderr, fmtNoSuchOption+"\n", a)
			return 1
		default:
			words = append(words, a)
		}
	}
	if len(words) == 0 {
		fmt.Fprintln(p.Stderr, msgNeedCommand)
		return 1
	}
	switch words[0] {
	case "install":
		return installing.run(p, words[1:], assumeYes)
	case "remove", "erase":
		return removing.run(p, words[1:], assumeYes)
	default:
		fmt.Fprintf(p.Stderr, fmtNoSuchCommand+"\n", words[0])
		return 1
	}
}

// confirm asks as yum does without -y; anything but y or yes, including the
// end of input an agent's closed stdin gives, is a no.
func confirm(p *host.Proc) bool {
	fmt.Fprint(p.Stdout, msgPrompt)
	line := ""
	if p.Stdin != nil {
		line, _ = bufio.NewReader(p.Stdin).ReadString('\n')
	}
	if !strings.HasSuffix(line, "\n") {
		fmt.Fprintln(p.Stdout)
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	fmt.Fprintln(p.Stdout, msgUserExit)
	return false
}
