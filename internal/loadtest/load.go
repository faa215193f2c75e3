// Package loadtest drives authingops with many concurrent clients for a
// bounded time against the sandbox, and checks afterwards that the audit log
// lost nothing and no write ran twice. The same harness runs the short form
// in `go test` and the long form from bench/run.
package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"
)

// Target runs one call for a load client. status is the gate's status word
// (succeeded, failed, denied, …); err is a failure of the target itself (a
// protocol error, the audit log refusing).
type Target interface {
	Call(ctx context.Context, client int, op string, args json.RawMessage) (status string, err error)
}

// Config shapes a run.
type Config struct {
	// Clients is the number of concurrent clients.
	Clients int
	// Duration bounds the run.
	Duration time.Duration
	// WriteEvery makes every Nth call of a client a write (create_user); 0
	// means reads only.
	WriteEvery int
	// Prefix makes usernames unique to the run.
	Prefix string
	// ReadUsers are usernames the reads look up.
	ReadUsers []string
}

// Report is what a run did.
type Report struct {
	Calls       int
	ReadStatus  map[string]int
	WriteStatus map[string]int
	// TargetErrors counts calls whose target failed, by message (first 100
	// distinct messages).
	TargetErrors map[string]int
	// Written lists the usernames of writes that succeeded.
	Written []string
	// P50 and P99 are call latencies.
	P50, P99 time.Duration
	// HeapMiB samples the in-use heap of this process each second.
	HeapMiB []float64
	// Elapsed is how long the run took, calls in flight at the end
	// included.
	Elapsed time.Duration
}

// Run drives t with cfg.Clients clients until cfg.Duration has passed.
// Calls in flight when the time is up are finished, not cancelled, so that
// every call's outcome is known.
func Run(ctx context.Context, t Target, cfg Config) *Report {
	began := time.Now()
	stop, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	rep := &Report{ReadStatus: map[string]int{}, WriteStatus: map[string]int{}, TargetErrors: map[string]int{}}
	var mu sync.Mutex
	var lat []time.Duration
	done := make(chan struct{})
	go sampleHeap(stop, rep, &mu, done)
	var wg sync.WaitGroup
	for c := range cfg.Clients {
		wg.Go(func() {
			for n := 0; stop.Err() == nil; n++ {
				op, args, user := nextCall(cfg, c, n)
				start := time.Now()
				status, err := t.Call(ctx, c, op, args)
				took := time.Since(start)
				mu.Lock()
				rep.Calls++
				lat = append(lat, took)
				switch {
				case err != nil:
					if len(rep.TargetErrors) < 100 || rep.TargetErrors[err.Error()] > 0 {
						rep.TargetErrors[err.Error()]++
					}
				case user != "":
					rep.WriteStatus[status]++
					if status == "succeeded" {
						rep.Written = append(rep.Written, user)
					}
				default:
					rep.ReadStatus[status]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	rep.Elapsed = time.Since(began)
	cancel()
	<-done
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		rep.P50, rep.P99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	return rep
}

// nextCall picks client c's nth call: a write every cfg.WriteEvery calls,
// else a read alternating between a page of users and one user.
func nextCall(cfg Config, c, n int) (op string, args json.RawMessage, user string) {
	if cfg.WriteEvery > 0 && n%cfg.WriteEvery == cfg.WriteEvery-1 {
		user = fmt.Sprintf("%s-c%d-n%d", cfg.Prefix, c, n)
		return "create_user", json.RawMessage(fmt.Sprintf(`{"username":%q,"name":"load test"}`, user)), user
	}
	if n%2 == 0 || len(cfg.ReadUsers) == 0 {
		return "list_users", json.RawMessage(`{"options":{"pagination":{"page":1,"limit":10}}}`), ""
	}
	u := cfg.ReadUsers[(c+n)%len(cfg.ReadUsers)]
	return "get_user", json.RawMessage(fmt.Sprintf(`{"userId":%q,"userIdType":"username"}`, u)), ""
}

func sampleHeap(ctx context.Context, rep *Report, mu *sync.Mutex, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			mu.Lock()
			rep.HeapMiB = append(rep.HeapMiB, float64(ms.HeapInuse)/(1<<20))
			mu.Unlock()
		}
	}
}

// CallsPerSecond is the throughput of the run.
func (r *Report) CallsPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Calls) / r.Elapsed.Seconds()
}

// Figures is one line of key=value pairs for scripts (bench/rows.d/load.sh
// reads it): the scenario, clients, calls/s, p99 and the first and last
// heap samples.
func (r *Report) Figures(scenario string, clients int) string {
	first, last := 0.0, 0.0
	if n := len(r.HeapMiB); n > 0 {
		first, last = r.HeapMiB[0], r.HeapMiB[n-1]
	}
	return fmt.Sprintf("LOADFIGURES scenario=%s clients=%d seconds=%.0f calls=%d calls_per_s=%.0f p99_ms=%.1f heap_start_mib=%.1f heap_end_mib=%.1f",
		scenario, clients, r.Elapsed.Seconds(), r.Calls, r.CallsPerSecond(), float64(r.P99.Microseconds())/1000, first, last)
}

// String summarises the report on a few lines.
func (r *Report) String() string {
	return fmt.Sprintf("calls %d, reads %v, writes %v, target errors %v, p50 %v, p99 %v, heap MiB %v",
		r.Calls, r.ReadStatus, r.WriteStatus, r.TargetErrors, r.P50, r.P99, r.HeapMiB)
}
