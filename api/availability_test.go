package api

import (
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/ari/aritest"
)

const availabilityPath = "/v1/people/1001/executive/availability"

// TestAnAssistantSetsTheExecutiveOutOfOffice: Ann sets Erin out of office for two hours
// with voicemail as its action; a call goes to Erin's voicemail; once the two hours
// have passed the resource reads AVAILABLE again by itself. Refusals: a status that is
// not one, an end in the past, a forward number Erin may not dial (the gate), Ann
// without "change settings".
func TestAnAssistantSetsTheExecutiveOutOfOffice(t *testing.T) {
	r := newRig(t)
	ann, exec := r.login("1002"), r.login("1001")
	if _, body := exec.do("GET", availabilityPath, nil, nil); !strings.Contains(body, `"status":"AVAILABLE"`) || !strings.Contains(body, `"OUT_OF_OFFICE":{"action":"NONE"}`) {
		t.Fatalf("before: %s", body)
	}
	// The rig's app decides with the real clock, its API with a fake one: the end is two
	// hours from the real now, which is after the fake now too.
	until := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	code, body := ann.do("PUT", availabilityPath, map[string]any{"status": "OUT_OF_OFFICE", "until": until.Format(time.RFC3339),
		"actions": map[string]any{"OUT_OF_OFFICE": map[string]any{"action": "VOICEMAIL"}}}, nil)
	if code != 200 || !strings.Contains(body, `"status":"OUT_OF_OFFICE","until":"`+until.Format(time.RFC3339)+`"`) || !strings.Contains(body, `"OUT_OF_OFFICE":{"action":"VOICEMAIL"}`) {
		t.Fatalf("set: %d %s", code, body)
	}
	caller := r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	r.eventually("the caller at Erin's voicemail", func() bool {
		to, ok := r.fake.Continued(caller)
		return ok && strings.HasPrefix(to.String(), "execassist-voicemail,1001")
	})
	r.fake.Hangup(caller)

	before := r.runtime()
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"status": "ON_HOLIDAY"}, "status"},
		{map[string]any{"status": "BUSY", "until": r.clock.Now().Add(-time.Minute).Format(time.RFC3339)}, "until"},
		{map[string]any{"actions": map[string]any{"BUSY": map[string]any{"action": "FORWARD", "forwardToPhoneNumber": "+442071234567"}}}, "forwardToPhoneNumber"},
		{map[string]any{"actions": map[string]any{"BUSY": map[string]any{"action": "VOICEMAIL", "forwardToPhoneNumber": "+15551234567"}}}, "forwardToPhoneNumber"},
	} {
		if code, body := exec.do("PUT", availabilityPath, tc.body, nil); code != 400 || !strings.Contains(body, `"field":"`+tc.field+`"`) {
			t.Errorf("%v: %d %s", tc.body, code, body)
		}
	}
	if r.runtime() != before {
		t.Fatal("a refused status changed the runtime")
	}
	exec.do("PUT", permissionsPath, map[string]any{"assistants": []map[string]any{{"id": "1002", "changeSettingsEnabled": false}}}, nil)
	before = r.runtime()
	if code, body := ann.do("PUT", availabilityPath, map[string]any{"status": "AVAILABLE"}, nil); code != 403 || !strings.Contains(body, `"permission":"change_settings"`) {
		t.Errorf("Ann without change settings: %d %s", code, body)
	}
	if r.runtime() != before {
		t.Fatal("a refusal changed the runtime")
	}
	r.clock.Advance(until.Sub(r.clock.Now()) + time.Second)
	if _, body := r.login("1002").do("GET", availabilityPath, nil, nil); !strings.Contains(body, `"status":"AVAILABLE"`) {
		t.Errorf("after its end: %s", body)
	}
}
