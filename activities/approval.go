package activities

// NeedsApproval reports whether a task destroys data, so that an agent
// runs it only with an approval the orchestrator signed after the run
// recorded it (package sign): overwriting a DRBD peer, discarding one
// side of a split brain, making a file
// system, wiping a device that carries a signature, labelling a disk that
// has no partition table, and removing the volume. args are the
// activity's decoded arguments.
func NeedsApproval(activity string, args []any) bool {
	switch activity {
	case DRBDOverwritePeerName, DRBDDiscardMyDataName, MakeFilesystemName, RemoveVolumeName:
		return true
	case PVCreateName:
		in, ok := arg[PVInput](args)
		return !ok || in.Wipe
	case PrepareDiskName:
		in, ok := arg[DiskInput](args)
		return !ok || in.Label
	}
	return false
}

// arg is the activity's one argument, if it is of type T.
func arg[T any](args []any) (T, bool) {
	var zero T
	if len(args) != 1 {
		return zero, false
	}
	switch v := args[0].(type) {
	case T:
		return v, true
	case *T:
		if v != nil {
			return *v, true
		}
	}
	return zero, false
}
