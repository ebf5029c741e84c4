// Package dialstring is the only way a number or device from config, a FAC or a caller
// reaches an Asterisk dial string: everything is validated against a strict alphabet so
// that digits cannot inject dial options (",", "&", "(", "/", "@" ...).
package dialstring

import (
	"fmt"
	"regexp"
	"strings"
)

// MaxDigits bounds a dialled number (E.164 is 15 digits; room for prefixes and codes).
const MaxDigits = 32

var (
	numberRE = regexp.MustCompile(`^\+?[0-9*#]+$`)
	deviceRE = regexp.MustCompile(`^(PJSIP|SIP|IAX2|DAHDI)/[A-Za-z0-9_.+-]{1,64}$`)
	// templateRE: a technology, a resource with {number}, optional @context.
	templateRE = regexp.MustCompile(`^(PJSIP|SIP|IAX2|DAHDI|Local)/[A-Za-z0-9_.+-]*\{number\}[A-Za-z0-9_.+-]*(@[A-Za-z0-9_-]+)?$`)
)

// Number checks dialled digits: 0-9 * # with an optional leading +, bounded length.
func Number(s string) error {
	switch {
	case s == "":
		return fmt.Errorf("number is empty")
	case len(s) > MaxDigits:
		return fmt.Errorf("number %q is longer than %d characters", s, MaxDigits)
	case !numberRE.MatchString(s):
		return fmt.Errorf("number %q may hold only 0-9 * # and a leading +", s)
	}
	return nil
}

// Device checks a device dial string such as PJSIP/1001.
func Device(s string) error {
	if !deviceRE.MatchString(s) {
		return fmt.Errorf("device %q is not a dial string like PJSIP/1001 (technology/name; letters, digits, . _ + -)", s)
	}
	return nil
}

// Template checks an outbound template such as Local/{number}@execassist-outbound.
func Template(s string) error {
	if !templateRE.MatchString(s) {
		return fmt.Errorf("template %q must look like Local/{number}@context or PJSIP/{number}@trunk", s)
	}
	return nil
}

// Expand puts a validated number into a validated template. '#' is written %23-free
// but '+' and '*' pass unchanged; the result cannot hold anything the template did not.
func Expand(template, number string) (string, error) {
	if err := Template(template); err != nil {
		return "", err
	}
	if err := Number(number); err != nil {
		return "", err
	}
	return strings.Replace(template, "{number}", number, 1), nil
}
