package api

import (
	"strings"
	"testing"

	"github.com/execassist/execassist/ari/aritest"
)

const listsPath = "/v1/people/1001/executive/numberLists"

// TestTheExecutiveKeepsNumberLists: Erin sees the organisation's Board list, adds her
// own Family list going straight to her, and a custom filter letting Board through;
// a call from Family reaches her, not the assistants, and so does one from the Board.
func TestTheExecutiveKeepsNumberLists(t *testing.T) {
	r := newRig(t)
	exec := r.login("1001")
	if _, body := exec.do("GET", listsPath, nil, nil); body != `{"lists":[{"name":"Board","phoneNumbers":["+1666??12"],"organisation":true,"bypassEnabled":false}]}`+"\n" {
		t.Fatalf("before: %s", body)
	}
	code, body := exec.do("PUT", listsPath, map[string]any{"lists": []map[string]any{
		{"name": "Board", "bypassEnabled": false},
		{"name": "Family", "phoneNumbers": []string{"+15550001111"}, "bypassEnabled": true}}}, nil)
	if code != 200 || !strings.Contains(body, `{"name":"Family","phoneNumbers":["+15550001111"],"organisation":false,"bypassEnabled":true}`) {
		t.Fatalf("own list: %d %s", code, body)
	}
	code, body = exec.do("POST", "/v1/people/1001/executive/callFiltering/criteria", map[string]any{"filterName": "Board rings me",
		"callsFrom": "SELECT_PHONE_NUMBERS", "numberLists": []string{"Board"}, "filterEnabled": false}, nil)
	if code != 201 || !strings.Contains(body, `"numberLists":["Board"]`) {
		t.Fatalf("criterion: %d %s", code, body)
	}
	if code, body := exec.do("PUT", "/v1/people/1001/executive/callFiltering", map[string]any{"filterType": "CUSTOM_CALL_FILTERS"}, nil); code != 200 {
		t.Fatalf("custom: %d %s", code, body)
	}
	for _, from := range []string{"+15550001111", "+16660912"} {
		r.fake.AddPhone(aritest.Phone{Endpoint: "PJSIP/from" + from, Number: from})
		caller := r.fake.PlaceCall(aritest.Call{From: "PJSIP/from" + from, Exten: "1001", Args: []string{"exec", "1001"}})
		r.eventually(from+" continued to Erin", func() bool { _, ok := r.fake.Continued(caller); return ok })
		if legs := r.fake.ChannelsOn("PJSIP/1002"); len(legs) != 0 {
			t.Errorf("%s rang Ann", from)
		}
		r.fake.Hangup(caller)
	}
}

// TestNumberListRefusals: the organisation's numbers are not the executive's to change
// (403), a bad number or name is a 400 naming lists, a list a filter uses cannot go
// away, someone without the service may not write; nothing changes.
func TestNumberListRefusals(t *testing.T) {
	r := newRig(t)
	exec := r.login("1001")
	exec.do("POST", "/v1/people/1001/executive/callFiltering/criteria", map[string]any{"filterName": "Board",
		"callsFrom": "SELECT_PHONE_NUMBERS", "numberLists": []string{"Board"}}, nil)
	before := r.runtime()
	for _, tc := range []struct {
		who  string
		body any
		code int
		want string
	}{
		{"1001", map[string]any{"lists": []map[string]any{{"name": "Board", "phoneNumbers": []string{"+15551112222"}}}}, 403, "an admin changes its numbers in the YAML"},
		{"1001", map[string]any{"lists": []map[string]any{{"name": "Family", "phoneNumbers": []string{"1;Dial(x)"}}}}, 400, `"field":"lists"`},
		{"1001", map[string]any{"lists": []map[string]any{{"name": "Fam/ily", "phoneNumbers": []string{"1234"}}}}, 400, "a list name is"},
		{"1001", map[string]any{"lists": []map[string]any{{"name": "Family"}, {"name": "Family"}}}, 400, "listed twice"},
		{"1005", map[string]any{"lists": []map[string]any{}}, 403, "forbidden"},
	} {
		if code, body := r.login(tc.who).do("PUT", listsPath, tc.body, nil); code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s %v: %d %s", tc.who, tc.body, code, body)
		}
	}
	if code, body := exec.do("POST", "/v1/people/1001/executive/callFiltering/criteria", map[string]any{"filterName": "x",
		"callsFrom": "SELECT_PHONE_NUMBERS", "numberLists": []string{"Nobody"}}, nil); code != 400 || !strings.Contains(body, `"field":"numberLists"`) {
		t.Errorf("a filter naming no list: %d %s", code, body)
	}
	if r.runtime() != before {
		t.Fatalf("a refusal changed the runtime:\n%s\n%s", before, r.runtime())
	}
}
