package tuning

import (
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// dynamicConfig is a Temporal server dynamic config file: each key's list
// of values and the constraints each holds under.
type dynamicConfig map[string][]struct {
	Value       any            `yaml:"value"`
	Constraints map[string]any `yaml:"constraints"`
}

func readDynamicConfig(t *testing.T, path string) dynamicConfig {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var dc dynamicConfig
	if err := yaml.Unmarshal(data, &dc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return dc
}

// docker-compose.yml's server processes run with the settings of
// temporal.conf and of make cluster's dynamic config, and with nothing
// else: the committed file is scripts/cluster's output, and a setting
// added to either source without writing it again fails here.
func TestComposeDynamicConfigIsTheClusters(t *testing.T) {
	const path = "../docker/dynamicconfig.yaml"
	got := readDynamicConfig(t, path)
	want := readDynamicConfig(t, "../../scripts/cluster-dynamicconfig.yaml")
	for _, kv := range Values() {
		key, value, _ := strings.Cut(kv, "=")
		if _, ok := want[key]; ok {
			t.Fatalf("%s is both in temporal.conf and in scripts/cluster-dynamicconfig.yaml", key)
		}
		vs, ok := got[key]
		switch {
		case !ok:
			t.Errorf("%s: no %s (temporal.conf has %s)", path, key, kv)
		case len(vs) != 1 || fmt.Sprint(vs[0].Value) != value || len(vs[0].Constraints) != 0:
			t.Errorf("%s: %s is %+v, want the one value %s for all", path, key, vs, value)
		}
		want[key] = got[key]
	}
	for _, key := range slices.Sorted(maps.Keys(want)) {
		if !reflect.DeepEqual(got[key], want[key]) {
			t.Errorf("%s: %s is %+v, want %+v", path, key, got[key], want[key])
		}
	}
	for _, key := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[key]; !ok {
			t.Errorf("%s: %s is in neither temporal.conf nor scripts/cluster-dynamicconfig.yaml", path, key)
		}
	}
	if t.Failed() {
		t.Log("write it again: scripts/cluster dynamicconfig >deploy/docker/dynamicconfig.yaml")
	}
}
