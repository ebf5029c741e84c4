package main

import (
	"cmp"
	"fmt"
	"net"
	"os"

	"github.com/execassist/execassist/internal/secret"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

// envAdmin creates the first admin of a new install from the environment:
// EXECASSIST_ADMIN_SECRET (and EXECASSIST_ADMIN_NAME, default "admin"), hashed at once
// (argon2id) into the store; the variable is then removed from serve's environment.
// A secret already stored for that admin is kept as is (no new audit line per start).
func envAdmin(st *store.Store, log zerolog.Logger, hash func(string) (string, error)) error {
	pw, ok := os.LookupEnv("EXECASSIST_ADMIN_SECRET")
	if !ok || pw == "" {
		return nil
	}
	_ = os.Unsetenv("EXECASSIST_ADMIN_SECRET")
	name := cmp.Or(os.Getenv("EXECASSIST_ADMIN_NAME"), "admin")
	if st.Snapshot().Config.User(name) != nil {
		return fmt.Errorf("EXECASSIST_ADMIN_NAME %q is a user's extension: an admin needs a name of its own", name)
	}
	if len(pw) < 8 {
		return fmt.Errorf("EXECASSIST_ADMIN_SECRET is shorter than 8 characters: choose a longer one")
	}
	if old, err := st.AdminHash(name); err == nil && old != "" && secret.Verify(pw, old) == nil {
		log.Info().Str("admin", name).Msg("the admin from EXECASSIST_ADMIN_SECRET can sign in (secret unchanged)")
		return nil
	}
	h, err := hash(pw)
	if err != nil {
		return err
	}
	if err := st.SetAdminHash(name, h, store.AuditEntry{Who: "serve", Role: "admin", From: "environment", Resource: "admin " + name + " secret"}); err != nil {
		return fmt.Errorf("admin %s from EXECASSIST_ADMIN_SECRET: %w", name, err)
	}
	log.Info().Str("admin", name).Msg("the admin from EXECASSIST_ADMIN_SECRET is set: sign in to the page with that name and secret")
	return nil
}

// signIns counts who can sign in to the page: the YAML's admins, the admin from the
// environment, and users with a secret.
func signIns(st *store.Store) (admins, users int) {
	snap := st.Snapshot()
	admins = len(snap.Provisioned.Admins)
	if h, err := st.AdminHash(cmp.Or(os.Getenv("EXECASSIST_ADMIN_NAME"), "admin")); err == nil && h != "" {
		admins++
	}
	for _, u := range snap.Config.Users {
		if h, err := st.SecretHash(u.Extension); err == nil && h != "" {
			users++
		}
	}
	return admins, users
}

// reportSignIn says, in one line at start, where the page is and who can use it, or how
// to let someone in when nobody can.
func reportSignIn(st *store.Store, s settings, log zerolog.Logger) {
	if s.Listen == "" {
		log.Info().Msg("no listener (listen, --listen, EXECASSIST_LISTEN): no page, API, /metrics or /healthz")
		return
	}
	admins, users := signIns(st)
	url := pageURL(s.Listen, s.TLSCert != "")
	if admins+users == 0 {
		log.Warn().Str("page", url).Msg("nobody can sign in to the page: set EXECASSIST_ADMIN_SECRET (an admin named admin) or give users a secret with `execassist user passwd EXT` (or secret_hash in the YAML)")
		return
	}
	log.Info().Str("page", url).Int("admins", admins).Int("users_with_secret", users).Msg("the page is at " + url)
}

// pageURL is the page's address as people open it (a wildcard listener on this host).
func pageURL(listen string, tls bool) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
		if h, err := os.Hostname(); err == nil && h != "" {
			host = h
		}
	}
	scheme := "http"
	if tls {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + "/"
}
