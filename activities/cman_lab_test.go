package activities

import (
	"context"
	"errors"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.temporal.io/sdk/temporal"

	"github.com/tetsuzuki/tetsuzuki/lab/labtest"
)

// cluster is a lab of hosts with agents' views of them.
type cluster struct {
	lab   *labtest.Lab
	hosts map[string]*Host
}

func newCluster(t *testing.T, names ...string) *cluster {
	t.Helper()
	var fqdns []string
	for _, n := range names {
		fqdns = append(fqdns, n+".example.org")
	}
	c := &cluster{lab: labtest.New(t, fqdns...), hosts: map[string]*Host{}}
	for i, n := range names {
		c.hosts[n] = NewHost(fqdns[i], c.lab.Root(fqdns[i]))
	}
	return c
}

func node(name string, id int) ConfNode {
	return ConfNode{Name: name + ".example.org", NodeID: id, Votes: 1}
}

// must(f())(t) is f's result, or the end of the test if f failed.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func errType(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Type()
	}
	return ""
}

// bootstrap runs part #3's first node on host a of cluster name.
func (c *cluster) bootstrap(t *testing.T, name, a string) {
	t.Helper()
	ctx := context.Background()
	h := c.hosts[a]
	must(h.EnsurePackages(ctx, PackagesInput{Packages: []string{"cman"}}))(t)
	must(h.CreateClusterConf(ctx, ClusterInput{Cluster: name}))(t)
	must(h.WriteBootstrapConf(ctx, NodeInput{Cluster: name, Node: node(a, 1)}))(t)
	must(h.StartCman(ctx, ClusterInput{Cluster: name}))(t)
}

// join runs part #3's new-node side on host n.
func (c *cluster) join(t *testing.T, name, n string) {
	t.Helper()
	ctx := context.Background()
	h := c.hosts[n]
	must(h.EnsurePackages(ctx, PackagesInput{Packages: []string{"cman"}}))(t)
	must(h.CreateClusterConf(ctx, ClusterInput{Cluster: name}))(t)
	must(h.StartCman(ctx, ClusterInput{Cluster: name}))(t)
}

func TestPartThreeOnTheLabIsIdempotent(t *testing.T) {
	c := newCluster(t, "storage0a", "storage0b")
	a, b := c.hosts["storage0a"], c.hosts["storage0b"]
	ctx := context.Background()

	pkgs := must(a.EnsurePackages(ctx, PackagesInput{Packages: []string{"cman"}}))(t)
	if !slices.Equal(pkgs.Changed, []string{"cman", "openais"}) {
		t.Errorf("installed %v, want cman and the openais it pulls in", pkgs.Changed)
	}
	if again := must(a.EnsurePackages(ctx, PackagesInput{Packages: []string{"cman"}}))(t); len(again.Changed) > 0 {
		t.Errorf("second install changed %v", again.Changed)
	}
	if r := must(a.CreateClusterConf(ctx, ClusterInput{Cluster: "storage0"}))(t); !r.Changed {
		t.Error("ccs_tool create did not run on a fresh host")
	}
	if r := must(a.CreateClusterConf(ctx, ClusterInput{Cluster: "storage0"}))(t); r.Changed {
		t.Error("ccs_tool create ran again")
	}
	for i, want := range []bool{true, false} {
		if r := must(a.WriteBootstrapConf(ctx, NodeInput{Cluster: "storage0", Node: node("storage0a", 1)}))(t); r.Changed != want || r.Version != 1 {
			t.Errorf("write %d: %+v, want changed %v at version 1", i, r, want)
		}
	}
	for i, want := range []bool{true, false} {
		if r := must(a.StartCman(ctx, ClusterInput{Cluster: "storage0"}))(t); r.Changed != want {
			t.Errorf("start %d: changed %v, want %v", i, r.Changed, want)
		}
	}
	m := must(a.Membership(ctx, MembershipInput{Cluster: "storage0", Expect: []string{"storage0a.example.org"}}))(t)
	if !m.Status.Quorate || m.Status.ConfigVersion != 1 || len(m.Nodes) != 1 || !m.Nodes[0].Member() {
		t.Errorf("after bootstrap: %+v", m)
	}

	for i, want := range []bool{true, false} {
		r := must(a.AddNode(ctx, NodeInput{Cluster: "storage0", Node: node("storage0b", 2)}))(t)
		if r.Changed != want || r.Version != 2 {
			t.Errorf("add %d: %+v, want changed %v at version 2", i, r, want)
		}
	}
	// storage0b is listed but not up: the check waits, with a retryable error.
	if _, err := a.Membership(ctx, MembershipInput{Cluster: "storage0", Expect: []string{"storage0a.example.org", "storage0b.example.org"}}); errType(err) != ErrNotReady {
		t.Errorf("membership before the join: %v, want %s", err, ErrNotReady)
	}
	c.join(t, "storage0", "storage0b")
	m = must(b.Membership(ctx, MembershipInput{Cluster: "storage0", Expect: []string{"storage0a.example.org", "storage0b.example.org"}}))(t)
	if !m.Status.Quorate || m.Status.ConfigVersion != 2 {
		t.Errorf("after the join: %+v", m.Status)
	}
	if ca, cb := c.lab.ReadFile(t, "storage0a.example.org", ClusterConfPath), c.lab.ReadFile(t, "storage0b.example.org", ClusterConfPath); ca != cb {
		t.Errorf("the new node did not receive the member's file:\n%s\n%s", ca, cb)
	}
}

