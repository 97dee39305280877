package workflows

import (
	"os"
	"strings"
	"testing"
)

// make demo's dev server knows every search attribute the runs set: one
// it does not know fails the run that sets it.
func TestDemoCreatesEverySearchAttribute(t *testing.T) {
	demo, err := os.ReadFile("../scripts/demo")
	if err != nil {
		t.Fatal(err)
	}
	for _, sa := range SearchAttributes() {
		if flag := "--search-attribute " + sa.Name + "=" + sa.Type; !strings.Contains(string(demo), flag) {
			t.Errorf("scripts/demo does not start the dev server with %s", flag)
		}
	}
}
