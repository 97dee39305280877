// Package host is how an emulated tool knows which host it runs on.
//
// A lab host is a directory, <lab>/hosts/<fqdn>, laid out like the root of a
// CentOS 5 machine. Its tools are symlinks to the one lab binary; the binary
// tells which host it is from the path it was invoked by (argv[0], never
// resolved), walking up to the directory that holds the .lab marker. Every
// path a tool reads or writes, /etc/cluster/cluster.conf for instance, is
// taken under that directory, so a host can only touch its own files and,
// through the lab's shared state, what a real host could reach over the
// network.
package host
