package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/execassist/execassist/internal/config"
)

const base = `
dialing: {internal_pattern: '^[1-9][0-9]{3}$', outbound: 'Local/{number}@out'}
schedules:
  office: {timezone: America/New_York, weekly: [{days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:30"}]}
  holidays: {timezone: America/New_York, dates: [2026-12-25, 2026-12-31..2027-01-01]}
users:
  - extension: "1001"
    name: Erin Exec
    devices: [PJSIP/1001]
    numbers: [+15551231001, +15551239999]
    mobile: +15559871001
    anywhere: [+15559870001]
    executive:
      assistants: ["1002", "1003"]
      allow_opt_in_out: true
      filtering:
        enabled: true
        mode: %MODE%
%FILTERS%
  - {extension: "1002", name: Ann Assist, devices: [PJSIP/1002], assistant: {}}
  - {extension: "1003", name: Alan Assist, devices: [PJSIP/1003, PJSIP/1003b], assistant: {}}
`

func loadForFuzz() *config.Config {
	cfg, _, err := config.Parse("t.yaml", []byte(strings.ReplaceAll(strings.ReplaceAll(base, "%MODE%", "all"), "%FILTERS%", "")))
	if err != nil {
		panic(err)
	}
	return cfg
}

func load(t *testing.T, mode, filters string) *config.Config {
	t.Helper()
	y := strings.ReplaceAll(base, "%MODE%", mode)
	return mustConfig(t, strings.ReplaceAll(y, "%FILTERS%", filters))
}

// Tue 2026-11-24 10:00 in New York.
var officeHours = time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)

func TestModes(t *testing.T) {
	ext := Call{CallerNumber: "+15557770000", Dialled: "1001"}
	internal := Call{CallerNumber: "1004", Dialled: "1001"}
	cases := []struct {
		mode string
		call Call
		want bool
	}{
		{"all", ext, true},
		{"all", internal, true},
		{"internal", internal, true},
		{"internal", ext, false},
		{"external", ext, true},
		{"external", internal, false},
		// EXECASSIST_ORIGIN from the dialplan wins over the number.
		{"external", Call{CallerNumber: "1004", Origin: "external"}, true},
		{"internal", Call{CallerNumber: "+15557770000", Origin: "internal"}, true},
		// Anonymous callers are external.
		{"external", Call{Anonymous: true}, true},
	}
	for _, c := range cases {
		cfg := load(t, c.mode, "")
		d := Decide(Compile(cfg, config.Runtime{}), "1001", c.call, officeHours)
		if d.Filtered != c.want {
			t.Errorf("mode %s, call %+v: filtered=%v want %v\n%s", c.mode, c.call, d.Filtered, c.want, strings.Join(d.Reasons, "\n"))
		}
	}
}

