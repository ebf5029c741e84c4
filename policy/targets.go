package policy

// Whom a filtered call alerts: the pool's available assistants and the executive's screening locations, and what their phones show.

import (
	"strings"

	"github.com/execassist/execassist/internal/config"
)

// availableAssistants lists the pool's assistants to alert, in order: those without the
// receive_filtered_calls permission, opted-out (where allowed) and do-not-disturb ones
// skipped, a divert reached through the dial gate as
// the executive u (a refused divert skips the assistant).
func availableAssistants(cfg *config.Config, rt config.Runtime, u *config.User, eff config.Effective, d *Decision) []Target {
	var out []Target
	e, exec := u.Executive, u.Extension
	for _, ext := range e.Assistants {
		a := cfg.User(ext)
		if a == nil || a.Assistant == nil {
			continue
		}
		if !e.Permits(ext, config.ReceiveFilteredCalls) {
			d.why("assistant %s (%s) may not receive %s's filtered calls: skipped", ext, a.Name, exec)
			continue
		}
		ast := rt.Assistants[ext]
		if in, set := ast.OptedIn[exec]; set && !in {
			if e.OptInOutAllowed() {
				d.why("assistant %s (%s) opted out", ext, a.Name)
				continue
			}
			d.why("assistant %s (%s) opted out, but %s does not allow opting out: alerted", ext, a.Name, exec)
		}
		if rt.OnDND(ext) {
			d.why("assistant %s (%s) is on do not disturb: skipped", ext, a.Name)
			continue
		}
		t := Target{Who: ext, Name: a.Name, Location: "devices", AlertInfo: eff.AlertInfo}
		divert := a.Assistant.Divert
		if ast.Divert != nil {
			divert = ast.Divert
		}
		if divert != nil && divert.Enabled {
			ep, _, err := cfg.DialOut(u, divert.To)
			if err != nil {
				d.problem("assistant %s divert to %q skipped: %v", ext, divert.To, err)
				continue
			}
			t.Location, t.Endpoints = "divert", []string{ep}
			d.why("assistant %s (%s) diverts to %s", ext, a.Name, divert.To)
		} else {
			t.Endpoints = a.Devices
		}
		if len(t.Endpoints) == 0 {
			d.why("assistant %s has no device", ext)
			continue
		}
		out = append(out, t)
	}
	return out
}

// callerID is what assistants' phones show (SPEC 2.4: five name and three number modes).
func callerID(eff config.Effective, u *config.User, call Call) (string, string) {
	execName, execNum := u.Name, u.Extension
	if len(u.Numbers) > 0 {
		execNum = u.Numbers[0]
	}
	origName, origNum := call.CallerName, call.CallerNumber
	if origName == "" {
		origName = origNum
	}
	if call.Anonymous {
		origName, origNum = "Anonymous", "anonymous"
	} else if call.Unavailable {
		origName, origNum = "Unavailable", ""
	}
	var name string
	switch eff.CallerIDName {
	case "executive":
		name = execName
	case "executive-originator":
		name = execName + " - " + origName
	case "originator-executive":
		name = origName + " - " + execName
	case "originator":
		name = origName
	case "custom":
		name = eff.CustomName
	}
	var num string
	switch eff.CallerIDNumber {
	case "executive":
		num = execNum
	case "originator":
		num = origNum
	case "custom":
		num = eff.CustomNumber
	}
	if r := []rune(name); len(r) > config.MaxCustomName {
		name = string(r[:config.MaxCustomName])
	}
	return name, num
}

// screening lists the executive's own locations to alert with the screening Alert-Info.
func screening(cfg *config.Config, u *config.User, eff config.Effective, dial config.Dialing, d *Decision) []Target {
	alert := dial.ScreeningAlertInfo(eff.ScreeningAlert)
	out := []Target{{Who: u.Extension, Name: u.Name, Location: "main", Endpoints: u.Devices, AlertInfo: alert}}
	for _, loc := range eff.ScreeningLocations {
		var eps []string
		switch loc {
		case "mobility":
			if u.Mobile != "" {
				eps = screeningNumbers(cfg, u, loc, []string{u.Mobile}, d)
			}
		case "anywhere":
			eps = screeningNumbers(cfg, u, loc, u.Anywhere, d)
		case "shared-call-appearance":
			eps = append(eps, u.SharedAppearances...)
		}
		if len(eps) > 0 {
			out = append(out, Target{Who: u.Extension, Name: u.Name, Location: loc, Endpoints: eps, AlertInfo: alert})
		}
	}
	locs := make([]string, len(out))
	for i, t := range out {
		locs[i] = t.Location
	}
	d.why("screening (%s): the executive's %s ring too", eff.ScreeningAlert, strings.Join(locs, ", "))
	return out
}

// screeningNumbers are the dial strings of an executive's own outside numbers (mobility,
// anywhere), each through the dial gate; a refused one is left out and explain says why.
func screeningNumbers(cfg *config.Config, u *config.User, loc string, numbers []string, d *Decision) []string {
	var eps []string
	for _, n := range numbers {
		ep, _, err := cfg.DialOut(u, n)
		if err != nil {
			d.problem("screening location %s %q skipped: %v", loc, n, err)
			continue
		}
		eps = append(eps, ep)
	}
	return eps
}
