package api

import (
	"strings"
	"testing"

	"github.com/execassist/execassist/ari/aritest"
)

// refusedNumbers are what an attacker with a user's sign-in would try to have execassist
// dial as the executive: emergency numbers, feature codes, international and
// premium-rate numbers (1001 has the built-in permissions: internal and national).
var refusedNumbers = []string{"911", "999", "112", "*72011442071234567", "*72", "#", "011442071234567",
	"01144909876543", "19005550000", "+19005550000", "+447911123456", "0044207123456"}

// TestDivertAndRolloverNumbersPassTheDialGate: an assistant's own divert and the rollover
// forward an assistant sets for the executive are refused for every class the
// executive may not call, naming the field, and nothing is stored; a national number is
// stored and dialled in its E.164 form.
func TestDivertAndRolloverNumbersPassTheDialGate(t *testing.T) {
	r := newRig(t)
	ann := r.login("1002")
	before := r.runtime()
	for _, n := range refusedNumbers {
		code, body := ann.do("PUT", "/v1/people/me/executive/assistant",
			map[string]any{"forwardFilteredCallsEnabled": true, "forwardToPhoneNumber": n, "executives": []any{}}, nil)
		if code != 400 || !strings.Contains(body, `"field":"forwardToPhoneNumber"`) || !strings.Contains(body, "divert number") {
			t.Errorf("divert to %q: %d %s", n, code, body)
		}
		code, body = ann.do("PUT", "/v1/people/1001/executive/alert", map[string]any{"alertingMode": "SIMULTANEOUS",
			"nextAssistantNumberOfRings": 3, "rolloverEnabled": true, "rolloverAction": "FORWARD",
			"rolloverForwardToPhoneNumber": n, "rolloverWaitTimeInSecs": 0, "clidNameMode": "EXECUTIVE_ORIGINATOR",
			"clidPhoneNumberMode": "EXECUTIVE"}, nil)
		if code != 400 || !strings.Contains(body, `"field":"rolloverForwardToPhoneNumber"`) || !strings.Contains(body, "rollover forward number") {
			t.Errorf("rollover forward to %q: %d %s", n, code, body)
		}
	}
	if after := r.runtime(); after != before {
		t.Fatalf("a refused write changed the runtime state:\n%s\n%s", before, after)
	}
	// A permitted divert is stored as typed and dialled as E.164.
	if code, body := ann.do("PUT", "/v1/people/me/executive/assistant",
		map[string]any{"forwardFilteredCallsEnabled": true, "forwardToPhoneNumber": "2125551234", "executives": []any{}}, nil); code != 200 {
		t.Fatalf("national divert: %d %s", code, body)
	}
	r.fake.AddPhone(aritest.Phone{Endpoint: "Local/+12125551234@execassist-outbound", Number: "+12125551234"})
	r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	r.ringing("Local/+12125551234@execassist-outbound")
	// An assistant of two executives: the divert must suit both (1004 serves only 1006).
	if code, body := r.login("1004").do("PUT", "/v1/people/me/executive/assistant",
		map[string]any{"forwardFilteredCallsEnabled": true, "forwardToPhoneNumber": "+447911123456", "executives": []any{}}, nil); code != 400 ||
		!strings.Contains(body, "Eve Exec (1006)") {
		t.Errorf("1004's international divert: %d %s", code, body)
	}
}