func TestCustomFilters(t *testing.T) {
	rules := `        filters:
          - {name: board, calls_from: {numbers: ["+1555777*", "+1666??12"]}, action: dont-filter}
          - {name: office external, when: office, holidays: holidays, calls_from: {external: true, anonymous: true}, action: filter}
          - {name: withheld, calls_from: {unavailable: true}, action: filter}
          - {name: mobile line, calls_to: [mobility], action: filter}
          - {name: second number, calls_to: ["+15551239999"], calls_from: {internal: true}, action: filter}
          - {name: off, calls_from: {any: true}, action: filter, active: false}`
	cfg := load(t, "custom", rules)
	ny, _ := time.LoadLocation("America/New_York")
	cases := []struct {
		name string
		call Call
		at   time.Time
		want bool
		why  string
	}{
		{"external in office hours", Call{CallerNumber: "+15550001111", Dialled: "1001"}, officeHours, true, `filtered by rule "office external"`},
		{"external after hours", Call{CallerNumber: "+15550001111", Dialled: "1001"}, time.Date(2026, 11, 24, 18, 0, 0, 0, ny), false, "is outside it"},
		{"external at 17:29", Call{CallerNumber: "+15550001111"}, time.Date(2026, 11, 24, 17, 29, 0, 0, ny), true, "within tue 09:00-17:30"},
		{"external on Saturday", Call{CallerNumber: "+15550001111"}, time.Date(2026, 11, 28, 10, 0, 0, 0, ny), false, "outside"},
		{"holiday", Call{CallerNumber: "+15550001111"}, time.Date(2026, 12, 25, 10, 0, 0, 0, ny), false, "holiday schedule holidays"},
		{"holiday range", Call{CallerNumber: "+15550001111"}, time.Date(2026, 12, 31, 10, 0, 0, 0, ny), false, "2026-12-31..2027-01-01"},
		// DST ends 2026-11-01 in New York: 09:30 local is 14:30 UTC that Monday... the
		// schedule follows local time on both sides of the change.
		{"DST change week, 09:30 local", Call{CallerNumber: "+15550001111"}, time.Date(2026, 11, 2, 14, 30, 0, 0, time.UTC), true, "within mon 09:00-17:30"},
		{"DST change week, 13:30 UTC is 08:30 local", Call{CallerNumber: "+15550001111"}, time.Date(2026, 11, 2, 13, 30, 0, 0, time.UTC), false, "outside"},
		{"DST start day 2026-03-09 09:30 EDT", Call{CallerNumber: "+15550001111"}, time.Date(2026, 3, 9, 13, 30, 0, 0, time.UTC), true, "within"},
		{"board member wins over filter", Call{CallerNumber: "+15557771234"}, officeHours, false, `don't-filter rule "board" wins`},
		{"? wildcard", Call{CallerNumber: "+16660912"}, officeHours, false, "matches +1666??12"},
		{"? wildcard wrong length", Call{CallerNumber: "+166609123"}, officeHours, true, "office external"},
		{"anonymous in office hours", Call{Anonymous: true}, officeHours, true, "an anonymous caller"},
		{"anonymous after hours", Call{Anonymous: true}, time.Date(2026, 11, 24, 20, 0, 0, 0, ny), false, ""},
		{"unavailable", Call{Unavailable: true}, time.Date(2026, 11, 24, 20, 0, 0, 0, ny), true, "number is unavailable"},
		{"calls to mobility", Call{CallerNumber: "1004", Dialled: "+15559871001"}, officeHours, true, "mobility number was dialled"},
		{"internal to primary", Call{CallerNumber: "1004", Dialled: "1001"}, officeHours, false, "no filter rule matches"},
		{"internal to the second number", Call{CallerNumber: "1004", Dialled: "+15551239999"}, officeHours, true, `"second number"`},
		{"deactivated filter ignored", Call{CallerNumber: "1004", Dialled: "1001"}, officeHours, false, `filter "off" is deactivated`},
	}
	for _, c := range cases {
		d := Decide(Compile(cfg, config.Runtime{}), "1001", c.call, c.at)
		trace := strings.Join(d.Reasons, "\n")
		if d.Filtered != c.want || !strings.Contains(trace, c.why) {
			t.Errorf("%s: filtered=%v want %v, trace lacks %q:\n%s", c.name, d.Filtered, c.want, c.why, trace)
		}
	}
}

