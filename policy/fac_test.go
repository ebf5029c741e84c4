package policy

import (
	"strings"
	"testing"

	"github.com/execassist/execassist/internal/numbering"
)

func TestParseFAC(t *testing.T) {
	cfg := load(t, "all", "")
	cases := []struct {
		device, digits string
		code, exec     string
		dest, special  string
		need, refused  string
	}{
		{"PJSIP/1001", "#61", "filtering_on", "1001", "", "", "", ""},
		{"PJSIP/1002", "#62", "filtering_off", "", "", "", "", "not an executive"},
		{"PJSIP/9999", "#61", "filtering_on", "", "", "", "", "no provisioned user"},
		{"PJSIP/1001", "#60", "", "", "", "", "", "no feature code"},
		{"PJSIP/1001", "#61;Dial(x)", "", "", "", "", "", "digits must be"},
		{"PJSIP/1002", "#63", "push", "", "", "", "", ""},
		{"PJSIP/1002", "#631", "push", "", "", "", "", "unexpected digits"},
		{"PJSIP/1002", "#66", "opt_out", "", "", "", "executive", ""},
		{"PJSIP/1002", "#661001", "opt_out", "1001", "", "", "", ""},
		{"PJSIP/1002", "#661003", "opt_out", "", "", "", "", "not an executive"},
		{"PJSIP/1002", "#641001*1415551234567", "initiate", "1001", "+15551234567", "", "", ""},
		{"PJSIP/1002", "#641001", "initiate", "1001", "", "", "destination", ""},
		{"PJSIP/1002", "#64", "initiate", "", "", "", "executive", ""},
		{"PJSIP/1002", "#641001*11", "initiate", "1001", "", "retrieve", "", ""},
		{"PJSIP/1002", "#641001*15", "initiate", "1001", "", "bridge", "", ""},
		{"PJSIP/1002", "#641001*14442071234567", "initiate", "1001", "+442071234567", "", "", "international number (+442071234567 is in GB), which the calling permissions of Erin Exec (1001) do not allow"},
		{"PJSIP/1002", "#6410011004", "initiate", "1001", "1004", "", "", ""},
		{"PJSIP/1001", "#681002", "intercom", "1001", "1002", "", "", ""},
		{"PJSIP/1002", "#681001", "intercom", "1001", "1001", "", "", ""},
		{"PJSIP/1001", "#689999", "intercom", "", "", "", "", "neither in the pool"},
		{"PJSIP/1002", "#67", "voicemail", "", "", "", "", ""},
		{"PJSIP/1002", "#671", "voicemail", "", "", "", "", "unexpected digits"},
		{"PJSIP/1001", "*11", "retrieve", "1001", "", "", "", ""},
		{"PJSIP/1001", "*111003", "retrieve", "1001", "", "", "", ""},
		{"PJSIP/1001", "*111009", "retrieve", "1001", "", "", "", "not in the pool"},
		{"PJSIP/1002", "*15", "bridge", "", "", "", "", "not an executive"},
	}
	for _, c := range cases {
		f := ParseFAC(cfg, c.device, c.digits)
		if f.Code != c.code || f.Executive != c.exec || f.Destination != c.dest || f.Special != c.special || f.Need != c.need ||
			(c.refused == "") != (f.Refused == "") || !strings.Contains(f.Refused, c.refused) {
			t.Errorf("%s from %s = %+v", c.digits, c.device, f)
		}
	}
	if f := ParseFAC(cfg, "PJSIP/1002", "#641001*1415551234567"); f.Endpoint != "Local/+15551234567@out" {
		t.Errorf("endpoint %q", f.Endpoint)
	}
}

func FuzzParseFAC(f *testing.F) {
	f.Add("PJSIP/1002", "#641001*1415551234567")
	f.Add("PJSIP/1001", "*111002")
	f.Add("PJSIP/1002", "#66")
	cfg := loadForFuzz()
	f.Add("PJSIP/1002", "#641001011442071234567")
	f.Add("PJSIP/1002", "#64100119005550000")
	f.Add("PJSIP/1002", "#641001*7215551234")
	f.Fuzz(func(t *testing.T, device, digits string) {
		p := ParseFAC(cfg, device, digits)
		if p.Endpoint == "" {
			return
		}
		if p.Refused != "" || strings.ContainsAny(p.Endpoint, ",&()| ") || strings.ContainsAny(p.Destination, "*#") {
			t.Fatalf("%q -> %+v", digits, p)
		}
		// Whatever reaches Asterisk was classified as a class the executive may call
		// (internal or national here: international and premium are off).
		d, err := ClassifyDestination(cfg, p.Destination)
		if err != nil || (d.Class != numbering.Internal && d.Class != numbering.National) || d.Number != p.Destination {
			t.Fatalf("%q dialled %s: %s %v", digits, p.Endpoint, d.Class, err)
		}
	})
}
