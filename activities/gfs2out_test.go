package activities

import (
	"reflect"
	"testing"
)

func TestParseMounts(t *testing.T) {
	got := ParseMounts("/dev/xvda1 on / type ext3 (rw)\n/dev/mapper/VG0-LV0 on /mnt type gfs2 (rw,hostdata=jid=0:id=65537:first=1)\n")
	if len(got) != 2 || got[1] != (Mount{Device: "/dev/mapper/VG0-LV0", Dir: "/mnt", Type: "gfs2", Options: "rw,hostdata=jid=0:id=65537:first=1"}) {
		t.Errorf("%+v", got)
	}
}

func TestParseJournals(t *testing.T) {
	// What gfs2_tool journals prints (gfs2-utils tool/misc.c,
	// print_journals): the jindex in readdir's order, then the count.
	four := "journal2 - 128MB\njournal3 - 128MB\njournal1 - 128MB\njournal0 - 128MB\n4 journal(s) found.\n"
	got, err := ParseJournals(four)
	want := []Journal{{"journal2", 128}, {"journal3", 128}, {"journal1", 128}, {"journal0", 128}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("four journals: %+v, %v", got, err)
	}
	if got, err := ParseJournals("journal1 - 64MB\njournal0 - 128MB\n2 journal(s) found.\n"); err != nil || !reflect.DeepEqual(got, []Journal{{"journal1", 64}, {"journal0", 128}}) {
		t.Errorf("journals of two sizes: %+v, %v", got, err)
	}
	if got, err := ParseJournals("0 journal(s) found.\n"); err != nil || len(got) != 0 {
		t.Errorf("none: %+v, %v", got, err)
	}
	for _, bad := range []string{
		"",
		"journal2 - 128MB\njournal3 - 128MB\n", // cut before the count
		"journal2 - 128MB\n4 journal(s) found.\n", // lines lost
		"/sbin/gfs2_tool: gfs2 Filesystem /mnt is not mounted.\n",
	} {
		if got, err := ParseJournals(bad); err == nil {
			t.Errorf("ParseJournals(%q) = %+v, want an error", bad, got)
		}
	}
}
