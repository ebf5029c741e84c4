package main

// The container image and compose file, checked as far as a machine without a Docker
// engine allows: the rules an image reviewer (hadolint) would apply, the services each
// compose profile starts, docker-compose's own validation, the binary the image would
// hold (same flags), and the Asterisk entrypoint's handling of the ARI password.

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/execassist/execassist/internal/testskip"
	"go.yaml.in/yaml/v3"
)

const repoRoot = "../.."

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// pinned reports whether an image reference names an exact version: a tag with a digit
// that is not latest, or a digest.
func pinned(ref string) bool {
	if strings.Contains(ref, "@sha256:") {
		return true
	}
	i := strings.LastIndex(ref, ":")
	if i < 0 || strings.Contains(ref[i:], "/") {
		return false
	}
	tag := ref[i+1:]
	return tag != "latest" && strings.ContainsAny(tag, "0123456789")
}

// TestDockerfilesFollowTheImageRules: every base image pinned, the execassist image
// runs as a non-root user with its store a volume, a HEALTHCHECK and an ENTRYPOINT;
// no ADD (COPY only), package installs without caches.
func TestDockerfilesFollowTheImageRules(t *testing.T) {
	for _, name := range []string{"Dockerfile", "asterisk-conf/Dockerfile"} {
		text := readRepoFile(t, name)
		args := map[string]string{}
		for _, m := range regexp.MustCompile(`(?m)^ARG (\w+)=(\S+)`).FindAllStringSubmatch(text, -1) {
			args[m[1]] = m[2]
		}
		for _, m := range regexp.MustCompile(`(?m)^FROM (\S+)`).FindAllStringSubmatch(text, -1) {
			ref := regexp.MustCompile(`\$\{(\w+)\}`).ReplaceAllStringFunc(m[1], func(v string) string { return args[v[2:len(v)-1]] })
			if !pinned(ref) {
				t.Errorf("%s: FROM %s is not pinned to a version", name, ref)
			}
		}
		if regexp.MustCompile(`(?m)^ADD `).MatchString(text) {
			t.Errorf("%s uses ADD: COPY says what it does", name)
		}
		if strings.Contains(text, "apk add") && !strings.Contains(text, "apk add --no-cache") {
			t.Errorf("%s: apk add without --no-cache", name)
		}
		if strings.Contains(text, "apt-get install") && !strings.Contains(text, "--no-install-recommends") {
			t.Errorf("%s: apt-get install without --no-install-recommends", name)
		}
	}
	text := readRepoFile(t, "Dockerfile")
	final := text[strings.LastIndex(text, "\nFROM "):]
	for _, want := range []string{"\nUSER 65532", "\nVOLUME [\"/var/lib/execassist\"]", "\nHEALTHCHECK ", `"healthcheck"]`, "\nENTRYPOINT "} {
		if !strings.Contains(final, want) {
			t.Errorf("the execassist image's last stage lacks %q", strings.TrimSpace(want))
		}
	}
	if strings.Contains(final, "USER root") || strings.Contains(final, "USER 0") {
		t.Error("the execassist image runs as root")
	}
}

// composeFile is the part of docker-compose.yml the checks read.
type composeFile struct {
	Services map[string]struct {
		Image    string   `yaml:"image"`
		Profiles []string `yaml:"profiles"`
		Build    any      `yaml:"build"`
		Ports    []string `yaml:"ports"`
	} `yaml:"services"`
}

// TestEachComposeProfileStartsOnlyItsServices: `--profile pbx` starts the single PBX,
// `--profile cluster` only the cluster (the plain host-networked Asterisk, whose RTP
// ports collide with asterisk-a's, is not among them); every image is pinned or built
// here; the cluster's pages are published on the host's loopback only.
func TestEachComposeProfileStartsOnlyItsServices(t *testing.T) {
	var c composeFile
	if err := yaml.Unmarshal([]byte(readRepoFile(t, "docker-compose.yml")), &c); err != nil {
		t.Fatal(err)
	}
	started := func(profile string) []string {
		var out []string
		for name, s := range c.Services {
			if len(s.Profiles) == 0 || slices.Contains(s.Profiles, profile) {
				out = append(out, name)
			}
		}
		slices.Sort(out)
		return out
	}
	if got, want := started("pbx"), []string{"asterisk", "execassist"}; !slices.Equal(got, want) {
		t.Errorf("--profile pbx starts %v, want %v", got, want)
	}
	if got, want := started("cluster"), []string{"asterisk-a", "asterisk-b", "cluster-import", "etcd", "execassist-a", "execassist-b"}; !slices.Equal(got, want) {
		t.Errorf("--profile cluster starts %v, want %v", got, want)
	}
	for name, s := range c.Services {
		if s.Build == nil && !pinned(s.Image) {
			t.Errorf("service %s: image %q is neither built here nor pinned", name, s.Image)
		}
		for _, p := range s.Ports {
			if strings.HasSuffix(p, ":9180/tcp") && !strings.HasPrefix(p, "127.0.0.1:") {
				t.Errorf("service %s publishes the page on every interface: %s", name, p)
			}
		}
	}
	if img := c.Services["etcd"].Image; !strings.Contains(img, ":v3.7.") {
		t.Errorf("the etcd image %s is not the tested client's minor version (3.7)", img)
	}
}

