package policy

import (
	"strings"
	"testing"

	"github.com/execassist/execassist/internal/config"
)

// withPermissions: Erin withholds joining her calls from Ann, and placing calls,
// picking up held calls, joining and receiving filtered calls from Alan.
func withPermissions() string {
	y := strings.ReplaceAll(strings.ReplaceAll(base, "%MODE%", "all"), "%FILTERS%", "")
	return strings.Replace(y, "      allow_opt_in_out: true\n", `      allow_opt_in_out: true
      assistant_permissions:
        "1002": {join_calls: false}
        "1003": {receive_filtered_calls: false, place_calls: false, pick_up_held_calls: false, join_calls: false}
`, 1)
}

// TestAssistantPermissionsNarrowTheFACs: each #64 form asks for its own permission;
// an assistant who may do none of them is refused before the destination prompt.
func TestAssistantPermissionsNarrowTheFACs(t *testing.T) {
	cfg := mustConfig(t, withPermissions())
	cases := []struct {
		device, digits string
		need, special  string
		refused        string
	}{
		{"PJSIP/1002", "#6410011004", "", "", ""},
		{"PJSIP/1002", "#641001", "destination", "", ""},
		{"PJSIP/1002", "#641001*11", "", "retrieve", ""},
		{"PJSIP/1002", "#641001*15", "", "", "1002 (Ann Assist) may not join the executive's calls for 1001 (Erin Exec)"},
		{"PJSIP/1003", "#641001", "", "", "1003 (Alan Assist) may not place calls as the executive for 1001 (Erin Exec)"},
		{"PJSIP/1003", "#6410011004", "", "", "may not place calls as the executive"},
		{"PJSIP/1003", "#641001*1415551234567", "", "", "may not place calls as the executive"},
		{"PJSIP/1003", "#641001*11", "", "", "may not pick up the executive's held calls"},
		{"PJSIP/1003", "#641001*15", "", "", "may not join the executive's calls"},
		{"PJSIP/1003", "#661001", "", "", ""}, // opting out is not narrowed
	}
	for _, c := range cases {
		f := ParseFAC(cfg, c.device, c.digits)
		if f.Need != c.need || f.Special != c.special || (c.refused == "") != (f.Refused == "") || !strings.Contains(f.Refused, c.refused) {
			t.Errorf("%s from %s = %+v", c.digits, c.device, f)
		}
		if c.refused != "" && (f.Refusal != RefusedNotAllowed || f.Endpoint != "") {
			t.Errorf("%s from %s: refusal %q, endpoint %q", c.digits, c.device, f.Refusal, f.Endpoint)
		}
	}
}

// TestAnAssistantWhoMayNotReceiveIsNotAlerted: Alan is skipped, and the reasons say
// why; Ann is alerted.
func TestAnAssistantWhoMayNotReceiveIsNotAlerted(t *testing.T) {
	cfg := mustConfig(t, withPermissions())
	d := Decide(Compile(cfg, config.Runtime{}), "1001", Call{CallerNumber: "+15557770000", Dialled: "1001"}, officeHours)
	if len(d.Assistants) != 1 || d.Assistants[0].Who != "1002" {
		t.Fatalf("alerted %+v", d.Assistants)
	}
	if !strings.Contains(strings.Join(d.Reasons, "\n"), "assistant 1003 (Alan Assist) may not receive 1001's filtered calls: skipped") {
		t.Errorf("reasons: %q", d.Reasons)
	}
}
