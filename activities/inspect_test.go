package activities

import (
	"slices"
	"testing"
)

func TestInstalledFromOneRpm(t *testing.T) {
	pkgs := []string{"lvm2", "lvm2-cluster", "kernel", "gnbd"}
	for _, c := range []struct {
		name      string
		out       string
		exit      int
		installed []string
		sure      bool
	}{
		{"all", "lvm2-2.02.32-4.el5\nlvm2-cluster-2.02.32-4.el5\nkernel-2.6.18-92.el5\ngnbd-1.1.5-1.el5\n", 0, pkgs, true},
		{"one missing, its name a prefix of another's", "package lvm2 is not installed\nlvm2-cluster-2.02.32-4.el5\nkernel-2.6.18-92.el5\ngnbd-1.1.5-1.el5\n", 1,
			[]string{"lvm2-cluster", "kernel", "gnbd"}, true},
		{"a package in two versions", "lvm2-2.02.32-4.el5\nlvm2-cluster-2.02.32-4.el5\nkernel-2.6.18-53.el5\nkernel-2.6.18-92.el5\npackage gnbd is not installed\n", 1,
			[]string{"lvm2", "lvm2-cluster", "kernel"}, true},
		{"rpm failed otherwise", "error: cannot open Packages index using db3 - Resource temporarily unavailable (11)\n", 1, nil, false},
		{"a message for another name", "package gnbd-extra is not installed\n", 1, nil, false},
	} {
		got, sure := installedFrom(pkgs, c.out, c.exit)
		if sure != c.sure || !slices.Equal(got, c.installed) {
			t.Errorf("%s: %v %v, want %v %v", c.name, got, sure, c.installed, c.sure)
		}
	}
}