func TestConcurrentAddsThroughOneMemberLandAsTwoVersions(t *testing.T) {
	c := newCluster(t, "a", "b", "c", "d")
	ctx := context.Background()
	c.bootstrap(t, "quad", "a")
	must(c.hosts["a"].AddNode(ctx, NodeInput{Cluster: "quad", Node: node("b", 2)}))(t)
	c.join(t, "quad", "b")

	var wg sync.WaitGroup
	results := make([]ConfResult, 2)
	errs := make([]error, 2)
	for i, n := range []string{"c", "d"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = c.hosts["a"].AddNode(ctx, NodeInput{Cluster: "quad", Node: node(n, 3+i)})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("add %d: %v", i, err)
		}
	}
	got := []int{results[0].Version, results[1].Version}
	slices.Sort(got)
	if !slices.Equal(got, []int{3, 4}) {
		t.Errorf("versions %v, want 3 and 4: one per change, none lost", got)
	}
	conf := must(ParseClusterConf(c.lab.ReadFile(t, "a.example.org", ClusterConfPath)))(t)
	if conf.Version != 4 || len(conf.Nodes) != 4 {
		t.Errorf("final file: version %d with %d nodes, want 4 with 4", conf.Version, len(conf.Nodes))
	}
}

func TestAddNodePushesAnEditItsCrashedAttemptLeft(t *testing.T) {
	c := newCluster(t, "a", "b")
	ctx := context.Background()
	c.bootstrap(t, "pair", "a")
	// An earlier attempt wrote version 2 and died before ccs_tool update.
	conf := must(ParseClusterConf(c.lab.ReadFile(t, "a.example.org", ClusterConfPath)))(t)
	conf.Version, conf.Nodes = 2, append(conf.Nodes, node("b", 2))
	c.lab.WriteFile(t, "a.example.org", ClusterConfPath, conf.Render())

	r := must(c.hosts["a"].AddNode(ctx, NodeInput{Cluster: "pair", Node: node("b", 2)}))(t)
	if r.Version != 2 || !r.Changed {
		t.Errorf("retry after the crash: %+v, want the edit pushed at version 2", r)
	}
	if s := must(c.hosts["a"].status(ctx))(t); s.ConfigVersion != 2 {
		t.Errorf("running version %d, want 2", s.ConfigVersion)
	}
}

func TestRemoveNodeOfANodeThatNeverCame(t *testing.T) {
	c := newCluster(t, "a", "b")
	ctx := context.Background()
	c.bootstrap(t, "pair", "a")
	must(c.hosts["a"].AddNode(ctx, NodeInput{Cluster: "pair", Node: node("b", 2)}))(t)
	if s := must(c.hosts["a"].status(ctx))(t); s.Quorate {
		t.Fatal("one of two votes is quorate: the lab does not count like cman")
	}
	// The undo of a failed join: ccsd needs quorum, which the cluster only
	// regains by expecting the votes it has.
	r := must(c.hosts["a"].RemoveNode(ctx, NodeInput{Cluster: "pair", Node: node("b", 2)}))(t)
	if r.Version != 3 {
		t.Errorf("remove: version %d, want 3 (a version never goes down)", r.Version)
	}
	s := must(c.hosts["a"].status(ctx))(t)
	if !s.Quorate || s.ConfigVersion != 3 {
		t.Errorf("after remove: %+v", s)
	}
	if r := must(c.hosts["a"].RemoveNode(ctx, NodeInput{Cluster: "pair", Node: node("b", 2)}))(t); r.Changed || r.Version != 3 {
		t.Errorf("second remove: %+v, want no change", r)
	}
}

