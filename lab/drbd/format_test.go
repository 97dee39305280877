package drbd

import (
	"strings"
	"testing"
)

// The lines of /proc/drbd PROCEDURES.md quotes from part #2b.
const (
	procSyncing = ` 0: cs:SyncSource st:Primary/Secondary ds:UpToDate/Inconsistent C r---
    ns:40340 nr:0 dw:0 dr:40340 al:0 bm:2 lo:0 pe:0 ua:0 ap:0 oos:1008132
	[>....................] sync'ed:  4.0% (1008036/1048472)K
	finish: 0:01:38 speed: 10,108 (10,108) K/sec
`
	procHeaderLines = "version: 8.2.6 (api:88/proto:86-88)\nGIT-hash: 3e69822d3bb4920a8c1bfdf7d647169eba7d2eb4 build by buildsvn@c5-i386-build, 2008-10-03 11:42:32\n"
)

func TestFormatStatusAsPart2b(t *testing.T) {
	st := Status{
		Minor: 0, CState: SyncSource, Role: Primary, PeerRole: Secondary, Disk: UpToDate, PeerDisk: Inconsistent, Protocol: "C",
		NS: 40340, DR: 40340, BM: 2, OOS: 1008132,
		Sync: &Progress{LeftKB: 1008036, TotalKB: 1048472, Finish: 98, Speed: 10108, Mean: 10108},
	}
	if got := FormatStatus(st); got != procSyncing {
		t.Errorf("syncing:\ngot\n%s\nwant\n%s", got, procSyncing)
	}
	st = Status{CState: Connected, Role: Secondary, PeerRole: Secondary, Disk: Inconsistent, PeerDisk: Inconsistent, Protocol: "C"}
	want := " 0: cs:Connected st:Secondary/Secondary ds:Inconsistent/Inconsistent C r---\n    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 oos:0\n"
	if got := FormatStatus(st); got != want {
		t.Errorf("connected:\ngot  %q\nwant %q", got, want)
	}
	if procHeader != procHeaderLines {
		t.Errorf("header %q", procHeader)
	}
}

func TestProgressBar(t *testing.T) {
	for _, tc := range []struct {
		left, total int64
		bar         string
	}{
		{1048472, 1048472, "[>....................] sync'ed:  0.4% "},
		{524236, 1048472, "[=========>..........] sync'ed: 50.4% "},
		{4096, 1048472, "[==================>.] sync'ed: 99.7% "},
	} {
		got := formatProgress(Progress{LeftKB: tc.left, TotalKB: tc.total, Speed: 1024000, Mean: 999})
		if !strings.HasPrefix(got, "\t"+tc.bar) {
			t.Errorf("left %d: got %q, want prefix %q", tc.left, got, tc.bar)
		}
		if !strings.HasSuffix(got, " speed: 1024,000 (999) K/sec\n") {
			t.Errorf("speeds: %q", got)
		}
	}
	// Beyond 4 GiB DRBD counts in MiB.
	if got := formatProgress(Progress{LeftKB: 8 << 20, TotalKB: 8 << 20, Speed: 10240, Mean: 10240, Finish: 3723}); !strings.Contains(got, "(8192/8192)M\n\tfinish: 1:02:03 ") {
		t.Errorf("large: %q", got)
	}
}

func TestUsableSectors(t *testing.T) {
	// /dev/xvdb1 of part #2a gives the 2096944 sectors GNBD exports.
	for n, want := range map[int64]int64{2097085: 2096944, 2097152: 2097016, 0: 0, 100: 16} {
		if got := UsableSectors(n); got != want {
			t.Errorf("UsableSectors(%d) = %d, want %d", n, got, want)
		}
	}
}
