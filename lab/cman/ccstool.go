package cman

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// CcsTool runs `ccs_tool create [-2] NAME` and `ccs_tool update FILE`.
func CcsTool(p *host.Proc) int {
	if ok, status := packages.Present(p, "cman"); !ok {
		return status
	}
	args := p.Args
	if len(args) == 0 {
		fmt.Fprint(p.Stdout, msgCcsUsage)
		return 0
	}
	if args[0] == "-verbose" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprint(p.Stderr, msgCcsTooFew)
		return 1
	}
	switch args[0] {
	case "-h", "help":
		fmt.Fprint(p.Stdout, msgCcsUsage)
		return 0
	case "-V":
		fmt.Fprint(p.Stdout, msgCcsVersion)
		return 0
	case "create":
		return create(p, args[1:])
	case "update":
		if len(args) < 2 {
			fmt.Fprint(p.Stderr, msgCcsTooFew)
			return 1
		}
		return update(p, args[1])
	case "query", "addnode", "delnode", "addfence", "delfence", "lsnode", "lsfence", "addnodeids", "upgrade":
		fmt.Fprintf(p.Stderr, fmtNotEmulated+"\n", ccsProg, args[0])
		return 1
	default:
		fmt.Fprintf(p.Stderr, fmtCcsUnknown, args[0])
		return 1
	}
}

// create writes the skeleton ccs_tool's libxml writes (two-space indents,
// no blank lines), refusing to overwrite an existing file.
func create(p *host.Proc, args []string) int {
	twoNode, out, name := false, ClusterConfPath, ""
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-2":
			twoNode = true
		case a == "-c" && i+1 < len(args):
			i++
			out = p.Abs(args[i])
		case strings.HasPrefix(a, "-"):
			fmt.Fprint(p.Stderr, msgCreateUsage)
			return 0
		case name == "":
			name = a
		}
	}
	if name == "" {
		fmt.Fprint(p.Stderr, msgCreateUsage)
		return 0
	}
	file := p.Host.Path(out)
	if _, err := os.Lstat(file); err == nil {
		fmt.Fprintf(p.Stderr, fmtCreateExists+"\n", out)
		return 1
	}
	if fi, err := os.Stat(filepath.Dir(file)); err != nil || !fi.IsDir() {
		fmt.Fprintf(p.Stderr, fmtCreateWriteError+"\n", out)
		return 1
	}
	if err := state.WriteFile(file, Skeleton(name, twoNode), 0o644); err != nil {
		fmt.Fprintf(p.Stderr, fmtCreateWriteError+"\n", out)
		return 1
	}
	return 0
}

// Skeleton is the cluster.conf `ccs_tool create` writes.
func Skeleton(name string, twoNode bool) []byte {
	var b strings.Builder
	b.WriteString(skeletonHeader)
	fmt.Fprintf(&b, fmtSkeletonCluster, escapeAttr(name))
	if twoNode {
		b.WriteString(skeletonTwoNode)
	}
	b.WriteString(skeletonBody)
	return []byte(b.String())
}

// escapeAttr escapes an attribute value as libxml's serializer does.
func escapeAttr(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// update pushes a cluster.conf to the running cluster. The file is read and
// checked first, then the cluster's state is changed and every running
// member's copy written, all under the lab's lock so that a node starting at
// the same moment receives either the old version or the new, whole.
func update(p *host.Proc, location string) int {
	trueLocation := p.Abs(location)
	fail := func(lines ...string) int {
		for _, l := range lines {
			fmt.Fprintln(p.Stderr, l)
		}
		fmt.Fprintln(p.Stderr, msgUpdateFailed)
		return 1
	}
	var from int
	var conf Conf
	var readErr []string
	err := change(p.Host.Lab, func(s *State) error {
		// ccs_tool asks ccsd for the running version before it reads the
		// file, so a stopped host fails the same way whatever the file.
		if c, _ := s.Running(p.Host.FQDN); c == nil {
			return &UpdateError{msgConnectRefused}
		}
		data, err := os.ReadFile(p.Host.Path(trueLocation))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				readErr = append(readErr, fmt.Sprintf(fmtIOWarning, trueLocation))
			}
			readErr = append(readErr, fmt.Sprintf(fmtUnableToParse, trueLocation))
			return errReported
		}
		conf, err = ParseConf(data)
		switch {
		case errors.Is(err, ErrSyntax):
			readErr = []string{fmt.Sprintf(fmtUnableToParse, trueLocation)}
			return errReported
		case err != nil:
			readErr = []string{err.Error(), fmt.Sprintf(fmtNoVersionFrom, location)}
			return errReported
		}
		var members []Member
		from, members, err = s.Update(p.Host.FQDN, data, conf)
		if err != nil {
			return err
		}
		for _, m := range members {
			if err := state.WriteFile(host.Root(p.Host.Lab, m.Host)+ClusterConfPath, data, 0o644); err != nil {
				return err
			}
		}
		return nil
	})
	var uerr *UpdateError
	switch {
	case errors.Is(err, errReported):
		return fail(readErr...)
	case errors.As(err, &uerr):
		return fail(uerr.Message)
	case err != nil:
		return fail(fmt.Sprintf("%s: %v", ccsProg, err))
	}
	fmt.Fprintf(p.Stdout, fmtConfigUpdated+"\n", from, conf.Version)
	fmt.Fprintln(p.Stdout, msgUpdateComplete)
	return 0
}

// errReported aborts a state change whose message is already composed.
var errReported = errors.New("reported")
