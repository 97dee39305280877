// Package e2e runs the product end to end: the real Temporal dev server,
// the orchestrator, host agents and the lab's emulated hosts, with the
// binaries built from this checkout. Tests here share one dev server and
// each works in its own namespace, with its own lab directory.
package e2e
