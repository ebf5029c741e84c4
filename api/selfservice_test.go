package api

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/ari/aritest"
)

// TestCustomFiltersCreateChangeDelete is callFiltering/criteria: the executive adds a
// filter, switches to custom filters, renames it with If-Match, and deletes it; the
// refusals change nothing.
func TestCustomFiltersCreateChangeDelete(t *testing.T) {
	r := newRig(t)
	exec, asst, other := r.login("1001"), r.login("1002"), r.login("1004")
	base := "/v1/people/1001/executive/callFiltering"
	code, body := exec.do("POST", base+"/criteria", map[string]any{"filterName": "VIPs after hours", "scheduleName": "office",
		"callsFrom": "SELECT_PHONE_NUMBERS", "phoneNumbers": []string{"+1555*"}, "filterEnabled": false}, nil)
	if code != 201 {
		t.Fatalf("create: %d %s", code, body)
	}
	var c CriterionDetail
	json.Unmarshal([]byte(body), &c)
	f := r.store.Snapshot().Config.User("1001").Executive.Filtering.Filters
	if len(f) != 1 || f[0].Name != "VIPs after hours" || f[0].When != "office" || f[0].Action != "dont-filter" || f[0].CallsFrom.Numbers[0] != "+1555*" {
		t.Fatalf("stored filter: %+v", f)
	}
	// The assistant switches to custom filters (allowed: SPEC 4), sees the criterion.
	if code, body := asst.do("PUT", base, map[string]any{"filterType": "CUSTOM_CALL_FILTERS"}, nil); code != 200 || !strings.Contains(body, c.ID) {
		t.Fatalf("custom: %d %s", code, body)
	}
	code, body = asst.do("GET", base+"/criteria/"+c.ID, nil, nil)
	tag := lastETag
	if code != 200 || !strings.Contains(body, `"scheduleName":"office"`) {
		t.Fatalf("get: %d %s", code, body)
	}
	// Rename with If-Match; a stale ETag then gets 412.
	code, body = exec.do("PUT", base+"/criteria/"+c.ID, map[string]any{"filterName": "VIPs"}, map[string]string{"If-Match": tag})
	if code != 200 || !strings.Contains(body, `"filterName":"VIPs"`) || !strings.Contains(body, `"phoneNumbers":["+1555*"]`) {
		t.Fatalf("rename: %d %s", code, body)
	}
	var renamed CriterionDetail
	json.Unmarshal([]byte(body), &renamed)
	before := r.runtime()
	for _, tc := range []struct {
		c            *client
		method, path string
		body         any
		hdr          map[string]string
		code         int
		want         string
	}{
		{asst, "PUT", base + "/criteria/" + renamed.ID, map[string]any{"filterEnabled": true}, map[string]string{"If-Match": tag}, 412, "changed by someone else"},
		{other, "GET", base + "/criteria/" + renamed.ID, nil, nil, 403, "not an assistant of 1001"},
		{other, "POST", base + "/criteria", map[string]any{"filterName": "x"}, nil, 403, "not an assistant of 1001"},
		{exec, "GET", base + "/criteria/" + c.ID, nil, nil, 404, "no criterion"}, // the old id after the rename
		{exec, "POST", base + "/criteria", map[string]any{"filterName": "VIPs"}, nil, 400, `"field":"filterName"`},
		{exec, "POST", base + "/criteria", map[string]any{"filterName": "y", "scheduleName": "nope"}, nil, 400, `"field":"scheduleName"`},
		{exec, "POST", base + "/criteria", map[string]any{"filterName": "y", "callsFrom": "EVERYONE"}, nil, 400, `"field":"callsFrom"`},
		{exec, "POST", base + "/criteria", map[string]any{"filterName": "y", "callsFrom": "SELECT_PHONE_NUMBERS"}, nil, 400, `"field":"phoneNumbers"`},
		{exec, "POST", base + "/criteria", map[string]any{"filterName": "y", "callsFrom": "SELECT_PHONE_NUMBERS", "phoneNumbers": []string{"1;Dial(x)"}}, nil, 400, `"field":"phoneNumbers"`},
		{exec, "POST", base + "/criteria", map[string]any{"filterName": "y", "callsToNumbers": []string{"+19999"}}, nil, 400, `"field":"callsToNumbers"`},
		{exec, "POST", base + "/criteria", map[string]any{"id": "abc", "filterName": "y"}, nil, 400, `"field":"id"`},
		// The last filter of a custom type cannot go: the validator's rule.
		{exec, "DELETE", base + "/criteria/" + renamed.ID, nil, nil, 400, "custom mode needs at least one filter"},
		{exec, "DELETE", base + "/criteria/..%2F..%2Falert", nil, nil, 404, ""},
	} {
		code, body := tc.c.do(tc.method, tc.path, tc.body, tc.hdr)
		if code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s %s %v: %d %s, want %d %q", tc.method, tc.path, tc.body, code, body, tc.code, tc.want)
		}
		if after := r.runtime(); after != before {
			t.Fatalf("%s %s changed the runtime state:\n%s\n%s", tc.method, tc.path, before, after)
		}
	}
	// Back to all calls, then the filter can be deleted; deleting again is 404.
	exec.do("PUT", base, map[string]any{"filterType": "ALL_CALLS"}, nil)
	if code, body := exec.do("DELETE", base+"/criteria/"+renamed.ID, nil, nil); code != 204 {
		t.Fatalf("delete: %d %s", code, body)
	}
	if code, _ := exec.do("DELETE", base+"/criteria/"+renamed.ID, nil, nil); code != 404 {
		t.Fatalf("second delete: %d", code)
	}
	if f := r.store.Snapshot().Config.User("1001").Executive.Filtering.Filters; len(f) != 0 {
		t.Fatalf("filters left: %+v", f)
	}
	entries, _ := r.store.Audit("1001", 10)
	if len(entries) < 3 || !strings.Contains(string(entries[0].Before), "VIPs") {
		t.Fatalf("the delete is not audited with what was deleted: %+v", entries)
	}
}

