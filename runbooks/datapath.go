package runbooks

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/names"
)

const pairRule = "the two hosts of a DRBD pair must be exactly the two nodes of one cman cluster"

// dataPath checks the sections below the clusters, bottom to top, the
// volume and the file system last: each layer refers to the hosts, the
// clusters and the layers below it. Checks that match a layer against the
// one below run only when the layer below has no errors of its own, so
// that one mistake is reported once.
func (v *validator) dataPath(r *Runbook, hosts map[string]string) {
	disks := v.disks(r.Disks, hosts)
	resolved := v.drbd(r, hosts, disks)
	uids := v.gnbd(r, hosts, resolved)
	v.multipath(r, hosts)
	clientCluster := v.clvm(r, hosts, uids)
	v.gfs2(r, hosts, clientCluster)
	v.approvals(r.Approvals)
	v.checks(r.Checks)
}

// hostRef checks a reference to a host of the runbook and reports whether
// it names one.
func (v *validator) hostRef(name, field string, hosts map[string]string) bool {
	if msg := problem(names.Host(name)); msg != "" {
		v.fail(field, "%s", msg)
		return false
	}
	if _, ok := hosts[name]; !ok {
		v.fail(field, "%s is not a host of this runbook", quote(name))
		return false
	}
	return true
}

// disks checks the spare disks and returns the field of each disk's host,
// by host name.
func (v *validator) disks(disks []Disk, hosts map[string]string) map[string]string {
	seen := map[string]string{}
	for i, d := range disks {
		path := index("disks", i)
		if v.hostRef(d.Host, path+".host", hosts) {
			if first, dup := seen[d.Host]; dup {
				v.fail(path+".host", "host %s already has a disk, %s; a host has one spare disk", quote(d.Host), v.at(first))
			} else {
				seen[d.Host] = path + ".host"
			}
		}
		diskErr := names.Disk(d.Device)
		if diskErr != nil {
			v.fail(path+".device", "%s", diskErr)
		}
		if err := names.Device(d.Partition); err != nil {
			v.fail(path+".partition", "%s", err)
		} else if err := names.Partition(d.Device, d.Partition); diskErr == nil && err != nil {
			v.fail(path+".partition", "%s", err)
		}
	}
	return seen
}

// drbd checks the DRBD resources and reports whether they are free of
// errors and every resource names two distinct hosts of the runbook, which
// the checks of the exports rely on. A host holds one resource at most, because its one disk backs it.
func (v *validator) drbd(r *Runbook, hosts, disks map[string]string) (resolved bool) {
	resolved = true
	disksBroken, clustersBroken := v.broken("disks"), v.broken("clusters")
	held := map[string]string{}       // host -> field of its first resource's host entry
	named := map[[2]string]string{}   // (name, host) -> field
	devices := map[[2]string]string{} // (device, host) -> field
	for i, res := range r.DRBD {
		path := index("drbd", i)
		nameMsg := problem(names.DRBDResource(res.Name))
		if nameMsg != "" {
			v.fail(path+".name", "%s", nameMsg)
		}
		_, deviceErr := names.DRBDDevice(res.Device)
		deviceMsg := problem(deviceErr)
		if deviceMsg != "" {
			v.fail(path+".device", "%s", deviceMsg)
		}
		if err := names.DRBDProtocol(res.Protocol); err != nil {
			v.fail(path+".protocol", "%s", err)
		}
		if err := names.DRBDRate(res.Rate); err != nil {
			v.fail(path+".rate", "%s", err)
		}
		if err := names.Port(res.Port); err != nil {
			v.fail(path+".port", "%s", err)
		}
		if len(res.Hosts) != 2 {
			v.fail(path+".hosts", "a DRBD resource needs exactly 2 hosts, got %d", len(res.Hosts))
		}
		listed := map[string]string{}
		for j, h := range res.Hosts {
			field := index(path+".hosts", j)
			if !v.hostRef(h, field, hosts) {
				continue
			}
			if first, dup := listed[h]; dup {
				v.fail(field, "host %s is listed twice, also %s", quote(h), v.at(first))
				continue
			}
			listed[h] = field
			if host, ok := r.Host(h); ok && !v.broken("hosts") {
				if err := names.DRBDAddress(host.Address); err != nil {
					v.fail(field, "host %s: address %s", quote(h), err)
				}
			}
			if _, ok := disks[h]; !ok && !disksBroken {
				v.fail(field, "host %s has no disk; add a disks entry for it, whose partition DRBD mirrors", quote(h))
			}
			if nameMsg == "" {
				if first, dup := named[[2]string{res.Name, h}]; dup {
					v.fail(path+".name", "duplicate DRBD resource %s on host %s, also %s", quote(res.Name), quote(h), v.at(first))
				} else {
					named[[2]string{res.Name, h}] = path + ".name"
				}
			}
			if deviceMsg == "" {
				if first, dup := devices[[2]string{res.Device, h}]; dup {
					v.fail(path+".device", "device %s is already used on host %s by %s", quote(res.Device), quote(h), v.at(first))
				} else {
					devices[[2]string{res.Device, h}] = path + ".device"
				}
			}
			if first, dup := held[h]; dup {
				v.fail(field, "host %s already holds a DRBD resource, %s; its one disk backs one resource", quote(h), v.at(first))
			} else {
				held[h] = field
			}
		}
		if len(res.Hosts) != 2 || len(listed) != 2 {
			// An unreadable host would also make sync_from, which
			// defaults to the first host, look wrong.
			resolved = false
			if res.SyncFrom != "" {
				if msg := problem(names.Host(res.SyncFrom)); msg != "" {
					v.fail(path+".sync_from", "%s", msg)
				}
			}
			continue
		}
		if !clustersBroken {
			v.pair(r, path, res.Hosts)
		}
		if msg := problem(names.Host(res.SyncFrom)); msg != "" {
			v.fail(path+".sync_from", "%s", msg)
		} else if !slices.Contains(res.Hosts, res.SyncFrom) {
			v.fail(path+".sync_from", "%s is not one of the resource's hosts %s", quote(res.SyncFrom), quoteAll(res.Hosts))
		}
	}
	return resolved && !v.broken("drbd")
}

