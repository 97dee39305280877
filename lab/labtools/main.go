// Command labtools is the lab's emulated tools and nothing else: the same
// table (package toolset) as the lab binary, without the lab commands,
// whose Temporal SDK makes every start of lab three times as slow. Give
// it to lab init and lab up as --tools ($TETSUZUKI_LAB_TOOLS), and every
// host's tools are links to it:
//
//	go build -o .bin/labtools ./lab/labtools
//	TETSUZUKI_LAB_TOOLS=.bin/labtools .bin/lab up --runbook F --dir D
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/tetsuzuki/tetsuzuki/lab/emu"
	"github.com/tetsuzuki/tetsuzuki/lab/toolset"
)

func main() {
	tools := toolset.Table()
	if _, ok := tools[filepath.Base(os.Args[0])]; !ok {
		fmt.Fprintf(os.Stderr, "labtools: %s is not an emulated tool; the lab command is lab (lab init --tools links hosts' tools to this binary)\n", filepath.Base(os.Args[0]))
		os.Exit(2)
	}
	os.Exit(emu.Main(os.Args, tools))
}
