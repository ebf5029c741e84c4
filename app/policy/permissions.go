package policy

import (
	"fmt"

	"github.com/execassist/execassist/internal/config"
	"github.com/execassist/execassist/internal/numbering"
)

// DialingPlan is the configuration's numbering plan: home country, prefixes, the
// provisioned extensions and the internal pattern.
func DialingPlan(cfg *config.Config) (*numbering.Plan, error) {
	d := cfg.EffectiveDialing()
	return numbering.NewPlan(numbering.Settings{
		HomeCountry:         d.HomeCountry,
		NationalRegions:     d.NationalRegions,
		InternationalPrefix: d.InternationalPrefix,
		NationalPrefix:      d.NationalPrefix,
		IsUser:              func(ext string) bool { return cfg.User(ext) != nil },
		ExtensionPattern:    compiled(d.InternalPattern),
		Premium:             d.Premium,
	})
}

// ClassifyDestination normalises dialled digits with the dialing plan (E.164 for every
// outside number) and says which permission a call to it needs. An error means the
// digits are no number at all and must be refused as invalid.
func ClassifyDestination(cfg *config.Config, dialled string) (numbering.Destination, error) {
	plan, err := DialingPlan(cfg)
	if err != nil {
		return numbering.Destination{Dialled: dialled}, fmt.Errorf("dialing plan: %w", err)
	}
	return plan.Classify(dialled)
}

// MayCall checks an executive's calling permissions for a classified destination (#64
// places calls with the executive's identity: no toll fraud through it). Emergency
// numbers are never called on someone else's behalf.
func MayCall(cfg *config.Config, exec *config.User, d numbering.Destination) (bool, string) {
	p := cfg.ExecutiveSettings(exec).Permissions
	allowed := map[string]bool{numbering.Internal: p.Internal, numbering.National: p.National,
		numbering.International: p.International, numbering.Premium: p.Premium}[d.Class]
	article := "a"
	switch d.Class {
	case numbering.Internal, numbering.International, numbering.Emergency:
		article = "an"
	}
	what := fmt.Sprintf("%s is %s %s destination (%s)", d.Dialled, article, d.Class, d.Reason)
	if !allowed {
		return false, what + ", not permitted for " + exec.Extension
	}
	return true, what + ", permitted"
}
