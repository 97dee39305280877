package cman

// IsRunning reports whether cman runs on the host fqdn of the lab at labDir:
// the question the tools that need the cluster (gnbd_serv, gnbd_import,
// clvmd) ask libcman before anything else. It reads the shared state without
// the lab's lock, which it is safe to do (the file is replaced atomically),
// so it may be called while holding the lock.
func IsRunning(labDir, fqdn string) (bool, error) {
	s, err := load(labDir)
	if err != nil {
		return false, err
	}
	c, _ := s.Running(fqdn)
	return c != nil, nil
}
