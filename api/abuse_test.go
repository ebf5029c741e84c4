package api

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
)

// from is a client whose connections come from the loopback address addr (127.0.0.x):
// sign-in limits are kept per source address.
func (r *rig) from(addr string) *client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}}
	return &client{r: r, http: &http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}}
}

func (c *client) signIn(user, secret string) (int, string) {
	c.r.t.Helper()
	return c.do("POST", "/v1/login", map[string]string{"user": user, "secret": secret}, nil)
}

// TestLockoutIsPerAddressWithABackstop: guesses from one address lock the name for that
// address only (the executive still signs in from her desk); one address guessing at
// many names is locked for all of them; guesses at one name from many addresses lock it
// for new addresses, never for the ones its owner signed in from before.
func TestLockoutIsPerAddressWithABackstop(t *testing.T) {
	r := newRig(t)
	desk, attacker := r.from("127.0.0.3"), r.from("127.0.0.2")
	if code, body := desk.signIn("1001", "secret-1001"); code != 200 {
		t.Fatalf("desk: %d %s", code, body)
	}
	for range lockAfter {
		attacker.signIn("1001", "guess")
	}
	if code, _ := attacker.signIn("1001", "secret-1001"); code != 429 {
		t.Fatalf("the attacker's address was not locked: %d", code)
	}
	if code, body := desk.signIn("1001", "secret-1001"); code != 200 {
		t.Fatalf("the executive was locked out from her desk by someone else's guesses: %d %s", code, body)
	}
	if code, body := r.from("127.0.0.4").signIn("1001", "secret-1001"); code != 200 {
		t.Fatalf("from a third address: %d %s", code, body)
	}

	// One address, many names: after addrLockAfter failures every name is refused there.
	sprayer := r.from("127.0.0.5")
	names := []string{"root", "1001", "1002", "1003", "1004", "1005"}
	for i := range addrLockAfter {
		sprayer.signIn(names[i/lockAfter], "guess")
	}
	if code, _ := sprayer.signIn("1006", "secret-1006"); code != 429 {
		t.Fatalf("a spraying address still signs in: %d", code)
	}
	if code, _ := r.from("127.0.0.6").signIn("1006", "secret-1006"); code != 200 {
		t.Fatalf("1006 from elsewhere: %d", code)
	}

	// Many addresses, one name: the backstop locks 1002 for addresses it never used.
	if code, _ := r.from("127.0.0.7").signIn("1002", "secret-1002"); code != 200 {
		t.Fatal(code)
	}
	for i := range nameLockAfter {
		r.from(fmt.Sprintf("127.0.1.%d", i/lockAfter+1)).signIn("1002", "guess")
	}
	if code, _ := r.from("127.0.2.1").signIn("1002", "secret-1002"); code != 429 {
		t.Fatalf("a new address during a distributed guess: %d", code)
	}
	if code, body := r.from("127.0.0.7").signIn("1002", "secret-1002"); code != 200 {
		t.Fatalf("1002's own address during a distributed guess: %d %s", code, body)
	}
}

// TestMadeUpNamesDoNotSwitchLockingOff: a failure table filled with 10,000 made-up names
// (from as many addresses) stays bounded, and a real name still locks after lockAfter.
func TestMadeUpNamesDoNotSwitchLockingOff(t *testing.T) {
	l := newLockout()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for i := range 2 * maxTracked {
		l.failed(fmt.Sprintf("nobody%d", i), fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), false, now)
	}
	if len(l.byNameAddr) > maxTracked || len(l.byAddr) > maxTracked || len(l.byName) != 0 {
		t.Fatalf("tables grew to %d/%d/%d", len(l.byNameAddr), len(l.byAddr), len(l.byName))
	}
	var last *apiError
	for range lockAfter {
		last = l.failed("1001", "192.0.2.1", true, now)
	}
	if last.status != 429 || l.check("1001", "192.0.2.1", now) == nil {
		t.Fatalf("the real name was not locked after a flood of made-up ones: %+v", last)
	}
}

