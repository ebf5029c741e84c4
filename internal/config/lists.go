package config

import "slices"

// NumberList finds the named number list an executive's filters and bypass may use:
// the executive's own, else the organisation's.
func (c *Config) NumberList(u *User, name string) ([]string, bool) {
	if u != nil && u.Executive != nil {
		if l, ok := u.Executive.Lists[name]; ok {
			return l, true
		}
	}
	l, ok := c.Lists[name]
	return l, ok
}

// ListNames are the names of the lists executive u may use, sorted: the organisation's
// and u's own.
func (c *Config) ListNames(u *User) []string {
	var out []string
	for n := range c.Lists {
		out = append(out, n)
	}
	if u != nil && u.Executive != nil {
		for n := range u.Executive.Lists {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
