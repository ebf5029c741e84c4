package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/internal/config"
)

// FuzzEveryDialledNumberPassedTheGate: whatever numbers a store holds (runtime state that
// no validator saw: an assistant's divert, the rollover forward, the mobility and
// anywhere numbers), every outside leg Decide asks for is the dial string of a number the
// executive's calling permissions allow (internal or national here), never a feature
// code, an emergency or an international or premium-rate number.
func FuzzEveryDialledNumberPassedTheGate(f *testing.F) {
	for _, seed := range [][4]string{
		{"*72011442071234567", "19005550000", "911", "+447911123456"},
		{"2125551234", "+12125551234", "999", "112"},
		{"#", "01144909876543", "+15559871001", "1003"},
		{"12#34", "9005550000", "0044207123456", "+1"},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	f.Fuzz(func(t *testing.T, divert, forward, mobile, anywhere string) {
		cfg := loadForFuzz()
		u := cfg.User("1001")
		u.Mobile, u.Anywhere = mobile, []string{anywhere}
		on, after := true, config.Duration(30*time.Second)
		u.Executive.Alerting = &config.Alerting{Rollover: &config.Rollover{Enabled: &on, After: &after, Action: "forward", To: forward}}
		u.Executive.Screening = &config.Screening{Enabled: &on, Locations: []string{"mobility", "anywhere"}}
		rt := config.Runtime{Assistants: map[string]config.AssistantState{"1002": {Divert: &config.Divert{Enabled: true, To: divert}}}}
		d := Decide(Compile(cfg, rt), "1001", Call{CallerNumber: "+15557770000", Dialled: "1001"}, officeHours)
		var eps []string
		for _, ts := range [][]Target{d.Assistants, d.Screening} {
			for _, tg := range ts {
				eps = append(eps, tg.Endpoints...)
			}
		}
		if d.RolloverEndpoint != "" {
			eps = append(eps, d.RolloverEndpoint)
		}
		for _, ep := range eps {
			if strings.HasPrefix(ep, "PJSIP/") {
				continue
			}
			n, ok := strings.CutPrefix(ep, "Local/")
			n, _, _ = strings.Cut(n, "@out")
			if !ok || !strings.HasSuffix(ep, "@out") {
				t.Fatalf("leg %q is neither a device nor an outbound number", ep)
			}
			dest, err := cfg.Gate(u, n)
			if err != nil || (dest.Class != "internal" && dest.Class != "national") || dest.Number != n {
				t.Fatalf("dialled %s: %+v %v", ep, dest, err)
			}
		}
	})
}
