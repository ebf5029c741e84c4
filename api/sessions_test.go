package api

import (
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

// restarted is the rig after a restart of serve: a new API server (no sessions in
// memory) on the same store, at a new address.
func (r *rig) restarted() *rig {
	r.t.Helper()
	s := New(Options{App: r.app, Store: r.store, Log: zerolog.Nop(), Clock: r.clock, Hash: cheapHash})
	srv := httptest.NewServer(s)
	r.t.Cleanup(srv.Close)
	next := *r
	next.srv, next.api = srv, s
	return &next
}

// follow moves a client to the restarted rig next, its cookie with it.
func (c *client) follow(next *rig) {
	if c.cookie {
		from, _ := url.Parse(c.r.srv.URL)
		to, _ := url.Parse(next.srv.URL)
		c.http.Jar.SetCookies(to, c.http.Jar.Cookies(from))
	}
	c.r = next
}

// TestSessionsSurviveARestartOfServe: a deploy signs nobody out. A script's bearer token
// and the page's cookie (with its CSRF token) still work on the restarted serve; a
// sign-out there ends the session for good; an expired one stays expired; and the
// store holds no token, only its hash.
func TestSessionsSurviveARestartOfServe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	r := newRigOn(t, func() (*store.Store, error) { return store.Open(path, store.Options{}) })
	script := r.login("1001")
	page := r.loginCookie("1002")
	oldCSRF := page.csrf
	r2 := r.restarted()
	script.follow(r2)
	page.follow(r2)
	if code, body := script.do("GET", "/v1/me", nil, nil); code != 200 || !strings.Contains(body, `"user":"1001"`) {
		t.Fatalf("the script after the restart: %d %s", code, body)
	}
	if code, body := page.do("GET", "/v1/me", nil, nil); code != 200 || !strings.Contains(body, oldCSRF) {
		t.Fatalf("the page after the restart: %d %s", code, body)
	}
	if code, body := page.do("PUT", "/v1/people/1002/doNotDisturb", map[string]bool{"enabled": true}, nil); code != 200 {
		t.Fatalf("a write with the page's CSRF token after the restart: %d %s", code, body)
	}
	if code, _ := page.do("PUT", "/v1/people/1002/doNotDisturb", map[string]bool{"enabled": false}, map[string]string{"X-CSRF-Token": "forged"}); code != 403 {
		t.Fatalf("a forged CSRF token after the restart: %d", code)
	}

	if code, _ := script.do("POST", "/v1/logout", nil, nil); code/100 != 2 {
		t.Fatalf("logout: %d", code)
	}
	r3 := r2.restarted()
	script.follow(r3)
	if code, _ := script.do("GET", "/v1/me", nil, nil); code != 401 {
		t.Fatalf("a signed-out token after another restart: %d", code)
	}

	r.clock.Advance(9 * time.Hour) // past the 8 h a session lasts unused
	r4 := r3.restarted()
	page.follow(r4)
	if code, body := page.do("GET", "/v1/me", nil, nil); code != 401 || !strings.Contains(body, "expired") {
		t.Fatalf("an expired session after a restart: %d %s", code, body)
	}

	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), script.token) {
		t.Fatal("the store holds a session token")
	}
}
