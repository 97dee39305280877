// Package runbooks loads the YAML runbooks that describe which hosts take
// part in a build, how they form cman clusters, how the storage data path
// runs through them (disks, DRBD pairs, GNBD exports and imports,
// multipath) and which volume and file system sit on top (CLVM, GFS2),
// and refuses anything it does not fully understand, because every name
// in a runbook ends up on a command line or in a configuration file of a
// real host.
//
// A runbook looks like this:
//
//	name: scalable-storage        # required, [a-z0-9][a-z0-9-]{0,62}
//	description: free text        # optional, no control characters but newline and tab
//	hosts:                        # required, at least one
//	  - name: storage0a           # required, [a-z][a-z0-9-]{0,62}, unique
//	    fqdn: storage0a.example.org  # required, lowercase RFC 1123 name with a dot, unique
//	    address: 192.168.10.20    # required, IPv4 in canonical form, unique; not IPv6 (DRBD 8.2
//	                              # needs "ipv6 [addr]:port", not written), loopback 127/8,
//	                              # 0/8, broadcast, multicast or reserved 240/4
//	clusters:                     # optional
//	  - name: storage0            # required, [A-Za-z0-9_-]{1,15} not starting with '-', unique
//	    two_node: false           # optional; true only with exactly two nodes
//	    nodes:                    # required, at least one
//	      - host: storage0a       # required, the name of a host above, in one cluster only
//	        nodeid: 1             # required, 1..255, unique in the cluster
//	        votes: 1              # optional, 1..255, default 1
//
// The data path sections follow, bottom to top; each is optional, and a
// runbook without them loads as one of hosts and clusters only:
//
//	disks:                        # the spare disk of a storage host (part #2a)
//	  - host: storage0a           # required, a host above, one disk per host
//	    device: /dev/xvdb         # required, the whole disk: /dev/sdX, /dev/hdX, /dev/vdX or
//	                              # /dev/xvdX (X one or two letters); never /dev/mem and the like
//	    partition: /dev/xvdb1     # required, the device and a partition number; the runbook labels
//	                              # the disk gpt and creates this one primary partition, lvm flag on
//	drbd:                         # DRBD mirror pairs, both sides primary (part #2b)
//	  - name: r0                  # required, [a-z][a-z0-9_]{0,30}; unique per host
//	    device: /dev/drbd0        # required, /dev/drbd0 to /dev/drbd999; unique per host
//	    protocol: C               # optional, default C, the only one allowing two primaries
//	    rate: 10M                 # optional, syncer rate [1-9][0-9]{0,5} and K, M or G, default 10M
//	    port: 7788                # optional, 1024..65535, default 7788
//	    hosts: [storage0a, storage0b]  # required, exactly the two nodes of one cman cluster, each
//	                              # with a disk (DRBD mirrors its partition) and in one resource only
//	    sync_from: storage0a      # optional, one of hosts, default the first: the side whose data
//	                              # wins the initial sync (--overwrite-data-of-peer)
//	gnbd:                         # GNBD export and import (part #3)
//	  exports:                    # required, at least one; with a gnbd section every host of every
//	                              # DRBD resource exports that resource's device, once
//	    - host: storage0a         # required, a host above
//	      name: gnbd0a            # required, [a-z][a-z0-9_]{0,15}, unique
//	      device: /dev/drbd0      # required, the device of a DRBD resource that lists the host
//	      uid: 0                  # required, 0..65535; the same for both hosts of a pair, and
//	                              # different for different pairs: multipath joins by uid
//	  imports:                    # required
//	    clients: [client0, client1]  # required, at least one; hosts that import every export,
//	                              # each a node of a cman cluster that has no export host
//	multipath:                    # DM-Multipath (part #4)
//	  clients: [client0, client1] # required, at least one; each must be an import client
//
// The volume and the file system on it come last; each is optional, but
// clvm needs multipath and gfs2 needs clvm:
//
//	clvm:                         # clustered LVM on the clients (part #5)
//	  clients: [client0, client1] # required; exactly the nodes of one cman cluster, the clients',
//	                              # each a multipath client: clvmd runs on every node
//	  creator: client0            # optional, one of clients, default the first: where pvcreate,
//	                              # vgcreate --clustered y and lvcreate run
//	  vg: VG0                     # required, [A-Za-z][A-Za-z0-9_]{0,31}
//	  lv: LV0                     # required, the same, and none of LVM's reserved names
//	                              # (snapshot*, pvmove*, *_mlog*, *_mimage*, ...)
//	  pvs: [/dev/mapper/mpath0, /dev/mapper/mpath1]  # required; exactly one per multipath map:
//	                              # mpathN is the map of the N-th GNBD uid in ascending order
//	  extents: 510                # required, LV size in extents of 4 MiB, 1 to 255 per pv
//	                              # (a 1 GiB volume holds 255)
//	gfs2:                         # GFS2 on the logical volume (part #5)
//	  lock_table: client:gfs2     # required, <cluster>:<fsname>; the cluster is the clvm clients'
//	                              # (lock_dlm mounts only there), fsname [A-Za-z0-9_-]{1,16}
//	  journals: 4                 # required, 1..64 and at least one per client
//	  mountpoint: /mnt            # required, /[a-z0-9/_-]{0,63}, no "..", "//" or trailing '/',
//	                              # /mnt, under /mnt, or a directory of its own such as /gfs2;
//	                              # not "/", a system directory (/etc, /var, /tmp...) or under one
//	  clients: [client0, client1] # optional, clvm clients that mount, default every clvm client
//	  creator: client0            # optional, one of clients, default clvm.creator: where
//	                              # mkfs.gfs2 runs
//	approvals:                    # destructive steps that proceed without waiting for a person
//	  auto: []                    # optional, default none; allowed: disk-label, drbd-overwrite, pvcreate, mkfs
//
// Defaults are filled in when a runbook is loaded, so code reading one never
// applies them itself.
//
// Parse and Load check the YAML itself (one document, no unknown or
// duplicate keys, no anchors or aliases, the right type for every value) and
// then the meaning (names, uniqueness, references between the layers), and
// report every problem as an *Error that names the file, the line and the
// field, so an operator can fix the runbook without guessing. A mistake is
// reported once: the checks that match one layer against another stay quiet
// about a layer that has errors of its own. Validate runs the second half
// again on a Runbook that did not come from a file.
//
// The runbooks shipped in this directory are embedded in the binary; Builtin
// lists them and Open returns one by name, so the orchestrator can start a
// build without a path on the worker's disk.
package runbooks
