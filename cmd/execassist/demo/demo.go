// Package demo is execassist without a PBX: the real app, store, API and page against
// the built-in fake Asterisk (ari/aritest) with simulated desk phones and, optionally,
// outside callers. `execassist demo` runs it for newcomers; the browser tests run the
// same world without the simulated callers, so what they test is what people try.
package demo

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/execassist/execassist/api"
	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/httpguard"
	"github.com/execassist/execassist/internal/secret"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

//go:embed demo.yaml
var demoYAML string

// SignIn is one account of the demo company.
type SignIn struct {
	User, Secret, Who string
}

// SignIns are the demo's accounts; the secrets are public on purpose (it is a demo on
// loopback with a throw-away store).
var SignIns = []SignIn{
	{"1001", "demo-1001", "Erin Exec, executive (assistants Ann, Alan)"},
	{"1002", "demo-1002", "Ann Assist, assistant of Erin and Eve"},
	{"1003", "demo-1003", "Alan Assist, assistant of Erin"},
	{"1004", "demo-1004", "Ada Assist, assistant of Eve"},
	{"1006", "demo-1006", "Eve Exec, executive (assistants Ada, Ann)"},
	{"admin", "demo-admin", "an admin: everything"},
}

// Destinations are the outside numbers the fake Asterisk can reach (for "call as
// executive"); any other number is refused by the fake as unreachable.
var Destinations = []string{"+15551234567", "+15557654321"}

// Options shape a demo world.
type Options struct {
	// Listen is the page's address (default 127.0.0.1:8080; port 0 picks one).
	Listen string
	// StorePath is the bbolt file; empty: a throw-away file removed by Close.
	StorePath string
	// Callers simulates outside callers, assistants answering, pushes and retrieves.
	Callers bool
	// CallEvery is the pause between simulated calls (default 6 s).
	CallEvery time.Duration
	// Hash hashes the demo secrets (default secret.Hash; tests pass a cheap one).
	Hash func(string) (string, error)
	Log  zerolog.Logger
}

// World is a running demo.
type World struct {
	URL   string // the page
	Fake  *aritest.Server
	App   *app.App
	Store *store.Store
	// StorePath is the store's file (a throw-away one unless Options.StorePath).
	StorePath string
	stop      func()
	log       zerolog.Logger
	hash      func(string) (string, error) // what secrets an admin sets are hashed with
	addr      string                       // where the page is served
	srv       *http.Server                 // nil while not serving (StopServing)
}

// serve serves the page, the API and the metrics on addr, as serve does.
func (w *World) serve(addr string) error {
	raw, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	w.addr = raw.Addr().String()
	ln := httpguard.Listen(raw, httpguard.Limits{})
	mux := http.NewServeMux()
	mux.Handle("/", api.New(api.Options{App: w.App, Store: w.Store, Log: w.log, Hash: w.hash}))
	mux.Handle("/metrics", w.App.MetricsHandler())
	// As serve: 200 while connected to (the fake) Asterisk, 503 otherwise.
	mux.HandleFunc("/healthz", func(rw http.ResponseWriter, _ *http.Request) {
		if !w.App.Healthy() {
			http.Error(rw, "not connected to Asterisk", http.StatusServiceUnavailable)
			return
		}
		_, _ = rw.Write([]byte("ok\n"))
	})
	w.srv = httpguard.Server(mux, httpguard.Limits{}, "/healthz", "/metrics")
	go func() { _ = w.srv.Serve(ln) }()
	return nil
}

// StopServing closes the listener and every connection (event streams too), as a
// stopping serve does; the calls go on.
func (w *World) StopServing() {
	if w.srv != nil {
		_ = w.srv.Close()
		w.srv = nil
	}
}

// ServeAgain serves at the same address with a new API (no sessions in memory): a
// restart of serve, as a deploy does it.
func (w *World) ServeAgain() error {
	w.StopServing()
	return w.serve(w.addr)
}

