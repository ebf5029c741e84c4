package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/clock"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/poll"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

// baseYAML: executive 1001 with assistants 1002, 1003, 1004, filtering all calls.
const baseYAML = `
dialing: {outbound: 'Local/{number}@execassist-outbound'}
defaults:
  alerting:
    mode: simultaneous
    rings_per_assistant: 2
    rollover: {enabled: true, after: 30s, action: voice-messaging}
    caller_id: {name: executive-originator, number: originator}
    alert_info: '<http://127.0.0.1/filtered>;info=filtered'
users:
  - extension: "1001"
    name: Erin Exec
    devices: [PJSIP/1001]
    numbers: [+15551231001]
    mobile: +15559871001
    executive:
      assistants: ["1002", "1003", "1004"]
      allow_opt_in_out: true
      filtering: {enabled: true, mode: all}
  - {extension: "1002", name: Ann Assist, devices: [PJSIP/1002], assistant: {}}
  - {extension: "1003", name: Alan Assist, devices: [PJSIP/1003], assistant: {}}
  - {extension: "1004", name: Ada Assist, devices: [PJSIP/1004], assistant: {}}
  - {extension: "1005", name: Uma User, devices: [PJSIP/1005]}
`

type harness struct {
	t      *testing.T
	fake   *aritest.Server
	clock  *clock.Fake
	store  *store.Store
	app    *app.App
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	dbPath string
	cli    *ari.RESTClient
	opts   func(*app.Options) // changes the app's options (nil: the defaults)
	// leftovers are what the app's strict mode found left in the fake after a call
	// ended; the harness fails the test on any when it stops.
	leftovers struct {
		sync.Mutex
		found []string
	}
}

func newHarness(t *testing.T, yamlText string, edits ...string) *harness {
	t.Helper()
	return newHarnessOn(t, func(h *harness) (*store.Store, error) {
		h.dbPath = filepath.Join(t.TempDir(), "x.db")
		return store.Open(h.dbPath, store.Options{Now: h.clock.Now})
	}, yamlText, edits...)
}

// newHarnessWith builds a harness whose app runs with opts applied to its options.
func newHarnessWith(t *testing.T, opts func(*app.Options), yamlText string, edits ...string) *harness {
	t.Helper()
	return newHarnessFull(t, func(h *harness) (*store.Store, error) {
		h.dbPath = filepath.Join(t.TempDir(), "x.db")
		return store.Open(h.dbPath, store.Options{Now: h.clock.Now})
	}, opts, yamlText, edits...)
}

// newHarnessOn builds a harness whose app uses the store open returns.
func newHarnessOn(t *testing.T, open func(h *harness) (*store.Store, error), yamlText string, edits ...string) *harness {
	t.Helper()
	return newHarnessFull(t, open, nil, yamlText, edits...)
}

func newHarnessFull(t *testing.T, open func(h *harness) (*store.Store, error), opts func(*app.Options), yamlText string, edits ...string) *harness {
	t.Helper()
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(yamlText, edits[i]) {
			t.Fatalf("edit %q not found in the config", edits[i])
		}
		yamlText = strings.Replace(yamlText, edits[i], edits[i+1], 1)
	}
	h := &harness{t: t, opts: opts}
	h.clock = clock.NewFake(time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC))
	h.fake = aritest.New(aritest.Options{Clock: h.clock})
	t.Cleanup(h.fake.Close)
	for _, p := range []aritest.Phone{
		{Endpoint: "PJSIP/1001", Name: "Erin Exec", Number: "1001"},
		{Endpoint: "PJSIP/1002", Name: "Ann Assist", Number: "1002"},
		{Endpoint: "PJSIP/1003", Name: "Alan Assist", Number: "1003"},
		{Endpoint: "PJSIP/1004", Name: "Ada Assist", Number: "1004"},
		{Endpoint: "PJSIP/1005", Name: "Uma User", Number: "1005"},
		{Endpoint: "PJSIP/trunk", Number: "+15557770000"},
	} {
		h.fake.AddPhone(p)
	}
	h.fake.AddLabel("from-internal", "1001", "execassist-noanswer")
	cfg, src, err := config.Parse("test.yaml", []byte(yamlText))
	if err != nil {
		t.Fatal(err)
	}
	if errs := config.Validate(cfg, src); len(errs) > 0 {
		t.Fatal(errs)
	}
	h.store, err = open(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.store.Import(cfg, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	h.startApp()
	t.Cleanup(h.stop)
	return h
}

func (h *harness) startApp() {
	cli, err := ari.New(ari.Options{URL: h.fake.URL, Username: h.fake.Username, Password: h.fake.Password,
		Application: "execassist", ReconnectMin: 5 * time.Millisecond, ReconnectMax: 20 * time.Millisecond})
	if err != nil {
		h.t.Fatal(err)
	}
	level := zerolog.WarnLevel
	if os.Getenv("EXECASSIST_TEST_DEBUG") != "" {
		level = zerolog.DebugLevel
	}
	log := zerolog.New(zerolog.NewTestWriter(h.t)).Level(level)
	h.cli = cli
	// The phones are not watched unless a test asks (newHarnessWith, PhoneEvery): their
	// reading timer would be pending when settle checks that a call left none.
	o := app.Options{Client: cli, Store: h.store, Clock: h.clock, Log: log, ResyncGrace: 300 * time.Millisecond, PhoneEvery: -1,
		Strict: func(problem string) {
			h.leftovers.Lock()
			defer h.leftovers.Unlock()
			h.leftovers.found = append(h.leftovers.found, problem)
		}}
	if h.opts != nil {
		h.opts(&o)
	}
	h.app = app.New(o)
	h.ctx, h.cancel = context.WithCancel(context.Background())
	h.done = make(chan struct{})
	go func() { h.app.Run(h.ctx); close(h.done) }()
	h.eventually("the app to connect", func() bool { return h.fake.Connections() == 1 })
}

func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	<-h.done
	h.cancel = nil
	h.store.Close()
	h.leftovers.Lock()
	for _, p := range h.leftovers.found {
		h.t.Errorf("strict: %s", p)
	}
	h.leftovers.found = nil
	h.leftovers.Unlock()
	// The fake notices the closed WebSocket asynchronously; a restart must not count it.
	h.eventually("the old connection to close", func() bool { return h.fake.Connections() == 0 })
}

