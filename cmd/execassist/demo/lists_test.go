package demo

import (
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTheExecutiveAddsAListThatGoesStraightThrough: Erin sees the organisation's
// Board list read only, adds her own Family list with one number, ticks "Straight to
// the executive" and saves; then a new custom filter offers both lists.
func TestTheExecutiveAddsAListThatGoesStraightThrough(t *testing.T) {
	w := world(t)
	erin := browser(t)
	signIn(t, erin, w, "1001")
	run(t, erin, "the lists card", chromedp.Click("#tab-mine", chromedp.ByQuery),
		chromedp.WaitVisible(`#lists li[data-list="Board"] textarea[disabled]`, chromedp.ByQuery),
		chromedp.Click("#add-list", chromedp.ByQuery), chromedp.WaitVisible("#list-name-1", chromedp.ByQuery),
		chromedp.SendKeys("#list-name-1", "Family", chromedp.ByQuery),
		chromedp.SendKeys("#list-numbers-1", "+15550001111", chromedp.ByQuery),
		chromedp.Click("#list-bypass-1", chromedp.ByQuery),
		chromedp.Click(`#lists button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#lists .status.ok`, chromedp.ByQuery))
	snap := w.Store.Snapshot()
	u := snap.Config.User("1001")
	if nums, _ := snap.Config.NumberList(u, "Family"); !slices.Equal(nums, []string{"+15550001111"}) ||
		!slices.Contains(snap.Config.ExecutiveSettings(u).Bypass, "Family") {
		t.Fatalf("stored: %v, bypass %v", nums, snap.Config.ExecutiveSettings(u).Bypass)
	}
	run(t, erin, "a filter offers the lists", chromedp.Click("#add-filter", chromedp.ByQuery),
		chromedp.WaitVisible("#filter-editor", chromedp.ByQuery),
		chromedp.SetValue("#filter-edit-callsFrom", "SELECT_PHONE_NUMBERS", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("#filter-editor").dispatchEvent(new Event("change"))`, nil),
		chromedp.WaitVisible(`#filter-edit-numberLists input[value="Board"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#filter-edit-numberLists input[value="Family"]`, chromedp.ByQuery))
}
