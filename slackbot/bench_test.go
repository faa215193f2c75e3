package slackbot

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/seed-afc46a91/authingops/authing/authingtest"
)

// BenchmarkAckLatency measures how long Slack waits for the acknowledgement
// of `/authing list_users` over HTTP (signature check, parse, dispatch to
// the gate, the "working…" answer) while Authing takes 10 s to answer. It
// reports the p50 and p99 in milliseconds; the target is p99 ≤ 50 ms. With
// the default AckWait (25 ms) the acknowledgement waits that long for a
// fast result before answering "working…"; with 1 ms it shows the floor.
//
//	go test ./slackbot -run '^$' -bench AckLatency -benchtime 400x
func BenchmarkAckLatency(b *testing.B) {
	for _, wait := range []time.Duration{DefaultAckWait, time.Millisecond} {
		b.Run("ackwait="+wait.String(), func(b *testing.B) { benchAck(b, wait) })
	}
}

func benchAck(b *testing.B, ackWait time.Duration) {
	e := newEnv(b, envOptions{ackWait: ackWait})
	if _, err := e.sandbox.Faults().Add(authingtest.Fault{Kind: authingtest.FaultLatency, Operation: "list_users", LatencyMS: 10_000}); err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body := e.commandForm("U3", "list_users", "bench")
		start := time.Now()
		status, _ := e.signedPost(PathCommands, body)
		lat = append(lat, time.Since(start))
		if status != http.StatusOK {
			b.Fatalf("HTTP %d", status)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
}
