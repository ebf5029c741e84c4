package app_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/config"
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
	h.stop()
	forward := "forward"
	after := config.Duration(30 * time.Second)
	on := true
	writeRuntimeAsOlderVersion(t, h.dbPath, func(rt *config.Runtime) {
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
		t.Fatal(err)
	}
	h.startApp()
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
