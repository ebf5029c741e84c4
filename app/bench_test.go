package app_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/etcdtest"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

// The benchmarks drive calls through the real app (our ARI client, the dispatcher, one
// actor per call, the policy, the store) against the fake Asterisk over loopback, and in
// the same process a minimal Stasis app (answer the caller, dial one endpoint, bridge)
// as the baseline. Run: go test -run '^$' -bench . -benchtime 1x ./app/

// loadRig is a fake Asterisk with phones that answer after a short time and hang up.
type loadRig struct {
	cli    *ari.RESTClient
	fake   *aritest.Server
	cancel context.CancelFunc
	done   chan struct{}
	app    *app.App
}

// newLoadRig builds a rig for mode; the app uses st when given (imported here), else a
// new bbolt store.
func newLoadRig(tb testing.TB, mode string, ring aritest.Script, baseline bool, st ...*store.Store) *loadRig {
	return newLoadRigWith(tb, mode, ring, baseline, nil, st...)
}

// newLoadRigWith is newLoadRig with tune applied to the app's options.
func newLoadRigWith(tb testing.TB, mode string, ring aritest.Script, baseline bool, tune func(*app.Options), st ...*store.Store) *loadRig {
	tb.Helper()
	fake := aritest.New(aritest.Options{ChannelVars: []string{"EXECASSIST_ORIGIN", "EXECASSIST_DIALLED"}})
	for _, p := range []string{"1001", "1002", "1003", "1004"} {
		fake.AddPhone(aritest.Phone{Endpoint: "PJSIP/" + p, Name: "Phone " + p, Number: p, Script: ring})
	}
	fake.AddPhone(aritest.Phone{Endpoint: "PJSIP/trunk", Number: "+15557770000"})
	cli, err := ari.New(ari.Options{URL: fake.URL, Username: fake.Username, Password: fake.Password, Application: "execassist"})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &loadRig{cli: cli, fake: fake, cancel: cancel, done: make(chan struct{})}
	if baseline {
		go func() { runBaseline(ctx, cli); close(r.done) }()
	} else {
		y := baseYAML
		if mode == "single" { // one assistant: the same Asterisk work as the baseline
			mode = "simultaneous"
			y = strings.Replace(y, `assistants: ["1002", "1003", "1004"]`, `assistants: ["1002"]`, 1)
		}
		y = strings.Replace(y, "mode: simultaneous", "mode: "+mode, 1)
		y = strings.Replace(y, "rollover: {enabled: true, after: 30s", "rollover: {enabled: true, after: 600s", 1)
		cfg, src, err := config.Parse("bench.yaml", []byte(y))
		if err != nil || len(config.Validate(cfg, src)) > 0 {
			tb.Fatal(err)
		}
		if len(st) == 0 {
			db, err := store.Open(filepath.Join(tb.TempDir(), "x.db"), store.Options{})
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { db.Close() })
			st = append(st, db)
		}
		if err := st[0].Import(cfg, store.ImportOptions{}); err != nil {
			tb.Fatal(err)
		}
		o := app.Options{Client: cli, Store: st[0], Log: zerolog.Nop()}
		if tune != nil {
			tune(&o)
		}
		r.app = app.New(o)
		go func() { r.app.Run(ctx); close(r.done) }()
	}
	for fake.Connections() == 0 {
		time.Sleep(time.Millisecond)
	}
	return r
}

func (r *loadRig) close() {
	r.cancel()
	<-r.done
	r.fake.Close()
}