// TestEventStreamsAreCapped: a sign-in, a user and the server each have a cap on open
// event streams; beyond it the answer is 429 with Retry-After, and a closed stream frees
// its slot.
func TestEventStreamsAreCapped(t *testing.T) {
	r := newRig(t)
	small := New(Options{App: r.app, Store: r.store, Log: zerolog.Nop(), Clock: r.clock, StreamsPerSession: 2, StreamsPerUser: 3, Streams: 4})
	srv := httptest.NewServer(small)
	t.Cleanup(srv.Close)
	r.srv = srv
	open := func(c *client) (int, string, func()) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/v1/events", nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cancel(); resp.Body.Close() })
		return resp.StatusCode, resp.Header.Get("Retry-After"), func() { cancel(); resp.Body.Close() }
	}
	a1, a2 := r.login("1002"), r.login("1002")
	for _, c := range []*client{a1, a1} {
		if code, _, _ := open(c); code != 200 {
			t.Fatalf("stream within the caps: %d", code)
		}
	}
	if code, ra, _ := open(a1); code != 429 || ra == "" {
		t.Fatalf("third stream of one sign-in: %d %q", code, ra)
	}
	_, _, closeIt := open(a2)
	if code, _, _ := open(a2); code != 429 {
		t.Fatalf("fourth stream of one user: %d", code)
	}
	if code, _, _ := open(r.login("1001")); code != 200 {
		t.Fatalf("another user's stream: %d", code)
	}
	if code, _, _ := open(r.login("1003")); code != 429 {
		t.Fatalf("a stream beyond the server's cap: %d", code)
	}
	closeIt()
	r.eventually("the slot to be freed", func() bool { code, _, c := open(r.login("1003")); c(); return code == 200 })
}

// TestAnEventStreamEndsWithItsSession: sign-out ends the session's streams at once; a
// session left unused until it expires ends its stream too.
func TestAnEventStreamEndsWithItsSession(t *testing.T) {
	r := newRig(t)
	c := r.login("1002")
	events := c.events()
	c.do("POST", "/v1/logout", nil, nil)
	r.ended(events, "sign-out")

	c = r.login("1002")
	events = c.events()
	r.eventually("the stream to be open", func() bool { return r.openStreams() == 1 })
	r.clock.Advance(8*time.Hour + time.Second)
	r.ended(events, "expiry")
}

func (r *rig) openStreams() int {
	r.api.streams.mu.Lock()
	defer r.api.streams.mu.Unlock()
	return r.api.streams.open
}

// ended waits until the stream closes (5 s at most).
func (r *rig) ended(events <-chan sseEvent, why string) {
	r.t.Helper()
	r.await(events, func(_ sseEvent, open bool) bool { return !open }, "the event stream outlived its session's "+why)
}

// TestSignInWorkIsBounded: with every argon2 turn taken, sign-ins beyond the queue are
// refused at once (503), a second one from the same address is 429, and a client that
// hangs up while waiting leaves the queue without costing a hash.
func TestSignInWorkIsBounded(t *testing.T) {
	r := newRig(t)
	a := r.api.auth
	for range verifiers {
		a.verify <- struct{}{} // every turn taken, as by slow hashes
	}
	released := false
	release := func() {
		if !released {
			for range verifiers {
				<-a.verify
			}
			released = true
		}
	}
	defer release()
	// Clients that wait in the queue, then hang up.
	ctx, hangUp := context.WithCancel(context.Background())
	defer hangUp()
	results := make(chan int, maxWaiting)
	for i := range maxWaiting {
		c := r.from(fmt.Sprintf("127.0.3.%d", i/perAddress+1)) // each address at its limit
		go func() {
			req, _ := http.NewRequestWithContext(ctx, "POST", r.srv.URL+"/v1/login", strings.NewReader(`{"user":"1001","secret":"secret-1001"}`))
			resp, err := c.http.Do(req)
			if err != nil {
				results <- 0
				return
			}
			resp.Body.Close()
			results <- resp.StatusCode
		}()
	}
	r.eventually("the queue to fill", func() bool { a.mu.Lock(); defer a.mu.Unlock(); return a.waiting == maxWaiting })
	if code, body := r.from("127.0.4.1").signIn("1001", "secret-1001"); code != 503 || !strings.Contains(body, "busy") {
		t.Fatalf("a sign-in beyond the queue: %d %s", code, body)
	}
	if code, body := r.from("127.0.3.1").signIn("1001", "secret-1001"); code != 429 {
		t.Fatalf("a sign-in from an address with %d in progress: %d %s", perAddress, code, body)
	}
	hangUp()
	for range maxWaiting {
		if code := <-results; code != 0 {
			t.Fatalf("a queued sign-in answered %d while every turn was taken", code)
		}
	}
	r.eventually("the clients that left to leave the queue", func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.waiting == 0 && len(a.inflight) == 0
	})
	release()
	if code, body := r.from("127.0.4.1").signIn("1001", "secret-1001"); code != 200 {
		t.Fatalf("a sign-in once the flood is gone: %d %s", code, body)
	}
}
