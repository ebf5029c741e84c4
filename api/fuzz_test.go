package api

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzSettingWrites sends arbitrary bodies to every writable resource as the executive
// and as an assistant: the answer is a clear 2xx/4xx, never a 500 or a panic, and a
// 4xx changes nothing.
func FuzzSettingWrites(f *testing.F) {
	for _, seed := range []string{`{"alertingMode":"SEQUENTIAL"}`, `{"assistantIds":["1003","1002"]}`, `{"enabled":false,"filterType":"CUSTOM_CALL_FILTERS"}`,
		`{"criteria":[{"id":"0","activationEnabled":false}]}`, `{"alertType":"RING_SPLASH","alertMobilityLocationEnabled":true}`,
		`{"forwardFilteredCallsEnabled":true,"forwardToPhoneNumber":"+15551234567"}`, `{"executives":[{"id":"1001","optInEnabled":false}]}`,
		`{"rolloverWaitTimeInSecs":-1}`, `{"nextAssistantNumberOfRings":1e99}`, `[]`, `null`, `{"assistantIds":null}`,
		`{"filterName":"vip","callsFrom":"SELECT_PHONE_NUMBERS","phoneNumbers":["+1555*"],"scheduleName":"office"}`, `{"enabled":true}`,
		`{"announcePushEnabled":true,"announcePushTimeoutInSecs":30}`, `{"assistants":[{"id":"1002","placeCallsEnabled":false}]}`,
		`{"lists":[{"name":"Family","phoneNumbers":["+1555?"],"bypassEnabled":true}]}`, `{"status":"BUSY","until":"2099-01-01T00:00:00Z"}`,
		`{"actions":{"BUSY":{"action":"FORWARD","forwardToPhoneNumber":"+15551234567"}}}`,
		`{"filterName":"x","scheduleType":"holidays","scheduleName":"office","callsToNumbers":[{"type":"PRIMARY"}]}`,
		`{"criteriaActivation":[{"id":"x","activationEnabled":true}]}`} {
		f.Add(seed)
	}
	r := newRig(f)
	exec, asst := r.login("1001"), r.login("1002")
	webex := "/v1/telephony/config/people/1001/executive/"
	writes := []struct{ method, path string }{{"PUT", "executive/alert"}, {"PUT", "executive/assignedAssistants"},
		{"PUT", "executive/callFiltering"}, {"POST", "executive/callFiltering/criteria"}, {"PUT", "executive/screening"},
		{"PUT", "executive/assistant"}, {"PUT", "doNotDisturb"}, {"PUT", "executive/handOffs"}, {"PUT", "executive/assistantPermissions"},
		{"PUT", "executive/numberLists"}, {"PUT", "executive/availability"},
		{"POST", webex + "callFiltering/criteria"}, {"PUT", webex + "callFiltering"}, {"PUT", webex + "alert"}}
	f.Fuzz(func(t *testing.T, body string) {
		for _, c := range []*client{exec, asst} {
			for _, wr := range writes {
				p := wr.path
				owner := "1001"
				if p == "executive/assistant" || p == "doNotDisturb" {
					owner = c.principal()
				}
				before := r.runtime()
				path := "/v1/people/" + owner + "/" + p
				if strings.HasPrefix(p, "/") {
					path = p
				}
				req := httptest.NewRequest(wr.method, path, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+c.token)
				w := httptest.NewRecorder()
				r.api.ServeHTTP(w, req)
				switch {
				case w.Code >= 500:
					t.Fatalf("%s %s: %d %s", p, body, w.Code, w.Body)
				case w.Code >= 400 && r.runtime() != before:
					t.Fatalf("%s %s: refused (%d) but changed the state", p, body, w.Code)
				case w.Code >= 300 && !strings.Contains(w.Body.String(), `"error"`):
					t.Fatalf("%s: %d without a JSON error", p, w.Code)
				}
			}
		}
	})
}

func (c *client) principal() string {
	s, _ := c.r.api.auth.session(c.token)
	return s.who.Name
}
