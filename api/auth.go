package api

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/execassist/execassist/internal/clock"
	"github.com/execassist/execassist/internal/secret"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

// cookieName is the page's session cookie.
const cookieName = "execassist_session"

// Sign-in work is bounded: argon2 checks (64 MiB each) run verifiers at a time,
// at most maxWaiting more wait for a turn (beyond: 503 at once), and one address has at
// most perAddress sign-ins in progress (beyond: 429). A client that hangs up while
// waiting costs no hash.
const (
	verifiers  = 2
	maxWaiting = 16
	perAddress = 2
)

// authenticator owns the sign-in state: sessions by token hash, the lockout tables and
// the sign-ins in progress per address, all behind its mutex.
type authenticator struct {
	log    zerolog.Logger
	store  *store.Store
	clock  clock.Clock
	ttl    time.Duration
	secure bool
	verify chan struct{} // a turn at argon2

	mu       sync.Mutex
	sessions map[[32]byte]*session
	lock     *lockout
	inflight map[string]int // address -> sign-ins waiting or hashing
	waiting  int
}

// session is one sign-in. ended is closed when it ends (sign-out or expiry), which
// ends its event streams. It is kept in the store too (under key, the hash of its
// token), so that a restart of serve signs nobody out; stored is when its last use was
// last written there.
type session struct {
	key      [32]byte
	who      Principal
	csrf     string
	lastSeen time.Time
	stored   time.Time
	ended    chan struct{}
}

