// Package state keeps what the emulated hosts share: one lock per lab and the
// files written under it.
//
// The lab's tools run as separate processes, started concurrently by many
// agents, so shared state lives in files under <lab>/state and every
// read-modify-write of it happens while holding an flock on
// <lab>/state/lock. Critical sections are short: no tool sleeps, prints to a
// pipe that may block, or waits on another process while holding the lock.
//
// A kind of state is in one file for the whole lab (Load, Change) or in one
// file per host (LoadHost, ChangeHost, host.go). The second is for what
// every host has its own of, and that many tool runs read: a file for the
// whole lab makes every run's cost grow with the number of hosts.
package state
