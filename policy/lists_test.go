package policy

import (
	"strings"
	"testing"

	"github.com/execassist/execassist/internal/config"
)

// listsYAML: the organisation's VIPs and Board lists (Board bypasses for everyone),
// Erin's own Family list, and a custom filter that lets VIPs through.
func listsYAML() string {
	y := strings.ReplaceAll(base, "%MODE%", "custom")
	y = strings.ReplaceAll(y, "%FILTERS%", `        filters:
          - {name: VIPs ring me, calls_from: {lists: [VIPs, Family]}, action: dont-filter}
          - {name: everyone else, action: filter}`)
	y = strings.Replace(y, "users:\n", `lists:
  VIPs: ["+1555123*", "+15559990000"]
  Board: ["+1666??12"]
defaults: {bypass: [Board]}
users:
`, 1)
	return strings.Replace(y, "      allow_opt_in_out: true\n", "      allow_opt_in_out: true\n      lists: {Family: [\"+15550001111\"]}\n", 1)
}

func TestNumberListsInFiltersAndBypass(t *testing.T) {
	plan := Compile(mustConfig(t, listsYAML()), config.Runtime{})
	for _, tc := range []struct {
		name     string
		call     Call
		filtered bool
		why      string
	}{
		{"on VIPs by pattern", Call{CallerNumber: "+15551234567"}, false, `caller +15551234567 is on the list "VIPs" (+1555123*)`},
		{"on Erin's Family", Call{CallerNumber: "+15550001111"}, false, `is on the list "Family" (+15550001111)`},
		{"on no list", Call{CallerNumber: "+15557770000"}, true, `filter "everyone else" (filter) matches`},
		{"Board bypasses", Call{CallerNumber: "+16660912"}, false, `is on the list "Board" (+1666??12), which goes straight to the executive`},
		{"anonymous is on no list", Call{CallerNumber: "+15551234567", Anonymous: true}, true, "everyone else"},
	} {
		tc.call.Dialled = "1001"
		d := Decide(plan, "1001", tc.call, officeHours)
		if d.Filtered != tc.filtered || !strings.Contains(strings.Join(d.Reasons, "\n"), tc.why) {
			t.Errorf("%s: filtered %v, reasons %q", tc.name, d.Filtered, d.Reasons)
		}
	}
}
