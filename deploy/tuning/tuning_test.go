package tuning

import (
	"strings"
	"testing"
)

func TestValuesAreKeyValuePairs(t *testing.T) {
	vs := Values()
	if len(vs) == 0 {
		t.Fatal("no settings")
	}
	for _, v := range vs {
		key, value, ok := strings.Cut(v, "=")
		if !ok || key == "" || value == "" || strings.ContainsAny(v, " \t") {
			t.Errorf("%q is not KEY=VALUE", v)
		}
	}
}
