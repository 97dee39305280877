package lvm

import (
	"slices"

	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

// ExtentSectors is the default physical extent size of LVM2, 4 MiB in
// 512-byte sectors: what vgcreate uses without -s.
const ExtentSectors = 8192

// PEStart is where the first physical extent of a PV begins, in sectors:
// the label and the default 192 KiB metadata area of LVM2 2.02.32 come
// before it.
const PEStart = 384

// State is what the disks hold and the kernels of the lab's hosts have
// built from it: PV labels and volume group metadata live "on the disks"
// (keyed by the disk's identity, so every host that sees the disk sees
// them), activation and clvmd are per host.
type State struct {
	// Labels are the PV labels, by the identity of the disk they are
	// written on (see Identify).
	Labels map[string]*Label `json:"labels,omitempty"`
	// VGs is the metadata of every volume group, in creation order.
	VGs []*VG `json:"vgs,omitempty"`
	// Clvmd is clvmd by host FQDN, from its start to its stop.
	Clvmd map[string]Daemon `json:"clvmd,omitempty"`
	// Active lists, by host FQDN, the UUIDs of the LVs whose device-mapper
	// devices exist on that host.
	Active map[string][]string `json:"active,omitempty"`
}

// Daemon is a clvmd process: its pid and the cman membership it joined,
// by the incarnation at which its host joined the cluster. A clvmd whose
// cman has stopped since serves nobody, even once cman runs again.
type Daemon struct {
	PID int `json:"pid"`
	Inc int `json:"inc"`
}

// Label is a PV label (LABELONE and the pv_header).
type Label struct {
	UUID string `json:"uuid"`
	// Sectors is the device size recorded when the label was written.
	Sectors int64 `json:"sectors"`
}

// VG is a volume group's metadata, as every PV of it carries.
type VG struct {
	Name      string `json:"name"`
	UUID      string `json:"uuid"`
	Clustered bool   `json:"clustered,omitempty"`
	// Seqno is the metadata sequence number, advanced by every change.
	Seqno      int    `json:"seqno"`
	ExtentSize int64  `json:"extent_size"` // sectors
	PVs        []PVMD `json:"pvs"`
	LVs        []LV   `json:"lvs,omitempty"`
}

// PVMD is a PV as the VG metadata records it.
type PVMD struct {
	UUID    string `json:"uuid"`
	DevSize int64  `json:"dev_size"` // sectors
	PECount int    `json:"pe_count"`
	PEStart int64  `json:"pe_start"` // sectors
}

// LV is a logical volume: linear segments over the VG's PVs.
type LV struct {
	Name     string    `json:"name"`
	UUID     string    `json:"uuid"`
	Segments []Segment `json:"segments"`
}

// Segment maps Extents logical extents, from the end of the previous
// segment, to the physical extents of one PV starting at PE.
type Segment struct {
	PV      string `json:"pv"` // PV UUID
	PE      int    `json:"pe"`
	Extents int    `json:"extents"`
}

// Extents is the LV's size in logical extents.
func (lv *LV) Extents() int {
	n := 0
	for _, s := range lv.Segments {
		n += s.Extents
	}
	return n
}

// DMName is the LV's device-mapper name, VG-LV with the dashes of either
// name doubled, as libdevmapper builds it.
func DMName(vg, lv string) string {
	return dashes(vg) + "-" + dashes(lv)
}

func dashes(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		out = append(out, s[i])
		if s[i] == '-' {
			out = append(out, '-')
		}
	}
	return string(out)
}

// ExtentCount is the VG's size in extents.
func (vg *VG) ExtentCount() int {
	n := 0
	for _, pv := range vg.PVs {
		n += pv.PECount
	}
	return n
}

// Allocated is how many extents of a PV the VG's LVs use.
func (vg *VG) Allocated(pvUUID string) int {
	n := 0
	for _, lv := range vg.LVs {
		for _, s := range lv.Segments {
			if s.PV == pvUUID {
				n += s.Extents
			}
		}
	}
	return n
}

// FreeCount is the VG's free extents.
func (vg *VG) FreeCount() int {
	n := vg.ExtentCount()
	for _, lv := range vg.LVs {
		n -= lv.Extents()
	}
	return n
}

// LV returns the LV called name, or nil.
func (vg *VG) LV(name string) *LV {
	for i := range vg.LVs {
		if vg.LVs[i].Name == name {
			return &vg.LVs[i]
		}
	}
	return nil
}

// PV returns the VG's record of a PV, or nil.
func (vg *VG) PV(uuid string) *PVMD {
	for i := range vg.PVs {
		if vg.PVs[i].UUID == uuid {
			return &vg.PVs[i]
		}
	}
	return nil
}

// VG returns the volume group called name, or nil.
func (s *State) VG(name string) *VG {
	for _, vg := range s.VGs {
		if vg.Name == name {
			return vg
		}
	}
	return nil
}

// vgOfPV returns the VG whose metadata lists a PV UUID, or nil.
func (s *State) vgOfPV(uuid string) *VG {
	for _, vg := range s.VGs {
		if vg.PV(uuid) != nil {
			return vg
		}
	}
	return nil
}

// lvByDMName finds the LV whose device-mapper device has this name.
func (s *State) lvByDMName(name string) (*VG, *LV) {
	for _, vg := range s.VGs {
		for i := range vg.LVs {
			if DMName(vg.Name, vg.LVs[i].Name) == name {
				return vg, &vg.LVs[i]
			}
		}
	}
	return nil, nil
}

// isActive tells whether an LV's device exists on a host.
func (s *State) isActive(fqdn, uuid string) bool {
	return slices.Contains(s.Active[fqdn], uuid)
}

func (s *State) setActive(fqdn, uuid string, on bool) {
	if s.Active == nil {
		s.Active = map[string][]string{}
	}
	list := slices.DeleteFunc(s.Active[fqdn], func(u string) bool { return u == uuid })
	if on {
		list = append(list, uuid)
	}
	if len(list) == 0 {
		delete(s.Active, fqdn)
	} else {
		s.Active[fqdn] = list
	}
}

// StateFile is where the lab keeps this emulation's shared state, under
// the lab's state directory.
const StateFile = "lvm.json"

// Load reads the LVM state without the lab's lock: the file is replaced
// atomically, so this is safe, also while holding the lock.
func Load(lab string) (*State, error) { return state.Load[State](lab, StateFile) }

// change runs fn on the shared state under the lab's lock and saves it; an
// error from fn leaves the state as it was.
func change(lab string, fn func(*State) error) error { return state.Change(lab, StateFile, fn) }

// VGs returns the metadata of every volume group, for tests of other
// packages.
func VGs(lab string) ([]VG, error) {
	s, err := Load(lab)
	if err != nil {
		return nil, err
	}
	var out []VG
	for _, vg := range s.VGs {
		out = append(out, *vg)
	}
	return out, nil
}

// ClvmdRunning reports whether clvmd runs on a host: started, and cman
// still running under it.
func ClvmdRunning(lab, fqdn string) (bool, error) {
	s, err := Load(lab)
	if err != nil {
		return false, err
	}
	return clvmdUp(lab, s, fqdn)
}

// ActiveLVs lists the UUIDs of the LVs active on a host.
func ActiveLVs(lab, fqdn string) ([]string, error) {
	s, err := Load(lab)
	if err != nil {
		return nil, err
	}
	return slices.Clone(s.Active[fqdn]), nil
}
