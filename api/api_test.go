package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/ari"
	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/clock"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/poll"
	"github.com/execassist/execassist/internal/secret"
	"github.com/execassist/execassist/store"
	"github.com/rs/zerolog"
)

// testYAML: executive 1001 (pool 1002, 1003; opt-in/out allowed), executive 1006
// (pool 1004), users 1005 without service, the organisation's number list Board; everyone's secret is "secret-<ext>", the
// admin's "secret-root".
const testYAML = `
dialing: {outbound: 'Local/{number}@execassist-outbound'}
schedules: {office: {timezone: UTC, weekly: [{days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00"}]}}
admins: [{name: root, secret_hash: '%root%'}]
lists: {Board: ["+1666??12"]}
users:
  - {extension: "1001", name: Erin Exec, devices: [PJSIP/1001], secret_hash: '%1001%',
     executive: {assistants: ["1002", "1003"], allow_opt_in_out: true, filtering: {enabled: true, mode: all}}}
  - {extension: "1002", name: Ann Assist, devices: [PJSIP/1002], secret_hash: '%1002%', assistant: {}}
  - {extension: "1003", name: Alan Assist, devices: [PJSIP/1003], secret_hash: '%1003%', assistant: {}}
  - {extension: "1004", name: Ada Assist, devices: [PJSIP/1004], secret_hash: '%1004%', assistant: {}}
  - {extension: "1005", name: Uma User, devices: [PJSIP/1005], secret_hash: '%1005%'}
  - {extension: "1006", name: Eve Exec, devices: [PJSIP/1006], secret_hash: '%1006%', executive: {assistants: ["1004"]}}
`

type rig struct {
	t     testing.TB
	srv   *httptest.Server
	api   *Server
	store *store.Store
	fake  *aritest.Server
	app   *app.App
	clock *clock.Fake
}

func newRig(t testing.TB) *rig {
	t.Helper()
	return newRigOn(t, func() (*store.Store, error) { return store.Open(filepath.Join(t.TempDir(), "x.db"), store.Options{}) })
}

