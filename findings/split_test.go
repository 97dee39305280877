package findings_test

import (
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/findings"
)

// inParts is Analyze as a check of many hosts runs it: Of on each part
// of the hosts apart, parts named by short names, then Across on their
// facts, and the findings sorted together.
func inParts(t *testing.T, hosts []findings.Host, parts [][]string, ignore []findings.Code) []findings.Finding {
	t.Helper()
	var all []findings.Finding
	var facts []findings.Facts
	seen := 0
	for _, p := range parts {
		var part []findings.Host
		for _, h := range hosts {
			if slices.Contains(p, short(h.Expect.Host)) {
				part = append(part, h)
			}
		}
		seen += len(part)
		fs, f := findings.Of(part, ignore)
		all = append(all, fs...)
		facts = append(facts, f)
	}
	if seen != len(hosts) {
		t.Fatalf("the parts %v hold %d of the %d hosts", parts, seen, len(hosts))
	}
	all = append(all, findings.Across(facts, ignore)...)
	findings.Sort(all)
	return all
}

// units are the fixture's hosts that a part must keep together: each
// cluster's members, and each DRBD pair (here the storage clusters).
var units = [][]string{{"client0", "client1"}, {"storage0a", "storage0b"}, {"storage1a", "storage1b"}}

// partitions are ways of putting the units into parts, in shuffled orders.
func partitions(seed int64) [][][]string {
	r := rand.New(rand.NewSource(seed))
	shuffled := slices.Clone(units)
	r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	out := [][][]string{{slices.Concat(units...)}} // one part: Analyze itself
	apart := [][]string{}
	for _, u := range shuffled {
		p := slices.Clone(u)
		r.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
		apart = append(apart, p)
	}
	out = append(out, apart)
	// Two parts, cut at a random unit.
	cut := 1 + r.Intn(len(shuffled)-1)
	out = append(out, [][]string{slices.Concat(shuffled[:cut]...), slices.Concat(shuffled[cut:]...)})
	return out
}

// Every drift of every layer, on the blog's stack, is found the same,
// in the same order, whether the hosts are analyzed at once or in parts
// that keep each cluster and each DRBD pair together, in any order.
func TestPartsFindWhatAnalyzeFinds(t *testing.T) {
	for _, c := range allDrifts() {
		t.Run(c.name, func(t *testing.T) {
			s := healthyStack(t)
			c.breaks(s)
			ignore := []findings.Code{findings.NoFencing}
			if c.fencing {
				ignore = nil
			}
			hosts := s.findingsHosts()
			want := findings.Analyze(hosts, ignore)
			for seed := int64(1); seed <= 5; seed++ {
				for _, parts := range partitions(seed) {
					if got := inParts(t, hosts, parts, ignore); !same(got, want) {
						t.Fatalf("in parts %v:\n%s\nat once:\n%s", parts, describe(got), describe(want))
					}
				}
			}
		})
	}
}

// A file system's journals are counted against its clients in every
// part, and found once, on the first client by name that lists them, even
// when its clients are in different parts (a part needs a cluster's
// members only for their cluster.conf versions).
func TestJournalsAreCountedAcrossParts(t *testing.T) {
	s := healthyStack(t)
	for _, c := range []string{"client0", "client1"} {
		s.on(c).prints("gfs2_tool journals /mnt", 0, oneJournal)
	}
	hosts := s.findingsHosts()
	ignore := []findings.Code{findings.NoFencing}
	want := findings.Analyze(hosts, ignore)
	if len(want) != 1 || want[0].Code != findings.GFS2FewJournals {
		t.Fatalf("at once:\n%s", describe(want))
	}
	for _, parts := range [][][]string{
		{{"client1", "storage0a", "storage0b"}, {"client0", "storage1a", "storage1b"}},
		{{"client1"}, {"storage0a", "storage0b", "storage1a", "storage1b"}, {"client0"}},
	} {
		if got := inParts(t, hosts, parts, ignore); !same(got, want) {
			t.Errorf("in parts %v:\n%s\nat once:\n%s", parts, describe(got), describe(want))
		}
	}
	// One client lists no journal: the other's are counted, against both.
	s.on("client0").prints("gfs2_tool journals /mnt", 1, "/sbin/gfs2_tool: can't open /tmp/.gfs2meta: Permission denied\n")
	hosts = s.findingsHosts()
	want = findings.Analyze(hosts, ignore)
	got := inParts(t, hosts, [][]string{{"client0"}, {"client1", "storage0a", "storage0b", "storage1a", "storage1b"}}, ignore)
	if len(want) != 1 || want[0].Host != fqdn("client1") || !same(got, want) {
		t.Errorf("in parts:\n%s\nat once:\n%s", describe(got), describe(want))
	}
}

// Counts add up every finding by code and severity, the worst first, and
// Worse picks the worse of two findings by severity, then by Analyze's
// order.
func TestCountsAndWorse(t *testing.T) {
	fs := findings.Analyze(broken(t), nil)
	counts := findings.Counts(fs)
	total := 0
	for i, c := range counts {
		total += c.Count
		if i > 0 && counts[i-1].Severity == findings.Warning && c.Severity == findings.Critical {
			t.Errorf("count %d (%s %s) after a warning", i, c.Severity, c.Code)
		}
	}
	if total != len(fs) {
		t.Errorf("counts add up to %d, want %d: %v", total, len(fs), counts)
	}
	half := findings.Counts(fs[:len(fs)/2])
	if got := findings.AddCounts(half, findings.Counts(fs[len(fs)/2:])...); !reflect.DeepEqual(got, counts) {
		t.Errorf("two halves' counts added: %v, want %v", got, counts)
	}
	if got := findings.WorstCounted(counts); got != findings.Worst(fs) {
		t.Errorf("worst counted %q, want %q", got, findings.Worst(fs))
	}
	byWorst := slices.Clone(fs)
	slices.SortStableFunc(byWorst, func(a, b findings.Finding) int {
		switch {
		case findings.Worse(a, b):
			return -1
		case findings.Worse(b, a):
			return 1
		}
		return 0
	})
	if byWorst[0].Severity != findings.Critical || byWorst[len(byWorst)-1].Severity == findings.Critical {
		t.Errorf("by Worse, first %s, last %s", byWorst[0].Severity, byWorst[len(byWorst)-1].Severity)
	}
	for i := 1; i < len(byWorst); i++ {
		if findings.Worse(byWorst[i], byWorst[i-1]) {
			t.Errorf("%s before %s", fmt.Sprint(byWorst[i-1].Code), byWorst[i].Code)
		}
	}
}

// same: the same findings in the same order; none is none, nil or not.
func same(a, b []findings.Finding) bool {
	return len(a) == 0 && len(b) == 0 || reflect.DeepEqual(a, b)
}