func TestAvailabilityRuntimeAndDivert(t *testing.T) {
	cfg := load(t, "all", "")
	call := Call{CallerNumber: "+15550001111", CallerName: "Bob Caller", Dialled: "1001"}
	off, no := false, false
	d := Decide(Compile(cfg, config.Runtime{Executives: map[string]config.ExecutiveState{"1001": {Filtering: &off}}}), "1001", call, officeHours)
	if d.Filtered || !strings.Contains(d.Reasons[0], "set by #61/#62") {
		t.Fatalf("#62 must win over the provisioned setting: %v", d.Reasons)
	}
	rt := config.Runtime{Assistants: map[string]config.AssistantState{
		"1002": {OptedIn: map[string]bool{"1001": no}},
		"1003": {Divert: &config.Divert{Enabled: true, To: "+15550002222"}},
	}}
	d = Decide(Compile(cfg, rt), "1001", call, officeHours)
	if !d.Filtered || len(d.Assistants) != 1 || d.Assistants[0].Who != "1003" || d.Assistants[0].Endpoints[0] != "Local/+15550002222@out" {
		t.Fatalf("opt-out and divert: %+v", d.Assistants)
	}
	rt.Assistants["1003"] = config.AssistantState{OptedIn: map[string]bool{"1001": false}}
	d = Decide(Compile(cfg, rt), "1001", call, officeHours)
	if d.Filtered || !strings.Contains(strings.Join(d.Reasons, "\n"), "no assistant is available") {
		t.Fatalf("all opted out: %v", d.Reasons)
	}
	// Two devices of one assistant ring together.
	d = Decide(Compile(cfg, config.Runtime{}), "1001", call, officeHours)
	if len(d.Assistants) != 2 || len(d.Assistants[1].Endpoints) != 2 {
		t.Fatalf("targets %+v", d.Assistants)
	}
	// An assistant calling the executive is never filtered.
	d = Decide(Compile(cfg, config.Runtime{}), "1001", Call{CallerNumber: "1002"}, officeHours)
	if d.Filtered {
		t.Fatal("assistant's own call filtered")
	}
	if d := Decide(Compile(cfg, config.Runtime{}), "1999", call, officeHours); d.Filtered || !strings.Contains(d.Reasons[0], "not a provisioned user") {
		t.Fatalf("unknown exec %+v", d)
	}
	if d := Decide(Compile(cfg, config.Runtime{}), "1002", call, officeHours); d.Filtered || !strings.Contains(d.Reasons[0], "executive service") {
		t.Fatalf("non-exec %+v", d)
	}
}

func TestCallerIDModes(t *testing.T) {
	u := &config.User{Extension: "1001", Name: "Erin Exec", Numbers: []string{"+15551231001"}}
	call := Call{CallerNumber: "+15550001111", CallerName: "Bob Caller"}
	cases := []struct{ name, number, wantName, wantNum string }{
		{"executive", "executive", "Erin Exec", "+15551231001"},
		{"executive-originator", "originator", "Erin Exec - Bob Caller", "+15550001111"},
		{"originator-executive", "originator", "Bob Caller - Erin Exec", "+15550001111"},
		{"originator", "executive", "Bob Caller", "+15551231001"},
		{"custom", "custom", "Front Desk", "+15550009999"},
	}
	for _, c := range cases {
		eff := config.Effective{CallerIDName: c.name, CallerIDNumber: c.number, CustomName: "Front Desk", CustomNumber: "+15550009999"}
		n, num := callerID(eff, u, call)
		if n != c.wantName || num != c.wantNum {
			t.Errorf("%s/%s = %q %q", c.name, c.number, n, num)
		}
	}
	n, num := callerID(config.Effective{CallerIDName: "executive-originator", CallerIDNumber: "originator"}, u, Call{Anonymous: true})
	if n != "Erin Exec - Anonymous" || num != "anonymous" {
		t.Errorf("anonymous: %q %q", n, num)
	}
}

func TestScreeningAndRollover(t *testing.T) {
	cfg := load(t, "all", "")
	u := cfg.User("1001")
	on, after := true, config.Duration(45*time.Second)
	u.Executive.Screening = &config.Screening{Enabled: &on, Alert: "ring-splash", Locations: []string{"mobility", "anywhere"}}
	u.Executive.Alerting = &config.Alerting{Mode: "sequential", Rollover: &config.Rollover{After: &after, Action: "forward", To: "+15550003333"}}
	d := Decide(Compile(cfg, config.Runtime{}), "1001", Call{CallerNumber: "+15550001111"}, officeHours)
	if len(d.Screening) != 3 || d.Screening[0].Endpoints[0] != "PJSIP/1001" || d.Screening[1].Endpoints[0] != "Local/+15559871001@out" ||
		!strings.Contains(d.Screening[0].AlertInfo, "ring-splash") {
		t.Fatalf("screening %+v", d.Screening)
	}
	if d.Mode != "sequential" || d.Rollover.After != 45*time.Second || d.RolloverEndpoint != "Local/+15550003333@out" {
		t.Fatalf("rollover %+v %s", d.Rollover, d.RolloverEndpoint)
	}
}

