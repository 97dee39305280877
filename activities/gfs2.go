package activities

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tetsuzuki/tetsuzuki/names"
)

// FilesystemInput is the GFS2 filesystem on the logical volume.
type FilesystemInput struct {
	Device     string `json:"device"` // /dev/VG0/LV0
	LockTable  string `json:"lock_table"`
	Journals   int    `json:"journals"`
	Mountpoint string `json:"mountpoint"`
}

func (in FilesystemInput) check() error {
	_, _, lvErr := names.SplitLVPath(in.Device)
	return broken(
		rule{"device", lvErr},
		rule{"lock table", names.LockTable(in.LockTable)},
		rule{"journals", names.Journals(in.Journals)},
		rule{"mountpoint", names.Mountpoint(in.Mountpoint)},
	)
}

// MakeFilesystem runs mkfs.gfs2 unless the device already holds GFS2, and
// answers its "Are you sure you want to proceed? [y/n]" with y: workflows
// call it only after an approval, since it destroys what the LV held.
func (h *Host) MakeFilesystem(ctx context.Context, in FilesystemInput) (Change, error) {
	if err := in.check(); err != nil {
		return Change{}, err
	}
	out, err := h.run(ctx, time.Minute, "blkid", in.Device)
	if err == nil && strings.Contains(out.Stdout, `TYPE="gfs2"`) {
		return Change{}, nil
	}
	if _, err := h.runInput(ctx, 10*time.Minute, "y\n", "mkfs.gfs2", "-p", "lock_dlm", "-t", in.LockTable, "-j", strconv.Itoa(in.Journals), in.Device); err != nil {
		return Change{}, err
	}
	return Change{Changed: true}, nil
}

// mounts lists what is mounted on the host.
func (h *Host) mounts(ctx context.Context) ([]Mount, error) {
	out, err := h.run(ctx, time.Minute, "mount")
	if err != nil {
		return nil, err
	}
	return ParseMounts(out.Stdout), nil
}

func mountedAt(ms []Mount, dir string) bool {
	return slices.ContainsFunc(ms, func(m Mount) bool { return m.Dir == dir })
}

// MountFilesystem mounts the GFS2 filesystem unless it is mounted there.
func (h *Host) MountFilesystem(ctx context.Context, in FilesystemInput) (Change, error) {
	if err := in.check(); err != nil {
		return Change{}, err
	}
	ms, err := h.mounts(ctx)
	if err != nil || mountedAt(ms, in.Mountpoint) {
		return Change{}, err
	}
	if out, err := h.run(ctx, 5*time.Minute, "mount", in.Device, in.Mountpoint); err != nil {
		if strings.Contains(out.Stdout+out.Stderr, "unknown filesystem type") {
			// The kernel has no gfs2: no retry loads it.
			return Change{}, permanent(ErrPackageMissing, "%s: %v", h.FQDN, err)
		}
		return Change{}, err
	}
	return Change{Changed: true}, nil
}

// UnmountFilesystem unmounts it unless it is not mounted.
func (h *Host) UnmountFilesystem(ctx context.Context, in FilesystemInput) (Change, error) {
	if err := in.check(); err != nil {
		return Change{}, err
	}
	ms, err := h.mounts(ctx)
	if err != nil || !mountedAt(ms, in.Mountpoint) {
		return Change{}, err
	}
	return h.act(ctx, 5*time.Minute, "umount", in.Mountpoint)
}

// FileCheckInput names a file in a mounted filesystem.
type FileCheckInput struct {
	Mountpoint string `json:"mountpoint"`
	Name       string `json:"name"`
}

// FileCheckResult is what `ls` shows in the mountpoint.
type FileCheckResult struct {
	Host  string   `json:"host"`
	Files []string `json:"files"`
}

// TouchFile is part #5's check, first half: touch a file on one client,
// unless it is there.
func (h *Host) TouchFile(ctx context.Context, in FileCheckInput) (FileCheckResult, error) {
	if err := broken(rule{"mountpoint", names.Mountpoint(in.Mountpoint)}, rule{"file", names.File(in.Name)}); err != nil {
		return FileCheckResult{}, err
	}
	// A file there already proves what the check proves, and a build
	// run again, or applied from its plan, changes nothing.
	have, err := h.ListFiles(ctx, FileCheckInput{Mountpoint: in.Mountpoint})
	if err != nil || slices.Contains(have.Files, in.Name) {
		return have, err
	}
	if _, err := h.run(ctx, time.Minute, "touch", in.Mountpoint+"/"+in.Name); err != nil {
		return FileCheckResult{}, err
	}
	return h.ListFiles(ctx, in)
}

// ListFiles is the second half: `ls` the mountpoint on another client; with
// a Name, it fails with a retryable NotReady until the file is listed.
func (h *Host) ListFiles(ctx context.Context, in FileCheckInput) (FileCheckResult, error) {
	if in.Name != "" {
		if err := names.File(in.Name); err != nil {
			return FileCheckResult{}, badInput("file", err)
		}
	}
	if err := names.Mountpoint(in.Mountpoint); err != nil {
		return FileCheckResult{}, badInput("mountpoint", err)
	}
	if err := h.inGFS2(ctx, in.Mountpoint); err != nil {
		return FileCheckResult{}, err
	}
	out, err := h.run(ctx, time.Minute, "ls", in.Mountpoint)
	if err != nil {
		return FileCheckResult{}, err
	}
	res := FileCheckResult{Host: h.FQDN, Files: strings.Fields(out.Stdout)}
	if in.Name != "" && !slices.Contains(res.Files, in.Name) {
		return res, transient(ErrNotReady, "%s: ls %s does not list %s", h.FQDN, in.Mountpoint, in.Name)
	}
	return res, nil
}

// GrowFilesystem grows the mounted GFS2 filesystem to its device with
// gfs2_grow, which the filesystem stays mounted for; a filesystem already
// as large as its device is left alone (gfs2_grow says so and exits 0).
func (h *Host) GrowFilesystem(ctx context.Context, in FilesystemInput) (Change, error) {
	if err := in.check(); err != nil {
		return Change{}, err
	}
	ms, err := h.mounts(ctx)
	if err != nil {
		return Change{}, err
	}
	if !mountedAt(ms, in.Mountpoint) {
		return Change{}, transient(ErrNotReady, "%s: %s is not mounted: gfs2_grow needs it mounted", h.FQDN, in.Mountpoint)
	}
	out, err := h.run(ctx, 10*time.Minute, "gfs2_grow", in.Mountpoint)
	if err != nil {
		return Change{}, err
	}
	return Change{Changed: strings.Contains(out.Stdout, "grew by") && !strings.Contains(out.Stdout+out.Stderr, "grew by 0MB")}, nil
}
