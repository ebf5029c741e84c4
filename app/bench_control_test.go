package app_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/poll"
)

// BenchmarkPushAndRetrieve holds 500 answered executive calls (500 executives, each
// with its own assistant), then pushes half of them (#63) and has the executives
// retrieve the other half (*11), all at once, and reports operations/s and latency.
func BenchmarkPushAndRetrieve(b *testing.B) {
	const n = 500
	for i := 0; i < b.N; i++ {
		answer := aritest.Script{Mode: aritest.Answer, After: 10 * time.Millisecond}
		fake, callers, stop := answeredCalls(b, n, "", answer, answer)
		start := time.Now()
		facs := make([]string, n)
		facAt := make([]time.Time, n)
		for k := 0; k < n; k++ {
			if k%2 == 0 {
				facs[k] = fake.PlaceCall(aritest.Call{From: fmt.Sprintf("PJSIP/%d", 30000+k), Exten: "#63", Args: []string{"fac", "#63"}})
			} else {
				facs[k] = fake.PlaceCall(aritest.Call{From: fmt.Sprintf("PJSIP/%d", 20000+k), Exten: "*11", Args: []string{"fac", "*11"}})
			}
			facAt[k] = time.Now()
		}
		// A push is done when the executive's answered leg joins the caller's bridge; a
		// retrieve when the executive's FAC channel does.
		joinedAt := map[string]time.Time{}
		waitFor(b, "all operations", func() bool {
			for _, r := range fake.Requests() {
				if r.Method == "POST" && strings.HasSuffix(r.Path, "/addChannel") && r.At.After(start) {
					joinedAt[strings.TrimPrefix(r.Query, "channel=")] = r.At
				}
			}
			return len(joinedAt) >= n
		})
		elapsed := time.Since(start)
		var pushLat, retrLat []time.Duration
		for id, at := range joinedAt {
			for k := 0; k < n; k += 2 {
				if strings.HasPrefix(id, callers[k]+"-") && strings.Contains(id, "-c") {
					pushLat = append(pushLat, at.Sub(facAt[k]))
				}
			}
		}
		for k := 1; k < n; k += 2 {
			if at, ok := joinedAt[facs[k]]; ok {
				retrLat = append(retrLat, at.Sub(facAt[k]))
			}
		}
		report := func(name string, lat []time.Duration) {
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			if len(lat) == 0 {
				b.Fatalf("no %s measured", name)
			}
			p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
			b.Logf("%s: %d operations, latency p50 %s p99 %s", name, len(lat), p50.Round(time.Microsecond), p99.Round(time.Microsecond))
			b.ReportMetric(float64(p99.Microseconds()), name+"-p99-µs")
		}
		report("push", pushLat)
		report("retrieve", retrLat)
		b.Logf("%d pushes and retrieves on %d live executive calls: %.0f operations/s (%s wall; push includes the executive's phone answering after 10 ms)",
			n, n, float64(n)/elapsed.Seconds(), elapsed.Round(time.Millisecond))
		b.ReportMetric(float64(n)/elapsed.Seconds(), "ops/s")
		stop()
	}
}

func waitFor(tb testing.TB, what string, f func() bool) {
	tb.Helper()
	poll.Until(tb, 2*time.Minute, what, f)
}
