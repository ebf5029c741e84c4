package api

import (
	"strings"
	"testing"

	"github.com/execassist/execassist/ari/aritest"
)

const permissionsPath = "/v1/people/1001/executive/assistantPermissions"

// TestTheExecutiveWithholdsPermissionsFromOneAssistant: every permission is on until
// Erin withholds one; each refusal is a 403 naming it, and changes or rings nothing;
// what is left is still allowed, and the other assistant keeps everything.
func TestTheExecutiveWithholdsPermissionsFromOneAssistant(t *testing.T) {
	r := newRig(t)
	exec, ann, alan := r.login("1001"), r.login("1002"), r.login("1003")
	code, body := ann.do("GET", permissionsPath, nil, nil)
	if code != 200 || strings.Count(body, "true") != 10 || strings.Contains(body, "false") {
		t.Fatalf("before: %d %s", code, body)
	}
	if code, body := ann.do("PUT", permissionsPath, map[string]any{"assistants": []map[string]any{{"id": "1002", "placeCallsEnabled": true}}}, nil); code != 403 {
		t.Fatalf("Ann setting her own permissions: %d %s", code, body)
	}
	if code, body := exec.do("PUT", permissionsPath, map[string]any{"assistants": []map[string]any{{"id": "1004", "placeCallsEnabled": false}}}, nil); code != 400 || !strings.Contains(body, `"field":"assistants"`) {
		t.Fatalf("someone not in the pool: %d %s", code, body)
	}
	code, body = exec.do("PUT", permissionsPath, map[string]any{"assistants": []map[string]any{
		{"id": "1002", "placeCallsEnabled": false, "changeSettingsEnabled": false, "joinCallsEnabled": false}}}, nil)
	if code != 200 || !strings.Contains(body, `{"id":"1002","displayName":"Ann Assist","receiveFilteredCallsEnabled":true,"placeCallsEnabled":false,"changeSettingsEnabled":false,"pickUpHeldCallsEnabled":true,"joinCallsEnabled":false}`) {
		t.Fatalf("withholding: %d %s", code, body)
	}
	if code, body := ann.do("GET", "/v1/me", nil, nil); code != 200 || !strings.Contains(body, `"withheld":{"1001":["place_calls","change_settings","join_calls"]}`) {
		t.Errorf("Ann's /me: %s", body)
	}

	before := r.runtime()
	for _, tc := range []struct {
		method, path string
		body         any
		permission   string
	}{
		{"POST", "/v1/calls/initiate", map[string]any{"executive": "1001", "destination": "+15551234567"}, "place_calls"},
		{"PUT", "/v1/people/1001/executive/alert", map[string]any{"alertingMode": "SEQUENTIAL"}, "change_settings"},
		{"PUT", "/v1/people/1001/executive/callFiltering", map[string]any{"enabled": false}, "change_settings"},
		{"PUT", "/v1/people/1001/executive/screening", map[string]any{"enabled": true}, "change_settings"},
		{"PUT", "/v1/people/1001/executive/handOffs", map[string]any{"announcePushEnabled": true}, "change_settings"},
	} {
		code, body := ann.do(tc.method, tc.path, tc.body, nil)
		if code != 403 || !strings.Contains(body, `"permission":"`+tc.permission+`"`) || !strings.Contains(body, "Ann Assist") {
			t.Errorf("%s %s as Ann: %d %s", tc.method, tc.path, code, body)
		}
	}
	if after := r.runtime(); after != before {
		t.Fatalf("a refusal changed the runtime:\n%s\n%s", before, after)
	}
	if n, _ := r.fake.Counts(); n != 0 {
		t.Fatalf("a refusal rang something: %d channels", n)
	}
	if code, body := ann.do("GET", "/v1/people/1001/executive/alert", nil, nil); code != 200 {
		t.Errorf("reading the settings is still allowed: %d %s", code, body)
	}
	if code, body := alan.do("PUT", "/v1/people/1001/executive/alert", map[string]any{"nextAssistantNumberOfRings": 4}, nil); code != 200 {
		t.Errorf("Alan keeps every permission: %d %s", code, body)
	}

	// Ann may not join Erin's call; Erin's own bridge into Ann's call is not narrowed.
	r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	r.fake.Answer(r.ringing("PJSIP/1003"))
	id := r.answeredCallID()
	if code, body := exec.do("POST", "/v1/calls/"+id+"/retrieve", nil, nil); code != 202 {
		t.Fatalf("Erin retrieves Alan's call: %d %s", code, body)
	}
	r.fake.Answer(r.ringing("PJSIP/1001"))
	r.eventually("the call with Erin", func() bool {
		calls, _ := r.app.LiveCalls()
		return len(calls) == 1 && calls[0].State == "executive"
	})
	if code, body := ann.do("POST", "/v1/calls/"+id+"/bridge", nil, nil); code != 403 || !strings.Contains(body, `"permission":"join_calls"`) {
		t.Errorf("Ann joining Erin's call: %d %s", code, body)
	}
}

// TestAnAssistantWhoMayNotReceiveIsNotRung: with receive withheld from Ann, a filtered
// call rings Alan only; leaving the pool and coming back gives Ann every permission
// again, as a newcomer.
func TestAnAssistantWhoMayNotReceiveIsNotRung(t *testing.T) {
	r := newRig(t)
	exec := r.login("1001")
	if code, body := exec.do("PUT", permissionsPath, map[string]any{"assistants": []map[string]any{{"id": "1002", "receiveFilteredCallsEnabled": false}}}, nil); code != 200 {
		t.Fatalf("withholding: %d %s", code, body)
	}
	caller := r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	r.ringing("PJSIP/1003")
	if legs := r.fake.ChannelsOn("PJSIP/1002"); len(legs) != 0 {
		t.Fatalf("Ann rang: %v", legs)
	}
	r.fake.Hangup(caller)

	for _, pool := range [][]string{{"1003"}, {"1003", "1002"}} {
		if code, body := exec.do("PUT", "/v1/people/1001/executive/assignedAssistants", map[string]any{"assistantIds": pool}, nil); code != 200 {
			t.Fatalf("pool %v: %d %s", pool, code, body)
		}
	}
	if _, body := exec.do("GET", permissionsPath, nil, nil); strings.Contains(body, "false") {
		t.Errorf("Ann came back with a withheld permission: %s", body)
	}
}
