// Package sign makes every host activity carry proof that the orchestrator
// sent it, so that a client of the namespace, a stolen namespace
// credential or a rogue worker cannot reach a host's agent on its own.
//
// Temporal lets any client of a namespace schedule any activity on any
// task queue, and on Temporal Cloud no custom server authorizer can be
// installed. So the proof travels with the task itself, in its header:
//
//   - The orchestrator holds an Ed25519 private key (Signer). Its worker
//     interceptor (Signer.Interceptor) writes, into the header of every
//     activity a workflow schedules, a Claim signed with that key: the task
//     queue (that is, the host), the activity type, a digest of the input,
//     the workflow and run IDs, and an expiry. Local activities (the
//     runbook loader, on the orchestrator itself) are not signed.
//   - The agent holds the orchestrator's public keys (Trust). Its worker
//     interceptor (Trust.Interceptor) checks, before the activity runs,
//     that the header holds a claim signed by a trusted key and that the
//     claim names this very task: the queue the agent polls, the activity
//     type, the workflow and run, the input the activity is about to act
//     on, and a time not past the expiry. Anything else is refused with a
//     non-retryable ApplicationError of type activities.ErrUnauthorized
//     that names what failed, and nothing runs.
//
// The procedures' code knows nothing of this: both halves are interceptors.
//
// # Determinism
//
// The signing runs in workflow code, again on every replay, so it uses
// only deterministic inputs: the activity options and workflow info of the
// context, workflow.Now for the expiry, the JSON encoding of the
// arguments, and Ed25519, whose signatures are deterministic. The SDK does
// not compare headers on replay, so histories recorded before signing
// existed replay unchanged.
//
// # The input digest, and its limit
//
// The agent's interceptor sees the arguments already decoded into the
// activity's Go types, not the payloads that travelled. Both sides
// therefore digest the same thing: the arguments as the SDK's default
// (JSON) payload converter encodes them (Digest). The orchestrator encodes
// the values it schedules; the agent re-encodes the values it decoded. For
// inputs of the same Go types on both sides, which is how every step is
// declared, the two encodings are equal; undo steps carry their input as
// json.RawMessage made by json.Marshal of that type, which re-encodes
// identically as long as orchestrator and agent are one build. The digest
// thus binds what the activity acts on: a payload that differs from the
// signed one only in what the decoder ignores (spacing, unknown fields)
// decodes to the same values and is accepted, which changes nothing the
// activity does. The limit is the other way round: an orchestrator and an
// agent whose input types differ (a field added on one side only) encode
// differently and the task is refused as "wrong input", so orchestrator
// and agents are upgraded together.
//
// # Keys
//
// A private key file holds the hex of the 32-byte Ed25519 seed; a public
// key file holds the hex of 32-byte public keys, one per line. In both,
// blank lines and text after '#' are ignored. GenerateKeyFiles (behind
// `starter signkey --out FILE`) writes FILE (0600) and FILE.pub (0644) and
// never overwrites. A private key file readable by group or others is
// refused. Signing is off only where no key is given: an orchestrator
// without a key signs nothing, and an agent without trusted keys checks
// nothing; an agent given trusted keys refuses every unsigned task.
package sign