// newRigOn builds a rig whose app and API use the store open returns.
func newRigOn(t testing.TB, open func() (*store.Store, error)) *rig {
	t.Helper()
	y := testYAML
	for _, who := range []string{"root", "1001", "1002", "1003", "1004", "1005", "1006"} {
		h, err := secret.HashWith("secret-"+who, secret.Params{Memory: 64, Time: 1, Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		y = strings.Replace(y, "%"+who+"%", h, 1)
	}
	cfg, err := config.LoadBytes("t.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	st, err := open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Import(cfg, store.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	fake := aritest.New(aritest.Options{})
	t.Cleanup(fake.Close)
	for _, ext := range []string{"1001", "1002", "1003", "1004", "1005", "1006"} {
		fake.AddPhone(aritest.Phone{Endpoint: "PJSIP/" + ext, Number: ext})
	}
	fake.AddPhone(aritest.Phone{Endpoint: "PJSIP/trunk", Number: "+15557770000"})
	cli, err := ari.New(ari.Options{URL: fake.URL, Username: fake.Username, Password: fake.Password, Application: "execassist"})
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(app.Options{Client: cli, Store: st, Log: zerolog.Nop()})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	c := clock.NewFake(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	s := New(Options{App: a, Store: st, Log: zerolog.Nop(), Clock: c, Hash: cheapHash})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	r := &rig{t: t, srv: srv, api: s, store: st, fake: fake, app: a, clock: c}
	r.eventually("the app to connect", func() bool { return fake.Connections() == 1 })
	return r
}

func (r *rig) eventually(what string, f func() bool) {
	r.t.Helper()
	poll.Until(r.t, 0, what, f)
}

// ringing waits until endpoint has a leg in state Ringing and returns it.
func (r *rig) ringing(endpoint string) string {
	r.t.Helper()
	var leg string
	r.eventually(endpoint+" to ring", func() bool {
		for _, l := range r.fake.ChannelsOn(endpoint) {
			if st, _ := r.fake.ChannelState(l); st == "Ringing" {
				leg = l
			}
		}
		return leg != ""
	})
	return leg
}

// client is a signed-in user: a bearer token, or a cookie jar plus the CSRF token.
type client struct {
	r      *rig
	token  string
	csrf   string
	cookie bool
	http   *http.Client
}

func (r *rig) login(user string) *client {
	r.t.Helper()
	c := &client{r: r, http: &http.Client{}}
	code, body := c.do("POST", "/v1/login", map[string]string{"user": user, "secret": "secret-" + user}, nil)
	if code != 200 {
		r.t.Fatalf("login %s: %d %s", user, code, body)
	}
	var lr loginReply
	json.Unmarshal([]byte(body), &lr)
	c.token, c.csrf = lr.Token, lr.CSRFToken
	return c
}

func (r *rig) loginCookie(user string) *client {
	jar, _ := cookiejar.New(nil)
	c := &client{r: r, http: &http.Client{Jar: jar}, cookie: true}
	code, body := c.do("POST", "/v1/login", map[string]string{"user": user, "secret": "secret-" + user}, nil)
	if code != 200 {
		r.t.Fatalf("login %s: %d %s", user, code, body)
	}
	var lr loginReply
	json.Unmarshal([]byte(body), &lr)
	c.csrf = lr.CSRFToken
	return c
}

// do sends body (a value to encode, or raw []byte / string) and returns status and body.
func (c *client) do(method, path string, body any, hdr map[string]string) (int, string) {
	c.r.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, c.r.srv.URL+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" && !c.cookie {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if c.cookie && c.csrf != "" && method != "GET" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if e := resp.Header.Get("ETag"); e != "" {
		lastETag = e
	}
	return resp.StatusCode, string(b)
}

var lastETag string

// runtime is the stored runtime state as JSON: refusals must leave it unchanged.
func (r *rig) runtime() string {
	b, _ := json.Marshal(r.store.Snapshot().Runtime)
	return string(b)
}

func TestSignInRefusalsAndLockout(t *testing.T) {
	r := newRig(t)
	anon := &client{r: r, http: &http.Client{}}
	for _, tc := range []struct {
		body any
		code int
	}{
		{map[string]string{"user": "1001", "secret": "wrong"}, 401},
		{map[string]string{"user": "9999", "secret": "secret-9999"}, 401},
		{map[string]string{"user": "1001"}, 401},
		{map[string]any{"user": 1001, "secret": "x"}, 400},
		{map[string]string{"user": "1001", "secret": "x", "role": "admin"}, 400},
		{"{", 400},
	} {
		if code, body := anon.do("POST", "/v1/login", tc.body, nil); code != tc.code || !strings.Contains(body, `"error"`) {
			t.Errorf("%v: %d %s", tc.body, code, body)
		}
	}
	// Unauthenticated reads and a made-up token.
	if code, _ := anon.do("GET", "/v1/me", nil, nil); code != 401 {
		t.Errorf("no session: %d", code)
	}
	if code, _ := anon.do("GET", "/v1/me", nil, map[string]string{"Authorization": "Bearer forged"}); code != 401 {
		t.Errorf("forged token: %d", code)
	}
	// 1002: four more failures (five in all) lock the name; the right secret is refused
	// too, with Retry-After; after the wait it works.
	for i := 0; i < 4; i++ {
		anon.do("POST", "/v1/login", map[string]string{"user": "1002", "secret": "guess"}, nil)
	}
	code, body := anon.do("POST", "/v1/login", map[string]string{"user": "1002", "secret": "guess"}, nil)
	if code != 429 || !strings.Contains(body, "locked") {
		t.Fatalf("fifth failure: %d %s", code, body)
	}
	if code, _ := anon.do("POST", "/v1/login", map[string]string{"user": "1002", "secret": "secret-1002"}, nil); code != 429 {
		t.Fatalf("locked account accepted the right secret: %d", code)
	}
	r.clock.Advance(31 * time.Second)
	r.login("1002")
}

func TestSessionExpiresAndLogoutEndsIt(t *testing.T) {
	r := newRig(t)
	c := r.login("1001")
	if code, _ := c.do("GET", "/v1/me", nil, nil); code != 200 {
		t.Fatal(code)
	}
	r.clock.Advance(8*time.Hour + time.Second)
	if code, body := c.do("GET", "/v1/me", nil, nil); code != 401 || !strings.Contains(body, "expired") {
		t.Fatalf("expired session: %d %s", code, body)
	}
	c = r.login("1001")
	c.do("POST", "/v1/logout", nil, nil)
	if code, _ := c.do("GET", "/v1/me", nil, nil); code != 401 {
		t.Fatalf("after logout: %d", code)
	}
}

func TestExecutiveAndAssistantChangeSettingsAsSpecSectionFourSays(t *testing.T) {
	r := newRig(t)
	exec, asst, other := r.login("1001"), r.login("1002"), r.login("1004")

	code, body := exec.do("GET", "/v1/people/me/executive/alert", nil, nil)
	if code != 200 || !strings.Contains(body, `"alertingMode":"SIMULTANEOUS"`) || !strings.Contains(body, `"rolloverAction":"VOICE_MESSAGING"`) {
		t.Fatalf("alert: %d %s", code, body)
	}
	code, body = exec.do("PUT", "/v1/people/me/executive/alert", map[string]any{"alertingMode": "SEQUENTIAL", "nextAssistantNumberOfRings": 3}, nil)
	if code != 200 || !strings.Contains(body, `"alertingMode":"SEQUENTIAL"`) || !strings.Contains(body, `"nextAssistantNumberOfRings":3`) {
		t.Fatalf("put alert: %d %s", code, body)
	}
	if e := r.store.Snapshot().Config.ExecutiveSettings(r.store.Snapshot().Config.User("1001")); e.AlertingMode != "sequential" || e.RingsPerAssistant != 3 {
		t.Fatalf("the next call would not alert sequentially with 3 rings: %+v", e)
	}
	// The assigned assistant changes filtering; the lamp follows.
	code, body = asst.do("PUT", "/v1/people/1001/executive/callFiltering", map[string]any{"enabled": false}, nil)
	if code != 200 || !strings.Contains(body, `"enabled":false`) {
		t.Fatalf("assistant put filtering: %d %s", code, body)
	}
	r.eventually("the BLF lamp to go off", func() bool {
		st, _ := r.fake.DeviceState(app.FilteringDevice("1001"))
		return st == "NOT_INUSE"
	})
	// ... but not the pool; another executive's assistant sees nothing of 1001.
	before := r.runtime()
	for _, tc := range []struct {
		c            *client
		method, path string
		body         any
		code         int
	}{
		{asst, "PUT", "/v1/people/1001/executive/assignedAssistants", map[string]any{"assistantIds": []string{"1002"}}, 403},
		{asst, "GET", "/v1/people/1001/executive/availableAssistants", nil, 403},
		{other, "GET", "/v1/people/1001/executive/callFiltering", nil, 403},
		{other, "PUT", "/v1/people/1001/executive/callFiltering", map[string]any{"enabled": true}, 403},
		{exec, "GET", "/v1/people/1006/executive/alert", nil, 403},
		{exec, "PUT", "/v1/people/1002/executive/assistant", map[string]any{"forwardFilteredCallsEnabled": true}, 403},
		{asst, "PUT", "/v1/people/1003/executive/assistant", map[string]any{"forwardFilteredCallsEnabled": true}, 403},
		{exec, "GET", "/v1/people/4242/executive/alert", nil, 404},
		{exec, "GET", "/v1/people/..%2F1006/executive/alert", nil, 404},
		{exec, "GET", "/v1/people/1001/executive/../../../etc/passwd", nil, 404},
		{exec, "PUT", "/v1/people/me/executive/alert", map[string]any{"alertingMode": "LOUD"}, 400},
		{exec, "PUT", "/v1/people/me/executive/alert", map[string]any{"alertingMode": 3}, 400},
		{exec, "PUT", "/v1/people/me/executive/alert", map[string]any{"bogus": 1}, 400},
		{exec, "PUT", "/v1/people/me/executive/alert", map[string]any{"rolloverAction": "FORWARD", "rolloverForwardToPhoneNumber": ""}, 400},
		{exec, "PUT", "/v1/people/me/executive/alert", map[string]any{"nextAssistantNumberOfRings": 99}, 400},
		{exec, "PUT", "/v1/people/me/executive/assignedAssistants", map[string]any{"assistantIds": []string{"1005"}}, 400},
		{exec, "PUT", "/v1/people/me/executive/alert", bytes.Repeat([]byte(" "), 10<<20), 413},
		{exec, "PUT", "/v1/people/me/executive/alert", `{"alertingMode":"SEQUENTIAL"}{}`, 400},
		{exec, "PUT", "/v1/people/me/executive/alert", "", 400},
	} {
		code, body := tc.c.do(tc.method, tc.path, tc.body, nil)
		if code != tc.code || !strings.Contains(body, `"error"`) {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, code, body, tc.code)
		}
	}
	if after := r.runtime(); after != before {
		t.Fatalf("a refused request changed the runtime state:\n%s\n%s", before, after)
	}
	// A validation error names the API field.
	_, body = exec.do("PUT", "/v1/people/me/executive/alert", map[string]any{"rolloverAction": "FORWARD", "rolloverForwardToPhoneNumber": ""}, nil)
	if !strings.Contains(body, `"field":"rolloverForwardToPhoneNumber"`) {
		t.Errorf("validation error without the field: %s", body)
	}
	// The assistant: own divert and opt-out (1001 allows it).
	code, body = asst.do("PUT", "/v1/people/me/executive/assistant", map[string]any{"forwardFilteredCallsEnabled": true, "forwardToPhoneNumber": "+15559990000",
		"executives": []map[string]any{{"id": "1001", "optInEnabled": false}}}, nil)
	if code != 200 || !strings.Contains(body, `"optInEnabled":false`) {
		t.Fatalf("assistant settings: %d %s", code, body)
	}
	rt := r.store.Snapshot().Runtime.Assistants["1002"]
	if rt.Divert == nil || !rt.Divert.Enabled || rt.OptedIn["1001"] {
		t.Fatalf("runtime %+v", rt)
	}
	// 1004 may not opt out of 1006 (not allowed there).
	if code, body := other.do("PUT", "/v1/people/me/executive/assistant", map[string]any{"executives": []map[string]any{{"id": "1006", "optInEnabled": false}}}, nil); code != 403 {
		t.Fatalf("opt-out where not allowed: %d %s", code, body)
	}
	// Every change is audited with before and after.
	audit, _ := r.store.Audit("", 0)
	if len(audit) != 3 || audit[2].Who != "1001" || !strings.Contains(string(audit[2].Before), "SIMULTANEOUS") || !strings.Contains(string(audit[2].After), "SEQUENTIAL") {
		t.Fatalf("audit %+v", audit)
	}
}

func TestIfMatchStopsASilentOverwrite(t *testing.T) {
	r := newRig(t)
	a, b := r.login("1001"), r.login("1002")
	a.do("GET", "/v1/people/1001/executive/screening", nil, nil)
	seen := lastETag
	if code, _ := b.do("PUT", "/v1/people/1001/executive/screening", map[string]any{"enabled": true}, nil); code != 200 {
		t.Fatal(code)
	}
	before := r.runtime()
	code, body := a.do("PUT", "/v1/people/1001/executive/screening", map[string]any{"alertType": "RING_SPLASH"}, map[string]string{"If-Match": seen})
	if code != 412 || r.runtime() != before {
		t.Fatalf("stale If-Match: %d %s", code, body)
	}
	a.do("GET", "/v1/people/1001/executive/screening", nil, nil)
	if code, _ := a.do("PUT", "/v1/people/1001/executive/screening", map[string]any{"alertType": "RING_SPLASH"}, map[string]string{"If-Match": lastETag}); code != 200 {
		t.Fatalf("fresh If-Match: %d", code)
	}
}

func TestCookieWritesNeedTheCSRFToken(t *testing.T) {
	r := newRig(t)
	c := r.loginCookie("1001")
	if code, _ := c.do("GET", "/v1/people/me/executive/alert", nil, nil); code != 200 {
		t.Fatalf("cookie read: %d", code)
	}
	before := r.runtime()
	if code, body := c.do("PUT", "/v1/people/me/executive/callFiltering", map[string]any{"enabled": false}, map[string]string{"X-CSRF-Token": ""}); code != 403 || !strings.Contains(body, "csrf") {
		t.Fatalf("no CSRF token: %d %s", code, body)
	}
	if code, _ := c.do("PUT", "/v1/people/me/executive/callFiltering", map[string]any{"enabled": false}, map[string]string{"X-CSRF-Token": "forged"}); code != 403 {
		t.Fatalf("wrong CSRF token: %d", code)
	}
	if r.runtime() != before {
		t.Fatal("a write without the CSRF token changed something")
	}
	if code, _ := c.do("PUT", "/v1/people/me/executive/callFiltering", map[string]any{"enabled": false}, nil); code != 200 {
		t.Fatalf("with the CSRF token: %d", code)
	}
}

func TestLiveCallsEventsAndPush(t *testing.T) {
	r := newRig(t)
	asst, otherExec := r.login("1002"), r.login("1006")
	events := asst.events()
	placed := time.Now()
	caller := r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", CallerName: "Bob Caller", Exten: "1001", Args: []string{"exec", "1001"}})
	r.next(events, "call", `"state":"ringing"`)
	t.Logf("the ringing call reached the event stream %s after the call was placed", time.Since(placed).Round(time.Millisecond))
	_, body := asst.do("GET", "/v1/calls", nil, nil)
	var calls Calls
	json.Unmarshal([]byte(body), &calls)
	if len(calls.Items) != 1 || calls.Items[0].Executive != "1001" || calls.Items[0].CallerName != "Bob Caller" {
		t.Fatalf("calls: %s", body)
	}
	id := calls.Items[0].ID
	if _, body := otherExec.do("GET", "/v1/calls", nil, nil); strings.Contains(body, id) {
		t.Fatalf("another executive sees 1001's call: %s", body)
	}
	// Push before anybody answered: refused, nothing rings at the executive.
	if code, _ := asst.do("POST", "/v1/calls/"+id+"/push", nil, nil); code != 409 {
		t.Fatalf("push of a ringing call: %d", code)
	}
	leg := r.ringing("PJSIP/1002")
	r.fake.Answer(leg)
	r.eventually("the call answered at 1002", func() bool {
		calls, _ := r.app.LiveCalls()
		return len(calls) == 1 && calls[0].State == "answered" && calls[0].Assistant == "1002"
	})
	if code, _ := otherExec.do("POST", "/v1/calls/"+id+"/push", nil, nil); code != 404 {
		t.Fatalf("another executive pushed 1001's call: %d", code)
	}
	if code, body := asst.do("POST", "/v1/calls/"+id+"/push", nil, nil); code != 200 {
		t.Fatalf("push: %d %s", code, body)
	}
	r.eventually("the executive's phone to ring", func() bool { return len(r.fake.ChannelsOn("PJSIP/1001")) > 0 })
	r.next(events, "call", `"state":"pushed"`)
	r.fake.Hangup(caller)
	r.next(events, "call-ended", id)
}

// sseEvent is one Server-Sent Event of /v1/events.
type sseEvent struct{ name, data string }

// events opens the client's event stream (closed when the test ends).
func (c *client) events() <-chan sseEvent {
	c.r.t.Helper()
	req, _ := http.NewRequest("GET", c.r.srv.URL+"/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.r.t.Fatal(err)
	}
	c.r.t.Cleanup(func() { resp.Body.Close() })
	out := make(chan sseEvent, 100)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		name := ""
		for sc.Scan() {
			if e, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				name = e
			}
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				out <- sseEvent{name, d}
			}
		}
	}()
	return out
}

