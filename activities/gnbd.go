package activities

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// ServerInput asks for this host's GNBD server; it has no fields yet, and
// is a struct so that fields can be added without breaking histories.
type ServerInput struct{}

// checkExports checks export names, which are also the names of the
// imports on the clients.
func checkExports(list []string) error {
	for _, name := range list {
		if err := names.Export(name); err != nil {
			return badInput("export name", err)
		}
	}
	return nil
}

// exports lists this server's exports; ok is false when gnbd_serv is not
// running, which gnbd_export reports as a failed connection.
func (h *Host) exports(ctx context.Context) (list []GNBDExport, ok bool, err error) {
	out, err := h.run(ctx, time.Minute, "gnbd_export", "-l")
	var cerr *CommandError
	if errors.As(err, &cerr) && strings.Contains(cerr.Output.Stderr+cerr.Output.Stdout, "connect") {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	list, err = ParseGNBDExports(out.Stdout)
	return list, true, err
}

// GNBDServe starts the GNBD server unless it runs. It needs cman running on
// the host: the server is a cluster service.
func (h *Host) GNBDServe(ctx context.Context, _ ServerInput) (Change, error) {
	if _, running, err := h.exports(ctx); err != nil || running {
		return Change{}, err
	}
	return h.act(ctx, time.Minute, "gnbd_serv")
}

// GNBDStopServe is the undo of GNBDServe.
func (h *Host) GNBDStopServe(ctx context.Context, _ ServerInput) (Change, error) {
	if _, running, err := h.exports(ctx); err != nil || !running {
		return Change{}, err
	}
	return h.act(ctx, time.Minute, "gnbd_serv", "-k")
}

// ExportInput is one GNBD export: both hosts of a DRBD pair export their
// device with the same uid, which is how multipath on the clients knows the
// two imports are paths to one device.
type ExportInput struct {
	Device string `json:"device"`
	Name   string `json:"name"`
	UID    int    `json:"uid"`
}

// check refuses an export of anything but a DRBD device: the runbooks
// export only what a DRBD pair mirrors, never a disk of the host itself.
func (in ExportInput) check() error {
	_, deviceErr := names.DRBDDevice(in.Device)
	return broken(
		rule{"export device", deviceErr},
		rule{"export name", names.Export(in.Name)},
		rule{"export uid", names.UID(in.UID)},
	)
}

// GNBDExport exports a device under a name and uid, unless it is exported
// so already; an export of that name with another device or uid is a
// permanent error, since clients may be using it.
func (h *Host) GNBDExport(ctx context.Context, in ExportInput) (Change, error) {
	if err := in.check(); err != nil {
		return Change{}, err
	}
	list, running, err := h.exports(ctx)
	if err != nil {
		return Change{}, err
	}
	if !running {
		return Change{}, transient(ErrNotReady, "%s: gnbd_serv is not running", h.FQDN)
	}
	if i := slices.IndexFunc(list, func(e GNBDExport) bool { return e.Name == in.Name }); i >= 0 {
		if list[i].File != in.Device || list[i].UID != strconv.Itoa(in.UID) {
			return Change{}, permanent(ErrBadConfig, "%s: export %s serves %s with uid %s, not %s with uid %d",
				h.FQDN, in.Name, list[i].File, list[i].UID, in.Device, in.UID)
		}
		return Change{}, nil
	}
	if _, err := h.run(ctx, time.Minute, "gnbd_export", "-d", in.Device, "-e", in.Name, "-u", strconv.Itoa(in.UID)); err != nil {
		return Change{}, err
	}
	list, _, err = h.exports(ctx)
	if err != nil || !slices.ContainsFunc(list, func(e GNBDExport) bool { return e.Name == in.Name }) {
		return Change{}, transient(ErrNotReady, "%s: gnbd_export -l does not list %s after exporting it (%v)", h.FQDN, in.Name, err)
	}
	return Change{Changed: true}, nil
}

// UnexportInput names exports to remove.
type UnexportInput struct {
	Names []string `json:"names"`
}

// GNBDUnexport is the undo of GNBDExport: it removes the named exports that
// exist.
func (h *Host) GNBDUnexport(ctx context.Context, in UnexportInput) (Change, error) {
	if err := checkExports(in.Names); err != nil {
		return Change{}, err
	}
	list, running, err := h.exports(ctx)
	if err != nil || !running {
		return Change{}, err
	}
	changed := false
	for _, name := range in.Names {
		if slices.ContainsFunc(list, func(e GNBDExport) bool { return e.Name == name }) {
			if _, err := h.run(ctx, time.Minute, "gnbd_export", "-r", name); err != nil {
				return Change{}, err
			}
			changed = true
		}
	}
	return Change{Changed: changed}, nil
}

// imports lists this client's imports; with the gnbd module not loaded
// there are none.
func (h *Host) imports(ctx context.Context) ([]GNBDImport, error) {
	if ok, err := h.moduleLoaded("gnbd"); err != nil || !ok {
		return nil, err
	}
	out, err := h.run(ctx, time.Minute, "gnbd_import", "-l")
	if err != nil {
		return nil, err
	}
	return ParseGNBDImports(out.Stdout)
}

// ImportInput names a GNBD server and the exports expected from it.
type ImportInput struct {
	Server  string   `json:"server"`
	Exports []string `json:"exports"`
}

// GNBDImport imports every export of a server, unless all the expected
// ones are imported and connected already, and verifies them with
// `gnbd_import -l` and /dev/gnbd/. A server that is not ready (no
// gnbd_serv, no export yet) is a retryable failure.
func (h *Host) GNBDImport(ctx context.Context, in ImportInput) (Change, error) {
	if err := names.FQDN(in.Server); err != nil {
		return Change{}, badInput("server", err)
	}
	if err := checkExports(in.Exports); err != nil {
		return Change{}, err
	}
	have := func() (bool, error) {
		list, err := h.imports(ctx)
		if err != nil {
			return false, err
		}
		for _, e := range in.Exports {
			i := slices.IndexFunc(list, func(im GNBDImport) bool { return im.Name == e && im.Server == in.Server })
			if i < 0 || !list[i].Connected() {
				return false, nil
			}
			if ok, err := h.exists("/dev/gnbd/" + e); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	}
	if ok, err := have(); err != nil || ok {
		return Change{}, err
	}
	if _, err := h.run(ctx, time.Minute, "gnbd_import", "-i", in.Server); err != nil {
		return Change{}, err
	}
	if ok, err := have(); err != nil || !ok {
		return Change{}, transient(ErrNotReady, "%s: the imports of %s are not all connected after gnbd_import -i (%v)", h.FQDN, in.Server, err)
	}
	return Change{Changed: true}, nil
}

// UnimportInput names imports to remove.
type UnimportInput struct {
	Names []string `json:"names"`
}

// GNBDUnimport is the undo of GNBDImport: it removes the named imports
// that exist.
func (h *Host) GNBDUnimport(ctx context.Context, in UnimportInput) (Change, error) {
	if err := checkExports(in.Names); err != nil {
		return Change{}, err
	}
	list, err := h.imports(ctx)
	if err != nil {
		return Change{}, err
	}
	changed := false
	for _, name := range in.Names {
		if slices.ContainsFunc(list, func(im GNBDImport) bool { return im.Name == name }) {
			if _, err := h.run(ctx, time.Minute, "gnbd_import", "-r", name); err != nil {
				return Change{}, err
			}
			changed = true
		}
	}
	return Change{Changed: changed}, nil
}
