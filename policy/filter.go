package policy

// Whether a call is filtered: the filtering mode and, for custom, the executive's rules.

import (
	"fmt"
	"strings"
	"time"

	"github.com/execassist/execassist/internal/config"
)

// filtered applies the filtering mode and, for custom, the rules.
func filtered(cfg *config.Config, u *config.User, call Call, origin string, now time.Time, d *Decision) bool {
	f := u.Executive.Filtering
	mode := f.Mode
	if mode == "" {
		mode = "all"
	}
	switch mode {
	case "all":
		d.why("mode all: every call is filtered")
		return true
	case "internal", "external":
		if origin == mode {
			d.why("mode %s: filtered", mode)
			return true
		}
		d.why("mode %s: an %s call is not filtered", mode, origin)
		return false
	}
	matchedFilter, matchedDont := "", ""
	for _, fl := range f.Filters {
		if fl.Active != nil && !*fl.Active {
			d.why("filter %q is deactivated", fl.Name)
			continue
		}
		ok, why := ruleMatches(cfg, u, fl, call, origin, now)
		if !ok {
			d.why("filter %q does not match: %s", fl.Name, why)
			continue
		}
		d.why("filter %q (%s) matches: %s", fl.Name, fl.Action, why)
		if fl.Action == "dont-filter" && matchedDont == "" {
			matchedDont = fl.Name
		}
		if fl.Action == "filter" && matchedFilter == "" {
			matchedFilter = fl.Name
		}
	}
	switch {
	case matchedDont != "":
		d.why("don't-filter rule %q wins: not filtered", matchedDont)
		return false
	case matchedFilter != "":
		d.why("filtered by rule %q", matchedFilter)
		return true
	}
	d.why("no filter rule matches: not filtered")
	return false
}

func ruleMatches(cfg *config.Config, u *config.User, fl config.Filter, call Call, origin string, now time.Time) (bool, string) {
	var why []string
	if fl.When != "" {
		in, w := InSchedule(cfg.Schedules[fl.When], now)
		if !in {
			return false, fmt.Sprintf("schedule %s: %s", fl.When, w)
		}
		why = append(why, fmt.Sprintf("schedule %s: %s", fl.When, w))
	}
	if fl.Holidays != "" {
		if in, w := InSchedule(cfg.Schedules[fl.Holidays], now); in {
			return false, fmt.Sprintf("holiday schedule %s: %s", fl.Holidays, w)
		}
	}
	if len(fl.CallsTo) > 0 {
		ok, w := callsTo(u, fl.CallsTo, call.Dialled)
		if !ok {
			return false, w
		}
		why = append(why, w)
	}
	if cf := fl.CallsFrom; !cf.AnyCaller() {
		ok, w := callsFrom(cf, call, origin, func(name string) []string { l, _ := cfg.NumberList(u, name); return l })
		if !ok {
			return false, w
		}
		why = append(why, w)
	} else {
		why = append(why, "calls from anyone")
	}
	return true, strings.Join(why, "; ")
}

// callsFrom matches the caller against a filter's calls_from; list resolves a named
// number list.
func callsFrom(cf *config.CallsFrom, call Call, origin string, list func(name string) []string) (bool, string) {
	switch {
	case call.Anonymous && cf.Anonymous:
		return true, "an anonymous caller"
	case call.Unavailable && cf.Unavailable:
		return true, "a caller whose number is unavailable"
	case cf.Internal && origin == "internal":
		return true, "an internal caller"
	case cf.External && origin == "external" && !call.Anonymous && !call.Unavailable:
		return true, "an external caller"
	}
	if !call.Anonymous && !call.Unavailable {
		for _, p := range cf.Numbers {
			if MatchNumber(p, call.CallerNumber) {
				return true, fmt.Sprintf("caller %s matches %s", call.CallerNumber, p)
			}
		}
		for _, name := range cf.Lists {
			if p, ok := onList(list(name), call.CallerNumber); ok {
				return true, fmt.Sprintf("caller %s is on the list %q (%s)", call.CallerNumber, name, p)
			}
		}
	}
	return false, fmt.Sprintf("caller %s (%s) is not among calls from", call.Who(), origin)
}

func callsTo(u *config.User, to []string, dialled string) (bool, string) {
	for _, t := range to {
		switch {
		case t == "primary" && (dialled == u.Extension || (len(u.Numbers) > 0 && dialled == u.Numbers[0])):
			return true, "the primary number was dialled"
		case t == "mobility" && dialled != "" && dialled == u.Mobile:
			return true, "the mobility number was dialled"
		case t == dialled:
			return true, fmt.Sprintf("%s was dialled", dialled)
		}
	}
	return false, fmt.Sprintf("%q was dialled, not one of %s", dialled, strings.Join(to, ", "))
}

// onList finds the first pattern of a number list that number matches.
func onList(patterns []string, number string) (string, bool) {
	for _, p := range patterns {
		if MatchNumber(p, number) {
			return p, true
		}
	}
	return "", false
}
