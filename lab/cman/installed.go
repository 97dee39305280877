package cman

import (
	"fmt"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
)

// ClusterConfPath is the file cman reads on every host.
const ClusterConfPath = "/etc/cluster/cluster.conf"

// present answers for a tool of the cman package: on a host without the
// package the binary would not exist, so the tool behaves as the shell does
// for a missing command. It normally is not reached, since removing the
// package deletes the symlinks.
func present(p *host.Proc) (ok bool, status int) {
	installed, err := packages.Installed(p.Host, "cman")
	if err != nil {
		fmt.Fprintf(p.Stderr, "%s: %v\n", p.Name, err)
		return false, 1
	}
	if !installed {
		fmt.Fprintf(p.Stderr, fmtNotFound+"\n", p.Name)
		return false, 127
	}
	return true, 0
}
