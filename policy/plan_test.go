package policy

import (
	"strings"
	"testing"

	"github.com/execassist/execassist/internal/config"
)

// TestCompileSaysProblemsOnceAndDecideStillExplains: what the dial gate refuses in the
// settings is a problem of the plan (said once per settings change), and each decision
// still gives it among its reasons.
func TestCompileSaysProblemsOnceAndDecideStillExplains(t *testing.T) {
	cfg := mustConfig(t, `
users:
  - extension: "1001"
    name: Erin Exec
    devices: [PJSIP/1001]
    executive: {assistants: ["1002", "1003"], filtering: {enabled: true, mode: all}}
  - {extension: "1002", name: Ann Assist, devices: [PJSIP/1002], assistant: {}}
  - {extension: "1003", name: Alan Assist, devices: [PJSIP/1003], assistant: {}}
  - {extension: "1005", name: Uma User, devices: [PJSIP/1005]}
`)
	rt := config.Runtime{Assistants: map[string]config.AssistantState{
		"1002": {Divert: &config.Divert{Enabled: true, To: "911"}},
	}}
	plan := Compile(cfg, rt)
	if len(plan.Problems) != 1 || !strings.Contains(plan.Problems[0], "1001: assistant 1002 divert") {
		t.Fatalf("problems %q", plan.Problems)
	}
	for _, tc := range []struct {
		exec, want string
		filtered   bool
	}{
		{"1001", "assistant 1002 divert to \"911\" skipped", true},
		{"1005", "1005 does not have the executive service", false},
		{"1999", "1999 is not a provisioned user", false},
	} {
		d := Decide(plan, tc.exec, Call{CallerNumber: "+15557770000", Dialled: tc.exec}, officeHours)
		if d.Filtered != tc.filtered || !strings.Contains(strings.Join(d.Reasons, "\n"), tc.want) {
			t.Errorf("%s: filtered %v, reasons %q", tc.exec, d.Filtered, d.Reasons)
		}
		if tc.filtered && (len(d.Assistants) != 1 || d.Assistants[0].Who != "1003") {
			t.Errorf("%s: alerted %+v", tc.exec, d.Assistants)
		}
	}
}

func mustConfig(t *testing.T, y string) *config.Config {
	t.Helper()
	cfg, src, err := config.Parse("t.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	if errs := config.Validate(cfg, src); len(errs) > 0 {
		t.Fatal(errs)
	}
	return cfg
}
