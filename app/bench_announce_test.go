package app_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

// answeredCalls holds n answered executive calls (n executives 20000+k, each with its
// own assistant 30000+k, phones scripted as given; execSettings is YAML added to every
// executive) and returns the fake, the callers' channels and a stop.
func answeredCalls(b *testing.B, n int, execSettings string, executive, assistant aritest.Script) (*aritest.Server, []string, func()) {
	b.Helper()
	var y strings.Builder
	y.WriteString("defaults: {alerting: {rollover: {enabled: false}}}\nusers:\n")
	fake := aritest.New(aritest.Options{ChannelVars: []string{"EXECASSIST_ORIGIN", "EXECASSIST_DIALLED"}})
	for k := 0; k < n; k++ {
		e, a := 20000+k, 30000+k
		fmt.Fprintf(&y, "  - {extension: \"%d\", devices: [PJSIP/%d], executive: {assistants: [\"%d\"], filtering: {enabled: true}%s}}\n", e, e, a, execSettings)
		fmt.Fprintf(&y, "  - {extension: \"%d\", devices: [PJSIP/%d], assistant: {}}\n", a, a)
		fake.AddPhone(aritest.Phone{Endpoint: fmt.Sprintf("PJSIP/%d", e), Number: fmt.Sprint(e), Script: executive})
		fake.AddPhone(aritest.Phone{Endpoint: fmt.Sprintf("PJSIP/%d", a), Number: fmt.Sprint(a), Script: assistant})
	}
	fake.AddPhone(aritest.Phone{Endpoint: "PJSIP/trunk", Number: "+15557770000"})
	cfg, src, err := config.Parse("bench.yaml", []byte(y.String()))
	if err != nil {
		b.Fatal(err)
	}
	if errs := config.Validate(cfg, src); len(errs) > 0 {
		b.Fatal(errs)
	}
	st, _ := store.Open(filepath.Join(b.TempDir(), "x.db"), store.Options{})
	st.Import(cfg, store.ImportOptions{})
	cli, _ := ari.New(ari.Options{URL: fake.URL, Username: fake.Username, Password: fake.Password, Application: "execassist"})
	ctx, cancel := context.WithCancel(context.Background())
	a := app.New(app.Options{Client: cli, Store: st, Log: zerolog.Nop(), PhoneEvery: -1})
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	for fake.Connections() == 0 {
		time.Sleep(time.Millisecond)
	}
	callers := make([]string, n)
	for k := 0; k < n; k++ {
		e := fmt.Sprint(20000 + k)
		callers[k] = fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: e, Args: []string{"exec", e}})
	}
	waitFor(b, "the answered calls", func() bool { _, br := fake.Counts(); return br == n })
	time.Sleep(100 * time.Millisecond)
	return fake, callers, func() { cancel(); <-done; st.Close(); fake.Close() }
}

// pushLatencies holds n answered calls, pushes them all (#63) and returns, per push,
// the time from the FAC to the executive's leg joining the caller's bridge. With
// announce, each executive hears the announcement and presses 1 as soon as it starts.
func pushLatencies(b *testing.B, n int, announce bool) []time.Duration {
	b.Helper()
	assistant := aritest.Script{Mode: aritest.Answer, After: 10 * time.Millisecond}
	executive := assistant
	if announce {
		executive.DTMF = "1"
	}
	fake, callers, stop := answeredCalls(b, n, fmt.Sprintf(", announce_push: {enabled: %v}", announce), executive, assistant)
	defer stop()
	start := time.Now()
	facAt := make([]time.Time, n)
	for k := 0; k < n; k++ {
		fake.PlaceCall(aritest.Call{From: fmt.Sprintf("PJSIP/%d", 30000+k), Exten: "#63", Args: []string{"fac", "#63"}})
		facAt[k] = time.Now()
	}
	joinedAt := map[string]time.Time{}
	waitFor(b, "every push taken", func() bool {
		for _, r := range fake.Requests() {
			if r.Method == "POST" && strings.HasSuffix(r.Path, "/addChannel") && r.At.After(start) {
				joinedAt[strings.TrimPrefix(r.Query, "channel=")] = r.At
			}
		}
		return len(joinedAt) >= n
	})
	var lat []time.Duration
	for id, at := range joinedAt {
		for k := 0; k < n; k++ {
			if strings.HasPrefix(id, callers[k]+"-") && strings.Contains(id, "-c") {
				lat = append(lat, at.Sub(facAt[k]))
			}
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) == 0 {
		b.Fatal("no push measured")
	}
	return lat
}

// BenchmarkAnnouncedPushVersusPlain measures what the announcement adds to a hand-off:
// 100 pushes with the executive's phone answering after 10 ms, plain, then announced
// with the executive pressing 1 as soon as the announcement starts, in one process;
// reported as the ratio of the medians (and their difference). A person listening to
// the whole announcement adds its length on top; the key timeout bounds it.
func BenchmarkAnnouncedPushVersusPlain(b *testing.B) {
	for i := 0; i < b.N; i++ {
		plain := pushLatencies(b, 100, false)
		announced := pushLatencies(b, 100, true)
		p50 := func(l []time.Duration) time.Duration { return l[len(l)/2] }
		ratio := float64(p50(announced)) / float64(p50(plain))
		b.Logf("push p50 plain %s, announced %s: ratio %.2f, %s more", p50(plain).Round(time.Microsecond), p50(announced).Round(time.Microsecond),
			ratio, (p50(announced) - p50(plain)).Round(time.Microsecond))
		b.ReportMetric(ratio, "announced/plain-p50")
	}
}
