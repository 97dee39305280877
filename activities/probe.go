package activities

import (
	"context"
)

// ProbeInput names the packages whose presence the caller needs to know.
type ProbeInput struct {
	Packages []string `json:"packages,omitempty"`
}

// ProbeResult is a host's state before a run touches it: what a saga needs
// to know to undo exactly what the run did and nothing more.
type ProbeResult struct {
	Host        string    `json:"host"`
	Installed   []string  `json:"installed,omitempty"`
	ClusterConf FileState `json:"cluster_conf"`
	// Conf is ClusterConf parsed, nil when there is none or it does not
	// parse (the steps that need it report why).
	Conf        *ClusterConf `json:"conf,omitempty"`
	CmanRunning bool         `json:"cman_running"`
}

// Probe reads a host's state and changes nothing.
func (h *Host) Probe(ctx context.Context, in ProbeInput) (ProbeResult, error) {
	r := ProbeResult{Host: h.FQDN}
	var err error
	if r.Installed, err = h.installedOf(ctx, in.Packages); err != nil {
		return r, err
	}
	if r.ClusterConf, err = h.readState(ClusterConfPath); err != nil {
		return r, err
	}
	if conf, _, ok, err := h.readConf(); err == nil && ok {
		r.Conf = &conf
	}
	r.CmanRunning, err = h.cmanRunning(ctx)
	return r, err
}