// csrfFor is the CSRF token of the session with token: derived from it, so that a
// session restored from the store (which keeps no token) has the same one.
func csrfFor(token string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("execassist csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func newAuthenticator(log zerolog.Logger, st *store.Store, c clock.Clock, ttl time.Duration, secure bool) *authenticator {
	return &authenticator{log: log, store: st, clock: c, ttl: ttl, secure: secure, verify: make(chan struct{}, verifiers),
		sessions: map[[32]byte]*session{}, lock: newLockout(), inflight: map[string]int{}}
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

var errBadCredentials = errorf(http.StatusUnauthorized, "bad_credentials", "", "wrong user or secret")

// dummyHash keeps an unknown user's sign-in as slow as a known one's.
var dummyHash, _ = secret.Hash("execassist-dummy-secret")

var errSignInBusy = func() *apiError {
	e := errorf(http.StatusServiceUnavailable, "busy", "", "too many sign-ins at once: try again in a moment")
	e.header = http.Header{"Retry-After": {"2"}}
	return e
}()

var errTooManyFromAddress = func() *apiError {
	e := errorf(http.StatusTooManyRequests, "too_many_requests", "", "a sign-in from this address is already in progress: wait for it")
	e.header = http.Header{"Retry-After": {"1"}}
	return e
}()

// errStoreDown: the secret cannot be checked, which is not the user's failure.
var errStoreDown = func() *apiError {
	e := errorf(http.StatusServiceUnavailable, "store_unavailable", "",
		"the settings store cannot be reached, so the secret cannot be checked (this did not count as a failed sign-in): try again in a moment")
	e.header = http.Header{"Retry-After": {"10"}}
	return e
}()

// login checks name and secret for a client at addr; it returns the session token and
// the session. ctx is the request's: a client that is gone gets no hash.
func (a *authenticator) login(ctx context.Context, name, pw, addr string) (token string, s *session, err error) {
	a.mu.Lock()
	if e := a.lock.check(name, addr, a.clock.Now()); e != nil {
		a.mu.Unlock()
		return "", nil, e
	}
	switch {
	case a.inflight[addr] >= perAddress:
		a.mu.Unlock()
		return "", nil, errTooManyFromAddress
	case a.waiting >= maxWaiting:
		a.mu.Unlock()
		return "", nil, errSignInBusy
	}
	a.inflight[addr]++
	a.waiting++
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		if a.inflight[addr]--; a.inflight[addr] <= 0 {
			delete(a.inflight, addr)
		}
		a.mu.Unlock()
	}()
	select {
	case a.verify <- struct{}{}:
	case <-ctx.Done():
		a.mu.Lock()
		a.waiting--
		a.mu.Unlock()
		return "", nil, ctx.Err()
	}
	a.mu.Lock()
	a.waiting--
	a.mu.Unlock()
	defer func() { <-a.verify }()
	if ctx.Err() != nil {
		return "", nil, ctx.Err()
	}
	who, hash, err := a.principal(name)
	if err != nil {
		if errors.Is(err, store.ErrUnavailable) {
			return "", nil, errStoreDown
		}
		return "", nil, err
	}
	if hash == "" {
		hash = dummyHash
	}
	verr := secret.Verify(pw, hash)
	now := a.clock.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	if who == nil || verr != nil {
		return "", nil, a.lock.failed(name, addr, who != nil, now)
	}
	a.lock.succeeded(name, addr, now)
	token = randomToken()
	s = &session{key: sha256.Sum256([]byte(token)), who: *who, csrf: csrfFor(token), lastSeen: now, stored: now, ended: make(chan struct{})}
	a.sessions[s.key] = s
	a.keep(s, now)
	return token, s, nil
}

// keep writes s to the store (who, last use); a store that cannot take it leaves the
// session in memory only (it ends with this serve).
func (a *authenticator) keep(s *session, seen time.Time) {
	if err := a.store.PutSession(s.key, store.SessionRecord{User: s.who.Name, Admin: s.who.Admin, LastSeen: seen}); err != nil {
		a.log.Warn().Err(err).Str("user", s.who.Name).Msg("session not kept in the store: a restart signs it out")
	}
	if _, err := a.store.PruneSessions(seen.Add(-a.ttl)); err != nil {
		a.log.Debug().Err(err).Msg("expired sessions not pruned")
	}
}

// restore finds a session another serve (before a restart, or another node) created:
// it must be in the store, not expired, and its user must still be able to sign in.
func (a *authenticator) restore(token string, key [32]byte, now time.Time) (*session, error) {
	rec, ok, err := a.store.Session(key)
	switch {
	case err != nil:
		return nil, errStoreDown
	case !ok:
		return nil, errorf(http.StatusUnauthorized, "unauthenticated", "", "not signed in (or signed out): sign in again")
	case now.Sub(rec.LastSeen) > a.ttl:
		_ = a.store.DeleteSession(key)
		return nil, errorf(http.StatusUnauthorized, "expired", "", "the session expired: sign in again")
	}
	who, _, err := a.principal(rec.User)
	if err != nil {
		return nil, errStoreDown
	}
	if who == nil || who.Admin != rec.Admin {
		_ = a.store.DeleteSession(key)
		return nil, errorf(http.StatusUnauthorized, "unauthenticated", "", "not signed in (or signed out): sign in again")
	}
	s := &session{key: key, who: *who, csrf: csrfFor(token), lastSeen: rec.LastSeen, stored: rec.LastSeen, ended: make(chan struct{})}
	a.mu.Lock()
	defer a.mu.Unlock()
	if had := a.sessions[key]; had != nil {
		return had, nil // restored by a request at the same time
	}
	a.sessions[key] = s
	return s, nil
}

// principal finds who signs in as name: an admin of the YAML or of the environment, or
// a user with a secret;
// nil for no one. An error means the store could not say (etcd unreachable).
func (a *authenticator) principal(name string) (*Principal, string, error) {
	snap := a.store.Snapshot()
	for _, ad := range snap.Provisioned.Admins {
		if ad.Name == name {
			return &Principal{Name: name, Admin: true}, ad.SecretHash, nil
		}
	}
	if snap.Config.User(name) == nil {
		h, err := a.store.AdminHash(name) // the admin serve created from EXECASSIST_ADMIN_SECRET
		if err != nil || h == "" {
			return nil, "", err
		}
		return &Principal{Name: name, Admin: true}, h, nil
	}
	h, err := a.store.SecretHash(name)
	if err != nil {
		return nil, "", fmt.Errorf("secret of %s: %w", name, err)
	}
	if h == "" {
		return nil, "", nil
	}
	return &Principal{Name: name}, h, nil
}

// authenticate finds the session of a request: a bearer token (scripts) or the cookie
// (the page; viaCookie tells the caller to demand the CSRF token on writes).
func (a *authenticator) authenticate(r *http.Request) (*session, bool, error) {
	token, viaCookie := "", false
	if h := r.Header.Get("Authorization"); h != "" {
		t, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, false, errorf(http.StatusUnauthorized, "unauthenticated", "", "Authorization must be Bearer <token>")
		}
		token = t
	} else if c, err := r.Cookie(cookieName); err == nil {
		token, viaCookie = c.Value, true
	}
	if token == "" {
		return nil, false, errorf(http.StatusUnauthorized, "unauthenticated", "", "sign in first (POST /v1/login)")
	}
	s, err := a.session(token)
	if err != nil {
		return nil, false, err
	}
	return s, viaCookie, nil
}

// session finds the session of token: in memory, else in the store (kept by a serve
// before a restart, or by another node). Its last use is written to the store at most
// every tenth of the session lifetime.
func (a *authenticator) session(token string) (*session, error) {
	key := sha256.Sum256([]byte(token))
	now := a.clock.Now()
	a.mu.Lock()
	s := a.sessions[key]
	a.mu.Unlock()
	if s == nil {
		var err error
		if s, err = a.restore(token, key, now); err != nil {
			return nil, err
		}
	}
	a.mu.Lock()
	if now.Sub(s.lastSeen) > a.ttl {
		a.end(s)
		a.mu.Unlock()
		return nil, errorf(http.StatusUnauthorized, "expired", "", "the session expired: sign in again")
	}
	s.lastSeen = now
	write := now.Sub(s.stored) > a.ttl/10
	if write {
		s.stored = now
	}
	a.mu.Unlock()
	if write {
		a.keep(s, now)
	}
	return s, nil
}

