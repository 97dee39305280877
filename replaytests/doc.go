// Package replaytests replays recorded histories of every workflow type
// against the current code, so that a change which would break a running
// workflow fails CI instead of a production run. Fixtures live in
// histories/<workflow type>/; ./record re-records them from real runs on a
// fresh dev server (a deliberate act after an intended, versioned change).
package replaytests
