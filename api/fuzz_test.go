package api

import (
	"net/http"
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
		`{"rolloverWaitTimeInSecs":-1}`, `{"nextAssistantNumberOfRings":1e99}`, `[]`, `null`, `{"assistantIds":null}`} {
		f.Add(seed)
	}
	r := newRig(f)
	exec, asst := r.login("1001"), r.login("1002")
	paths := []string{"alert", "assignedAssistants", "callFiltering", "screening"}
	f.Fuzz(func(t *testing.T, body string) {
		for _, c := range []*client{exec, asst} {
			for _, p := range append(paths, "assistant") {
				owner := "1001"
				if p == "assistant" {
					owner = c.principal()
				}
				before := r.runtime()
				req := httptest.NewRequest("PUT", "/v1/people/"+owner+"/executive/"+p, strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+c.token)
				w := httptest.NewRecorder()
				r.api.ServeHTTP(w, req)
				switch {
				case w.Code >= 500:
					t.Fatalf("%s %s: %d %s", p, body, w.Code, w.Body)
				case w.Code >= 400 && r.runtime() != before:
					t.Fatalf("%s %s: refused (%d) but changed the state", p, body, w.Code)
				case w.Code != http.StatusOK && !strings.Contains(w.Body.String(), `"error"`):
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
