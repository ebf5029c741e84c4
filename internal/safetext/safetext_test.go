package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Erin Exec", "Erin Exec"},
		{"Zoë Müller", "Zoë Müller"},
		{"\x1b[2J\x1b[HBoss", `\x1b[2J\x1b[HBoss`},
		{"a\nb\rc\td", `a\nb\rc\td`},
		{"x\u202eevil", `x\u202eevil`},
		{"\x9b31m", `\x9b31m`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"\x7f", `\x7f`},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b]0;title\x07", "\u2028", "\xc3", "名前"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Escape(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		for _, r := range out {
			if unsafeRune(r) {
				t.Fatalf("control %U left in %q", r, out)
			}
		}
		if !hasUnsafe(s) && out != s {
			t.Fatalf("changed clean text: %q -> %q", s, out)
		}
	})
}

func TestURL(t *testing.T) {
	for _, c := range []struct{ in, hidden string }{
		{"http://execassist:s3cret@127.0.0.1:8088/ari", "s3cret"},
		{"http://user:pa%20ss@host/ari", "pa%20ss"},
		{"://u:topsecret@h", "topsecret"},
	} {
		if got := URL(c.in); strings.Contains(got, c.hidden) {
			t.Errorf("URL(%q) = %q still shows the password", c.in, got)
		}
	}
	if got := URL("http://127.0.0.1:8088/ari"); got != "http://127.0.0.1:8088/ari" {
		t.Errorf("plain URL changed: %q", got)
	}
}

func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"ari.password": true, "users[0].secret_hash": true, "pin": true, "api_token": true,
		"mapping": false, "users[0].shared_appearances": false, "ari.url": false, "dialing.premium": false,
	} {
		if SecretName(name) != want {
			t.Errorf("SecretName(%q) != %v", name, want)
		}
	}
}

func TestWriterKeepsLayoutAndSplitRunes(t *testing.T) {
	var b strings.Builder
	w := NewWriter(&b)
	name := "Zoë"
	w.Write([]byte("a\tb\n\x1b[2J" + name[:3]))
	w.Write([]byte(name[3:] + "\x07\n"))
	if want := "a\tb\n\\x1b[2JZoë\\a\n"; b.String() != want {
		t.Fatalf("%q, want %q", b.String(), want)
	}
}
