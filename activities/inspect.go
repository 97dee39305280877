package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// InspectInput says what a host should hold, as far as its agent must know
// to look: which packages, which DRBD resource, which volume. The rest
// (services, exports, imports, maps, mounts) the agent reads whole where
// the tool is installed.
type InspectInput struct {
	Packages  []string       `json:"packages,omitempty"`
	Resources []DRBDResource `json:"resources,omitempty"`
	// VG and LV are the clustered volume, on hosts that should see it.
	VG string `json:"vg,omitempty"`
	LV string `json:"lv,omitempty"`
}

// Evidence is a command the agent ran to look, and what it said: what a
// finding shows a person so they need not run it again.
type Evidence struct {
	Argv []string `json:"argv"`
	Exit int      `json:"exit"`
	// Lines are its output, stdout then stderr, at most evidenceLines.
	Lines []string `json:"lines,omitempty"`
}

// evidenceLines bounds the lines of one command kept as evidence: enough
// for `multipath -l` of a few maps, small enough that a thousand hosts'
// inspections fit a history.
const evidenceLines = 48

// Inspection is a host as its own tools see it, read-only. A part whose
// tool is not installed is left empty, with no evidence.
type Inspection struct {
	Host string `json:"host"`

	Installed []string   `json:"installed,omitempty"`
	Packages  []Evidence `json:"packages_evidence,omitempty"`
	// Files are the managed config files (ManagedFiles), which a check
	// compares with what the runbook renders; lvm.conf only on a host
	// that should see the volume (InspectInput.VG).
	Files []FileState `json:"files"`
	// Conf is cluster.conf parsed, with whether it configures fencing;
	// ConfError says why it does not parse.
	Conf      *ClusterConf `json:"conf,omitempty"`
	Fencing   bool         `json:"fencing,omitempty"`
	ConfError string       `json:"conf_error,omitempty"`

	CmanRunning bool           `json:"cman_running"`
	CmanService *Evidence      `json:"cman_service_evidence,omitempty"`
	Cman        *ClusterStatus `json:"cman,omitempty"`
	Nodes       []NodeStatus   `json:"nodes,omitempty"`
	CmanStatus  *Evidence      `json:"cman_status_evidence,omitempty"`
	CmanNodes   *Evidence      `json:"cman_nodes_evidence,omitempty"`

	DRBD     []DRBDStatus `json:"drbd,omitempty"`
	ProcDRBD *Evidence    `json:"proc_drbd_evidence,omitempty"`
	// SplitBrain is set when the kernel's last word on the resource's
	// split brain is that it dropped the connection (not that a person
	// solved it); Kernel shows the lines.
	SplitBrain bool      `json:"split_brain,omitempty"`
	Kernel     *Evidence `json:"kernel_evidence,omitempty"`

	GNBDServing   bool         `json:"gnbd_serving"`
	Exports       []GNBDExport `json:"exports,omitempty"`
	ExportsOutput *Evidence    `json:"exports_evidence,omitempty"`
	Imports       []GNBDImport `json:"imports,omitempty"`
	ImportsOutput *Evidence    `json:"imports_evidence,omitempty"`

	MultipathdRunning bool           `json:"multipathd_running"`
	Multipathd        *Evidence      `json:"multipathd_evidence,omitempty"`
	Maps              []MultipathMap `json:"maps,omitempty"`
	MapsOutput        *Evidence      `json:"maps_evidence,omitempty"`

	ClvmdRunning bool      `json:"clvmd_running"`
	Clvmd        *Evidence `json:"clvmd_evidence,omitempty"`
	// VG and LV are what vgdisplay and lvdisplay say of the volume, nil
	// when the tool says there is none.
	VG       DisplayBlock `json:"vg,omitempty"`
	VGOutput *Evidence    `json:"vg_evidence,omitempty"`
	LV       DisplayBlock `json:"lv,omitempty"`
	LVOutput *Evidence    `json:"lv_evidence,omitempty"`

	Mounts       []Mount   `json:"mounts,omitempty"`
	MountsOutput *Evidence `json:"mounts_evidence,omitempty"`
	// Journals are the journals of each GFS2 file system mounted, as
	// gfs2_tool journals lists them, where gfs2-utils is installed.
	Journals []GFS2Journals `json:"journals,omitempty"`
}

// GFS2Journals is what gfs2_tool journals says of the GFS2 file system
// mounted at Mountpoint. Listed is false when it said nothing that
// parses (Output says what it said instead).
type GFS2Journals struct {
	Mountpoint string    `json:"mountpoint"`
	Journals   []Journal `json:"journals,omitempty"`
	Listed     bool      `json:"listed"`
	Output     *Evidence `json:"output,omitempty"`
}

