package runbooks

// Runbook is a loaded and validated runbook. The JSON tags are the shape in
// which workflows carry it, so renaming one breaks running histories; the
// YAML tags give yaml.Marshal the same shape as the file.
type Runbook struct {
	Name        string    `json:"name" yaml:"name"`
	Description string    `json:"description,omitempty" yaml:"description,omitempty"`
	Hosts       []Host    `json:"hosts" yaml:"hosts"`
	Clusters    []Cluster `json:"clusters" yaml:"clusters"`
}

// Host is one machine of the build. Other sections of a runbook refer to it
// by Name; cman knows it by FQDN; DRBD connects to Address.
type Host struct {
	Name    string `json:"name" yaml:"name"`
	FQDN    string `json:"fqdn" yaml:"fqdn"`
	Address string `json:"address" yaml:"address"`
}

// Cluster is one cman cluster. TwoNode asks for
// <cman two_node="1" expected_votes="1"/> so that a two-node cluster stays
// quorate when one node fails.
type Cluster struct {
	Name    string `json:"name" yaml:"name"`
	TwoNode bool   `json:"two_node,omitempty" yaml:"two_node,omitempty"`
	Nodes   []Node `json:"nodes" yaml:"nodes"`
}

// Node is a host's membership in a cluster. Votes is 1 when the file leaves
// it out, as cman assumes, so that code reading a loaded runbook never has to
// apply the default itself.
type Node struct {
	Host   string `json:"host" yaml:"host"`
	NodeID int    `json:"nodeid" yaml:"nodeid"`
	Votes  int    `json:"votes" yaml:"votes"`
}

// Host returns the host with the given short name, so callers resolve
// references without scanning the list themselves.
func (r *Runbook) Host(name string) (Host, bool) {
	for _, h := range r.Hosts {
		if h.Name == name {
			return h, true
		}
	}
	return Host{}, false
}

// Cluster returns the cluster with the given name.
func (r *Runbook) Cluster(name string) (Cluster, bool) {
	for _, c := range r.Clusters {
		if c.Name == name {
			return c, true
		}
	}
	return Cluster{}, false
}

// FQDN returns the fully qualified name of a host, the name cman and GNBD
// use, or "" when the runbook has no such host.
func (r *Runbook) FQDN(hostName string) string {
	h, _ := r.Host(hostName)
	return h.FQDN
}
