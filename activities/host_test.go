package activities

import (
	"encoding/json"
	"testing"
)

// TestChangeKeepsItsKey guards the recorded histories: every result that
// Change replaced was {"changed": ...} on the wire, and workflows decode
// old ones into Change.
func TestChangeKeepsItsKey(t *testing.T) {
	b, err := json.Marshal(Change{Changed: true})
	if err != nil || string(b) != `{"changed":true}` {
		t.Errorf("Change marshals to %s (%v), want {\"changed\":true}", b, err)
	}
	var c Change
	if err := json.Unmarshal([]byte(`{"changed":true}`), &c); err != nil || !c.Changed {
		t.Errorf("decoding {\"changed\":true}: %+v (%v)", c, err)
	}
}
