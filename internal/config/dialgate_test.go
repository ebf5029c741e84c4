package config

import (
	"strings"
	"testing"
)

// gateYAML: executive 1001 with assistant 1002 (in the pool) and 1003 (in none); the
// numbers under test replace NUMBER in one field at a time.
const gateYAML = `
users:
  - extension: "1001"
    name: Erin Exec
    devices: [PJSIP/1001]
    mobile: "MOBILE"
    anywhere: ["ANYWHERE"]
    calling_permissions: PERMS
    executive:
      assistants: ["1002"]
      alerting:
        rollover: {action: forward, to: "EXECFWD"}
        caller_id: {number: custom, custom_number: "CLID"}
  - {extension: "1002", name: Ann Assist, devices: [PJSIP/1002], assistant: {divert: {enabled: true, to: "DIVERT"}}}
  - {extension: "1003", name: Alan Assist, devices: [PJSIP/1003], assistant: {divert: {enabled: true, to: "LONE"}}}
defaults:
  alerting:
    rollover: {to: "ORGFWD"}
`

// TestEveryNumberFieldThroughTheGate: every number a user or admin can set, with a number
// of every class. Numbers execassist dials pass only with the permission of the
// identity they carry (the built-in org permissions: internal and national); feature
// codes, emergency numbers and non-numbers never pass; a caller ID number is shown, not
// dialled, so only the last three are refused there.
func TestEveryNumberFieldThroughTheGate(t *testing.T) {
	fields := []struct {
		key, path string
		dialledAs string // whose permissions: "1001", "org", or "" (shown only)
	}{
		{"EXECFWD", "users[0].executive.alerting.rollover.to", "1001"},
		{"ORGFWD", "defaults.alerting.rollover.to", "org"},
		{"MOBILE", "users[0].mobile", "1001"},
		{"ANYWHERE", "users[0].anywhere[0]", "1001"},
		{"DIVERT", "users[1].assistant.divert.to", "1001"},
		{"LONE", "users[2].assistant.divert.to", "org"},
		{"RUNTIME", "assistants.1002.divert.to", "1001"},
		{"CLID", "users[0].executive.alerting.caller_id.custom_number", ""},
	}
	classes := []struct {
		class   string
		numbers []string
		// allowed by the org's default permissions / by 1001 with international on / shown
		org, intl, shown bool
	}{
		{"internal", []string{"1003"}, true, true, true},
		{"national", []string{"2125551234", "+12125551234", "12125551234"}, true, true, true},
		{"international", []string{"011442071234567", "+447911123456", "01144909876543"}, false, true, true},
		{"premium", []string{"19005550000", "+19005550000", "9005550000"}, false, false, true},
		{"emergency", []string{"911", "999", "112"}, false, false, false},
		{"feature code", []string{"*72011442071234567", "*72", "#", "*14442071234567", "12#34"}, false, false, false},
		{"no number", []string{"0044207123456", "+1900", "+"}, false, false, false},
	}
	fill := map[string]string{"MOBILE": "+15559871001", "ANYWHERE": "+15559872001", "EXECFWD": "+15550003333",
		"ORGFWD": "+15550004444", "CLID": "+15551231000", "DIVERT": "+15550005555", "LONE": "+15550006666"}
	for _, intl := range []bool{false, true} {
		perms := "{}"
		if intl {
			perms = "{international: true}"
		}
		for _, f := range fields {
			for _, c := range classes {
				for _, n := range c.numbers {
					y := strings.Replace(gateYAML, "PERMS", perms, 1)
					for k, v := range fill {
						if k == f.key {
							v = n
						}
						y = strings.Replace(y, k, v, 1)
					}
					cfg, src, err := Parse("gate.yaml", []byte(y))
					if err != nil {
						t.Fatal(err)
					}
					errs := Validate(cfg, src)
					if f.key == "RUNTIME" {
						rt := Runtime{Assistants: map[string]AssistantState{"1002": {Divert: &Divert{Enabled: true, To: n}}}}
						errs = append(errs, ValidateRuntime(cfg, Runtime{}, rt)...)
					}
					want := c.shown
					switch f.dialledAs {
					case "org":
						want = c.org
					case "1001":
						want = c.org || (intl && c.intl)
					}
					var got []string
					for _, e := range errs {
						if e.Path == f.path {
							got = append(got, e.Msg)
						} else {
							t.Errorf("%s=%q: an error elsewhere: %v", f.path, n, e)
						}
					}
					switch {
					case want && len(got) > 0:
						t.Errorf("intl=%v %s: %s %q refused: %v", intl, f.path, c.class, n, got)
					case !want && len(got) == 0:
						t.Errorf("intl=%v %s: %s %q accepted", intl, f.path, c.class, n)
					case !want && !strings.Contains(got[0], "number"):
						t.Errorf("%s: %q: the message does not say which number: %q", f.path, n, got[0])
					}
				}
			}
		}
	}
}

// TestGateSaysWhy: the refusal names the setting, the class and whose permissions.
func TestGateSaysWhy(t *testing.T) {
	y := strings.NewReplacer("PERMS", "{}", "MOBILE", "+15559871001", "ANYWHERE", "+15559872001", "EXECFWD", "19005550000",
		"ORGFWD", "+15550004444", "CLID", "+15551231000", "DIVERT", "911", "LONE", "*72011442071234567").Replace(gateYAML)
	cfg, src, err := Parse("gate.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	got := Validate(cfg, src).Error()
	for _, want := range []string{
		"rollover forward number: 19005550000 is a premium-rate number (",
		"), which the calling permissions of Erin Exec (1001) do not allow",
		"divert number: 911 is an emergency number: execassist never calls",
		"divert number: *72011442071234567 is a feature code",
		"gate.yaml:",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
}

// TestGateAtDialTime: Gate and DialOut on a configuration that never went through
// Validate (an older store): the same refusals, and the dial string holds the E.164 form.
func TestGateAtDialTime(t *testing.T) {
	cfg := &Config{Users: []User{{Extension: "1001", Executive: &Executive{}}}}
	exec := cfg.User("1001")
	for _, n := range []string{"*72011442071234567", "911", "999", "112", "011442071234567", "19005550000", "#"} {
		if ep, _, err := cfg.DialOut(exec, n); err == nil {
			t.Errorf("%q dialled as %s", n, ep)
		}
	}
	if ep, d, err := cfg.DialOut(exec, "12125551234"); err != nil || ep != "Local/+12125551234@execassist-outbound" || d.Class != "national" {
		t.Errorf("national: %q %+v %v", ep, d, err)
	}
}
