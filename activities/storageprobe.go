package activities

import (
	"context"
	"fmt"
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
	// OnlyFiles reads the config files (and the loaded modules, which are
	// a file too) and runs no command: what a procedure asks after a
	// package install, to learn the files the package left, is not worth
	// the four or five commands of a whole probe. An agent older than the
	// field ignores it and probes everything, which only costs commands.
	OnlyFiles bool `json:"only_files,omitempty"`
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
	if in.OnlyFiles {
		return h.probeFiles(r, in, read)
	}
	if r.Installed, err = h.installedOf(ctx, in.Packages); err != nil {
		return r, err
	}
	if r.Modules, err = h.dataPathModules(); err != nil {
		return r, err
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

// probeFiles is the probe of OnlyFiles: the files and the modules. A
// package or a DRBD resource asked for with it is a caller's mistake: it
// would read as not there.
func (h *Host) probeFiles(r StorageProbeResult, in StorageProbeInput, read func(string) (FileState, error)) (StorageProbeResult, error) {
	if len(in.Packages) > 0 || len(in.Resources) > 0 {
		return r, badInput("only_files", fmt.Errorf("a probe of the files only reads no package or DRBD resource"))
	}
	var err error
	if r.Modules, err = h.dataPathModules(); err != nil {
		return r, err
	}
	for _, f := range []struct {
		path string
		to   *FileState
	}{{DRBDConfPath, &r.DRBDConf}, {MultipathConfPath, &r.MultipathConf}, {LVMConfPath, &r.LVMConf}} {
		if *f.to, err = read(f.path); err != nil {
			return r, err
		}
	}
	return r, nil
}

// dataPathModules are the data path's kernel modules that are loaded.
func (h *Host) dataPathModules() ([]string, error) {
	var loaded []string
	for _, m := range []string{"drbd", "gnbd"} {
		ok, err := h.moduleLoaded(m)
		if err != nil {
			return nil, err
		}
		if ok {
			loaded = append(loaded, m)
		}
	}
	return loaded, nil
}
