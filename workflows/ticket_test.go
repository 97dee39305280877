package workflows

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestWithPlanningSetsOnlyThePlanningFields(t *testing.T) {
	in := json.RawMessage(`{"runbook": "scalable-storage", "host": "storage0a.example.org", "plan": true}`)
	got, err := WithPlanning(in, Planning{ApplyPlan: &Applying{ID: "p", States: []HostDigest{{Host: "h", State: "s"}}}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"apply_plan":{"id":"p","states":[{"host":"h","state":"s"}]},"host":"storage0a.example.org","runbook":"scalable-storage"}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	var hi HostInput
	if err := json.Unmarshal(got, &hi); err != nil || hi.problem != nil || hi.ApplyPlan == nil || hi.Plan {
		t.Errorf("the child's input does not decode as its own: %v %v %+v", err, hi.problem, hi)
	}
	for _, bad := range []string{`[]`, `null`, `"x"`, `{`} {
		if _, err := WithPlanning(json.RawMessage(bad), Planning{Plan: true}); err == nil {
			t.Errorf("WithPlanning(%s): no error", bad)
		}
	}
}

func TestTicketInputIsChecked(t *testing.T) {
	good := `{"ticket": {"system": "jira", "key": "OPS-1"}, "procedure": "check", "workflow": "Check", "input": {"runbook": "scalable-storage"}, "runbook": "scalable-storage", "started_by": "t", "request": "d"}`
	var in TicketInput
	if err := json.Unmarshal([]byte(good), &in); err != nil || in.problem != nil {
		t.Fatalf("good input: %v %v", err, in.problem)
	}
	for name, c := range map[string]struct{ from, to, field string }{
		"system":      {`"system": "jira"`, `"system": "Jira!"`, "ticket.system"},
		"key":         {`"key": "OPS-1"`, `"key": "../x"`, "ticket.key"},
		"workflow":    {`"workflow": "Check"`, `"workflow": "Ticket"`, "workflow"},
		"input":       {`"input": {"runbook": "scalable-storage"}`, `"input": []`, "input"},
		"request":     {`"request": "d"`, `"request": ""`, "request"},
		"unknown":     {`"request": "d"`, `"request": "d", "shell": "x"`, "shell"},
		"plan of one": {`"request": "d"`, `"request": "d", "plan_only": true`, "plan_only"},
	} {
		var in TicketInput
		body := strings.Replace(good, c.from, c.to, 1)
		if err := json.Unmarshal([]byte(body), &in); err != nil || in.problem == nil || !strings.Contains(in.problem.Error(), c.field) {
			t.Errorf("%s: problem %v, want one naming %s", name, in.problem, c.field)
		}
	}
}
