package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/internal/config"
)

// TestExecutiveAlerting: first and together put the executive's devices among the
// targets (and make screening legs pointless); do not disturb keeps them silent; no is
// today's behaviour.
func TestExecutiveAlerting(t *testing.T) {
	call := Call{CallerNumber: "+15557770000", Dialled: "1001"}
	dnd := config.Runtime{DoNotDisturb: map[string]bool{"1001": true}}
	for _, tc := range []struct {
		how        string
		rt         config.Runtime
		phones     int
		first      time.Duration
		screening  int
		wantReason string
	}{
		{"no", config.Runtime{}, 0, 0, 1, "screening (silent): the executive's main ring too"},
		{"first", config.Runtime{}, 1, 15 * time.Second, 0, "the executive's phones ring first, alone for 15s; then the assistants too"},
		{"together", config.Runtime{}, 1, 0, 0, "screening is on, but the executive's phones ring anyway (alerting executive: together): no screening legs"},
		{"first", dnd, 0, 0, 0, "the executive's phones would ring first, but the executive is on do not disturb: they do not"},
	} {
		y := strings.ReplaceAll(strings.ReplaceAll(base, "%MODE%", "all"), "%FILTERS%", "")
		y = strings.Replace(y, "      allow_opt_in_out: true\n", "      allow_opt_in_out: true\n      screening: {enabled: true}\n      alerting: {executive: "+tc.how+", executive_for: 15s}\n", 1)
		d := Decide(Compile(mustConfig(t, y), tc.rt), "1001", call, officeHours)
		first := d.ExecutiveFirstFor
		if tc.how != "first" {
			first = 0
		}
		if !d.Filtered || len(d.ExecutivePhones) != tc.phones || first != tc.first || len(d.Screening) != tc.screening ||
			!strings.Contains(strings.Join(d.Reasons, "\n"), tc.wantReason) {
			t.Errorf("%s: phones %+v first %s screening %d reasons %q", tc.how, d.ExecutivePhones, d.ExecutiveFirstFor, len(d.Screening), d.Reasons)
		}
		if tc.phones == 1 && strings.Join(d.ExecutivePhones[0].Endpoints, ",") != "PJSIP/1001" {
			t.Errorf("%s: rings %v", tc.how, d.ExecutivePhones[0].Endpoints)
		}
	}
}
