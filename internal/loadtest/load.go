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
}

// Run drives t with cfg.Clients clients until cfg.Duration has passed.
// Calls in flight when the time is up are finished, not cancelled, so that
// every call's outcome is known.
func Run(ctx context.Context, t Target, cfg Config) *Report {
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

// String summarises the report on a few lines.
func (r *Report) String() string {
	return fmt.Sprintf("calls %d, reads %v, writes %v, target errors %v, p50 %v, p99 %v, heap MiB %v",
		r.Calls, r.ReadStatus, r.WriteStatus, r.TargetErrors, r.P50, r.P99, r.HeapMiB)
}
