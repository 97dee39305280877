package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/tetsuzuki/tetsuzuki/sign"
)

// signkey writes a new orchestrator signing keypair: FILE (0600), for the
// orchestrator's -sign-key, and FILE.pub (0644), for every agent's
// -trust-keys. It never writes over an existing file.
func (m *Main) signkey(args []string) error {
	fs := flag.NewFlagSet("starter signkey", flag.ContinueOnError)
	fs.SetOutput(m.Err)
	out := fs.String("out", "", "the private key file to create; the public key goes to FILE.pub")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *out == "" {
		return errors.New("--out FILE is required: the key is two files")
	}
	if err := sign.GenerateKeyFiles(*out); err != nil {
		return fmt.Errorf("signkey: %w", err)
	}
	s, err := sign.LoadSigner(*out)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(m.Out, "signing key %s: %s (orchestrator -sign-key), %s.pub (agents -trust-keys)\n", s.ID(), *out, *out)
	return err
}