// TestDoNotDisturbSkipsTheAssistant: 1002 sets DND through the API; the next call to
// the executive rings only 1003. Nobody sets another user's DND.
func TestDoNotDisturbSkipsTheAssistant(t *testing.T) {
	r := newRig(t)
	ann, exec := r.login("1002"), r.login("1001")
	if code, body := exec.do("PUT", "/v1/people/1002/doNotDisturb", map[string]any{"enabled": true}, nil); code != 403 {
		t.Fatalf("the executive set the assistant's DND: %d %s", code, body)
	}
	if code, body := ann.do("PUT", "/v1/people/me/doNotDisturb", map[string]any{"enabled": true}, nil); code != 200 || body != `{"enabled":true}`+"\n" {
		t.Fatalf("dnd: %d %q", code, body)
	}
	caller := r.fake.PlaceCall(aritest.Call{From: "PJSIP/trunk", Exten: "1001", Args: []string{"exec", "1001"}})
	r.ringing("PJSIP/1003")
	time.Sleep(50 * time.Millisecond) // a leg to 1002 would have been created with 1003's
	if legs := r.fake.ChannelsOn("PJSIP/1002"); len(legs) != 0 {
		t.Fatalf("1002 is on DND but rang: %v", legs)
	}
	r.fake.Hangup(caller)
	if code, _ := ann.do("PUT", "/v1/people/me/doNotDisturb", map[string]any{"enabled": false}, nil); code != 200 || r.store.Snapshot().Runtime.OnDND("1002") {
		t.Fatal("DND not cleared")
	}
}

// TestInitiateRingsTheAssistantThenCallsAsTheExecutive is calls/initiate: the
// assistant's phone rings first; on answer the destination rings showing the
// executive, as #64 does. Calling permissions refuse before anything rings.
func TestInitiateRingsTheAssistantThenCallsAsTheExecutive(t *testing.T) {
	r := newRig(t)
	ann, ada, exec := r.login("1002"), r.login("1004"), r.login("1001")
	r.fake.AddPhone(aritest.Phone{Endpoint: "Local/+15551234567@execassist-outbound", Number: "+15551234567"})
	for _, tc := range []struct {
		c    *client
		body map[string]any
		code int
		want string
	}{
		{ann, map[string]any{"executive": "1001", "destination": "+442071234567"}, 403, "destination_not_permitted"},
		{ann, map[string]any{"executive": "1001", "destination": "1;Dial(SIP/x)"}, 400, "digits must be"},
		{ann, map[string]any{"executive": "1001", "destination": "+15551234567", "device": "PJSIP/1003"}, 403, "not a phone of 1002"},
		{ada, map[string]any{"executive": "1001", "destination": "+15551234567"}, 403, "not an assistant of 1001"},
		{exec, map[string]any{"executive": "1001", "destination": "+15551234567"}, 403, "calls from their own phone"},
		{ann, map[string]any{"executive": "1001"}, 400, "required"},
	} {
		if code, body := tc.c.do("POST", "/v1/calls/initiate", tc.body, nil); code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%v: %d %s, want %d %q", tc.body, code, body, tc.code, tc.want)
		}
	}
	if n, _ := r.fake.Counts(); n != 0 {
		t.Fatalf("a refusal rang something: %d channels", n)
	}
	if code, body := ann.do("POST", "/v1/calls/initiate", map[string]any{"executive": "1001", "destination": "+15551234567"}, nil); code != 202 {
		t.Fatalf("initiate: %d %s", code, body)
	}
	mine := r.ringing("PJSIP/1002")
	if legs := r.fake.ChannelsOn("Local/+15551234567@execassist-outbound"); len(legs) != 0 {
		t.Fatal("the destination rang before the assistant answered")
	}
	r.fake.Answer(mine)
	dest := r.ringing("Local/+15551234567@execassist-outbound")
	if name, num := r.fake.Connected(dest); name != "Erin Exec" || num != "1001" {
		t.Fatalf("the destination sees %q <%s>, want the executive", name, num)
	}
	r.fake.Answer(dest)
	r.eventually("an executive call at 1002 on the console", func() bool {
		_, body := ann.do("GET", "/v1/calls", nil, nil)
		return strings.Contains(body, `"executive":"1001"`) && strings.Contains(body, `"assistant":"1002"`)
	})
	r.fake.Hangup(dest)
}

