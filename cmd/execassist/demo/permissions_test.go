package demo

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTheExecutiveWithholdsPermissionsAndAnnsPageFollows: Erin unticks "Place calls as
// the executive", "Change settings" and "Join calls" for Ann and saves; Ann's page, open
// meanwhile, no longer offers calling as Erin (Eve still), her settings read only and
// the filtering switch next to Erin is disabled.
func TestTheExecutiveWithholdsPermissionsAndAnnsPageFollows(t *testing.T) {
	w := world(t)
	ann, erin := browser(t), browser(t)
	signIn(t, ann, w, "1002")
	signIn(t, erin, w, "1001")
	run(t, ann, "Ann may call as Erin", chromedp.WaitReady(`#callas-exec option[value="1001"]:not([disabled])`, chromedp.ByQuery),
		chromedp.WaitVisible(`#exec-strip [data-exec="1001"] input[role=switch]:not([disabled])`, chromedp.ByQuery))

	row := `#permissions fieldset[data-assistant="1002"]`
	run(t, erin, "withhold three permissions from Ann", chromedp.Click("#tab-mine", chromedp.ByQuery),
		chromedp.WaitVisible(row+` #perm-1002-placeCallsEnabled`, chromedp.ByQuery),
		chromedp.Click(row+` #perm-1002-placeCallsEnabled`, chromedp.ByQuery),
		chromedp.Click(row+` #perm-1002-changeSettingsEnabled`, chromedp.ByQuery),
		chromedp.Click(row+` #perm-1002-joinCallsEnabled`, chromedp.ByQuery),
		chromedp.Click(`#permissions button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#permissions .status.ok`, chromedp.ByQuery))
	e := w.Store.Snapshot().Config.User("1001").Executive
	if e.Permits("1002", "place_calls") || e.Permits("1002", "change_settings") || e.Permits("1002", "join_calls") ||
		!e.Permits("1002", "receive_filtered_calls") || !e.Permits("1003", "place_calls") {
		t.Fatalf("stored: %+v", e.AssistantPermissions)
	}

	run(t, ann, "Ann's page follows", chromedp.WaitReady(`#callas-exec option[value="1001"][disabled]`, chromedp.ByQuery),
		chromedp.WaitReady(`#callas-exec option[value="1006"]:not([disabled])`, chromedp.ByQuery),
		chromedp.WaitReady(`#exec-strip [data-exec="1001"] input[role=switch][disabled]`, chromedp.ByQuery))
	run(t, ann, "Erin's settings read only", chromedp.Click("#tab-executives", chromedp.ByQuery),
		chromedp.WaitVisible(`form[data-path="/v1/people/1001/executive/screening"] input[disabled]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`form[data-path="/v1/people/1001/executive/screening"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`#add-filter`, chromedp.ByQuery),
		chromedp.WaitVisible(`#permissions input[disabled]`, chromedp.ByQuery))
}