// next skips events until one named name whose data contains want (5 s at most).
func (r *rig) next(events <-chan sseEvent, name, want string) sseEvent {
	r.t.Helper()
	return r.await(events, func(e sseEvent, open bool) bool {
		if !open {
			r.t.Fatalf("the stream ended before a %s event with %q", name, want)
		}
		return e.name == name && strings.Contains(e.data, want)
	}, fmt.Sprintf("no %s event with %q on the stream", name, want))
}

// await reads the stream until done(event, still open) says so, failing with missing
// after 5 s; it returns the event that did.
func (r *rig) await(events <-chan sseEvent, done func(e sseEvent, open bool) bool, missing string) sseEvent {
	r.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case e, ok := <-events:
			if done(e, ok) {
				return e
			}
		case <-timeout:
			r.t.Fatalf("%s", missing)
		}
	}
}

// TestOpenAPIDocumentsEveryRoute walks the route table: every route is in the document,
// answers on its path (never 404/405), and without a session every non-public one
// answers 401.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	r := newRig(t)
	anon := &client{r: r, http: &http.Client{}}
	code, body := anon.do("GET", "/v1/openapi.json", nil, nil)
	if code != 200 {
		t.Fatal(code)
	}
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, rt := range routes() {
		if doc.Paths[rt.pattern][strings.ToLower(rt.method)] == nil {
			t.Errorf("%s %s is not documented", rt.method, rt.pattern)
		}
		n++
		path := strings.ReplaceAll(rt.pattern, "{id}", "1001")
		if rt.public {
			continue
		}
		code, body := anon.do(rt.method, path, nil, nil)
		if code != 401 {
			t.Errorf("%s %s without a session: %d %s", rt.method, path, code, body)
		}
	}
	documented := 0
	for _, ops := range doc.Paths {
		documented += len(ops)
	}
	if documented != n {
		t.Errorf("%d operations documented, %d routes", documented, n)
	}
}

