package main

import "github.com/tetsuzuki/tetsuzuki/lab/toolset"

// tools is the table of emulated tools (package toolset): invoked by one
// of their names, through a host's link, the lab binary is that tool.
var tools = toolset.Table()