// TestDockerComposeValidatesBothProfiles runs docker-compose's own validation (Debian's
// docker-compose package checks the file without an engine; CI installs it).
func TestDockerComposeValidatesBothProfiles(t *testing.T) {
	bin, err := exec.LookPath("docker-compose")
	if err != nil {
		testskip.Skip(t, "docker-compose is not installed (apt-get install docker-compose): the compose check needs it")
	}
	for _, profile := range []string{"pbx", "cluster"} {
		cmd := exec.Command(bin, "--profile", profile, "config", "-q")
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), "EXECASSIST_ARI_PASSWORD=checked-in-ci")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("docker-compose --profile %s config: %v\n%s", profile, err, out)
		}
	}
	cmd := exec.Command(bin, "--profile", "pbx", "config", "-q")
	cmd.Dir = repoRoot
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "EXECASSIST_ARI_PASSWORD=") })
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "set EXECASSIST_ARI_PASSWORD") {
		t.Errorf("compose without an ARI password: %v %s, want it refused by name", err, out)
	}
}

// TestTheImagesBinaryBuildsWithItsFlagsAndSaysItsVersion builds cmd/execassist with
// the Dockerfile's own go build line (static, trimmed, stamped) and runs version.
func TestTheImagesBinaryBuildsWithItsFlagsAndSaysItsVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	text := readRepoFile(t, "Dockerfile")
	m := regexp.MustCompile(`-ldflags "([^"]+)"`).FindStringSubmatch(text)
	if m == nil || !strings.Contains(text, "CGO_ENABLED=0 go build -trimpath -buildvcs=false") {
		t.Fatal("the Dockerfile's go build line is not where this test looks")
	}
	ldflags := strings.NewReplacer("${VERSION}", "v9.9.9", "${COMMIT}", "c0ffee", "${DATE}", "2026-12-03T00:00:00Z").Replace(m[1])
	out := filepath.Join(t.TempDir(), "execassist")
	build := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", out, "./cmd/execassist")
	build.Dir = repoRoot
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build with the image's flags: %v\n%s", err, b)
	}
	v, err := exec.Command(out, "version").Output()
	if err != nil || !strings.HasPrefix(string(v), "execassist v9.9.9 (commit c0ffee, built 2026-12-03T00:00:00Z, go") {
		t.Fatalf("version: %v %q", err, v)
	}
}

// TestTheAsteriskEntrypointSetsAnyPassword: the ARI password reaches ari.conf as
// written ('/', '&', '\' and quotes untouched, ';' escaped for Asterisk), and a
// password with a line break is refused before anything is written.
func TestTheAsteriskEntrypointSetsAnyPassword(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		testskip.Optional(t, "no sh")
	}
	conf := filepath.Join(t.TempDir(), "ari.conf")
	sample := readRepoFile(t, "asterisk-conf/ari.conf")
	run := func(password string) (string, error) {
		if err := os.WriteFile(conf, []byte(sample), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(sh, filepath.Join(repoRoot, "asterisk-conf/entrypoint.sh"), "true")
		cmd.Env = append(os.Environ(), "ARI_CONF="+conf, "EXECASSIST_ARI_PASSWORD="+password)
		out, err := cmd.CombinedOutput()
		b, _ := os.ReadFile(conf)
		return string(b), wrap(err, out)
	}
	got, err := run(`p/a&s\s"w'rd;x`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "\npassword = p/a&s\\s\"w'rd\\;x\n") {
		t.Errorf("ari.conf after the entrypoint:\n%s", got)
	}
	if strings.Count(got, "password = ") != 1 {
		t.Error("more than one password line")
	}
	got, err = run("x\n[evil]\ntype = user")
	if err == nil || strings.Contains(got, "evil") {
		t.Errorf("a password with a line break: %v, ari.conf:\n%s", err, got)
	}
}

func wrap(err error, out []byte) error {
	if err != nil {
		return &exitError{code: 1, msg: err.Error() + ": " + string(out)}
	}
	return nil
}
