package api

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestWebexScriptsWorkWithABaseURLChange sends the request bodies of Webex Calling's
// executive API documentation (their shapes and field names, with this rig's people
// and numbers) to the Webex paths and checks the answers as a Webex script would read
// them, then checks that what they changed is what execassist does.
func TestWebexScriptsWorkWithABaseURLChange(t *testing.T) {
	r := newRig(t)
	root, exec, ann := r.login("root"), r.login("1001"), r.login("1002")
	base := "/v1/telephony/config/people/1001/executive/"
	mine := "/v1/telephony/config/people/me/settings/executive/"
	must := func(c *client, method, path string, body any, want int) string {
		t.Helper()
		code, got := c.do(method, path, body, nil)
		if code != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, code, got, want)
		}
		return got
	}

	// Alert, with the newer customCLIDNameInUnicode.
	got := must(root, "PUT", base+"alert", map[string]any{"alertingMode": "SEQUENTIAL", "nextAssistantNumberOfRings": 3,
		"rolloverEnabled": true, "rolloverAction": "FORWARD", "rolloverForwardToPhoneNumber": "+15551234567", "rolloverWaitTimeInSecs": 20,
		"clidNameMode": "CUSTOM", "customCLIDNameInUnicode": "Executive Office", "clidPhoneNumberMode": "EXECUTIVE"}, 200)
	for _, want := range []string{`"alertingMode":"SEQUENTIAL"`, `"customCLIDName":"Executive Office"`, `"customCLIDNameInUnicode":"Executive Office"`, `"rolloverWaitTimeInSecs":20`} {
		if !strings.Contains(got, want) {
			t.Errorf("alert: %s lacks %s", got, want)
		}
	}

	// Screening, as the documented example.
	must(root, "PUT", base+"screening", map[string]any{"enabled": true, "alertType": "SILENT", "alertAnywhereLocationEnabled": false,
		"alertMobilityLocationEnabled": false, "alertSharedCallAppearanceLocationEnabled": false}, 200)
	if got := must(exec, "GET", mine+"screening", nil, 200); !strings.Contains(got, `"enabled":true`) {
		t.Errorf("screening on the me path: %s", got)
	}

	// Assigned assistants: Webex's person fields; assistantIds null removes everyone.
	got = must(root, "GET", base+"assignedAssistants", nil, 200)
	if !strings.Contains(got, `"firstName":"Ann","lastName":"Assist","extension":"1002"`) {
		t.Errorf("assigned assistants: %s", got)
	}
	if got := must(root, "GET", "/v1/telephony/config/people/1006/executive/availableAssistants?name=alan", nil, 200); !strings.Contains(got, `"id":"1003"`) || strings.Contains(got, `"id":"1002"`) {
		t.Errorf("available assistants named alan: %s", got)
	}
	if got := must(root, "GET", "/v1/telephony/config/people/1006/executive/availableAssistants?phoneNumber=100", nil, 200); !strings.Contains(got, `"id":"1002"`) {
		t.Errorf("available assistants by number: %s", got)
	}
	must(root, "PUT", "/v1/telephony/config/people/1006/executive/assignedAssistants", map[string]any{"allowOptInOutEnabled": true, "assistantIds": nil}, 200)
	if e := r.store.Snapshot().Config.User("1006").Executive; len(e.Assistants) != 0 {
		t.Errorf("assistantIds null left %v", e.Assistants)
	}

	// Assistant settings: executives named by personId.
	got = must(ann, "PUT", "/v1/telephony/config/people/me/settings/executive/assistant", map[string]any{"forwardFilteredCallsEnabled": false,
		"executives": []map[string]any{{"personId": "1001", "optInEnabled": false}}}, 200)
	if !strings.Contains(got, `"id":"1001"`) || !strings.Contains(got, `"optInEnabled":false`) {
		t.Errorf("assistant: %s", got)
	}

	// A criteria as the documented example: one schedule with its type and level,
	// callsToNumbers as objects; 201 with its id.
	got = must(exec, "POST", mine+"callFiltering/criteria", map[string]any{"filterName": "VIP Callers", "scheduleName": "office",
		"scheduleType": "businessHours", "scheduleLevel": "PEOPLE", "callsFrom": "SELECT_PHONE_NUMBERS", "anonymousCallersEnabled": false,
		"unavailableCallersEnabled": false, "phoneNumbers": []string{"+14085551234", "+14085551235"}, "filterEnabled": true,
		"callsToNumbers": []map[string]any{{"type": "PRIMARY", "phoneNumber": "1001"}}}, 201)
	var id WebexCriterionID
	if json.Unmarshal([]byte(got), &id); id.ID == "" || strings.Contains(got, "filterName") {
		t.Fatalf("create answers %s, want {id}", got)
	}
	got = must(exec, "GET", base+"callFiltering/criteria/"+id.ID, nil, 200)
	for _, want := range []string{`"scheduleName":"office","scheduleType":"businessHours","scheduleLevel":"GROUP"`,
		`"phoneNumbers":["+14085551234","+14085551235"]`, `"callsToNumbers":[{"type":"PRIMARY","phoneNumber":"1001"}]`} {
		if !strings.Contains(got, want) {
			t.Errorf("criteria: %s lacks %s", got, want)
		}
	}
	must(exec, "PUT", base+"callFiltering/criteria/"+id.ID, map[string]any{"scheduleName": "office", "scheduleType": "holidays"}, 200)
	if f := r.store.Snapshot().Config.User("1001").Executive.Filtering.Filters[0]; f.Holidays != "office" || f.When != "" {
		t.Errorf("a holidays schedule: %+v", f)
	}

	// Call filtering: criteriaActivation turns the criteria off.
	got = must(exec, "PUT", base+"callFiltering", map[string]any{"enabled": true, "filterType": "CUSTOM_CALL_FILTERS",
		"criteriaActivation": []map[string]any{{"id": id.ID, "activationEnabled": false}}}, 200)
	if !strings.Contains(got, `"activationEnabled":false`) || !strings.Contains(got, `"filterType":"CUSTOM_CALL_FILTERS"`) {
		t.Errorf("call filtering: %s", got)
	}
	must(exec, "DELETE", base+"callFiltering/criteria/"+id.ID, nil, 400) // the last one while the type is custom
	must(exec, "PUT", base+"callFiltering", map[string]any{"filterType": "ALL_CALLS"}, 200)
	must(exec, "DELETE", base+"callFiltering/criteria/"+id.ID, nil, 204)

	// The same rights as our paths: Ann may not change another executive's pool.
	must(ann, "PUT", base+"assignedAssistants", map[string]any{"assistantIds": []string{"1002"}}, 403)
	must(ann, "GET", "/v1/telephony/config/people/1006/executive/alert", nil, 403)
}

