// Package cman emulates the cluster manager of CentOS 5.2 (cman 2.0.84 with
// openais 0.80): ccs_tool, cman_tool and the /etc/init.d/cman init script.
//
// # What is shared and what is local
//
// Each host has its own /etc/cluster/cluster.conf, which the project's agent
// edits and these tools only read. What the daemons would hold in memory and
// exchange over the network lives in the lab's shared state
// (<lab>/state/cman.json): per cluster name, the running configuration (the
// copy ccsd serves), the members with their node ids, votes, join times and
// incarnations, and the ring sequence number.
//
// # Rules the emulation keeps
//
//   - Starting cman on a host joins the cluster named in its cluster.conf.
//     If members are running with a higher config_version, the starting
//     node first receives their file, which overwrites its own ("the new
//     node receives cluster.conf from the existing member"); a starting node
//     with a higher version than the running cluster is refused, as cman
//     refuses a join whose config version differs. The host must then be a
//     clusternode of the config (by FQDN, or by short name either way round,
//     as cman matches uname) with a nodeid.
//   - `ccs_tool update FILE` works only on a running member, only with a
//     config_version higher than the running one, only while the cluster is
//     quorate and only for the same cluster name. It then writes the file to
//     every running member's cluster.conf (atomically) and makes it the
//     running config.
//   - Quorum follows cman(5): expected votes are those of the running
//     config (its <cman expected_votes>, else the sum of its clusternodes'
//     votes), quorum is expected/2+1 (or total/2+1 when members hold more
//     votes than expected), and is 1 with <cman two_node="1">. The cluster
//     is quorate while the running members' votes reach quorum. Real cman
//     2.0 also remembers each member's expected votes from when it joined
//     and never lowers quorum on its own; the lab leaves those refinements
//     out so that the arithmetic is the documented one.
//   - A member whose node crashes (Crash, lab break node-crash) leaves as
//     a stopped one does, without the init script: its subsys lock stays.
//     Fencing is not emulated; the others carry on at once.
//   - Every membership change (a join or a leave) advances the ring
//     sequence by 4, as openais's totem does; a member's Inc in
//     `cman_tool nodes` is the sequence at which it joined, and the cluster
//     generation in `cman_tool status` is the current one.
//
// All the text the tools print is in messages.go.
package cman
