package policy

import (
	"slices"
	"strconv"
	"strings"

	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/dialstring"
)

// FAC is what a dialled feature access code asks for, after every check that needs no
// live call: who dialled it, which executive, which destination, or why not.
type FAC struct {
	Code        string // filtering_on, filtering_off, push, initiate, opt_in, opt_out, retrieve, bridge
	User        string // the extension whose device dialled it
	Executive   string
	Assistant   string // retrieve/bridge: the assistant whose call to take ("" = most recent)
	Destination string // initiate: the number to call, *14 already turned into +
	Special     string // initiate: "retrieve" (#64 exec *11) or "bridge" (#64 exec *15)
	Endpoint    string // initiate: the validated dial string
	Status      string // availability: the status to set (config.Available clears it)
	Minutes     int    // availability: for so long (0: until cleared)
	Need        string // "executive" or "destination": digits to prompt for
	Refused     string // why not; "" when allowed
	Invalid     bool   // refused because the digits are malformed (vs not permitted)
	// Refusal is which announcement a refusal gets: RefusedInvalid, RefusedNotAllowed,
	// RefusedNotInPool or RefusedDestination.
	Refusal string
	Reasons []string
}

// Kinds of refusal, each with its own configurable announcement (prompts:), so that a
// caller hears why.
const (
	RefusedInvalid     = "invalid"     // malformed digits, unknown code
	RefusedNotAllowed  = "not_allowed" // not this user's feature (not an executive, opt-in/out disallowed)
	RefusedNotInPool   = "not_in_pool" // the assistant is not in that executive's pool
	RefusedDestination = "destination" // #64 destination not permitted by calling permissions
	RefusedNoCall      = "no_call"     // no call to push, retrieve or bridge (decided with live calls)
)

func (f *FAC) why(s string) { f.Reasons = append(f.Reasons, s) }

func (f FAC) refuse(kind, why string) FAC {
	f.Refused, f.Refusal, f.Invalid = why, kind, kind == RefusedInvalid
	f.why("refused: " + why)
	return f
}

// MaxFACDigits bounds a FAC's digits before anything is looked up.
const MaxFACDigits = 40

// ParseFAC checks digits dialled from device against the provisioning. A FAC with
// missing digits returns Need; prompt for them and call ParseFAC again with the digits
// appended.
func ParseFAC(cfg *config.Config, device, digits string) FAC {
	var f FAC
	if digits == "" || len(digits) > MaxFACDigits || strings.Trim(digits, "0123456789*#+") != "" {
		return f.refuse(RefusedInvalid, "digits must be 0-9 * # + and at most 40")
	}
	codes := cfg.EffectiveCodes()
	best, rest := "", ""
	for name, c := range map[string]string{"filtering_on": codes.FilteringOn, "filtering_off": codes.FilteringOff,
		"push": codes.Push, "initiate": codes.Initiate, "opt_in": codes.OptIn, "opt_out": codes.OptOut,
		"retrieve": codes.Retrieve, "bridge": codes.Bridge, "voicemail": codes.Voicemail, "intercom": codes.Intercom, "availability": codes.Availability} {
		if strings.HasPrefix(digits, c) && len(c) > len(best) {
			best, f.Code = c, name
		}
	}
	if f.Code == "" {
		return f.refuse(RefusedInvalid, "no feature code "+digits)
	}
	rest = digits[len(best):]
	f.why("feature " + f.Code + " (" + best + ")")
	u := cfg.UserByDevice(device)
	if u == nil {
		return f.refuse(RefusedNotAllowed, "device "+device+" belongs to no provisioned user")
	}
	f.User = u.Extension
	f.why("dialled by " + u.Extension + " (" + u.Name + ") from " + device)
	switch f.Code {
	case "filtering_on", "filtering_off", "push", "voicemail":
		if rest != "" {
			return f.refuse(RefusedInvalid, "unexpected digits after the code: "+rest)
		}
		if f.Code != "push" && f.Code != "voicemail" {
			if u.Executive == nil {
				return f.refuse(RefusedNotAllowed, u.Extension+" is not an executive")
			}
			f.Executive = u.Extension
		}
	case "retrieve", "bridge":
		if u.Executive == nil {
			return f.refuse(RefusedNotAllowed, u.Extension+" is not an executive")
		}
		f.Executive, f.Assistant = u.Extension, rest
		if rest != "" && !contains(u.Executive.Assistants, rest) {
			return f.refuse(RefusedNotInPool, rest+" is not in the pool of "+u.Extension)
		}
	case "opt_in", "opt_out":
		if rest == "" {
			f.Need = "executive"
			return f
		}
		e, kind, why := poolOf(cfg, u, rest)
		if e == nil {
			return f.refuse(kind, why)
		}
		f.Executive = e.Extension
		if !e.Executive.OptInOutAllowed() {
			return f.refuse(RefusedNotAllowed, e.Extension+" does not allow assistants to opt in or out")
		}
	case "availability":
		return availability(f, u, rest)
	case "initiate":
		return initiate(cfg, f, u, rest, codes)
	case "intercom":
		return intercom(cfg, f, u, rest)
	}
	return f
}