// TestWebexCriteriaRefusals: what a Webex script may get wrong is a 400 naming the
// field, and nothing changes.
func TestWebexCriteriaRefusals(t *testing.T) {
	r := newRig(t)
	exec := r.login("1001")
	path := "/v1/telephony/config/people/1001/executive/callFiltering/criteria"
	before := r.runtime()
	for _, tc := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"filterName": "x", "scheduleName": "office", "scheduleType": "weekends"}, "scheduleType"},
		{map[string]any{"filterName": "x", "scheduleLevel": "TEAM"}, "scheduleLevel"},
		{map[string]any{"filterName": "x", "callsToNumbers": []map[string]any{{"type": "MOBILE", "phoneNumber": "+1"}}}, "callsToNumbers"},
		{map[string]any{"filterName": "x", "callsToNumbers": []map[string]any{{"type": "ALTERNATE", "phoneNumber": "+15550000000"}}}, "callsToNumbers"},
		{map[string]any{"filterName": "x", "scheduleName": "nowhere"}, "scheduleName"},
	} {
		if code, body := exec.do("POST", path, tc.body, nil); code != 400 || !strings.Contains(body, `"field":"`+tc.field+`"`) {
			t.Errorf("%v: %d %s", tc.body, code, body)
		}
	}
	if r.runtime() != before {
		t.Fatal("a refusal changed the runtime")
	}
}
