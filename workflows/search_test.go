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

// make cluster's and docker-compose.yml's servers are told of every search
// attribute too: their setup scripts create each as NAME=TYPE.
func TestClustersCreateEverySearchAttribute(t *testing.T) {
	for _, script := range []string{"../scripts/cluster", "../deploy/docker/temporal-namespace"} {
		data, err := os.ReadFile(script)
		if err != nil {
			t.Fatal(err)
		}
		for _, sa := range SearchAttributes() {
			if want := sa.Name + "=" + sa.Type; !strings.Contains(string(data), want) {
				t.Errorf("%s does not create %s", script, want)
			}
		}
	}
}
