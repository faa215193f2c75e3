package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
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

// verifyData is a store of 100,000 chained records per backend, built once
// per test binary run and removed by TestMain.
type verifyData struct {
	once    sync.Once
	dsn     string
	err     error
	cleanup func()
}

var benchData = map[string]*verifyData{"sqlite": {}, "postgres": {}}

const verifyRecords = 100_000

// verifyBenchDSN builds the data set for a backend (appending in large
// transactions) and returns its DSN.
func verifyBenchDSN(b *testing.B, backend string) string {
	d := benchData[backend]
	d.once.Do(func() {
		d.dsn, d.cleanup, d.err = benchTarget(backend)
		if d.err != nil {
			return
		}
		st, err := Open(context.Background(), d.dsn)
		if err != nil {
			d.err = err
			return
		}
		defer st.Close()
		s := st.(*sqlStore)
		const per = 2_000
		for done := 0; done < verifyRecords && d.err == nil; done += per {
			j := &job{}
			for i := 0; i < per; i++ {
				r, err := s.prepare(rec(fmt.Sprintf("slack:T1/U%d", i%17), "updateUser", PhaseSucceeded,
					fmt.Sprintf(`{"userId":"u%d","nickname":"user %d","blocked":false}`, done+i, done+i)))
				if err != nil {
					d.err = err
					return
				}
				j.recs = append(j.recs, r)
			}
			d.err = s.submit(context.Background(), j)
		}
	})
	if d.err != nil {
		b.Fatalf("build %s verify data: %v", backend, d.err)
	}
	return d.dsn
}

// benchTarget creates an empty database that outlives a single benchmark run.
func benchTarget(backend string) (dsn string, cleanup func(), err error) {
	if backend == "sqlite" {
		dir, err := os.MkdirTemp("", "audit-bench-")
		if err != nil {
			return "", nil, err
		}
		return "sqlite:" + filepath.Join(dir, "verify.db"), func() { os.RemoveAll(dir) }, nil
	}
	base := os.Getenv(pgDSNEnv)
	schemaName := fmt.Sprintf("audit_bench_%d", os.Getpid())
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schemaName); err != nil {
		return "", nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schemaName)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		if a, err := sql.Open("pgx", base); err == nil {
			_, _ = a.Exec("DROP SCHEMA " + schemaName + " CASCADE")
			a.Close()
		}
	}, nil
}

func cleanupBenchData() {
	for _, d := range benchData {
		if d.cleanup != nil {
			d.cleanup()
		}
	}
}

// BenchmarkVerify100k measures Verify over 100,000 records per backend
// (PostgreSQL is skipped without AUTHINGOPS_TEST_POSTGRES_DSN).
func BenchmarkVerify100k(b *testing.B) {
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			if backend == "postgres" && os.Getenv(pgDSNEnv) == "" {
				b.Skipf("set %s to benchmark PostgreSQL", pgDSNEnv)
			}
			s, err := Open(context.Background(), verifyBenchDSN(b, backend))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			for b.Loop() {
				rep, err := s.Verify(context.Background())
				if err != nil || !rep.OK || rep.Records != verifyRecords {
					b.Fatalf("Verify = %+v, %v", rep, err)
				}
			}
		})
	}
}
