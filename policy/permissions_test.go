package policy

import (
	"strings"
	"testing"

	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/numbering"
)

// TestInitiatePermissions: #64 destinations as an attacker would type them, under the
// built-in US plan with international and premium off. Each row is what the FAC does:
// the class, and whether anything is dialled (and which number) or it is refused, and
// whether as not permitted or as invalid digits.
func TestInitiatePermissions(t *testing.T) {
	cfg := load(t, "all", "")
	cfg.Dialing.Premium = []string{"+1976*"}
	for _, c := range []struct {
		dest, class, dialled string
		invalid              bool
	}{
		{"011442071234567", numbering.International, "", false},
		{"0044207123456", "", "", true}, // not a number in the US plan
		{"*14442071234567", numbering.International, "", false},
		{"*1419005550000", numbering.Premium, "", false},
		{"19005550000", numbering.Premium, "", false},
		{"9005550000", numbering.Premium, "", false},
		{"19765551234", numbering.Premium, "", false},
		{"18765551234", numbering.International, "", false}, // Jamaica, +1 but abroad
		{"2125551234", numbering.National, "Local/+12125551234@out", false},
		{"12125551234", numbering.National, "Local/+12125551234@out", false},
		{"*1412125551234", numbering.National, "Local/+12125551234@out", false},
		{"1004", numbering.Internal, "Local/1004@out", false},
		{"911", numbering.Emergency, "", false},
		{"*7215551234", "", "", true}, // a PBX feature code with the executive's identity
		{"*14*7215551234", "", "", true},
		{"#1234", "", "", true},
		{"2125#551234", "", "", true},
		{strings.Repeat("5", 40-len("#641001")), "", "", true},
	} {
		digits := "#641001" + c.dest
		f := ParseFAC(cfg, "PJSIP/1002", digits)
		switch {
		case c.dialled != "" && (f.Refused != "" || f.Endpoint != c.dialled):
			t.Errorf("%s: want %s dialled, got %+v", digits, c.dialled, f)
		case c.dialled == "" && (f.Refused == "" || f.Endpoint != ""):
			t.Errorf("%s: want refused, got %+v", digits, f)
		case c.dialled == "" && f.Invalid != c.invalid:
			t.Errorf("%s: invalid=%v, want %v (%s)", digits, f.Invalid, c.invalid, f.Refused)
		case c.class != "" && !strings.Contains(strings.Join(f.Reasons, "; "), " "+c.class):
			t.Errorf("%s: reasons %q do not say %s", digits, f.Reasons, c.class)
		}
	}
	// An empty destination, or *14 alone, prompts for one instead of dialling anything;
	// the digits entered follow the + of *14.
	for _, digits := range []string{"#641001", "#641001*14"} {
		if f := ParseFAC(cfg, "PJSIP/1002", digits); f.Need != "destination" || f.Endpoint != "" || f.Refused != "" {
			t.Errorf("%s: %+v", digits, f)
		}
	}
	if f := ParseFAC(cfg, "PJSIP/1002", "#641001*14"+"12125551234"); f.Endpoint != "Local/+12125551234@out" {
		t.Errorf("*14 then the prompted number: %+v", f)
	}
	// Permissions granted per executive open exactly their class.
	yes := true
	cfg.User("1001").CallingPerms = &config.Permissions{International: &yes}
	if f := ParseFAC(cfg, "PJSIP/1002", "#641001011442071234567"); f.Endpoint != "Local/+442071234567@out" {
		t.Errorf("international allowed: %+v", f)
	}
	if f := ParseFAC(cfg, "PJSIP/1002", "#64100119005550000"); f.Endpoint != "" {
		t.Errorf("premium must stay refused: %+v", f)
	}
	cfg.User("1001").CallingPerms = &config.Permissions{International: &yes, Premium: &yes}
	if f := ParseFAC(cfg, "PJSIP/1002", "#641001911"); f.Endpoint != "" {
		t.Errorf("emergency is never dialled as the executive: %+v", f)
	}
}

// TestRefusalsSayWhy: each kind of refusal names its own announcement.
func TestRefusalsSayWhy(t *testing.T) {
	cfg := load(t, "all", "")
	for digits, want := range map[string]string{
		"#6412":                  RefusedNotAllowed,  // 12 is no executive
		"#641001*7215551234":     RefusedInvalid,     // feature code digits
		"#641001011442071234567": RefusedDestination, // international, not permitted
		"#60":                    RefusedInvalid,
	} {
		if f := ParseFAC(cfg, "PJSIP/1002", digits); f.Refusal != want {
			t.Errorf("%s: refusal %q (%s), want %q", digits, f.Refusal, f.Refused, want)
		}
	}
	if f := ParseFAC(cfg, "PJSIP/1001", "*111009"); f.Refusal != RefusedNotInPool {
		t.Errorf("*11 for someone outside the pool: %+v", f)
	}
	cfg.Users = append(cfg.Users, config.User{Extension: "1009", Devices: []string{"PJSIP/1009"}, Assistant: &config.Assistant{}})
	if f := ParseFAC(cfg, "PJSIP/1009", "#661001"); f.Refusal != RefusedNotInPool {
		t.Errorf("#66 from outside the pool: %+v", f)
	}
}

// TestOptInOutUnsetMeansNotAllowed: SPEC 4: without allow_opt_in_out the FACs are
// refused, and an opt-out recorded while it was allowed no longer counts.
func TestOptInOutUnsetMeansNotAllowed(t *testing.T) {
	cfg := load(t, "all", "")
	cfg.User("1001").Executive.AllowOptInOut = nil
	if f := ParseFAC(cfg, "PJSIP/1002", "#661001"); f.Refusal != RefusedNotAllowed || !strings.Contains(f.Refused, "does not allow") {
		t.Fatalf("#66: %+v", f)
	}
	no := false
	rt := config.Runtime{Assistants: map[string]config.AssistantState{"1002": {OptedIn: map[string]bool{"1001": no}}}}
	d := Decide(Compile(cfg, rt), "1001", Call{CallerNumber: "+15557770000", Dialled: "1001"}, officeHours)
	if len(d.Assistants) != 2 || d.Assistants[0].Who != "1002" {
		t.Fatalf("a stale opt-out counted: %+v", d.Assistants)
	}
}