// intercom finds the other side of #68 <ext>: an assistant in the dialler's pool, or
// an executive whose pool holds the dialler; without digits, the only one there is.
// Endpoint is that user's first device (the leg carries the auto-answer header).
func intercom(cfg *config.Config, f FAC, u *config.User, rest string) FAC {
	var others []string
	if u.Executive != nil {
		others = append(others, u.Executive.Assistants...)
	}
	for _, x := range cfg.Users {
		if x.Executive != nil && contains(x.Executive.Assistants, u.Extension) {
			others = append(others, x.Extension)
		}
	}
	switch {
	case rest == "" && len(others) == 1:
		rest = others[0]
	case rest == "":
		f.Need = "executive"
		return f
	}
	if !contains(others, rest) {
		return f.refuse(RefusedNotInPool, rest+" is neither in the pool of "+u.Extension+" nor an executive whose pool holds "+u.Extension)
	}
	o := cfg.User(rest)
	if o == nil || len(o.Devices) == 0 {
		return f.refuse(RefusedNotAllowed, rest+" has no phone")
	}
	if u.Executive != nil && contains(u.Executive.Assistants, rest) {
		f.Executive, f.Assistant = u.Extension, rest
	} else {
		f.Executive, f.Assistant = rest, u.Extension
	}
	f.Destination, f.Endpoint = rest, o.Devices[0]
	f.why("intercom to " + rest + " (" + o.Name + ") at " + o.Devices[0] + ", answered by itself")
	return f
}

func initiate(cfg *config.Config, f FAC, u *config.User, rest string, codes config.Codes) FAC {
	if rest == "" {
		f.Need = "executive"
		return f
	}
	// The longest executive extension the digits start with: an assistant may serve
	// several executives.
	ext := ""
	for _, x := range cfg.Users {
		if x.Executive != nil && strings.HasPrefix(rest, x.Extension) && len(x.Extension) > len(ext) {
			ext = x.Extension
		}
	}
	if ext == "" {
		return f.refuse(RefusedNotAllowed, rest+" does not start with an executive's extension")
	}
	e, kind, why := poolOf(cfg, u, ext)
	if e == nil {
		return f.refuse(kind, why)
	}
	f.Executive = e.Extension
	dest := rest[len(ext):]
	withheld := func(p config.Permission) FAC {
		return f.refuse(RefusedNotAllowed, u.Extension+" ("+u.Name+") may not "+p.Words()+" for "+e.Extension+" ("+e.Name+")")
	}
	switch {
	case dest == "":
		if !slices.ContainsFunc([]config.Permission{config.PlaceCalls, config.PickUpHeldCalls, config.JoinCalls},
			func(p config.Permission) bool { return e.Executive.Permits(u.Extension, p) }) {
			return withheld(config.PlaceCalls) // nothing to prompt for
		}
		f.Need = "destination"
		return f
	case dest == codes.Retrieve:
		if !e.Executive.Permits(u.Extension, config.PickUpHeldCalls) {
			return withheld(config.PickUpHeldCalls)
		}
		f.Special = "retrieve"
		f.why("take the executive's held call")
		return f
	case dest == codes.Bridge:
		if !e.Executive.Permits(u.Extension, config.JoinCalls) {
			return withheld(config.JoinCalls)
		}
		f.Special = "bridge"
		f.why("join the executive's answered call")
		return f
	case !e.Executive.Permits(u.Extension, config.PlaceCalls):
		return withheld(config.PlaceCalls)
	case dest == codes.E164:
		// *14 alone: the number follows at the prompt (seed 002), after the +.
		f.Need = "destination"
		f.why(codes.E164 + " alone: prompt for the number")
		return f
	case strings.HasPrefix(dest, codes.E164):
		dest = "+" + dest[len(codes.E164):]
		f.why(codes.E164 + " becomes +")
	}
	d, why, refused := checkDestination(cfg, e, dest)
	if refused == RefusedInvalid {
		return f.refuse(refused, why)
	}
	f.Destination = d.Number
	if refused != "" {
		return f.refuse(refused, why) // says why once, as the refusal
	}
	f.why(why)
	ep, err := dialstring.Expand(cfg.EffectiveDialing().Outbound, d.Number)
	if err != nil {
		return f.refuse(RefusedInvalid, err.Error())
	}
	f.Endpoint = ep
	return f
}

// poolOf resolves an executive extension for assistant u.
func poolOf(cfg *config.Config, u *config.User, ext string) (*config.User, string, string) {
	e := cfg.User(ext)
	switch {
	case e == nil || e.Executive == nil:
		return nil, RefusedNotAllowed, ext + " is not an executive"
	case !contains(e.Executive.Assistants, u.Extension):
		return nil, RefusedNotInPool, u.Extension + " is not in the pool of " + ext
	}
	return e, "", ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MaxStatusMinutes bounds #69's minutes (a day).
const MaxStatusMinutes = 1440

// availability reads #69 <status>[minutes]: the executive's own status (1 in a meeting,
// 2 out of office, 3 busy), for so many minutes or until cleared; nothing (or 0)
// clears it.
func availability(f FAC, u *config.User, rest string) FAC {
	if u.Executive == nil {
		return f.refuse(RefusedNotAllowed, u.Extension+" is not an executive")
	}
	f.Executive = u.Extension
	if rest == "" || rest == "0" {
		f.Status = config.Available
		f.why("clear the status: available")
		return f
	}
	status, ok := map[byte]string{'1': config.InAMeeting, '2': config.OutOfOffice, '3': config.Busy}[rest[0]]
	if !ok {
		return f.refuse(RefusedInvalid, "status "+rest[:1]+" is not 1 (in a meeting), 2 (out of office) or 3 (busy)")
	}
	f.Status = status
	if mins := rest[1:]; mins != "" {
		n, err := strconv.Atoi(mins)
		if err != nil || n < 1 || n > MaxStatusMinutes {
			return f.refuse(RefusedInvalid, "minutes must be 1-1440, not "+mins)
		}
		f.Minutes = n
		f.why(status + " for " + mins + " minutes")
		return f
	}
	f.why(status + " until cleared")
	return f
}
