package runbooks

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/tetsuzuki/tetsuzuki/names"
)

const (
	// ExtentsPerPV is what one physical volume holds: the blog's spare
	// disks are 1 GiB, which pvcreate divides into 255 extents of 4 MiB
	// (pvdisplay: Total PE 255), the rest going to LVM's metadata.
	// Exported for generators of runbooks (lab/scale), which size the
	// volume by it.
	ExtentsPerPV = 255
)

// clvm checks the clvm section and returns the name of the cman cluster of
// its clients when they are all the nodes of one cluster, and "" when the
// cluster is not known. uids are the GNBD uids in ascending order, one per
// multipath map, or nil when the maps are not known.
func (v *validator) clvm(r *Runbook, hosts map[string]string, uids []int) (clientCluster string) {
	c := r.CLVM
	if c == nil {
		return ""
	}
	if r.Multipath == nil {
		// The physical volumes would not exist; the clients could not
		// be multipath clients either, so that is the one report.
		uids = nil
	}
	clientCluster = v.clvmClients(r, c, hosts)
	v.memberOf(c.Creator, "clvm.creator", c.Clients, "clvm.clients", v.broken("clvm.clients"), hosts,
		"pvcreate, vgcreate and lvcreate run on a host that runs clvmd")
	if msg := problem(names.VG(c.VG)); msg != "" {
		v.fail("clvm.vg", "%s", msg)
	}
	if msg := problem(names.LV(c.LV)); msg != "" {
		v.fail("clvm.lv", "%s", msg)
	}
	v.pvs(c.PVs, uids)
	switch limit := ExtentsPerPV * len(c.PVs); {
	case c.Extents < 1:
		v.fail("clvm.extents", "must be at least 1, got %d", c.Extents)
	case len(c.PVs) > 0 && !v.broken("clvm.pvs") && c.Extents > limit:
		v.fail("clvm.extents", "must be from 1 to %d, got %d: a physical volume of 1 GiB holds %d extents of 4 MiB, and the volume group has %d", limit, c.Extents, ExtentsPerPV, len(c.PVs))
	}
	if r.Multipath == nil {
		v.fail("clvm", "a clvm section needs a multipath section: the physical volumes are the multipath maps /dev/mapper/mpathN of the clients")
	}
	if v.broken("clvm.clients") {
		return ""
	}
	return clientCluster
}

// clvmClients checks that the clvm clients are multipath clients and all
// the nodes of one cman cluster: clvmd needs cman, and clustered LVM
// commands fail while a node of the cluster runs no clvmd. It returns the
// cluster's name, or "" when it is not known. A client that is a multipath
// client is also an import client, so the cluster is not a storage
// cluster; gnbd's checks say so when it is.
func (v *validator) clvmClients(r *Runbook, c *CLVM, hosts map[string]string) string {
	if len(c.Clients) == 0 {
		v.fail("clvm.clients", "at least one client is required")
	}
	multipathBroken := v.broken("multipath")
	clustersBroken := v.broken("clusters")
	var imports []string
	if r.GNBD != nil {
		imports = r.GNBD.Imports.Clients
	}
	seen := map[string]string{}
	var cluster Cluster
	var clusterHost, clusterField string // the client that set cluster
	complete := true                     // every client is a node of a cluster
	for j, h := range c.Clients {
		field := index("clvm.clients", j)
		if !v.hostRef(h, field, hosts) {
			continue
		}
		if first, dup := seen[h]; dup {
			v.fail(field, "host %s is listed twice, also %s", quote(h), v.at(first))
			continue
		}
		seen[h] = field
		if m := r.Multipath; m != nil && !multipathBroken && !slices.Contains(m.Clients, h) {
			v.fail(field, "host %s is not a multipath client; a clvm client must be listed in multipath.clients, whose maps are the physical volumes", quote(h))
		}
		if clustersBroken {
			continue
		}
		cl, ok := r.ClusterOf(h)
		switch {
		case !ok:
			complete = false
			// gnbd reports an import client without cman.
			if !slices.Contains(imports, h) {
				v.fail(field, "host %s is not a node of any cman cluster; clvmd needs cman", quote(h))
			}
		case clusterField == "":
			cluster, clusterHost, clusterField = cl, h, field
		case cl.Name != cluster.Name:
			v.fail(field, "host %s is a node of cluster %s, but %s of cluster %s, %s; the clvm clients must be the nodes of one cman cluster, the clients' cluster", quote(h), quote(cl.Name), quote(clusterHost), quote(cluster.Name), v.at(clusterField))
		}
	}
	if clusterField == "" || !complete || v.broken("clvm.clients") {
		return ""
	}
	var missing []string
	for _, n := range cluster.Nodes {
		if _, ok := seen[n.Host]; !ok {
			missing = append(missing, n.Host)
		}
	}
	if len(missing) > 0 {
		v.fail("clvm.clients", "lacks %s: clvmd runs on every node of cluster %s, or clustered LVM commands fail", quoteAll(missing), quote(cluster.Name))
		return ""
	}
	return cluster.Name
}

