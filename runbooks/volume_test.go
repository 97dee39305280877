package runbooks

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The blocks of volumeBase, storageBase grown by the volume and the file
// system, whose line numbers the cases below rely on. Both clients run
// multipath, as clvm needs; the pvs are not in map order, which the file
// may choose; the creators and gfs2's clients are left to their defaults.
const (
	multipathBothBlock = `multipath:
  clients: [client0, client1]
`
	clvmBlock = `clvm:
  clients: [client0, client1]
  vg: VG0
  lv: LV0
  pvs:
    - /dev/mapper/mpath1
    - /dev/mapper/mpath0
  extents: 510
`
	gfs2Block = `gfs2:
  lock_table: client:gfs2
  journals: 2
  mountpoint: /mnt/gfs2
`
	volumeApprovalsBlock = `approvals:
  auto: [pvcreate, mkfs]
`
	volumeBase = storageHead + disksBlock + drbdBlock + gnbdBlock + multipathBothBlock + clvmBlock + gfs2Block + volumeApprovalsBlock
)

// editVolume returns volumeBase with each old replaced by the new that
// follows it, as editStorage does.
func editVolume(pairs ...string) string {
	return editDoc(volumeBase, pairs...)
}

// Edits of volumeBase that several cases use.
const (
	clvmClients = "clvm:\n  clients: [client0, client1]\n"
	gfs2Tail    = "  mountpoint: /mnt/gfs2\n"
)

func TestParseVolumeBase(t *testing.T) {
	r, err := Parse(src, []byte(volumeBase))
	if err != nil {
		t.Fatalf("Parse(volumeBase) = %v, want no error", err)
	}
	wantCLVM := &CLVM{
		Clients: []string{"client0", "client1"},
		Creator: "client0", // the first client
		VG:      "VG0",
		LV:      "LV0",
		PVs:     []string{"/dev/mapper/mpath1", "/dev/mapper/mpath0"},
		Extents: 510,
	}
	if !reflect.DeepEqual(r.CLVM, wantCLVM) {
		t.Errorf("clvm = %+v\nwant %+v", r.CLVM, wantCLVM)
	}
	wantGFS2 := &GFS2{
		LockTable:  "client:gfs2",
		Journals:   2,
		Mountpoint: "/mnt/gfs2",
		Clients:    []string{"client0", "client1"}, // every clvm client
		Creator:    "client0",                      // clvm's creator
	}
	if !reflect.DeepEqual(r.GFS2, wantGFS2) {
		t.Errorf("gfs2 = %+v\nwant %+v", r.GFS2, wantGFS2)
	}
	if got, want := r.GFS2.Cluster(), "client"; got != want {
		t.Errorf("Cluster() = %q, want %q", got, want)
	}
	if got, want := r.GFS2.FSName(), "gfs2"; got != want {
		t.Errorf("FSName() = %q, want %q", got, want)
	}
	if !r.AutoApproved(ApprovePVCreate) || !r.AutoApproved(ApproveMkfs) || r.AutoApproved(ApproveDRBDOverwrite) {
		t.Errorf("auto [pvcreate, mkfs]: AutoApproved = %v, %v, %v for %s, %s, %s; want true, true, false",
			r.AutoApproved(ApprovePVCreate), r.AutoApproved(ApproveMkfs), r.AutoApproved(ApproveDRBDOverwrite),
			ApprovePVCreate, ApproveMkfs, ApproveDRBDOverwrite)
	}
	// The default is a copy: changing one list leaves the other alone.
	r.CLVM.Clients[0] = "changed"
	if r.GFS2.Clients[0] != "client0" {
		t.Errorf("gfs2.clients shares its array with clvm.clients")
	}
}

// TestVolumeDefaults checks that a creator or gfs2 clients given in the
// file are kept, and that gfs2's creator follows clvm's.
func TestVolumeDefaults(t *testing.T) {
	tests := []struct {
		name                    string
		in                      string
		clvmCreator, gfsCreator string
		gfsClients              []string
	}{
		{"clvm creator given", editVolume(clvmClients, clvmClients+"  creator: client1\n"), "client1", "client1", []string{"client0", "client1"}},
		{"gfs2 creator given", editVolume(gfs2Tail, gfs2Tail+"  creator: client1\n"), "client0", "client1", []string{"client0", "client1"}},
		{"gfs2 clients given", editVolume(gfs2Tail, gfs2Tail+"  clients: [client0]\n"), "client0", "client0", []string{"client0"}},
		{"null keys are absent", editVolume(clvmClients, clvmClients+"  creator:\n", gfs2Tail, gfs2Tail+"  clients:\n  creator: ~\n"), "client0", "client0", []string{"client0", "client1"}},
		{"all given", editVolume(clvmClients, clvmClients+"  creator: client1\n", gfs2Tail, gfs2Tail+"  clients: [client1]\n  creator: client1\n"), "client1", "client1", []string{"client1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(src, []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if r.CLVM.Creator != tt.clvmCreator || r.GFS2.Creator != tt.gfsCreator || !reflect.DeepEqual(r.GFS2.Clients, tt.gfsClients) {
				t.Errorf("clvm.creator %q, gfs2.creator %q, gfs2.clients %q; want %q, %q, %q", r.CLVM.Creator, r.GFS2.Creator, r.GFS2.Clients, tt.clvmCreator, tt.gfsCreator, tt.gfsClients)
			}
		})
	}
}

