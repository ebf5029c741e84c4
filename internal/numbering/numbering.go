// Package numbering turns the digits a user dials into the number that reaches Asterisk
// and the class of call it is (internal, national, international, premium, emergency),
// with the PBX's dialing plan: home country, national and international prefixes, the
// extension pattern. Calling permissions are checked on the normalised E.164 number, so
// that "011 44...", "1 900..." and "+1900..." are the same call, and the number that is
// classified is the number that is dialled. The number rules come from libphonenumber's
// metadata (github.com/nyaruka/phonenumbers); the package does no I/O.
package numbering

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// Classes of destination, from the calling permissions of SPEC section 3.
const (
	Internal      = "internal"
	National      = "national"
	International = "international"
	Premium       = "premium"
	// Emergency numbers are never called on an executive's behalf: the emergency
	// service must see the caller's own line and location.
	Emergency = "emergency"
)

// universalEmergency are emergency numbers whatever the home country: phones and mobile
// networks route them to the emergency service in most places (a visitor dials the one
// of home), so a PBX must treat them as such everywhere.
var universalEmergency = map[string]bool{"112": true, "911": true, "999": true}

// MaxDigits bounds what is dialled: E.164 is at most 15 digits; an international prefix
// of up to five digits fits in front.
const MaxDigits = 20

// Plan is a PBX's dialing plan. Build it with NewPlan.
type Plan struct {
	region          string // ISO 3166 region of the home country, e.g. US
	countryCode     int
	nationalRegions map[string]bool
	intlPrefix      *regexp.Regexp // anchored at the start
	nationalPrefix  string
	isUser          func(string) bool
	extPattern      *regexp.Regexp
	premium         []string // E.164 prefixes, a trailing * optional
}

// Settings are the dialing-plan knobs an admin writes (dialing: in the YAML).
type Settings struct {
	// HomeCountry is a country calling code ("1", "44") or an ISO region ("US", "GB").
	HomeCountry string
	// NationalRegions are the regions whose numbers count as national (default: the
	// home region only; a US company may add CA).
	NationalRegions []string
	// InternationalPrefix is what users dial before a country code (011, 00); empty:
	// the home region's, from libphonenumber.
	InternationalPrefix string
	// NationalPrefix is the trunk prefix before an area code (1, 0); empty: the home
	// region's.
	NationalPrefix string
	// IsUser says whether digits are a provisioned user's extension.
	IsUser func(string) bool
	// ExtensionPattern matches the PBX's other internal numbers (dialing.internal_pattern).
	ExtensionPattern *regexp.Regexp
	// Premium are extra premium-rate E.164 prefixes ("+1976*") on top of the numbers
	// libphonenumber knows to be premium-rate.
	Premium []string
}

var prefixes sync.Map // pattern -> *regexp.Regexp

// HomeRegion resolves a home_country setting to its ISO region and calling code.
func HomeRegion(homeCountry string) (region string, code int, err error) {
	if cc, convErr := strconv.Atoi(homeCountry); convErr == nil {
		region = phonenumbers.GetRegionCodeForCountryCode(cc)
		if region == "" || region == "ZZ" || region == "001" {
			return "", 0, fmt.Errorf("%q is not a country calling code", homeCountry)
		}
		return region, cc, nil
	}
	region = strings.ToUpper(homeCountry)
	if !phonenumbers.GetSupportedRegions()[region] {
		return "", 0, fmt.Errorf("%q is neither a country calling code nor a region such as US or GB", homeCountry)
	}
	return region, phonenumbers.GetCountryCodeForRegion(region), nil
}

// ValidRegion reports whether r is a region libphonenumber knows (US, CA, GB ...).
func ValidRegion(r string) bool { return phonenumbers.GetSupportedRegions()[strings.ToUpper(r)] }

