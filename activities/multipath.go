package activities

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// MultipathConfPath is device-mapper-multipath's configuration.
const MultipathConfPath = "/etc/multipath.conf"

const multipathdInit = "/etc/init.d/multipathd"

// MultipathInput is what the maps should be: for each GNBD uid, the exports
// (import names) that are its paths.
type MultipathInput struct {
	Maps []MapSpec `json:"maps"`
}

// MapSpec is one expected map.
type MapSpec struct {
	UID     int      `json:"uid"`
	Exports []string `json:"exports"`
}

// MultipathResult lists the maps found.
type MultipathResult struct {
	Changed bool           `json:"changed"`
	Maps    []MultipathMap `json:"maps,omitempty"`
}

// ConfigureMultipath enables multipathing in multipath.conf (atomic write,
// backup kept) and restarts multipathd, which builds the maps.
func (h *Host) ConfigureMultipath(ctx context.Context, _ MultipathInput) (MultipathResult, error) {
	cur, err := h.readState(MultipathConfPath)
	if err != nil {
		return MultipathResult{}, err
	}
	if !cur.Exists {
		return MultipathResult{}, permanent(ErrBadConfig, "%s: no %s: is device-mapper-multipath installed?", h.FQDN, MultipathConfPath)
	}
	want := EnableMultipath(cur.Content)
	running := true
	if _, err := h.run(ctx, time.Minute, multipathdInit, "status"); err != nil {
		running = false
	}
	if want == cur.Content && running {
		return MultipathResult{}, nil
	}
	if want != cur.Content {
		if err := h.writeFile(MultipathConfPath, []byte(want), 0o644); err != nil {
			return MultipathResult{}, err
		}
	}
	if out, err := h.run(ctx, 2*time.Minute, multipathdInit, "restart"); err != nil {
		if badConfig.MatchString(out.Stdout + out.Stderr) {
			return MultipathResult{}, permanent(ErrBadConfig, "%s: multipathd refuses %s: %v", h.FQDN, MultipathConfPath, err)
		}
		return MultipathResult{}, err
	}
	return MultipathResult{Changed: true}, nil
}

// MultipathMaps checks `multipath -l` against the expected maps: one map per
// uid, holding exactly the paths of that uid's imports, all active. Until
// then it fails with a retryable NotReady.
func (h *Host) MultipathMaps(ctx context.Context, in MultipathInput) (MultipathResult, error) {
	imports, err := h.imports(ctx)
	if err != nil {
		return MultipathResult{}, err
	}
	out, err := h.run(ctx, time.Minute, "multipath", "-l")
	if err != nil {
		return MultipathResult{}, err
	}
	maps, err := ParseMultipath(out.Stdout)
	if err != nil {
		return MultipathResult{}, err
	}
	res := MultipathResult{Maps: maps}
	if len(maps) != len(in.Maps) {
		return res, transient(ErrNotReady, "%s: multipath -l shows %d maps, want %d", h.FQDN, len(maps), len(in.Maps))
	}
	for _, spec := range in.Maps {
		var want []string
		for _, e := range spec.Exports {
			i := slices.IndexFunc(imports, func(im GNBDImport) bool { return im.Name == e })
			if i < 0 {
				return res, transient(ErrNotReady, "%s: %s is not imported", h.FQDN, e)
			}
			want = append(want, fmt.Sprintf("gnbd%d", imports[i].Minor))
		}
		i := slices.IndexFunc(maps, func(m MultipathMap) bool { return m.UID == strconv.Itoa(spec.UID) })
		if i < 0 {
			return res, transient(ErrNotReady, "%s: no map for uid %d", h.FQDN, spec.UID)
		}
		var got []string
		for _, p := range maps[i].Paths {
			if p.State != "active" {
				return res, transient(ErrNotReady, "%s: %s path %s is %s", h.FQDN, maps[i].Name, p.Device, p.State)
			}
			got = append(got, p.Device)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			return res, transient(ErrNotReady, "%s: %s (uid %d) has paths %v, want %v", h.FQDN, maps[i].Name, spec.UID, got, want)
		}
	}
	return res, nil
}

// UndoMultipathInput is the state to return to.
type UndoMultipathInput struct {
	Conf    FileState `json:"conf"`
	Running bool      `json:"running"`
}

// UndoMultipath flushes the maps, puts back the multipath.conf the run
// replaced and leaves multipathd as it was.
func (h *Host) UndoMultipath(ctx context.Context, in UndoMultipathInput) (Change, error) {
	if in.Conf.Path != MultipathConfPath {
		return Change{}, permanent(ErrBadInput, "undo multipath: conf path %q", in.Conf.Path)
	}
	if _, err := h.lookPath("multipath"); err == nil {
		if _, err := h.run(ctx, time.Minute, "multipath", "-F"); err != nil {
			return Change{}, err
		}
	}
	restored, err := h.RestoreFile(ctx, RestoreFileInput{State: in.Conf})
	if err != nil {
		return Change{}, err
	}
	if _, err := h.lookPath(multipathdInit); err != nil {
		return Change{Changed: restored.Changed}, nil
	}
	_, err = h.run(ctx, time.Minute, multipathdInit, "status")
	running := err == nil
	verb := ""
	switch {
	case in.Running:
		verb = "restart" // it runs again, with the restored file
	case running:
		verb = "stop"
	default:
		return Change{Changed: restored.Changed}, nil
	}
	return h.act(ctx, 2*time.Minute, multipathdInit, verb)
}

// StopMultipath flushes the maps and stops multipathd: the safe order stops
// it before the imports under it are removed.
func (h *Host) StopMultipath(ctx context.Context, _ MultipathInput) (Change, error) {
	if _, err := h.lookPath("multipath"); err != nil {
		return Change{}, nil
	}
	out, err := h.run(ctx, time.Minute, "multipath", "-l")
	if err != nil {
		return Change{}, err
	}
	maps, err := ParseMultipath(out.Stdout)
	if err != nil {
		return Change{}, err
	}
	changed := false
	if len(maps) > 0 {
		if _, err := h.run(ctx, time.Minute, "multipath", "-F"); err != nil {
			return Change{}, err
		}
		changed = true
	}
	res, err := h.setService(ctx, "multipathd", false)
	return Change{Changed: changed || res.Changed}, err
}

// ReinstatePaths has multipathd reload when a map has a failed path whose
// device is back: multipathd's checker would reinstate it within its
// polling interval, a reload does now. Maps without a failed path are
// left alone.
func (h *Host) ReinstatePaths(ctx context.Context, _ MultipathInput) (Change, error) {
	out, err := h.run(ctx, time.Minute, "multipath", "-l")
	if err != nil {
		return Change{}, err
	}
	maps, err := ParseMultipath(out.Stdout)
	if err != nil {
		return Change{}, err
	}
	failed := slices.ContainsFunc(maps, func(m MultipathMap) bool {
		return slices.ContainsFunc(m.Paths, func(p MultipathPath) bool { return p.State != "active" })
	})
	if !failed {
		return Change{}, nil
	}
	return h.act(ctx, 2*time.Minute, multipathdInit, "reload")
}