func (h *harness) eventually(what string, f func() bool) {
	h.t.Helper()
	poll.Until(h.t, 0, what, f, func() string { return fmt.Sprintf("live: %+v", h.fake.Live()) })
}

// call places an outside call to the executive.
func (h *harness) call(vars ...string) string {
	c := aritest.Call{From: "PJSIP/trunk", CallerName: "Bob Caller", Exten: "1001", Args: []string{"exec", "1001"}, Vars: map[string]string{}}
	for i := 0; i+1 < len(vars); i += 2 {
		c.Vars[vars[i]] = vars[i+1]
	}
	return h.fake.PlaceCall(c)
}

// ringing waits until endpoint has a leg in state Ringing and returns the newest one
// (an older leg may still be on its way out).
func (h *harness) ringing(endpoint string) string {
	h.t.Helper()
	var id string
	h.eventually(endpoint+" to ring", func() bool {
		chans := h.fake.ChannelsOn(endpoint)
		for i := len(chans) - 1; i >= 0; i-- {
			if st, _ := h.fake.ChannelState(chans[i]); st == "Ringing" {
				id = chans[i]
				return true
			}
		}
		return false
	})
	return id
}

func (h *harness) notRinging(endpoint string) {
	h.t.Helper()
	for _, c := range h.fake.ChannelsOn(endpoint) {
		if st, _ := h.fake.ChannelState(c); st == "Ringing" || st == "Up" {
			h.t.Fatalf("%s has a live leg %s (%s)", endpoint, c, st)
		}
	}
}

// atErinsVoicemail reports whether caller id went on to Erin's voice messaging.
func (h *harness) atErinsVoicemail(id string) bool {
	to, ok := h.fake.Continued(id)
	return ok && to.String() == "execassist-voicemail,1001,1"
}

func (h *harness) continuedTo(id string) string {
	h.t.Helper()
	var to aritest.Continuation
	h.eventually("the caller to be continued", func() bool {
		var ok bool
		to, ok = h.fake.Continued(id)
		return ok
	})
	return to.String()
}

// settle waits until the app has no session and nothing is left in Asterisk, and no
// timer of the app or the fake is pending.
func (h *harness) settle() {
	h.t.Helper()
	h.eventually("sessions to end", func() bool { return h.app.ActiveSessions() == 0 })
	h.eventually("channels and bridges to be released", func() bool { return h.fake.Live().Empty() })
	if n := h.clock.Pending(); n != 0 {
		h.t.Fatalf("%d timers still pending after the call", n)
	}
}

// goroutines counts goroutines once idle HTTP connections are closed (a pooled
// connection is not a leak).
func (h *harness) goroutines() int {
	h.cli.CloseIdleConnections()
	time.Sleep(20 * time.Millisecond)
	return runtime.NumGoroutine()
}

func (h *harness) journal() []store.JournalEntry {
	h.t.Helper()
	var j []store.JournalEntry
	h.eventually("a journal entry", func() bool {
		j, _ = h.store.Journal(store.JournalFilter{})
		return len(j) > 0
	})
	return j
}

func (h *harness) dialled(prefix string) int {
	n := 0
	for _, r := range h.fake.Requests() {
		if r.Path == "/channels/create" && strings.Contains(r.Query, prefix) {
			n++
		}
	}
	return n
}

// rolledOver places a call to the executive, waits until the assistants ring and lets
// the 30 s rollover timer of baseYAML run out; it returns the caller's channel.
func (h *harness) rolledOver() string {
	h.t.Helper()
	caller := h.call()
	h.ringing("PJSIP/1002")
	h.clock.Advance(30 * time.Second)
	return caller
}
