package runbooks

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// The blocks of storageBase, a valid runbook with every data path section,
// whose line numbers the cases below rely on. It differs from the shipped
// runbook where that lets a case see more: r1 sets every optional key, the
// spare host has a disk but no cluster and no DRBD resource, and only
// client0 runs multipath.
const (
	storageHead = `name: store
hosts:
  - name: client0
    fqdn: client0.example.org
    address: 10.0.0.10
  - name: client1
    fqdn: client1.example.org
    address: 10.0.0.11
  - name: storage0a
    fqdn: storage0a.example.org
    address: 10.0.0.20
  - name: storage0b
    fqdn: storage0b.example.org
    address: 10.0.0.27
  - name: storage1a
    fqdn: storage1a.example.org
    address: 10.0.0.30
  - name: storage1b
    fqdn: storage1b.example.org
    address: 10.0.0.37
  - name: spare
    fqdn: spare.example.org
    address: 10.0.0.40
clusters:
  - name: storage0
    nodes:
      - host: storage0a
        nodeid: 1
      - host: storage0b
        nodeid: 2
  - name: storage1
    two_node: true
    nodes:
      - host: storage1a
        nodeid: 1
      - host: storage1b
        nodeid: 2
  - name: client
    nodes:
      - host: client0
        nodeid: 1
      - host: client1
        nodeid: 2
`
	disksBlock = `disks:
  - host: storage0a
    device: /dev/xvdb
    partition: /dev/xvdb1
  - host: storage0b
    device: /dev/xvdb
    partition: /dev/xvdb1
  - host: storage1a
    device: /dev/xvdc
    partition: /dev/xvdc1
  - host: storage1b
    device: /dev/sdb
    partition: /dev/sdb1
  - host: spare
    device: /dev/vdb
    partition: /dev/vdb1
`
	drbdBlock = `drbd:
  - name: r0
    device: /dev/drbd0
    hosts: [storage0a, storage0b]
  - name: r1
    device: /dev/drbd1
    protocol: C
    rate: 40M
    port: 7789
    hosts:
      - storage1a
      - storage1b
    sync_from: storage1b
`
	gnbdBlock = `gnbd:
  exports:
    - host: storage0a
      name: gnbd0a
      device: /dev/drbd0
      uid: 0
    - host: storage0b
      name: gnbd0b
      device: /dev/drbd0
      uid: 0
    - host: storage1a
      name: gnbd1a
      device: /dev/drbd1
      uid: 7
    - host: storage1b
      name: gnbd1b
      device: /dev/drbd1
      uid: 7
  imports:
    clients: [client0, client1]
`
	multipathBlock = `multipath:
  clients:
    - client0
`
	approvalsBlock = `approvals:
  auto: [drbd-overwrite]
`
	storageBase = storageHead + disksBlock + drbdBlock + gnbdBlock + multipathBlock + approvalsBlock
)

// editStorage returns storageBase with each old replaced by the new that
// follows it; every old must occur exactly once in the document as edited
// so far.
func editStorage(pairs ...string) string {
	return editDoc(storageBase, pairs...)
}

// editDoc returns doc with each old replaced by the new that follows it;
// every old must occur exactly once in the document as edited so far, so
// a case cannot silently test the unedited document.
func editDoc(doc string, pairs ...string) string {
	for i := 0; i+1 < len(pairs); i += 2 {
		if n := strings.Count(doc, pairs[i]); n != 1 {
			panic("editDoc: " + strconv.Quote(pairs[i]) + " occurs " + strconv.Itoa(n) + " times")
		}
		doc = strings.Replace(doc, pairs[i], pairs[i+1], 1)
	}
	return doc
}

func TestParseStorageBase(t *testing.T) {
	r, err := Parse(src, []byte(storageBase))
	if err != nil {
		t.Fatalf("Parse(storageBase) = %v, want no error", err)
	}
	want := []DRBDResource{
		// r0 leaves out every optional key: the blog's values and its first host.
		{Name: "r0", Device: "/dev/drbd0", Protocol: "C", Rate: "10M", Port: 7788, Hosts: []string{"storage0a", "storage0b"}, SyncFrom: "storage0a"},
		{Name: "r1", Device: "/dev/drbd1", Protocol: "C", Rate: "40M", Port: 7789, Hosts: []string{"storage1a", "storage1b"}, SyncFrom: "storage1b"},
	}
	if !reflect.DeepEqual(r.DRBD, want) {
		t.Errorf("drbd = %+v\nwant %+v", r.DRBD, want)
	}
	if got, want := len(r.Disks), 5; got != want {
		t.Errorf("got %d disks, want %d", got, want)
	}
	if d, ok := r.Disk("spare"); !ok || d != (Disk{Host: "spare", Device: "/dev/vdb", Partition: "/dev/vdb1"}) {
		t.Errorf("Disk(spare) = %+v, %v", d, ok)
	}
	if r.GNBD == nil || len(r.GNBD.Exports) != 4 || !reflect.DeepEqual(r.GNBD.Imports.Clients, []string{"client0", "client1"}) {
		t.Errorf("gnbd = %+v, want 4 exports imported by client0 and client1", r.GNBD)
	}
	if r.Multipath == nil || !reflect.DeepEqual(r.Multipath.Clients, []string{"client0"}) {
		t.Errorf("multipath = %+v, want client0", r.Multipath)
	}
	if !r.AutoApproved(ApproveDRBDOverwrite) {
		t.Errorf("AutoApproved(%s) = false, want true", ApproveDRBDOverwrite)
	}
}

