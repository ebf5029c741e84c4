package demo

import (
	"context"
	"github.com/execassist/execassist/internal/testskip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/execassist/execassist/app"
	"github.com/execassist/execassist/ari/aritest"
	"github.com/execassist/execassist/internal/poll"
	"github.com/execassist/execassist/internal/secret"
	"github.com/rs/zerolog"
)

// The page in a real browser: headless Chromium (Debian's chromium; .ci/run installs
// it) driven over the DevTools protocol, against the demo world (real app, store, API,
// page; the fake Asterisk). Locally without Chromium these tests skip; in CI (CI set)
// a missing browser fails them.

func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testskip.Skip(t, "no Chromium is installed (apt-get install chromium): the browser tests need it")
	return ""
}

// world starts the demo company without simulated callers, with cheap hashes.
func world(t *testing.T) *World {
	t.Helper()
	w, err := Start(context.Background(), Options{Listen: "127.0.0.1:0", Log: zerolog.Nop(),
		Hash: func(s string) (string, error) {
			return secret.HashWith(s, secret.Params{Memory: 64, Time: 1, Threads: 1})
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	return w
}

// browser is a fresh headless Chromium (its own profile: its own cookies) at a desktop
// window size.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	// Not t.TempDir: Chromium's helpers may still write to the profile for a moment after
	// the browser is gone, and a failed removal must not fail the test.
	profile, err := os.MkdirTemp("", "execassist-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1280, 900)}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelT()
		cancelB()
		cancelA()
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func signIn(t *testing.T, ctx context.Context, w *World, user string) {
	t.Helper()
	secret := ""
	for _, s := range SignIns {
		if s.User == user {
			secret = s.Secret
		}
	}
	run(t, ctx, "sign in as "+user, chromedp.Navigate(w.URL), chromedp.WaitVisible("#user", chromedp.ByQuery),
		chromedp.SendKeys("#user", user, chromedp.ByQuery), chromedp.SendKeys("#secret", secret, chromedp.ByQuery),
		chromedp.Click("#signin button[type=submit]", chromedp.ByQuery), chromedp.WaitVisible("#app", chromedp.ByQuery))
}

// screenshots writes the page at desktop and phone width to the artefacts folder
// (EXECASSIST_SCREENSHOTS, default the system temp folder).
func screenshots(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("EXECASSIST_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "execassist-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, size := range []struct {
		suffix        string
		width, height int64
		mobile        bool
	}{{"desktop", 1280, 900, false}, {"phone", 390, 844, true}} {
		var png []byte
		run(t, ctx, "screenshot "+name,
			emulation.SetDeviceMetricsOverride(size.width, size.height, 1, size.mobile),
			chromedp.Sleep(150*time.Millisecond), // layout after the resize
			chromedp.FullScreenshot(&png, 100))
		path := filepath.Join(dir, name+"-"+size.suffix+".png")
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", path)
	}
	run(t, ctx, "back to desktop", emulation.ClearDeviceMetricsOverride())
}

// TestExecutiveReordersAddsAFilterAndTogglesFiltering: the executive moves Alan above
// Ann, adds a custom filter (a duplicate name shows the validator's error next to the
// name field), meets a conflicting edit, and switches filtering off on the console: the
// store and the BLF lamp change.
func TestExecutiveReordersAddsAFilterAndTogglesFiltering(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "1001")
	run(t, ctx, "open my settings", chromedp.Click("#tab-mine", chromedp.ByQuery),
		chromedp.WaitVisible(`#pool li[data-assistant="1003"]`, chromedp.ByQuery))
	run(t, ctx, "move Alan up and save", chromedp.Click(`#pool button[aria-label="Move Alan Assist up"]`, chromedp.ByQuery),
		chromedp.Click("#pool button[type=submit]", chromedp.ByQuery), chromedp.WaitVisible("#pool .status.ok", chromedp.ByQuery))
	poll.Until(t, 0, "the pool reordered in the store", func() bool {
		return slices.Equal(w.Store.Snapshot().Config.User("1001").Executive.Assistants, []string{"1003", "1002"})
	})

	addFilter := func(name string) {
		run(t, ctx, "add filter "+name, chromedp.Click("#add-filter", chromedp.ByQuery), chromedp.WaitVisible("#filter-editor", chromedp.ByQuery),
			chromedp.SendKeys("#filter-edit-filterName", name, chromedp.ByQuery),
			chromedp.SetValue("#filter-edit-scheduleName", "office", chromedp.ByQuery),
			chromedp.SetValue("#filter-edit-callsFrom", "SELECT_PHONE_NUMBERS", chromedp.ByQuery),
			chromedp.SendKeys("#filter-edit-phoneNumbers", "+1555*", chromedp.ByQuery),
			chromedp.Click("#filter-editor button[type=submit]", chromedp.ByQuery))
	}
	addFilter("VIPs")
	run(t, ctx, "the new filter listed", chromedp.WaitVisible(`#criteria li[data-criterion="VIPs"]`, chromedp.ByQuery))
	f := w.Store.Snapshot().Config.User("1001").Executive.Filtering.Filters
	if len(f) != 1 || f[0].When != "office" || f[0].CallsFrom == nil || f[0].CallsFrom.Numbers[0] != "+1555*" {
		t.Fatalf("stored filters: %+v", f)
	}
	addFilter("VIPs")
	var msg string
	run(t, ctx, "the validator's error next to the name",
		chromedp.WaitVisible(`#filter-editor [data-error-for="filterName"]:not(:empty)`, chromedp.ByQuery),
		chromedp.Text(`#filter-editor [data-error-for="filterName"]`, &msg, chromedp.ByQuery))
	if !strings.Contains(msg, "used by another filter") {
		t.Fatalf("error next to the name: %q", msg)
	}
	screenshots(t, ctx, "executive-settings")
	run(t, ctx, "close the editor", chromedp.Click(`#filter-editor button[type=button]`, chromedp.ByQuery))

	// Someone else (#62 from the desk phone) changes filtering while the form is open:
	// saving the form says so and overwrites nothing.
	if err := w.Store.SetFiltering("1001", false); err != nil {
		t.Fatal(err)
	}
	filterForm := `form[data-path="/v1/people/1001/executive/callFiltering"]`
	run(t, ctx, "save the stale filtering form", chromedp.SetValue(filterForm+" select", "ALL_EXTERNAL_CALLS", chromedp.ByQuery),
		chromedp.Click(filterForm+" button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible(filterForm+" .status.error", chromedp.ByQuery), chromedp.Text(filterForm+" .status", &msg, chromedp.ByQuery))
	if !strings.Contains(msg, "Someone else changed this") {
		t.Fatalf("conflict message: %q", msg)
	}
	if mode := w.Store.Snapshot().Config.User("1001").Executive.Filtering.Mode; mode != "all" {
		t.Fatalf("the stale form overwrote the mode: %q", mode)
	}
	if err := w.Store.SetFiltering("1001", true); err != nil {
		t.Fatal(err)
	}
	// The console's switch shows the lamp's state and turns filtering off.
	run(t, ctx, "console", chromedp.Click("#tab-console", chromedp.ByQuery), chromedp.WaitVisible(`#exec-strip .exec.on[data-exec="1001"]`, chromedp.ByQuery),
		chromedp.Click("#filter-1001", chromedp.ByQuery), chromedp.WaitVisible(`#exec-strip .exec.off[data-exec="1001"]`, chromedp.ByQuery))
	poll.Until(t, 0, "filtering off in the store and on the lamp", func() bool {
		st, _ := w.Fake.DeviceState(app.FilteringDevice("1001"))
		rt := w.Store.Snapshot().Runtime.Executives["1001"]
		return st == "NOT_INUSE" && rt.Filtering != nil && !*rt.Filtering
	})
}

// TestAddingAFilterThenSavingTheTypeIsNoConflict: the executive adds a filter, then
// switches the filter type to custom and saves: the page's own write changed the ETag of
// callFiltering, and the form took the new one ("Someone else changed this" before).
func TestAddingAFilterThenSavingTheTypeIsNoConflict(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "1001")
	filterForm := `form[data-path="/v1/people/1001/executive/callFiltering"]`
	run(t, ctx, "open my settings", chromedp.Click("#tab-mine", chromedp.ByQuery),
		chromedp.WaitVisible(filterForm+" select", chromedp.ByQuery))
	run(t, ctx, "add a filter", chromedp.Click("#add-filter", chromedp.ByQuery), chromedp.WaitVisible("#filter-editor", chromedp.ByQuery),
		chromedp.SendKeys("#filter-edit-filterName", "Board", chromedp.ByQuery),
		chromedp.Click("#filter-editor button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible(`#criteria li[data-criterion="Board"]`, chromedp.ByQuery))
	var msg string
	run(t, ctx, "switch to custom filters and save", chromedp.SetValue(filterForm+" select", "CUSTOM_CALL_FILTERS", chromedp.ByQuery),
		chromedp.Click(filterForm+" button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible(filterForm+" .status:not(:empty)", chromedp.ByQuery), chromedp.Text(filterForm+" .status", &msg, chromedp.ByQuery))
	if msg != "Saved." {
		t.Fatalf("saving the type after adding a filter: %q", msg)
	}
	if mode := w.Store.Snapshot().Config.User("1001").Executive.Filtering.Mode; mode != "custom" {
		t.Fatalf("filter type in the store: %q", mode)
	}
}

// TestAssistantSeesThePoolReadOnlyDivertsAndOptsOut: Ann cannot change Erin's pool,
// turns her divert on and opts out of Erin's calls.
func TestAssistantSeesThePoolReadOnlyDivertsAndOptsOut(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	var refusal string
	run(t, ctx, "a wrong secret", chromedp.Navigate(w.URL), chromedp.WaitVisible("#user", chromedp.ByQuery),
		chromedp.SendKeys("#user", "1002", chromedp.ByQuery), chromedp.SendKeys("#secret", "guess", chromedp.ByQuery),
		chromedp.Click("#signin button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible("#signin-error:not(:empty)", chromedp.ByQuery), chromedp.Text("#signin-error", &refusal, chromedp.ByQuery))
	if !strings.Contains(refusal, "wrong") && !strings.Contains(refusal, "secret") {
		t.Fatalf("the refusal says %q", refusal)
	}
	screenshots(t, ctx, "sign-in")
	signIn(t, ctx, w, "1002")
	var buttons int
	var note string
	run(t, ctx, "Erin's settings", chromedp.Click("#tab-executives", chromedp.ByQuery),
		chromedp.WaitVisible(`#pool li[data-assistant="1002"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#pool button").length`, &buttons),
		chromedp.Text("#pool p.muted", &note, chromedp.ByQuery))
	if buttons != 0 || !strings.Contains(note, "Only the executive changes the pool") {
		t.Fatalf("the pool is not read-only for an assistant: %d buttons, note %q", buttons, note)
	}
	screenshots(t, ctx, "assistant-executive-settings")
	var divertError string
	run(t, ctx, "divert to an emergency number", chromedp.Click("#tab-mine", chromedp.ByQuery), chromedp.WaitVisible("#divert-on", chromedp.ByQuery),
		chromedp.Click("#divert-on", chromedp.ByQuery), chromedp.SendKeys("#divert-to", "911", chromedp.ByQuery),
		chromedp.Click("#assistant button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible(`#assistant [data-error-for="forwardToPhoneNumber"]:not(:empty)`, chromedp.ByQuery),
		chromedp.Text(`#assistant [data-error-for="forwardToPhoneNumber"]`, &divertError, chromedp.ByQuery))
	if !strings.Contains(divertError, "911 is an emergency number") || w.Store.Snapshot().Runtime.Assistants["1002"].Divert != nil {
		t.Fatalf("divert to 911: the page says %q; stored %+v", divertError, w.Store.Snapshot().Runtime.Assistants["1002"])
	}
	run(t, ctx, "divert and opt out", chromedp.Evaluate(`document.querySelector("#divert-to").value = ""`, nil), chromedp.SendKeys("#divert-to", "+15551234567", chromedp.ByQuery),
		chromedp.Click("#optin-1001", chromedp.ByQuery), chromedp.Click("#assistant button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible("#assistant .status.ok", chromedp.ByQuery))
	rt := w.Store.Snapshot().Runtime.Assistants["1002"]
	if rt.Divert == nil || !rt.Divert.Enabled || rt.Divert.To != "+15551234567" || rt.OptedIn["1001"] {
		t.Fatalf("stored: %+v", rt)
	}
	var disabled bool
	run(t, ctx, "Eve does not allow opting out", chromedp.Evaluate(`document.querySelector("#optin-1006").disabled`, &disabled))
	if !disabled {
		t.Fatal("the opt-in switch for Eve (who does not allow it) is enabled")
	}
	screenshots(t, ctx, "assistant-my-settings")
	run(t, ctx, "sign out", chromedp.Click("#signout", chromedp.ByQuery), chromedp.WaitVisible("#signin", chromedp.ByQuery))
	var code int
	run(t, ctx, "the session is gone", chromedp.Evaluate(`fetch("/v1/me").then(r => r.status)`, &code, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
		return p.WithAwaitPromise(true)
	}))
	if code != 401 {
		t.Fatalf("after sign-out /v1/me answers %d", code)
	}
}

// TestConsoleShowsARingingCallAndPushRingsTheExecutive: a call to Erin appears on Ann's
// console while it rings, then shows who answered; the push button makes the fake
// Asterisk ring Erin's phone.
func TestConsoleShowsARingingCallAndPushRingsTheExecutive(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "1002")
	run(t, ctx, "console with Erin", chromedp.WaitVisible(`#exec-strip [data-exec="1001"]`, chromedp.ByQuery))
	placed := time.Now()
	caller := w.Call("1001", "Bob Caller", "+15550001111")
	appear, cancel := context.WithTimeout(ctx, time.Second)
	err := chromedp.Run(appear, chromedp.WaitVisible(`#calls li[data-state="ringing"]`, chromedp.ByQuery))
	cancel()
	if err != nil {
		t.Fatalf("the ringing call did not appear on the console within 1 s: %v", err)
	}
	t.Logf("the ringing call appeared on the console %s after it was placed", time.Since(placed).Round(time.Millisecond))
	var text string
	run(t, ctx, "read the ringing row", chromedp.Text(`#calls li[data-state="ringing"]`, &text, chromedp.ByQuery))
	if !strings.Contains(text, "Bob Caller") || !strings.Contains(text, "Ringing at Ann Assist") {
		t.Fatalf("ringing row: %q", text)
	}
	leg := ringingLeg(t, w, "PJSIP/1002")
	if err := w.Fake.Answer(leg); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "answered by Ann", chromedp.WaitVisible(`#calls li[data-state="answered"] button[data-action="push"]`, chromedp.ByQuery),
		chromedp.Text(`#calls li[data-state="answered"]`, &text, chromedp.ByQuery))
	if !strings.Contains(text, "Answered by Ann Assist") {
		t.Fatalf("answered row: %q", text)
	}
	// A second call, so that the screenshots show a ringing and an answered call.
	second := w.Call("1001", "Carla Customer", "+15550002222")
	run(t, ctx, "second call", chromedp.WaitVisible(`#calls li[data-state="ringing"]`, chromedp.ByQuery))
	screenshots(t, ctx, "console")
	run(t, ctx, "push", chromedp.Click(`#calls li[data-state="answered"] button[data-action="push"]`, chromedp.ByQuery))
	poll.Until(t, 0, "Erin's phone ringing for the push", func() bool { return len(w.Fake.ChannelsOn("PJSIP/1001")) > 0 })
	run(t, ctx, "on hold for the executive", chromedp.WaitVisible(`#calls li[data-state="pushed"]`, chromedp.ByQuery))
	_ = w.Fake.Hangup(caller)
	_ = w.Fake.Hangup(second)
	run(t, ctx, "the calls end on the console", chromedp.WaitNotPresent(`#calls li[data-call]`, chromedp.ByQuery))
}

// TestConsoleSaysWhoCallsWhomInWords: Ann's console writes a call to Erin as "Bob
// Caller (555) 000-1111 for Erin Exec", marks it hers once she answers, and a call she
// places as Erin as "Ann Assist calling (555) 123-4567 for Erin Exec" (not "Unknown
// caller +15551234567").
func TestConsoleSaysWhoCallsWhomInWords(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "1002")
	run(t, ctx, "console with Erin", chromedp.WaitVisible(`#exec-strip [data-exec="1001"]`, chromedp.ByQuery))
	caller := w.Call("1001", "Bob Caller", "+15550001111")
	ringingOn := func(device string) string { return ringingLeg(t, w, device) }
	if err := w.Fake.Answer(ringingOn("PJSIP/1002")); err != nil {
		t.Fatal(err)
	}
	var text string
	run(t, ctx, "the answered row", chromedp.WaitVisible(`#calls li[data-state="answered"] .badge.mine`, chromedp.ByQuery),
		chromedp.Text(`#calls li[data-state="answered"] .who`, &text, chromedp.ByQuery))
	if text != "Bob Caller (555) 000-1111 for Erin Exec Mine" {
		t.Fatalf("incoming row: %q", text)
	}
	_ = w.Fake.Hangup(caller)
	run(t, ctx, "the call ends", chromedp.WaitNotPresent(`#calls li[data-call]`, chromedp.ByQuery))

	run(t, ctx, "call as Erin", chromedp.SendKeys("#callas-number", Destinations[0], chromedp.ByQuery),
		chromedp.Click("#call-as button[type=submit]", chromedp.ByQuery))
	if err := w.Fake.Answer(ringingOn("PJSIP/1002")); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "the outgoing row", chromedp.WaitVisible(`#calls li[data-direction="outgoing"][data-state="answered"]`, chromedp.ByQuery),
		chromedp.Text(`#calls li[data-direction="outgoing"] .who`, &text, chromedp.ByQuery))
	if text != "Ann Assist calling (555) 123-4567 for Erin Exec Mine" {
		t.Fatalf("outgoing row: %q", text)
	}
}

// TestEveryWordInEveryLanguageAndThePhoneLayoutHolds: de, fr and nl have every key of
// en with the same placeholders; the header's switch redraws the page in the chosen
// language (Webex's terms: "Anruffilterung"), kept across a reload; and in the
// longest language nothing is wider than a 390 px phone.
func TestEveryWordInEveryLanguageAndThePhoneLayoutHolds(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	var problems []string
	run(t, ctx, "compare the languages", chromedp.Navigate(w.URL), chromedp.WaitVisible("#user", chromedp.ByQuery),
		chromedp.Evaluate(`(() => {
			const out = [], en = I18N.en, vars = (s) => (s.match(/\{\w+\}/g) || []).sort().join();
			for (const [lang, words] of Object.entries(I18N)) {
				for (const k of Object.keys(en)) {
					if (!(k in words)) out.push(lang + ": no " + k);
					else if (vars(words[k]) !== vars(en[k])) out.push(lang + ": " + k + " has " + vars(words[k]) + ", en " + vars(en[k]));
				}
				for (const k of Object.keys(words)) if (!(k in en)) out.push(lang + ": " + k + " is not in en");
			}
			if (Object.keys(I18N).sort().join() !== "de,en,fr,nl") out.push("languages: " + Object.keys(I18N));
			return out;
		})()`, &problems))
	if len(problems) > 0 {
		t.Fatalf("languages:\n%s", strings.Join(problems, "\n"))
	}
	var longest string
	run(t, ctx, "the longest language", chromedp.Evaluate(`Object.entries(I18N).map(([l, w]) => [l, Object.values(w).join("").length]).sort((a, b) => b[1] - a[1])[0][0]`, &longest))
	signIn(t, ctx, w, "1001")
	var title string
	run(t, ctx, "switch to German", chromedp.SetValue("#lang", "de", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("#lang").dispatchEvent(new Event("change"))`, nil),
		chromedp.WaitVisible(`#tab-mine`, chromedp.ByQuery), chromedp.Click("#tab-mine", chromedp.ByQuery),
		chromedp.WaitVisible(`form[data-path="/v1/people/1001/executive/callFiltering"] h2`, chromedp.ByQuery),
		chromedp.Text(`form[data-path="/v1/people/1001/executive/callFiltering"] h2`, &title, chromedp.ByQuery))
	if title != "Anruffilterung" {
		t.Fatalf("the filtering card in German: %q", title)
	}
	var lang string
	run(t, ctx, "kept across a reload", chromedp.Reload(), chromedp.WaitVisible("#tab-console", chromedp.ByQuery),
		chromedp.Evaluate(`document.documentElement.lang`, &lang))
	if lang != "de" {
		t.Fatalf("after a reload the page is in %q", lang)
	}
	run(t, ctx, "switch to the longest, "+longest, chromedp.SetValue("#lang", longest, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector("#lang").dispatchEvent(new Event("change"))`, nil),
		emulation.SetDeviceMetricsOverride(390, 844, 1, true))
	for _, tab := range []string{"#tab-console", "#tab-mine"} {
		var wide []string
		run(t, ctx, "measure "+tab, chromedp.Click(tab, chromedp.ByQuery), chromedp.Sleep(300*time.Millisecond),
			chromedp.Evaluate(`[...document.querySelectorAll("body *")].filter((el) => el.getBoundingClientRect().right > 391 && getComputedStyle(el).position !== "absolute").map((el) => el.tagName + "#" + el.id + "." + el.className + " " + Math.round(el.getBoundingClientRect().right)).slice(0, 10)`, &wide))
		if len(wide) > 0 {
			t.Errorf("%s in %s at 390 px: wider than the phone: %v", tab, longest, wide)
		}
	}
}

// TestARestartOfServeKeepsThePageSignedInAndLive: serve stops while Ann watches a
// ringing call: the console greys its lamps and rows under a banner; the caller hangs
// up meanwhile; serve comes back (a new API, sessions from the store): the page is
// still signed in, live again without a click, and the ended call is gone.
func TestARestartOfServeKeepsThePageSignedInAndLive(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "1002")
	caller := w.Call("1001", "Bob Caller", "+15550001111")
	run(t, ctx, "the ringing call", chromedp.WaitVisible(`#calls li[data-state="ringing"]`, chromedp.ByQuery))
	w.StopServing()
	var banner string
	run(t, ctx, "greyed under a banner", chromedp.WaitVisible(`#app.offline #stream-state.banner`, chromedp.ByQuery),
		chromedp.Text("#stream-state", &banner, chromedp.ByQuery))
	if !strings.Contains(banner, "Connection lost") {
		t.Fatalf("banner: %q", banner)
	}
	_ = w.Fake.Hangup(caller)
	if err := w.ServeAgain(); err != nil {
		t.Fatal(err)
	}
	wait, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	run(t, wait, "live again", chromedp.WaitNotPresent(`#app.offline`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`#calls li[data-call]`, chromedp.ByQuery))
	var signInShown bool
	run(t, ctx, "still signed in", chromedp.Evaluate(`!document.querySelector("#signin").hidden`, &signInShown))
	if signInShown {
		t.Fatal("the restart signed Ann out")
	}
	second := w.Call("1001", "Carla Customer", "+15550002222")
	run(t, ctx, "new calls arrive", chromedp.WaitVisible(`#calls li[data-state="ringing"]`, chromedp.ByQuery))
	_ = w.Fake.Hangup(second)
}

// TestSettingsShowOnlyTheFieldsThatApply: the alerting form shows rings per assistant
// only for sequential alerting, the forward number only for Forward, a custom name
// only for Custom, and says an edit is not saved yet; a filter that is active while the
// filter type is not custom says it is not in effect, until the type is custom; its
// editor opens in place, under the filter.
func TestSettingsShowOnlyTheFieldsThatApply(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "1001")
	alert := `form[data-path="/v1/people/1001/executive/alert"]`
	shown := func(key string) bool {
		var hidden bool
		run(t, ctx, "is "+key+" shown", chromedp.Evaluate(`document.querySelector('`+alert+` #`+strings.ReplaceAll("-v1-people-1001-executive-alert-"+key, "/", "-")+`').closest(".field").hidden`, &hidden))
		return !hidden
	}
	run(t, ctx, "open my settings", chromedp.Click("#tab-mine", chromedp.ByQuery), chromedp.WaitVisible(alert+" select", chromedp.ByQuery))
	for _, key := range []string{"nextAssistantNumberOfRings", "rolloverForwardToPhoneNumber", "customCLIDName"} {
		if shown(key) {
			t.Errorf("%s shown where it does not apply", key)
		}
	}
	set := func(key, value string) {
		run(t, ctx, "set "+key, chromedp.SetValue(alert+" #-v1-people-1001-executive-alert-"+key, value, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelector('`+alert+`').dispatchEvent(new Event("change"))`, nil))
	}
	set("alertingMode", "SEQUENTIAL")
	set("rolloverAction", "FORWARD")
	set("clidNameMode", "CUSTOM")
	for _, key := range []string{"nextAssistantNumberOfRings", "rolloverForwardToPhoneNumber", "customCLIDName"} {
		if !shown(key) {
			t.Errorf("%s hidden where it applies", key)
		}
	}
	var status string
	run(t, ctx, "the unsaved hint", chromedp.Text(alert+" .status", &status, chromedp.ByQuery))
	if status != "Changes not saved yet." {
		t.Errorf("status after an edit: %q", status)
	}

	run(t, ctx, "add a filter while the type is all calls", chromedp.Click("#add-filter", chromedp.ByQuery),
		chromedp.WaitVisible("#filter-editor", chromedp.ByQuery), chromedp.SendKeys("#filter-edit-filterName", "Board", chromedp.ByQuery),
		chromedp.Click("#filter-editor button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible(`#criteria li[data-criterion="Board"] .badge.notice`, chromedp.ByQuery))
	run(t, ctx, "the editor opens in place", chromedp.Click(`#criteria li[data-criterion="Board"] button[aria-label="Edit filter Board"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#criteria li[data-criterion="Board"] #filter-editor`, chromedp.ByQuery),
		chromedp.Click(`#filter-editor button[type=button]`, chromedp.ByQuery), chromedp.WaitNotPresent(`#filter-editor`, chromedp.ByQuery))
	filterForm := `form[data-path="/v1/people/1001/executive/callFiltering"]`
	run(t, ctx, "custom filters saved", chromedp.SetValue(filterForm+" select", "CUSTOM_CALL_FILTERS", chromedp.ByQuery),
		chromedp.Click(filterForm+" button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible(filterForm+" .status.ok", chromedp.ByQuery),
		chromedp.WaitNotPresent(`#criteria li[data-criterion="Board"] .badge.notice`, chromedp.ByQuery))
}

// TestExecutiveAddsAnAssistantBySearch: Erin types part of a name (or a number) and
// adds the assistant the search finds; someone already in the pool is not offered.
func TestExecutiveAddsAnAssistantBySearch(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "1001")
	run(t, ctx, "open my settings", chromedp.Click("#tab-mine", chromedp.ByQuery), chromedp.WaitVisible("#pool-search", chromedp.ByQuery))
	var offered []string
	run(t, ctx, "search 'assist'", chromedp.SendKeys("#pool-search", "assist", chromedp.ByQuery),
		chromedp.WaitVisible(`#pool-results button[data-add]`, chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll("#pool-results button")].map((b) => b.dataset.add)`, &offered))
	if !slices.Equal(offered, []string{"1004"}) { // Ann and Alan are in the pool already
		t.Fatalf("offered %v", offered)
	}
	run(t, ctx, "add Ada by number and save", chromedp.Evaluate(`document.querySelector("#pool-search").value = ""`, nil),
		chromedp.SendKeys("#pool-search", "1004", chromedp.ByQuery), chromedp.WaitVisible(`#pool-results button[data-add="1004"]`, chromedp.ByQuery),
		chromedp.Click(`#pool-results button[data-add="1004"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#pool li[data-assistant="1004"]`, chromedp.ByQuery),
		chromedp.Click("#pool button[type=submit]", chromedp.ByQuery), chromedp.WaitVisible("#pool .status.ok", chromedp.ByQuery))
	poll.Until(t, 0, "Ada in the pool in the store", func() bool {
		return slices.Contains(w.Store.Snapshot().Config.User("1001").Executive.Assistants, "1004")
	})
}

// TestConsoleShowsTodaysCalls: a call Ann answered and one whose caller gave up appear
// under "Today" once they end, newest first, in words.
func TestConsoleShowsTodaysCalls(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "1002")
	run(t, ctx, "console", chromedp.WaitVisible(`#history li`, chromedp.ByQuery))
	caller := w.Call("1001", "Bob Caller", "+15550001111")
	leg := ringingLeg(t, w, "PJSIP/1002")
	_ = w.Fake.Answer(leg)
	run(t, ctx, "answered", chromedp.WaitVisible(`#calls li[data-state="answered"]`, chromedp.ByQuery))
	_ = w.Fake.Hangup(caller)
	gaveUp := w.Call("1001", "Carla Customer", "+15550002222")
	run(t, ctx, "ringing", chromedp.WaitVisible(`#calls li[data-state="ringing"]`, chromedp.ByQuery))
	_ = w.Fake.Hangup(gaveUp)
	var rows []string
	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	run(t, wait, "two calls under Today", chromedp.WaitVisible(`#history li[data-history]:nth-child(2)`, chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll("#history li[data-history] .what")].map((el) => el.textContent)`, &rows))
	want := []string{"Carla Customer (555) 000-2222 for Erin Exec — the caller hung up before an answer",
		"Bob Caller (555) 000-1111 for Erin Exec — answered by Ann Assist · the caller hung up"}
	if !slices.Equal(rows, want) {
		t.Fatalf("today:\n%q\nwant\n%q", rows, want)
	}
}

// TestAssistantHoldsResumesAndHangsUpFromTheConsole: on her answered call Ann clicks
// Hold (the caller is held, the row says so and offers Resume), Resume, then Hang up:
// the call is gone from the console and from the fake Asterisk.
func TestAssistantHoldsResumesAndHangsUpFromTheConsole(t *testing.T) {
	w, ctx, caller, _ := annAnswersACall(t)
	row := `#calls li[data-state="answered"]`
	var state string
	run(t, ctx, "hold", chromedp.Click(row+` button[data-action="hold"]`, chromedp.ByQuery),
		chromedp.WaitVisible(row+` button[data-action="resume"]`, chromedp.ByQuery), chromedp.Text(row+" .state", &state, chromedp.ByQuery))
	if !w.Fake.Held(caller) || !strings.Contains(state, "on hold") {
		t.Fatalf("after Hold: held %v, row %q", w.Fake.Held(caller), state)
	}
	run(t, ctx, "resume", chromedp.Click(row+` button[data-action="resume"]`, chromedp.ByQuery),
		chromedp.WaitVisible(row+` button[data-action="hold"]`, chromedp.ByQuery))
	if w.Fake.Held(caller) {
		t.Fatal("still held after Resume")
	}
	run(t, ctx, "hang up", chromedp.Click(row+` button[data-action="hangup"]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`#calls li[data-call]`, chromedp.ByQuery))
	poll.Until(t, 0, "nothing left in the fake", func() bool { return w.Fake.Live().Empty() })
}

// TestAdminPages: the admin's header says "admin (administrator)"; the Admin tab shows
// the health (connected to Asterisk), the users with their services, sets Ann's
// secret (typed twice, never shown; Ann then signs in with it), the audit log saying
// who set it, and the call journal with a call's reasons behind its row.
func TestAdminPages(t *testing.T) {
	w := world(t)
	caller := w.Call("1001", "Bob Caller", "+15550001111")
	poll.Until(t, 0, "Erin's call ringing", func() bool { calls, _ := w.App.LiveCalls(); return len(calls) == 1 })
	_ = w.Fake.Hangup(caller)
	ctx := browser(t)
	signIn(t, ctx, w, "admin")
	var who string
	run(t, ctx, "header", chromedp.Text("#who", &who, chromedp.ByQuery))
	if who != "admin (administrator)" {
		t.Fatalf("header: %q", who)
	}
	var health, services string
	run(t, ctx, "admin tab", chromedp.Click("#tab-admin", chromedp.ByQuery),
		chromedp.WaitVisible(`#admin-health dd`, chromedp.ByQuery), chromedp.Text("#admin-health", &health, chromedp.ByQuery),
		chromedp.WaitVisible(`#admin-users tr[data-user="1002"]`, chromedp.ByQuery),
		chromedp.Text(`#admin-users tr[data-user="1002"]`, &services, chromedp.ByQuery))
	if !strings.Contains(health, "Connected to Asterisk") || !strings.Contains(health, "yes") {
		t.Errorf("health: %q", health)
	}
	if !strings.Contains(services, "assistant (Erin Exec, Eve Exec)") {
		t.Errorf("Ann's row: %q", services)
	}
	var said string
	run(t, ctx, "reset Ann's secret", chromedp.Click(`#admin-users button[data-secret-for="1002"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#secret-1002", chromedp.ByQuery),
		chromedp.SendKeys("#secret-1002", "ann's new secret", chromedp.ByQuery), chromedp.SendKeys("#secret-1002-again", "ann's new secret", chromedp.ByQuery),
		chromedp.Click(`#admin-users tr[data-user="1002"] button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#admin-users tr[data-user="1002"] .status.ok`, chromedp.ByQuery),
		chromedp.Text(`#admin-users tr[data-user="1002"] .status`, &said, chromedp.ByQuery))
	if said != "The secret of Ann Assist is set." {
		t.Fatalf("after setting: %q", said)
	}
	var page string
	run(t, ctx, "reload the admin tab", chromedp.Click("#tab-console", chromedp.ByQuery), chromedp.Click("#tab-admin", chromedp.ByQuery),
		chromedp.WaitVisible(`#admin-audit li time`, chromedp.ByQuery), chromedp.WaitVisible(`#admin-journal li[data-record]`, chromedp.ByQuery),
		chromedp.Click(`#admin-journal li[data-record] summary`, chromedp.ByQuery),
		chromedp.WaitVisible(`#admin-journal li[data-record] .why li`, chromedp.ByQuery),
		chromedp.Text("#view", &page, chromedp.ByQuery))
	if strings.Contains(page, "ann's new secret") || strings.Contains(page, "argon2") {
		t.Fatal("the page shows the secret or its hash")
	}
	for _, want := range []string{"user 1002 secret", "filtering is on"} {
		if !strings.Contains(page, want) {
			t.Errorf("the admin tab lacks %q", want)
		}
	}
	anon := browser(t)
	run(t, anon, "Ann with the new secret", chromedp.Navigate(w.URL), chromedp.WaitVisible("#user", chromedp.ByQuery),
		chromedp.SendKeys("#user", "1002", chromedp.ByQuery), chromedp.SendKeys("#secret", "ann's new secret", chromedp.ByQuery),
		chromedp.Click("#signin button[type=submit]", chromedp.ByQuery), chromedp.WaitVisible("#app", chromedp.ByQuery))
	screenshots(t, ctx, "admin")
}

// TestAssistantTransfersACallToANumber: Ann opens Transfer on her call, types a number
// as people write it, and the number rings; when it answers, the call is no longer at
// Ann. A premium number is refused in words under the row.
func TestAssistantTransfersACallToANumber(t *testing.T) {
	w, ctx, caller, leg := annAnswersACall(t)
	row := `#calls li[data-state="answered"]`
	var said string
	run(t, ctx, "a premium number", chromedp.Click(row+` button[data-action="transfer"]`, chromedp.ByQuery),
		chromedp.WaitVisible(row+` form[data-transfer] input`, chromedp.ByQuery),
		chromedp.SendKeys(row+` form[data-transfer] input`, "1 900 555 0000", chromedp.ByQuery),
		chromedp.Click(row+` form[data-transfer] button`, chromedp.ByQuery),
		chromedp.WaitVisible(row+` .said.error`, chromedp.ByQuery), chromedp.Text(row+" .said", &said, chromedp.ByQuery))
	if !strings.Contains(said, "premium") {
		t.Fatalf("a premium transfer: %q", said)
	}
	run(t, ctx, "transfer to a number", chromedp.Evaluate(`document.querySelector('`+row+` form[data-transfer] input').value = ""`, nil),
		chromedp.SendKeys(row+` form[data-transfer] input`, "(555) 123-4567", chromedp.ByQuery),
		chromedp.Click(row+` form[data-transfer] button`, chromedp.ByQuery),
		chromedp.WaitVisible(row+` .said.muted`, chromedp.ByQuery))
	// The demo's outside numbers answer after 3 s.
	wait, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	run(t, wait, "the call left Ann", chromedp.WaitVisible(`#calls li[data-state="connected"]`, chromedp.ByQuery))
	if w.Fake.BridgeOf(leg) != "" {
		t.Fatal("Ann's leg is still in the call")
	}
	_ = w.Fake.Hangup(caller)
}

// TestTheConsoleWorksFromTheKeyboard: Ann reaches the push button of her call with the
// Tab key alone and presses Enter: Erin's phone rings; and Erin's strip says she is on a
// call once she has it.
func TestTheConsoleWorksFromTheKeyboard(t *testing.T) {
	w, ctx, caller, _ := annAnswersACall(t)
	run(t, ctx, "answered", chromedp.WaitVisible(`#calls li[data-state="answered"] button[data-action="push"]`, chromedp.ByQuery),
		chromedp.Evaluate(`document.activeElement.blur()`, nil))
	reached := false
	for range 60 {
		var action string
		run(t, ctx, "tab", chromedp.KeyEvent("\t"), chromedp.Evaluate(`document.activeElement.dataset.action || ""`, &action))
		if action == "push" {
			reached = true
			break
		}
	}
	if !reached {
		t.Fatal("the push button cannot be reached with Tab")
	}
	run(t, ctx, "Enter", chromedp.KeyEvent("\r"))
	execLeg := ringingLeg(t, w, "PJSIP/1001")
	_ = w.Fake.Answer(execLeg)
	run(t, ctx, "Erin on a call", chromedp.WaitVisible(`#exec-strip [data-exec="1001"] .badge.busy`, chromedp.ByQuery))
	_ = w.Fake.Hangup(caller)
}

// TestCallsToIsAChoiceOfTheExecutivesNumbers: a filter's "calls to" offers Erin's
// primary number, her mobile and her numbers, written for people; ticking the mobile
// saves "mobility".
func TestCallsToIsAChoiceOfTheExecutivesNumbers(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "1001")
	var labels []string
	run(t, ctx, "the editor", chromedp.Click("#tab-mine", chromedp.ByQuery), chromedp.WaitVisible("#add-filter", chromedp.ByQuery),
		chromedp.Click("#add-filter", chromedp.ByQuery), chromedp.WaitVisible("#filter-edit-callsToNumbers", chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll("#filter-edit-callsToNumbers label")].map((l) => l.textContent.trim())`, &labels))
	want := []string{"My primary number (1001, (555) 123-1001)", "My mobile ((555) 987-1001)", "(555) 123-1001"}
	if !slices.Equal(labels, want) {
		t.Fatalf("calls to offers %q, want %q", labels, want)
	}
	run(t, ctx, "tick the mobile and save", chromedp.SendKeys("#filter-edit-filterName", "Mobile calls", chromedp.ByQuery),
		chromedp.Click(`#filter-edit-callsToNumbers input[value="mobility"]`, chromedp.ByQuery),
		chromedp.Click("#filter-editor button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible(`#criteria li[data-criterion="Mobile calls"]`, chromedp.ByQuery))
	f := w.Store.Snapshot().Config.User("1001").Executive.Filtering.Filters
	if len(f) != 1 || !slices.Equal(f[0].CallsTo, []string{"mobility"}) {
		t.Fatalf("stored: %+v", f)
	}
}

// TestRefusalsReadInWordsNotFieldNames: a filter for "Selected numbers" without numbers
// is refused next to the numbers field in the page's words, without the API's
// SELECT_PHONE_NUMBERS or phoneNumbers.
func TestRefusalsReadInWordsNotFieldNames(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "1001")
	var msg string
	run(t, ctx, "a filter for selected numbers without numbers", chromedp.Click("#tab-mine", chromedp.ByQuery),
		chromedp.WaitVisible("#add-filter", chromedp.ByQuery), chromedp.Click("#add-filter", chromedp.ByQuery),
		chromedp.WaitVisible("#filter-editor", chromedp.ByQuery), chromedp.SendKeys("#filter-edit-filterName", "Nobody", chromedp.ByQuery),
		chromedp.SetValue("#filter-edit-callsFrom", "SELECT_PHONE_NUMBERS", chromedp.ByQuery),
		chromedp.Click("#filter-editor button[type=submit]", chromedp.ByQuery),
		chromedp.WaitVisible(`#filter-editor [data-error-for="phoneNumbers"]:not(:empty)`, chromedp.ByQuery),
		chromedp.Text(`#filter-editor [data-error-for="phoneNumbers"]`, &msg, chromedp.ByQuery))
	if strings.Contains(msg, "SELECT_PHONE_NUMBERS") || strings.Contains(msg, "phoneNumbers") || !strings.Contains(msg, "“Selected numbers”") {
		t.Fatalf("refusal: %q", msg)
	}
}

// TestSendACallToTheExecutivesVoicemail: a call ringing at Ann goes to Erin's voicemail
// from the console (the caller continues to the voice-messaging dialplan), and Today says
// so.
func TestSendACallToTheExecutivesVoicemail(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "1002")
	caller := w.Call("1001", "Bob Caller", "+15550001111")
	run(t, ctx, "send to voicemail", chromedp.WaitVisible(`#calls li[data-state="ringing"] button[data-action="voicemail"]`, chromedp.ByQuery),
		chromedp.Click(`#calls li[data-state="ringing"] button[data-action="voicemail"]`, chromedp.ByQuery),
		chromedp.WaitNotPresent(`#calls li[data-call]`, chromedp.ByQuery))
	poll.Until(t, 0, "the caller at Erin's voicemail", func() bool {
		to, ok := w.Fake.Continued(caller)
		return ok && strings.HasPrefix(to.String(), "execassist-voicemail,1001")
	})
	var row string
	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	run(t, wait, "Today", chromedp.WaitVisible(`#history li[data-history]`, chromedp.ByQuery), chromedp.Text(`#history li[data-history] .what`, &row, chromedp.ByQuery))
	if !strings.HasSuffix(row, "went to voicemail") {
		t.Fatalf("today: %q", row)
	}
}

// bridgedOn reports whether a channel of device (other than not) shares a bridge with
// channel with.
func bridgedOn(w *World, device, with, not string) bool {
	b := w.Fake.BridgeOf(with)
	return b != "" && slices.ContainsFunc(w.Fake.ChannelsOn(device), func(l string) bool { return l != not && w.Fake.BridgeOf(l) == b })
}

// ringingLeg waits until device has a ringing channel and returns the newest.
func ringingLeg(t *testing.T, w *World, device string) string {
	t.Helper()
	var leg string
	poll.Until(t, 0, device+" ringing", func() bool {
		for _, l := range w.Fake.ChannelsOn(device) {
			if st, _ := w.Fake.ChannelState(l); st == "Ringing" {
				leg = l
			}
		}
		return leg != ""
	})
	return leg
}

// annAnswersACall starts a demo, signs Ann in and has her answer a call from Bob to
// Erin; it returns the world, Ann's browser, the caller's and Ann's channels.
func annAnswersACall(t *testing.T) (*World, context.Context, string, string) {
	t.Helper()
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "1002")
	caller := w.Call("1001", "Bob Caller", "+15550001111")
	leg := ringingLeg(t, w, "PJSIP/1002")
	_ = w.Fake.Answer(leg)
	return w, ctx, caller, leg
}

// TestAdminEditsAPoolFromTheAdminPage: from Eve's row the admin opens her settings and
// adds Alan to her pool.
func TestAdminEditsAPoolFromTheAdminPage(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "admin")
	run(t, ctx, "Eve's pool from the admin page", chromedp.Click("#tab-admin", chromedp.ByQuery),
		chromedp.WaitVisible(`#admin-users button[data-pool-of="1006"]`, chromedp.ByQuery),
		chromedp.Click(`#admin-users button[data-pool-of="1006"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.settings[data-exec="1006"] #pool-search`, chromedp.ByQuery),
		chromedp.SendKeys("#pool-search", "Alan", chromedp.ByQuery),
		chromedp.WaitVisible(`#pool-results button[data-add="1003"]`, chromedp.ByQuery),
		chromedp.Click(`#pool-results button[data-add="1003"]`, chromedp.ByQuery),
		chromedp.Click("#pool button[type=submit]", chromedp.ByQuery), chromedp.WaitVisible("#pool .status.ok", chromedp.ByQuery))
	poll.Until(t, 0, "Alan in Eve's pool", func() bool {
		return slices.Contains(w.Store.Snapshot().Config.User("1006").Executive.Assistants, "1003")
	})
}

// TestAssistantAnswersARingingCallFromTheConsole: a call rings at Ann's phone; she
// clicks Answer in the console; her phone answers by itself (the auto-answer header),
// the row becomes her answered call, marked as hers.
func TestAssistantAnswersARingingCallFromTheConsole(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "1002")
	caller := w.Call("1001", "Bob Caller", "+15550001111")
	old := ringingLeg(t, w, "PJSIP/1002")
	row := `#calls li[data-state="ringing"]`
	var said string
	run(t, ctx, "answer", chromedp.WaitVisible(row+` button[data-action="answer"]`, chromedp.ByQuery),
		chromedp.Click(row+` button[data-action="answer"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`#calls li[data-state="answered"] .badge.mine`, chromedp.ByQuery),
		chromedp.Text(`#calls li[data-state="answered"] .said`, &said, chromedp.ByQuery))
	if !strings.Contains(said, "Answered at your phone") {
		t.Errorf("the row says %q", said)
	}
	poll.Until(t, 0, "Bob connected to Ann's phone", func() bool { return bridgedOn(w, "PJSIP/1002", caller, old) })
}

// TestTheConsoleShowsTheExecutiveOnThePhone: Erin picks up her desk phone and calls
// someone in the plain dialplan (execassist never sees the call): Ann's console shows
// her on a call next to her name, and no longer once she hangs up; an unreachable
// phone reads "Phone offline".
func TestTheConsoleShowsTheExecutiveOnThePhone(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "1002")
	erin := `#exec-strip [data-exec="1001"]`
	run(t, ctx, "the strip", chromedp.WaitVisible(erin, chromedp.ByQuery))
	own := w.Fake.PhoneDials("PJSIP/1001", "1005")
	run(t, ctx, "Erin on the phone", chromedp.WaitVisible(erin+` [data-phone="in-use"]`, chromedp.ByQuery))
	_ = w.Fake.Hangup(own)
	run(t, ctx, "Erin off the phone", chromedp.WaitNotPresent(erin+` [data-phone="in-use"]`, chromedp.ByQuery))
	w.Fake.SetScript("PJSIP/1001", aritest.Script{Mode: aritest.Unavailable})
	var text string
	run(t, ctx, "Erin's phone offline", chromedp.WaitVisible(erin+` [data-phone="offline"]`, chromedp.ByQuery),
		chromedp.Text(erin+` [data-phone="offline"]`, &text, chromedp.ByQuery))
	if text != "Phone offline" {
		t.Errorf("badge %q", text)
	}
}

// TestIntercomFromTheConsole: Ann clicks Intercom next to Erin: her phone and Erin's
// answer by themselves and are bridged; the strip says so.
func TestIntercomFromTheConsole(t *testing.T) {
	w := world(t)
	ctx := browser(t)
	signIn(t, ctx, w, "1002")
	btn := `#exec-strip [data-exec="1001"] button[data-intercom="1001"]`
	var said string
	run(t, ctx, "intercom", chromedp.WaitVisible(btn, chromedp.ByQuery), chromedp.Click(btn, chromedp.ByQuery),
		chromedp.WaitVisible(`#exec-strip [data-exec="1001"] .muted:last-child`, chromedp.ByQuery))
	poll.Until(t, 0, "Ann's and Erin's phones bridged", func() bool {
		return slices.ContainsFunc(w.Fake.ChannelsOn("PJSIP/1001"), func(e string) bool { return bridgedOn(w, "PJSIP/1002", e, "") })
	})
	run(t, ctx, "what it said", chromedp.Text(`#exec-strip [data-exec="1001"]`, &said, chromedp.ByQuery))
	if !strings.Contains(said, "answer by themselves") {
		t.Errorf("the strip says %q", said)
	}
}
