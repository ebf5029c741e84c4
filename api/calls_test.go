package api

import (
	"slices"
	"strings"
	"testing"

	"github.com/execassist/execassist/ari/aritest"
)

// TestPushActsOnTheCallItNames: an assistant with two answered calls on one desk phone
// (a second line) pushes the one the console row names; the other stays with her.
func TestPushActsOnTheCallItNames(t *testing.T) {
	r := newRig(t)
	asst := r.login("1002")
	var ids, legs []string
	for i := range 2 {
		r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
		var leg string
		r.eventually("the call to ring at 1002", func() bool {
			for _, l := range r.fake.ChannelsOn("PJSIP/1002") {
				if st, _ := r.fake.ChannelState(l); st == "Ringing" {
					leg = l
				}
			}
			return leg != ""
		})
		r.fake.Answer(leg)
		legs = append(legs, leg)
		r.eventually("the call answered", func() bool {
			calls, _ := r.app.LiveCalls()
			for _, c := range calls {
				if c.State == "answered" && !slices.Contains(ids, c.ID) {
					ids = append(ids, c.ID)
				}
			}
			return len(ids) == i+1
		})
	}
	second := ids[1]
	code, body := asst.do("POST", "/v1/calls/"+second+"/push", nil, nil)
	if code != 200 {
		t.Fatalf("push of the second of two calls at 1002: %d %s", code, body)
	}
	r.eventually("the executive to ring", func() bool { return len(r.fake.ChannelsOn("PJSIP/1001")) > 0 })
	calls, _ := r.app.LiveCalls()
	for _, c := range calls {
		switch {
		case c.ID == second && c.State != "pushed":
			t.Errorf("the pushed call is %s", c.State)
		case c.ID == ids[0] && (c.State != "answered" || c.Assistant != "1002"):
			t.Errorf("the other call moved: %+v", c)
		}
	}
	if st, _ := r.fake.ChannelState(legs[0]); !strings.EqualFold(st, "Up") {
		t.Errorf("the first call's leg at 1002 is %s", st)
	}
}

// TestAnAssistantDoesNotBridgeIntoAColleaguesCall: Alan may not bridge into the call Ann
// answered (403 with the reason, nothing rings); the executive may.
func TestAnAssistantDoesNotBridgeIntoAColleaguesCall(t *testing.T) {
	r := newRig(t)
	alan, exec := r.login("1003"), r.login("1001")
	r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	r.fake.Answer(r.ringing("PJSIP/1002"))
	var id string
	r.eventually("the call answered at 1002", func() bool {
		calls, _ := r.app.LiveCalls()
		if len(calls) == 1 && calls[0].State == "answered" && calls[0].Assistant == "1002" {
			id = calls[0].ID
		}
		return id != ""
	})
	r.eventually("1003's leg to be released", func() bool {
		for _, l := range r.fake.ChannelsOn("PJSIP/1003") {
			if st, ok := r.fake.ChannelState(l); ok && st != "" {
				return false
			}
		}
		return true
	})
	before := len(r.fake.ChannelsOn("PJSIP/1003"))
	code, body := alan.do("POST", "/v1/calls/"+id+"/bridge", nil, nil)
	if code != 403 || !strings.Contains(body, "this call is at Ann Assist") {
		t.Fatalf("Alan bridging into Ann's call: %d %s", code, body)
	}
	if n := len(r.fake.ChannelsOn("PJSIP/1003")); n != before {
		t.Fatal("a refused bridge rang Alan's phone")
	}
	if code, body := exec.do("POST", "/v1/calls/"+id+"/bridge", nil, nil); code != 202 {
		t.Fatalf("the executive bridging in: %d %s", code, body)
	}
}
