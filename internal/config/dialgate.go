package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/execassist/execassist/internal/dialstring"
	"github.com/execassist/execassist/internal/numbering"
)

// The dial gate: every number execassist dials (an assistant's divert, rollover
// forward, the executive's mobility and anywhere numbers, #64 and calls/initiate)
// carries an executive's identity, so each passes the same checks, when it is set (the
// YAML check, the API, the page) and again when it is dialled (a store written by an
// older version must not bypass them): normalised with the dialing plan, classified,
// feature codes refused, emergency numbers never, and the class checked against the
// calling permissions of the executive whose identity it carries.

// DialRefusal says why a number may not be dialled, in words for the person who set it.
type DialRefusal struct {
	Number string // as set
	Class  string // numbering class, or "" when the digits are no number
	Why    string
}

func (r *DialRefusal) Error() string { return r.Why }

// DialingPlan is the configuration's numbering plan (home country, prefixes, the
// provisioned extensions, the internal pattern), built once per configuration: a
// configuration read from the store is shared and never modified.
func (c *Config) DialingPlan() (*numbering.Plan, error) {
	c.planOnce.Do(func() { c.plan, c.planErr = c.buildPlan() })
	return c.plan, c.planErr
}

func (c *Config) buildPlan() (*numbering.Plan, error) {
	d := c.EffectiveDialing()
	s := numbering.Settings{
		HomeCountry:         d.HomeCountry,
		NationalRegions:     d.NationalRegions,
		InternationalPrefix: d.InternationalPrefix,
		NationalPrefix:      d.NationalPrefix,
		IsUser:              func(ext string) bool { return c.User(ext) != nil },
		Premium:             d.Premium,
	}
	if d.InternalPattern != "" {
		re, err := regexp.Compile(d.InternalPattern)
		if err != nil {
			return nil, fmt.Errorf("dialing.internal_pattern: %w", err)
		}
		s.ExtensionPattern = re
	}
	return numbering.NewPlan(s)
}

// PermissionsOf are the calling permissions of calls placed as u: the organisation's
// defaults with u's own override; u nil: the defaults alone.
func (c *Config) PermissionsOf(u *User) EffectivePermissions {
	if u == nil {
		return Resolve(&c.Defaults).Permissions
	}
	return c.ExecutiveSettings(u).Permissions
}

func (p EffectivePermissions) allows(class string) bool {
	switch class {
	case numbering.Internal:
		return p.Internal
	case numbering.National:
		return p.National
	case numbering.International:
		return p.International
	case numbering.Premium:
		return p.Premium
	}
	return false // emergency, and anything unknown
}

// classWords names a class in a sentence: "an international number".
func classWords(class string) string {
	switch class {
	case numbering.Internal:
		return "an internal number"
	case numbering.National:
		return "a national number"
	case numbering.International:
		return "an international number"
	case numbering.Premium:
		return "a premium-rate number"
	case numbering.Emergency:
		return "an emergency number"
	}
	return "a " + class + " number"
}

// reasonWords is how the number was classified, in brackets, without repeating what the
// sentence says already ("+19005550000 is a premium-rate number").
func reasonWords(d numbering.Destination, class string) string {
	var kept []string
	for _, part := range strings.Split(d.Reason, "; ") {
		if !strings.HasSuffix(part, " is "+class) {
			kept = append(kept, part)
		}
	}
	if len(kept) == 0 {
		return ""
	}
	return " (" + strings.Join(kept, "; ") + ")"
}

// whose names the identity a number is dialled with, for messages.
func whose(u *User) string {
	switch {
	case u == nil:
		return "the organisation's calling permissions"
	case u.Name != "":
		return fmt.Sprintf("the calling permissions of %s (%s)", u.Name, u.Extension)
	}
	return "the calling permissions of " + u.Extension
}

