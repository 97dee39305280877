// Package bench measures the product's procedures end to end on this
// machine, as `make bench` runs them: the real Temporal dev server, the
// orchestrator's real workflow worker with its signing interceptor, and
// the real agents (`lab up`, one process serving every host's task queue)
// running the real activities against lab hosts through the agent's exec
// path. Nothing is mocked; only the hosts are emulated.
//
//	make bench                                         # everything, codec and signing included
//	go test ./bench -run '^$' -bench Check/hosts=100   # one case, after make bench
//
// The benchmarks need the Temporal CLI, the lab binary and labtools in
// .bin/ (make bench builds them) and skip, saying which is missing,
// without them. The agents run the activities compiled into .bin/lab: after
// changing activities or the lab, make bench builds them again.
// What they measured on the project's two-core machine is in README.md,
// "Benchmarks".
package bench
