package api

import (
	"fmt"
	"strings"
	"testing"

	"github.com/execassist/execassist/internal/config"
)

// accessYAML: executives 1001 (pool 1002, 1003; opt-in/out allowed) and 1006 (pool
// 1004; not allowed); 1005 has no service.
const accessYAML = `
users:
  - {extension: "1001", devices: [PJSIP/1001], executive: {assistants: ["1002", "1003"], allow_opt_in_out: true}}
  - {extension: "1002", devices: [PJSIP/1002], assistant: {}}
  - {extension: "1003", devices: [PJSIP/1003], assistant: {}}
  - {extension: "1004", devices: [PJSIP/1004], assistant: {}}
  - {extension: "1005", devices: [PJSIP/1005]}
  - {extension: "1006", devices: [PJSIP/1006], executive: {assistants: ["1004"]}}
`

// TestAccessTable is SPEC 4's table as every role x every resource x read/write. Each
// row: who, resource, owner (and executive for opt-in), then the read and write verdict.
func TestAccessTable(t *testing.T) {
	cfg, src, err := config.Parse("t.yaml", []byte(accessYAML))
	if err != nil {
		t.Fatal(err)
	}
	if errs := config.Validate(cfg, src); len(errs) > 0 {
		t.Fatal(errs)
	}
	admin := Principal{Name: "root", Admin: true}
	user := func(ext string) Principal { return Principal{Name: ext} }
	rows := []struct {
		who         Principal
		res         Resource
		owner, exec string
		read, write bool
	}{
		// The executive: all of their own service, nothing of another executive's.
		{user("1001"), ResPool, "1001", "", true, true},
		{user("1001"), ResAvailable, "1001", "", true, true},
		{user("1001"), ResFiltering, "1001", "", true, true},
		{user("1001"), ResScreening, "1001", "", true, true},
		{user("1001"), ResAlerting, "1001", "", true, true},
		{user("1001"), ResCalls, "1001", "", true, true},
		{user("1001"), ResCallRetrieve, "1001", "", true, true},
		{user("1001"), ResCallBridge, "1001", "", true, true},
		{user("1001"), ResCallPush, "1001", "", false, false},
		{user("1001"), ResCallInitiate, "1001", "", false, false},
		{user("1001"), ResFiltering, "1006", "", false, false},
		{user("1001"), ResCalls, "1006", "", false, false},
		{user("1001"), ResDivert, "1002", "", false, false},
		{user("1001"), ResOptIn, "1002", "1001", false, false},
		{user("1001"), ResAssistantView, "1002", "", false, false},
		// An assigned assistant: the executive's filtering, screening, alerting; the
		// pool read-only; calls and their actions but not retrieve.
		{user("1002"), ResPool, "1001", "", true, false},
		{user("1002"), ResAvailable, "1001", "", false, false},
		{user("1002"), ResFiltering, "1001", "", true, true},
		{user("1002"), ResScreening, "1001", "", true, true},
		{user("1002"), ResAlerting, "1001", "", true, true},
		{user("1002"), ResCalls, "1001", "", true, true},
		{user("1002"), ResCallPush, "1001", "", true, true},
		{user("1002"), ResCallBridge, "1001", "", true, true},
		{user("1002"), ResCallInitiate, "1001", "", true, true},
		{user("1002"), ResCallRetrieve, "1001", "", false, false},
		// ... their own divert and opt-in (where allowed), nobody else's.
		{user("1002"), ResDivert, "1002", "", true, true},
		{user("1002"), ResAssistantView, "1002", "", true, true},
		{user("1002"), ResOptIn, "1002", "1001", true, true},
		{user("1002"), ResDivert, "1003", "", false, false},
		{user("1002"), ResOptIn, "1003", "1001", false, false},
		{user("1004"), ResOptIn, "1004", "1006", true, false}, // 1006 does not allow it
		{user("1002"), ResOptIn, "1002", "1006", true, false}, // not in 1006's pool
		// An assistant of another executive sees nothing of 1001.
		{user("1004"), ResPool, "1001", "", false, false},
		{user("1004"), ResFiltering, "1001", "", false, false},
		{user("1004"), ResCalls, "1001", "", false, false},
		{user("1004"), ResCallPush, "1001", "", false, false},
		// A user without either service: nothing.
		{user("1005"), ResFiltering, "1001", "", false, false},
		{user("1005"), ResDivert, "1005", "", false, false},
		{user("1005"), ResCalls, "1001", "", false, false},
		// Do not disturb: everyone their own, nobody another's.
		{user("1001"), ResDND, "1001", "", true, true},
		{user("1002"), ResDND, "1002", "", true, true},
		{user("1005"), ResDND, "1005", "", true, true},
		{user("1002"), ResDND, "1001", "", false, false},
		{user("1001"), ResDND, "1002", "", false, false},
		// Unknown principals and owners.
		{user("9999"), ResFiltering, "1001", "", false, false},
		{user("1001"), ResFiltering, "9999", "", false, false},
		{user("1001"), Resource("bogus"), "1001", "", false, false},
		// Admins: everything.
		{admin, ResPool, "1001", "", true, true},
		{admin, ResDivert, "1002", "", true, true},
		{admin, ResOptIn, "1004", "1006", true, true},
		{admin, ResCalls, "1006", "", true, true},
		{admin, ResDND, "1005", "", true, true},
	}
	for _, r := range rows {
		for _, write := range []bool{false, true} {
			want := r.read
			if write {
				want = r.write
			}
			name := fmt.Sprintf("%s %s %s/%s write=%v", r.who.Name, r.res, r.owner, r.exec, write)
			got := Allowed(cfg, r.who, r.res, r.owner, r.exec, write)
			if got.OK != want {
				t.Errorf("%s: %v (%s), want %v", name, got.OK, got.Why, want)
			}
			if strings.TrimSpace(got.Why) == "" {
				t.Errorf("%s: no reason given", name)
			}
		}
	}
}
