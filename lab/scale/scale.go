// Package scale generates runbooks of the blog's stack grown to many
// storage pairs and many clients, for rehearsing fan-out in the lab: a
// thousand clients importing both pairs of the blog (issue #11), or the
// benchmarks' hundreds of pairs under a few clients.
//
// The shape is the blog's (runbooks/scalable-storage.yaml) with more of
// each part. Every storage pair is a two-node cman cluster of its own
// (storage0, storage1, ...) mirroring its hosts' spare disks with DRBD
// and exporting them with GNBD under the pair's uid. Every client imports
// every export and joins each pair's two paths into a multipath map. The
// clients are the nodes of client clusters client0, client1, ... of at
// most ClusterSize nodes, because the runbook rules make every import
// client a cman node and cman bounds a cluster. CLVM and GFS2 run on the
// first client cluster only: clvmd runs on every node of one cluster and
// a GFS2 needs a journal per node that mounts it, at most
// names.MaxJournals, so a file system cannot be shared by a thousand
// nodes; the clients of the other clusters import and multipath only,
// since a runbook has one volume and one file system.
//
// Build gives the runbook as a value, YAML as the file a catalog or lab
// init reads; the two say the same, which the tests hold them to.
package scale

import (
	"errors"
	"fmt"

	"github.com/tetsuzuki/tetsuzuki/names"
	"github.com/tetsuzuki/tetsuzuki/runbooks"
)

// DefaultPairs is the blog's two storage pairs.
const DefaultPairs = 2

// DefaultClusterSize is the most nodes Red Hat supports in one cluster of
// RHEL 5's Cluster Suite (cman, and GFS2 on it): 16. cman itself takes
// more (cluster.conf's node ids go to 255), but a site running this stack
// keeps to what its vendor supports, so a thousand clients are many
// clusters of 16, not one.
const DefaultClusterSize = 16

// maxNodeID is cluster.conf's largest node id, which bounds a cluster.
const maxNodeID = 255

// hostsPerNet is how many hosts one /16 of addresses holds here: .1 to
// .250 of each of its 256 /24s, none a network's or broadcast address.
const hostsPerNet = 250 * 256

// Options say what to generate. The zero value but Clients is the blog's
// two pairs with clusters of DefaultClusterSize clients.
type Options struct {
	// Name is the runbook's name; default scale-<pairs>p-<clients>c.
	Name string
	// Pairs is the number of storage pairs; default DefaultPairs.
	Pairs int
	// Clients is the number of clients, at least one.
	Clients int
	// ClusterSize bounds the nodes of a client cluster; default
	// DefaultClusterSize. Clients and ClusterSize equal give one client
	// cluster, the benchmarks' shape (see VolumeClusterSize for when the
	// volume does not fit it).
	ClusterSize int
	// NoVolume leaves out the clvm and gfs2 sections: the clients import
	// and multipath only, and no client cluster is bounded by journals.
	NoVolume bool
}

// withDefaults fills in the defaults and checks what is left.
func (o Options) withDefaults() (Options, error) {
	if o.Pairs == 0 {
		o.Pairs = DefaultPairs
	}
	if o.ClusterSize == 0 {
		o.ClusterSize = DefaultClusterSize
	}
	if o.Name == "" {
		o.Name = fmt.Sprintf("scale-%dp-%dc", o.Pairs, o.Clients)
	}
	var errs []error
	if o.Pairs < 1 || 2*o.Pairs > hostsPerNet {
		errs = append(errs, fmt.Errorf("pairs: %d, want 1 to %d", o.Pairs, hostsPerNet/2))
	}
	if o.Clients < 1 || o.Clients > hostsPerNet {
		errs = append(errs, fmt.Errorf("clients: %d, want 1 to %d", o.Clients, hostsPerNet))
	}
	if o.ClusterSize < 1 || o.ClusterSize > maxNodeID {
		errs = append(errs, fmt.Errorf("cluster size: %d, want 1 to %d (cluster.conf's node ids)", o.ClusterSize, maxNodeID))
	}
	if err := names.Runbook(o.Name); err != nil {
		errs = append(errs, fmt.Errorf("name: %w", err))
	}
	return o, errors.Join(errs...)
}

// VolumeClusterSize is how many nodes the first client cluster, the one
// of CLVM and GFS2, may have: the cluster size, but no more than the
// journals that fit on the logical volume (runbooks.JournalsFitting of
// all the pairs' extents) and names.MaxJournals, because every node of
// the cluster runs clvmd and mounts the file system, with a journal of
// its own. The blog's two pairs hold 510 extents, room for 15 journals of
// 128 MB: the first cluster has 15 nodes, not 16. Without the volume it
// is the cluster size.
func (o Options) VolumeClusterSize() int {
	o, err := o.withDefaults()
	if err != nil {
		return 0
	}
	if o.NoVolume {
		return o.ClusterSize
	}
	return min(o.ClusterSize, names.MaxJournals, runbooks.JournalsFitting(runbooks.ExtentsPerPV*o.Pairs))
}