// NewPlan checks the settings and fills what is unset from the home region's metadata.
func NewPlan(s Settings) (*Plan, error) {
	region, cc, err := HomeRegion(s.HomeCountry)
	if err != nil {
		return nil, err
	}
	p := &Plan{region: region, countryCode: cc, nationalRegions: map[string]bool{region: true},
		isUser: s.IsUser, extPattern: s.ExtensionPattern, premium: s.Premium, nationalPrefix: s.NationalPrefix}
	for _, r := range s.NationalRegions {
		if !ValidRegion(r) {
			return nil, fmt.Errorf("national region %q is not a region such as US or CA", r)
		}
		p.nationalRegions[strings.ToUpper(r)] = true
	}
	if p.isUser == nil {
		p.isUser = func(string) bool { return false }
	}
	intl := regexp.QuoteMeta(s.InternationalPrefix)
	if s.InternationalPrefix == "" || p.nationalPrefix == "" {
		meta := regionMetadata(region)
		if meta == nil {
			return nil, fmt.Errorf("no numbering metadata for region %s", region)
		}
		if s.InternationalPrefix == "" {
			intl = meta.GetInternationalPrefix()
		}
		if s.NationalPrefix == "" {
			p.nationalPrefix = meta.GetNationalPrefix()
		}
	}
	if v, ok := prefixes.Load(intl); ok {
		p.intlPrefix = v.(*regexp.Regexp)
	} else {
		re, err := regexp.Compile(`^(?:` + intl + `)`)
		if err != nil {
			return nil, fmt.Errorf("international prefix %q: %w", intl, err)
		}
		prefixes.Store(intl, re)
		p.intlPrefix = re
	}
	return p, nil
}

var (
	metaOnce sync.Once
	metaByID map[string]*phonenumbers.PhoneMetadata
)

func regionMetadata(region string) *phonenumbers.PhoneMetadata {
	metaOnce.Do(func() {
		metaByID = map[string]*phonenumbers.PhoneMetadata{}
		coll, err := phonenumbers.MetadataCollection()
		if err != nil {
			return
		}
		for _, m := range coll.GetMetadata() {
			metaByID[m.GetId()] = m
		}
	})
	return metaByID[region]
}

// Destination is a dialled number after the dialing plan: what reaches Asterisk, the
// class the calling permissions are checked against, and why.
type Destination struct {
	Dialled string // the digits as dialled (*14 already turned into +)
	Number  string // what is dialled: E.164 (+...) or the internal extension
	Class   string
	Reason  string
}

// Classify normalises dialled digits and classifies them. An error means the digits are
// not a number at all (empty, too long, * or # inside, impossible length): refuse them.
func (p *Plan) Classify(dialled string) (Destination, error) {
	d := Destination{Dialled: dialled}
	switch {
	case dialled == "":
		return d, fmt.Errorf("no number dialled")
	case len(dialled) > MaxDigits+1:
		return d, fmt.Errorf("%s is longer than %d digits", dialled, MaxDigits)
	}
	if body := strings.TrimPrefix(dialled, "+"); body == "" || strings.Trim(body, "0123456789") != "" {
		return d, fmt.Errorf("%s is not a number: only digits, with one leading + (or *14)", dialled)
	}
	if dialled[0] != '+' {
		if universalEmergency[dialled] {
			d.Number, d.Class, d.Reason = dialled, Emergency, dialled+" is an emergency number in much of the world"
			return d, nil
		}
		if phonenumbers.ConnectsToEmergencyNumber(dialled, p.region) {
			d.Number, d.Class, d.Reason = dialled, Emergency, dialled+" is an emergency number in "+p.region
			return d, nil
		}
		if p.isUser(dialled) {
			d.Number, d.Class, d.Reason = dialled, Internal, dialled+" is a provisioned user's extension"
			return d, nil
		}
		if loc := p.intlPrefix.FindStringIndex(dialled); loc != nil && loc[1] < len(dialled) {
			e164 := "+" + dialled[loc[1]:]
			d.Reason = fmt.Sprintf("international prefix %s: %s", dialled[:loc[1]], e164)
			return p.e164(d, e164)
		}
		if p.extPattern != nil && p.extPattern.MatchString(dialled) {
			d.Number, d.Class, d.Reason = dialled, Internal, dialled+" matches the internal extension pattern"
			// A carrier short code (directory assistance, operator) that fits the
			// pattern may be charged: treat it as premium.
			if n, err := phonenumbers.Parse(dialled, p.region); err == nil && phonenumbers.IsValidShortNumberForRegion(n, p.region) {
				d.Class, d.Reason = Premium, dialled+" is a carrier short code in "+p.region
			}
			return d, nil
		}
		nsn := dialled
		if p.nationalPrefix != "" && strings.HasPrefix(nsn, p.nationalPrefix) && len(nsn) > len(p.nationalPrefix) {
			nsn = nsn[len(p.nationalPrefix):]
		}
		e164 := "+" + strconv.Itoa(p.countryCode) + nsn
		d.Reason = fmt.Sprintf("national number in %s: %s", p.region, e164)
		return p.e164(d, e164)
	}
	return p.e164(d, dialled)
}

