package policy

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/execassist/execassist/internal/config"
)

// MatchNumber reports whether number matches a calls-from pattern: digits and # must be
// equal, ? matches one digit, a trailing * matches any rest (including nothing).
func MatchNumber(pattern, number string) bool {
	if pattern == "*" {
		return number != ""
	}
	prefix := strings.HasSuffix(pattern, "*")
	p := strings.TrimSuffix(pattern, "*")
	if len(number) < len(p) || (!prefix && len(number) != len(p)) {
		return false
	}
	for i := 0; i < len(p); i++ {
		switch {
		case p[i] == '?':
			if number[i] < '0' || number[i] > '9' {
				return false
			}
		case p[i] != number[i]:
			return false
		}
	}
	return true
}

var patterns sync.Map // pattern -> *regexp.Regexp (nil if invalid): memo, not state

// compiled returns the regexp for a validated config pattern, compiling it once.
func compiled(pattern string) *regexp.Regexp {
	if re, ok := patterns.Load(pattern); ok {
		return re.(*regexp.Regexp)
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		re = nil
	}
	patterns.Store(pattern, re)
	return re
}

var locations sync.Map // time zone name -> *time.Location: memo, not state

// location loads a time zone once: time.LoadLocation reads the zoneinfo file on every
// call, which a decision per incoming call must not do.
func location(name string) (*time.Location, error) {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, loc)
	return loc, nil
}

var dayIndex = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday,
	"wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

// InSchedule reports whether t falls in the schedule's weekly windows or dates (in the
// schedule's own time zone, so DST shifts follow the zone), and says why.
func InSchedule(s config.Schedule, t time.Time) (bool, string) {
	loc, err := location(s.Timezone)
	if err != nil {
		return false, fmt.Sprintf("time zone %q unknown", s.Timezone)
	}
	local := t.In(loc)
	stamp := local.Format("Mon 2006-01-02 15:04 MST")
	hhmm := local.Format("15:04")
	for _, w := range s.Weekly {
		for _, d := range w.Days {
			if dayIndex[d] == local.Weekday() && hhmm >= w.From && hhmm < w.To {
				return true, fmt.Sprintf("%s is within %s %s-%s", stamp, d, w.From, w.To)
			}
		}
	}
	date := local.Format(time.DateOnly)
	for _, d := range s.Dates {
		a, b, isRange := strings.Cut(d, "..")
		if !isRange {
			b = a
		}
		if date >= a && date <= b {
			return true, fmt.Sprintf("%s is on %s", stamp, d)
		}
	}
	return false, fmt.Sprintf("%s is outside it", stamp)
}

// Origin classifies the caller as internal or external: the dialplan's
// EXECASSIST_ORIGIN wins; else a known extension or the internal pattern means internal.
func Origin(cfg *config.Config, call Call) (string, string) {
	switch call.Origin {
	case "internal", "external":
		return call.Origin, "EXECASSIST_ORIGIN=" + call.Origin + " on the channel"
	}
	if call.Anonymous || call.Unavailable {
		return "external", "the caller withholds its number"
	}
	if cfg.User(call.CallerNumber) != nil {
		return "internal", fmt.Sprintf("%s is a known extension", call.CallerNumber)
	}
	pat := cfg.EffectiveDialing().InternalPattern
	if re := compiled(pat); re != nil && re.MatchString(call.CallerNumber) {
		return "internal", fmt.Sprintf("%s matches the internal pattern %s", call.CallerNumber, pat)
	}
	return "external", fmt.Sprintf("%s is not a known extension and does not match %s", call.CallerNumber, pat)
}
