// Package findings says what is wrong with a built stack: typed findings,
// each with its host, layer, severity, evidence and repair, made from what
// the agents read on each host (activities.Inspect) and what the runbook
// says should be there. It is pure computation, so the Check workflow runs
// it in workflow code.
package findings
