package api

import (
	"strings"
	"testing"
)

// TestTheExecutiveRingsFirstFromTheAPI: executiveAlerting and executiveFirstInSecs
// read as the built-in defaults, change with a PUT (the rest of alerting kept), and
// refuse what the YAML would.
func TestTheExecutiveRingsFirstFromTheAPI(t *testing.T) {
	r := newRig(t)
	exec := r.login("1001")
	path := "/v1/people/1001/executive/alert"
	if _, body := exec.do("GET", path, nil, nil); !strings.Contains(body, `"executiveAlerting":"NO","executiveFirstInSecs":10`) {
		t.Fatalf("before: %s", body)
	}
	code, body := exec.do("PUT", path, map[string]any{"executiveAlerting": "FIRST", "executiveFirstInSecs": 5}, nil)
	if code != 200 || !strings.Contains(body, `"executiveAlerting":"FIRST","executiveFirstInSecs":5`) || !strings.Contains(body, `"alertingMode":"SIMULTANEOUS"`) {
		t.Fatalf("put: %d %s", code, body)
	}
	before := r.runtime()
	for _, b := range []map[string]any{{"executiveAlerting": "SOMETIMES"}, {"executiveFirstInSecs": 1}, {"executiveFirstInSecs": 61}} {
		if code, body := exec.do("PUT", path, b, nil); code != 400 {
			t.Errorf("%v: %d %s", b, code, body)
		}
	}
	if r.runtime() != before {
		t.Fatal("a refusal changed the runtime")
	}
	e := r.store.Snapshot().Config.ExecutiveSettings(r.store.Snapshot().Config.User("1001"))
	if e.ExecutiveAlerting != "first" || e.ExecutiveFirstFor.Seconds() != 5 {
		t.Fatalf("effective %q %s", e.ExecutiveAlerting, e.ExecutiveFirstFor)
	}
}
