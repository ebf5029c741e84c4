package policy

import (
	"strings"
	"testing"

	"github.com/execassist/execassist/internal/config"
)

// TestRolloverTargetIsPartOfTheDecision: where a rolled-over caller goes is decided
// once, with the call; the session continues the caller there and explain prints it.
func TestRolloverTargetIsPartOfTheDecision(t *testing.T) {
	call := Call{CallerNumber: "+15557770000", Dialled: "1001"}
	for _, tc := range []struct {
		name, edit string
		want       RolloverTarget
		says       string
	}{
		{"voice messaging", "", RolloverTarget{Context: "execassist-voicemail", Extension: "1001", Priority: 1},
			"continue to execassist-voicemail,1001,1"},
		{"own mailbox", "    mobile: +15559871001\n    voicemail: 1001@exec",
			RolloverTarget{Context: "execassist-voicemail", Extension: "1001", Priority: 1, Mailbox: "1001@exec"},
			"continue to execassist-voicemail,1001,1 with EXECASSIST_MAILBOX=1001@exec"},
		{"no-answer processing", "      alerting: {rollover: {action: no-answer-processing}}\n      filtering:",
			RolloverTarget{Label: "execassist-noanswer"}, "continue at label execassist-noanswer of the caller's extension"},
		{"forward", "      alerting: {rollover: {action: forward, to: '+15559990000'}}\n      filtering:",
			RolloverTarget{Endpoint: "Local/+15559990000@out"}, "dial Local/+15559990000@out"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := strings.ReplaceAll(strings.ReplaceAll(base, "%MODE%", "all"), "%FILTERS%", "")
			if tc.edit != "" {
				old := "    mobile: +15559871001"
				if strings.HasPrefix(tc.edit, "      ") {
					old = "      filtering:"
				}
				y = strings.Replace(y, old, tc.edit, 1)
			}
			cfg, src, err := config.Parse("t.yaml", []byte(y))
			if err != nil {
				t.Fatal(err)
			}
			if errs := config.Validate(cfg, src); len(errs) > 0 {
				t.Fatal(errs)
			}
			d := Decide(Compile(cfg, config.Runtime{}), "1001", call, officeHours)
			if d.RolloverTo != tc.want {
				t.Fatalf("RolloverTo %+v, want %+v", d.RolloverTo, tc.want)
			}
			if !strings.HasPrefix(d.RolloverTo.String(), tc.says) {
				t.Fatalf("says %q, want %q", d.RolloverTo, tc.says)
			}
		})
	}
}
