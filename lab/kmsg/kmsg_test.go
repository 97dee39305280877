package kmsg

import (
	"slices"
	"strings"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/state"
)

func TestAppendReadClear(t *testing.T) {
	lab := t.TempDir()
	if got, err := Read(lab, "a", 0); err != nil || got != "" {
		t.Fatalf("a fresh buffer: %q, %v", got, err)
	}
	err := state.With(lab, func() error {
		return Append(lab, Printf("a", Alert, "drbd%d: Split-Brain detected, dropping connection!", 0), Printf("b", Warning, "other host"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := Read(lab, "a", 0); got != "<1>drbd0: Split-Brain detected, dropping connection!\n" {
		t.Errorf("raw: %q", got)
	}
	if got, _ := Messages(lab, "a"); !slices.Equal(got, []string{"drbd0: Split-Brain detected, dropping connection!"}) {
		t.Errorf("messages: %q", got)
	}
	if got, _ := Read(lab, "a", 10); got != "nnection!\n" {
		t.Errorf("the newest 10 bytes: %q", got)
	}
	if got, err := ReadClear(lab, "a", 0); err != nil || !strings.HasPrefix(got, "<1>drbd0") {
		t.Errorf("read and clear: %q, %v", got, err)
	}
	if got, _ := Read(lab, "a", 0); got != "" {
		t.Errorf("after clear: %q", got)
	}
	if got, _ := Read(lab, "b", 0); got != "<4>other host\n" {
		t.Errorf("the other host's buffer: %q", got)
	}
}

func TestRingKeepsTheNewest(t *testing.T) {
	lab := t.TempDir()
	line := strings.Repeat("x", 10000)
	err := state.With(lab, func() error {
		for i := 0; i < 20; i++ {
			if err := Append(lab, Printf("a", Info, "%s", line)); err != nil {
				return err
			}
		}
		return Append(lab, Printf("a", Info, "last"))
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := Read(lab, "a", 0)
	if len(got) != BufSize || !strings.HasSuffix(got, "<6>last\n") {
		t.Errorf("buffer of %d bytes ending %q", len(got), got[len(got)-20:])
	}
}

func TestStrip(t *testing.T) {
	// dmesg drops a leading "<" even without a level after it.
	for in, want := range map[string]string{"<1>x": "x", "<12>": "", "x<1>": "x<1>", "<a>b": "a>b", "<3": ""} {
		if got := Strip(in); got != want {
			t.Errorf("Strip(%q) = %q, want %q", in, got, want)
		}
	}
}