// TestVolumeSectionsOptional checks that a runbook without the volume
// sections is what it was before they existed: nil sections and the same
// JSON, byte for byte, and that null sections read as absent.
func TestVolumeSectionsOptional(t *testing.T) {
	plain, err := Parse(src, []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(plain)
	if err != nil {
		t.Fatal(err)
	}
	const wantJSON = `{"name":"lab","description":"a test runbook",` +
		`"hosts":[{"name":"node1","fqdn":"node1.example.org","address":"192.168.10.1"},{"name":"node2","fqdn":"node2.example.org","address":"192.168.10.2"},{"name":"node3","fqdn":"node3.example.org","address":"192.168.10.3"}],` +
		`"clusters":[{"name":"pair","two_node":true,"nodes":[{"host":"node1","nodeid":1,"votes":1},{"host":"node2","nodeid":2,"votes":1}]},{"name":"solo","nodes":[{"host":"node3","nodeid":1,"votes":1}]}]}`
	if string(js) != wantJSON {
		t.Errorf("JSON of a runbook of hosts and clusters =\n%s\nwant\n%s", js, wantJSON)
	}

	storage, err := Parse(src, []byte(storageBase))
	if err != nil {
		t.Fatal(err)
	}
	if storage.CLVM != nil || storage.GFS2 != nil {
		t.Errorf("runbook without volume sections has clvm %+v, gfs2 %+v; want nil", storage.CLVM, storage.GFS2)
	}
	js, err = json.Marshal(storage)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"clvm", "gfs2"} {
		if strings.Contains(string(js), `"`+key+`"`) {
			t.Errorf("JSON of a runbook without volume sections mentions %q: %s", key, js)
		}
	}
	nulls, err := Parse(src, []byte(storageBase+"clvm:\ngfs2: ~\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(nulls, storage) {
		t.Errorf("null clvm and gfs2 = %+v, want %+v", nulls, storage)
	}
	// clvm alone is a runbook too: the file system is optional.
	if _, err := Parse(src, []byte(editVolume(gfs2Block, ""))); err != nil {
		t.Errorf("Parse without gfs2 = %v", err)
	}
}

func TestParseVolumeErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		line  int
		field string
		msg   string // substring of the first error's Msg
	}{
		// Shape and types.
		{"clvm is a list", editVolume(clvmBlock, "clvm: [client0]\n"), 95, "clvm", "must be a mapping with keys clients, vg, lv, pvs, extents, creator, got a list"},
		{"unknown clvm key", editVolume("  extents: 510\n", "  extents: 510\n  size: 2G\n"), 103, "clvm.size", `unknown key "size"; expected one of clients, vg, lv, pvs, extents, creator`},
		{"duplicate clvm key", editVolume("  vg: VG0\n", "  vg: VG0\n  vg: VG1\n"), 98, "clvm.vg", `duplicate key "vg" (first at line 97)`},
		{"missing clvm clients", editVolume(clvmClients, "clvm:\n"), 96, "clvm.clients", "is required"},
		{"missing vg", editVolume("  vg: VG0\n", ""), 96, "clvm.vg", "is required"},
		{"missing lv", editVolume("  lv: LV0\n", ""), 96, "clvm.lv", "is required"},
		{"missing pvs", editVolume("  pvs:\n    - /dev/mapper/mpath1\n    - /dev/mapper/mpath0\n", ""), 96, "clvm.pvs", "is required"},
		{"missing extents", editVolume("  extents: 510\n", ""), 96, "clvm.extents", "is required"},
		{"extents is a string", editVolume("  extents: 510\n", "  extents: \"510\"\n"), 102, "clvm.extents", `must be an integer, got a string "510"`},
		{"extents is a size", editVolume("  extents: 510\n", "  extents: 2G\n"), 102, "clvm.extents", `must be an integer, got a string "2G"`},
		{"pvs is a string", editVolume("  pvs:\n    - /dev/mapper/mpath1\n    - /dev/mapper/mpath0\n", "  pvs: /dev/mapper/mpath0\n"), 99, "clvm.pvs", `must be a list, got a string "/dev/mapper/mpath0"`},
		{"pv is a number", editVolume("    - /dev/mapper/mpath0\n", "    - 0\n"), 101, "clvm.pvs[1]", `must be a string, got an integer "0"`},
		{"clvm creator is a list", editVolume(clvmClients, clvmClients+"  creator: [client0]\n"), 97, "clvm.creator", "must be a string, got a list"},
		{"vg is a number", editVolume("  vg: VG0\n", "  vg: 0\n"), 97, "clvm.vg", `must be a string, got an integer "0"`},
		{"gfs2 is a list", editVolume(gfs2Block, "gfs2: [client:gfs2]\n"), 103, "gfs2", "must be a mapping with keys lock_table, journals, mountpoint, clients, creator, got a list"},
		{"unknown gfs2 key", editVolume(gfs2Tail, gfs2Tail+"  fstype: gfs2\n"), 107, "gfs2.fstype", `unknown key "fstype"; expected one of lock_table, journals, mountpoint, clients, creator`},
		{"missing lock table", editVolume("  lock_table: client:gfs2\n", ""), 104, "gfs2.lock_table", "is required"},
		{"missing journals", editVolume("  journals: 2\n", ""), 104, "gfs2.journals", "is required"},
		{"missing mountpoint", editVolume(gfs2Tail, ""), 104, "gfs2.mountpoint", "is required"},
		{"journals is a string", editVolume("  journals: 2\n", "  journals: two\n"), 105, "gfs2.journals", `must be an integer, got a string "two"`},
		{"gfs2 clients is a string", editVolume(gfs2Tail, gfs2Tail+"  clients: client0\n"), 107, "gfs2.clients", `must be a list, got a string "client0"`},
		{"anchor in gfs2", editVolume(gfs2Tail, "  mountpoint: &m /mnt/gfs2\n"), 106, "gfs2.mountpoint", "anchors and aliases are not supported"},

		// clvm.clients.
		{"no clvm clients", editVolume(clvmClients, "clvm:\n  clients: []\n"), 96, "clvm.clients", "at least one client is required"},
		{"clvm client unknown", editVolume(clvmClients, "clvm:\n  clients: [client0, client9]\n"), 96, "clvm.clients[1]", `"client9" is not a host of this runbook`},
		{"clvm client uppercase", editVolume(clvmClients, "clvm:\n  clients: [client0, Client1]\n"), 96, "clvm.clients[1]", `"Client1" is not a host name`},
		{"clvm client listed twice", editVolume(clvmClients, "clvm:\n  clients:\n    - client0\n    - client0\n"), 98, "clvm.clients[1]", `host "client0" is listed twice, also clvm.clients[0] (line 97)`},
		{"clvm client not a multipath client", editVolume(multipathBothBlock, "multipath:\n  clients: [client0]\n"), 96, "clvm.clients[1]", `host "client1" is not a multipath client; a clvm client must be listed in multipath.clients, whose maps are the physical volumes`},
		{"clvm client a storage host", editVolume(clvmClients, "clvm:\n  clients: [client0, client1, storage0a]\n"), 96, "clvm.clients[2]", `host "storage0a" is not a multipath client`},
		{"clvm clients of two clusters", editVolume("      - host: client1\n        nodeid: 2\n", "  - name: other\n    nodes:\n      - host: client1\n        nodeid: 1\n"), 98, "clvm.clients[1]", `host "client1" is a node of cluster "other", but "client0" of cluster "client", clvm.clients[0] (line 98); the clvm clients must be the nodes of one cman cluster, the clients' cluster`},
		{"clvm clients lack a node of the cluster", editVolume(clvmClients, "clvm:\n  clients: [client0]\n"), 96, "clvm.clients", `lacks "client1": clvmd runs on every node of cluster "client", or clustered LVM commands fail`},
		{"clvm without multipath", editVolume(multipathBothBlock, ""), 94, "clvm", "a clvm section needs a multipath section: the physical volumes are the multipath maps /dev/mapper/mpathN of the clients"},

		// clvm.creator.
		{"clvm creator not a client", editVolume(clvmClients, clvmClients+"  creator: storage0a\n"), 97, "clvm.creator", `"storage0a" is not one of clvm.clients "client0", "client1"; pvcreate, vgcreate and lvcreate run on a host that runs clvmd`},
		{"clvm creator unknown", editVolume(clvmClients, clvmClients+"  creator: client9\n"), 97, "clvm.creator", `"client9" is not a host of this runbook`},
		{"clvm creator empty", editVolume(clvmClients, clvmClients+"  creator: \"\"\n"), 97, "clvm.creator", "is required"},

		// vg and lv.
		{"vg starts with a digit", editVolume("  vg: VG0\n", "  vg: 0VG\n"), 97, "clvm.vg", `"0VG" is not a volume group name: a letter, then letters, digits and '_', at most 32 characters`},
		{"vg with -", editVolume("  vg: VG0\n", "  vg: VG-0\n"), 97, "clvm.vg", `"VG-0" is not a volume group name`},
		{"vg starts with -", editVolume("  vg: VG0\n", "  vg: -VG0\n"), 97, "clvm.vg", `"-VG0" must not start with '-'`},
		{"vg is .", editVolume("  vg: VG0\n", "  vg: .\n"), 97, "clvm.vg", `"." is not a volume group name`},
		{"vg is ..", editVolume("  vg: VG0\n", "  vg: ..\n"), 97, "clvm.vg", `".." is not a volume group name`},
		{"vg too long", editVolume("  vg: VG0\n", "  vg: V"+strings.Repeat("G", 32)+"\n"), 97, "clvm.vg", "at most 32 characters"},
		{"vg of 32 characters is fine, lv empty", editVolume("  vg: VG0\n", "  vg: V"+strings.Repeat("G", 31)+"\n", "  lv: LV0\n", "  lv: \"\"\n"), 98, "clvm.lv", "is required"},
		{"lv with /", editVolume("  lv: LV0\n", "  lv: VG0/LV0\n"), 98, "clvm.lv", `"VG0/LV0" is not a logical volume name: a letter, then letters, digits and '_', at most 32 characters`},
		{"lv is ..", editVolume("  lv: LV0\n", "  lv: ..\n"), 98, "clvm.lv", `".." is not a logical volume name`},
		{"lv too long", editVolume("  lv: LV0\n", "  lv: L"+strings.Repeat("V", 32)+"\n"), 98, "clvm.lv", "at most 32 characters"},
		{"lv reserved prefix", editVolume("  lv: LV0\n", "  lv: snapshot0\n"), 98, "clvm.lv", `"snapshot0" starts with "snapshot", which LVM reserves for its own volumes; lvcreate refuses it`},
		{"lv reserved pvmove", editVolume("  lv: LV0\n", "  lv: pvmove0\n"), 98, "clvm.lv", `starts with "pvmove"`},
		{"lv reserved infix", editVolume("  lv: LV0\n", "  lv: LV0_mlog\n"), 98, "clvm.lv", `"LV0_mlog" contains "_mlog", which LVM reserves`},

		// pvs.
		{"no pvs", editVolume("  pvs:\n    - /dev/mapper/mpath1\n    - /dev/mapper/mpath0\n", "  pvs: []\n"), 99, "clvm.pvs", "at least one physical volume is required"},
		{"pv not a multipath map", editVolume("    - /dev/mapper/mpath0\n", "    - /dev/gnbd0\n"), 101, "clvm.pvs[1]", `"/dev/gnbd0" is not a multipath map: /dev/mapper/mpath and a number from 0 to 999 without leading zeros, as in /dev/mapper/mpath0`},
		{"pv by another name", editVolume("    - /dev/mapper/mpath0\n", "    - /dev/mpath/mpath0\n"), 101, "clvm.pvs[1]", "is not a multipath map"},
		{"pv with leading zero", editVolume("    - /dev/mapper/mpath0\n", "    - /dev/mapper/mpath00\n"), 101, "clvm.pvs[1]", "without leading zeros"},
		{"pv number too big", editVolume("    - /dev/mapper/mpath0\n", "    - /dev/mapper/mpath1000\n"), 101, "clvm.pvs[1]", "is not a multipath map"},
		{"pv partition", editVolume("    - /dev/mapper/mpath0\n", "    - /dev/mapper/mpath0p1\n"), 101, "clvm.pvs[1]", "is not a multipath map"},
		{"pv listed twice", editVolume("    - /dev/mapper/mpath0\n", "    - /dev/mapper/mpath1\n"), 101, "clvm.pvs[1]", `"/dev/mapper/mpath1" is listed twice, also clvm.pvs[0] (line 100)`},
		{"pv of no map", editVolume("    - /dev/mapper/mpath0\n", "    - /dev/mapper/mpath0\n    - /dev/mapper/mpath2\n"), 102, "clvm.pvs[2]", `"/dev/mapper/mpath2" is not a multipath map of this runbook: its GNBD uids 0, 7 give /dev/mapper/mpath0 to /dev/mapper/mpath1; mpathN is the map of the N-th uid in ascending order`},
		{"pv of no map, one pair", editVolume(
			"    - host: storage1a\n      name: gnbd1a\n      device: /dev/drbd1\n      uid: 7\n    - host: storage1b\n      name: gnbd1b\n      device: /dev/drbd1\n      uid: 7\n", "",
			"  - name: r1\n    device: /dev/drbd1\n    protocol: C\n    rate: 40M\n    port: 7789\n    hosts:\n      - storage1a\n      - storage1b\n    sync_from: storage1b\n", "",
			"  extents: 510\n", "  extents: 255\n"),
			83, "clvm.pvs[0]", `"/dev/mapper/mpath1" is not a multipath map of this runbook: its GNBD uid 0 gives /dev/mapper/mpath0 only; mpathN is the map of the N-th uid in ascending order`},
		{"pvs lack a map", editVolume("    - /dev/mapper/mpath0\n", "", "  extents: 510\n", "  extents: 255\n"), 100, "clvm.pvs", `lacks /dev/mapper/mpath0 (GNBD uid 0); every multipath map of the runbook is a physical volume of the volume group, one per GNBD uid`},

		// extents.
		{"extents zero", editVolume("  extents: 510\n", "  extents: 0\n"), 102, "clvm.extents", "must be at least 1, got 0"},
		{"extents negative", editVolume("  extents: 510\n", "  extents: -510\n"), 102, "clvm.extents", "must be at least 1, got -510"},
		{"extents beyond the volume group", editVolume("  extents: 510\n", "  extents: 511\n"), 102, "clvm.extents", "must be from 1 to 510, got 511: a physical volume of 1 GiB holds 255 extents of 4 MiB, and the volume group has 2"},

		// gfs2.lock_table.
		{"lock table without colon", editVolume("  lock_table: client:gfs2\n", "  lock_table: gfs2\n"), 104, "gfs2.lock_table", `"gfs2" is not a lock table: <cluster>:<fsname>, as in client:gfs2`},
		{"lock table empty", editVolume("  lock_table: client:gfs2\n", "  lock_table: \"\"\n"), 104, "gfs2.lock_table", "is required"},
		{"lock table without cluster", editVolume("  lock_table: client:gfs2\n", "  lock_table: :gfs2\n"), 104, "gfs2.lock_table", `":gfs2" has an empty cluster part`},
		{"lock table without fs name", editVolume("  lock_table: client:gfs2\n", "  lock_table: \"client:\"\n"), 104, "gfs2.lock_table", `"client:" has an empty file system part`},
		{"lock table cluster with dot", editVolume("  lock_table: client:gfs2\n", "  lock_table: cli.ent:gfs2\n"), 104, "gfs2.lock_table", `has cluster part "cli.ent", which is not a cluster name`},
		{"lock table cluster with -", editVolume("  lock_table: client:gfs2\n", "  lock_table: -client:gfs2\n"), 104, "gfs2.lock_table", `has cluster part "-client", which must not start with '-'`},
		{"lock table cluster too long", editVolume("  lock_table: client:gfs2\n", "  lock_table: "+strings.Repeat("c", 17)+":gfs2\n"), 104, "gfs2.lock_table", "has a cluster part of 17 characters; mkfs.gfs2 refuses more than 16"},
		{"lock table cluster of 16", editVolume("  lock_table: client:gfs2\n", "  lock_table: "+strings.Repeat("c", 16)+":gfs2\n"), 104, "gfs2.lock_table", `cluster part "cccccccccccccccc" is not "client"`},
		{"lock table of a storage cluster", editVolume("  lock_table: client:gfs2\n", "  lock_table: storage0:gfs2\n"), 104, "gfs2.lock_table", `cluster part "storage0" is not "client", the cman cluster of the clvm clients; the lock table's cluster part must be the name of the clients' cluster, or lock_dlm refuses the mount`},
		{"lock table cluster in another case", editVolume("  lock_table: client:gfs2\n", "  lock_table: Client:gfs2\n"), 104, "gfs2.lock_table", `cluster part "Client" is not "client"`},
		{"lock table fs name too long", editVolume("  lock_table: client:gfs2\n", "  lock_table: client:"+strings.Repeat("g", 17)+"\n"), 104, "gfs2.lock_table", "has file system part \"ggggggggggggggggg\": want letters, digits, '_' and '-', at most 16 characters"},
		{"lock table fs name with dot", editVolume("  lock_table: client:gfs2\n", "  lock_table: client:gfs.2\n"), 104, "gfs2.lock_table", `has file system part "gfs.2"`},
		{"lock table with two colons", editVolume("  lock_table: client:gfs2\n", "  lock_table: client:gfs2:x\n"), 104, "gfs2.lock_table", `has file system part "gfs2:x"`},

		// gfs2.journals.
		{"journals zero", editVolume("  journals: 2\n", "  journals: 0\n"), 105, "gfs2.journals", "must be from 1 to 64, got 0"},
		{"journals too many", editVolume("  journals: 2\n", "  journals: 65\n"), 105, "gfs2.journals", "must be from 1 to 64, got 65"},
		{"journals do not fit", editVolume("  journals: 2\n", "  journals: 32\n"), 105, "gfs2.journals", "32 journals do not fit on the logical volume: mkfs.gfs2 makes each 128 MB, and clvm.extents 510 (2040 MiB) leaves room for 15; mkfs.gfs2 would refuse it"},
		{"one journal too many", editVolume("  journals: 2\n", "  journals: 16\n"), 105, "gfs2.journals", "16 journals do not fit"},
		{"volume too small for the clients' journals", editVolume("  extents: 510\n", "  extents: 40\n"), 105, "gfs2.journals", "2 journals do not fit on the logical volume: mkfs.gfs2 makes each 128 MB, and clvm.extents 40 (160 MiB) leaves room for 1"},
		{"fewer journals than clients", editVolume("  journals: 2\n", "  journals: 1\n"), 105, "gfs2.journals", "must be at least 2, one for each of gfs2.clients, got 1: every node that mounts the file system needs a journal of its own"},

		// gfs2.mountpoint.
		{"mountpoint root", editVolume(gfs2Tail, "  mountpoint: /\n"), 106, "gfs2.mountpoint", `"/" is the root file system`},
		{"mountpoint relative", editVolume(gfs2Tail, "  mountpoint: mnt\n"), 106, "gfs2.mountpoint", `"mnt" is not a mount point: '/', then lowercase letters, digits, '/', '_' and '-', at most 64 characters`},
		{"mountpoint with ..", editVolume(gfs2Tail, "  mountpoint: /mnt/../etc\n"), 106, "gfs2.mountpoint", `"/mnt/../etc" must not contain '..'`},
		{"mountpoint uppercase", editVolume(gfs2Tail, "  mountpoint: /MNT\n"), 106, "gfs2.mountpoint", "is not a mount point"},
		{"mountpoint with dot", editVolume(gfs2Tail, "  mountpoint: /mnt/.gfs2\n"), 106, "gfs2.mountpoint", "is not a mount point"},
		{"mountpoint too long", editVolume(gfs2Tail, "  mountpoint: /"+strings.Repeat("m", 64)+"\n"), 106, "gfs2.mountpoint", "at most 64 characters"},
		{"mountpoint with //", editVolume(gfs2Tail, "  mountpoint: /mnt//gfs2\n"), 106, "gfs2.mountpoint", `"/mnt//gfs2" must not contain '//'`},
		{"mountpoint ending in /", editVolume(gfs2Tail, "  mountpoint: /mnt/\n"), 106, "gfs2.mountpoint", `"/mnt/" must not end with '/'`},
		{"mountpoint a system directory", editVolume(gfs2Tail, "  mountpoint: /var\n"), 106, "gfs2.mountpoint", `"/var" is a system directory; mounting over it would hide the host's own files`},
		{"mountpoint under /etc", editVolume(gfs2Tail, "  mountpoint: /etc/cluster\n"), 106, "gfs2.mountpoint", `"/etc/cluster" is under the system directory /etc`},
		{"mountpoint under /dev", editVolume(gfs2Tail, "  mountpoint: /dev/shm\n"), 106, "gfs2.mountpoint", "is under the system directory /dev"},

		// gfs2.clients.
		{"no gfs2 clients", editVolume(gfs2Tail, gfs2Tail+"  clients: []\n"), 107, "gfs2.clients", "at least one client is required"},
		{"gfs2 client not a clvm client", editVolume(gfs2Tail, gfs2Tail+"  clients: [client0, storage0a]\n"), 107, "gfs2.clients[1]", `host "storage0a" is not a clvm client; a host that mounts the file system needs clvmd to see the logical volume, so gfs2.clients must be clvm clients`},
		{"gfs2 client unknown", editVolume(gfs2Tail, gfs2Tail+"  clients: [client0, client9]\n"), 107, "gfs2.clients[1]", `"client9" is not a host of this runbook`},
		{"gfs2 client listed twice", editVolume(gfs2Tail, gfs2Tail+"  clients: [client0, client0]\n"), 107, "gfs2.clients[1]", `host "client0" is listed twice, also gfs2.clients[0] (line 107)`},

		// gfs2.creator.
		{"gfs2 creator by default not a gfs2 client", editVolume(gfs2Tail, gfs2Tail+"  clients: [client1]\n"), 104, "gfs2.creator", `"client0" is not one of gfs2.clients "client1"; mkfs.gfs2 runs on a host that mounts the file system; gfs2.creator defaults to clvm.creator`},
		{"gfs2 creator not a gfs2 client", editVolume(gfs2Tail, gfs2Tail+"  clients: [client1]\n  creator: client0\n"), 108, "gfs2.creator", `"client0" is not one of gfs2.clients "client1"; mkfs.gfs2 runs on a host that mounts the file system; gfs2.creator defaults`},
		{"gfs2 creator a storage host", editVolume(gfs2Tail, gfs2Tail+"  creator: storage0a\n"), 107, "gfs2.creator", `"storage0a" is not one of gfs2.clients "client0", "client1"; mkfs.gfs2 runs on a host that mounts the file system`},
		{"gfs2 creator unknown", editVolume(gfs2Tail, gfs2Tail+"  creator: client9\n"), 107, "gfs2.creator", `"client9" is not a host of this runbook`},

		// Sections that need the one below.
		{"gfs2 without clvm", editVolume(clvmBlock, ""), 96, "gfs2", "a gfs2 section needs a clvm section: the file system lives on its logical volume"},

		// Approvals.
		{"approval listed twice", editVolume("  auto: [pvcreate, mkfs]\n", "  auto: [pvcreate, mkfs, pvcreate]\n"), 108, "approvals.auto[2]", `"pvcreate" is listed twice, also approvals.auto[0] (line 108)`},
		{"approval misspelt", editVolume("  auto: [pvcreate, mkfs]\n", "  auto: [pvcreate, mkfs.gfs2]\n"), 108, "approvals.auto[1]", `"mkfs.gfs2" is not a step that can be approved automatically; allowed: disk-label, drbd-overwrite, pvcreate, mkfs`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(src, []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse = %+v, nil; want error %s:%d: %s: ...%s...", r, src, tt.line, tt.field, tt.msg)
			}
			if r != nil {
				t.Errorf("Parse returned a runbook with error %v", err)
			}
			list := errorList(t, err)
			got := list[0]
			if got.Source != src || got.Line != tt.line || got.Field != tt.field || !strings.Contains(got.Msg, tt.msg) {
				t.Errorf("first error = %q\nwant source %q, line %d, field %q, message containing %q\nall errors:\n%v", got, src, tt.line, tt.field, tt.msg, err)
			}
			for _, e := range list {
				if s := e.Error(); strings.ContainsAny(s, "\n\x00") || !strings.HasPrefix(s, src) {
					t.Errorf("error %q must start with the source and be one line", s)
				}
			}
		})
	}
}

