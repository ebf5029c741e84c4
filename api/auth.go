package api

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/execassist/execassist/app/policy"
	"github.com/execassist/execassist/internal/clock"
	"github.com/execassist/execassist/internal/secret"
	"github.com/execassist/execassist/store"
)

// cookieName is the page's session cookie.
const cookieName = "execassist_session"

// Lockout: after lockAfter failed sign-ins in a row a name is refused for lockBase,
// doubling with each further failure up to lockMax, whatever the secret.
const (
	lockAfter  = 5
	lockBase   = 30 * time.Second
	lockMax    = 15 * time.Minute
	maxTracked = 10_000 // names with failures remembered (bounded: attackers make up names)
)

// authenticator owns the sign-in state: sessions by token hash and failures by name,
// both behind its mutex.
type authenticator struct {
	store  *store.Store
	clock  clock.Clock
	ttl    time.Duration
	secure bool
	// verify bounds concurrent argon2 checks (64 MiB each): a burst of sign-ins cannot
	// exhaust memory.
	verify chan struct{}

	mu       sync.Mutex
	sessions map[[32]byte]*session
	failures map[string]*failures
}

type session struct {
	who      policy.Principal
	csrf     string
	lastSeen time.Time
}

type failures struct {
	count int
	until time.Time
}

func newAuthenticator(st *store.Store, c clock.Clock, ttl time.Duration, secure bool) *authenticator {
	return &authenticator{store: st, clock: c, ttl: ttl, secure: secure, verify: make(chan struct{}, 2),
		sessions: map[[32]byte]*session{}, failures: map[string]*failures{}}
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

var errBadCredentials = errorf(http.StatusUnauthorized, "bad_credentials", "", "wrong user or secret")

// dummyHash keeps an unknown user's sign-in as slow as a known one's.
var dummyHash, _ = secret.Hash("execassist-dummy-secret")

// login checks name and secret; it returns the session token and CSRF token.
func (a *authenticator) login(name, pw string) (token string, s *session, err error) {
	now := a.clock.Now()
	a.mu.Lock()
	if f := a.failures[name]; f != nil && now.Before(f.until) {
		a.mu.Unlock()
		return "", nil, locked(f.until.Sub(now))
	}
	a.mu.Unlock()

	who, hash := a.principal(name)
	if hash == "" {
		hash = dummyHash
	}
	a.verify <- struct{}{}
	verr := secret.Verify(pw, hash)
	<-a.verify
	if who == nil || verr != nil {
		return "", nil, a.failed(name, now)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.failures, name)
	token = randomToken()
	s = &session{who: *who, csrf: randomToken(), lastSeen: now}
	a.sessions[sha256.Sum256([]byte(token))] = s
	return token, s, nil
}

func locked(d time.Duration) *apiError {
	secs := int(d.Round(time.Second) / time.Second)
	e := errorf(http.StatusTooManyRequests, "locked", "", "too many failed sign-ins: try again in %d s", secs)
	e.header = http.Header{"Retry-After": {strconv.Itoa(secs)}}
	return e
}

func (a *authenticator) failed(name string, now time.Time) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	f := a.failures[name]
	if f == nil {
		if len(a.failures) >= maxTracked {
			for n, old := range a.failures {
				if now.After(old.until) {
					delete(a.failures, n)
				}
			}
		}
		if len(a.failures) >= maxTracked {
			return errBadCredentials
		}
		f = &failures{}
		a.failures[name] = f
	}
	f.count++
	if f.count >= lockAfter {
		d := lockBase << min(f.count-lockAfter, 10)
		f.until = now.Add(min(d, lockMax))
		return locked(f.until.Sub(now))
	}
	return errBadCredentials
}

// principal finds who signs in as name: an admin of the YAML, or a user with a secret.
func (a *authenticator) principal(name string) (*policy.Principal, string) {
	snap := a.store.Snapshot()
	for _, ad := range snap.Provisioned.Admins {
		if ad.Name == name {
			return &policy.Principal{Name: name, Admin: true}, ad.SecretHash
		}
	}
	if snap.Config.User(name) == nil {
		return nil, ""
	}
	h, err := a.store.SecretHash(name)
	if err != nil || h == "" {
		return nil, ""
	}
	return &policy.Principal{Name: name}, h
}

// authenticate finds the session of a request: a bearer token (scripts) or the cookie
// (the page; viaCookie tells the caller to demand the CSRF token on writes).
func (a *authenticator) authenticate(r *http.Request) (policy.Principal, bool, error) {
	token, viaCookie := "", false
	if h := r.Header.Get("Authorization"); h != "" {
		t, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return policy.Principal{}, false, errorf(http.StatusUnauthorized, "unauthenticated", "", "Authorization must be Bearer <token>")
		}
		token = t
	} else if c, err := r.Cookie(cookieName); err == nil {
		token, viaCookie = c.Value, true
	}
	if token == "" {
		return policy.Principal{}, false, errorf(http.StatusUnauthorized, "unauthenticated", "", "sign in first (POST /v1/login)")
	}
	s, err := a.session(token)
	if err != nil {
		return policy.Principal{}, false, err
	}
	return s.who, viaCookie, nil
}

func (a *authenticator) session(token string) (*session, error) {
	key := sha256.Sum256([]byte(token))
	now := a.clock.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.sessions[key]
	if s == nil {
		return nil, errorf(http.StatusUnauthorized, "unauthenticated", "", "not signed in (or signed out): sign in again")
	}
	if now.Sub(s.lastSeen) > a.ttl {
		delete(a.sessions, key)
		return nil, errorf(http.StatusUnauthorized, "expired", "", "the session expired: sign in again")
	}
	s.lastSeen = now
	return s, nil
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
	a.mu.Lock()
	delete(a.sessions, sha256.Sum256([]byte(token)))
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
	token, sess, err := s.auth.login(b.User, b.Secret)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) {
			s.log.Warn().Str("user", b.User).Str("from", r.RemoteAddr).Str("code", ae.code).Msg("sign-in refused")
		}
		return err
	}
	s.log.Info().Str("user", b.User).Str("from", r.RemoteAddr).Msg("signed in")
	http.SetCookie(w, s.auth.cookie(token))
	writeJSON(w, http.StatusOK, loginReply{User: sess.who.Name, Admin: sess.who.Admin, Token: token, CSRFToken: sess.csrf})
	return nil
}

func handleLogout(s *Server, w http.ResponseWriter, r *request) error {
	s.auth.logout(r.Request)
	c := s.auth.cookie("")
	c.MaxAge = -1
	http.SetCookie(w, c)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
