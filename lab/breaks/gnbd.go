package breaks

import (
	"slices"

	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/gnbd"
	"github.com/tetsuzuki/tetsuzuki/lab/host"
	"github.com/tetsuzuki/tetsuzuki/lab/multipath"
)

// importOf is a client's connected import of the broken host's export, and
// the active multipath path it is ("map dev"), if any: what loses its
// connection with the export.
type importOf struct {
	client string
	name   string
	path   string
}

// activePath is the map path a device is on a host, "" when it is no
// active path of any map.
func activePath(lab, fqdn, dev string) (string, error) {
	maps, err := multipath.Maps(lab, fqdn)
	if err != nil {
		return "", err
	}
	for _, m := range maps {
		if slices.Contains(m.Paths, dev) && !slices.Contains(m.Failed, dev) {
			return m.Name + " " + dev, nil
		}
	}
	return "", nil
}

// importsFrom lists every client's connected imports from server.
func importsFrom(lab, server string) ([]importOf, error) {
	hosts, err := host.List(lab)
	if err != nil {
		return nil, err
	}
	var out []importOf
	for _, c := range hosts {
		devs, err := gnbd.Imports(lab, c.FQDN)
		if err != nil {
			return nil, err
		}
		for _, d := range devs {
			if d.Host != server || !d.Connected {
				continue
			}
			path, err := activePath(lab, c.FQDN, d.Dev())
			if err != nil {
				return nil, err
			}
			out = append(out, importOf{client: c.FQDN, name: d.Name, path: path})
		}
	}
	return out, nil
}

// gnbdServDies kills the host's gnbd_serv. An import is connected while its
// server serves it (package gnbd), and a multipath path is failed while its
// import is not (package multipath), so the clients' imports and paths
// fail with it.
func gnbdServDies(b *breaker, _ []string) error {
	lost, err := importsFrom(b.lab(), b.h.FQDN)
	if err != nil {
		return err
	}
	exports, err := gnbd.ServDies(b.lab(), b.h.FQDN)
	if err != nil {
		return err
	}
	b.done("gnbd_serv")
	b.want(b.h.FQDN, findings.GNBDServDown)
	for _, e := range exports {
		b.want(b.h.FQDN, findings.GNBDExportMissing, e)
	}
	for _, imp := range lost {
		if !slices.Contains(exports, imp.name) {
			continue
		}
		b.want(imp.client, findings.GNBDImportDown, imp.name)
		if imp.path != "" {
			b.want(imp.client, findings.PathFailed, imp.path)
		}
	}
	return nil
}

// importDisconnect takes one import's gnbd_recvd away; its multipath path
// fails with it.
func importDisconnect(b *breaker, args []string) error {
	imp, err := gnbd.DropImport(b.lab(), b.h.FQDN, arg(args, 0))
	if err != nil {
		return err
	}
	path, err := activePath(b.lab(), b.h.FQDN, imp.Dev())
	if err != nil {
		return err
	}
	b.done(imp.Name)
	b.want(b.h.FQDN, findings.GNBDImportDown, imp.Name)
	if path != "" {
		b.want(b.h.FQDN, findings.PathFailed, path)
	}
	return nil
}
