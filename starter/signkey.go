package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/tetsuzuki/tetsuzuki/sign"
)

// signkey writes a new signing keypair. Without --host, the
// orchestrator's: FILE (0600), for its -sign-key, and FILE.pub (0644), for
// every agent's -trust-keys. With --host FQDN, that host's: FILE for its
// agent's -host-key, and FILE.pub, a line of the orchestrator's keyring
// (-host-keys). It never writes over an existing file.
func (m *Main) signkey(args []string) error {
	fs := flag.NewFlagSet("starter signkey", flag.ContinueOnError)
	fs.SetOutput(m.Err)
	out := fs.String("out", "", "the private key file to create; the public key goes to FILE.pub")
	host := fs.String("host", "", "make the key of this host's agent (its FQDN) instead of the orchestrator's")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *out == "" {
		return errors.New("--out FILE is required: the key is two files")
	}
	if *host != "" {
		if err := sign.GenerateHostKeyFiles(*out, *host); err != nil {
			return fmt.Errorf("signkey: %w", err)
		}
	} else if err := sign.GenerateKeyFiles(*out); err != nil {
		return fmt.Errorf("signkey: %w", err)
	}
	s, err := sign.LoadSigner(*out)
	if err != nil {
		return err
	}
	if *host != "" {
		_, err = fmt.Fprintf(m.Out, "host key %s of %s: %s (its agent's -host-key), %s.pub (a line of the orchestrator's -host-keys)\n", s.ID(), *host, *out, *out)
		return err
	}
	_, err = fmt.Fprintf(m.Out, "signing key %s: %s (orchestrator -sign-key), %s.pub (agents -trust-keys)\n", s.ID(), *out, *out)
	return err
}