// pair checks that the two hosts of a DRBD resource are the two nodes of
// one cman cluster, the storage cluster whose cman gnbd_export needs.
func (v *validator) pair(r *Runbook, path string, hosts []string) {
	c0, ok0 := r.ClusterOf(hosts[0])
	c1, ok1 := r.ClusterOf(hosts[1])
	switch {
	case !ok0:
		v.fail(index(path+".hosts", 0), "host %s is not a node of any cman cluster; %s", quote(hosts[0]), pairRule)
	case !ok1:
		v.fail(index(path+".hosts", 1), "host %s is not a node of any cman cluster; %s", quote(hosts[1]), pairRule)
	case c0.Name != c1.Name:
		v.fail(path+".hosts", "host %s is a node of cluster %s and host %s of cluster %s; %s", quote(hosts[0]), quote(c0.Name), quote(hosts[1]), quote(c1.Name), pairRule)
	case len(c0.Nodes) != 2:
		v.fail(path+".hosts", "cluster %s has %d nodes; %s", quote(c0.Name), len(c0.Nodes), pairRule)
	}
}

// gnbd checks the exports and imports. Every host of every DRBD resource
// must export the resource's device when there is a gnbd section (a pair
// exported from one side only would give multipath one path), and the two
// exports of a pair share a uid that no other pair uses, because the uid
// is how multipath recognises the two paths of one disk. The checks that
// match exports with DRBD resources run only when the resources resolved
// (drbdResolved) and, for the search for missing exports, every export
// did, so that one unreadable host is not also reported as a missing or
// dangling export. It returns the uids of the exports in ascending order,
// one per multipath map, when every export resolved and has no error, and
// nil when the maps are not known.
func (v *validator) gnbd(r *Runbook, hosts map[string]string, drbdResolved bool) (uids []int) {
	g := r.GNBD
	if g == nil {
		return nil
	}
	if len(g.Exports) == 0 {
		v.fail("gnbd.exports", "at least one export is required")
	}
	type uidUse struct {
		uid   int
		field string
	}
	named := map[string]string{}       // export name -> field
	exporters := map[string]string{}   // host -> field
	byPair := map[int]uidUse{}         // DRBD resource index -> first export's uid
	byUID := map[int]int{}             // uid -> DRBD resource index
	clusters := map[string][2]string{} // cluster of an export host -> host, field
	exported := map[[2]string]bool{}   // (host, device)
	exportsResolved := drbdResolved
	for i, e := range g.Exports {
		path := index("gnbd.exports", i)
		hostOK := v.hostRef(e.Host, path+".host", hosts)
		if hostOK {
			if first, dup := exporters[e.Host]; dup {
				v.fail(path+".host", "host %s already exports, %s; a storage host exports its DRBD device once", quote(e.Host), v.at(first))
			} else {
				exporters[e.Host] = path + ".host"
			}
			if c, ok := r.ClusterOf(e.Host); ok {
				if _, seen := clusters[c.Name]; !seen {
					clusters[c.Name] = [2]string{e.Host, path + ".host"}
				}
			}
		}
		if msg := problem(names.Export(e.Name)); msg != "" {
			v.fail(path+".name", "%s", msg)
		} else if first, dup := named[e.Name]; dup {
			v.fail(path+".name", "duplicate export name %s, also %s", quote(e.Name), v.at(first))
		} else {
			named[e.Name] = path + ".name"
		}
		uidErr := names.UID(e.UID)
		uidOK := uidErr == nil
		if !uidOK {
			v.fail(path+".uid", "%s", uidErr)
		}
		if _, err := names.DRBDDevice(e.Device); err != nil {
			v.fail(path+".device", "%s", err)
			exportsResolved = false
			continue
		}
		if !hostOK || !drbdResolved {
			exportsResolved = false
			continue
		}
		exported[[2]string{e.Host, e.Device}] = true
		pair := slices.IndexFunc(r.DRBD, func(res DRBDResource) bool {
			return res.Device == e.Device && slices.Contains(res.Hosts, e.Host)
		})
		if pair < 0 {
			v.fail(path+".device", "no DRBD resource provides %s on host %s; export the device of the resource that lists the host", quote(e.Device), quote(e.Host))
			continue
		}
		if !uidOK {
			continue
		}
		res := r.DRBD[pair]
		if first, ok := byPair[pair]; ok {
			if first.uid != e.UID {
				v.fail(path+".uid", "uid %d differs from uid %d of the other side of DRBD resource %s, %s; both hosts of a pair export with the same uid, so that multipath joins them into one map", e.UID, first.uid, quote(res.Name), v.at(first.field))
			}
			continue
		}
		byPair[pair] = uidUse{e.UID, path + ".uid"}
		if other, taken := byUID[e.UID]; taken {
			v.fail(path+".uid", "uid %d is already the uid of DRBD resource %s on %s, %s; each pair needs its own uid, or multipath would join two different disks into one map", e.UID, quote(r.DRBD[other].Name), quoteAll(r.DRBD[other].Hosts), v.at(byPair[other].field))
		} else {
			byUID[e.UID] = pair
		}
	}
	if len(g.Exports) > 0 && exportsResolved && !v.broken("gnbd.exports") {
		var missing []string
		for i, res := range r.DRBD {
			for j, h := range res.Hosts {
				if !exported[[2]string{h, res.Device}] {
					missing = append(missing, fmt.Sprintf("host %s of DRBD resource %s, %s", quote(h), quote(res.Name), v.at(index(index("drbd", i)+".hosts", j))))
				}
			}
		}
		if len(missing) > 0 {
			v.fail("gnbd.exports", "no export of the resource's device from %s; with a gnbd section every host of every DRBD resource exports, so that multipath sees both paths of each pair", listed(missing, func(s string) string { return s }, "; "))
		}
	}
	if len(g.Exports) > 0 && exportsResolved && !v.broken("gnbd.exports") {
		for uid := range byUID {
			uids = append(uids, uid)
		}
		slices.Sort(uids)
	}

	clients := g.Imports.Clients
	if len(clients) == 0 {
		v.fail("gnbd.imports.clients", "at least one client is required")
	}
	seen := map[string]string{}
	clustersBroken := v.broken("clusters")
	for j, c := range clients {
		field := index("gnbd.imports.clients", j)
		if !v.hostRef(c, field, hosts) {
			continue
		}
		if first, dup := seen[c]; dup {
			v.fail(field, "host %s is listed twice, also %s", quote(c), v.at(first))
			continue
		}
		seen[c] = field
		if clustersBroken {
			continue
		}
		cl, ok := r.ClusterOf(c)
		if !ok {
			v.fail(field, "host %s is not a node of any cman cluster; gnbd_import needs cman on the client", quote(c))
		} else if exp, clash := clusters[cl.Name]; clash {
			v.fail(field, "host %s is a node of cluster %s, which export host %s is a node of, %s; an import client must be in a cluster of its own", quote(c), quote(cl.Name), quote(exp[0]), v.at(exp[1]))
		}
	}
	return uids
}