func TestTwoNodeIsSetOnlyOnATwoNodeConfig(t *testing.T) {
	c := newCluster(t, "a", "b")
	ctx := context.Background()
	h := c.hosts["a"]
	must(h.EnsurePackages(ctx, PackagesInput{Packages: []string{"cman"}}))(t)
	must(h.CreateClusterConf(ctx, ClusterInput{Cluster: "pair", TwoNode: true}))(t)
	must(h.WriteBootstrapConf(ctx, NodeInput{Cluster: "pair", TwoNode: true, Node: node("a", 1)}))(t)
	must(h.StartCman(ctx, ClusterInput{Cluster: "pair"}))(t)
	must(h.AddNode(ctx, NodeInput{Cluster: "pair", TwoNode: true, Node: node("b", 2)}))(t)
	// With two_node, one vote of two keeps the cluster quorate.
	if s := must(h.status(ctx))(t); !s.Quorate {
		t.Errorf("two_node cluster with one node up: %+v, want quorate", s)
	}
	c.join(t, "pair", "b")
	conf := must(ParseClusterConf(c.lab.ReadFile(t, "b.example.org", ClusterConfPath)))(t)
	if !conf.TwoNode || conf.ExpectedVotes != 1 {
		t.Errorf("two-node config: %+v", conf)
	}
}

func TestPermanentErrorsAreTyped(t *testing.T) {
	c := newCluster(t, "a")
	ctx := context.Background()
	h := c.hosts["a"]
	// yum 3.2 exits 0 for a package no repository carries.
	bare := hostWith(t, map[string]string{
		"rpm": `[ "$1" = -qa ] && exit 0; echo "package $2 is not installed"; exit 1`,
		"yum": `echo "No package gnbd available."; echo "Nothing to do"`,
	})
	if _, err := bare.EnsurePackages(ctx, PackagesInput{Packages: []string{"gnbd"}}); errType(err) != ErrPackageMissing {
		t.Errorf("a package no repository carries: %v, want %s", err, ErrPackageMissing)
	}
	for _, p := range []string{"-rf", "cman;reboot", "../x", ""} {
		if _, err := h.EnsurePackages(ctx, PackagesInput{Packages: []string{p}}); errType(err) != ErrBadInput {
			t.Errorf("package %q: %v, want %s", p, err, ErrBadInput)
		}
	}
	for _, name := range []string{"a-name-of-16-chr", "x;y", "-x", ""} {
		if _, err := h.CreateClusterConf(ctx, ClusterInput{Cluster: name}); errType(err) != ErrBadInput {
			t.Errorf("cluster %q: %v, want %s", name, err, ErrBadInput)
		}
	}
	c.bootstrap(t, "one", "a")
	if _, err := h.CreateClusterConf(ctx, ClusterInput{Cluster: "other"}); errType(err) != ErrClusterMismatch {
		t.Errorf("another cluster: %v, want %s", err, ErrClusterMismatch)
	}
	if _, err := h.AddNode(ctx, NodeInput{Cluster: "one", Node: ConfNode{Name: "b.example.org;reboot", NodeID: 2, Votes: 1}}); errType(err) != ErrBadInput {
		t.Errorf("hostile node name: %v, want %s", err, ErrBadInput)
	}
	if _, err := h.AddNode(ctx, NodeInput{Cluster: "one", Node: node("b", 1)}); errType(err) != ErrClusterMismatch {
		t.Errorf("taken nodeid: %v, want %s", err, ErrClusterMismatch)
	}
}

