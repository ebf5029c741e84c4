package config

import (
	"flag"
	"github.com/execassist/execassist/internal/testskip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestExampleIsValid(t *testing.T) {
	cfg, err := Load("../../examples/execassist.yaml")
	if err != nil {
		t.Fatal(err)
	}
	erin := cfg.User("1001")
	eff := cfg.ExecutiveSettings(erin)
	// User overrides win field by field; the rest comes from the organisation defaults.
	if eff.AlertingMode != "simultaneous" || eff.RingsPerAssistant != 3 || eff.Rollover.After != 20*time.Second ||
		eff.Rollover.Action != "no-answer-processing" || !eff.Rollover.Enabled || eff.CallerIDNumber != "originator" ||
		!eff.ScreeningEnabled || eff.ScreeningAlert != "silent" || !eff.Permissions.International || eff.Permissions.Premium ||
		eff.BridgeWarningTone != "barge-in-repeat" || eff.PushRecallRings != 4 {
		t.Fatalf("effective settings %+v", eff)
	}
	if d := cfg.EffectiveDialing(); d.RingDuration.D() != 6*time.Second || d.Outbound != "Local/{number}@execassist-outbound" {
		t.Fatalf("dialing %+v", d)
	}
}

func TestBuiltinDefaultsApplyWhenNothingIsSet(t *testing.T) {
	cfg, _, err := Parse("min.yaml", []byte("users:\n  - {extension: \"1001\", devices: [PJSIP/1001], executive: {}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if errs := Validate(cfg, nil); len(errs) > 0 {
		t.Fatal(errs)
	}
	eff := cfg.ExecutiveSettings(cfg.User("1001"))
	if eff.AlertingMode != "simultaneous" || eff.RingsPerAssistant != 3 || eff.Permissions.International || !eff.Permissions.National {
		t.Fatalf("builtin %+v", eff)
	}
	if c := cfg.EffectiveCodes(); c.FilteringOn != "#61" || c.Bridge != "*15" {
		t.Fatalf("codes %+v", c)
	}
	// A value set in the YAML is kept; only unset fields take the built-in value.
	cfg.Codes.Push, cfg.Prompts.DigitTimeout = "#73", Duration(3*time.Second)
	if c, p := cfg.EffectiveCodes(), cfg.EffectivePrompts(); c.Push != "#73" || c.Initiate != "#64" ||
		p.DigitTimeout.D() != 3*time.Second || p.InterDigitTimeout.D() != 5*time.Second || p.Confirm != "sound:beep" {
		t.Fatalf("overrides lost: %+v %+v", c, p)
	}
}

// TestInvalidGolden: each testdata/invalid/*.yaml is rejected with exactly the messages
// in its .golden file (go test -update rewrites them).
func TestInvalidGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid/*.yaml")
	if len(files) < 10 {
		t.Fatalf("only %d invalid cases", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			_, err := Load(f)
			if err == nil {
				t.Fatal("accepted")
			}
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			if *update {
				os.WriteFile(golden, []byte(got), 0o644)
				return
			}
			want, _ := os.ReadFile(golden)
			if got != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestExportRoundTrip(t *testing.T) {
	cfg, err := Load("../../examples/execassist.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := yaml.Marshal(cfg.Provisioning())
	if err != nil {
		t.Fatal(err)
	}
	back, src, err := Parse("export.yaml", out)
	if err != nil {
		t.Fatalf("export does not parse: %v\n%s", err, out)
	}
	if errs := Validate(back, src); len(errs) > 0 {
		t.Fatal(errs)
	}
	again, _ := yaml.Marshal(back.Provisioning())
	if string(again) != string(out) {
		t.Fatalf("round trip differs:\n%s\n---\n%s", out, again)
	}
	if strings.Contains(string(out), "password") {
		t.Fatal("export must not carry the ARI password")
	}
}

// FuzzParseValidate: no input crashes the decoder or the validator; every error names a
// line or a path; and the cost is bounded whatever the input: the decoder visits at most
// the document's own nodes plus MaxAliasNodes, allocates a bounded amount, and reports at
// most MaxErrors problems plus a count.
func FuzzParseValidate(f *testing.F) {
	ex, _ := os.ReadFile("../../examples/execassist.yaml")
	f.Add(ex)
	files, _ := filepath.Glob("testdata/invalid/*.yaml")
	for _, file := range files {
		b, _ := os.ReadFile(file)
		f.Add(b)
	}
	f.Add([]byte(aliasBomb(20)))
	f.Fuzz(func(t *testing.T, data []byte) {
		var (
			cfg *Config
			src *Source
			err error
		)
		alloc := heapAfter(func() { cfg, src, err = Parse("fuzz.yaml", data) })
		if alloc > 128<<20 {
			t.Fatalf("%d MB allocated for %d bytes", alloc>>20, len(data))
		}
		if nodes := documentNodes(data); len(src.lines) > nodes+MaxAliasNodes {
			t.Fatalf("decoded %d paths from a document of %d nodes", len(src.lines), nodes)
		}
		if err != nil {
			errs := err.(Errors)
			if len(errs) > MaxErrors+1 {
				t.Fatalf("%d errors", len(errs))
			}
			for _, e := range errs {
				if e.File != "fuzz.yaml" || e.Msg == "" {
					t.Fatalf("error without location: %+v", e)
				}
			}
			return
		}
		errs := Validate(cfg, src)
		if len(errs) > MaxErrors+1 {
			t.Fatalf("%d validation errors", len(errs))
		}
		for i, e := range errs {
			if (e.Path == "" && i < MaxErrors) || e.Msg == "" {
				t.Fatalf("validation error without a path: %+v", e)
			}
		}
	})
}

// documentNodes counts the nodes a YAML text spells out, not following aliases.
func documentNodes(data []byte) int {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return 0
	}
	var walk func(n *yaml.Node) int
	walk = func(n *yaml.Node) int {
		c := 1
		for _, k := range n.Content {
			c += walk(k)
		}
		return c
	}
	return walk(&root)
}

// TestSpecAppendixIsValid: the YAML shape suggested in ../shared/SPEC.md is accepted as is.
func TestSpecAppendixIsValid(t *testing.T) {
	spec, err := os.ReadFile("../../../shared/SPEC.md")
	if err != nil {
		testskip.Skip(t, "no ../shared/SPEC.md beside the repository")
	}
	s := string(spec)
	start := strings.Index(s, "```yaml")
	end := strings.LastIndex(s, "```")
	if start < 0 || end <= start {
		t.Fatal("no yaml block in SPEC.md")
	}
	cfg, src, err := Parse("SPEC.md", []byte(s[start+len("```yaml"):end]))
	if err != nil {
		t.Fatal(err)
	}
	if errs := Validate(cfg, src); len(errs) > 0 {
		t.Fatal(errs)
	}
}

// TestFilteringOnFollowsTheLastFAC: #61/#62 (runtime) win over the provisioning, either
// way; without them the provisioning says; without the service, never.
func TestFilteringOnFollowsTheLastFAC(t *testing.T) {
	yes, no := true, false
	exec := func(provisioned *bool) *User {
		return &User{Extension: "1001", Executive: &Executive{Filtering: Filtering{Enabled: provisioned}}}
	}
	for _, c := range []struct {
		u      *User
		set    *bool
		on     bool
		source string
	}{
		{exec(&yes), nil, true, "provisioned"},
		{exec(nil), nil, false, "provisioned"},
		{exec(&yes), &no, false, "set by #61/#62"},
		{exec(&no), &yes, true, "set by #61/#62"},
		{&User{Extension: "1001"}, &yes, false, "no executive service"},
	} {
		rt := Runtime{Executives: map[string]ExecutiveState{}}
		if c.set != nil {
			rt.Executives["1001"] = ExecutiveState{Filtering: c.set}
		}
		if on, src := rt.FilteringOn(c.u); on != c.on || src != c.source {
			t.Errorf("%+v with %v: %v (%s)", c.u.Executive, c.set, on, src)
		}
	}
}
