package activities

import (
	"context"
	"slices"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/fault"
)

// A host's packages are asked about in one rpm run, whatever their number,
// and the answer names exactly the missing ones.
func TestPackagesAreAskedAboutInOneRun(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "client0")
	h := c.hosts["client0"]
	ctx := context.Background()
	must(h.EnsurePackages(ctx, PackagesInput{Packages: []string{"gnbd"}}))(t)

	before := len(c.ran(t, "client0"))
	pkgs := []string{"kmod-gnbd-xen", "gnbd", "device-mapper-multipath"}
	got := must(h.installedOf(ctx, pkgs))(t)
	if !slices.Equal(got, []string{"gnbd"}) {
		t.Errorf("installed of %v: %v, want [gnbd]", pkgs, got)
	}
	if ran := c.ranSince(t, "client0", before); !slices.Equal(ran, []string{"/bin/rpm -q kmod-gnbd-xen gnbd device-mapper-multipath"}) {
		t.Errorf("asking about %d packages ran %q, want one rpm -q", len(pkgs), ran)
	}
	if missing := must(h.missingPackages(ctx, []string{"gnbd"}))(t); len(missing) != 0 {
		t.Errorf("missing of an installed package: %v", missing)
	}

	// Installing two missing packages asks rpm once before and once after.
	before = len(c.ran(t, "client0"))
	r := must(h.EnsurePackages(ctx, PackagesInput{Packages: []string{"kmod-gnbd-xen", "device-mapper-multipath"}}))(t)
	if !slices.Contains(r.Changed, "kmod-gnbd-xen") || !slices.Contains(r.Changed, "device-mapper-multipath") {
		t.Errorf("installed %v, want both", r.Changed)
	}
	if q := containing(c.ranSince(t, "client0", before), "rpm -q "); len(q) != 2 {
		t.Errorf("installing two packages asked rpm -q %d times (%q), want twice", len(q), q)
	}
}

// rpm failing for a reason of its own (its database locked) is not read
// as every package missing: that would install them all again.
func TestAnRPMFailureIsNotMissingPackages(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "client0")
	h := c.hosts["client0"]
	if err := fault.Add(c.lab.Dir, fault.Fault{Host: fqdn("client0"), Command: "rpm -q", Mode: fault.Fail, Exit: 1, Message: "rpmdb: lock held"}); err != nil {
		t.Fatal(err)
	}
	missing, err := h.missingPackages(context.Background(), []string{"gnbd", "cman"})
	if err == nil || missing != nil {
		t.Errorf("rpm -q failing with its database locked: missing %v, error %v; want no answer and the error", missing, err)
	}
}
