package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/execassist/execassist/api"
	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/internal/buildinfo"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/httpguard"
	"github.com/execassist/execassist/internal/safetext"
	"github.com/execassist/execassist/internal/secret"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
)

// serveCommand runs the Stasis application (and the page, API and /metrics with a
// listener).
func serveCommand(ctx context.Context, stderr io.Writer) *cobra.Command {
	c := &cobra.Command{Use: "serve", Short: "run the Stasis application (and the page, API, /metrics and /healthz on --listen)"}
	fs := c.Flags()
	v := storeFlags(fs)
	addServeFlags(fs, v)
	c.RunE = func(_ *cobra.Command, args []string) error {
		// First of all: a SIGHUP that arrives while serve starts (or when it has no
		// config file) must not kill it with the default action.
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
		if len(args) > 0 {
			return &exitError{code: 2, msg: fmt.Sprintf("execassist serve takes no arguments (got %q): the settings file is --config FILE", args[0])}
		}
		s, _, err := resolve(fs, v, args)
		if err != nil {
			return err
		}
		log, err := newLogger(s, stderr)
		if err != nil {
			return &exitError{code: 2, msg: "execassist: " + err.Error()}
		}
		if fs.Changed("ari-password") {
			log.Warn().Msg("--ari-password is visible to every user in the process list; set EXECASSIST_ARI_PASSWORD instead")
		}
		return serve(ctx, s, log, hup)
	}
	return c
}

// exposedListener says why addr is reachable from other hosts, or "" for loopback.
// /metrics shows executives' extensions and call counts; /healthz whether ARI is up.
func exposedListener(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		return "every interface"
	}
	if host == "localhost" {
		return ""
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return ""
	}
	return "a non-loopback address"
}

