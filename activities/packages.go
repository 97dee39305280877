package activities

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// PackagesInput names packages to install or remove.
type PackagesInput struct {
	Packages []string `json:"packages"`
}

// PackagesResult names the packages this call changed, dependencies
// included, so that an undo removes what the run installed and only that.
type PackagesResult struct {
	Changed []string `json:"changed,omitempty"`
}

// EnsurePackages installs what is missing with yum and verifies with rpm.
// yum 3.2 exits 0 for a package no repository carries ("No package ...
// available. Nothing to do"), so only rpm -q afterwards can tell a real
// install from nothing: a package still missing then is a permanent error.
func (h *Host) EnsurePackages(ctx context.Context, in PackagesInput) (PackagesResult, error) {
	if err := checkInstall(in.Packages); err != nil {
		return PackagesResult{}, err
	}
	missing, err := h.missingPackages(ctx, in.Packages)
	if err != nil || len(missing) == 0 {
		return PackagesResult{}, err
	}
	before, err := h.installed(ctx)
	if err != nil {
		return PackagesResult{}, err
	}
	if _, err := h.run(ctx, 10*time.Minute, append([]string{"yum", "-y", "install"}, missing...)...); err != nil {
		return PackagesResult{}, err
	}
	after, err := h.installed(ctx)
	if err != nil {
		return PackagesResult{}, err
	}
	still, err := h.missingPackages(ctx, missing)
	if err != nil {
		return PackagesResult{}, err
	}
	if len(still) > 0 {
		return PackagesResult{}, permanent(ErrPackageMissing, "%s: yum did not install %v: no repository of the host carries it", h.FQDN, still)
	}
	var added []string
	for _, p := range after {
		if !slices.Contains(before, p) {
			added = append(added, p)
		}
	}
	return PackagesResult{Changed: added}, nil
}

// installed lists the names of the installed packages, from `rpm -qa`'s
// name-version-release lines.
func (h *Host) installed(ctx context.Context) ([]string, error) {
	out, err := h.run(ctx, time.Minute, "rpm", "-qa")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, nvr := range strings.Fields(out.Stdout) {
		names = append(names, rpmName(nvr))
	}
	slices.Sort(names)
	return names, nil
}

// rpmName drops the version and release from name-version-release; a name
// may itself hold dashes (device-mapper-multipath).
func rpmName(nvr string) string {
	for range 2 {
		if i := strings.LastIndexByte(nvr, '-'); i > 0 {
			nvr = nvr[:i]
		}
	}
	return nvr
}

// RemovePackages is the undo of EnsurePackages: it removes the packages
// that are installed and leaves alone those that are not.
func (h *Host) RemovePackages(ctx context.Context, in PackagesInput) (PackagesResult, error) {
	if err := checkRemove(in.Packages); err != nil {
		return PackagesResult{}, err
	}
	missing, err := h.missingPackages(ctx, in.Packages)
	if err != nil {
		return PackagesResult{}, err
	}
	var present []string
	for _, p := range in.Packages {
		if !slices.Contains(missing, p) {
			present = append(present, p)
		}
	}
	if len(present) == 0 {
		return PackagesResult{}, nil
	}
	if _, err := h.run(ctx, 10*time.Minute, append([]string{"yum", "-y", "remove"}, present...)...); err != nil {
		return PackagesResult{}, err
	}
	return PackagesResult{Changed: present}, nil
}

// missingPackages asks rpm about every package in one run: rpm -q prints,
// for each name it does not find, exactly "package NAME is not installed",
// and exits with the number of such names. A found package may print
// several lines (one per installed version), so only the missing lines
// are read; an exit that says some are missing without naming one is an
// answer this cannot read, and an error. One run instead of one a package:
// each is a process on the host, a third of a probe's commands.
func (h *Host) missingPackages(ctx context.Context, pkgs []string) ([]string, error) {
	if len(pkgs) == 0 {
		return nil, nil
	}
	for _, p := range pkgs {
		if err := names.Package(p); err != nil {
			return nil, badInput("package", err)
		}
	}
	_, err := h.run(ctx, time.Minute, append([]string{"rpm", "-q"}, pkgs...)...)
	var cerr *CommandError
	switch {
	case err == nil:
		return nil, nil
	case !errors.As(err, &cerr) || cerr.Output.Exit < 1:
		return nil, err
	}
	lines := strings.Split(cerr.Output.Stdout, "\n")
	var missing []string
	for _, p := range pkgs {
		if slices.Contains(lines, "package "+p+" is not installed") && !slices.Contains(missing, p) {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return nil, err
	}
	return missing, nil
}

// installedOf is the packages of pkgs that are installed, in their order.
func (h *Host) installedOf(ctx context.Context, pkgs []string) ([]string, error) {
	missing, err := h.missingPackages(ctx, pkgs)
	if err != nil {
		return nil, err
	}
	var installed []string
	for _, p := range pkgs {
		if !slices.Contains(missing, p) {
			installed = append(installed, p)
		}
	}
	return installed, nil
}