// pvs checks the physical volumes: exactly one per multipath map of the
// runbook, whose maps are mpath0, mpath1, ... for the GNBD uids in
// ascending order.
func (v *validator) pvs(pvs []string, uids []int) {
	if len(pvs) == 0 {
		v.fail("clvm.pvs", "at least one physical volume is required")
	}
	seen := map[int]string{} // map number -> field
	for j, pv := range pvs {
		field := index("clvm.pvs", j)
		num, err := names.MultipathMap(pv)
		if err != nil {
			v.fail(field, "%s", err)
			continue
		}
		if first, dup := seen[num]; dup {
			v.fail(field, "%s is listed twice, also %s", quote(pv), v.at(first))
			continue
		}
		seen[num] = field
		if uids != nil && num >= len(uids) {
			v.fail(field, "%s is not a multipath map of this runbook: %s; mpathN is the map of the N-th uid in ascending order", quote(pv), maps(uids))
		}
	}
	if uids == nil || len(pvs) == 0 || v.broken("clvm.pvs") {
		return
	}
	var missing []string
	for i, uid := range uids {
		if _, ok := seen[i]; !ok {
			missing = append(missing, fmt.Sprintf("/dev/mapper/mpath%d (GNBD uid %d)", i, uid))
		}
	}
	if len(missing) > 0 {
		v.fail("clvm.pvs", "lacks %s; every multipath map of the runbook is a physical volume of the volume group, one per GNBD uid", listed(missing, func(s string) string { return s }, ", "))
	}
}

// maps names the multipath maps of the GNBD uids.
func maps(uids []int) string {
	if len(uids) == 1 {
		return fmt.Sprintf("its GNBD uid %d gives /dev/mapper/mpath0 only", uids[0])
	}
	return fmt.Sprintf("its GNBD uids %s give /dev/mapper/mpath0 to /dev/mapper/mpath%d", listed(uids, strconv.Itoa, ", "), len(uids)-1)
}