// Start builds the demo company, connects the app to a fake Asterisk with its phones
// and serves the page and API. Close stops everything.
func Start(ctx context.Context, o Options) (*World, error) {
	if o.Listen == "" {
		o.Listen = "127.0.0.1:8080"
	}
	if o.CallEvery <= 0 {
		o.CallEvery = 6 * time.Second
	}
	if o.Hash == nil {
		o.Hash = secret.Hash
	}
	y := demoYAML
	for _, s := range SignIns {
		h, err := o.Hash(s.Secret)
		if err != nil {
			return nil, err
		}
		y = strings.Replace(y, "%"+s.User+"%", h, 1)
	}
	cfg, err := config.LoadBytes("demo.yaml", []byte(y))
	if err != nil {
		return nil, fmt.Errorf("demo company: %w", err)
	}
	var cleanups []func()
	cleanup := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	path := o.StorePath
	if path == "" {
		dir, err := os.MkdirTemp("", "execassist-demo-")
		if err != nil {
			return nil, err
		}
		cleanups = append(cleanups, func() { os.RemoveAll(dir) })
		path = filepath.Join(dir, "demo.db")
	}
	st, err := store.Open(path, store.Options{})
	if err != nil {
		cleanup()
		return nil, err
	}
	cleanups = append(cleanups, func() { st.Close() })
	if err := st.Import(cfg, store.ImportOptions{Source: "demo.yaml"}); err != nil {
		cleanup()
		return nil, err
	}
	fake := aritest.New(aritest.Options{ChannelVars: []string{"EXECASSIST_ORIGIN", "EXECASSIST_DIALLED"}})
	cleanups = append(cleanups, fake.Close)
	for _, u := range cfg.Users {
		fake.AddPhone(aritest.Phone{Endpoint: u.Devices[0], Name: u.Name, Number: u.Extension})
	}
	fake.AddPhone(aritest.Phone{Endpoint: "PJSIP/trunk", Name: "Trunk", Number: "+15557770000"})
	for _, n := range Destinations {
		fake.AddPhone(aritest.Phone{Endpoint: "Local/" + n + "@execassist-outbound", Number: n,
			Script: aritest.Script{Mode: aritest.Answer, After: 3 * time.Second}})
	}
	cli, err := ari.New(ari.Options{URL: fake.URL, Username: fake.Username, Password: fake.Password, Application: "execassist"})
	if err != nil {
		cleanup()
		return nil, err
	}
	a := app.New(app.Options{Client: cli, Store: st, Log: o.Log})
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = a.Run(runCtx); close(done) }()
	cleanups = append(cleanups, func() { cancel(); <-done })

	w := &World{Fake: fake, App: a, Store: st, StorePath: path, log: o.Log, hash: o.Hash}
	if err := w.serve(o.Listen); err != nil {
		cleanup()
		return nil, err
	}
	w.URL = "http://" + w.addr + "/"
	cleanups = append(cleanups, w.StopServing)
	w.stop = cleanup
	deadline := time.Now().Add(10 * time.Second)
	for fake.Connections() == 0 || !a.Healthy() { // ready once the app has its first event
		if time.Now().After(deadline) {
			w.Close()
			return nil, errors.New("demo: the app did not connect to the fake Asterisk")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if o.Callers {
		for _, u := range cfg.Users {
			if u.Assistant != nil {
				fake.SetScript(u.Devices[0], aritest.Script{Mode: aritest.Answer, After: 5 * time.Second})
			} else {
				fake.SetScript(u.Devices[0], aritest.Script{Mode: aritest.Answer, After: 4 * time.Second})
			}
		}
		simCtx, stopSim := context.WithCancel(runCtx)
		simDone := make(chan struct{})
		go func() { simulate(simCtx, w, o.CallEvery); close(simDone) }()
		cleanups = append(cleanups, func() { stopSim(); <-simDone })
	}
	return w, nil
}

// Close stops the demo and removes a throw-away store.
func (w *World) Close() { w.stop() }

// Call places an outside call to an executive, as the demo's trunk would.
func (w *World) Call(exec, callerName, callerNumber string) string {
	return w.Fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", CallerName: callerName, CallerNumber: callerNumber, Exten: exec,
		Args: []string{"exec", exec}, Vars: map[string]string{"EXECASSIST_ORIGIN": "external", "EXECASSIST_DIALLED": exec}})
}
