package policy

import (
	"fmt"
	"strings"

	"github.com/execassist/execassist/app/config"
)

// Destination classes for calling permissions.
const (
	Internal      = "internal"
	National      = "national"
	International = "international"
	Premium       = "premium"
)

// ClassifyDestination says which permission a call to number needs: a provisioned
// extension or the internal pattern is internal; premium prefixes; + and the home
// country code is national, other + numbers international; other digits national.
func ClassifyDestination(cfg *config.Config, number string) string {
	dial := cfg.EffectiveDialing()
	if cfg.User(number) != nil {
		return Internal
	}
	if re := compiled(dial.InternalPattern); re != nil && re.MatchString(number) {
		return Internal
	}
	for _, p := range dial.Premium {
		if MatchNumber(p, number) {
			return Premium
		}
	}
	if strings.HasPrefix(number, "+") {
		if strings.HasPrefix(number, "+"+dial.HomeCountry) {
			return National
		}
		return International
	}
	return National
}

// MayCall checks an executive's calling permissions for a destination (#64 places
// calls with the executive's identity: no toll fraud through it).
func MayCall(cfg *config.Config, exec *config.User, number string) (bool, string) {
	class := ClassifyDestination(cfg, number)
	p := cfg.ExecutiveSettings(exec).Permissions
	allowed := map[string]bool{Internal: p.Internal, National: p.National, International: p.International, Premium: p.Premium}[class]
	article := "a"
	if class == Internal || class == International {
		article = "an"
	}
	if !allowed {
		return false, fmt.Sprintf("%s is %s %s destination, not permitted for %s", number, article, class, exec.Extension)
	}
	return true, fmt.Sprintf("%s is %s %s destination, permitted", number, article, class)
}
