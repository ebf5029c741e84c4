package api

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/execassist/execassist/ari/aritest"
)

// TestTheExecutiveTurnsOnTheAnnouncedPush: Erin turns the announced push on from the
// API (YAML has it off); Ann's next push is announced to Erin, who presses 1 and has
// the caller. Reading it back shows what was set.
func TestTheExecutiveTurnsOnTheAnnouncedPush(t *testing.T) {
	r := newRig(t)
	exec, ann := r.login("1001"), r.login("1002")
	code, body := exec.do("GET", "/v1/people/1001/executive/handOffs", nil, nil)
	if code != 200 || body != `{"announcePushEnabled":false,"announcePushTimeoutInSecs":8,"recordCallerNameEnabled":false}`+"\n" {
		t.Fatalf("before: %d %s", code, body)
	}
	code, body = exec.do("PUT", "/v1/people/1001/executive/handOffs", map[string]any{"announcePushEnabled": true, "announcePushTimeoutInSecs": 5}, nil)
	var got HandOffs
	json.Unmarshal([]byte(body), &got)
	if code != 200 || got != (HandOffs{AnnouncePushEnabled: true, AnnouncePushTimeoutInSecs: 5}) {
		t.Fatalf("turning it on: %d %s", code, body)
	}

	caller := r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	r.fake.Answer(r.ringing("PJSIP/1002"))
	id := r.answeredCallID()
	if code, body := ann.do("POST", "/v1/calls/"+id+"/push", nil, nil); code != 200 {
		t.Fatalf("push: %d %s", code, body)
	}
	leg := r.ringing("PJSIP/1001")
	r.fake.Answer(leg)
	r.eventually("Erin to hear who it is", func() bool {
		for _, q := range r.fake.Requests() {
			if strings.HasPrefix(q.Path, "/channels/"+leg+"/play") && strings.Contains(q.Query, "vm-from") {
				return true
			}
		}
		return false
	})
	if r.fake.BridgeOf(leg) != "" && r.fake.BridgeOf(leg) == r.fake.BridgeOf(caller) {
		t.Fatal("Erin was connected before choosing")
	}
	r.fake.SendDTMF(leg, "1")
	r.eventually("Erin connected to the caller", func() bool {
		b := r.fake.BridgeOf(leg)
		return b != "" && b == r.fake.BridgeOf(caller)
	})
}

// TestHandOffsRefusals: a timeout outside 2-30 s is refused with the field named and
// changes nothing; a user without the service and another executive's assistant may not
// read or change them; Erin's assistant may (as with alerting).
func TestHandOffsRefusals(t *testing.T) {
	r := newRig(t)
	exec := r.login("1001")
	before := r.runtime()
	for _, secs := range []int{0, 1, 31, -5} {
		code, body := exec.do("PUT", "/v1/people/1001/executive/handOffs", map[string]any{"announcePushEnabled": true, "announcePushTimeoutInSecs": secs}, nil)
		if code != 400 || !strings.Contains(body, `"field":"announcePushTimeoutInSecs"`) {
			t.Errorf("timeout %d s: %d %s", secs, code, body)
		}
	}
	if code, body := exec.do("PUT", "/v1/people/1001/executive/handOffs", `{"recordCallerNameEnabled":"yes"}`, nil); code != 400 {
		t.Errorf("a string for a boolean: %d %s", code, body)
	}
	for _, who := range []string{"1005", "1004"} {
		if code, body := r.login(who).do("PUT", "/v1/people/1001/executive/handOffs", map[string]any{"recordCallerNameEnabled": true}, nil); code != 403 {
			t.Errorf("%s changing Erin's hand-offs: %d %s", who, code, body)
		}
	}
	if after := r.runtime(); after != before {
		t.Fatalf("a refusal changed the runtime:\n%s\n%s", before, after)
	}
	code, body := r.login("1002").do("PUT", "/v1/people/1001/executive/handOffs", map[string]any{"recordCallerNameEnabled": true}, nil)
	if code != 200 || !strings.Contains(body, `"recordCallerNameEnabled":true`) {
		t.Fatalf("Ann changing Erin's hand-offs: %d %s", code, body)
	}
}
