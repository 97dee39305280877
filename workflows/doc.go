// Package workflows holds the procedures of the storage build as Temporal
// workflows: one file per procedure, deterministic code only.
//
// A workflow decides what runs where and in which order; every step that
// touches a host is an activity on that host's task queue (see package
// activities). Each procedure first probes the hosts it will change, and
// from that probe knows exactly what to undo if a later step fails: the
// undo of a step is idempotent and safe to run whether the step finished,
// half-finished or never started.
package workflows
