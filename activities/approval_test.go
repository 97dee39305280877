package activities

import "testing"

// The agent asks for a signed approval exactly where a step destroys
// data, and an argument it cannot read counts as destructive.
func TestNeedsApproval(t *testing.T) {
	for _, tc := range []struct {
		activity string
		args     []any
		want     bool
	}{
		{DRBDOverwritePeerName, []any{DRBDInput{}}, true},
		{DRBDDiscardMyDataName, []any{DRBDInput{}}, true},
		{DRBDConnectName, []any{DRBDInput{}}, false},
		{ActivateVolumeName, []any{VolumeInput{}}, false},
		{MakeFilesystemName, []any{FilesystemInput{}}, true},
		{RemoveVolumeName, []any{VolumeInput{}}, true},
		{PVCreateName, []any{PVInput{Device: "/dev/mapper/storage0", Wipe: true}}, true},
		{PVCreateName, []any{&PVInput{Device: "/dev/mapper/storage0", Wipe: true}}, true},
		{PVCreateName, []any{PVInput{Device: "/dev/mapper/storage0"}}, false},
		{PVCreateName, []any{"not a PVInput"}, true},
		{PVCreateName, nil, true},
		{PrepareDiskName, []any{DiskInput{Device: "/dev/xvdb", Partition: "/dev/xvdb1", Label: true}}, true},
		{PrepareDiskName, []any{DiskInput{Device: "/dev/xvdb", Partition: "/dev/xvdb1"}}, false},
		{DRBDPrimaryName, []any{DRBDInput{}}, false},
		{ProbeName, []any{ProbeInput{}}, false},
	} {
		if got := NeedsApproval(tc.activity, tc.args); got != tc.want {
			t.Errorf("NeedsApproval(%s, %#v) = %v, want %v", tc.activity, tc.args, got, tc.want)
		}
	}
}