// TestDoNotDisturb is SPEC 3's DND rule: the executive on DND gets no screening legs;
// an assistant on DND is skipped as if busy; all assistants on DND: not filtered.
func TestDoNotDisturb(t *testing.T) {
	cfg := load(t, "all", "")
	on := true
	cfg.User("1001").Executive.Screening = &config.Screening{Enabled: &on, Alert: "silent"}
	call := Call{CallerNumber: "+15550001111"}
	d := Decide(Compile(cfg, config.Runtime{DoNotDisturb: map[string]bool{"1001": true}}), "1001", call, officeHours)
	if !d.Filtered || len(d.Screening) != 0 || !strings.Contains(strings.Join(d.Reasons, "\n"), "executive is on do not disturb") {
		t.Fatalf("executive on DND: screening %+v, %v", d.Screening, d.Reasons)
	}
	d = Decide(Compile(cfg, config.Runtime{DoNotDisturb: map[string]bool{"1002": true}}), "1001", call, officeHours)
	if !d.Filtered || len(d.Assistants) != 1 || d.Assistants[0].Who != "1003" || len(d.Screening) != 1 {
		t.Fatalf("assistant 1002 on DND: %+v", d.Assistants)
	}
	d = Decide(Compile(cfg, config.Runtime{DoNotDisturb: map[string]bool{"1002": true, "1003": true}}), "1001", call, officeHours)
	if d.Filtered || !strings.Contains(strings.Join(d.Reasons, "\n"), "1003 (") {
		t.Fatalf("all assistants on DND must not filter: %v", d.Reasons)
	}
}

func TestMatchNumber(t *testing.T) {
	for _, c := range []struct {
		p, n string
		want bool
	}{{"+1555*", "+15551234", true}, {"+1555*", "+1555", true}, {"+1555*", "+1556", false},
		{"1?0?", "1203", true}, {"1?0?", "1#03", false}, {"1001", "1001", true}, {"1001", "10011", false}, {"*", "", false}} {
		if got := MatchNumber(c.p, c.n); got != c.want {
			t.Errorf("MatchNumber(%q, %q) = %v", c.p, c.n, got)
		}
	}
}

func TestScheduleOnDSTChangeDays(t *testing.T) {
	s := config.Schedule{Timezone: "America/New_York", Weekly: []config.Window{{Days: []string{"sun"}, From: "09:00", To: "10:00"}}}
	for _, c := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2026, 11, 1, 14, 30, 0, 0, time.UTC), true},  // fall back day: 09:30 EST
		{time.Date(2026, 11, 1, 13, 30, 0, 0, time.UTC), false}, // 08:30 EST (would be 09:30 EDT)
		{time.Date(2026, 3, 8, 13, 30, 0, 0, time.UTC), true},   // spring forward day: 09:30 EDT
		{time.Date(2026, 3, 8, 14, 30, 0, 0, time.UTC), false},  // 10:30 EDT
	} {
		if got, why := InSchedule(s, c.at); got != c.want {
			t.Errorf("%s: %v (%s)", c.at, got, why)
		}
	}
}

// TestEmptyCallsFromMeansAnyCaller: calls_from: {} selects every caller, as the model
// says ("no field set means any caller").
func TestEmptyCallsFromMeansAnyCaller(t *testing.T) {
	cfg := load(t, "custom", "        filters:\n          - {name: everyone, calls_from: {}, action: filter}")
	for _, call := range []Call{{CallerNumber: "+15557770000", Dialled: "1001"}, {CallerNumber: "1004", Dialled: "1001"}, {Anonymous: true, Dialled: "1001"}} {
		if d := Decide(Compile(cfg, config.Runtime{}), "1001", call, officeHours); !d.Filtered {
			t.Errorf("%+v not filtered: %v", call, d.Reasons)
		}
	}
}
