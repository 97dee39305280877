package bench

import (
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkBuild is the whole StorageBuild of the shipped runbook on six
// fresh lab hosts (a new lab each time: lab init, lab up), the same run as
// the demo's, with the destructive steps let through by approvals.auto
// and the DRBD pairs' initial syncs at 200 times their rate, against the
// commands on its critical path (critical_test.go): the run's end waits
// on one chain of steps and children, and the commands of that chain's
// steps are what no engine can take away.
//
//   - build-s: the build, from its start to its end in its history;
//   - critical-commands-s: the host steps' time on the critical path;
//   - build/commands: their ratio (the goal: at most 2);
//   - engine-ms/hop: the rest of the path (workflow tasks, dispatch,
//     children starting and ending), per step and child on it;
//   - retries-s, timers-s: waits on the path that are neither.
func BenchmarkBuild(b *testing.B) {
	book := filepath.Join(repo, "runbooks", "scalable-storage.yaml")
	var paths []path
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		l := newLab(b, "build", book, 6, nil)
		l.run(b, "set", "--dir", l.dir, "drbd-speedup", "200")
		l.up(b)
		c := l.orchestrator(b)
		b.StartTimer()
		build(b, c, book)
		b.StopTimer()
		p := criticalPath(b, c, "build")
		b.Logf("build %d: %s", i+1, p)
		paths = append(paths, p)
		l.close()
		b.StartTimer()
	}
	var walls, commands, retries, timers []time.Duration
	var perHop []time.Duration
	for _, p := range paths {
		walls, commands, retries, timers = append(walls, p.wall), append(commands, p.commands), append(retries, p.retries), append(timers, p.timers)
		perHop = append(perHop, p.engine()/time.Duration(max(p.steps+p.children, 1)))
	}
	wall, cmds := median(walls), median(commands)
	b.ReportMetric(wall.Seconds(), "build-s")
	b.ReportMetric(cmds.Seconds(), "critical-commands-s")
	b.ReportMetric(float64(wall)/float64(max(cmds, 1)), "build/commands")
	b.ReportMetric(ms(median(perHop)), "engine-ms/hop")
	b.ReportMetric(median(retries).Seconds(), "retries-s")
	b.ReportMetric(median(timers).Seconds(), "timers-s")
}