// end removes a session, from the store too, and closes its ended channel, once. a.mu
// is held.
func (a *authenticator) end(s *session) {
	if a.sessions[s.key] == s {
		delete(a.sessions, s.key)
		close(s.ended)
		if err := a.store.DeleteSession(s.key); err != nil {
			a.log.Warn().Err(err).Str("user", s.who.Name).Msg("ended session not removed from the store; it expires there")
		}
	}
}

// remaining is how long s lasts unused from now; 0 or less ends it (and ends it).
func (a *authenticator) remaining(s *session) time.Duration {
	a.mu.Lock()
	defer a.mu.Unlock()
	left := a.ttl - a.clock.Now().Sub(s.lastSeen)
	if left <= 0 {
		a.end(s)
	}
	return left
}

// checkCSRF: a cookie-authenticated write must carry the session's CSRF token in
// X-CSRF-Token (a cross-site form cannot read it).
func (a *authenticator) checkCSRF(r *http.Request) error {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return errorf(http.StatusForbidden, "csrf", "", "missing session cookie")
	}
	s, err := a.session(c.Value)
	if err != nil {
		return err
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) != 1 {
		return errorf(http.StatusForbidden, "csrf", "", "missing or wrong X-CSRF-Token header")
	}
	return nil
}

// csrfOf returns the CSRF token of a cookie session, so that the page, reloaded, can
// write again without a new sign-in (a cross-site page cannot read the answer: no CORS).
func (a *authenticator) csrfOf(r *http.Request) string {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return ""
	}
	s, err := a.session(c.Value)
	if err != nil {
		return ""
	}
	return s.csrf
}

func (a *authenticator) logout(r *http.Request) {
	token := ""
	if h, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		token = h
	} else if c, err := r.Cookie(cookieName); err == nil {
		token = c.Value
	}
	if token == "" {
		return
	}
	s, err := a.session(token) // one kept by a serve before a restart too
	if err != nil {
		return
	}
	a.mu.Lock()
	a.end(s)
	a.mu.Unlock()
}

func (a *authenticator) cookie(token string) *http.Cookie {
	return &http.Cookie{Name: cookieName, Value: token, Path: "/", HttpOnly: true, Secure: a.secure,
		SameSite: http.SameSiteStrictMode, MaxAge: int(a.ttl / time.Second)}
}

// loginBody is POST /v1/login.
type loginBody struct {
	User   string `json:"user"`
	Secret string `json:"secret"`
}

// loginReply says who signed in, the bearer token (scripts) and the CSRF token (the
// page, which also gets the cookie).
type loginReply struct {
	User      string `json:"user"`
	Admin     bool   `json:"admin,omitempty"`
	Token     string `json:"token"`
	CSRFToken string `json:"csrfToken"`
}

func handleLogin(s *Server, w http.ResponseWriter, r *request) error {
	var b loginBody
	if err := decode(r, &b); err != nil {
		return err
	}
	if b.User == "" || len(b.User) > 64 || b.Secret == "" {
		return errBadCredentials
	}
	token, sess, err := s.auth.login(r.Context(), b.User, b.Secret, sourceAddress(r.Request))
	if err != nil {
		var ae *apiError
		switch {
		case errors.As(err, &ae):
			s.log.Warn().Str("user", b.User).Str("from", r.RemoteAddr).Str("code", ae.code).Msg("sign-in refused")
		case r.Context().Err() != nil:
			return nil // the client is gone: nobody to answer
		default:
			s.log.Error().Err(err).Str("user", b.User).Msg("sign-in failed")
		}
		return err
	}
	s.log.Info().Str("user", b.User).Str("from", r.RemoteAddr).Msg("signed in")
	http.SetCookie(w, s.auth.cookie(token))
	writeJSON(w, http.StatusOK, loginReply{User: sess.who.Name, Admin: sess.who.Admin, Token: token, CSRFToken: sess.csrf})
	return nil
}

// sourceAddress is the address sign-in limits are kept for: the peer's IP (a
// forwarded-for header is the client's to forge, so it is not read).
func sourceAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func handleLogout(s *Server, w http.ResponseWriter, r *request) error {
	s.auth.logout(r.Request)
	c := s.auth.cookie("")
	c.MaxAge = -1
	http.SetCookie(w, c)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
