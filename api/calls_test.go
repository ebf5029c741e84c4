package api

import (
	"slices"
	"strings"
	"testing"

	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/store"
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

// TestHoldResumeAndHangUpFromTheConsole: Ann, on the call, holds the caller (the fake
// sees the hold, the live call says held), resumes, and hangs up: the call ends for
// everyone, its record says so. Alan, in the pool but not on the call, may do none of it.
func TestHoldResumeAndHangUpFromTheConsole(t *testing.T) {
	r := newRig(t)
	ann, alan := r.login("1002"), r.login("1003")
	caller := r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	r.fake.Answer(r.ringing("PJSIP/1002"))
	id := r.answeredCallID()
	for _, verb := range []string{"hold", "resume", "hangup"} {
		if code, body := alan.do("POST", "/v1/calls/"+id+"/"+verb, nil, nil); code != 409 || !strings.Contains(body, "Alan Assist is not on this call") {
			t.Fatalf("Alan %s: %d %s", verb, code, body)
		}
	}
	if code, body := ann.do("POST", "/v1/calls/"+id+"/hold", nil, nil); code != 200 || !r.fake.Held(caller) {
		t.Fatalf("hold: %d %s (held %v)", code, body, r.fake.Held(caller))
	}
	if calls, _ := r.app.LiveCalls(); !calls[0].Held {
		t.Fatalf("the live call does not say held: %+v", calls[0])
	}
	if code, body := ann.do("POST", "/v1/calls/"+id+"/resume", nil, nil); code != 200 || r.fake.Held(caller) {
		t.Fatalf("resume: %d %s", code, body)
	}
	if code, body := ann.do("POST", "/v1/calls/"+id+"/hangup", nil, nil); code != 200 {
		t.Fatalf("hang up: %d %s", code, body)
	}
	r.eventually("everything released", func() bool { return r.fake.Live().Empty() })
	r.eventually("the record", func() bool {
		j, _ := r.store.Journal(store.JournalFilter{})
		return len(j) == 1 && j[0].EndCause == "console-hung-up"
	})
}

// TestTransferToANumberFromTheConsole: Ann transfers her call to a number typed with
// spaces; until it answers she keeps the call; when it answers it takes her place and
// the record says so. An emergency or premium number is refused before anything rings,
// and so is Alan, who is not on the call.
func TestTransferToANumberFromTheConsole(t *testing.T) {
	r := newRig(t)
	r.fake.AddPhone(aritest.Phone{Endpoint: "Local/+12125551234@execassist-outbound", Number: "+12125551234"})
	ann, alan := r.login("1002"), r.login("1003")
	caller := r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	annLeg := r.ringing("PJSIP/1002")
	r.fake.Answer(annLeg)
	id := r.answeredCallID()
	if code, body := alan.do("POST", "/v1/calls/"+id+"/transfer", map[string]string{"destination": "2125551234"}, nil); code != 409 {
		t.Fatalf("Alan: %d %s", code, body)
	}
	for _, bad := range []string{"911", "19005550000", "*72"} {
		if code, body := ann.do("POST", "/v1/calls/"+id+"/transfer", map[string]string{"destination": bad}, nil); code/100 != 4 ||
			(code == 403 && !strings.Contains(body, `"field":"destination"`)) {
			t.Fatalf("transfer to %s: %d %s", bad, code, body)
		}
	}
	if n := len(r.fake.ChannelsOn("Local/+12125551234@execassist-outbound")); n != 0 {
		t.Fatal("a refused transfer rang")
	}
	if code, body := ann.do("POST", "/v1/calls/"+id+"/transfer", map[string]string{"destination": "(212) 555-1234"}, nil); code != 202 {
		t.Fatalf("transfer: %d %s", code, body)
	}
	target := r.ringing("Local/+12125551234@execassist-outbound")
	if r.fake.BridgeOf(annLeg) == "" {
		t.Fatal("Ann left the call before the transfer answered")
	}
	r.fake.Answer(target)
	r.eventually("the number took Ann's place", func() bool {
		br := r.fake.BridgeOf(caller)
		return br != "" && br == r.fake.BridgeOf(target) && r.fake.BridgeOf(annLeg) == ""
	})
	r.fake.Hangup(caller)
	r.eventually("the record", func() bool {
		j, _ := r.store.Journal(store.JournalFilter{})
		for _, e := range j {
			for _, st := range e.Steps {
				if st.What == "transferred by 1002 to 2125551234" {
					return true
				}
			}
		}
		return false
	})
}

// TestSendToVoicemailRingingAndAnswered: Alan sends a call ringing at the pool to Erin's
// voicemail (the caller continues to execassist-voicemail, every leg released); Ann sends
// the call she answered there too; Alan, not on Ann's call, may not.
func TestSendToVoicemailRingingAndAnswered(t *testing.T) {
	r := newRig(t)
	ann, alan := r.login("1002"), r.login("1003")
	liveID := func(state string) string {
		var id string
		r.eventually("a "+state+" call", func() bool {
			calls, _ := r.app.LiveCalls()
			for _, c := range calls {
				if c.State == state {
					id = c.ID
				}
			}
			return id != ""
		})
		return id
	}
	first := r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	r.ringing("PJSIP/1002")
	if code, body := alan.do("POST", "/v1/calls/"+liveID("ringing")+"/voicemail", nil, nil); code != 200 {
		t.Fatalf("voicemail for a ringing call: %d %s", code, body)
	}
	r.eventually("the first caller at voicemail", func() bool {
		to, ok := r.fake.Continued(first)
		return ok && to.String() == "execassist-voicemail,1001,1"
	})
	// Every leg of the first call gone (not merely all but one): a leg of it still
	// ringing would be taken for the second call's below.
	r.eventually("the legs released", func() bool {
		for _, ep := range []string{"PJSIP/1002", "PJSIP/1003"} {
			for _, l := range r.fake.ChannelsOn(ep) {
				if _, alive := r.fake.ChannelState(l); alive {
					return false
				}
			}
		}
		return len(r.fake.Live().Bridges) == 0
	})

	second := r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	r.fake.Answer(r.ringing("PJSIP/1002"))
	id := liveID("answered")
	if code, _ := alan.do("POST", "/v1/calls/"+id+"/voicemail", nil, nil); code != 409 {
		t.Fatalf("Alan sending Ann's call to voicemail: %d", code)
	}
	if code, body := ann.do("POST", "/v1/calls/"+id+"/voicemail", nil, nil); code != 200 {
		t.Fatalf("Ann: %d %s", code, body)
	}
	r.eventually("the second caller at voicemail", func() bool {
		to, ok := r.fake.Continued(second)
		return ok && to.String() == "execassist-voicemail,1001,1"
	})
	r.eventually("the records", func() bool {
		j, _ := r.store.Journal(store.JournalFilter{})
		n := 0
		for _, e := range j {
			if e.Outcome == "sent-to-voicemail" || e.EndCause == "sent-to-voicemail" {
				n++
			}
		}
		return n == 2
	})
}

// answeredCallID waits for the one live call to be answered and returns its id.
func (r *rig) answeredCallID() string {
	r.t.Helper()
	var id string
	r.eventually("the call answered", func() bool {
		calls, _ := r.app.LiveCalls()
		if len(calls) == 1 && calls[0].State == "answered" {
			id = calls[0].ID
		}
		return id != ""
	})
	return id
}

// TestAnswerAtMyPhoneFromTheConsole: Ann answers from the console the call ringing at
// her phone (it answers by itself and is connected); the executive, whose phone does not
// ring for it, and an admin may not; nor may anyone once it is answered.
func TestAnswerAtMyPhoneFromTheConsole(t *testing.T) {
	r := newRig(t)
	ann, alan, exec := r.login("1002"), r.login("1003"), r.login("1001")
	caller := r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	old := r.ringing("PJSIP/1002")
	var id string
	r.eventually("the call ringing", func() bool {
		calls, _ := r.app.LiveCalls()
		if len(calls) == 1 && len(calls[0].Ringing) == 2 {
			id = calls[0].ID
		}
		return id != ""
	})
	if code, body := exec.do("POST", "/v1/calls/"+id+"/answer", nil, nil); code != 409 || !strings.Contains(body, "not ringing at Erin") {
		t.Errorf("the executive answering a call that rings the pool: %d %s", code, body)
	}
	code, body := ann.do("POST", "/v1/calls/"+id+"/answer", nil, nil)
	if code != 200 || !strings.Contains(body, "Answered at your phone") {
		t.Fatalf("Ann answering at her phone: %d %s", code, body)
	}
	r.eventually("the caller connected to Ann's phone", func() bool {
		for _, l := range r.fake.ChannelsOn("PJSIP/1002") {
			if l != old && r.fake.BridgeOf(l) != "" && r.fake.BridgeOf(l) == r.fake.BridgeOf(caller) {
				return true
			}
		}
		return false
	})
	if code, body := alan.do("POST", "/v1/calls/"+id+"/answer", nil, nil); code != 409 || !strings.Contains(body, "not ringing at Alan Assist") {
		t.Errorf("Alan answering the answered call: %d %s", code, body)
	}
}

// TestIntercomFromTheConsole: Ann's intercom to Erin rings Ann's phone first (it
// answers by itself, she clicked), then Erin's, which answers by itself: the two are
// bridged. Ann may not intercom Eve (not in her pool); an admin has no phone.
func TestIntercomFromTheConsole(t *testing.T) {
	r := newRig(t)
	ann := r.login("1002")
	code, body := ann.do("POST", "/v1/intercom", IntercomBody{To: "1001"}, nil)
	if code != 202 || !strings.Contains(body, "Erin") {
		t.Fatalf("intercom: %d %s", code, body)
	}
	r.eventually("Ann's and Erin's phones bridged", func() bool {
		for _, a := range r.fake.ChannelsOn("PJSIP/1002") {
			for _, e := range r.fake.ChannelsOn("PJSIP/1001") {
				if b := r.fake.BridgeOf(a); b != "" && b == r.fake.BridgeOf(e) {
					return true
				}
			}
		}
		return false
	})
	if code, body := ann.do("POST", "/v1/intercom", IntercomBody{To: "1006"}, nil); code != 403 || !strings.Contains(body, "pool") {
		t.Errorf("Ann to Eve: %d %s", code, body)
	}
	if code, body := ann.do("POST", "/v1/intercom", IntercomBody{To: "10;06"}, nil); code != 400 {
		t.Errorf("digits with a semicolon: %d %s", code, body)
	}
}