// The names of the hosts, the blog's: clientJ, storageIa and storageIb.
func clientName(j int) string            { return fmt.Sprintf("client%d", j) }
func storageName(i int, s string) string { return fmt.Sprintf("storage%d%s", i, s) }
func fqdn(name string) string            { return name + ".example.org" }

// sides are a pair's two hosts, a and b, as the blog names them.
var sides = []string{"a", "b"}

// address is the k-th address of net: storage hosts in 10.0/16, clients
// in 10.1/16, .1 to .250 of each /24, unique and valid for DRBD.
func address(net, k int) string {
	return fmt.Sprintf("10.%d.%d.%d", net, k/250, k%250+1)
}

// ClientClusters returns the sizes of the client clusters in order: the
// first of VolumeClusterSize nodes at most, the others of ClusterSize.
func (o Options) ClientClusters() []int {
	o, err := o.withDefaults()
	if err != nil {
		return nil
	}
	var sizes []int
	for left, size := o.Clients, o.VolumeClusterSize(); left > 0; size = o.ClusterSize {
		n := min(left, size)
		sizes = append(sizes, n)
		left -= n
	}
	return sizes
}

// Build returns the runbook the options describe, with every default
// filled in as runbooks.Parse fills it, so that it equals what its YAML
// loads to.
func Build(o Options) (*runbooks.Runbook, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("scale: %w", err)
	}
	clusters := o.ClientClusters()
	rb := &runbooks.Runbook{
		Name: o.Name,
		Description: fmt.Sprintf("the blog's stack grown to %d storage pairs and %d clients, the nodes of %d client clusters of at most %d",
			o.Pairs, o.Clients, len(clusters), o.ClusterSize),
		// No step proceeds without a person, and anyone may decide
		// without a key: a lab's, as the blog's. (Auto is nil, as an
		// empty list loads.)
		Approvals: runbooks.Approvals{Unsigned: true},
		// The lab's hosts have no fence device, as the blog's.
		Checks: runbooks.Checks{Ignore: []string{"CLUSTER_NO_FENCING"}},
	}
	var clients []string
	for j := range o.Clients {
		name := clientName(j)
		clients = append(clients, name)
		rb.Hosts = append(rb.Hosts, runbooks.Host{Name: name, FQDN: fqdn(name), Address: address(1, j)})
	}
	for i := range o.Pairs {
		for k, s := range sides {
			name := storageName(i, s)
			rb.Hosts = append(rb.Hosts, runbooks.Host{Name: name, FQDN: fqdn(name), Address: address(0, 2*i+k)})
		}
	}

	for i := range o.Pairs {
		a, b := storageName(i, "a"), storageName(i, "b")
		rb.Clusters = append(rb.Clusters, runbooks.Cluster{
			Name:  fmt.Sprintf("storage%d", i),
			Nodes: []runbooks.Node{{Host: a, NodeID: 1, Votes: 1}, {Host: b, NodeID: 2, Votes: 1}},
		})
	}
	first := 0
	for c, size := range clusters {
		cl := runbooks.Cluster{Name: fmt.Sprintf("client%d", c)}
		for n, host := range clients[first : first+size] {
			cl.Nodes = append(cl.Nodes, runbooks.Node{Host: host, NodeID: n + 1, Votes: 1})
		}
		rb.Clusters = append(rb.Clusters, cl)
		first += size
	}

	rb.GNBD = &runbooks.GNBD{Imports: runbooks.Imports{Clients: clients}}
	for i := range o.Pairs {
		a, b := storageName(i, "a"), storageName(i, "b")
		for _, h := range []string{a, b} {
			rb.Disks = append(rb.Disks, runbooks.Disk{Host: h, Device: "/dev/xvdb", Partition: "/dev/xvdb1"})
		}
		// Every pair's resource is r0 on /dev/drbd0, as the blog's:
		// the names are per host, and no host holds two.
		rb.DRBD = append(rb.DRBD, runbooks.DRBDResource{Name: "r0", Device: "/dev/drbd0", Protocol: "C", Rate: "10M", Port: 7788,
			Hosts: []string{a, b}, SyncFrom: a})
		for _, s := range sides {
			rb.GNBD.Exports = append(rb.GNBD.Exports, runbooks.Export{Host: storageName(i, s), Name: fmt.Sprintf("gnbd%d%s", i, s), Device: "/dev/drbd0", UID: i})
		}
	}
	rb.Multipath = &runbooks.Multipath{Clients: clients}
	if o.NoVolume {
		return rb, nil
	}

	volume := clients[:clusters[0]]
	var pvs []string
	for i := range o.Pairs {
		pvs = append(pvs, fmt.Sprintf("/dev/mapper/mpath%d", i))
	}
	rb.CLVM = &runbooks.CLVM{Clients: volume, Creator: volume[0], VG: "VG0", LV: "LV0", PVs: pvs, Extents: runbooks.ExtentsPerPV * o.Pairs}
	// A journal for each node of the cluster: all of them mount it.
	rb.GFS2 = &runbooks.GFS2{LockTable: rb.Clusters[o.Pairs].Name + ":gfs2", Journals: len(volume), Mountpoint: "/mnt", Clients: volume, Creator: volume[0]}
	return rb, nil
}
