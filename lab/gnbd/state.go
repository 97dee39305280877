package gnbd

import (
	"fmt"
	"slices"
)

// DefaultPort is the TCP port gnbd_serv listens on and gnbd_import connects
// to unless told otherwise.
const DefaultPort = 14567

// Major is the block major the gnbd module registers on CentOS 5.
const Major = 252

// maxMinors is the number of devices the gnbd module provides (MAX_GNBD).
const maxMinors = 128

// State is what the gnbd daemons and kernel modules of lab hosts hold
// between them: the servers with their exports, and the clients with the
// devices they imported. It is a view of some hosts only, those an
// operation deals with (store.go): each host's part is in a file of its
// own.
type State struct {
	Servers map[string]*Server // by host FQDN
	Clients map[string]*Client // by host FQDN

	lab    string
	loaded map[string]bool // the hosts read into the view
	all    bool            // every host with GNBD state is loaded
}

// Server is gnbd_serv on one host. It is kept after the daemon stops, to
// remember that its socket file is left behind.
type Server struct {
	Running   bool `json:"running"`
	PID       int  `json:"pid,omitempty"`
	Port      int  `json:"port"`
	Clustered bool `json:"clustered"` // started without -n
	// Exports are held in the daemon's memory: they vanish when it stops.
	// Newest first, the order gnbd_serv lists them in.
	Exports []Export `json:"exports,omitempty"`
}

// Export is one device a server exports, as `gnbd_export -l` shows it.
type Export struct {
	Name     string `json:"name"`
	File     string `json:"file"` // as given to -d
	Sectors  int64  `json:"sectors"`
	Readonly bool   `json:"readonly,omitempty"`
	// Timeout is the seconds a client waits for a failed server before
	// it is fenced, set for an uncached export (the default) and 0 for a
	// cached one (-c).
	Timeout int    `json:"timeout,omitempty"`
	UID     string `json:"uid,omitempty"`
}

// Cached tells whether the export was made with -c.
func (e Export) Cached() bool { return e.Timeout == 0 }

// Client is the gnbd module and its helper daemons on one host.
type Client struct {
	// Imports are ordered by minor number.
	Imports []Import `json:"imports,omitempty"`
	// Monitor tells whether gnbd_monitor runs, which it does while the
	// host imports an uncached device.
	Monitor bool `json:"monitor,omitempty"`
}

// Import is one device a client imported.
type Import struct {
	Name     string `json:"name"`
	Minor    int    `json:"minor"`
	Server   string `json:"server"` // as given to -i
	Host     string `json:"host"`   // the lab host it resolved to
	Port     int    `json:"port"`
	Sectors  int64  `json:"sectors"`
	Readonly bool   `json:"readonly,omitempty"`
	Timeout  int    `json:"timeout,omitempty"`
	// RecvdGone tells that the device's gnbd_recvd is gone (killed, or
	// given up): nothing reconnects the device until gnbd_import -i (of
	// its server) or -a starts a new one.
	RecvdGone bool `json:"recvd_gone,omitempty"`
}

// Dev is the kernel's name of the device, gnbd0 for minor 0.
func (i Import) Dev() string { return fmt.Sprintf("gnbd%d", i.Minor) }

// Path is the device's generic file, /dev/gnbd0.
func (i Import) Path() string { return "/dev/" + i.Dev() }

// NamedPath is the file gnbd_import creates under the export's name.
func (i Import) NamedPath() string { return "/dev/gnbd/" + i.Name }

// running returns the server of a host if gnbd_serv runs there.
func (s *State) running(fqdn string) *Server {
	if srv := s.Servers[fqdn]; srv != nil && srv.Running {
		return srv
	}
	return nil
}

// export returns a running server's export.
func (s *State) export(fqdn, name string) *Export {
	srv := s.running(fqdn)
	if srv == nil {
		return nil
	}
	for i := range srv.Exports {
		if srv.Exports[i].Name == name {
			return &srv.Exports[i]
		}
	}
	return nil
}

// Connected tells whether an import is connected: its gnbd_recvd runs, and
// its server runs, on the port it was imported from, and still exports it.
// gnbd_recvd reconnects on its own when an export comes back, so nothing
// else is remembered. The view must hold the import's server (loadClient,
// addServersOf): one it does not hold reads as not running.
func (s *State) Connected(imp Import) bool {
	srv := s.running(imp.Host)
	return !imp.RecvdGone && srv != nil && srv.Port == imp.Port && s.export(imp.Host, imp.Name) != nil
}

// importers are the client hosts whose import of an export is connected:
// those a gnbd_serv child process serves. Any host may be one, so it loads
// every host's state into the view (addAll): O(hosts), which only the
// server's side pays, when it lists its clients or unexports.
func (s *State) importers(fqdn, name string) ([]string, error) {
	if err := s.addAll(); err != nil {
		return nil, err
	}
	var hosts []string
	for c, cl := range s.Clients {
		for _, imp := range cl.Imports {
			if imp.Host == fqdn && imp.Name == name && s.Connected(imp) {
				hosts = append(hosts, c)
			}
		}
	}
	slices.Sort(hosts)
	return hosts, nil
}

func (s *State) client(fqdn string) *Client {
	if s.Clients == nil {
		s.Clients = map[string]*Client{}
	}
	if s.Clients[fqdn] == nil {
		s.Clients[fqdn] = &Client{}
	}
	return s.Clients[fqdn]
}

// Device is a GNBD imported on a client as the other emulated tools see
// it: multipath reads its uid the way `gnbd_import -U` gets it.
type Device struct {
	Import
	// Connected tells whether the server still serves it.
	Connected bool
	// UID is the export's uid on its server, "" when the export has
	// none or the server does not answer.
	UID string
}

// Imports lists the GNBDs imported on a host, by minor number. It reads
// without the lab's lock, so it may be called while holding it.
func Imports(lab, fqdn string) ([]Device, error) {
	s, err := loadClient(lab, fqdn)
	if err != nil {
		return nil, err
	}
	cl := s.Clients[fqdn]
	if cl == nil {
		return nil, nil
	}
	var devs []Device
	for _, imp := range cl.Imports {
		d := Device{Import: imp, Connected: s.Connected(imp)}
		if d.Connected {
			d.UID = s.export(imp.Host, imp.Name).UID
		}
		devs = append(devs, d)
	}
	return devs, nil
}

// Exports lists what gnbd_serv exports on a host, newest first; nil when it
// does not run.
func Exports(lab, fqdn string) ([]Export, error) {
	s, err := load(lab, fqdn)
	if err != nil {
		return nil, err
	}
	if srv := s.running(fqdn); srv != nil {
		return slices.Clone(srv.Exports), nil
	}
	return nil, nil
}

// Serving reports whether gnbd_serv runs on a host.
func Serving(lab, fqdn string) (bool, error) {
	s, err := load(lab, fqdn)
	if err != nil {
		return false, err
	}
	return s.running(fqdn) != nil, nil
}