// CheckNumber classifies a number that is shown or dialled but not checked against
// permissions (a custom caller ID number): it must be a number, not a feature code, and
// not an emergency number.
func (c *Config) CheckNumber(dialled string) (numbering.Destination, error) {
	plan, err := c.DialingPlan()
	if err != nil {
		return numbering.Destination{Dialled: dialled}, fmt.Errorf("dialing plan: %w", err)
	}
	return checkNumber(plan, dialled)
}

func checkNumber(plan *numbering.Plan, dialled string) (numbering.Destination, error) {
	if strings.ContainsAny(dialled, "*#") {
		return numbering.Destination{Dialled: dialled}, &DialRefusal{Number: dialled,
			Why: fmt.Sprintf("%s is a feature code (it holds * or #), not a phone number", dialled)}
	}
	d, err := plan.Classify(dialled)
	if err != nil {
		return d, &DialRefusal{Number: dialled, Why: err.Error()}
	}
	if d.Class == numbering.Emergency {
		return d, &DialRefusal{Number: dialled, Class: d.Class,
			Why: fmt.Sprintf("%s is an emergency number: execassist never calls or shows one on someone's behalf (the emergency service must see the caller's own line)", dialled)}
	}
	return d, nil
}

// Gate is the one check every number execassist dials passes: identity is the executive
// whose name and number the far end sees (nil: the organisation's defaults apply). The
// Destination's Number is what must be dialled (E.164 for outside numbers).
func (c *Config) Gate(identity *User, dialled string) (numbering.Destination, error) {
	plan, err := c.DialingPlan()
	if err != nil {
		return numbering.Destination{Dialled: dialled}, fmt.Errorf("dialing plan: %w", err)
	}
	return c.gate(plan, identity, dialled)
}

func (c *Config) gate(plan *numbering.Plan, identity *User, dialled string) (numbering.Destination, error) {
	d, err := checkNumber(plan, dialled)
	if err != nil {
		return d, err
	}
	if !c.PermissionsOf(identity).allows(d.Class) {
		return d, &DialRefusal{Number: dialled, Class: d.Class,
			Why: fmt.Sprintf("%s is %s%s, which %s do not allow", dialled, classWords(d.Class), reasonWords(d, classWords(d.Class)), whose(identity))}
	}
	return d, nil
}

// DialOut passes dialled through the Gate and returns the dial string that reaches it
// through dialing.outbound.
func (c *Config) DialOut(identity *User, dialled string) (string, numbering.Destination, error) {
	d, err := c.Gate(identity, dialled)
	if err != nil {
		return "", d, err
	}
	ep, err := dialstring.Expand(c.EffectiveDialing().Outbound, d.Number)
	if err != nil {
		return "", d, &DialRefusal{Number: dialled, Class: d.Class, Why: err.Error()}
	}
	return ep, d, nil
}

// ServedBy lists the executives whose pool holds assistant ext: an assistant's divert
// is dialled as each of them.
func (c *Config) ServedBy(ext string) []*User {
	var out []*User
	for i := range c.Users {
		if e := c.Users[i].Executive; e != nil && contains(e.Assistants, ext) {
			out = append(out, &c.Users[i])
		}
	}
	return out
}

// GateDivert checks an assistant's divert number against every executive the assistant
// serves (their filtered calls are what it carries), or the organisation's permissions
// when the assistant is in no pool yet.
func (c *Config) GateDivert(assistant, number string) error {
	plan, err := c.DialingPlan()
	if err != nil {
		return fmt.Errorf("dialing plan: %w", err)
	}
	return c.gateDivert(plan, assistant, number)
}

func (c *Config) gateDivert(plan *numbering.Plan, assistant, number string) error {
	execs := c.ServedBy(assistant)
	if len(execs) == 0 {
		_, err := c.gate(plan, nil, number)
		return err
	}
	for _, e := range execs {
		if _, err := c.gate(plan, e, number); err != nil {
			return err
		}
	}
	return nil
}