// TestRetrieveAndBridgeThroughTheAPI: the executive's bridge rings the executive's phone
// and joins them to the call (a three-way call); the other assistant may not bridge into
// a colleague's call, and an assistant may not retrieve. Once the executive holds the
// call alone, Alan may bridge into it.
func TestRetrieveAndBridgeThroughTheAPI(t *testing.T) {
	r := newRig(t)
	exec, ann, alan := r.login("1001"), r.login("1002"), r.login("1003")
	caller := r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", CallerName: "Bob Caller", Exten: "1001", Args: []string{"exec", "1001"}})
	leg := r.ringing("PJSIP/1002")
	r.fake.Answer(leg)
	var id string
	r.eventually("the call answered at 1002", func() bool {
		calls, _ := r.app.LiveCalls()
		if len(calls) == 1 && calls[0].State == "answered" {
			id = calls[0].ID
			return true
		}
		return false
	})
	if code, _ := ann.do("POST", "/v1/calls/"+id+"/retrieve", nil, nil); code != 403 {
		t.Fatalf("an assistant retrieved: %d", code)
	}
	// Alan may not bridge into Ann's call.
	if code, body := alan.do("POST", "/v1/calls/"+id+"/bridge", nil, nil); code != 403 {
		t.Fatalf("a colleague's bridge: %d %s", code, body)
	}
	// The executive retrieves: the executive's phone rings, and on answer the
	// assistant is released.
	if code, body := exec.do("POST", "/v1/calls/"+id+"/retrieve", nil, nil); code != 202 {
		t.Fatalf("retrieve: %d %s", code, body)
	}
	execLeg := r.ringing("PJSIP/1001")
	r.fake.Answer(execLeg)
	r.eventually("the call at the executive, the assistant released", func() bool {
		_, annUp := r.fake.ChannelState(leg)
		return r.fake.BridgeOf(execLeg) != "" && r.fake.BridgeOf(execLeg) == r.fake.BridgeOf(caller) && !annUp
	})
	// Now the executive's own call: Alan bridges in (a three-way call).
	r.eventually("the call at the executive", func() bool {
		calls, _ := r.app.LiveCalls()
		return len(calls) == 1 && calls[0].State == "executive"
	})
	if code, body := alan.do("POST", "/v1/calls/"+id+"/bridge", nil, nil); code != 202 {
		t.Fatalf("bridge into the executive's call: %d %s", code, body)
	}
	alanLeg := r.ringing("PJSIP/1003")
	r.fake.Answer(alanLeg)
	r.eventually("Alan in the call", func() bool {
		b := r.fake.BridgeOf(caller)
		return b != "" && r.fake.BridgeOf(alanLeg) == b && r.fake.BridgeOf(execLeg) == b
	})
	r.fake.Hangup(caller)
}

// cheapHash hashes secrets an admin sets in tests (argon2id with tiny parameters).
func cheapHash(s string) (string, error) {
	return secret.HashWith(s, secret.Params{Memory: 64, Time: 1, Threads: 1})
}