// TestNotMemberIsPermanentAndNotRunningIsNotReady pins the two meanings:
// a host that runs another cluster, or none in its files, is asked the
// wrong question (permanent); a host whose cman is stopped is still
// settling (retryable NotReady).
func TestNotMemberIsPermanentAndNotRunningIsNotReady(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "a", "b")
	ctx := context.Background()
	a, b := c.hosts["a"], c.hosts["b"]
	c.bootstrap(t, "one", "a")
	for what, err := range map[string]error{
		"Membership of another cluster":               errOf(a.Membership(ctx, MembershipInput{Cluster: "two"})),
		"AddNode through a member of another cluster": errOf(a.AddNode(ctx, NodeInput{Cluster: "two", Node: node("b", 2)})),
		"AddNode through a host without cluster.conf": errOf(b.AddNode(ctx, NodeInput{Cluster: "one", Node: node("b", 2)})),
	} {
		if errType(err) != ErrNotMember || !isPermanent(err) {
			t.Errorf("%s: %v, want a permanent %s", what, err, ErrNotMember)
		}
	}
	must(a.StopCman(ctx, ClusterInput{Cluster: "one"}))(t)
	for what, err := range map[string]error{
		"Membership with cman stopped": errOf(a.Membership(ctx, MembershipInput{Cluster: "one"})),
		"AddNode with cman stopped":    errOf(a.AddNode(ctx, NodeInput{Cluster: "one", Node: node("b", 2)})),
	} {
		if errType(err) != ErrNotReady || isPermanent(err) {
			t.Errorf("%s: %v, want a retryable %s", what, err, ErrNotReady)
		}
	}
}

func TestProbeReportsAndChangesNothing(t *testing.T) {
	c := newCluster(t, "a")
	ctx := context.Background()
	p := must(c.hosts["a"].Probe(ctx, ProbeInput{Packages: []string{"cman"}}))(t)
	if len(p.Installed) > 0 || p.ClusterConf.Exists || p.CmanRunning || p.Conf != nil {
		t.Errorf("fresh host: %+v", p)
	}
	c.bootstrap(t, "one", "a")
	p = must(c.hosts["a"].Probe(ctx, ProbeInput{Packages: []string{"cman"}}))(t)
	if !slices.Equal(p.Installed, []string{"cman"}) || !p.ClusterConf.Exists || !p.CmanRunning || p.Conf == nil || p.Conf.Version != 1 {
		t.Errorf("bootstrapped host: %+v", p)
	}
}

// A config_version at the top of int cannot be raised: AddNode refuses it
// as a permanent BadClusterConf before writing anything, instead of
// writing a version wrapped negative, which cman and the agent itself then
// refuse.
func TestAddNodeRefusesAVersionThatWouldOverflow(t *testing.T) {
	t.Parallel()
	c := newCluster(t, "storage0a", "storage0b")
	a := c.hosts["storage0a"]
	ctx := context.Background()
	must(a.EnsurePackages(ctx, PackagesInput{Packages: []string{"cman"}}))(t)
	must(a.CreateClusterConf(ctx, ClusterInput{Cluster: "storage0"}))(t)
	top := strconv.Itoa(math.MaxInt)
	created := c.lab.ReadFile(t, fqdn("storage0a"), ClusterConfPath)
	c.lab.WriteFile(t, fqdn("storage0a"), ClusterConfPath,
		regexp.MustCompile(`config_version="[0-9]+"`).ReplaceAllString(created, `config_version="`+top+`"`))
	must(a.WriteBootstrapConf(ctx, NodeInput{Cluster: "storage0", Node: node("storage0a", 1)}))(t)
	must(a.StartCman(ctx, ClusterInput{Cluster: "storage0"}))(t)
	before := c.lab.ReadFile(t, fqdn("storage0a"), ClusterConfPath)
	if !strings.Contains(before, top) {
		t.Fatalf("cluster.conf does not have version %s, the test proves nothing:\n%s", top, before)
	}

	_, err := a.AddNode(ctx, NodeInput{Cluster: "storage0", Node: node("storage0b", 2)})
	if errType(err) != ErrBadConfig || !isPermanent(err) || !strings.Contains(err.Error(), top) {
		t.Errorf("AddNode at config_version %s: %v, want a permanent %s naming the version", top, err, ErrBadConfig)
	}
	if after := c.lab.ReadFile(t, fqdn("storage0a"), ClusterConfPath); after != before {
		t.Errorf("cluster.conf changed by the refused AddNode:\n%s", after)
	}
	if _, _, ok, err := a.readConf(); !ok || err != nil {
		t.Errorf("the agent reads its own cluster.conf: ok %v, %v", ok, err)
	}
}
