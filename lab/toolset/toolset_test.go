package toolset

import (
	"path"
	"testing"

	"github.com/tetsuzuki/tetsuzuki/lab/lvm"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
)

// TestToolsAreLinked keeps the tool table and the links in step: every
// link a host gets, from installation or from a package, is a tool of the
// table, and every tool of the table is linked somewhere.
func TestToolsAreLinked(t *testing.T) {
	tools := Table()
	links := append([]string(nil), packages.BaseLinks...)
	for _, p := range packages.Catalogue {
		links = append(links, p.Links...)
	}
	linked := map[string]bool{}
	for _, l := range links {
		name := path.Base(l)
		linked[name] = true
		if tools[name] == nil {
			t.Errorf("%s is linked to the tools' binary but is no tool of the table", l)
		}
	}
	for name := range tools {
		if !linked[name] {
			t.Errorf("tool %s is linked on no host", name)
		}
	}
	for _, name := range lvm.Names() {
		if tools[name] == nil {
			t.Errorf("LVM command %s is no tool of the table", name)
		}
	}
}