// serve runs until ctx ends (SIGTERM/SIGINT). With a config file it imports it at start
// and again on SIGHUP; an invalid file is refused and the running provisioning kept.
func serve(ctx context.Context, s settings, log zerolog.Logger, hup <-chan os.Signal) error {
	st, err := openStore(s, log, true)
	if err != nil {
		return err
	}
	defer st.Close()
	defer keepLastGood(ctx, st, log)()
	if s.ConfigFile != "" {
		if err := importFile(st, s.ConfigFile, log); err != nil {
			return err
		}
	}
	if err := envAdmin(st, log, adminHash); err != nil {
		return err
	}
	cli, err := ari.New(ari.Options{URL: s.ARIURL, Username: s.ARIUser, Password: s.ARIPassword,
		Application: s.App, Logger: log})
	if err != nil {
		return err
	}
	bi := buildinfo.Read()
	log.Info().Str("ari_url", safetext.URL(s.ARIURL)).Str("ari_user", s.ARIUser).Str("app", s.App).Str("store", storeName(s)).Str("node", st.Node()).
		Str("version", bi.Version).Str("commit", bi.Commit).Str("built", bi.Date).Msg("execassist starting")
	a := app.New(app.Options{Client: cli, Store: st, Log: log, Build: &bi})
	go reloadOnHUP(ctx, hup, s.ConfigFile, st, a, log)
	defer serveStatus(statusSocket(s), a, log)()
	if s.Listen != "" {
		if where := exposedListener(s.Listen); where != "" {
			log.Warn().Str("listen", s.Listen).Msgf("the /metrics and /healthz listener is on %s: anyone who reaches it sees call counts and outcomes and whether ARI is up; bind it to 127.0.0.1 or firewall it", where)
		}
		stop, err := serveHTTP(ctx, s, a, st, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	reportSignIn(st, s, log)
	err = a.Run(ctx)
	log.Info().Msg("execassist stopped")
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// adminHash hashes the environment's admin secret (tests make it cheaper).
var adminHash = secret.Hash

func importFile(st *store.Store, file string, log zerolog.Logger) error {
	cfg, err := config.Load(file)
	if err != nil {
		return fmt.Errorf("configuration %s refused:\n%w", file, err)
	}
	if len(cfg.Users) == 0 {
		// A file with only the operational sections (ari, store, log): the usual way to
		// run the nodes of a cluster, whose provisioning is imported once. It must not
		// wipe the users every node shares.
		log.Info().Str("file", file).Msg("the file provisions no users: the stored provisioning stays")
		return nil
	}
	if err := st.Import(cfg, store.ImportOptions{Source: file}); err != nil {
		return fmt.Errorf("import %s: %w", file, err)
	}
	if err := st.SaveLastGood(); err != nil {
		log.Warn().Err(err).Msg("last good copy of the store not written")
	}
	log.Info().Str("file", file).Int("users", len(cfg.Users)).Int("executives", countExecutives(cfg)).Msg("configuration loaded")
	return nil
}

// listenerLimits are the listener's deadlines and connection caps (httpguard's
// defaults); tests shorten them.
var listenerLimits httpguard.Limits

// serveHTTP exposes /metrics (Prometheus text format) and /healthz (200 while connected
// to ARI, 503 otherwise).
func serveHTTP(ctx context.Context, s settings, a *app.App, st *store.Store, log zerolog.Logger) (func(), error) {
	addr := s.Listen
	tls := s.TLSCert != "" || s.TLSKey != ""
	if tls && (s.TLSCert == "" || s.TLSKey == "") {
		return nil, fmt.Errorf("--tls-cert and --tls-key go together")
	}
	mux := http.NewServeMux()
	mux.Handle("/", api.New(api.Options{App: a, Store: st, Log: log, Secure: tls}))
	mux.Handle("/metrics", a.MetricsHandler())
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		if !a.Healthy() {
			http.Error(w, "not connected to ARI\n", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	raw, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	limits := listenerLimits
	limits.MaxConns = cmp.Or(s.MaxConns, limits.MaxConns)
	limits.MaxConnsPerSource = cmp.Or(s.MaxConnsPerAddress, limits.MaxConnsPerSource)
	limits.OnRefused = func(n int64, why string) {
		log.Warn().Int64("refused_total", n).Str("why", why).Msg("the listener refused connections; /healthz and /metrics still answer on its reserve")
	}
	ln := httpguard.Listen(raw, limits)
	srv := httpguard.Server(mux, limits, "/healthz", "/metrics")
	go func() {
		var err error
		if tls {
			err = srv.ServeTLS(ln, s.TLSCert, s.TLSKey)
		} else {
			err = srv.Serve(ln)
		}
		if err != nil && err != http.ErrServerClosed {
			log.Error().Err(err).Msg("HTTP listener stopped")
		}
	}()
	log.Info().Str("listen", ln.Addr().String()).Bool("tls", tls).Msg("serving /metrics, /healthz and the self-service API /v1/")
	return func() { srv.Close() }, nil
}

// lastGoodEvery is how often serve refreshes the store's last good copy.
const lastGoodEvery = time.Hour

// keepLastGood writes the last good copy now (the store was verified when opened) and
// every lastGoodEvery; the returned stop waits for a copy in progress.
func keepLastGood(ctx context.Context, st *store.Store, log zerolog.Logger) (stop func()) {
	save := func() {
		if err := st.SaveLastGood(); err != nil {
			log.Warn().Err(err).Msg("last good copy of the store not written")
		}
	}
	save()
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(lastGoodEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				save()
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() { cancel(); <-done }
}

// reloadOnHUP re-imports the config file on every SIGHUP and says what it did: loaded
// (and the BLF lamps set to the filtering it holds), refused (the running configuration
// stays), or nothing to reload (no --config).
func reloadOnHUP(ctx context.Context, hup <-chan os.Signal, file string, st *store.Store, a *app.App, log zerolog.Logger) {
	for {
		select {
		case <-hup:
			switch {
			case file == "":
				log.Warn().Msg("SIGHUP: serve runs without --config, so there is nothing to reload; ignored")
			default:
				if err := importFile(st, file, log); err != nil {
					log.Error().Err(err).Msg("SIGHUP: reload refused; the running configuration stays")
					continue
				}
				log.Info().Str("file", file).Msg("SIGHUP: configuration reloaded") // the app follows the store: lamps too
			}
		case <-ctx.Done():
			return
		}
	}
}
