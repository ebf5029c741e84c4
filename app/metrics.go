package app

import (
	"net/http"
	"sync/atomic"
	"time"

	"github.com/execassist/execassist/internal/buildinfo"
	"github.com/execassist/execassist/store"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are what an admin graphs and alerts on: calls by decision and outcome, time
// to answer, live sessions, ARI connectivity. Each App has its own registry, so tests
// (and a future multi-tenant serve) never share counters.
type metrics struct {
	registry   *prometheus.Registry
	calls      *prometheus.CounterVec
	steps      *prometheus.CounterVec
	answer     prometheus.Histogram
	reconnects prometheus.Counter
	connected  atomic.Bool
	// journalPending counts journal entries the store has not taken yet.
	journalPending atomic.Int64
}

// answerBuckets are the time-to-answer histogram bounds in seconds (one ring = 6 s).
var answerBuckets = []float64{1, 2, 4, 6, 12, 18, 30, 60}

func newMetrics(bi buildinfo.Info, active func() int, health func() store.Health, setup *setupGate) *metrics {
	m := &metrics{registry: prometheus.NewRegistry()}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "execassist_build_info",
		Help:        "Always 1; the labels say which execassist runs.",
		ConstLabels: prometheus.Labels{"version": bi.Version, "commit": bi.Commit, "built": bi.Date, "goversion": bi.GoVersion},
	})
	build.Set(1)
	m.registry.MustRegister(build)
	m.calls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "execassist_calls_total",
		Help: "Calls and feature codes handled, one per call when it ends: by kind, decision, outcome and, for an answered call, what ended it (each a closed set of classes; other for anything else).",
	}, []string{"kind", "decision", "outcome", "ended"})
	m.steps = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "execassist_call_steps_total",
		Help: "What happened to answered calls (pushes, recalls, retrieves, bridges, transfers), by class.",
	}, []string{"step"})
	m.answer = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "execassist_answer_seconds",
		Help:    "Time from a filtered call's arrival to its answer.",
		Buckets: answerBuckets,
	})
	m.reconnects = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "execassist_ari_reconnects_total",
		Help: "Times the events WebSocket came back after a drop.",
	})
	m.registry.MustRegister(m.calls, m.steps, m.answer, m.reconnects,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "execassist_active_sessions",
			Help: "Calls and feature codes in progress.",
		}, func() float64 { return float64(active()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "execassist_ari_connected",
			Help: "1 while the ARI events WebSocket is up.",
		}, func() float64 { return float64(boolInt(m.connected.Load())) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "execassist_store_connected",
			Help: "1 while the store answers (always with bbolt; with etcd, while the cluster does).",
		}, func() float64 { return float64(boolInt(health().Connected)) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "execassist_store_damaged",
			Help: "1 when the bbolt file became unreadable while serve ran: writes are refused, calls use the last settings; run execassist store check.",
		}, func() float64 { return float64(boolInt(health().Damaged != "")) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "execassist_store_stale_seconds",
			Help: "How long the settings calls are decided with may have missed changes (etcd unreachable); 0 while connected.",
		}, func() float64 { return health().Staleness(time.Now()).Seconds() }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "execassist_overload_continued_total",
			Help: "Filtered calls continued in the dialplan because they could not be set up in time (or too many were being set up).",
		}, func() float64 { return float64(setup.continued.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "execassist_calls_setting_up",
			Help: "Filtered calls being set up now (decided, legs being created); bounded by the setup limit.",
		}, func() float64 { return float64(setup.inFlight.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "execassist_journal_pending",
			Help: "Journal entries kept in memory until the store takes them.",
		}, func() float64 { return float64(m.journalPending.Load()) }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

func (m *metrics) record(e store.JournalEntry) {
	m.calls.WithLabelValues(labelClass(e.Kind, kindClasses), labelClass(e.Decision, decisionClasses),
		labelClass(e.Outcome, outcomeClasses), labelClass(e.EndCause, endClasses)).Inc()
	for _, st := range e.Steps {
		if class := labelClass(st.What, stepClasses); class != "other" {
			m.steps.WithLabelValues(class).Inc()
		}
	}
	if e.AnsweredBy != "" && e.Kind == "call" {
		m.answer.Observe(e.AnswerAfter.Seconds())
	}
}

// MetricsHandler serves the Prometheus exposition of this App's registry (text or
// protobuf, as the scraper asks).
func (a *App) MetricsHandler() http.Handler {
	return promhttp.HandlerFor(a.metrics.registry, promhttp.HandlerOpts{})
}

// Healthy reports whether execassist can take calls: connected to ARI. A load balancer
// or supervisor checks it; when it is false Asterisk's Stasis() fails and calls go the
// normal way.
func (a *App) Healthy() bool { return a.metrics.connected.Load() }