func (p *Plan) e164(d Destination, e164 string) (Destination, error) {
	if len(e164) > MaxDigits {
		return d, fmt.Errorf("%s is longer than E.164 allows", e164)
	}
	n, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return d, fmt.Errorf("%s is not a phone number: %v", e164, err)
	}
	if !phonenumbers.IsPossibleNumber(n) {
		return d, fmt.Errorf("%s has the wrong length for a number in +%d", e164, n.GetCountryCode())
	}
	if nsn := phonenumbers.GetNationalSignificantNumber(n); phonenumbers.IsEmergencyNumber(nsn, phonenumbers.GetRegionCodeForCountryCode(int(n.GetCountryCode()))) {
		d.Number, d.Class, d.Reason = e164, Emergency, e164+" is an emergency number"
		return d, nil
	}
	// What is classified is what is dialled: digits that libphonenumber reads as some
	// other number (leading zeros dropped, say) are refused rather than guessed at.
	if canonical := phonenumbers.Format(n, phonenumbers.E164); canonical != e164 {
		return d, fmt.Errorf("%s is not a number in E.164 form (read as %s)", e164, canonical)
	}
	d.Number = e164
	region := phonenumbers.GetRegionCodeForNumber(n)
	why := func(s string) string {
		if d.Reason != "" {
			return d.Reason + "; " + s
		}
		return s
	}
	if phonenumbers.GetNumberType(n) == phonenumbers.PREMIUM_RATE {
		d.Class, d.Reason = Premium, why(d.Number+" is a premium-rate number")
		return d, nil
	}
	for _, pre := range p.premium {
		if strings.HasPrefix(d.Number, strings.TrimSuffix(pre, "*")) {
			d.Class, d.Reason = Premium, why(d.Number+" matches the premium prefix "+pre)
			return d, nil
		}
	}
	switch {
	case p.nationalRegions[region]:
		d.Class, d.Reason = National, why(d.Number+" is in "+region)
	case region == "" && int(n.GetCountryCode()) == p.countryCode:
		d.Class, d.Reason = National, why(fmt.Sprintf("%s is in no known range of +%d; national by its country code", d.Number, p.countryCode))
	case region == "":
		d.Class, d.Reason = International, why(fmt.Sprintf("%s is outside +%d", d.Number, p.countryCode))
	default:
		d.Class, d.Reason = International, why(d.Number+" is in "+region)
	}
	return d, nil
}

// Display writes a number for people: an E.164 number of the home region in its
// national format ("(212) 555-1234"; the country code decides, so a made-up 555 number
// of the home country reads nationally too), any other in the international one ("+44 20 7123
// 4567"); an extension, an empty or unparsable number stays as it is.
func (p *Plan) Display(number string) string {
	if !strings.HasPrefix(number, "+") {
		return number
	}
	n, err := phonenumbers.Parse(number, "")
	if err != nil || !phonenumbers.IsPossibleNumber(n) {
		return number
	}
	if int(n.GetCountryCode()) == p.countryCode {
		return phonenumbers.Format(n, phonenumbers.NATIONAL)
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}
