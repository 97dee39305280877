package activities

import (
	"context"
	"time"
)

// StorageProbeInput names what a data-path procedure is about to touch.
type StorageProbeInput struct {
	Packages  []string       `json:"packages,omitempty"`
	Resources []DRBDResource `json:"resources,omitempty"`
	// NoFiles leaves the config files' contents out of the result: each
	// reads as its path, whether it exists and its mode. A survey of a
	// thousand hosts wants what runs, not three files of each, whose
	// contents made a result about 24 KiB. An agent older than the field
	// ignores it and sends the contents, which only costs payload.
	NoFiles bool `json:"no_files,omitempty"`
}

// StorageProbeResult is a host's data path before a procedure changes it:
// the baseline its undo returns to.
type StorageProbeResult struct {
	Host              string       `json:"host"`
	Installed         []string     `json:"installed,omitempty"`
	Modules           []string     `json:"modules,omitempty"`
	DRBD              []DRBDStatus `json:"drbd,omitempty"`
	DRBDConf          FileState    `json:"drbd_conf"`
	GNBDServing       bool         `json:"gnbd_serving"`
	Exports           []GNBDExport `json:"exports,omitempty"`
	Imports           []GNBDImport `json:"imports,omitempty"`
	MultipathConf     FileState    `json:"multipath_conf"`
	MultipathdRunning bool         `json:"multipathd_running"`
	LVMConf           FileState    `json:"lvm_conf"`
	ClvmdRunning      bool         `json:"clvmd_running"`
	Mounts            []Mount      `json:"mounts,omitempty"`
}

// ProbeStorage reads a host's data path and changes nothing. Tools that are
// not installed read as nothing there.
func (h *Host) ProbeStorage(ctx context.Context, in StorageProbeInput) (StorageProbeResult, error) {
	r := StorageProbeResult{Host: h.FQDN}
	read := h.readState
	if in.NoFiles {
		read = h.statState
	}
	var err error
	if r.Installed, err = h.installedOf(ctx, in.Packages); err != nil {
		return r, err
	}
	for _, m := range []string{"drbd", "gnbd"} {
		if ok, err := h.moduleLoaded(m); err != nil {
			return r, err
		} else if ok {
			r.Modules = append(r.Modules, m)
		}
	}
	for _, res := range in.Resources {
		if err := res.check(); err != nil {
			return r, err
		}
		s, err := h.drbdState(ctx, res)
		if err != nil {
			return r, err
		}
		r.DRBD = append(r.DRBD, s)
	}
	if r.DRBDConf, err = read(DRBDConfPath); err != nil {
		return r, err
	}
	if _, err := h.lookPath("gnbd_export"); err == nil {
		if r.Exports, r.GNBDServing, err = h.exports(ctx); err != nil {
			return r, err
		}
	}
	if _, err := h.lookPath("gnbd_import"); err == nil {
		if r.Imports, err = h.imports(ctx); err != nil {
			return r, err
		}
	}
	if r.MultipathConf, err = read(MultipathConfPath); err != nil {
		return r, err
	}
	if _, err := h.lookPath(multipathdInit); err == nil {
		_, err := h.run(ctx, time.Minute, multipathdInit, "status")
		r.MultipathdRunning = err == nil
	}
	if r.LVMConf, err = read(LVMConfPath); err != nil {
		return r, err
	}
	if r.ClvmdRunning, err = h.serviceRunning(ctx, "clvmd"); err != nil {
		return r, err
	}
	if _, err := h.lookPath("mount"); err == nil {
		if r.Mounts, err = h.mounts(ctx); err != nil {
			return r, err
		}
	}
	return r, nil
}
