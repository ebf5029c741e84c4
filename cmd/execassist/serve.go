package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/app/config"
	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

func serveCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs, v := newFlags("serve", stderr)
	addServeFlags(fs, v)
	s, _, err := resolve(fs, v, args)
	if err != nil {
		return err
	}
	log, err := newLogger(s, stderr)
	if err != nil {
		return &exitError{code: 2, msg: "execassist: " + err.Error()}
	}
	return serve(ctx, s, log)
}

// serve runs until ctx ends (SIGTERM/SIGINT). With a config file it imports it at start
// and again on SIGHUP; an invalid file is refused and the running provisioning kept.
func serve(ctx context.Context, s settings, log zerolog.Logger) error {
	st, err := store.Open(s.Store, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if s.ConfigFile != "" {
		if err := importFile(st, s.ConfigFile, log); err != nil {
			return err
		}
		hup := make(chan os.Signal, 1)
		signal.Notify(hup, syscall.SIGHUP)
		defer signal.Stop(hup)
		go func() {
			for {
				select {
				case <-hup:
					if err := importFile(st, s.ConfigFile, log); err != nil {
						log.Error().Err(err).Msg("reload refused; the running configuration stays")
					}
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	cli, err := ari.New(ari.Options{URL: s.ARIURL, Username: s.ARIUser, Password: s.ARIPassword,
		Application: s.App, Logger: log})
	if err != nil {
		return err
	}
	log.Info().Str("ari_url", s.ARIURL).Str("ari_user", s.ARIUser).Str("app", s.App).Str("store", s.Store).
		Str("version", version).Msg("execassist starting")
	a := app.New(app.Options{Client: cli, Store: st, Log: log})
	err = a.Run(ctx)
	log.Info().Msg("execassist stopped")
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func importFile(st *store.Store, file string, log zerolog.Logger) error {
	cfg, err := config.Load(file)
	if err != nil {
		return fmt.Errorf("configuration %s refused:\n%w", file, err)
	}
	if err := st.Import(cfg, store.ImportOptions{Source: file}); err != nil {
		return fmt.Errorf("import %s: %w", file, err)
	}
	log.Info().Str("file", file).Int("users", len(cfg.Users)).Int("executives", countExecutives(cfg)).Msg("configuration loaded")
	return nil
}
