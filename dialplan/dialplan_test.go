// Package dialplan holds the dialplan include that hands calls to execassist. Its test
// reads that include together with the sample configuration in ../asterisk-conf and
// follows calls through them as Asterisk would (pattern matching, includes, Goto,
// Stasis failing open), to prove what an outside caller can and cannot reach.
package dialplan

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

type step struct {
	prio  int
	label string
	app   string
	args  string
}

type extension struct {
	pattern string
	steps   []step
}

type context struct {
	name     string
	exts     []*extension
	includes []string
}

type dialplan map[string]*context

var appRE = regexp.MustCompile(`^([A-Za-z]+)\((.*)\)$`)

// load parses extensions.conf syntax: [context], exten =>, same =>, include =>, #include.
func load(t *testing.T, file string, dp dialplan, includeDir func(string) string) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cur *context
	var last *extension
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.Index(line, ";"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "#include"):
			load(t, includeDir(strings.TrimSpace(strings.TrimPrefix(line, "#include"))), dp, includeDir)
		case strings.HasPrefix(line, "["):
			name := strings.TrimSuffix(strings.TrimPrefix(line, "["), "]")
			cur = dp[name]
			if cur == nil {
				cur = &context{name: name}
				dp[name] = cur
			}
			last = nil
		default:
			key, val, ok := strings.Cut(line, "=>")
			if !ok || cur == nil || cur.name == "general" {
				continue
			}
			key, val = strings.TrimSpace(key), strings.TrimSpace(val)
			switch key {
			case "include":
				cur.includes = append(cur.includes, val)
			case "exten", "same":
				parts := strings.SplitN(val, ",", 3)
				if key == "exten" {
					last = &extension{pattern: parts[0]}
					cur.exts = append(cur.exts, last)
					parts = parts[1:]
				}
				if len(parts) < 2 || parts[0] == "hint" {
					continue
				}
				if key == "same" {
					parts = strings.SplitN(val, ",", 2)
				}
				s := step{}
				prio := parts[0]
				if i := strings.Index(prio, "("); i >= 0 {
					s.label = strings.TrimSuffix(prio[i+1:], ")")
					prio = prio[:i]
				}
				if prio == "n" {
					s.prio = len(last.steps) + 1
				} else {
					s.prio, _ = strconv.Atoi(prio)
				}
				if m := appRE.FindStringSubmatch(strings.TrimSpace(parts[1])); m != nil {
					s.app, s.args = m[1], m[2]
				} else {
					s.app = strings.TrimSpace(parts[1])
				}
				last.steps = append(last.steps, s)
			}
		}
	}
}

// matches is Asterisk's extension matching: _ patterns with X Z N [..] . !, else exact.
func matches(pattern, number string) bool {
	if !strings.HasPrefix(pattern, "_") {
		return pattern == number
	}
	p := pattern[1:]
	i := 0
	for len(p) > 0 {
		switch p[0] {
		case '.':
			return i < len(number)
		case '!':
			return true
		}
		if i >= len(number) {
			return false
		}
		c := number[i]
		switch p[0] {
		case 'X', 'x':
			if c < '0' || c > '9' {
				return false
			}
			p = p[1:]
		case 'Z', 'z':
			if c < '1' || c > '9' {
				return false
			}
			p = p[1:]
		case 'N', 'n':
			if c < '2' || c > '9' {
				return false
			}
			p = p[1:]
		case '[':
			end := strings.IndexByte(p, ']')
			set, ok := p[1:end], false
			for j := 0; j < len(set); j++ {
				if j+2 < len(set) && set[j+1] == '-' {
					ok = ok || (c >= set[j] && c <= set[j+2])
					j += 2
				} else {
					ok = ok || c == set[j]
				}
			}
			if !ok {
				return false
			}
			p = p[end+1:]
		default:
			if c != p[0] {
				return false
			}
			p = p[1:]
		}
		i++
	}
	return i == len(number)
}

// reached is every application a call to number in context can run, following every
// matching extension (not only Asterisk's best match: a superset is the safe side),
// includes, Goto, and Stasis failing open to the next priority.
func (dp dialplan) reached(t *testing.T, ctx, number string) []string {
	var out []string
	seen := map[string]bool{}
	var run func(ctx, number string, depth int)
	run = func(ctxName, number string, depth int) {
		key := ctxName + "," + number
		if depth > 20 || seen[key] {
			return
		}
		seen[key] = true
		c := dp[ctxName]
		if c == nil {
			t.Fatalf("Goto or include of a context that does not exist: %s", ctxName)
		}
		for _, inc := range c.includes {
			run(inc, number, depth+1)
		}
		for _, e := range c.exts {
			if !matches(e.pattern, number) {
				continue
			}
			for _, s := range e.steps {
				args := strings.ReplaceAll(s.args, "${EXTEN}", number)
				if len(number) >= 4 {
					args = strings.ReplaceAll(args, "${EXTEN:-4}", number[len(number)-4:])
				}
				out = append(out, s.app+"("+args+")")
				if s.app == "Goto" {
					parts := strings.Split(args, ",")
					run(parts[0], parts[1], depth+1)
				}
				if s.app == "Hangup" || s.app == "Goto" {
					break
				}
			}
		}
	}
	run(ctx, number, 0)
	return out
}

