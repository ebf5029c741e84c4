package policy

import (
	"errors"
	"fmt"

	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/numbering"
)

// ClassifyDestination normalises dialled digits with the configuration's dialing plan
// (E.164 for every outside number) and says which permission a call to it needs. An
// error means the digits are no number at all and must be refused as invalid.
func ClassifyDestination(cfg *config.Config, dialled string) (numbering.Destination, error) {
	plan, err := cfg.DialingPlan()
	if err != nil {
		return numbering.Destination{Dialled: dialled}, fmt.Errorf("dialing plan: %w", err)
	}
	return plan.Classify(dialled)
}

// checkDestination passes a #64 destination through the dial gate (config.Gate): the
// call carries exec's identity. refused is the FAC refusal kind: RefusedInvalid for
// digits that are no number (or a feature code), RefusedDestination for a number exec's
// calling permissions (or the emergency rule) do not allow.
func checkDestination(cfg *config.Config, exec *config.User, dialled string) (d numbering.Destination, why, refused string) {
	d, err := cfg.Gate(exec, dialled)
	var r *config.DialRefusal
	switch {
	case errors.As(err, &r) && r.Class != "":
		return d, r.Why, RefusedDestination // it names the number, its class and whose permissions refuse it
	case err != nil:
		return d, err.Error(), RefusedInvalid
	}
	return d, fmt.Sprintf("%s is %s %s destination (%s), permitted", d.Dialled, article(d.Class), d.Class, d.Reason), ""
}

func article(class string) string {
	switch class {
	case numbering.Internal, numbering.International, numbering.Emergency:
		return "an"
	}
	return "a"
}
