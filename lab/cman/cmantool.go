package cman

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
)

// CmanTool runs `cman_tool status`, `cman_tool nodes` and
// `cman_tool version`; the operations that change membership are the init
// script's business in the procedures and are not emulated.
func CmanTool(p *host.Proc) int {
	if ok, status := packages.Present(p, "cman"); !ok {
		return status
	}
	op, expected := "", ""
	for i := 0; i < len(p.Args); i++ {
		a := p.Args[i]
		switch {
		case a == "-h":
			fmt.Fprintf(p.Stdout, msgCmanToolUsage, p.Name)
			return 0
		case a == "-e" && i+1 < len(p.Args):
			expected = p.Args[i+1]
			i++
		case strings.HasPrefix(a, "-"):
			if len(a) == 2 && strings.ContainsRune("mnvepcriNtok", rune(a[1])) {
				i++ // an option with a value
			}
		case op != "":
			fmt.Fprintf(p.Stderr, fmtUnknownOption+"\n", p.Name, a)
			return 1
		default:
			op = a
		}
	}
	switch op {
	case "":
		fmt.Fprintf(p.Stderr, fmtNoOperation+"\n", p.Name)
		return 1
	case "status", "nodes", "version":
	case "expected":
		return setExpected(p, expected)
	case "join", "leave", "kill", "votes", "wait", "services":
		fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", p.Name, "cman_tool "+op)
		return 1
	default:
		fmt.Fprintf(p.Stderr, fmtUnknownOption+"\n", p.Name, op)
		return 1
	}
	s, err := load(p.Host.Lab)
	if err != nil {
		fmt.Fprintf(p.Stderr, "%s: %v\n", p.Name, err)
		return 1
	}
	c, m := s.Running(p.Host.FQDN)
	if c == nil {
		fmt.Fprintf(p.Stderr, fmtCannotConnect+"\n", p.Name)
		return 1
	}
	switch op {
	case "nodes":
		fmt.Fprintln(p.Stdout, msgNodesHeader)
		for _, n := range c.Nodes() {
			fmt.Fprintln(p.Stdout, n)
		}
	case "version":
		fmt.Fprintf(p.Stdout, fmtCmanVersion+"\n", c.Conf().Version)
	case "status":
		fmt.Fprint(p.Stdout, Status(c, m, nodeAddress(p.Host, m.Name)))
	}
	return 0
}

// Status formats `cman_tool status` as member m of cluster c sees it.
func Status(c *Cluster, m *Member, addr string) string {
	conf := c.Conf()
	q := c.Quorum()
	mark, flags := quorateMark, ""
	if !q.Quorate {
		mark = inquorateMark
	}
	if conf.TwoNode {
		flags = twoNodeFlag
	}
	return fmt.Sprintf(fmtStatus, conf.Version, c.Name, ClusterID(c.Name), c.Incarnation,
		len(c.Members), q.Expected, q.Total, q.Quorum, mark, flags,
		m.Name, m.NodeID, MulticastAddr(conf), addr)
}

// nodeAddress is the address the node name resolves to in the host's
// /etc/hosts, which is where cman looks it up on a host without DNS.
func nodeAddress(h host.Host, name string) string {
	f, err := os.Open(h.Path("/etc/hosts"))
	if err != nil {
		return defaultNodeAddr
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		for _, alias := range fields[min(1, len(fields)):] {
			if alias == name {
				return fields[0]
			}
		}
	}
	return defaultNodeAddr
}

// setExpected is `cman_tool expected -e votes`.
func setExpected(p *host.Proc, value string) int {
	votes, err := strconv.Atoi(value)
	if err != nil || votes < 1 {
		fmt.Fprintf(p.Stderr, fmtBadExpected+"\n", p.Name)
		return 1
	}
	err = change(p.Host.Lab, func(s *State) error {
		if c, _ := s.Running(p.Host.FQDN); c == nil {
			return errNotRunning
		}
		return s.SetExpected(p.Host.FQDN, votes)
	})
	switch {
	case err == errNotRunning:
		fmt.Fprintf(p.Stderr, fmtCannotConnect+"\n", p.Name)
		return 1
	case err != nil:
		fmt.Fprintf(p.Stderr, "%s: %v\n", p.Name, err)
		return 1
	}
	return 0
}

var errNotRunning = errors.New("cman is not running")
