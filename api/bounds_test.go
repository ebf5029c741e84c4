package api

import (
	"fmt"
	"strings"
	"testing"

	"github.com/execassist/execassist/internal/config"
)

// TestFiltersAreBoundedAndAuditedByWhatChanged: an executive has at most
// config.MaxFilters custom filters (the next POST says so, naming the field), and each
// write's audit record holds the filter it changed, not the whole list twice: the audit
// grows linearly (it grew with the square of the list: 1,000 filters made 384 MB).
func TestFiltersAreBoundedAndAuditedByWhatChanged(t *testing.T) {
	r := newRig(t)
	exec := r.login("1001")
	base := "/v1/people/1001/executive/callFiltering/criteria"
	for i := range config.MaxFilters {
		if code, body := exec.do("POST", base, map[string]any{"filterName": fmt.Sprintf("filter %02d", i), "callsFrom": "SELECT_PHONE_NUMBERS",
			"phoneNumbers": []string{fmt.Sprintf("+1555000%04d", i)}}, nil); code != 201 {
			t.Fatalf("filter %d: %d %s", i, code, body)
		}
	}
	code, body := exec.do("POST", base, map[string]any{"filterName": "one too many"}, nil)
	if code != 400 || !strings.Contains(body, `"field":"criteria"`) || !strings.Contains(body, fmt.Sprintf("at most %d", config.MaxFilters)) {
		t.Fatalf("filter %d: %d %s", config.MaxFilters+1, code, body)
	}
	many := make([]string, config.MaxFilterNumbers+1)
	for i := range many {
		many[i] = fmt.Sprintf("+1555111%04d", i)
	}
	code, body = exec.do("PUT", "/v1/people/1001/executive/callFiltering/criteria/"+criterionID("filter 00"), map[string]any{"phoneNumbers": many}, nil)
	if code != 400 || !strings.Contains(body, `"field":"phoneNumbers"`) || !strings.Contains(body, fmt.Sprintf("at most %d", config.MaxFilterNumbers)) {
		t.Fatalf("%d numbers in one filter: %d %s", len(many), code, body)
	}
	audit, err := r.store.Audit("1001", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != config.MaxFilters {
		t.Fatalf("%d audit records", len(audit))
	}
	last := audit[0] // newest: the 64th filter added
	if n := len(last.Before) + len(last.After); n > 1024 || !strings.Contains(string(last.After), "filter 63") || strings.Contains(string(last.After), "filter 62") {
		t.Fatalf("the last audit record is %d bytes: before %s after %s", n, last.Before, last.After)
	}
}
