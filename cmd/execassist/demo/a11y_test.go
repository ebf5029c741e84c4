package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/execassist/execassist/internal/testskip"
)

// The accessibility check: axe-core, pinned in testdata/a11y/package-lock.json and
// installed from the npm registry with `npm ci` into a cache folder outside the tree
// (once per lock file), is injected into each screen of the page; every WCAG A/AA rule
// it knows must pass. Nothing is fetched from a CDN and nothing is committed but the
// lock file.

var axe struct {
	once   sync.Once
	script string
	why    string
}

// axeScript returns axe.min.js, installing it first if this machine has not yet.
func axeScript(t *testing.T) string {
	t.Helper()
	axe.once.Do(func() {
		lock, err := os.ReadFile("testdata/a11y/package-lock.json")
		if err != nil {
			axe.why = "testdata/a11y/package-lock.json: " + err.Error()
			return
		}
		sum := sha256.Sum256(lock)
		dir := filepath.Join(os.TempDir(), "execassist-a11y-"+hex.EncodeToString(sum[:8]))
		path := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
		if _, err := os.Stat(path); err != nil {
			if _, err := exec.LookPath("npm"); err != nil {
				axe.why = "npm is not installed: the accessibility check needs it to install axe-core"
				return
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				axe.why = err.Error()
				return
			}
			for _, f := range []string{"package.json", "package-lock.json"} {
				b, _ := os.ReadFile(filepath.Join("testdata/a11y", f))
				if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
					axe.why = err.Error()
					return
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				axe.why = "npm ci for axe-core failed: " + err.Error() + ": " + string(out)
				return
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			axe.why = err.Error()
			return
		}
		axe.script = string(b)
	})
	if axe.script == "" {
		testskip.Skip(t, axe.why)
	}
	return axe.script
}

// noViolations runs axe on the page as it is now and fails the test on any violation
// of WCAG 2 A and AA, naming the rule and the elements.
func noViolations(t *testing.T, ctx context.Context, screen string) {
	t.Helper()
	script := axeScript(t)
	var raw string
	run(t, ctx, "axe on "+screen, chromedp.Evaluate(script, nil),
		chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
			.then((r) => JSON.stringify(r.violations.map((v) => ({id: v.id, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + ": " + n.failureSummary)}))))`,
			&raw, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	var violations []struct {
		ID, Help string
		Nodes    []string
	}
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		t.Fatalf("axe's answer on %s: %v: %s", screen, err, raw)
	}
	for _, v := range violations {
		t.Errorf("%s: %s (%s):\n  %s", screen, v.ID, v.Help, strings.Join(v.Nodes, "\n  "))
	}
}

// TestEveryScreenPassesTheAccessibilityCheck: sign-in, the console with a ringing call
// (which its live region announces to a screen reader), my settings with the filter editor open, an assistant's view of an
// executive, and the admin's pages, at desktop width: no axe violation.
func TestEveryScreenPassesTheAccessibilityCheck(t *testing.T) {
	axeScript(t)
	w := world(t)
	ctx := browser(t)
	run(t, ctx, "sign-in", chromedp.Navigate(w.URL), chromedp.WaitVisible("#user", chromedp.ByQuery))
	noViolations(t, ctx, "sign-in")
	signIn(t, ctx, w, "1002")
	caller := w.Call("1001", "Bob Caller", "+15550001111")
	var said string
	run(t, ctx, "a ringing call", chromedp.WaitVisible(`#calls li[data-state="ringing"]`, chromedp.ByQuery),
		chromedp.Text("#announcer", &said, chromedp.ByQuery))
	if !strings.HasPrefix(said, "New call from Bob Caller for Erin Exec, ringing at") {
		t.Errorf("the live region says %q", said)
	}
	noViolations(t, ctx, "console")
	run(t, ctx, "Erin's settings", chromedp.Click("#tab-executives", chromedp.ByQuery), chromedp.WaitVisible("#pool li", chromedp.ByQuery))
	noViolations(t, ctx, "executives")
	run(t, ctx, "my settings", chromedp.Click("#tab-mine", chromedp.ByQuery), chromedp.WaitVisible("#assistant h2", chromedp.ByQuery))
	noViolations(t, ctx, "assistant's settings")
	_ = w.Fake.Hangup(caller)

	exec := browser(t)
	signIn(t, exec, w, "1001")
	run(t, exec, "the filter editor", chromedp.Click("#tab-mine", chromedp.ByQuery), chromedp.WaitVisible("#add-filter", chromedp.ByQuery),
		chromedp.Click("#add-filter", chromedp.ByQuery), chromedp.WaitVisible("#filter-editor", chromedp.ByQuery))
	noViolations(t, exec, "executive's settings")

	admin := browser(t)
	signIn(t, admin, w, "admin")
	run(t, admin, "admin", chromedp.Click("#tab-admin", chromedp.ByQuery), chromedp.WaitVisible(`#admin-users tr[data-user]`, chromedp.ByQuery))
	noViolations(t, admin, "admin")
}