// File is the inspected state of a managed file.
func (in Inspection) File(path string) FileState {
	for _, f := range in.Files {
		if f.Path == path {
			return f
		}
	}
	return FileState{Path: path}
}

// Inspect reads everything a check needs of a host and changes nothing. A
// command that fails is evidence, not an error: the error is kept for
// what stops the agent from looking at all.
func (h *Host) Inspect(ctx context.Context, in InspectInput) (Inspection, error) {
	r := Inspection{Host: h.FQDN}
	for _, p := range in.Packages {
		if err := names.Package(p); err != nil {
			return r, badInput("package", err)
		}
	}
	for _, res := range in.Resources {
		if err := res.check(); err != nil {
			return r, err
		}
	}
	if in.VG != "" || in.LV != "" {
		if err := (VolumeInput{VG: in.VG, LV: in.LV}).check(); err != nil {
			return r, err
		}
	}
	l := looker{h: h, ctx: ctx}

	if len(in.Packages) > 0 {
		// One rpm for every package: a host's inspection is most of a
		// check's and a plan's time, and each tool run is a process.
		if out, full, ok := l.lookFull(append([]string{"rpm", "-q"}, in.Packages...)...); ok {
			r.Packages = append(r.Packages, *out)
			installed, sure := installedFrom(in.Packages, full, out.Exit)
			if !sure {
				// rpm failed otherwise (its database locked, say):
				// ask for each package, as EnsurePackages does.
				r.Packages = r.Packages[:0]
				for _, p := range in.Packages {
					if out, ok := l.look("rpm", "-q", p); ok {
						r.Packages = append(r.Packages, *out)
						if out.Exit == 0 {
							installed = append(installed, p)
						}
					}
				}
			}
			r.Installed = installed
		}
	}
	for _, path := range managedFiles {
		if path == LVMConfPath && in.VG == "" {
			// Only a host that should see the clustered volume has its
			// locking checked; lvm2's default lvm.conf is 15 KB, most of
			// what a storage host's inspection would carry into the
			// check's history (a thousand hosts' would pass the 10 MB the
			// server warns at).
			continue
		}
		f, err := h.readState(path)
		if err != nil {
			return r, err
		}
		r.Files = append(r.Files, f)
	}
	if f := r.File(ClusterConfPath); f.Exists {
		if conf, err := ParseClusterConf(f.Content); err != nil {
			r.ConfError = err.Error()
		} else {
			r.Conf, r.Fencing = &conf, conf.HasFencing()
		}
	}

	if out, ok := l.look(cmanInit, "status"); ok {
		r.CmanService, r.CmanRunning = out, out.Exit == 0
	}
	if r.CmanRunning {
		if out, ok := l.look("cman_tool", "status"); ok && out.Exit == 0 {
			r.CmanStatus = out
			if s, err := ParseStatus(strings.Join(out.Lines, "\n")); err == nil {
				r.Cman = &s
			}
		}
		if out, ok := l.look("cman_tool", "nodes"); ok && out.Exit == 0 {
			r.CmanNodes = out
			r.Nodes, _ = ParseNodes(strings.Join(out.Lines, "\n"))
		}
	}

	if len(in.Resources) > 0 {
		loaded, err := h.moduleLoaded("drbd")
		if err != nil {
			return r, err
		}
		var all []DRBDStatus
		if loaded {
			if out, ok := l.look("cat", "/proc/drbd"); ok {
				r.ProcDRBD = out
				all, _ = ParseProcDRBD(strings.Join(out.Lines, "\n"))
			}
		}
		for _, res := range in.Resources {
			s := DRBDStatus{Minor: res.Minor(), Connection: "Unconfigured"}
			for _, a := range all {
				if a.Minor == res.Minor() {
					s = a
				}
			}
			r.DRBD = append(r.DRBD, s)
		}
		if out, full, ok := l.lookFull("dmesg"); ok {
			r.SplitBrain, r.Kernel = KernelSplitBrain(out, full, in.Resources)
		}
	}

	if out, ok := l.look("gnbd_export", "-l"); ok {
		r.ExportsOutput = out
		r.GNBDServing = out.Exit == 0
		r.Exports, _ = ParseGNBDExports(strings.Join(out.Lines, "\n"))
	}
	if out, ok := l.look("gnbd_import", "-l"); ok {
		r.ImportsOutput = out
		r.Imports, _ = ParseGNBDImports(strings.Join(out.Lines, "\n"))
	}

	if out, ok := l.look(multipathdInit, "status"); ok {
		r.Multipathd, r.MultipathdRunning = out, out.Exit == 0
	}
	if out, ok := l.look("multipath", "-l"); ok {
		r.MapsOutput = out
		r.Maps, _ = ParseMultipath(strings.Join(out.Lines, "\n"))
	}

	if out, ok := l.look("/etc/init.d/clvmd", "status"); ok {
		r.Clvmd, r.ClvmdRunning = out, out.Exit == 0
	}
	if in.VG != "" {
		if out, ok := l.look("vgdisplay", in.VG); ok {
			r.VGOutput = out
			if blocks, _ := ParseDisplay(strings.Join(out.Lines, "\n")); out.Exit == 0 && len(blocks) > 0 {
				r.VG = blocks[0]
			}
		}
	}
	if in.LV != "" {
		if out, ok := l.look("lvdisplay", names.LVPath(in.VG, in.LV)); ok {
			r.LVOutput = out
			if blocks, _ := ParseDisplay(strings.Join(out.Lines, "\n")); out.Exit == 0 && len(blocks) > 0 {
				r.LV = blocks[0]
			}
		}
	}

	if out, ok := l.look("mount"); ok {
		r.MountsOutput = out
		r.Mounts = ParseMounts(strings.Join(out.Lines, "\n"))
	}
	for _, m := range r.Mounts {
		if m.Type != "gfs2" {
			continue
		}
		// Read whole: a file system of more journals than the evidence
		// keeps lines must not look like one of fewer.
		if out, full, ok := l.lookFull("gfs2_tool", "journals", m.Dir); ok {
			j := GFS2Journals{Mountpoint: m.Dir, Output: out}
			if out.Exit == 0 {
				var err error
				j.Journals, err = ParseJournals(full)
				j.Listed = err == nil
			}
			r.Journals = append(r.Journals, j)
		}
	}
	return r, l.err
}

