// Package replaytests is the replay gate: recorded histories of every
// workflow type, of every version ever recorded, replayed against the
// current code, so that a change which would break a running workflow
// fails CI instead of a production run.
//
// Version 1, everything recorded before versions existed, stays where it
// was recorded, histories/<workflow type>/<escaped workflow id>.json; each
// later version is a directory, histories/<version>/<workflow
// type>/<escaped workflow id>.json. Every fixture is
// listed, with their SHA-256, in histories/MANIFEST (see ManifestName).
// They are never deleted or rewritten: CheckFixtures reports a listed
// fixture that is missing or changed, and a file nobody listed. ./record
// records a new version beside the old ones from real runs on a fresh dev
// server and appends it to the manifest; README.md, "Changing a workflow
// safely", says when and how.
package replaytests