// TestParseVolumeReportsOnce checks every error of runbooks with mistakes
// that the defaults and the checks across sections could repeat: each is
// reported once, where it is.
func TestParseVolumeReportsOnce(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"clvm is a list", editVolume(clvmBlock, "clvm: [client0]\n"), []string{
			`runbooks/x.yaml:95: clvm: must be a mapping with keys clients, vg, lv, pvs, extents, creator, got a list`,
		}},
		{"bad first clvm client, taken by both creators and gfs2", editVolume(clvmClients, "clvm:\n  clients: [Client0, client1]\n"), []string{
			`runbooks/x.yaml:96: clvm.clients[0]: "Client0" is not a host name: a lowercase letter, then lowercase letters, digits and '-', at most 63 characters`,
		}},
		{"no clvm clients", editVolume(clvmClients, "clvm:\n  clients: []\n"), []string{
			`runbooks/x.yaml:96: clvm.clients: at least one client is required`,
		}},
		{"clvm creator taken by gfs2", editVolume(clvmClients, clvmClients+"  creator: storage0a\n"), []string{
			`runbooks/x.yaml:97: clvm.creator: "storage0a" is not one of clvm.clients "client0", "client1"; pvcreate, vgcreate and lvcreate run on a host that runs clvmd`,
		}},
		{"gfs2 without clvm", editVolume(clvmBlock, ""), []string{
			`runbooks/x.yaml:96: gfs2: a gfs2 section needs a clvm section: the file system lives on its logical volume`,
		}},
		{"gfs2 with clients but without clvm", editVolume(clvmBlock, "", gfs2Tail, gfs2Tail+"  clients: [client0, client1]\n"), []string{
			`runbooks/x.yaml:96: gfs2: a gfs2 section needs a clvm section: the file system lives on its logical volume`,
		}},
		{"clvm and gfs2 without multipath", editVolume(multipathBothBlock, ""), []string{
			`runbooks/x.yaml:94: clvm: a clvm section needs a multipath section: the physical volumes are the multipath maps /dev/mapper/mpathN of the clients`,
		}},
		// A client in no cluster is reported by gnbd, which needs cman
		// for the import, and not again by clvm; the lock table's
		// cluster cannot be checked then.
		{"client in no cluster", editVolume("      - host: client1\n        nodeid: 2\n", "", "  lock_table: client:gfs2\n", "  lock_table: other:gfs2\n"), []string{
			`runbooks/x.yaml:90: gnbd.imports.clients[1]: host "client1" is not a node of any cman cluster; gnbd_import needs cman on the client`,
		}},
		// A uid error leaves the maps unknown: the pvs are not matched
		// against them.
		{"pair with two uids", editVolume("      device: /dev/drbd1\n      uid: 7\n    - host: storage1b\n", "      device: /dev/drbd1\n      uid: 8\n    - host: storage1b\n"), []string{
			`runbooks/x.yaml:90: gnbd.exports[3].uid: uid 7 differs from uid 8 of the other side of DRBD resource "r1", gnbd.exports[2].uid (line 86); both hosts of a pair export with the same uid, so that multipath joins them into one map`,
		}},
		{"mistakes in every field", editVolume(
			clvmClients, "clvm:\n  clients: [client0, client1, client0]\n  creator: client9\n",
			"  vg: VG0\n", "  vg: VG/0\n",
			"  lv: LV0\n", "  lv: pvmove\n",
			"    - /dev/mapper/mpath0\n", "    - /dev/sdb\n",
			"  extents: 510\n", "  extents: 0\n",
			"  lock_table: client:gfs2\n", "  lock_table: client\n",
			"  journals: 2\n", "  journals: 100\n",
			gfs2Tail, "  mountpoint: /\n  clients: [client1]\n  creator: spare\n",
		), []string{
			`runbooks/x.yaml:96: clvm.clients[2]: host "client0" is listed twice, also clvm.clients[0] (line 96)`,
			`runbooks/x.yaml:97: clvm.creator: "client9" is not a host of this runbook`,
			`runbooks/x.yaml:98: clvm.vg: "VG/0" is not a volume group name: a letter, then letters, digits and '_', at most 32 characters`,
			`runbooks/x.yaml:99: clvm.lv: "pvmove" starts with "pvmove", which LVM reserves for its own volumes; lvcreate refuses it`,
			`runbooks/x.yaml:102: clvm.pvs[1]: "/dev/sdb" is not a multipath map: /dev/mapper/mpath and a number from 0 to 999 without leading zeros, as in /dev/mapper/mpath0`,
			`runbooks/x.yaml:103: clvm.extents: must be at least 1, got 0`,
			`runbooks/x.yaml:105: gfs2.lock_table: "client" is not a lock table: <cluster>:<fsname>, as in client:gfs2`,
			`runbooks/x.yaml:106: gfs2.journals: must be from 1 to 64, got 100`,
			`runbooks/x.yaml:107: gfs2.mountpoint: "/" is the root file system; mount the file system on a directory of its own, such as /mnt`,
			`runbooks/x.yaml:109: gfs2.creator: "spare" is not one of gfs2.clients "client1"; mkfs.gfs2 runs on a host that mounts the file system`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(src, []byte(tt.in))
			if err == nil {
				t.Fatalf("Parse accepted the runbook; want\n%s", strings.Join(tt.want, "\n"))
			}
			var got []string
			for _, e := range errorList(t, err) {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestParseVolumeHostileValues checks that values which could escape into
// a path, a shell command or a tool's options are refused in every string
// field of the volume sections.
func TestParseVolumeHostileValues(t *testing.T) {
	hostile := []string{
		"a/b", "..", "../../etc/passwd", "a b", " client0", "client0 ", "a;b", "$(reboot)", "${IFS}",
		"`id`", "a|b", "a&b", "a>b", "a\nb", "client0\n", "a\x00b", "a\tb", "-rf", "--help", "*", "a'b", "a\"b", "a\\b",
		"/dev/mapper/mpath0;reboot", "/dev/mapper/../sda", "/dev/mapper/mpath0\n", "/dev/mapper/mpath0 ", "/dev/mapper/mpath0/..",
		"/mnt;reboot", "/mnt/../etc", "/mnt\n", "/mnt gfs2", "/mnt/$(id)", "/etc/cluster", "/dev/sdb", "/proc/sys", "/mnt/",
		"client:gfs2;reboot", "client:$(id)", "client:gfs2\n", "client:../gfs2", "client :gfs2", "client:gfs 2", "client:/gfs2",
		"VG0;reboot", "VG0\n", "VG0/LV0", "LV0 ", "-VG0",
	}
	fields := []struct {
		old, new string // new has %s for the quoted value
		line     int
		field    string
	}{
		{clvmClients, "clvm:\n  clients: [%s, client1]\n", 96, "clvm.clients[0]"},
		{clvmClients, clvmClients + "  creator: %s\n", 97, "clvm.creator"},
		{"  vg: VG0\n", "  vg: %s\n", 97, "clvm.vg"},
		{"  lv: LV0\n", "  lv: %s\n", 98, "clvm.lv"},
		{"    - /dev/mapper/mpath1\n", "    - %s\n", 100, "clvm.pvs[0]"},
		{"  lock_table: client:gfs2\n", "  lock_table: %s\n", 104, "gfs2.lock_table"},
		{gfs2Tail, "  mountpoint: %s\n", 106, "gfs2.mountpoint"},
		{gfs2Tail, gfs2Tail + "  clients: [%s]\n", 107, "gfs2.clients[0]"},
		{gfs2Tail, gfs2Tail + "  creator: %s\n", 107, "gfs2.creator"},
		{"  auto: [pvcreate, mkfs]\n", "  auto: [pvcreate, %s]\n", 108, "approvals.auto[1]"},
	}
	for _, f := range fields {
		for _, h := range hostile {
			for _, v := range []string{h, h + ".example.org"} {
				t.Run(f.field+"="+strconv.Quote(v), func(t *testing.T) {
					in := editVolume(f.old, strings.Replace(f.new, "%s", strconv.Quote(v), 1))
					_, err := Parse(src, []byte(in))
					if err == nil {
						t.Fatalf("Parse accepted %s = %q", f.field, v)
					}
					got := errorList(t, err)[0]
					if got.Line != f.line || got.Field != f.field {
						t.Errorf("first error = %q, want line %d, field %s", got, f.line, f.field)
					}
					if s := got.Error(); strings.ContainsAny(s, "\n\x00") {
						t.Errorf("error %q is not one clean line", s)
					}
				})
			}
		}
	}
}

func TestValidateVolume(t *testing.T) {
	r, err := Parse(src, []byte(volumeBase))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Validate(); err != nil {
		t.Fatalf("Validate() of a parsed runbook = %v, want nil", err)
	}
	// A runbook built in code gets no defaults: Validate checks the values
	// a loaded runbook would hold.
	r.CLVM.Creator = ""
	r.GFS2.Clients = nil
	r.GFS2.Creator = "client1"
	want := strings.Join([]string{
		`clvm.creator: is required`,
		`gfs2.clients: at least one client is required`,
	}, "\n")
	if err := r.Validate(); err == nil || err.Error() != want {
		t.Errorf("Validate() = %v, want\n%s", err, want)
	}

	r.CLVM = &CLVM{Clients: []string{"client0", "client1"}, Creator: "client1", VG: "VG0", LV: "LV0", PVs: []string{"/dev/mapper/mpath0", "/dev/mapper/mpath1"}, Extents: 510}
	r.GFS2 = &GFS2{LockTable: "storage1:gfs2", Journals: 1, Mountpoint: "/mnt", Clients: []string{"client0", "client1"}, Creator: "client1"}
	want = strings.Join([]string{
		`gfs2.lock_table: cluster part "storage1" is not "client", the cman cluster of the clvm clients; the lock table's cluster part must be the name of the clients' cluster, or lock_dlm refuses the mount`,
		`gfs2.journals: must be at least 2, one for each of gfs2.clients, got 1: every node that mounts the file system needs a journal of its own`,
	}, "\n")
	if err := r.Validate(); err == nil || err.Error() != want {
		t.Errorf("Validate() = %v, want\n%s", err, want)
	}

	r.CLVM = nil
	r.GFS2.Journals = 2
	want = `gfs2: a gfs2 section needs a clvm section: the file system lives on its logical volume`
	if err := r.Validate(); err == nil || err.Error() != want {
		t.Errorf("Validate() without clvm = %v, want\n%s", err, want)
	}
}

// TestVolumeJSON checks the protocol names of the volume sections.
func TestVolumeJSON(t *testing.T) {
	r, err := Parse(src, []byte(volumeBase))
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"clvm":{"clients":["client0","client1"],"creator":"client0","vg":"VG0","lv":"LV0","pvs":["/dev/mapper/mpath1","/dev/mapper/mpath0"],"extents":510}`,
		`"gfs2":{"lock_table":"client:gfs2","journals":2,"mountpoint":"/mnt/gfs2","clients":["client0","client1"],"creator":"client0"}`,
		`"approvals":{"auto":["pvcreate","mkfs"]}`,
	} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
	var back Runbook
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, r) {
		t.Errorf("JSON round trip changed the runbook:\n%+v\n%+v", r, &back)
	}
}

func TestGFS2LockTableParts(t *testing.T) {
	tests := []struct{ lockTable, cluster, fsName string }{
		{"client:gfs2", "client", "gfs2"},
		{"client", "client", ""},
		{":gfs2", "", "gfs2"},
		{"client:gfs2:x", "client", "gfs2:x"},
		{"", "", ""},
	}
	for _, tt := range tests {
		g := GFS2{LockTable: tt.lockTable}
		if g.Cluster() != tt.cluster || g.FSName() != tt.fsName {
			t.Errorf("lock table %q: Cluster() = %q, FSName() = %q; want %q, %q", tt.lockTable, g.Cluster(), g.FSName(), tt.cluster, tt.fsName)
		}
	}
}

// TestJournalsThatFitLoad is the other side of "journals do not fit": 15
// journals of 128 MB fit on the blog's 510 extents (mkfs.gfs2 takes them),
// so the loader must too.
func TestJournalsThatFitLoad(t *testing.T) {
	doc := editVolume("  journals: 2\n", "  journals: 15\n")
	if _, err := Parse(src, []byte(doc)); err != nil {
		t.Errorf("15 journals on 510 extents: %v, want no error", err)
	}
}
