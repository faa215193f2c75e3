// Package metrics holds authingops' Prometheus metrics and the decorators
// that feed them: around the policy decider, the audit store and the Authing
// invoker, so that no library package depends on Prometheus.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one registry of authingops metrics.
type Metrics struct {
	reg *prometheus.Registry

	calls         *prometheus.CounterVec
	decisions     *prometheus.CounterVec
	approvals     *prometheus.CounterVec
	authingTime   *prometheus.HistogramVec
	auditAppend   *prometheus.HistogramVec
	auditFailures prometheus.Counter
}

// New returns a registry with the Go and process collectors and the
// authingops metrics.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := &Metrics{
		reg: reg,
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "authingops_calls_total",
			Help: "Calls through the gate by operation, surface and outcome (succeeded, failed, denied, invalid, pending_approval, dry_run, duplicate, refused).",
		}, []string{"operation", "surface", "outcome"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "authingops_policy_decisions_total",
			Help: "Policy decisions by surface and effect (allow, deny, needs_approval).",
		}, []string{"surface", "effect"}),
		approvals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "authingops_approvals_total",
			Help: "Approval events by state reached (pending, approved, denied, expired, executed).",
		}, []string{"state"}),
		authingTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "authingops_authing_request_seconds",
			Help:    "Time Authing took to answer an operation (retries included), by operation and outcome.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"operation", "outcome"}),
		auditAppend: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "authingops_audit_append_seconds",
			Help:    "Time to append an audit record durably, by kind (append, approval).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}, []string{"kind"}),
		auditFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "authingops_audit_append_failures_total",
			Help: "Audit appends that failed (the change they guarded did not run).",
		}),
	}
	reg.MustRegister(m.calls, m.decisions, m.approvals, m.authingTime, m.auditAppend, m.auditFailures)
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Register adds a collector, e.g. a CounterFunc over the client's token
// requests.
func (m *Metrics) Register(c prometheus.Collector) error { return m.reg.Register(c) }

// TokenRequests exposes a counter read from fn (the client's token request
// count).
func (m *Metrics) TokenRequests(fn func() int64) {
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "authingops_authing_token_requests_total",
		Help: "Management-token requests sent to Authing (refreshes included).",
	}, func() float64 { return float64(fn()) }))
}

// Call counts one call through the gate.
func (m *Metrics) Call(operation, surface, outcome string) {
	m.calls.WithLabelValues(operation, surface, outcome).Inc()
}

func (m *Metrics) observeAuthing(operation, outcome string, d time.Duration) {
	m.authingTime.WithLabelValues(operation, outcome).Observe(d.Seconds())
}

func (m *Metrics) observeAppend(kind string, d time.Duration, err error) {
	m.auditAppend.WithLabelValues(kind).Observe(d.Seconds())
	if err != nil {
		m.auditFailures.Inc()
	}
}
