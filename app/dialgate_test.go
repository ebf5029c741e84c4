package app_test

import (
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/app"
	"github.com/rs/zerolog"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/testlog"
	"github.com/execassist/execassist/store"
	bolt "go.etcd.io/bbolt"
)

// writeRuntimeAsOlderVersion changes the runtime state in the bbolt file directly, as a
// version of execassist without the dial gate could have stored it.
func writeRuntimeAsOlderVersion(t *testing.T, path string, change func(rt *config.Runtime)) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("runtime"))
		var rt config.Runtime
		if raw := b.Get([]byte("state")); raw != nil {
			if err := json.Unmarshal(raw, &rt); err != nil {
				return err
			}
		}
		change(&rt)
		raw, err := json.Marshal(rt)
		if err != nil {
			return err
		}
		return b.Put([]byte("state"), raw)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestNumbersFromAnOlderStoreAreGatedWhenDialled: divert and rollover numbers that a
// store written before the dial gate holds (a feature code, an international and a
// premium-rate number, none of which 1001 may call) are refused when a call would dial
// them; the permitted one is dialled in its E.164 form.
func TestNumbersFromAnOlderStoreAreGatedWhenDialled(t *testing.T) {
	h := newHarness(t, baseYAML)
	h.reopenWithOldNumbers(nil)
	h.fake.AddPhone(aritest.Phone{Endpoint: "Local/+12125551234@execassist-outbound", Number: "+12125551234"})
	caller := h.rolledOverAt("Local/+12125551234@execassist-outbound")
	if to := h.continuedTo(caller); !strings.HasPrefix(to, "execassist-voicemail,1001") {
		t.Fatalf("rollover to a premium number: the caller went to %s, want voice messaging", to)
	}
	for _, r := range h.fake.Requests() {
		if r.Path == "/channels/create" && (strings.Contains(r.Query, "2A72") || strings.Contains(r.Query, "*72") ||
			strings.Contains(r.Query, "447911") || strings.Contains(r.Query, "9005550000") ||
			strings.Contains(r.Query, "PJSIP%2F1002") || strings.Contains(r.Query, "PJSIP%2F1003")) {
			t.Errorf("dialled %s", r.Query)
		}
	}
	h.settle()
}

// rolledOverAt places a call, waits until endpoint (the only permitted leg) is dialled
// and lets the 30 s rollover timer run out; it returns the caller's channel.
func (h *harness) rolledOverAt(endpoint string) string {
	h.t.Helper()
	caller := h.call()
	h.ringing(endpoint)
	h.clock.Advance(30 * time.Second)
	return caller
}

// reopenWithOldNumbers stops the app, writes the numbers of an older store (diverts of
// 1002-1004, a premium-rate rollover forward for 1001) and starts it again with log (nil:
// the test's log).
func (h *harness) reopenWithOldNumbers(log io.Writer) {
	h.t.Helper()
	h.stop()
	forward := "forward"
	after := config.Duration(30 * time.Second)
	on := true
	writeRuntimeAsOlderVersion(h.t, h.dbPath, func(rt *config.Runtime) {
		rt.Assistants = map[string]config.AssistantState{
			"1002": {Divert: &config.Divert{Enabled: true, To: "*72011442071234567"}},
			"1003": {Divert: &config.Divert{Enabled: true, To: "+447911123456"}},
			"1004": {Divert: &config.Divert{Enabled: true, To: "2125551234"}},
		}
		rt.Executives = map[string]config.ExecutiveState{"1001": {Alerting: &config.Alerting{
			Rollover: &config.Rollover{Enabled: &on, After: &after, Action: forward, To: "19005550000"}}}}
	})
	var err error
	h.store, err = store.Open(h.dbPath, store.Options{Now: h.clock.Now})
	if err != nil {
		h.t.Fatal(err)
	}
	if log != nil {
		h.opts = func(o *app.Options) { o.Log = zerolog.New(log).Level(zerolog.WarnLevel) }
	}
	h.startApp()
}

// TestSettingsProblemsAreLoggedOncePerChange: the policy is compiled once per settings
// change, so the numbers it cannot dial are logged once, not on every call.
func TestSettingsProblemsAreLoggedOncePerChange(t *testing.T) {
	h := newHarness(t, baseYAML)
	var log testlog.Buffer
	h.reopenWithOldNumbers(&log)
	h.fake.AddPhone(aritest.Phone{Endpoint: "Local/+12125551234@execassist-outbound", Number: "+12125551234"})
	for range 3 {
		h.continuedTo(h.rolledOverAt("Local/+12125551234@execassist-outbound"))
		h.settle()
	}
	got := strings.Count(log.String(), "cannot be dialled")
	if got != 3 { // two diverts and the forward, once each
		t.Fatalf("%d problem lines, want 3:\n%s", got, log.String())
	}
}
