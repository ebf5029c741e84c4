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
