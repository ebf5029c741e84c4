package config

import (
	"errors"
	"strings"
	"testing"
)

// TestLoadReportsEveryKindOfProblemInOnePass: a wrong type, an unknown key and invalid
// values deep in the tree come back together, each with its line; a value that did not
// decode is not reported a second time as invalid.
func TestLoadReportsEveryKindOfProblemInOnePass(t *testing.T) {
	y := `users:
  - extension: "1001"
    name: Erin
    devices: [PJSIP/1001]
    executive:
      assistants: ["1002"]
      filtering:
        enabled: true
        mode: custom
        filters:
          - name: x
            calls_from: {numbers: ["+1555abc"]}
            action: filter
      alerting:
        mode: bogus
        rings_per_assistant: [3]
  - {extension: "1002", name: A, devices: [PJSIP/1002], assistant: {}, bogus_key: 1}
`
	_, err := LoadBytes("t.yaml", []byte(y))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("got %v", err)
	}
	want := []string{
		`t.yaml:12: users[0].executive.filtering.filters[0].calls_from.numbers[0]: "+1555abc"`,
		`t.yaml:15: users[0].executive.alerting.mode: "bogus" is not one of`,
		`t.yaml:16: users[0].executive.alerting.rings_per_assistant: expected a whole number, got a list`,
		`t.yaml:17: users[1].bogus_key: unknown field "bogus_key"`,
	}
	if len(errs) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(errs), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i].Error(), w) {
			t.Errorf("problem %d:\n got %s\nwant %s...", i, errs[i], w)
		}
	}
}

// TestInvalidUTF8IsReportedWithLineAndColumn: the YAML library says only "invalid
// leading UTF-8 octet"; the admin needs to know where.
func TestInvalidUTF8IsReportedWithLineAndColumn(t *testing.T) {
	y := "users:\n  - extension: \"1001\"\n    name: \"Er\xffin\"\n    devices: [PJSIP/1001]\n    # caf\xe9\n"
	_, err := LoadBytes("t.yaml", []byte(y))
	if err == nil || err.Error() != "t.yaml:3: column 14: byte 0xff is not UTF-8 (save the file as UTF-8)\nt.yaml:5: column 10: byte 0xe9 is not UTF-8 (save the file as UTF-8)" {
		t.Fatalf("got %v", err)
	}
}