// looker runs the commands of an inspection and keeps what they said.
type looker struct {
	h   *Host
	ctx context.Context
	err error // the first failure to run a command at all
}

// look runs argv and returns its evidence; ok is false when the tool is
// not installed, or the agent could not run it (l.err says why).
func (l *looker) look(argv ...string) (*Evidence, bool) {
	ev, _, ok := l.lookFull(argv...)
	return ev, ok
}

// lookFull is look that returns the whole output too, for a reader that
// needs more than the evidence keeps (the kernel's log).
func (l *looker) lookFull(argv ...string) (*Evidence, string, bool) {
	if l.err != nil {
		return nil, "", false
	}
	if _, err := l.h.lookPath(argv[0]); err != nil {
		return nil, "", false
	}
	out, err := l.h.run(l.ctx, time.Minute, argv...)
	var cerr *CommandError
	if err != nil && !errors.As(err, &cerr) {
		l.err = err
		return nil, "", false
	}
	full := out.Stdout + out.Stderr
	return &Evidence{Argv: out.Argv, Exit: out.Exit, Lines: evidence(full)}, full, true
}

// evidence is a command's output as lines, at most evidenceLines of them.
func evidence(text string) []string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) == 1 && lines[0] == "" {
		return nil
	}
	if len(lines) > evidenceLines {
		lines = append(lines[:evidenceLines-1], "...")
	}
	return lines
}

// KernelSplitBrain reads the kernel's messages for the resources' split brains:
// DRBD logs "drbdN: Split-Brain detected, dropping connection!" when it
// finds one, and "... manually solved" once a side discarded its data.
// The evidence keeps only those lines.
func KernelSplitBrain(out *Evidence, full string, resources []DRBDResource) (bool, *Evidence) {
	ev := *out
	ev.Lines = nil
	open := false
	for _, line := range strings.Split(full, "\n") {
		for _, r := range resources {
			prefix := fmt.Sprintf("drbd%d: Split-Brain detected", r.Minor())
			if strings.Contains(line, prefix) {
				ev.Lines = append(ev.Lines, line)
				open = strings.Contains(line, "dropping connection")
			}
		}
	}
	if len(ev.Lines) == 0 {
		return false, nil
	}
	return open, &ev
}

// installedFrom reads `rpm -q PKG...`: rpm prints a line per installed
// package (more than one for a package installed in several versions)
// and "package PKG is not installed" for each missing one, and exits with
// the number missing. The missing are those lines, which name the package
// exactly; sure is false when the exit status does not count them, and
// the answer cannot be trusted.
func installedFrom(pkgs []string, out string, exit int) (installed []string, sure bool) {
	lines := strings.Split(out, "\n")
	missing := 0
	for _, p := range pkgs {
		if slices.Contains(lines, "package "+p+" is not installed") {
			missing++
			continue
		}
		installed = append(installed, p)
	}
	if missing != exit {
		return nil, false
	}
	return installed, true
}
