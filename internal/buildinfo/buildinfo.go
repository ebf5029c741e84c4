// Package buildinfo says which execassist runs: the module version, the commit and
// when it was built. An image build stamps them with -ldflags (it has no .git to read);
// a go build in a checkout has them from the Go toolchain's own stamp.
package buildinfo

import (
	"cmp"
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set with -ldflags "-X github.com/execassist/execassist/internal/buildinfo.version=v1.2.3
// -X ...buildinfo.commit=<sha> -X ...buildinfo.date=<RFC 3339>"; empty: read from the
// toolchain's build information.
var version, commit, date string

// Info is one build.
type Info struct {
	Version   string // v1.2.3, or (devel) for a build of a checkout
	Commit    string // the commit, with "+dirty" when the tree had changes
	Date      string // when it was built (ldflags) or committed (toolchain stamp)
	GoVersion string
}

// Read returns this binary's build.
func Read() Info {
	in := Info{Version: version, Commit: commit, Date: date, GoVersion: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return in.filled()
	}
	in.Version = cmp.Or(in.Version, bi.Main.Version)
	var rev, at string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty && rev != "" {
		rev += "+dirty"
	}
	in.Commit, in.Date = cmp.Or(in.Commit, rev), cmp.Or(in.Date, at)
	return in.filled()
}

func (in Info) filled() Info {
	in.Version = cmp.Or(in.Version, "(devel)")
	in.Commit = cmp.Or(in.Commit, "unknown")
	in.Date = cmp.Or(in.Date, "unknown")
	return in
}

// String is the version line: execassist v1.2.3 (commit abc, built 2026-12-02T10:00:00Z, go1.26.8).
func (in Info) String() string {
	return fmt.Sprintf("execassist %s (commit %s, built %s, %s)", in.Version, in.Commit, in.Date, in.GoVersion)
}