// TestSettingEventsFollowEveryChange: the console's stream tells about a setting change
// whoever makes it: #62 dialled on the executive's phone, an API write by someone else.
func TestSettingEventsFollowEveryChange(t *testing.T) {
	r := newRig(t)
	ann, exec := r.login("1002"), r.login("1001")
	events := ann.events()
	next := func() ExecutiveSummary {
		t.Helper()
		var s ExecutiveSummary
		json.Unmarshal([]byte(r.next(events, "setting", "").data), &s)
		return s
	}
	if s := next(); s.ID != "1001" || !s.FilteringEnabled || len(s.Assistants) != 2 {
		t.Fatalf("first event: %+v", s)
	}
	select {
	case e := <-events:
		t.Fatalf("1002 must not hear about 1006 (nor anything else yet): %+v", e)
	case <-time.After(50 * time.Millisecond):
	}
	fac := r.fake.PlaceCall(aritest.Call{From: "PJSIP/1001", Exten: "#62", Args: []string{"fac", "#62"}})
	if s := next(); s.FilteringEnabled {
		t.Fatalf("after #62: %+v", s)
	}
	r.fake.Hangup(fac)
	exec.do("PUT", "/v1/people/me/executive/assignedAssistants", map[string]any{"assistantIds": []string{"1002"}}, nil)
	if s := next(); len(s.Assistants) != 1 {
		t.Fatalf("after the pool change: %+v", s)
	}
	if st, _ := r.fake.DeviceState(app.FilteringDevice("1001")); st != "NOT_INUSE" {
		t.Fatalf("lamp %q", st)
	}
}

// TestEveryPeopleRouteForEveryRole walks the route table: every people/{id} route, read
// and (where it exists) written with an empty partial body, by the executive, an
// assigned assistant, another executive's assistant, a user without service and an
// admin. The expectations are SPEC 4's table written out, not asked of Allowed.
func TestEveryPeopleRouteForEveryRole(t *testing.T) {
	r := newRig(t)
	root := r.login("root")
	code, body := root.do("POST", "/v1/people/1001/executive/callFiltering/criteria", map[string]any{"filterName": "t"}, nil)
	if code != 201 {
		t.Fatalf("criterion: %d %s", code, body)
	}
	var c CriterionDetail
	json.Unmarshal([]byte(body), &c)
	execRes := []string{"alert", "assignedAssistants", "availableAssistants", "callFiltering", "screening", "handOffs", "assistantPermissions", "numberLists", "availability", "callFiltering/criteria/{criteriaId}"}
	allowed := map[string]map[string]bool{} // user -> "METHOD resource" -> allowed
	for _, u := range []string{"1001", "1002", "1004", "1005", "root"} {
		allowed[u] = map[string]bool{}
	}
	for _, res := range execRes {
		for _, m := range []string{"GET", "PUT"} {
			allowed["1001"][m+" "+res] = true
			allowed["root"][m+" "+res] = true
			allowed["1002"][m+" "+res] = res != "availableAssistants" && !(m == "PUT" && (res == "assignedAssistants" || res == "assistantPermissions"))
		}
	}
	for _, res := range []string{"assistant", "doNotDisturb"} {
		for _, m := range []string{"GET", "PUT"} {
			allowed["1002"][m+" "+res] = true
			allowed["root"][m+" "+res] = true
		}
	}
	clients := map[string]*client{}
	for u := range allowed {
		clients[u] = r.login(u)
	}
	tested := 0
	for _, rt := range routes() {
		res, ok := strings.CutPrefix(rt.pattern, "/v1/people/{id}/")
		if !ok || (rt.method != "GET" && rt.method != "PUT") {
			continue
		}
		res = strings.TrimPrefix(res, "executive/")
		owner := "1001"
		if res == "assistant" || res == "doNotDisturb" {
			owner = "1002"
		}
		path := strings.NewReplacer("{id}", owner, "{criteriaId}", c.ID).Replace(rt.pattern)
		for u, cl := range clients {
			var body any
			if rt.method == "PUT" {
				body = map[string]any{}
			}
			before := r.runtime()
			code, got := cl.do(rt.method, path, body, nil)
			want := 403
			if allowed[u][rt.method+" "+res] {
				want = 200
			}
			if code != want {
				t.Errorf("%s %s as %s: %d %s, want %d", rt.method, path, u, code, got, want)
			}
			if code == 403 && r.runtime() != before {
				t.Errorf("%s %s as %s: refused but changed the runtime state", rt.method, path, u)
			}
			tested++
		}
	}
	if tested < 5*14 {
		t.Fatalf("only %d route x role cases: the route table changed shape", tested)
	}
}
