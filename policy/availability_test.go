package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/internal/config"
)

// TestAvailability: a status turns screening off and does what its action says; it
// ends by itself at its end; the Board list still goes straight through.
func TestAvailability(t *testing.T) {
	y := strings.ReplaceAll(strings.ReplaceAll(base, "%MODE%", "all"), "%FILTERS%", "")
	y = strings.Replace(y, "users:\n", "lists: {Board: [\"+16660000000\"]}\nusers:\n", 1)
	y = strings.Replace(y, "      allow_opt_in_out: true\n", `      allow_opt_in_out: true
      screening: {enabled: true}
      bypass: [Board]
      availability_actions:
        out-of-office: {action: voicemail}
        busy: {action: forward, to: "+15553334444"}
        in-a-meeting: {action: filter-all}
`, 1)
	cfg := mustConfig(t, y)
	until := officeHours.Add(time.Hour)
	set := func(status string, until *time.Time, filtering bool) config.Runtime {
		return config.Runtime{Executives: map[string]config.ExecutiveState{"1001": {Availability: &config.Availability{Status: status, Until: until}, Filtering: &filtering}}}
	}
	call := Call{CallerNumber: "+15557770000", Dialled: "1001"}
	for _, tc := range []struct {
		name      string
		rt        config.Runtime
		at        time.Time
		call      Call
		filtered  bool
		elsewhere string
		screening int
		why       string
	}{
		{"available", config.Runtime{}, officeHours, call, true, "", 1, "screening (silent)"},
		{"out of office: voicemail", set(config.OutOfOffice, nil, true), officeHours, call, false, "continue to execassist-voicemail,1001,1", 0, "Erin Exec is out of office"},
		{"busy: forward", set(config.Busy, &until, true), officeHours, call, false, "dial Local/+15553334444@out", 0, "Erin Exec is busy until 2026-11-24 16:00 UTC"},
		{"in a meeting: filtered though filtering is off", set(config.InAMeeting, nil, false), officeHours, call, true, "", 0, "screening is off while Erin Exec is in-a-meeting"},
		{"the status has ended", set(config.OutOfOffice, &until, true), until, call, true, "", 1, "screening (silent)"},
		{"the Board goes straight through", set(config.OutOfOffice, nil, true), officeHours, Call{CallerNumber: "+16660000000", Dialled: "1001"}, false, "", 0, `on the list "Board"`},
	} {
		d := Decide(Compile(cfg, tc.rt), "1001", tc.call, tc.at)
		got := ""
		if d.ElsewhereAction != "" {
			got = d.Elsewhere.String()
		}
		if d.Filtered != tc.filtered || !strings.HasPrefix(got, tc.elsewhere) || (tc.elsewhere == "") != (got == "") ||
			len(d.Screening) != tc.screening || !strings.Contains(strings.Join(d.Reasons, "\n"), tc.why) {
			t.Errorf("%s: filtered %v, elsewhere %q, screening %d, reasons %q", tc.name, d.Filtered, got, len(d.Screening), d.Reasons)
		}
	}
}

// TestAnAvailabilityForwardTheExecutiveMayNotCallIsVoicemail: the dial gate applies to
// a status's forward as to any number dialled as the executive.
func TestAnAvailabilityForwardTheExecutiveMayNotCallIsVoicemail(t *testing.T) {
	y := strings.ReplaceAll(strings.ReplaceAll(base, "%MODE%", "all"), "%FILTERS%", "")
	cfg := mustConfig(t, y)
	cfg.User("1001").Executive.AvailabilityActions = map[string]config.AvailabilityAction{config.Busy: {Action: "forward", To: "+442071234567"}}
	plan := Compile(cfg, config.Runtime{Executives: map[string]config.ExecutiveState{"1001": {Availability: &config.Availability{Status: config.Busy}}}})
	d := Decide(plan, "1001", Call{CallerNumber: "+15557770000", Dialled: "1001"}, officeHours)
	if d.ElsewhereAction != "voicemail" || len(plan.Problems) != 1 || !strings.Contains(plan.Problems[0], "not dialable") {
		t.Fatalf("%q %v %v", d.ElsewhereAction, d.Elsewhere, plan.Problems)
	}
}