// gfs2 checks the gfs2 section. clientCluster is the cman cluster of the
// clvm clients, "" when it is not known.
func (v *validator) gfs2(r *Runbook, hosts map[string]string, clientCluster string) {
	g := r.GFS2
	if g == nil {
		return
	}
	c := r.CLVM
	if msg := problem(names.LockTable(g.LockTable)); msg != "" {
		v.fail("gfs2.lock_table", "%s", msg)
	} else if clientCluster != "" && g.Cluster() != clientCluster {
		v.fail("gfs2.lock_table", "cluster part %s is not %s, the cman cluster of the clvm clients; the lock table's cluster part must be the name of the clients' cluster, or lock_dlm refuses the mount", quote(g.Cluster()), quote(clientCluster))
	}
	if msg := problem(names.Mountpoint(g.Mountpoint)); msg != "" {
		v.fail("gfs2.mountpoint", "%s", msg)
	}

	// The clients and the creator default to clvm's. Values taken from a
	// clvm section with errors of its own are not checked again, so that
	// one mistake is reported once.
	var clvmClients []string
	if c != nil {
		clvmClients = c.Clients
	}
	clvmBroken := c == nil || v.broken("clvm.clients")
	inherited := clvmBroken && slices.Equal(g.Clients, clvmClients)
	if !inherited {
		if len(g.Clients) == 0 {
			v.fail("gfs2.clients", "at least one client is required")
		}
		seen := map[string]string{}
		for j, h := range g.Clients {
			field := index("gfs2.clients", j)
			if !v.hostRef(h, field, hosts) {
				continue
			}
			if first, dup := seen[h]; dup {
				v.fail(field, "host %s is listed twice, also %s", quote(h), v.at(first))
				continue
			}
			seen[h] = field
			if !clvmBroken && !slices.Contains(clvmClients, h) {
				v.fail(field, "host %s is not a clvm client; a host that mounts the file system needs clvmd to see the logical volume, so gfs2.clients must be clvm clients", quote(h))
			}
		}
	}
	clientsKnown := !inherited && !v.broken("gfs2.clients")
	switch {
	case c == nil && g.Creator == "":
		// The default of a missing clvm section: the report is that
		// the section is missing.
	case c != nil && g.Creator == c.Creator && v.broken("clvm.creator"):
		// Taken from clvm.creator, whose error is reported.
	default:
		why := "mkfs.gfs2 runs on a host that mounts the file system"
		if c != nil && g.Creator == c.Creator {
			why += "; gfs2.creator defaults to clvm.creator"
		}
		v.memberOf(g.Creator, "gfs2.creator", g.Clients, "gfs2.clients", !clientsKnown, hosts, why)
	}

	switch {
	case names.Journals(g.Journals) != nil:
		v.fail("gfs2.journals", "%s", names.Journals(g.Journals))
	case clientsKnown && g.Journals < len(g.Clients):
		v.fail("gfs2.journals", "must be at least %d, one for each of gfs2.clients, got %d: every node that mounts the file system needs a journal of its own", len(g.Clients), g.Journals)
	case c != nil && c.Extents >= 1 && !v.broken("clvm.extents") && g.Journals > JournalsFitting(c.Extents):
		v.fail("gfs2.journals", "%d journals do not fit on the logical volume: mkfs.gfs2 makes each %d MB, and clvm.extents %d (%d MiB) leaves room for %d; mkfs.gfs2 would refuse it, so add extents or take fewer journals",
			g.Journals, gfs2JournalMB, c.Extents, c.Extents*extentMiB, JournalsFitting(c.Extents))
	}
	if c == nil {
		v.fail("gfs2", "a gfs2 section needs a clvm section: the file system lives on its logical volume")
	}
}

// memberOf checks that name, a host that runs a step, is one of list. A
// name in the list is checked as part of it; when the list has errors
// (listBroken) a name outside it is checked as a host only, and an empty
// name, the default taken from an empty list, not at all.
func (v *validator) memberOf(name, field string, list []string, listField string, listBroken bool, hosts map[string]string, why string) {
	if name != "" && slices.Contains(list, name) {
		return
	}
	listBroken = listBroken || len(list) == 0
	if name == "" && listBroken {
		return
	}
	if !v.hostRef(name, field, hosts) || listBroken {
		return
	}
	v.fail(field, "%s is not one of %s %s; %s", quote(name), listField, quoteAll(list), why)
}

// How mkfs.gfs2 (gfs2-utils 0.1.44, the lab emulates it in lab/gfs2) lays
// out a file system with its defaults, which the runbooks keep: 4 KiB
// blocks, resource groups of at most 256 MiB, and journals of 128 MB, each
// with a 1 MB quota change file. The logical volume is extents x 4 MiB,
// lvcreate's default extent size (pvdisplay: PE Size 4096 KiB).
const (
	extentMiB         = 4
	gfs2BlockSize     = 4096
	gfs2RGSizeMB      = 256
	gfs2JournalMB     = 128
	gfs2QuotaChangeMB = 1
)

// JournalsFitting is how many journals mkfs.gfs2 puts on a logical volume
// of extents: it refuses ("not enough space for journals") unless the
// journals' blocks are fewer than the file system's blocks less one per
// resource group. The file system starts 64 KiB in, after the superblock,
// and is as many equal resource groups as it takes for none to exceed
// 256 MiB; what is left over at the end stays unused. Exported so that a
// generator of runbooks (lab/scale) sizes the clients' cluster by the very
// rule the validator applies.
func JournalsFitting(extents int) int {
	devBlocks := int64(extents) * extentMiB << 20 / gfs2BlockSize
	start := int64(128/(gfs2BlockSize/512)) + 1
	length := devBlocks - start
	per := int64(gfs2RGSizeMB) << 20 / gfs2BlockSize
	rgrps := max((length+per-1)/per, 1)
	fsBlocks := start + rgrps*(length/rgrps)
	journal := int64(gfs2JournalMB)<<20/gfs2BlockSize + int64(gfs2QuotaChangeMB)<<20/gfs2BlockSize + 2
	free := fsBlocks - rgrps
	if free <= 0 {
		return 0
	}
	return int((free - 1) / journal)
}
