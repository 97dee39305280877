package emu

import (
	"github.com/tetsuzuki/tetsuzuki/lab/gnbd"
	"github.com/tetsuzuki/tetsuzuki/lab/multipath"
)

// The GNBD and multipath tools. "multipathd" is both /sbin/multipathd and
// the init script /etc/init.d/multipathd; the tool tells them apart by the
// path it is invoked by.
func init() {
	tools["gnbd_serv"] = gnbd.ServCmd
	tools["gnbd_export"] = gnbd.ExportCmd
	tools["gnbd_import"] = gnbd.ImportCmd
	tools["multipath"] = multipath.MultipathCmd
	tools["multipathd"] = multipath.MultipathdCmd
}
