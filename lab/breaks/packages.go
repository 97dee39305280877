package breaks

import (
	"github.com/tetsuzuki/tetsuzuki/findings"
	"github.com/tetsuzuki/tetsuzuki/lab/packages"
)

func packageRemove(b *breaker, args []string) error {
	name := args[0]
	if err := packages.Erase(b.h, name); err != nil {
		return err
	}
	b.done(name)
	b.want(b.h.FQDN, findings.PackageMissing, name)
	return nil
}
