package plan

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffIsDiffU compares Diff with GNU diff -u on edits at the start,
// middle and end of a file, a new file and a file emptied.
func TestDiffIsDiffU(t *testing.T) {
	gnu, err := exec.LookPath("diff")
	if err != nil {
		t.Skip("no diff on this machine")
	}
	long := func(n int) string {
		var b strings.Builder
		for i := range n {
			b.WriteString("line " + string(rune('a'+i%26)) + strings.Repeat("x", i%3) + "\n")
		}
		return b.String()
	}
	base := long(40)
	for name, c := range map[string]struct{ a, b string }{
		"first line":   {base, "changed\n" + base[strings.Index(base, "\n")+1:]},
		"middle":       {base, strings.Replace(base, "line kx\n", "locking_type = 3\n", 1)},
		"two hunks":    {base, strings.Replace(strings.Replace(base, "line cxx\n", "", 1), "line hxx\n", "new\nnewer\n", 1)},
		"appended":     {base, base + "tail\n"},
		"new file":     {"", "a\nb\n"},
		"emptied":      {"a\nb\n", ""},
		"close hunks":  {base, strings.Replace(strings.Replace(base, "line c", "C", 1), "line i", "I", 1)},
		"replace last": {"a\nb\nc\n", "a\nb\nd\n"},
	} {
		dir := t.TempDir()
		pa, pb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		if err := os.WriteFile(pa, []byte(c.a), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(pb, []byte(c.b), 0o644); err != nil {
			t.Fatal(err)
		}
		out, _ := exec.Command(gnu, "-u", "--label", "a", "--label", "b", pa, pb).Output()
		if got := Diff("a", "b", c.a, c.b); got != string(out) {
			t.Errorf("%s: Diff\n%s\ndiff -u\n%s", name, got, out)
		}
	}
	if Diff("a", "b", "same\n", "same\n") != "" {
		t.Error("a diff of equal texts")
	}
}
