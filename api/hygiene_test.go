package api

import (
	"strings"
	"testing"
)

// TestBodiesAreReadStrictly: a duplicate field, a field in the wrong case, a body that
// is not one object, and names with control or bidi characters are refused with the
// field named, and change nothing.
func TestBodiesAreReadStrictly(t *testing.T) {
	r := newRig(t)
	exec := r.login("1001")
	filtering := "/v1/people/1001/executive/callFiltering"
	alert := "/v1/people/1001/executive/alert"
	before := r.runtime()
	for _, c := range []struct {
		path, body, code, field string
	}{
		{filtering, `{"enabled":true,"enabled":false}`, "duplicate_field", "enabled"},
		{filtering, `{"Enabled":false}`, "unknown_field", "Enabled"},
		{filtering, `{"ENABLED":false}`, "unknown_field", "ENABLED"},
		{filtering, `[]`, "malformed", ""},
		{filtering, `[{"enabled":false}]`, "malformed", ""},
		{filtering, `null`, "malformed", ""},
		{filtering, `"x"`, "malformed", ""},
		{filtering, `{"enabled":false} {}`, "malformed", ""},
		{filtering, `{"enabled":"no"}`, "wrong_type", "enabled"},
		{alert, `{"clidNameMode":"CUSTOM","customCLIDName":"Erin\u0000Exec"}`, "invalid", "customCLIDName"},
		{alert, `{"clidNameMode":"CUSTOM","customCLIDName":"Erin\u001b[2JExec"}`, "invalid", "customCLIDName"},
		{alert, `{"clidNameMode":"CUSTOM","customCLIDName":"Erin\nExec"}`, "invalid", "customCLIDName"},
		{alert, `{"clidNameMode":"CUSTOM","customCLIDName":"Erin \u202ecexE"}`, "invalid", "customCLIDName"},
		{alert, `{"clidNameMode":"CUSTOM","customCLIDName":"Erin \u2066Exec"}`, "invalid", "customCLIDName"},
		{filtering + "/criteria", `{"filterName":"VIP\u202e"}`, "invalid", "filterName"},
		{filtering + "/criteria", `{"filterName":"VIP\u0007"}`, "invalid", "filterName"},
	} {
		method := "PUT"
		if strings.HasSuffix(c.path, "criteria") {
			method = "POST"
		}
		code, body := exec.do(method, c.path, c.body, nil)
		if code != 400 || !strings.Contains(body, `"code":"`+c.code+`"`) || (c.field != "" && !strings.Contains(body, `"field":"`+c.field+`"`)) {
			t.Errorf("%s %s: %d %s", c.path, c.body, code, body)
		}
		if strings.Contains(body, `" must be`) {
			t.Errorf("%s: a message without its subject: %s", c.body, body)
		}
	}
	if after := r.runtime(); after != before {
		t.Fatalf("a refused body changed the state:\n%s\n%s", before, after)
	}
	// A name with non-ASCII letters is fine.
	if code, body := exec.do("PUT", alert, `{"clidNameMode":"CUSTOM","customCLIDName":"Zoë Ærø – 総務"}`, nil); code != 200 {
		t.Fatalf("a non-ASCII name: %d %s", code, body)
	}
}

// TestRolloverRangeIsTheYAMLs: a rollover wait the YAML allows (5000 s) is accepted by
// the API too, so an alerting change from the page does not fail for it.
func TestRolloverRangeIsTheYAMLs(t *testing.T) {
	r := newRig(t)
	exec := r.login("1001")
	if code, body := exec.do("PUT", "/v1/people/1001/executive/alert", map[string]any{"rolloverWaitTimeInSecs": 5000}, nil); code != 200 {
		t.Fatalf("5000 s: %d %s", code, body)
	}
	if code, body := exec.do("PUT", "/v1/people/1001/executive/alert", map[string]any{"rolloverWaitTimeInSecs": 7201}, nil); code != 400 || !strings.Contains(body, "0-7200") {
		t.Fatalf("7201 s: %d %s", code, body)
	}
}
