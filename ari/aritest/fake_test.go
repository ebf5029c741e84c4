package aritest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/internal/clock"
)

// These tests speak raw HTTP to the fake, independent of our client.

func do(t *testing.T, s *Server, method, path, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL+path, nil)
	if auth != "" {
		u, p, _ := strings.Cut(auth, ":")
		req.SetBasicAuth(u, p)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAuthAndApiKey(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	if code, _ := do(t, s, "GET", "/asterisk/info", ""); code != 401 {
		t.Fatalf("no credentials: %d", code)
	}
	if code, _ := do(t, s, "GET", "/asterisk/info", "execassist:wrong"); code != 401 {
		t.Fatalf("wrong password: %d", code)
	}
	if code, _ := do(t, s, "GET", "/asterisk/info?api_key=execassist:secret", ""); code != 200 {
		t.Fatalf("api_key: %d", code)
	}
	if code, body := do(t, s, "GET", "/channels/nope", "execassist:secret"); code != 404 || !strings.Contains(body, `"message":"Channel not found"`) {
		t.Fatalf("404 body %d %s", code, body)
	}
}

func TestScriptedPhoneRingsOnTheFakeClock(t *testing.T) {
	clk := clock.NewFake(time.Unix(1_800_000_000, 0))
	s := New(Options{Clock: clk, RecordEvents: true})
	defer s.Close()
	s.AddPhone(Phone{Endpoint: "PJSIP/1002", Name: "Ann", Number: "1002", Script: Script{Mode: Answer, After: 30 * time.Second}})
	caller := s.PlaceCall(Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	code, body := do(t, s, "POST", "/channels/create?app=execassist&endpoint=PJSIP/1002&channelId=leg", "execassist:secret")
	if code != 200 {
		t.Fatalf("create %d %s", code, body)
	}
	var ch map[string]any
	json.Unmarshal([]byte(body), &ch)
	if ch["name"] == nil || !strings.HasPrefix(ch["name"].(string), "PJSIP/1002-") {
		t.Fatalf("name %v", ch["name"])
	}
	if code, _ := do(t, s, "POST", "/channels/leg/dial?caller="+caller, "execassist:secret"); code != 204 {
		t.Fatalf("dial %d", code)
	}
	clk.Advance(29 * time.Second)
	if st, _ := s.ChannelState("leg"); st != "Ringing" {
		t.Fatalf("at 29 s: %s", st)
	}
	clk.Advance(time.Second)
	if st, _ := s.ChannelState("leg"); st != "Up" {
		t.Fatalf("at 30 s: %s", st)
	}
	if name, num := s.Connected("leg"); num != "+15551230000" && num != "" {
		t.Fatalf("connected %q %q", name, num)
	}
	if code, _ := do(t, s, "DELETE", "/channels/leg", "execassist:secret"); code != 204 {
		t.Fatal("hangup")
	}
	if err := s.Hangup(caller); err != nil {
		t.Fatal(err)
	}
	if l := s.Live(); !l.Empty() || clk.Pending() != 0 {
		t.Fatalf("left: %+v, %d timers", l, clk.Pending())
	}
	var kinds []string
	for _, e := range s.Events() {
		var h struct{ Type string }
		json.Unmarshal(e, &h)
		kinds = append(kinds, h.Type)
	}
	if !strings.Contains(strings.Join(kinds, " "), "StasisStart ChannelDialplan StasisStart") {
		t.Fatalf("events %v", kinds)
	}
}

func TestUnavailablePhoneAndContinueLabels(t *testing.T) {
	s := New(Options{})
	defer s.Close()
	s.AddPhone(Phone{Endpoint: "PJSIP/1003", Script: Script{Mode: Unavailable}})
	if code, body := do(t, s, "POST", "/channels/create?app=execassist&endpoint=PJSIP/1003", "execassist:secret"); code != 500 || !strings.Contains(body, `"error":"Allocation failed"`) {
		t.Fatalf("offline create: %d %s", code, body)
	}
	if _, body := do(t, s, "GET", "/endpoints/PJSIP/1003", "execassist:secret"); !strings.Contains(body, `"state":"offline"`) {
		t.Fatalf("endpoint %s", body)
	}
	id := s.PlaceCall(Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	if code, _ := do(t, s, "POST", "/channels/"+id+"/continue?label=execassist-noanswer", "execassist:secret"); code != 404 {
		t.Fatal("missing label must answer 404")
	}
	s.AddLabel("from-internal", "1001", "execassist-noanswer")
	if code, _ := do(t, s, "POST", "/channels/"+id+"/continue?label=execassist-noanswer", "execassist:secret"); code != 204 {
		t.Fatal("label continue")
	}
	if c, ok := s.Continued(id); !ok || c.String() != "from-internal,1001,execassist-noanswer" {
		t.Fatalf("continued %v %v", c, ok)
	}
	if !s.Live().Empty() {
		t.Fatalf("a continued channel belongs to the dialplan: %+v", s.Live())
	}
}

// TestTonePlaysUntilStopped: as in Asterisk, a tone: playback never finishes by itself;
// DELETE /playbacks/{id} stops it with PlaybackFinished (state done).
func TestTonePlaysUntilStopped(t *testing.T) {
	fc := clock.NewFake(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
	s := New(Options{Clock: fc})
	defer s.Close()
	do := func(method, path string) int {
		req, _ := http.NewRequest(method, s.URL+path, nil)
		req.SetBasicAuth(s.Username, s.Password)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := do("POST", "/bridges/b1?type=mixing"); st != 200 {
		t.Fatalf("create bridge: %d", st)
	}
	if st := do("POST", "/bridges/b1/play/warn-1?media=tone%3Astutter"); st != 201 {
		t.Fatalf("play: %d", st)
	}
	fc.Advance(time.Hour)
	if l := s.Live(); len(l.Playbacks) != 1 {
		t.Fatalf("the tone ended by itself: %+v", l)
	}
	if st := do("DELETE", "/playbacks/warn-1"); st != 204 {
		t.Fatalf("stop: %d", st)
	}
	if l := s.Live(); len(l.Playbacks) != 0 {
		t.Fatalf("stopped tone still listed: %+v", l)
	}
}