// multipath checks that every multipath client imports the exports whose
// paths it joins.
func (v *validator) multipath(r *Runbook, hosts map[string]string) {
	m := r.Multipath
	if m == nil {
		return
	}
	if len(m.Clients) == 0 {
		v.fail("multipath.clients", "at least one client is required")
	}
	var imports []string
	if r.GNBD != nil {
		imports = r.GNBD.Imports.Clients
	}
	importsBroken := v.broken("gnbd.imports")
	seen := map[string]string{}
	for j, c := range m.Clients {
		field := index("multipath.clients", j)
		if !v.hostRef(c, field, hosts) {
			continue
		}
		if first, dup := seen[c]; dup {
			v.fail(field, "host %s is listed twice, also %s", quote(c), v.at(first))
			continue
		}
		seen[c] = field
		if !slices.Contains(imports, c) && !importsBroken {
			v.fail(field, "host %s imports no GNBD exports; a multipath client must be listed in gnbd.imports.clients", quote(c))
		}
	}
}

func (v *validator) checks(c Checks) {
	v.codes("checks.ignore", c.Ignore, false)
	v.codes("checks.repair", c.Repair, true)
}

// codes checks a list of finding codes; repair lists may not hold a code
// whose repair destroys data: those always wait for a person.
func (v *validator) codes(list string, codes []string, repair bool) {
	seen := map[string]string{}
	for i, code := range codes {
		field := index(list, i)
		switch first, dup := seen[code]; {
		case !findings.Known(findings.Code(code)):
			v.fail(field, "%s is not a finding code (starter check --codes lists them)", quote(code))
		case repair && findings.Destroys(findings.Code(code)):
			v.fail(field, "%s is repaired by destroying data: it always waits for a person's approval", quote(code))
		case dup:
			v.fail(field, "%s is listed twice, also %s", quote(code), v.at(first))
		default:
			seen[code] = field
		}
	}
}

