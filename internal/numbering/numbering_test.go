package numbering

import (
	"regexp"
	"strings"
	"testing"
)

func usPlan(t testing.TB, extra func(*Settings)) *Plan {
	s := Settings{HomeCountry: "1", Premium: []string{"+1976*"},
		IsUser:           func(x string) bool { return x == "1002" || x == "1004" },
		ExtensionPattern: regexp.MustCompile(`^[1-9][0-9]{2,5}$`)}
	if extra != nil {
		extra(&s)
	}
	p, err := NewPlan(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestClassify: the destinations an assistant may type after #64 <exec>, under a US plan,
// with the class each must be refused or permitted as.
func TestClassify(t *testing.T) {
	p := usPlan(t, nil)
	for _, c := range []struct {
		dialled, number, class string
	}{
		{"011442071234567", "+442071234567", International}, // 011: the US international prefix
		{"+442071234567", "+442071234567", International},
		{"+19005550000", "+19005550000", Premium},
		{"19005550000", "+19005550000", Premium},  // 1-900 with the national prefix
		{"9005550000", "+19005550000", Premium},   // 900 without it
		{"+19765550000", "+19765550000", Premium}, // a configured premium prefix
		{"19765550000", "+19765550000", Premium},
		{"2125551234", "+12125551234", National}, // 10-digit national
		{"12125551234", "+12125551234", National},
		{"+12125551234", "+12125551234", National},
		{"+15551234567", "+15551234567", National},      // no known range, but +1
		{"18765551234", "+18765551234", International},  // Jamaica shares +1
		{"+14165551234", "+14165551234", International}, // Canada, unless listed as national
		{"1002", "1002", Internal},                      // a provisioned user
		{"1234", "1234", Internal},                      // the extension pattern
		{"911", "911", Emergency},
		{"999", "999", Emergency}, // emergency in every home country, also where the pattern fits
		{"112", "112", Emergency},
		{"+1911", "", ""},                                 // refused: no number of +1 is that short
		{"411", "411", Premium},                           // directory assistance fits the pattern but is a carrier code
		{"01144207123456", "+44207123456", International}, // short, but still abroad
		{"0044207123456", "", ""},                         // 00 is not the US prefix: not a US number either
		{"+1900", "", ""},
		{"*72", "", ""}, {"*7215551234", "", ""}, {"#1234", "", ""}, {"12#34", "", ""}, {"+*72", "", ""},
		{"", "", ""}, {"+", "", ""}, {"++12125551234", "", ""},
		{strings.Repeat("1", 40), "", ""},
	} {
		d, err := p.Classify(c.dialled)
		if c.class == "" {
			if err == nil {
				t.Errorf("%q: accepted as %s %s (%s)", c.dialled, d.Class, d.Number, d.Reason)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.dialled, err)
			continue
		}
		if d.Class != c.class || d.Number != c.number {
			t.Errorf("%q: %s %s (%s), want %s %s", c.dialled, d.Class, d.Number, d.Reason, c.class, c.number)
		}
	}
}

func TestOtherPlans(t *testing.T) {
	gb, err := NewPlan(Settings{HomeCountry: "GB"})
	if err != nil {
		t.Fatal(err)
	}
	de, err := NewPlan(Settings{HomeCountry: "49"})
	if err != nil {
		t.Fatal(err)
	}
	us := usPlan(t, func(s *Settings) { s.NationalRegions = []string{"CA"} })
	custom := usPlan(t, func(s *Settings) { s.InternationalPrefix = "00"; s.NationalPrefix = "9" })
	for _, c := range []struct {
		p                      *Plan
		dialled, number, class string
	}{
		{gb, "02071234567", "+442071234567", National},
		{gb, "00442071234567", "+442071234567", National},
		{gb, "0012125551234", "+12125551234", International},
		{gb, "09012345678", "+449012345678", Premium},
		{gb, "999", "999", Emergency},
		{gb, "911", "911", Emergency},
		{gb, "112", "112", Emergency},
		{de, "112", "112", Emergency},
		{de, "911", "911", Emergency},
		{de, "999", "999", Emergency},
		{us, "+14165551234", "+14165551234", National},
		{us, "14165551234", "+14165551234", National},
		{custom, "00442071234567", "+442071234567", International},
		{custom, "92125551234", "+12125551234", National},
	} {
		d, err := c.p.Classify(c.dialled)
		if err != nil || d.Class != c.class || d.Number != c.number {
			t.Errorf("%q: %s %s %v, want %s %s", c.dialled, d.Class, d.Number, err, c.class, c.number)
		}
	}
	for _, bad := range []Settings{{HomeCountry: "999"}, {HomeCountry: "XX"}, {HomeCountry: "1", NationalRegions: []string{"Atlantis"}}} {
		if _, err := NewPlan(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// FuzzClassify: whatever is dialled, what is accepted is a plain number; * and # never
// pass; classifying the normalised number again gives the same class (what is checked
// is what is dialled); and a number outside the home country is never national.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{"011442071234567", "19005550000", "*7215551234", "#", "1002", "+18765551234", "911", "0044207123456"} {
		f.Add(s)
	}
	p := usPlan(f, nil)
	f.Fuzz(func(t *testing.T, dialled string) {
		d, err := p.Classify(dialled)
		if err != nil {
			return
		}
		if strings.ContainsAny(dialled, "*#") || strings.Trim(d.Number, "+0123456789") != "" || strings.LastIndex(d.Number, "+") > 0 {
			t.Fatalf("%q accepted as %q", dialled, d.Number)
		}
		switch d.Class {
		case Internal, National, International, Premium, Emergency:
		default:
			t.Fatalf("%q: class %q", dialled, d.Class)
		}
		if d.Class == National && !strings.HasPrefix(d.Number, "+1") {
			t.Fatalf("%q national as %s", dialled, d.Number)
		}
		if strings.HasPrefix(d.Number, "+") && d.Class == Internal {
			t.Fatalf("%q: E.164 %s internal", dialled, d.Number)
		}
		again, err := p.Classify(d.Number)
		if err != nil || again.Class != d.Class || again.Number != d.Number {
			t.Fatalf("%q -> %s %s, again %s %s %v", dialled, d.Class, d.Number, again.Class, again.Number, err)
		}
	})
}

// TestDisplay: numbers as people read them: national in the home country,
// international elsewhere, extensions and junk untouched.
func TestDisplay(t *testing.T) {
	us := usPlan(t, nil)
	for in, want := range map[string]string{
		"+12125551234": "(212) 555-1234", "+442071234567": "+44 20 7123 4567", "1002": "1002", "": "",
		"+1": "+1", "anonymous": "anonymous", "+15551231001": "(555) 123-1001",
	} {
		if got := us.Display(in); got != want {
			t.Errorf("Display(%q) = %q, want %q", in, got, want)
		}
	}
}