// TestDiskLabelCanBeAutoApproved: labelling a spare disk that has no
// partition table waits for a person unless approvals.auto lists
// disk-label, which the loader accepts like the other destructive steps.
func TestDiskLabelCanBeAutoApproved(t *testing.T) {
	r, err := Parse(src, []byte(editStorage("  auto: [drbd-overwrite]\n", "  auto: [disk-label, drbd-overwrite]\n")))
	if err != nil {
		t.Fatalf("Parse(auto: [disk-label, drbd-overwrite]) = %v, want no error", err)
	}
	if !r.AutoApproved(ApproveLabel) || !r.AutoApproved(ApproveDRBDOverwrite) {
		t.Errorf("AutoApproved(%s), AutoApproved(%s) = %v, %v; want true, true", ApproveLabel, ApproveDRBDOverwrite, r.AutoApproved(ApproveLabel), r.AutoApproved(ApproveDRBDOverwrite))
	}
	base, err := Parse(src, []byte(storageBase))
	if err != nil {
		t.Fatal(err)
	}
	if base.AutoApproved(ApproveLabel) {
		t.Errorf("AutoApproved(%s) = true for auto: [drbd-overwrite]", ApproveLabel)
	}
}

// TestStorageSectionsOptional checks that the data path sections leave a
// runbook without them as it was: nil sections, the same JSON, and empty or
// null sections read as absent.
func TestStorageSectionsOptional(t *testing.T) {
	plain, err := Parse(src, []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if plain.Disks != nil || plain.DRBD != nil || plain.GNBD != nil || plain.Multipath != nil || plain.Approvals.Auto != nil {
		t.Errorf("runbook without data path sections = %+v, want them nil", plain)
	}
	js, err := json.Marshal(plain)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"disks", "drbd", "gnbd", "multipath", "approvals"} {
		if strings.Contains(string(js), `"`+key+`"`) {
			t.Errorf("JSON of a runbook without data path sections mentions %q: %s", key, js)
		}
	}
	for _, empty := range []string{"disks: []\ndrbd: []\napprovals: {}\n", "disks:\ndrbd:\ngnbd:\nmultipath:\napprovals:\n", "approvals:\n  auto: []\n"} {
		r, err := Parse(src, []byte(base+empty))
		if err != nil {
			t.Errorf("Parse(base + %q) = %v", empty, err)
			continue
		}
		if !reflect.DeepEqual(r, plain) {
			t.Errorf("Parse(base + %q) = %+v, want %+v", empty, r, plain)
		}
	}
}

func TestParseStorageErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		line  int
		field string
		msg   string // substring of the first error's Msg
	}{
		// Shape and types.
		{"unknown section", editStorage(approvalsBlock, "approval:\n  auto: []\n"), 96, "approval", `unknown key "approval"; expected one of name, hosts, description, clusters, disks, drbd, gnbd, multipath, clvm, gfs2, approvals`},
		{"document is a list names the sections", "- name: lab\n", 1, "", "with keys name, hosts, description, clusters, got a list; it may also hold disks, drbd, gnbd, multipath, clvm, gfs2, approvals"},
		{"duplicate section", storageBase + "disks: []\n", 98, "disks", `duplicate key "disks" (first at line 44)`},
		{"unknown disk key", editStorage("    partition: /dev/sdb1\n", "    partition: /dev/sdb1\n    size: 1G\n"), 57, "disks[3].size", `unknown key "size"; expected one of host, device, partition`},
		{"missing partition", editStorage("    partition: /dev/sdb1\n", ""), 54, "disks[3].partition", "is required"},
		{"disks is a mapping", editStorage(disksBlock, "disks:\n  host: storage0a\n"), 45, "disks", "must be a list, got a mapping"},
		{"disk is a string", editStorage("  - host: spare\n    device: /dev/vdb\n    partition: /dev/vdb1\n", "  - spare\n"), 57, "disks[4]", "must be a mapping with keys host, device, partition, got a string"},
		{"unknown drbd key", editStorage("    port: 7789\n", "    port: 7789\n    minor_count: 1\n"), 69, "drbd[1].minor_count", `unknown key "minor_count"; expected one of name, device, hosts, protocol, rate, port, sync_from`},
		{"duplicate drbd key", editStorage("    sync_from: storage1b\n", "    sync_from: storage1b\n    sync_from: storage1a\n"), 73, "drbd[1].sync_from", `duplicate key "sync_from" (first at line 72)`},
		{"missing drbd device", editStorage("  - name: r1\n    device: /dev/drbd1\n", "  - name: r1\n"), 64, "drbd[1].device", "is required"},
		{"drbd hosts is a string", editStorage("    hosts: [storage0a, storage0b]\n", "    hosts: storage0a\n"), 63, "drbd[0].hosts", `must be a list, got a string "storage0a"`},
		{"drbd host is a number", editStorage("      - storage1b\n", "      - 7\n"), 71, "drbd[1].hosts[1]", `must be a string, got an integer "7"`},
		{"anchor in drbd hosts", editStorage("    hosts: [storage0a, storage0b]\n", "    hosts: [&h storage0a, storage0b]\n"), 63, "drbd[0].hosts[0]", "anchors and aliases are not supported"},
		{"rate is a number", editStorage("    rate: 40M\n", "    rate: 40\n"), 67, "drbd[1].rate", `must be a string, got an integer "40"; quote it`},
		{"port is a string", editStorage("    port: 7789\n", "    port: \"7789\"\n"), 68, "drbd[1].port", "must be an integer"},
		{"gnbd is a list", editStorage(gnbdBlock, "gnbd: [storage0a]\n"), 73, "gnbd", "must be a mapping with keys exports, imports, got a list"},
		{"missing imports", editStorage("  imports:\n    clients: [client0, client1]\n", ""), 74, "gnbd.imports", "is required"},
		{"unknown export key", editStorage("      uid: 7\n    - host: storage1b\n", "      uid: 7\n      readonly: false\n    - host: storage1b\n"), 87, "gnbd.exports[2].readonly", `unknown key "readonly"; expected one of host, name, device, uid`},
		{"duplicate export key", editStorage("      uid: 0\n    - host: storage1a\n", "      uid: 0\n      uid: 1\n    - host: storage1a\n"), 83, "gnbd.exports[1].uid", `duplicate key "uid" (first at line 82)`},
		{"missing uid", editStorage("      uid: 0\n    - host: storage1a\n", "    - host: storage1a\n"), 79, "gnbd.exports[1].uid", "is required"},
		{"uid is a string", editStorage("      uid: 0\n    - host: storage1a\n", "      uid: \"0\"\n    - host: storage1a\n"), 82, "gnbd.exports[1].uid", `must be an integer, got a string "0"`},
		{"unknown imports key", editStorage("    clients: [client0, client1]\n", "    clients: [client0, client1]\n    servers: [storage0a]\n"), 93, "gnbd.imports.servers", `unknown key "servers"; expected one of clients`},
		{"import client is a number", editStorage("    clients: [client0, client1]\n", "    clients: [client0, 1]\n"), 92, "gnbd.imports.clients[1]", `must be a string, got an integer "1"`},
		{"unknown multipath key", editStorage(multipathBlock, multipathBlock+"  policy: round-robin\n"), 96, "multipath.policy", `unknown key "policy"; expected one of clients`},
		{"multipath is a list", editStorage(multipathBlock, "multipath: [client0]\n"), 93, "multipath", "must be a mapping with keys clients, got a list"},
		{"approvals is a list", editStorage(approvalsBlock, "approvals: [drbd-overwrite]\n"), 96, "approvals", "must be a mapping with keys auto, approvers, unsigned, got a list"},
		{"unknown approvals key", editStorage(approvalsBlock, approvalsBlock+"  manual: []\n"), 98, "approvals.manual", `unknown key "manual"; expected one of auto`},

		// Disks.
		{"disk host unknown", editStorage("  - host: storage1a\n    device: /dev/xvdc\n", "  - host: storage9a\n    device: /dev/xvdc\n"), 51, "disks[2].host", `"storage9a" is not a host of this runbook`},
		{"disk host hostname rule", editStorage("  - host: storage1a\n    device: /dev/xvdc\n", "  - host: Storage1a\n    device: /dev/xvdc\n"), 51, "disks[2].host", `"Storage1a" is not a host name`},
		{"two disks on one host", editStorage("  - host: storage0b\n    device: /dev/xvdb\n", "  - host: storage0a\n    device: /dev/xvdb\n"), 48, "disks[1].host", `host "storage0a" already has a disk, disks[0].host (line 45); a host has one spare disk`},
		{"device outside /dev", editStorage("    device: /dev/xvdc\n", "    device: /tmp/xvdc\n"), 52, "disks[2].device", `"/tmp/xvdc" is not a device path: /dev/, a lowercase letter`},
		{"device with ..", editStorage("    device: /dev/xvdc\n", "    device: /dev/../etc\n"), 52, "disks[2].device", `"/dev/../etc" must not contain '..'`},
		{"device with //", editStorage("    device: /dev/xvdc\n", "    device: /dev//xvdc\n"), 52, "disks[2].device", `"/dev//xvdc" must not contain '//'`},
		{"device ending in /", editStorage("    device: /dev/xvdc\n", "    device: /dev/xvdc/\n"), 52, "disks[2].device", `"/dev/xvdc/" must not end with '/'`},
		{"device uppercase", editStorage("    device: /dev/xvdc\n", "    device: /dev/XVDC\n"), 52, "disks[2].device", "is not a device path"},
		{"device too long", editStorage("    device: /dev/xvdc\n", "    device: /dev/"+strings.Repeat("x", 32)+"\n"), 52, "disks[2].device", "at most 36 characters"},
		{"device is /dev", editStorage("    device: /dev/xvdc\n", "    device: /dev\n"), 52, "disks[2].device", "is not a device path"},
		{"device ends in a digit", editStorage("    device: /dev/xvdc\n    partition: /dev/xvdc1\n", "    device: /dev/nvme0n1\n    partition: /dev/nvme0n1p1\n"), 52, "disks[2].device", `"/dev/nvme0n1" ends in a digit`},
		{"partition of another disk", editStorage("    partition: /dev/xvdc1\n", "    partition: /dev/xvdb1\n"), 53, "disks[2].partition", `"/dev/xvdb1" is not a partition of "/dev/xvdc": want the disk followed by the partition number, as in /dev/xvdc1`},
		{"partition is the disk", editStorage("    partition: /dev/xvdc1\n", "    partition: /dev/xvdc\n"), 53, "disks[2].partition", "is not a partition of"},
		{"partition 0", editStorage("    partition: /dev/xvdc1\n", "    partition: /dev/xvdc0\n"), 53, "disks[2].partition", "is not a partition of"},
		{"partition with leading zero", editStorage("    partition: /dev/xvdc1\n", "    partition: /dev/xvdc01\n"), 53, "disks[2].partition", "is not a partition of"},
		{"partition with a letter", editStorage("    partition: /dev/xvdc1\n", "    partition: /dev/xvdca\n"), 53, "disks[2].partition", "is not a partition of"},
		{"partition with p", editStorage("    partition: /dev/xvdc1\n", "    partition: /dev/xvdcp1\n"), 53, "disks[2].partition", "is not a partition of"},
		{"partition 2", editStorage("    partition: /dev/xvdc1\n", "    partition: /dev/xvdc2\n"), 53, "disks[2].partition", `"/dev/xvdc2" is partition 2 of "/dev/xvdc"; the runbooks make one partition over the whole spare disk, which parted numbers 1: want /dev/xvdc1`},
		{"partition with ..", editStorage("    partition: /dev/xvdc1\n", "    partition: /dev/xvdc1/../sda\n"), 53, "disks[2].partition", "must not contain '..'"},

		// DRBD resources.
		{"resource name uppercase", editStorage("  - name: r1\n", "  - name: R1\n"), 64, "drbd[1].name", `"R1" is not a DRBD resource name`},
		{"resource name with -", editStorage("  - name: r1\n", "  - name: r-1\n"), 64, "drbd[1].name", "is not a DRBD resource name"},
		{"resource name too long", editStorage("  - name: r1\n", "  - name: r"+strings.Repeat("1", 31)+"\n"), 64, "drbd[1].name", "at most 31 characters"},
		{"drbd device not drbd", editStorage("  - name: r1\n    device: /dev/drbd1\n", "  - name: r1\n    device: /dev/sdb\n"), 65, "drbd[1].device", `"/dev/sdb" is not a DRBD device`},
		{"drbd device leading zero", editStorage("  - name: r1\n    device: /dev/drbd1\n", "  - name: r1\n    device: /dev/drbd01\n"), 65, "drbd[1].device", "without leading zeros"},
		{"drbd device minor too big", editStorage("  - name: r1\n    device: /dev/drbd1\n", "  - name: r1\n    device: /dev/drbd1000\n"), 65, "drbd[1].device", "is not a DRBD device"},
		{"protocol D", editStorage("    protocol: C\n    rate: 40M\n", "    protocol: D\n    rate: 40M\n"), 66, "drbd[1].protocol", `must be C: both sides are primary (allow-two-primaries), which DRBD allows only with protocol C; got "D"`},
		{"protocol lowercase", editStorage("    protocol: C\n    rate: 40M\n", "    protocol: c\n    rate: 40M\n"), 66, "drbd[1].protocol", `must be C: both sides are primary (allow-two-primaries), which DRBD allows only with protocol C; got "c"`},
		{"protocol empty", editStorage("    protocol: C\n    rate: 40M\n", "    protocol: \"\"\n    rate: 40M\n"), 66, "drbd[1].protocol", `must be C: both sides are primary (allow-two-primaries), which DRBD allows only with protocol C; got ""`},
		{"rate with B", editStorage("    rate: 40M\n", "    rate: 40MB\n"), 67, "drbd[1].rate", `"40MB" is not a syncer rate`},
		{"rate zero", editStorage("    rate: 40M\n", "    rate: 0M\n"), 67, "drbd[1].rate", "is not a syncer rate"},
		{"rate too long", editStorage("    rate: 40M\n", "    rate: 1234567M\n"), 67, "drbd[1].rate", "is not a syncer rate"},
		{"rate lowercase unit", editStorage("    rate: 40M\n", "    rate: 40m\n"), 67, "drbd[1].rate", "is not a syncer rate"},
		{"port too small", editStorage("    port: 7789\n", "    port: 80\n"), 68, "drbd[1].port", "must be from 1024 to 65535, got 80"},
		{"port too big", editStorage("    port: 7789\n", "    port: 65536\n"), 68, "drbd[1].port", "must be from 1024 to 65535, got 65536"},
		{"port zero", editStorage("    port: 7789\n", "    port: 0\n"), 68, "drbd[1].port", "got 0"},
		{"one host", editStorage("    hosts: [storage0a, storage0b]\n", "    hosts: [storage0a]\n"), 63, "drbd[0].hosts", "a DRBD resource needs exactly 2 hosts, got 1"},
		{"three hosts", editStorage("    hosts: [storage0a, storage0b]\n", "    hosts: [storage0a, storage0b, spare]\n"), 63, "drbd[0].hosts", "got 3"},
		{"no hosts", editStorage("    hosts: [storage0a, storage0b]\n", "    hosts: []\n"), 63, "drbd[0].hosts", "got 0"},
		{"host listed twice", editStorage("    hosts: [storage0a, storage0b]\n", "    hosts: [storage0a, storage0a]\n"), 63, "drbd[0].hosts[1]", `host "storage0a" is listed twice, also drbd[0].hosts[0] (line 63)`},
		{"drbd host unknown", editStorage("      - storage1b\n", "      - storage9b\n"), 71, "drbd[1].hosts[1]", `"storage9b" is not a host of this runbook`},
		{"drbd host without disk", editStorage("  - host: storage1b\n    device: /dev/sdb\n    partition: /dev/sdb1\n", ""), 68, "drbd[1].hosts[1]", `host "storage1b" has no disk; add a disks entry for it`},
		{"hosts of two clusters", editStorage("    hosts: [storage0a, storage0b]\n", "    hosts: [storage0a, storage1a]\n"), 63, "drbd[0].hosts", `host "storage0a" is a node of cluster "storage0" and host "storage1a" of cluster "storage1"; the two hosts of a DRBD pair must be exactly the two nodes of one cman cluster`},
		{"host of no cluster", editStorage("    hosts: [storage0a, storage0b]\n", "    hosts: [storage0a, spare]\n"), 63, "drbd[0].hosts[1]", `host "spare" is not a node of any cman cluster; the two hosts of a DRBD pair`},
		{"cluster of three", editStorage("        nodeid: 2\n  - name: storage1\n", "        nodeid: 2\n      - host: spare\n        nodeid: 3\n  - name: storage1\n"), 65, "drbd[0].hosts", `cluster "storage0" has 3 nodes; the two hosts of a DRBD pair`},
		{"resource named all", editStorage("  - name: r1\n", "  - name: all\n"), 64, "drbd[1].name", `"all" is drbdadm's word for every resource of the host`},
		{"drbd host on IPv6", editStorage("    address: 10.0.0.37\n", "    address: fd00::37\n"), 20, "hosts[5].address", `"fd00::37" is an IPv6 address; DRBD 8.2 needs "ipv6 [addr]:port" for one, which tetsuzuki does not write: give the host's IPv4 address`},
		{"duplicate resource on a host", editStorage("  - name: r1\n", "  - name: r0\n", "      - storage1a\n      - storage1b\n", "      - storage0a\n      - storage0b\n"), 64, "drbd[1].name", `duplicate DRBD resource "r0" on host "storage0a", also drbd[0].name (line 61)`},
		{"device twice on a host", editStorage("  - name: r1\n    device: /dev/drbd1\n", "  - name: r1\n    device: /dev/drbd0\n", "      - storage1a\n      - storage1b\n", "      - storage0a\n      - storage0b\n"), 65, "drbd[1].device", `device "/dev/drbd0" is already used on host "storage0a" by drbd[0].device (line 62)`},
		{"two resources on a host", editStorage("      - storage1a\n      - storage1b\n", "      - storage0a\n      - storage0b\n"), 70, "drbd[1].hosts[0]", `host "storage0a" already holds a DRBD resource, drbd[0].hosts[0] (line 63); its one disk backs one resource`},
		{"sync_from not a host of the resource", editStorage("    sync_from: storage1b\n", "    sync_from: storage0a\n"), 72, "drbd[1].sync_from", `"storage0a" is not one of the resource's hosts "storage1a", "storage1b"`},
		{"sync_from empty", editStorage("    sync_from: storage1b\n", "    sync_from: \"\"\n"), 72, "drbd[1].sync_from", "is required"},

		// GNBD exports.
		{"pair exports with different uids", editStorage("      uid: 0\n    - host: storage1a\n", "      uid: 1\n    - host: storage1a\n"), 82, "gnbd.exports[1].uid", `uid 1 differs from uid 0 of the other side of DRBD resource "r0", gnbd.exports[0].uid (line 78); both hosts of a pair export with the same uid`},
		{"two pairs share a uid", editStorage("      device: /dev/drbd1\n      uid: 7\n    - host: storage1b\n", "      device: /dev/drbd1\n      uid: 0\n    - host: storage1b\n", "      uid: 7\n", "      uid: 0\n"), 86, "gnbd.exports[2].uid", `uid 0 is already the uid of DRBD resource "r0" on "storage0a", "storage0b", gnbd.exports[0].uid (line 78); each pair needs its own uid`},
		{"uid negative", editStorage("      uid: 0\n    - host: storage1a\n", "      uid: -1\n    - host: storage1a\n"), 82, "gnbd.exports[1].uid", "must be from 0 to 65535, got -1"},
		{"uid too big", editStorage("      uid: 0\n    - host: storage1a\n", "      uid: 65536\n    - host: storage1a\n"), 82, "gnbd.exports[1].uid", "must be from 0 to 65535, got 65536"},
		{"export of a device no resource provides", editStorage("  imports:\n", "    - host: spare\n      name: gnbd9\n      device: /dev/drbd0\n      uid: 9\n  imports:\n"), 93, "gnbd.exports[4].device", `no DRBD resource provides "/dev/drbd0" on host "spare"`},
		{"export of a device that is not drbd", editStorage("      name: gnbd0b\n      device: /dev/drbd0\n", "      name: gnbd0b\n      device: /dev/xvdb1\n"), 81, "gnbd.exports[1].device", `"/dev/xvdb1" is not a DRBD device`},
		{"storage host without export", editStorage("    - host: storage1b\n      name: gnbd1b\n      device: /dev/drbd1\n      uid: 7\n", ""), 75, "gnbd.exports", `no export of the resource's device from host "storage1b" of DRBD resource "r1", drbd[1].hosts[1] (line 71); with a gnbd section every host of every DRBD resource exports`},
		{"empty exports", strings.Replace(storageBase, gnbdBlock, "gnbd:\n  exports: []\n  imports:\n    clients: [client0, client1]\n", 1), 74, "gnbd.exports", "at least one export is required"},
		{"host exports twice", editStorage("  imports:\n", "    - host: storage0a\n      name: gnbd0c\n      device: /dev/drbd0\n      uid: 0\n  imports:\n"), 91, "gnbd.exports[4].host", `host "storage0a" already exports, gnbd.exports[0].host (line 75)`},
		{"duplicate export name", editStorage("      name: gnbd0b\n", "      name: gnbd0a\n"), 80, "gnbd.exports[1].name", `duplicate export name "gnbd0a", also gnbd.exports[0].name (line 76)`},
		{"export name uppercase", editStorage("      name: gnbd0b\n", "      name: GNBD0b\n"), 80, "gnbd.exports[1].name", `"GNBD0b" is not a GNBD export name`},
		{"export name too long", editStorage("      name: gnbd0b\n", "      name: gnbd0b_and_more_x\n"), 80, "gnbd.exports[1].name", "at most 16 characters"},
		{"export host unknown", editStorage("    - host: storage0b\n      name: gnbd0b\n", "    - host: storage9b\n      name: gnbd0b\n"), 79, "gnbd.exports[1].host", `"storage9b" is not a host of this runbook`},

		// GNBD imports.
		{"import client unknown", editStorage("    clients: [client0, client1]\n", "    clients: [client0, client9]\n"), 92, "gnbd.imports.clients[1]", `"client9" is not a host of this runbook`},
		{"import client not a cman node", editStorage("    clients: [client0, client1]\n", "    clients: [client0, spare]\n"), 92, "gnbd.imports.clients[1]", `host "spare" is not a node of any cman cluster; gnbd_import needs cman on the client`},
		{"import client in a storage cluster", editStorage("    clients: [client0, client1]\n", "    clients: [client0, storage1b]\n"), 92, "gnbd.imports.clients[1]", `host "storage1b" is a node of cluster "storage1", which export host "storage1a" is a node of, gnbd.exports[2].host (line 83); an import client must be in a cluster of its own`},
		{"import client listed twice", editStorage("    clients: [client0, client1]\n", "    clients:\n      - client0\n      - client0\n"), 94, "gnbd.imports.clients[1]", `host "client0" is listed twice, also gnbd.imports.clients[0] (line 93)`},
		{"no import clients", editStorage("    clients: [client0, client1]\n", "    clients: []\n"), 92, "gnbd.imports.clients", "at least one client is required"},

		// Multipath.
		{"multipath client not importing", editStorage("    - client0\n", "    - client0\n    - storage0a\n"), 96, "multipath.clients[1]", `host "storage0a" imports no GNBD exports; a multipath client must be listed in gnbd.imports.clients`},
		{"multipath without gnbd", editStorage(gnbdBlock, ""), 75, "multipath.clients[0]", `host "client0" imports no GNBD exports`},
		{"multipath client unknown", editStorage("    - client0\n", "    - client9\n"), 95, "multipath.clients[0]", `"client9" is not a host of this runbook`},
		{"multipath client listed twice", editStorage("    - client0\n", "    - client0\n    - client0\n"), 96, "multipath.clients[1]", `host "client0" is listed twice, also multipath.clients[0] (line 95)`},
		{"no multipath clients", editStorage(multipathBlock, "multipath:\n  clients: []\n"), 94, "multipath.clients", "at least one client is required"},
		{"multipath without clients", editStorage(multipathBlock, "multipath: {}\n"), 93, "multipath.clients", "is required"},

		// Approvals.
		{"unknown approval", editStorage("  auto: [drbd-overwrite]\n", "  auto: [drbd-overwrite, vgextend]\n"), 97, "approvals.auto[1]", `"vgextend" is not a step that can be approved automatically; allowed: disk-label, drbd-overwrite, pvcreate, mkfs`},
		{"approval listed twice", editStorage("  auto: [drbd-overwrite]\n", "  auto: [drbd-overwrite, drbd-overwrite]\n"), 97, "approvals.auto[1]", `"drbd-overwrite" is listed twice, also approvals.auto[0] (line 97)`},
		{"approval misspelt", editStorage("  auto: [drbd-overwrite]\n", "  auto: [DRBD-overwrite]\n"), 97, "approvals.auto[0]", "is not a step that can be approved automatically"},
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

// TestParseStorageReportsAllErrors checks that mistakes in several layers
// are all reported, in line order, and that a mistake in one section is not
// reported again by the checks of the sections that refer to it.
func TestParseStorageReportsAllErrors(t *testing.T) {
	in := editStorage(
		"        nodeid: 2\n  - name: storage1\n", "        nodeid: 2\n  - name: storage1\n    votes: 1\n", // unknown key: clusters is broken
		"    device: /dev/xvdc\n", "    device: /dev/xvdc/\n",
		"    rate: 40M\n", "    rate: fast\n",
		"      name: gnbd0b\n", "      name: gnbd0a\n",
		"  auto: [drbd-overwrite]\n", "  auto: [vgextend]\n",
	)
	var got []string
	for _, e := range errorList(t, func() error { _, err := Parse(src, []byte(in)); return err }()) {
		got = append(got, e.Error())
	}
	want := []string{
		`runbooks/x.yaml:32: clusters[1].votes: unknown key "votes"; expected one of name, nodes, two_node`,
		`runbooks/x.yaml:53: disks[2].device: "/dev/xvdc/" must not end with '/'`,
		`runbooks/x.yaml:68: drbd[1].rate: "fast" is not a syncer rate: a number from 1 to 999999 followed by K, M or G, as in 10M`,
		`runbooks/x.yaml:81: gnbd.exports[1].name: duplicate export name "gnbd0a", also gnbd.exports[0].name (line 77)`,
		`runbooks/x.yaml:98: approvals.auto[0]: "vgextend" is not a step that can be approved automatically; allowed: disk-label, drbd-overwrite, pvcreate, mkfs`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestParseStorageHostileValues checks that values which could escape into
// a path, a shell command or a tool's options are refused in every string
// field of the data path sections.
func TestParseStorageHostileValues(t *testing.T) {
	hostile := []string{
		"a/b", "..", "../../etc/passwd", "a b", " storage0a", "storage0a ", "a;b", "$(reboot)", "${IFS}",
		"`id`", "a|b", "a&b", "a>b", "a\nb", "storage0a\n", "a\x00b", "a\tb", "-rf", "--help", "*", "a'b", "a\"b", "a\\b",
		"/dev/../etc/passwd", "/dev/xvdb/../../etc", "/dev/xvdb;reboot", "/dev/xvdb\n", "/dev/xvdb 1", "/dev/$(id)",
		"/etc/shadow", "dev/xvdb", "/dev/-rf", "/dev/xvdb\x00", "/DEV/XVDB",
	}
	fields := []struct {
		old, new string // new has %s for the quoted value
		line     int
		field    string
	}{
		{"disks:\n  - host: storage0a\n", "disks:\n  - host: %s\n", 45, "disks[0].host"},
		{"    device: /dev/xvdc\n", "    device: %s\n", 52, "disks[2].device"},
		{"    partition: /dev/xvdc1\n", "    partition: %s\n", 53, "disks[2].partition"},
		{"  - name: r1\n", "  - name: %s\n", 64, "drbd[1].name"},
		{"  - name: r1\n    device: /dev/drbd1\n", "  - name: r1\n    device: %s\n", 65, "drbd[1].device"},
		{"    protocol: C\n    rate: 40M\n", "    protocol: %s\n    rate: 40M\n", 66, "drbd[1].protocol"},
		{"    rate: 40M\n", "    rate: %s\n", 67, "drbd[1].rate"},
		{"      - storage1a\n", "      - %s\n", 70, "drbd[1].hosts[0]"},
		{"    sync_from: storage1b\n", "    sync_from: %s\n", 72, "drbd[1].sync_from"},
		{"      uid: 0\n    - host: storage0b\n", "      uid: 0\n    - host: %s\n", 79, "gnbd.exports[1].host"},
		{"      name: gnbd0b\n", "      name: %s\n", 80, "gnbd.exports[1].name"},
		{"      name: gnbd0b\n      device: /dev/drbd0\n", "      name: gnbd0b\n      device: %s\n", 81, "gnbd.exports[1].device"},
		{"    clients: [client0, client1]\n", "    clients: [client0, %s]\n", 92, "gnbd.imports.clients[1]"},
		{"    - client0\n", "    - %s\n", 95, "multipath.clients[0]"},
		{"  auto: [drbd-overwrite]\n", "  auto: [%s]\n", 97, "approvals.auto[0]"},
	}
	for _, f := range fields {
		for _, h := range hostile {
			for _, v := range []string{h, h + ".example.org"} {
				t.Run(f.field+"="+strconv.Quote(v), func(t *testing.T) {
					in := editStorage(f.old, strings.Replace(f.new, "%s", strconv.Quote(v), 1))
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

func TestValidateStorage(t *testing.T) {
	r, err := Parse(src, []byte(storageBase))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Validate(); err != nil {
		t.Fatalf("Validate() of a parsed runbook = %v, want nil", err)
	}
	// A runbook built in code gets no defaults: Validate checks the values
	// a loaded runbook would hold.
	r.DRBD[0].Protocol = ""
	r.DRBD[0].Port = 0
	r.DRBD[0].SyncFrom = ""
	want := strings.Join([]string{
		`drbd[0].protocol: must be C: both sides are primary (allow-two-primaries), which DRBD allows only with protocol C; got ""`,
		`drbd[0].port: must be from 1024 to 65535, got 0`,
		`drbd[0].sync_from: is required`,
	}, "\n")
	if err := r.Validate(); err == nil || err.Error() != want {
		t.Errorf("Validate() = %v, want\n%s", err, want)
	}

	r.DRBD[0] = DRBDResource{Name: "r0", Device: "/dev/drbd0", Protocol: "C", Rate: "10M", Port: 7788, Hosts: []string{"storage0a", "storage0b"}, SyncFrom: "storage0b"}
	r.GNBD.Exports[3].UID = 8
	r.Approvals.Auto = append(r.Approvals.Auto, "vgextend")
	want = strings.Join([]string{
		`gnbd.exports[3].uid: uid 8 differs from uid 7 of the other side of DRBD resource "r1", gnbd.exports[2].uid; both hosts of a pair export with the same uid, so that multipath joins them into one map`,
		`approvals.auto[1]: "vgextend" is not a step that can be approved automatically; allowed: disk-label, drbd-overwrite, pvcreate, mkfs`,
	}, "\n")
	if err := r.Validate(); err == nil || err.Error() != want {
		t.Errorf("Validate() = %v, want\n%s", err, want)
	}
}

// TestStorageJSON checks the protocol names of the new sections and that a
// loaded runbook survives the JSON round trip that workflow histories make.
func TestStorageJSON(t *testing.T) {
	r, err := Parse(src, []byte(storageBase))
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"disks":[{"host":"storage0a","device":"/dev/xvdb","partition":"/dev/xvdb1"}`,
		`"drbd":[{"name":"r0","device":"/dev/drbd0","protocol":"C","rate":"10M","port":7788,"hosts":["storage0a","storage0b"],"sync_from":"storage0a"}`,
		`"gnbd":{"exports":[{"host":"storage0a","name":"gnbd0a","device":"/dev/drbd0","uid":0}`,
		`"imports":{"clients":["client0","client1"]}}`,
		`"multipath":{"clients":["client0"]}`,
		`"approvals":{"auto":["drbd-overwrite"]}`,
	} {
		if !strings.Contains(string(js), want) {
			t.Errorf("JSON lacks %s:\n%s", want, js)
		}
	}
	for _, name := range Builtin() {
		source, data, err := Open(name)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := Parse(source, data)
		if err != nil {
			t.Fatal(err)
		}
		js, err := json.Marshal(rb)
		if err != nil {
			t.Fatal(err)
		}
		var back Runbook
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(&back, rb) {
			t.Errorf("%s: JSON round trip changed the runbook:\n%+v\n%+v", name, rb, &back)
		}
		if err := back.Validate(); err != nil {
			t.Errorf("%s: Validate after the JSON round trip = %v", name, err)
		}
	}
}
