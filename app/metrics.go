package app

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/execassist/execassist/store"
)

// metrics are what an admin graphs and alerts on: calls by decision and outcome, time
// to answer, live sessions, ARI connectivity. Written in Prometheus' text format by
// hand (no client library is on our package list).
type metrics struct {
	mu         sync.Mutex
	calls      map[[3]string]uint64 // kind, decision, outcome
	answer     [9]uint64            // one per bucket, then +Inf
	answerSum  float64
	answerN    uint64
	connected  atomic.Bool
	reconnects atomic.Uint64
}

// answerBuckets are the time-to-answer histogram bounds in seconds (one ring = 6 s).
var answerBuckets = [8]float64{1, 2, 4, 6, 12, 18, 30, 60}

func (m *metrics) record(e store.JournalEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.calls == nil {
		m.calls = map[[3]string]uint64{}
	}
	m.calls[[3]string{e.Kind, e.Decision, e.Outcome}]++
	if e.AnsweredBy != "" && e.Kind == "call" {
		secs := e.AnswerAfter.Seconds()
		i := sort.SearchFloat64s(answerBuckets[:], secs)
		m.answer[i]++
		m.answerSum += secs
		m.answerN++
	}
}

// WriteMetrics writes the Prometheus text exposition.
func (a *App) WriteMetrics(w io.Writer) {
	m := &a.metrics
	m.mu.Lock()
	keys := make([][3]string, 0, len(m.calls))
	for k := range m.calls {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return strings.Join(keys[i][:], "|") < strings.Join(keys[j][:], "|") })
	fmt.Fprintln(w, "# HELP execassist_calls_total Calls and feature codes handled, by kind, decision and outcome.")
	fmt.Fprintln(w, "# TYPE execassist_calls_total counter")
	for _, k := range keys {
		fmt.Fprintf(w, "execassist_calls_total{kind=%q,decision=%q,outcome=%q} %d\n", k[0], k[1], k[2], m.calls[k])
	}
	fmt.Fprintln(w, "# HELP execassist_answer_seconds Time from a filtered call's arrival to its answer.")
	fmt.Fprintln(w, "# TYPE execassist_answer_seconds histogram")
	var cum uint64
	for i, b := range answerBuckets {
		cum += m.answer[i]
		fmt.Fprintf(w, "execassist_answer_seconds_bucket{le=\"%g\"} %d\n", b, cum)
	}
	cum += m.answer[len(answerBuckets)]
	fmt.Fprintf(w, "execassist_answer_seconds_bucket{le=\"+Inf\"} %d\n", cum)
	fmt.Fprintf(w, "execassist_answer_seconds_sum %g\nexecassist_answer_seconds_count %d\n", m.answerSum, m.answerN)
	m.mu.Unlock()
	fmt.Fprintln(w, "# HELP execassist_active_sessions Calls and feature codes in progress.")
	fmt.Fprintln(w, "# TYPE execassist_active_sessions gauge")
	fmt.Fprintf(w, "execassist_active_sessions %d\n", a.ActiveSessions())
	fmt.Fprintln(w, "# HELP execassist_ari_connected 1 while the ARI events WebSocket is up.")
	fmt.Fprintln(w, "# TYPE execassist_ari_connected gauge")
	fmt.Fprintf(w, "execassist_ari_connected %d\n", boolInt(m.connected.Load()))
	fmt.Fprintln(w, "# HELP execassist_ari_reconnects_total Times the events WebSocket came back after a drop.")
	fmt.Fprintln(w, "# TYPE execassist_ari_reconnects_total counter")
	fmt.Fprintf(w, "execassist_ari_reconnects_total %d\n", m.reconnects.Load())
}

// Healthy reports whether execassist can take calls: connected to ARI. A load balancer
// or supervisor checks it; when it is false Asterisk's Stasis() fails and calls go the
// normal way.
func (a *App) Healthy() bool { return a.metrics.connected.Load() }