func (v *validator) approvals(a Approvals) {
	seen := map[string]string{}
	for i, step := range a.Auto {
		field := index("approvals.auto", i)
		if !slices.Contains(approvalSteps, step) {
			v.fail(field, "%s is not a step that can be approved automatically; allowed: %s", quote(step), strings.Join(approvalSteps, ", "))
		} else if first, dup := seen[step]; dup {
			v.fail(field, "%s is listed twice, also %s", quote(step), v.at(first))
		} else {
			seen[step] = field
		}
	}
	who, keys := map[string]string{}, map[string]string{}
	for i, ap := range a.Approvers {
		field := index("approvals.approvers", i)
		if err := names.Approver(ap.Name); err != nil {
			v.fail(field+".name", "%v", err)
		} else if first, dup := who[ap.Name]; dup {
			v.fail(field+".name", "%s is listed twice, also %s", quote(ap.Name), v.at(first))
		} else {
			who[ap.Name] = field
		}
		if k, err := hex.DecodeString(ap.Key); err != nil || len(k) != ed25519.PublicKeySize {
			v.fail(field+".key", "want the hex of a %d-byte Ed25519 public key (FILE.pub of starter signkey --out FILE)", ed25519.PublicKeySize)
		} else if first, dup := keys[strings.ToLower(ap.Key)]; dup {
			v.fail(field+".key", "the key is listed twice, also %s: one key is one person", v.at(first))
		} else {
			keys[strings.ToLower(ap.Key)] = field
		}
	}
}

// maxListed bounds the items an error message lists, as quote bounds
// their length, so that a hostile list cannot flood the log.
const maxListed = 4

// quoteAll quotes a list of values from the file for an error message.
func quoteAll(list []string) string {
	return listed(list, quote, ", ")
}

// listed formats the first maxListed items of list and says how many more
// there are.
func listed[T any](list []T, format func(T) string, sep string) string {
	var parts []string
	for i, item := range list {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(list)-maxListed))
			break
		}
		parts = append(parts, format(item))
	}
	return strings.Join(parts, sep)
}
