package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/ari/aritest"
)

// BenchmarkAPIWhileCallsRing measures API reads (GET alert, GET calls) and writes (PUT
// screening) per second through the real HTTP server, first with no call, then while
// 500 filtered calls ring three assistants each (2000 channels), and reports the ratio.
func BenchmarkAPIWhileCallsRing(b *testing.B) {
	r := newRig(b)
	c := r.login("1001")
	measure := func() (reads, lists, writes float64) {
		const n = 300
		start := time.Now()
		for i := 0; i < n; i++ {
			c.do("GET", "/v1/people/me/executive/alert", nil, nil)
		}
		reads = n / time.Since(start).Seconds()
		start = time.Now()
		for i := 0; i < n/3; i++ {
			c.do("GET", "/v1/calls", nil, nil)
		}
		lists = n / 3 / time.Since(start).Seconds()
		start = time.Now()
		for i := 0; i < n/3; i++ {
			body := fmt.Sprintf(`{"enabled":%v}`, i%2 == 0)
			req := httptest.NewRequest("PUT", "/v1/people/1001/executive/screening", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+c.token)
			w := httptest.NewRecorder()
			r.api.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Fatalf("write: %d %s", w.Code, w.Body)
			}
		}
		writes = n / 3 / time.Since(start).Seconds()
		return reads, lists, writes
	}
	for i := 0; i < b.N; i++ {
		idleR, idleL, idleW := measure()
		for j := 0; j < 500; j++ {
			r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
		}
		r.eventually("500 calls to ring", func() bool { calls, _ := r.app.LiveCalls(); return len(calls) == 500 })
		busyR, busyL, busyW := measure()
		b.ReportMetric(busyR, "reads/s")
		b.ReportMetric(busyW, "writes/s")
		b.ReportMetric(busyR/idleR, "reads-ratio")
		b.ReportMetric(busyW/idleW, "writes-ratio")
		b.ReportMetric(busyL, "call-lists/s")
		b.Logf("idle: %.0f setting reads/s, %.0f call lists/s (empty), %.0f writes/s; 500 calls ringing: %.0f reads/s (%.2fx), %.0f lists of 500 calls/s, %.0f writes/s (%.2fx)",
			idleR, idleL, idleW, busyR, busyR/idleR, busyL, busyW, busyW/idleW)
	}
}
