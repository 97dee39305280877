// Package coreutils emulates the commands of the CentOS 5 base system that no
// emulated package provides and the procedures use: cat (coreutils), and
// modprobe and lsmod (module-init-tools 3.3).
//
// cat reads files under the host's root, except the /proc files a kernel
// part of the lab generates: a package registers the generator with
// RegisterProc (DRBD registers /proc/drbd), so `cat /proc/drbd` prints the
// live state and fails, as on a real host, while the module is not loaded.
//
// modprobe loads the modules of Modules through package kmod, only when the
// package that ships the module is installed (drbd needs kmod-drbd82-xen,
// gnbd needs kmod-gnbd-xen); the kernel's own modules are always there. It
// records the parameters it is given under /sys/module/NAME/parameters, as
// the kernel shows them. `modprobe -r` refuses a module whose users say it
// is in use (RegisterInUse).
//
// The messages are in messages.go.
package coreutils
