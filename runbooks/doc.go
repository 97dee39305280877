// Package runbooks loads the YAML runbooks that describe which hosts take
// part in a build and how they form cman clusters, and refuses anything it
// does not fully understand, because every name in a runbook ends up on a
// command line or in a configuration file of a real host.
//
// A runbook looks like this:
//
//	name: scalable-storage        # required, [a-z0-9][a-z0-9-]{0,62}
//	description: free text        # optional, no control characters but newline and tab
//	hosts:                        # required, at least one
//	  - name: storage0a           # required, [a-z][a-z0-9-]{0,62}, unique
//	    fqdn: storage0a.example.org  # required, lowercase RFC 1123 name with a dot, unique
//	    address: 192.168.10.20    # required, IPv4 or IPv6 in canonical form, no zone, unique
//	clusters:                     # optional
//	  - name: storage0            # required, [A-Za-z0-9_-]{1,15} not starting with '-', unique
//	    two_node: false           # optional; true only with exactly two nodes
//	    nodes:                    # required, at least one
//	      - host: storage0a       # required, the name of a host above, in one cluster only
//	        nodeid: 1             # required, 1..255, unique in the cluster
//	        votes: 1              # optional, 1..255, default 1
//
// Parse and Load check the YAML itself (one document, no unknown or
// duplicate keys, no anchors or aliases, the right type for every value) and
// then the meaning (names, uniqueness, references), and report every problem
// as an *Error that names the file, the line and the field, so an operator
// can fix the runbook without guessing. Validate runs the second half again
// on a Runbook that did not come from a file.
//
// The runbooks shipped in this directory are embedded in the binary; Builtin
// lists them and Open returns one by name, so the orchestrator can start a
// build without a path on the worker's disk.
package runbooks