func sample(t *testing.T) dialplan {
	dp := dialplan{}
	load(t, "../asterisk-conf/extensions.conf", dp, func(inc string) string {
		if filepath.Base(inc) == "extensions_execassist.conf" {
			return "extensions_execassist.conf"
		}
		return filepath.Join("../asterisk-conf", inc)
	})
	return dp
}

// TestOutsideCallersCannotCallOut: nothing a caller from the trunk dials reaches the
// trunk again (toll fraud through the sample PBX), a FAC, or voicemail administration;
// the executive's DID reaches execassist and then the executive.
func TestOutsideCallersCannotCallOut(t *testing.T) {
	dp := sample(t)
	for _, number := range []string{"+442071234567", "+19005550000", "+15551230000", "011442071234567",
		"9011442071234567", "+15551231001", "+15551231002", "1001", "1004", "*98", "#61", "#641001+442071234567",
		"*11", "+", "s", "i", "execassist-filter-1001", "+1555123100212125551234"} {
		for _, app := range dp.reached(t, "from-trunk", number) {
			if (strings.HasPrefix(app, "Dial(") && strings.Contains(app, "@trunk")) || strings.HasPrefix(app, "VoiceMailMain(") ||
				strings.Contains(app, "Stasis(execassist,fac") {
				t.Errorf("from the trunk, %s reaches %s", number, app)
			}
		}
	}
	want := map[string]string{"+15551231001": "Stasis(execassist,exec,1001)", "+15551231002": "Dial(PJSIP/1002,20)"}
	for number, app := range want {
		if got := strings.Join(dp.reached(t, "from-trunk", number), " "); !strings.Contains(got, app) {
			t.Errorf("from the trunk, %s reaches %s, want %s", number, got, app)
		}
	}
	// The executive's DID falls back to the executive's own Dial when execassist is down.
	if got := strings.Join(dp.reached(t, "from-trunk", "+15551231001"), " "); !strings.Contains(got, "Dial(PJSIP/1001,20)") {
		t.Errorf("no fail-open path: %s", got)
	}
}

// TestPhonesReachWhatAPBXOffers: the phones still call out, use the FACs and voicemail.
func TestPhonesReachWhatAPBXOffers(t *testing.T) {
	dp := sample(t)
	for number, app := range map[string]string{"+442071234567": "Dial(PJSIP/+442071234567@trunk,60)",
		"#61": "Stasis(execassist,fac,#61)", "*98": "VoiceMailMain(", "1001": "Stasis(execassist,exec,1001)"} {
		if got := strings.Join(dp.reached(t, "from-internal", number), " "); !strings.Contains(got, app) {
			t.Errorf("from a phone, %s reaches %s, want %s", number, got, app)
		}
	}
}

// TestOutboundTakesOnlyWhatExecassistSends: execassist-outbound routes E.164 numbers and
// extensions; digits in any other form (a national number, an international prefix) that
// did not pass execassist's dialing plan match nothing.
func TestOutboundTakesOnlyWhatExecassistSends(t *testing.T) {
	dp := dialplan{}
	load(t, "extensions_execassist.conf", dp, func(string) string { t.Fatal("no #include expected"); return "" })
	for _, number := range []string{"011442071234567", "19005550000", "5551234567", "*72", "#61"} {
		if got := dp.reached(t, "execassist-outbound", number); len(got) != 0 {
			t.Errorf("execassist-outbound takes %s: %v", number, got)
		}
	}
	for _, number := range []string{"+15551234567", "1004"} {
		if got := dp.reached(t, "execassist-outbound", number); len(got) == 0 {
			t.Errorf("execassist-outbound refuses %s", number)
		}
	}
	for name, c := range dp {
		for _, e := range c.exts {
			for _, s := range e.steps {
				if s.app == "Dial" && strings.Contains(s.args, "@trunk") && name != "execassist-outbound" {
					t.Errorf("%s %s dials the trunk", name, e.pattern)
				}
			}
		}
	}
}

func TestPatternMatching(t *testing.T) {
	for _, c := range []struct {
		pattern, number string
		want            bool
	}{
		{"_+X.", "+44", true}, {"_+X.", "+", false}, {"_X.", "1", false}, {"_X.", "12", true}, {"_XXXX", "1004", true}, {"_XXXX", "10045", false},
		{"_100[2-4]", "1003", true}, {"_100[2-4]", "1005", false}, {"_#6[1-6].", "#641001", true}, {"_#6[1-6]", "#61", true},
		{"1001", "1001", true}, {"_*1[15]", "*11", true}, {"_N!", "2", true}, {"_+1555123100[2-4]", "+15551231002", true},
	} {
		if got := matches(c.pattern, c.number); got != c.want {
			t.Errorf("%s ~ %s = %v", c.pattern, c.number, got)
		}
	}
}
