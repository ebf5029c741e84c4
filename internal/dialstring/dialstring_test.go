package dialstring

import (
	"strings"
	"testing"
)

func TestNumber(t *testing.T) {
	for _, ok := range []string{"1001", "+15551234567", "*11", "#61", "0"} {
		if err := Number(ok); err != nil {
			t.Errorf("Number(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "12a", "1001&PJSIP/1002", "1,2", "+", "1+1", "9(x)", strings.Repeat("1", 33), "1001@ctx", "１２"} {
		if err := Number(bad); err == nil {
			t.Errorf("Number(%q) accepted", bad)
		}
	}
}

func TestDeviceAndTemplate(t *testing.T) {
	for _, ok := range []string{"PJSIP/1001", "SIP/alice.desk", "IAX2/trunk-1"} {
		if err := Device(ok); err != nil {
			t.Errorf("Device(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"1001", "PJSIP/1001&PJSIP/1002", "Local/1001@ctx", "PJSIP/", "PJSIP/a,b", "PJSIP/a/b"} {
		if err := Device(bad); err == nil {
			t.Errorf("Device(%q) accepted", bad)
		}
	}
	got, err := Expand("Local/{number}@execassist-outbound", "+15551234567")
	if err != nil || got != "Local/+15551234567@execassist-outbound" {
		t.Fatalf("Expand = %q, %v", got, err)
	}
	if _, err := Expand("Local/{number}@x", "123&PJSIP/9"); err == nil {
		t.Fatal("Expand accepted an injected number")
	}
	if _, err := Expand("Local/{number}@x,30", "1"); err == nil {
		t.Fatal("Expand accepted a template with options")
	}
}

func FuzzExpand(f *testing.F) {
	f.Add("+15551234567")
	f.Add("*11#")
	f.Add("1&2")
	f.Fuzz(func(t *testing.T, n string) {
		out, err := Expand("Local/{number}@execassist-outbound", n)
		if err != nil {
			return
		}
		rest := strings.TrimSuffix(strings.TrimPrefix(out, "Local/"), "@execassist-outbound")
		if rest != n || strings.ContainsAny(rest, "&,()/@ \t\n|;") {
			t.Fatalf("Expand(%q) = %q", n, out)
		}
	})
}