// waitIdle waits until no channel or bridge is left in the app (calls completed). A
// caller execassist continued into the dialplan (fail open: an assistant hung up in the
// instant between answering and being bridged) has left the app: the fake keeps it as a
// channel running dialplan, so it is not counted.
func (r *loadRig) waitIdle(tb testing.TB, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for {
		ch, br := r.fake.Counts()
		if ch == 0 && br == 0 && (r.app == nil || r.app.ActiveSessions() == 0) {
			return
		}
		if r.fake.InStasis() == 0 && br == 0 && (r.app == nil || r.app.ActiveSessions() == 0) {
			return
		}
		if time.Now().After(deadline) {
			live := r.fake.Live()
			tb.Fatalf("not idle after %s: %d channels (%d not continued, e.g. %v), %d bridges", limit, ch,
				len(live.Channels), live.Channels[:min(len(live.Channels), 5)], br)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

type runResult struct {
	callsPerSec float64
	legsPerSec  float64 // channels dialled per second: the Asterisk work done
	continued   int     // callers failed open into the dialplan (answered leg gone before the bridge)
	p50, p99    time.Duration
}

// drive places n calls, concurrency at a time, each completing on its own (an
// assistant answers, talks, hangs up), and measures throughput and the latency from
// StasisStart to the first leg's dial.
func drive(tb testing.TB, r *loadRig, n, concurrency int) runResult {
	placed := make(map[string]time.Time, n)
	var mu sync.Mutex
	start := time.Now()
	sem := make(chan struct{}, concurrency)
	for i := 0; i < n; i++ {
		// Keep at most `concurrency` calls in flight.
		for {
			if r.fake.InStasis() < concurrency*4 {
				break
			}
			time.Sleep(200 * time.Microsecond)
		}
		sem <- struct{}{}
		id := r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
		mu.Lock()
		placed[id] = time.Now()
		mu.Unlock()
		<-sem
	}
	r.waitIdle(tb, 2*time.Minute)
	elapsed := time.Since(start)
	var lat []time.Duration
	seen := map[string]bool{}
	legs := 0
	for _, q := range r.fake.Requests() {
		if q.Method != "POST" || !strings.HasSuffix(q.Path, "/dial") {
			continue
		}
		legs++
		leg := strings.TrimSuffix(strings.TrimPrefix(q.Path, "/channels/"), "/dial")
		caller := leg[:strings.Index(leg, "-")]
		if t0, ok := placed[caller]; ok && !seen[caller] {
			seen[caller] = true
			lat = append(lat, q.At.Sub(t0))
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	res := runResult{callsPerSec: float64(n) / elapsed.Seconds(), legsPerSec: float64(legs) / elapsed.Seconds()}
	for _, q := range r.fake.Requests() {
		if q.Method == "POST" && strings.HasSuffix(q.Path, "/continue") {
			res.continued++
		}
	}
	if len(lat) > 0 {
		res.p50, res.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	return res
}

func BenchmarkCallsVersusBaseline(b *testing.B) {
	const n, concurrency, rounds = 1000, 100, 3
	answer := aritest.Script{Mode: aritest.Answer, After: 20 * time.Millisecond, TalkAfterBridged: 20 * time.Millisecond}
	modes := []string{"baseline", "single", "simultaneous", "sequential"}
	for i := 0; i < b.N; i++ {
		// Interleaved rounds, medians: the machine's drift hits every mode alike.
		results := map[string][]runResult{}
		for round := 0; round < rounds; round++ {
			for _, mode := range modes {
				r := newLoadRig(b, mode, answer, mode == "baseline")
				results[mode] = append(results[mode], drive(b, r, n, concurrency))
				r.close()
			}
		}
		base := median(results["baseline"])
		b.Logf("baseline (answer, dial 1, bridge): %.0f calls/s, first dial p50 %s p99 %s (median of %d rounds)", base.callsPerSec, base.p50, base.p99, rounds)
		b.ReportMetric(base.callsPerSec, "baseline-calls/s")
		for _, mode := range modes[1:] {
			res := median(results[mode])
			ratio := res.callsPerSec / base.callsPerSec
			what := map[string]string{"single": "1 assistant", "simultaneous": "3 assistants at once", "sequential": "3 assistants in turn"}[mode]
			b.Logf("execassist %s (%s): %.0f calls/s (%.2fx baseline), %.0f legs dialled/s (%.2fx), first dial p50 %s p99 %s; %d of %d callers failed open to the dialplan",
				mode, what, res.callsPerSec, ratio, res.legsPerSec, res.legsPerSec/base.legsPerSec, res.p50, res.p99, res.continued, n)
			b.ReportMetric(ratio, mode+"-ratio")
			b.ReportMetric(float64(res.p99.Microseconds()), mode+"-p99-µs")
		}
	}
}

// BenchmarkDecisionLatencyEtcdVersusBbolt drives the same calls through an app on a
// bbolt store and one on a real etcd (in-process, this node sharing its live calls
// there), interleaved, and reports the etcd run against the bbolt run: time from
// StasisStart to the first assistant's dial, and calls/s.
func BenchmarkDecisionLatencyEtcdVersusBbolt(b *testing.B) {
	const n, concurrency, rounds = 1000, 100, 3
	answer := aritest.Script{Mode: aritest.Answer, After: 20 * time.Millisecond, TalkAfterBridged: 20 * time.Millisecond}
	srv := etcdtest.Start(b)
	for i := 0; i < b.N; i++ {
		results := map[string][]runResult{}
		for round := 0; round < rounds; round++ {
			r := newLoadRig(b, "simultaneous", answer, false)
			results["bbolt"] = append(results["bbolt"], drive(b, r, n, concurrency))
			r.close()
			st, err := store.OpenEtcd(store.EtcdOptions{Endpoints: srv.Endpoints, Prefix: fmt.Sprintf("/bench%d-%d", i, round), Member: true},
				store.Options{Node: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			r = newLoadRig(b, "simultaneous", answer, false, st)
			results["etcd"] = append(results["etcd"], drive(b, r, n, concurrency))
			r.close()
			st.Close()
		}
		bb, et := median(results["bbolt"]), median(results["etcd"])
		b.Logf("bbolt: first dial p50 %s p99 %s, %.0f calls/s", bb.p50, bb.p99, bb.callsPerSec)
		b.Logf("etcd:  first dial p50 %s p99 %s, %.0f calls/s (median of %d rounds)", et.p50, et.p99, et.callsPerSec, rounds)
		b.Logf("etcd / bbolt: p50 %.2fx, p99 %.2fx, calls/s %.2fx", ratio(et.p50, bb.p50), ratio(et.p99, bb.p99), et.callsPerSec/bb.callsPerSec)
		b.ReportMetric(ratio(et.p50, bb.p50), "p50-etcd/bbolt")
		b.ReportMetric(ratio(et.p99, bb.p99), "p99-etcd/bbolt")
		b.ReportMetric(et.callsPerSec/bb.callsPerSec, "calls/s-etcd/bbolt")
	}
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// median picks the run with the median throughput.
func median(rs []runResult) runResult {
	sorted := append([]runResult(nil), rs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].callsPerSec < sorted[j].callsPerSec })
	return sorted[len(sorted)/2]
}

// BenchmarkConcurrentRinging holds 5,000 filtered calls ringing three assistants each,
// reports heap and goroutines per live call, then hangs all callers up and checks the
// goroutine count returns to idle.
func BenchmarkConcurrentRinging(b *testing.B) {
	const calls = 5000
	for i := 0; i < b.N; i++ {
		// Every call is to ring (this measures what a ringing call costs): the setup gate
		// lets all 5,000 in at once, where serve would continue those past its limit.
		r := newLoadRigWith(b, "simultaneous", aritest.Script{Mode: aritest.RingForever}, false, func(o *app.Options) {
			o.SetupLimit, o.SetupDeadline = calls, 10*time.Minute
		})
		idleG, idleHeap := settleMem()
		var ids []string
		for c := 0; c < calls; c++ {
			ids = append(ids, r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}}))
		}
		deadline := time.Now().Add(3 * time.Minute)
		for {
			ch, _ := r.fake.Counts()
			if ch == calls*4 {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("only %d of %d channels after 3 minutes", ch, calls*4)
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond) // let the last dials land
		g, heap := settleMem()
		if path := os.Getenv("EXECASSIST_HEAP_PROFILE"); path != "" {
			f, _ := os.Create(path)
			pprof.WriteHeapProfile(f)
			f.Close()
		}
		perCall := float64(heap-idleHeap) / calls
		b.Logf("%d ringing filtered calls (%d channels): heap %.1f MB (%.1f KB per call, app and fake together), goroutines %d (%.2f per call)",
			calls, calls*4, float64(heap)/(1<<20), perCall/1024, g, float64(g-idleG)/calls)
		b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
		b.ReportMetric(float64(g-idleG)/calls, "goroutines/call")
		for _, id := range ids {
			r.fake.Hangup(id)
		}
		r.waitIdle(b, time.Minute)
		r.cli.CloseIdleConnections() // pooled keep-alive connections are not calls
		time.Sleep(100 * time.Millisecond)
		after, _ := settleMem()
		b.Logf("after all calls ended: goroutines %d (idle was %d)", after, idleG)
		if after > idleG+5 {
			b.Fatalf("goroutines did not return to idle: %d, idle %d", after, idleG)
		}
		r.close()
	}
}

func settleMem() (goroutines int, heap uint64) {
	var ms runtime.MemStats
	for i := 0; i < 3; i++ {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
	runtime.ReadMemStats(&ms)
	return runtime.NumGoroutine(), ms.HeapInuse
}

// runBaseline is the minimal Stasis app: answer the caller, create and dial one leg,
// bridge them on answer, hang up the other side when one leaves. One goroutine per
// call, like execassist.
func runBaseline(ctx context.Context, cli ari.Client) {
	type call struct {
		box chan ari.Event
	}
	calls := map[string]*call{}
	owner := map[string]*call{}
	ended := make(chan []string, 1024)
	events := cli.Listen(ctx)
	// Same event filter as execassist, so both pay for the same events.
	go cli.Application().Filter(ctx, cli.ApplicationName(), nil, []string{"Dial", "ChannelVarset", "ChannelDialplan", "ChannelConnectedLine", "ChannelCallerId"})
	for {
		select {
		case ids := <-ended:
			for _, id := range ids {
				delete(owner, id)
			}
			delete(calls, ids[0])
		case e, ok := <-events:
			if !ok {
				return
			}
			if ss, ok := e.(*ari.StasisStart); ok {
				if len(ss.Args) > 0 && ss.Args[0] == "exec" {
					c := &call{box: make(chan ari.Event, 64)}
					calls[ss.Channel.ID] = c
					owner[ss.Channel.ID] = c
					owner[ss.Channel.ID+"-b-1"] = c
					go baselineCall(ctx, cli, ss.Channel.ID, c.box, ended)
					continue
				}
			}
			if id := ari.ChannelID(e); id != "" {
				if c := owner[id]; c != nil {
					c.box <- e
				}
			}
		}
	}
}

func baselineCall(ctx context.Context, cli ari.Client, caller string, box chan ari.Event, ended chan<- []string) {
	ch := cli.Channel()
	leg := caller + "-b-1"
	defer func() { ended <- []string{caller, leg} }()
	ck, lk := ari.NewKey(ari.ChannelKey, caller), ari.NewKey(ari.ChannelKey, leg)
	if err := ch.Answer(ctx, ck); err != nil {
		return
	}
	if _, err := ch.Create(ctx, ari.ChannelCreateRequest{Endpoint: "PJSIP/1002", AppArgs: "leg", ChannelID: leg, Originator: caller}); err != nil {
		ch.Hangup(ctx, ck, "")
		return
	}
	var bridge *ari.BridgeHandle
	for e := range box {
		switch ev := e.(type) {
		case *ari.StasisStart:
			ch.Dial(ctx, lk, caller, 30*time.Second)
		case *ari.ChannelStateChange:
			if ev.Channel.ID == leg && ev.Channel.State == "Up" {
				bridge, _ = cli.Bridge().Create(ctx, nil, "mixing", "")
				bridge.AddChannel(ctx, caller, ari.AddChannelOptions{})
				bridge.AddChannel(ctx, leg, ari.AddChannelOptions{})
			}
		case *ari.StasisEnd:
			other := leg
			if ev.Channel.ID == leg {
				other = caller
			}
			ch.Hangup(ctx, ari.NewKey(ari.ChannelKey, other), "")
			if bridge != nil {
				bridge.Delete(ctx)
			}
			return
		}
	}
}

var _ = fmt.Sprint

// BenchmarkPastTheKnee places calls as fast as the load generator can, far more than
// can be set up at once (no throttle on calls in flight), with the baseline and with
// execassist ringing three assistants, and measures for every caller the time from
// StasisStart to the first thing done for it: a leg dialled or the caller continued in
// the dialplan. Overload must be paid by us, not the callers: none waits past the setup
// deadline; those that cannot be set up in time go to the executive's own Dial.
func BenchmarkPastTheKnee(b *testing.B) {
	const n = 3000
	answer := aritest.Script{Mode: aritest.Answer, After: 20 * time.Millisecond, TalkAfterBridged: 20 * time.Millisecond}
	for i := 0; i < b.N; i++ {
		var base, ours kneeResult
		for _, mode := range []string{"baseline", "simultaneous"} {
			r := newLoadRig(b, mode, answer, mode == "baseline")
			res := driveUnthrottled(b, r, n)
			r.close()
			if mode == "baseline" {
				base = res
			} else {
				ours = res
			}
			b.Logf("%s: %.0f calls/s; first action p50 %s p99 %s max %s; %d of %d continued (%d for overload), %d waited over %s",
				mode, res.callsPerSec, res.p50, res.p99, res.max, res.continued, n, res.overload, res.late, defaultSetupDeadlineForBench)
		}
		b.ReportMetric(ours.callsPerSec/base.callsPerSec, "calls/s-ratio")
		b.ReportMetric(float64(ours.p99.Milliseconds()), "p99-first-action-ms")
		b.ReportMetric(float64(ours.late), "callers-waiting-past-deadline")
	}
}

// defaultSetupDeadlineForBench mirrors app's default setup deadline, for the report.
const defaultSetupDeadlineForBench = 2 * time.Second

type kneeResult struct {
	callsPerSec         float64
	p50, p99, max       time.Duration
	continued, overload int
	late                int
}

func driveUnthrottled(tb testing.TB, r *loadRig, n int) kneeResult {
	placed := make(map[string]time.Time, n)
	start := time.Now()
	for range n {
		id := r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
		placed[id] = time.Now()
	}
	r.waitIdle(tb, 5*time.Minute)
	elapsed := time.Since(start)
	first := map[string]time.Time{}
	var res kneeResult
	for _, q := range r.fake.Requests() {
		if q.Method != "POST" {
			continue
		}
		var caller string
		switch {
		case strings.HasSuffix(q.Path, "/dial"):
			leg := strings.TrimSuffix(strings.TrimPrefix(q.Path, "/channels/"), "/dial")
			if i := strings.Index(leg, "-"); i > 0 {
				caller = leg[:i]
			}
		case strings.HasSuffix(q.Path, "/continue"):
			caller = strings.TrimSuffix(strings.TrimPrefix(q.Path, "/channels/"), "/continue")
			res.continued++
		default:
			continue
		}
		if _, ok := placed[caller]; ok {
			if _, seen := first[caller]; !seen {
				first[caller] = q.At
			}
		}
	}
	var lat []time.Duration
	for id, at := range first {
		d := at.Sub(placed[id])
		lat = append(lat, d)
		if d > defaultSetupDeadlineForBench+250*time.Millisecond {
			res.late++
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	res.callsPerSec = float64(n) / elapsed.Seconds()
	if len(lat) > 0 {
		res.p50, res.p99, res.max = lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1]
	}
	if r.app != nil {
		m := httpMetrics(r.app)
		if i := strings.Index(m, "\nexecassist_overload_continued_total "); i >= 0 {
			fmt.Sscanf(m[i+len("\nexecassist_overload_continued_total "):], "%d", &res.overload)
		}
	}
	return res
}

// httpMetrics reads an app's Prometheus exposition.
func httpMetrics(a *app.App) string {
	rec := httptest.NewRecorder()
	a.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}
