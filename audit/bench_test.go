package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// BenchmarkAppend measures durable appends per second with 1 and 8
// concurrent writers, for each backend (PostgreSQL is skipped without
// AUTHINGOPS_TEST_POSTGRES_DSN).
func BenchmarkAppend(b *testing.B) {
	for _, be := range backends() {
		for _, writers := range []int{1, 8} {
			b.Run(fmt.Sprintf("%s/writers=%d", be.name, writers), func(b *testing.B) {
				s := be.new(b).open(b)
				args := json.RawMessage(`{"userId":"6368c5f9b4a3c2d1e0f9a8b7","nickname":"Alice","password":"x"}`)
				var next atomic.Int64
				var wg sync.WaitGroup
				b.ResetTimer()
				for w := 0; w < writers; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for next.Add(1) <= int64(b.N) {
							r := rec("mcp:bench", "updateUser", PhaseRequested, string(args))
							if err := s.Append(context.Background(), r); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "appends/s")
			})
		}
	}
}

var benchData struct {
	once sync.Once
	dir  string
	err  error
}

// verifyBenchDB builds, once per test binary run, a SQLite store holding
// 100,000 chained records (appended in large transactions).
func verifyBenchDB(b *testing.B) string {
	benchData.once.Do(func() {
		dir, err := os.MkdirTemp("", "audit-bench-")
		if err != nil {
			benchData.err = err
			return
		}
		benchData.dir = dir
		st, err := Open(context.Background(), "sqlite:"+filepath.Join(dir, "verify.db"))
		if err != nil {
			benchData.err = err
			return
		}
		defer st.Close()
		s := st.(*sqlStore)
		const total, per = 100_000, 2_000
		for done := 0; done < total && benchData.err == nil; done += per {
			j := &job{}
			for i := 0; i < per; i++ {
				r, err := s.prepare(rec(fmt.Sprintf("slack:T1/U%d", i%17), "updateUser", PhaseSucceeded,
					fmt.Sprintf(`{"userId":"u%d","nickname":"user %d","blocked":false}`, done+i, done+i)))
				if err != nil {
					benchData.err = err
					return
				}
				j.recs = append(j.recs, r)
			}
			benchData.err = s.submit(context.Background(), j)
		}
	})
	if benchData.err != nil {
		b.Fatalf("build verify data: %v", benchData.err)
	}
	return filepath.Join(benchData.dir, "verify.db")
}

func cleanupBenchData() {
	if benchData.dir != "" {
		os.RemoveAll(benchData.dir)
	}
}

// BenchmarkVerify100k measures Verify over 100,000 SQLite records.
func BenchmarkVerify100k(b *testing.B) {
	path := verifyBenchDB(b)
	s, err := Open(context.Background(), "sqlite:"+path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ResetTimer()
	for b.Loop() {
		rep, err := s.Verify(context.Background())
		if err != nil || !rep.OK || rep.Records != 100_000 {
			b.Fatalf("Verify = %+v, %v", rep, err)
		}
	}
}
