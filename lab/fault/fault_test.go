package fault

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tetsuzuki/tetsuzuki/lab/host"
)

func newLab(t *testing.T, fqdns ...string) string {
	t.Helper()
	lab := t.TempDir()
	for _, f := range fqdns {
		if err := os.MkdirAll(host.Root(lab, f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := host.Mark(lab, f); err != nil {
			t.Fatal(err)
		}
	}
	return lab
}

func TestMatches(t *testing.T) {
	const h = "storage0a.example.org"
	for _, tc := range []struct {
		fault Fault
		tool  string
		args  []string
		want  bool
	}{
		{Fault{Command: "yum"}, "yum", []string{"-y", "install", "cman"}, true},
		{Fault{Command: "yum install"}, "yum", []string{"-y", "install", "cman"}, true},
		{Fault{Command: "yum install cman"}, "yum", []string{"-y", "install", "gnbd"}, false},
		{Fault{Command: "yum remove"}, "yum", []string{"-y", "install", "cman"}, false},
		{Fault{Command: "ccs_tool update"}, "ccs_tool", []string{"update", "/etc/cluster/cluster.conf"}, true},
		{Fault{Command: "ccs_tool update"}, "ccs_tool", []string{"create", "storage0"}, false},
		{Fault{Command: "ccs_tool update"}, "cman_tool", []string{"update"}, false},
		{Fault{Command: "cman start"}, "cman", []string{"start"}, true},
		{Fault{Command: "/etc/init.d/cman start"}, "cman", []string{"start"}, true},
		{Fault{Command: "cman start"}, "cman", []string{"status"}, false},
		{Fault{Command: "cman start"}, "cman", nil, false},
		{Fault{Host: h, Command: "rpm"}, "rpm", []string{"-q", "cman"}, true},
		{Fault{Command: "rpm -q"}, "rpm", []string{"-q", "cman"}, true},
		{Fault{Command: "rpm -q cman"}, "rpm", []string{"-q", "gnbd"}, false},
		{Fault{Command: "rpm -qa"}, "rpm", []string{"-q", "cman"}, false},
		{Fault{Command: "cman_tool status"}, "cman_tool", []string{"-t", "5", "status"}, false},
		{Fault{Host: "other.example.org", Command: "rpm"}, "rpm", []string{"-q", "cman"}, false},
	} {
		if got := tc.fault.Matches(h, tc.tool, tc.args); got != tc.want {
			t.Errorf("%+v against %s %v: got %v", tc.fault, tc.tool, tc.args, got)
		}
	}
}

func TestTakeCountsDown(t *testing.T) {
	lab := newLab(t, "storage0a.example.org", "storage0b.example.org")
	if err := Add(lab, Fault{Host: "storage0a", Command: "ccs_tool update", Mode: Fail, Times: 2, Exit: 3}); err != nil {
		t.Fatal(err)
	}
	if err := Add(lab, Fault{Command: "ccs_tool", Mode: Slow, Delay: time.Second}); err != nil {
		t.Fatal(err)
	}
	args := []string{"update", "/etc/cluster/cluster.conf"}
	for i := 0; i < 2; i++ {
		f, err := Take(lab, "storage0a.example.org", "ccs_tool", args)
		if err != nil || f == nil || f.Mode != Fail || f.Status() != 3 {
			t.Fatalf("take %d: %+v, %v", i, f, err)
		}
	}
	// The failure is used up; the slow fault for every host remains.
	for _, h := range []string{"storage0a.example.org", "storage0b.example.org"} {
		f, err := Take(lab, h, "ccs_tool", args)
		if err != nil || f == nil || f.Mode != Slow || f.Delay != time.Second {
			t.Errorf("%s: %+v, %v", h, f, err)
		}
	}
	if f, _ := Take(lab, "storage0b.example.org", "yum", nil); f != nil {
		t.Errorf("yum took %+v", f)
	}
	faults, _ := List(lab)
	if len(faults) != 1 || faults[0].Times != 0 {
		t.Errorf("left: %+v", faults)
	}
}

func TestAddRefuses(t *testing.T) {
	lab := newLab(t, "storage0a.example.org")
	for _, f := range []Fault{
		{Command: "", Mode: Fail},
		{Command: "yum", Mode: "explode"},
		{Command: "yum", Mode: Slow},
		{Command: "yum", Mode: Fail, Times: -1},
		{Command: "yum", Mode: Fail, Exit: 256},
		{Host: "nosuchhost", Command: "yum", Mode: Fail},
	} {
		if err := Add(lab, f); err == nil {
			t.Errorf("added %+v", f)
		}
	}
}

func TestClearAndFlags(t *testing.T) {
	lab := newLab(t, "storage0a.example.org", "storage0b.example.org")
	for _, f := range []Fault{
		{Host: "storage0a.example.org", Command: "ccs_tool update", Mode: Fail, Times: 2},
		{Host: "storage0b", Command: "yum", Mode: Hang, Times: 1},
		{Command: "cman start", Mode: Slow, Delay: 1500 * time.Millisecond, Times: 3},
		{Command: "rpm", Mode: Fail, Exit: 4, Message: "rpmdb: lock held"},
	} {
		if err := Add(lab, f); err != nil {
			t.Fatal(err)
		}
	}
	faults, _ := List(lab)
	var lines []string
	for _, f := range faults {
		lines = append(lines, f.Flags())
	}
	want := `--host storage0a.example.org --command "ccs_tool update" --fail 2
--host storage0b.example.org --command "yum" --hang 1
--command "cman start" --slow 1.5s --times 3
--command "rpm" --fail-always --exit 4 --message "rpmdb: lock held"`
	if got := strings.Join(lines, "\n"); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if err := Clear(lab, "storage0a"); err != nil {
		t.Fatal(err)
	}
	if faults, _ = List(lab); len(faults) != 3 {
		t.Errorf("after clearing one host: %+v", faults)
	}
	if err := Clear(lab, ""); err != nil {
		t.Fatal(err)
	}
	if faults, _ = List(lab); len(faults) != 0 {
		t.Errorf("after clearing all: %+v", faults)
	}
}
